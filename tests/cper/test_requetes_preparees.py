"""A page's queries are planned once per connection: parameters bound by the server, and psycopg
prepares a statement once it has run twice (DB_PREPARE_THRESHOLD), which PostgreSQL then keeps."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.urls import reverse

from dossiers.services.depot import dossier_deposer
from tests.dossiers.complets import dossier_complet


def _preparees() -> list[str]:
    with connection.cursor() as curseur:
        curseur.execute("SELECT statement FROM pg_prepared_statements")
        return [ligne[0] for ligne in curseur.fetchall()]


def _texte_serveur(sql: str) -> str:
    """Django's SQL as psycopg sends it bound by the server: %s → $1, $2…, %% → %."""
    morceaux = sql.split("%s")
    texte = morceaux[0]
    for rang, morceau in enumerate(morceaux[1:], start=1):
        texte += f"${rang}{morceau}"
    return texte.replace("%%", "%")


@pytest.mark.django_db
def test_a_sa_troisieme_vue_chaque_requete_de_la_page_d_un_dossier_est_preparee(
    client, porteur, structure, guichet_douai, django_capture_on_commit_callbacks
):
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    dossier = dossier_complet(
        structure=structure, porteur=porteur, intitule="Halte de Sin-le-Noble"
    )
    with django_capture_on_commit_callbacks(execute=True):
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    client.force_login(porteur)
    url = reverse("dossiers:detail", args=[dossier.pk])
    premieres = [client.get(url) for _ in range(2)]
    envoyees = []

    def noter(execute, sql, params, many, context):
        envoyees.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(noter):
        troisieme = client.get(url)
    # Same page every time, its values bound by the server.
    assert {p.status_code for p in [*premieres, troisieme]} == {200}
    assert "Halte de Sin-le-Noble" in troisieme.content.decode()
    assert troisieme.content.decode().count("€") == premieres[0].content.decode().count("€")
    # Planned once by PostgreSQL, kept on the connection: each query of the page.
    preparees = set(_preparees())
    lues = [_texte_serveur(sql) for sql in envoyees]
    assert lues and all("$1" in texte for texte in lues)
    assert [texte for texte in lues if texte not in preparees] == []


@pytest.mark.parametrize(("valeur", "attendu"), [("", "None"), ("0", "0"), (None, "2")])
def test_le_seuil_se_regle_et_vide_desactive_les_requetes_preparees(valeur, attendu):
    """Behind a pooler in transaction mode, DB_PREPARE_THRESHOLD= (empty) prepares nothing."""
    env = {k: v for k, v in os.environ.items() if k != "DB_PREPARE_THRESHOLD"}
    if valeur is not None:
        env["DB_PREPARE_THRESHOLD"] = valeur
    lu = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", _LIRE_SEUIL], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert lu == [attendu, attendu]  # the primary and the replica alike


_LIRE_SEUIL = (
    "from cper.settings import base; "
    "print(*(base.DATABASES[a]['OPTIONS']['prepare_threshold'] for a in ('default', 'replica')))"
)

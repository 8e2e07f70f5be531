"""A page's queries are planned once per connection: parameters bound by the server, and psycopg
prepares a statement from its second run (DB_PREPARE_THRESHOLD), which PostgreSQL then keeps."""

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


@pytest.mark.django_db
def test_la_page_d_un_dossier_vue_trois_fois_ne_planifie_sa_lecture_qu_une_fois(
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
    lecture = 'WHERE "dossiers_lignefinancement"."dossier_id" = $1 ORDER BY'
    assert not [s for s in _preparees() if lecture in s]
    pages = [client.get(url) for _ in range(3)]
    # Same page every time, the values bound by the server.
    assert all(p.status_code == 200 for p in pages)
    assert all("Halte de Sin-le-Noble" in p.content.decode() for p in pages)
    assert len({p.content.decode().count("€") for p in pages}) == 1
    # The financing lines' read, run once per view, is now kept prepared, its value a parameter.
    assert len([s for s in _preparees() if lecture in s]) == 1


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

"""An id written in the SQL as a literal (`Identifiant`): « Mes dossiers » is planned for each
porteur (one structure or 150), and a query compiled once refuses an id it would freeze."""

import pytest
from django.db import connection
from django.urls import reverse

from cper.comptes.enums import Role
from cper.requetes import Identifiant, RequeteCompilee
from dossiers.models import Dossier, MembreStructure
from tests.factories import DossierFactory, StructureFactory, UserFactory


def test_un_identifiant_n_est_qu_un_entier_ou_une_cle():
    for valeur in ("12", "1; DROP TABLE dossiers_dossier", "pole:3' OR '1", 1.5, True, None):
        with pytest.raises(ValueError, match="Pas un identifiant"):
            Identifiant(valeur)


def _noter(envoyees: list):
    def noter(execute, sql, params, many, context):
        envoyees.append(sql)
        return execute(sql, params, many, context)

    return noter


@pytest.mark.django_db
def test_mes_dossiers_nomme_le_porteur_dans_sa_requete_et_ne_montre_que_les_siens(client):
    pages = {}
    for nom in ("Amandine", "Basile"):
        porteur = UserFactory(first_name=nom, roles=[Role.PORTEUR])
        structure = StructureFactory(raison_sociale=f"Commune de {nom}", membres=[porteur])
        DossierFactory(structure=structure, intitule=f"Projet de {nom}")
        client.force_login(porteur)
        envoyees = []
        with connection.execute_wrapper(_noter(envoyees)):
            pages[porteur.pk] = client.get(reverse("dossiers:index")).content.decode()
        # The SQL as sent, before its parameters are bound: the id is in the text itself.
        lecture = [sql for sql in envoyees if '"dossiers_membrestructure"' in sql]
        assert lecture
        assert all(f'"user_id" = {porteur.pk})' in sql for sql in lecture)
    page_a, page_b = pages.values()
    assert "Projet de Amandine" in page_a and "Projet de Basile" not in page_a
    assert "Projet de Basile" in page_b and "Projet de Amandine" not in page_b


def test_une_requete_compilee_refuse_un_identifiant_ecrit_en_dur():
    compilee = RequeteCompilee(
        lambda user_id: Dossier.objects.filter(
            structure__in=MembreStructure.objects.filter(user_id=Identifiant(user_id)).values(
                "structure"
            ),
            pk=user_id,
        ),
        "user_id",
    )
    with pytest.raises(ValueError, match="écrit dans la requête"):
        compilee(user_id=3)

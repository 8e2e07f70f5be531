# ruff: noqa: F811 - the fixtures imported from tests/execution are parameters here
"""Acts and payments through the API: the financial system reads them and records payments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from execution import services
from execution.enums import EtatDemande, TypeVersement
from execution.models import DemandeVersement
from tests.api.test_api_v1 import client_avec_jeton
from tests.execution.conftest import (  # noqa: F401 - fixtures
    acte_etat,
    creer_programme,
    dossier_en_cours,
    dossier_programme,
    gestionnaire_etat,
    gestionnaire_region,
    il_y_a,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def avance_acceptee(dossier_en_cours, acte_etat, porteur, gestionnaire_etat):
    avance = services.demande_versement_deposer(
        acte=acte_etat, par=porteur, type=TypeVersement.AVANCE
    )
    return services.demande_versement_accepter(demande=avance, par=gestionnaire_etat)


def _mandater(api, demande, **corps):
    return api.post(
        f"/api/v1/versements/{demande.pk}/mandater/",
        {"mandate_le": il_y_a(0).isoformat(), **corps},
        "application/json",
    )


def test_l_agent_du_financeur_enregistre_un_versement_une_seule_fois(
    avance_acceptee, gestionnaire_etat
):
    api, _ = client_avec_jeton(gestionnaire_etat)
    file = api.get("/api/v1/versements/", {"etat": "acceptee"}).json()["resultats"]
    assert [d["id"] for d in file] == [avance_acceptee.pk]
    assert file[0]["financeur"]["code"] == avance_acceptee.acte.financeur.code

    reponse = _mandater(api, avance_acceptee)
    assert reponse.status_code == 200
    assert reponse.json()["etat"] == EtatDemande.MANDATEE
    assert reponse.json()["montant_mandate"] == str(avance_acceptee.montant_accepte)
    # The same order sent again (a retry of the financial system): nothing moves twice.
    encore = _mandater(api, avance_acceptee)
    assert encore.status_code == 409
    assert encore.json()["erreur"]["code"] == "deja_effectuee"
    assert DemandeVersement.objects.get(pk=avance_acceptee.pk).etat == EtatDemande.MANDATEE


def test_un_montant_au_dela_de_l_accepte_est_refuse(avance_acceptee, gestionnaire_etat):
    api, _ = client_avec_jeton(gestionnaire_etat)
    reponse = _mandater(api, avance_acceptee, montant="999999999.00")
    assert reponse.status_code == 400
    assert "au plus le montant accepté" in reponse.json()["erreur"]["message"]
    for hostile in ("NaN", "Infinity", "-5", "1e400", "=1+1"):
        assert _mandater(api, avance_acceptee, montant=hostile).status_code == 400, hostile
    futur = api.post(
        f"/api/v1/versements/{avance_acceptee.pk}/mandater/",
        {"mandate_le": "2999-01-01"},
        "application/json",
    )
    assert futur.status_code == 400
    assert DemandeVersement.objects.get(pk=avance_acceptee.pk).etat == EtatDemande.ACCEPTEE


def test_un_autre_financeur_ou_le_porteur_ne_mandate_pas(
    avance_acceptee, gestionnaire_region, porteur
):
    for user in (gestionnaire_region, porteur):
        api, _ = client_avec_jeton(user)
        assert _mandater(api, avance_acceptee).status_code == 404
    assert DemandeVersement.objects.get(pk=avance_acceptee.pk).etat == EtatDemande.ACCEPTEE


def test_les_actes_selon_qui_les_lit(avance_acceptee, dossier_en_cours, porteur, gestionnaire_etat):
    url = f"/api/v1/dossiers/{dossier_en_cours.pk}/actes/"
    for user in (porteur, gestionnaire_etat):
        api, _ = client_avec_jeton(user)
        (acte,) = api.get(url).json()
        assert acte["financeur"]["code"] == avance_acceptee.acte.financeur.code
        assert [v["id"] for v in acte["versements"]] == [avance_acceptee.pk]


def test_la_file_des_versements_coute_autant_de_requetes(
    dossier_en_cours, acte_etat, porteur, gestionnaire_etat
):
    api, _ = client_avec_jeton(gestionnaire_etat)
    services.demande_versement_deposer(acte=acte_etat, par=porteur, type=TypeVersement.AVANCE)
    api.get("/api/v1/versements/")
    with CaptureQueriesContext(connection) as petit:
        assert len(api.get("/api/v1/versements/").json()["resultats"]) == 1
    # More requests in the queue: one per act can be open at a time, so refuse and ask again.
    for _ in range(5):
        demande = DemandeVersement.objects.filter(etat=EtatDemande.DEPOSEE).get()
        services.demande_versement_refuser(demande=demande, par=gestionnaire_etat, motif="Non")
        services.demande_versement_deposer(acte=acte_etat, par=porteur, type=TypeVersement.AVANCE)
    with CaptureQueriesContext(connection) as grand:
        assert len(api.get("/api/v1/versements/", {"etat": "refusee"}).json()["resultats"]) == 5
    assert len(grand) == len(petit)

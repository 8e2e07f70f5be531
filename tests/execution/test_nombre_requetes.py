"""The execution's pages: a fixed number of queries, whatever the number of requests."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from execution.enums import EtatDemande, TypeVersement
from execution.models import DemandeVersement
from tests.execution.conftest import acte_notifie, creer_programme

pytestmark = pytest.mark.django_db


def _dossiers_avec_demandes(n, *, structure, volet, financeurs, secretariat, agent, porteur):
    from django.utils import timezone

    actes = []
    for _ in range(n):
        dossier = creer_programme(
            structure=structure,
            volet=volet,
            financeurs=financeurs,
            secretariat=secretariat,
            depose_le=timezone.now() - datetime.timedelta(days=400),
        )
        acte = acte_notifie(dossier, financeurs["etat"], agent)
        DemandeVersement.objects.create(
            acte=acte,
            type=TypeVersement.AVANCE,
            montant_demande=Decimal("1000.00"),
            deposee_par=porteur,
            deposee_le=timezone.now(),
            etat=EtatDemande.DEPOSEE,
        )
        actes.append(acte)
    return actes


@pytest.mark.parametrize("n", [1, 4])
def test_file_des_versements(
    client,
    django_assert_num_queries,
    structure,
    volet,
    financeurs,
    secretariat,
    gestionnaire_etat,
    porteur,
    n,
):
    _dossiers_avec_demandes(
        n,
        structure=structure,
        volet=volet,
        financeurs=financeurs,
        secretariat=secretariat,
        agent=gestionnaire_etat,
        porteur=porteur,
    )
    client.force_login(gestionnaire_etat)
    url = reverse("execution:versements")
    client.get(url)
    # 1 session, 2 user, 3 the user's financeurs exist, 4 the financeurs of the filter,
    # 5 count, 6 the page of requests with act, financeur, dossier and structure,
    # 7 roles (menu).
    with django_assert_num_queries(7):
        reponse = client.get(url)
    assert reponse.text.count("Sélectionner la demande") == 0  # none accepted yet
    assert reponse.text.count("Avance") >= n


@pytest.mark.parametrize("n", [1, 4])
def test_page_du_porteur(
    client, django_assert_num_queries, dossier_en_cours, acte_etat, porteur, n
):
    from django.utils import timezone

    for i in range(n):
        DemandeVersement.objects.create(
            acte=acte_etat,
            type=TypeVersement.ACOMPTE,
            depenses=Decimal("1000.00"),
            montant_demande=Decimal("400.00"),
            deposee_par=porteur,
            deposee_le=timezone.now(),
            etat=EtatDemande.REFUSEE,
            motif=f"Refus {i}",
        )
    client.force_login(porteur)
    url = reverse("execution:porteur", args=[dossier_en_cours.pk])
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 the dossier in scope, 5 acts, 6 their requests,
    # 7 reversements, 8 files, 9 prorogations, 10 caducité proposals, 11 replaced versions
    # (avenants), 12 the commencement.
    with django_assert_num_queries(12):
        reponse = client.get(url)
    assert reponse.text.count("Refus ") == n

"""Avenants to a dossier's financing: a new version of the act, the old one kept and readable,
the differences shown, the PDF reissued and notified."""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from cper.models import Notification
from execution import services
from execution.enums import TypeVersement
from execution.models import Acte, VersionActe
from execution.tasks import produire_acte

from .test_acte_pdf import texte
from .test_parcours import payer

pytestmark = pytest.mark.django_db


@pytest.fixture
def acte_construit(acte_etat):
    produire_acte(acte_etat.pk)  # the notified act's PDF, as the worker built it
    acte_etat.refresh_from_db()
    return acte_etat


def _avenant(client, agent, acte, donnees):
    client.force_login(agent)
    url = reverse("execution:acte_avenant", args=[acte.dossier_id, acte.pk])
    return client.post(url, donnees, follow=True)


def test_l_avenant_reemet_l_acte_et_garde_la_version_precedente(
    client, acte_construit, gestionnaire_etat, porteur, django_capture_on_commit_callbacks
):
    acte = acte_construit
    ancien_pdf = acte.fichier.name
    achevement = acte.date_limite_achevement + datetime.timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = _avenant(
            client,
            gestionnaire_etat,
            acte,
            {
                "motif": "Réduction du programme de travaux, achèvement repoussé d'un an.",
                "montant": "35000",
                "assiette": "",
                "date_limite_commencement": "",
                "date_limite_achevement": achevement.isoformat(),
            },
        )
    page = unescape(reponse.text)
    assert "Avenant enregistré" in page
    assert "Avenant n° 1" in page
    assert "40\u202f000,00\u00a0€ → <strong>35\u202f000,00\u00a0€</strong>" in page

    acte.refresh_from_db()
    assert acte.version == 2
    assert acte.montant == Decimal("35000.00")
    assert acte.montant_engage == Decimal("35000.00")  # the legal commitment follows
    assert acte.date_limite_achevement == achevement
    # The replaced version stays as it was, with its own PDF.
    version = VersionActe.objects.get(acte=acte)
    assert (version.version, version.montant) == (1, Decimal("40000.00"))
    assert version.fichier.name == ancien_pdf
    assert version.fichier.storage.exists(ancien_pdf)
    # The reissued act says what it is.
    assert acte.fichier.name != ancien_pdf
    contenu = texte(acte)
    assert "avenant n° 1" in contenu
    assert "35 000,00 €" in contenu and "35 %" in contenu
    assert f"{achevement.day} " in contenu or f"{achevement:%d/%m/%Y}" in contenu
    # The porteur is notified of the new version and reads both on their page.
    assert Notification.objects.filter(user=porteur, cle=f"acte-notifie:{acte.pk}:2").exists()
    client.force_login(porteur)
    page = unescape(client.get(reverse("execution:porteur", args=[acte.dossier_id])).text)
    assert "40\u202f000,00\u00a0€ → <strong>35\u202f000,00\u00a0€</strong>" in page
    ancienne = client.get(
        reverse("execution:version_telecharger", args=[acte.dossier_id, acte.pk, version.pk])
    )
    assert ancienne.status_code == 200
    assert ancienne.getvalue().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("donnees", "erreur"),
    [
        ({"motif": "Plus", "montant": "45000"}, "exige une nouvelle décision de l'instance"),
        ({"motif": "Rien", "montant": "40000"}, "ne change rien"),
        ({"motif": "   ", "montant": "30000"}, "obligatoire"),
        ({"motif": "Trop", "montant": "150000", "assiette": "100000"}, "dépense subventionnable"),
        ({"motif": "Dates", "date_limite_achevement": "2020-01-01"}, "précéder"),
        ({"motif": "Absurde", "montant": "1e400"}, "montant"),
    ],
)
def test_un_avenant_incoherent_est_refuse_en_francais(
    client, acte_etat, gestionnaire_etat, donnees, erreur
):
    reponse = _avenant(client, gestionnaire_etat, acte_etat, donnees)
    assert reponse.status_code == 200
    assert erreur in unescape(reponse.text)
    acte_etat.refresh_from_db()
    assert acte_etat.version == 1
    assert not VersionActe.objects.exists()


def test_pas_sous_ce_qui_est_deja_verse(dossier_en_cours, acte_etat, porteur, gestionnaire_etat):
    avance = services.demande_versement_deposer(
        acte=acte_etat, par=porteur, type=TypeVersement.AVANCE, montant=Decimal("12000.00")
    )
    payer(avance, gestionnaire_etat)
    with pytest.raises(services.RegleNonRespectee, match="déjà versé"):
        services.acte_avenant(
            acte=acte_etat, par=gestionnaire_etat, motif="Réduction", montant=Decimal("10000")
        )
    assert Acte.objects.get(pk=acte_etat.pk).version == 1


def test_l_agent_d_un_autre_financeur_ne_modifie_pas(client, acte_etat, gestionnaire_region):
    reponse = _avenant(client, gestionnaire_region, acte_etat, {"motif": "x", "montant": "1"})
    assert reponse.status_code == 404

"""The guichet's letters: built as PDFs after the commit, stored, downloadable on both sides."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cper.effets import reconcilier
from cper.models import EffetDiffere
from instruction import services
from instruction.enums import TypeCourrier
from instruction.models import Courrier
from tests.factories import DossierFactory
from tests.factories.instruction import DemandeComplementsFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _a(jour):
    return time_machine.travel(datetime.datetime.combine(jour, datetime.time(9, 0), PARIS))


def _texte(reponse) -> str:
    contenu = b"".join(reponse.streaming_content)
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages)
    return " ".join(texte.replace("\u202f", " ").replace("\xa0", " ").split())


def _lire(client, courrier) -> str:
    reponse = client.get(reverse("instruction:courrier", args=[courrier.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    return _texte(reponse)


def _depose_le(structure, guichet, porteur, depose_le):
    dossier = DossierFactory(
        depose=True, structure=structure, guichet=guichet, cree_par=porteur, depose_le=depose_le
    )
    return dossier


@pytest.mark.parametrize(
    ("depot", "decret", "debut"),
    [
        (datetime.datetime(2016, 5, 2, 10, tzinfo=PARIS), "99-1060", "8 mai 2016"),
        (datetime.datetime(2019, 5, 2, 10, tzinfo=PARIS), "2018-514", "2 mai 2019"),
    ],
)
def test_attestation_de_dossier_complet_avec_la_date_de_commencement(
    client,
    agent_sp_douai,
    porteur,
    structure,
    guichet_douai,
    groupe_mobilite,
    django_capture_on_commit_callbacks,
    depot,
    decret,
    debut,
):
    """Under 99-1060 works may start once the dossier is complete; under 2018-514 from dépôt.

    The complements asked were given on 8 May: the day the dossier became complete.
    """
    dossier = _depose_le(structure, guichet_douai, porteur, depot)
    DemandeComplementsFactory(
        dossier=dossier,
        echeance=datetime.date(depot.year, 5, 20),
        reponse="Voici la délibération.",
        repondue_par=porteur,
        repondue_le=datetime.datetime(depot.year, 5, 8, 11, tzinfo=PARIS),
    )
    with _a(datetime.date(depot.year, 5, 10)), django_capture_on_commit_callbacks(execute=True):
        services.dossier_declarer_recevable(
            dossier=dossier, par=agent_sp_douai, groupe_technique=groupe_mobilite
        )
    courrier = Courrier.objects.get(dossier=dossier)
    assert courrier.type == TypeCourrier.ATTESTATION_COMPLET and courrier.fichier
    client.force_login(porteur)
    page = client.get(reverse("instruction:porteur_dossier", args=[dossier.pk])).text
    assert "Attestation de dossier complet du 10/05" in page
    texte = _lire(client, courrier)
    assert "Attestation de dossier complet" in texte
    assert dossier.numero in texte
    assert f"décret n° {decret}" in texte
    assert f"commencer l'exécution du projet à compter du {debut}" in texte
    assert "ne vaut pas promesse de subvention" in texte


def test_demande_de_pieces_lue_par_l_agent_et_le_porteur(
    client,
    agent_sp_douai,
    porteur,
    dossier_depose,
    django_capture_on_commit_callbacks,
):
    echeance = timezone.localdate() + datetime.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_demander_complements(
            dossier=dossier_depose,
            par=agent_sp_douai,
            motif="Le plan de financement n'est pas signé.",
            pieces=["plan_financement_signe"],
            echeance=echeance,
        )
    courrier = Courrier.objects.get(dossier=dossier_depose, type=TypeCourrier.DEMANDE_PIECES)
    for persona in (agent_sp_douai, porteur):
        client.force_login(persona)
        texte = _lire(client, courrier)
        assert "Demande de pièces complémentaires" in texte
        assert "Le plan de financement n'est pas signé." in texte
        assert "Plan de financement signé" in texte
        assert "L114-5" in texte
    page = client.get(reverse("instruction:porteur_dossier", args=[dossier_depose.pk])).text
    assert "Demande de pièces complémentaires du" in page
    client.force_login(agent_sp_douai)
    page = client.get(reverse("instruction:dossier", args=[dossier_depose.pk])).text
    assert "Demande de pièces complémentaires du" in page


def test_irrecevabilite_motivee_avec_voies_et_delais_de_recours(
    client, agent_sp_douai, porteur, dossier_depose, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_declarer_irrecevable(
            dossier=dossier_depose,
            par=agent_sp_douai,
            motif="Le projet ne relève d'aucun volet du contrat.",
        )
    courrier = Courrier.objects.get(dossier=dossier_depose)
    client.force_login(porteur)
    texte = _lire(client, courrier)
    assert "Décision d'irrecevabilité" in texte
    assert "Le projet ne relève d'aucun volet du contrat." in texte
    assert "Voies et délais de recours" in texte
    assert "tribunal administratif de Lille" in texte
    assert "deux mois" in texte
    assert "Télérecours" in texte


def test_classement_sans_suite_apres_l_echeance(
    client, agent_sp_douai, porteur, structure, guichet_douai, django_capture_on_commit_callbacks
):
    demande = DemandeComplementsFactory(
        dossier__structure=structure,
        dossier__guichet=guichet_douai,
        echeance=datetime.date(2016, 3, 20),
    )
    with _a(datetime.date(2016, 3, 25)), django_capture_on_commit_callbacks(execute=True):
        services.dossier_clore_incomplet(
            dossier=demande.dossier,
            par=agent_sp_douai,
            issue="classement",
            motif="La délibération n'a jamais été transmise.",
        )
    courrier = Courrier.objects.get(dossier=demande.dossier)
    assert courrier.type == TypeCourrier.CLASSEMENT
    client.force_login(porteur)
    texte = _lire(client, courrier)
    assert "Classement sans suite" in texte
    assert "20 mars 2016" in texte
    assert "La délibération n'a jamais été transmise." in texte
    assert "Voies et délais de recours" in texte


def test_un_autre_porteur_ou_un_autre_guichet_recoit_404(
    client, autre_porteur, agent_region, agent_sp_douai, dossier_depose
):
    courrier = Courrier.objects.create(
        dossier=dossier_depose, type=TypeCourrier.ATTESTATION_COMPLET, emis_par=agent_sp_douai
    )
    for persona in (autre_porteur, agent_region):
        client.force_login(persona)
        assert client.get(reverse("instruction:courrier", args=[courrier.pk])).status_code == 404


def test_un_courrier_sans_pdf_est_repris_par_la_reconciliation(agent_sp_douai, dossier_depose):
    courrier = Courrier.objects.create(
        dossier=dossier_depose, type=TypeCourrier.ATTESTATION_COMPLET, emis_par=agent_sp_douai
    )
    reconcilier()
    reconcilier()
    effets = EffetDiffere.objects.filter(tache="instruction.tasks.generer_courrier")
    assert list(effets.values_list("arguments", flat=True)) == [[courrier.pk]]

"""Paper demands registered by the guichet, and dossiers sent on to the competent guichet."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from cper.models import Notification
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier, Invitation, Structure
from instruction import services
from instruction.models import Transfert
from tests.dossiers.fichiers import EXE
from tests.factories import DossierFactory, VoletFactory
from tests.factories.dossiers import PDF_MINIMAL


def _pdf(nom="deliberation.pdf"):
    return SimpleUploadedFile(nom, PDF_MINIMAL, content_type="application/pdf")


@pytest.fixture
def volet(db):
    return VoletFactory()


def _papier(client, guichet, volet, commune, **extra):
    donnees = {
        "guichet": guichet.pk,
        "recu_le": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        "siret": "21590178600016",
        "intitule": "Restauration du beffroi",
        "volet": volet.pk,
        "communes": commune.code_insee,
        "type_piece": "deliberation",
        "fichier": _pdf(),
        **extra,
    }
    return client.post(reverse("instruction:enregistrer_papier"), donnees, follow=True)


def test_le_guichet_enregistre_un_dossier_papier_pour_une_structure_connue(
    client, agent_sp_douai, porteur, structure, guichet_douai, volet, commune_douai
):
    client.force_login(agent_sp_douai)
    recu_le = timezone.localdate() - datetime.timedelta(days=10)
    reponse = _papier(client, guichet_douai, volet, commune_douai, siret=structure.siret)
    assert reponse.status_code == 200
    assert "Le dossier papier est enregistré sous le numéro" in reponse.text
    dossier = Dossier.objects.get(intitule="Restauration du beffroi")
    assert dossier.etat == E.DEPOSE and dossier.structure == structure
    assert timezone.localdate(dossier.depose_le) == recu_le
    assert dossier.guichet == guichet_douai and dossier.numero
    piece = dossier.pieces.get()
    assert piece.nom_original == "deliberation.pdf" and piece.statut_antivirus == "sain"
    journal = StateLog.objects.for_(dossier).get()
    assert journal.by == agent_sp_douai and "Reçu sur papier le" in journal.description
    # The guichet's workbench lists it; the structure's member follows it online.
    assert dossier.numero in client.get(reverse("instruction:guichet")).text
    client.force_login(porteur)
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200


def test_une_structure_inconnue_est_creee_et_le_porteur_invite(
    client, agent_sp_douai, guichet_douai, volet, commune_douai, django_capture_on_commit_callbacks
):
    client.force_login(agent_sp_douai)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = _papier(
            client,
            guichet_douai,
            volet,
            commune_douai,
            raison_sociale="Commune de Lambres-lez-Douai",
            categorie="commune",
            adresse="Place de la mairie",
            commune_structure=commune_douai.code_insee,
            representant_nom="Jeanne Martin",
            representant_qualite="Maire",
            email_porteur="Mairie@Lambres.fr",
        )
    assert "Le dossier papier est enregistré" in reponse.text
    structure = Structure.objects.get(siret="21590178600016")
    assert structure.verifiee_le is None  # the guichet confirms it when it checks the dossier
    invitation = Invitation.objects.get(structure=structure)
    assert invitation.email == "mairie@lambres.fr" and invitation.administrateur
    assert any(m.to == ["mairie@lambres.fr"] for m in mail.outbox)


def test_une_structure_inconnue_sans_ses_renseignements_est_refusee(
    client, agent_sp_douai, guichet_douai, volet, commune_douai
):
    client.force_login(agent_sp_douai)
    reponse = _papier(client, guichet_douai, volet, commune_douai)
    assert "Structure inconnue du service : ce champ est requis." in reponse.text
    assert not Dossier.objects.exists()


def test_une_piece_qui_n_est_pas_ce_qu_elle_dit_est_refusee(
    client, agent_sp_douai, structure, guichet_douai, volet, commune_douai
):
    client.force_login(agent_sp_douai)
    faux = SimpleUploadedFile("scan.pdf", EXE, content_type="application/pdf")
    reponse = _papier(
        client, guichet_douai, volet, commune_douai, siret=structure.siret, fichier=faux
    )
    assert reponse.status_code == 200
    assert not Dossier.objects.exists()


def test_une_date_de_reception_future_est_refusee(
    client, agent_sp_douai, structure, guichet_douai, volet, commune_douai
):
    client.force_login(agent_sp_douai)
    demain = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    reponse = _papier(
        client, guichet_douai, volet, commune_douai, siret=structure.siret, recu_le=demain
    )
    assert "La date de réception ne peut pas être dans le futur." in reponse.text
    assert not Dossier.objects.exists()


def test_un_agent_n_enregistre_qu_a_son_guichet(
    client, agent_region, structure, guichet_douai, volet, commune_douai
):
    client.force_login(agent_region)
    reponse = _papier(client, guichet_douai, volet, commune_douai, siret=structure.siret)
    assert reponse.status_code == 200
    assert not Dossier.objects.exists()


# --- transfers -------------------------------------------------------------------------------


@pytest.fixture
def dossier_mal_oriente(structure, guichet_douai, porteur, volet, commune_douai):
    dossier = DossierFactory(
        depose=True,
        structure=structure,
        guichet=guichet_douai,
        cree_par=porteur,
        volet=volet,
        communes=[commune_douai],
    )
    return dossier


def test_le_dossier_est_transmis_au_guichet_competent_et_le_porteur_informe(
    client,
    agent_sp_douai,
    agent_region,
    porteur,
    guichet_region,
    dossier_mal_oriente,
    django_capture_on_commit_callbacks,
):
    client.force_login(agent_sp_douai)
    url = reverse("instruction:transferer", args=[dossier_mal_oriente.pk])
    assert (
        "Transmettre au guichet compétent"
        in client.get(reverse("instruction:dossier", args=[dossier_mal_oriente.pk])).text
    )
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            url,
            {"guichet": guichet_region.pk, "motif": "Projet régional : relève de la Région."},
            follow=True,
        )
    assert "est transmis au guichet" in reponse.text
    dossier_mal_oriente.refresh_from_db()
    assert dossier_mal_oriente.guichet == guichet_region
    transfert = Transfert.objects.get()
    assert (transfert.par, transfert.de_nom) == (agent_sp_douai, "Sous-préfecture de Douai")
    # The old guichet no longer sees it; the new one does, with the transfer logged.
    assert client.get(
        reverse("instruction:dossier", args=[dossier_mal_oriente.pk])
    ).status_code == (404)
    client.force_login(agent_region)
    page = client.get(reverse("instruction:dossier", args=[dossier_mal_oriente.pk])).text
    assert "Transferts de guichet" in page and "Projet régional : relève de la Région." in page
    courriel = next(m for m in mail.outbox if m.to == [porteur.email])
    assert "transmis au guichet" in courriel.subject
    assert "Projet régional : relève de la Région." in courriel.body
    assert Notification.objects.filter(user=agent_region, texte__contains="transmis").exists()


def test_le_motif_du_transfert_est_obligatoire(agent_sp_douai, guichet_region, dossier_mal_oriente):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.dossier_transferer(
            dossier=dossier_mal_oriente, par=agent_sp_douai, guichet=guichet_region, motif=" "
        )


def test_un_dossier_en_instruction_ne_change_plus_de_guichet(
    client, agent_sp_douai, guichet_region, dossier_en_instruction
):
    client.force_login(agent_sp_douai)
    reponse = client.post(
        reverse("instruction:transferer", args=[dossier_en_instruction.pk]),
        {"guichet": guichet_region.pk, "motif": "Trop tard."},
        follow=True,
    )
    assert reponse.status_code == 200
    dossier_en_instruction.refresh_from_db()
    assert dossier_en_instruction.guichet != guichet_region


def test_un_depot_conjoint_transmis_au_conseil_regional_n_a_plus_qu_un_guichet(
    agent_sp_douai, agent_region, guichet_region, guichet_douai, dossier_mal_oriente
):
    from django.core.exceptions import ValidationError

    from dossiers.models import DepotConjoint
    from tests.factories.referentiel import GuichetFactory

    DepotConjoint.objects.create(dossier=dossier_mal_oriente, guichet=guichet_region)
    # The Région's side cannot leave for another sous-préfecture: the pair would be two of them.
    with pytest.raises(ValidationError, match="même type"):
        services.dossier_transferer(
            dossier=dossier_mal_oriente, par=agent_region, guichet=GuichetFactory(), motif="Non."
        )
    services.dossier_transferer(
        dossier=dossier_mal_oriente,
        par=agent_sp_douai,
        guichet=guichet_region,
        motif="Projet régional : la Région seule.",
    )
    dossier_mal_oriente.refresh_from_db()
    assert dossier_mal_oriente.guichet == guichet_region
    assert not DepotConjoint.objects.filter(dossier=dossier_mal_oriente).exists()
    assert Transfert.objects.get().de_nom == "Sous-préfecture de Douai"

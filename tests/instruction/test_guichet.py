"""The guichet's workbench and its actions: recevable (with routing), complements, irrecevable."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier
from instruction.models import DemandeComplements, Routage
from tests.factories import DossierFactory
from tests.factories.dossiers import PDF_MINIMAL


def test_l_agent_voit_les_dossiers_de_son_guichet_et_pas_ceux_d_un_autre(
    client, agent_sp_douai, dossier_depose, guichet_region
):
    ailleurs = DossierFactory(depose=True, guichet=guichet_region)
    client.force_login(agent_sp_douai)
    reponse = client.get(reverse("instruction:index"))
    assert reponse.status_code == 200
    assert dossier_depose.numero in reponse.text
    assert ailleurs.numero not in reponse.text
    assert client.get(reverse("instruction:dossier", args=[ailleurs.pk])).status_code == 404


@pytest.mark.agregats_libres  # the filing date is moved on the model alone
def test_le_delai_de_recevabilite_depasse_est_signale(client, agent_sp_douai, dossier_depose):
    # Noon, Paris time: days are counted on the calendar, whatever the hour or the DST change.
    midi = timezone.localtime().replace(hour=12, minute=0)
    dossier_depose.depose_le = midi - datetime.timedelta(days=70)
    dossier_depose.save()
    client.force_login(agent_sp_douai)
    reponse = client.get(reverse("instruction:guichet"))
    assert "Délai de recevabilité dépassé" in reponse.text
    assert "il y a 70 jours" in reponse.text


@pytest.mark.agregats_libres  # the filing date is moved on the model alone
def test_la_limite_de_recevabilite_est_le_depot_plus_deux_mois_calendaires(dossier_depose):
    paris = timezone.get_current_timezone()
    # 23:30 in Paris is already the next day in UTC: the local calendar date counts.
    for depot, limite in (
        (datetime.datetime(2025, 12, 31, 23, 30, tzinfo=paris), datetime.date(2026, 2, 28)),
        (datetime.datetime(2026, 3, 15, 0, 30, tzinfo=paris), datetime.date(2026, 5, 15)),
    ):
        Dossier.objects.filter(pk=dossier_depose.pk).update(depose_le=depot)
        lu = Dossier.objects.avec_limite_recevabilite().get(pk=dossier_depose.pk)
        assert lu.limite_recevabilite == limite


def test_les_filtres_trouvent_par_texte_et_par_etat(client, agent_sp_douai, dossier_depose):
    client.force_login(agent_sp_douai)
    url = reverse("instruction:guichet")
    assert dossier_depose.numero in client.get(url, {"q": "Commune de Douai"}).text
    assert dossier_depose.numero not in client.get(url, {"q": "Lens"}).text
    assert dossier_depose.numero not in client.get(url, {"etat": E.EN_INSTRUCTION}).text
    assert dossier_depose.numero in client.get(url, {"commune": "Douai"}).text


def test_declarer_recevable_route_vers_le_groupe_du_volet_et_previent(
    client,
    agent_sp_douai,
    dossier_depose,
    groupe_mobilite,
    instructeur_etat,
    porteur,
    django_capture_on_commit_callbacks,
):
    client.force_login(agent_sp_douai)
    url = reverse("instruction:declarer_recevable", args=[dossier_depose.pk])
    confirmation = client.get(url)
    assert "Mobilité multimodale" in confirmation.text
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            url, {"groupe_technique": groupe_mobilite.pk, "commentaire": "Complet."}
        )
    assert reponse.status_code == 302
    dossier_depose.refresh_from_db()
    assert dossier_depose.etat == E.EN_INSTRUCTION
    routage = Routage.objects.get(dossier=dossier_depose)
    assert (routage.groupe_technique, routage.par) == (groupe_mobilite, agent_sp_douai)
    log = StateLog.objects.for_(dossier_depose).get()
    assert (log.by, log.source_state, log.state) == (agent_sp_douai, E.DEPOSE, E.EN_INSTRUCTION)
    destinataires = {m.to[0] for m in mail.outbox}
    assert {porteur.email, instructeur_etat.email} <= destinataires
    assert agent_sp_douai.email not in destinataires
    assert all("recevable" in m.subject for m in mail.outbox)
    # The group now sees it on its workbench.
    client.force_login(instructeur_etat)
    assert dossier_depose.numero in client.get(reverse("instruction:groupes")).text


def test_declarer_irrecevable_exige_un_motif(client, agent_sp_douai, dossier_depose):
    client.force_login(agent_sp_douai)
    url = reverse("instruction:declarer_irrecevable", args=[dossier_depose.pk])
    reponse = client.post(url, {"motif": ""})
    assert reponse.status_code == 200
    assert "Ce champ est obligatoire" in reponse.text
    client.post(url, {"motif": "Projet hors du champ du contrat."})
    dossier_depose.refresh_from_db()
    assert dossier_depose.etat == E.IRRECEVABLE
    assert StateLog.objects.for_(dossier_depose).get().description == (
        "Projet hors du champ du contrat."
    )


def test_aller_retour_des_complements(
    client, agent_sp_douai, porteur, dossier_depose, django_capture_on_commit_callbacks
):
    client.force_login(agent_sp_douai)
    echeance = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("instruction:demander_complements", args=[dossier_depose.pk]),
            {
                "motif": "Il manque la délibération.",
                "pieces": ["deliberation"],
                "echeance": echeance,
            },
        )
    dossier_depose.refresh_from_db()
    assert dossier_depose.etat == E.INCOMPLET
    assert mail.outbox[-1].to == [porteur.email]
    assert "Délibération" in mail.outbox[-1].body

    client.force_login(porteur)
    page = client.get(reverse("instruction:porteur_dossier", args=[dossier_depose.pk]))
    assert "Il manque la délibération." in page.text
    assert "Délibération" in page.text
    from django.core.files.uploadedfile import SimpleUploadedFile

    fichier = SimpleUploadedFile("deliberation.pdf", PDF_MINIMAL, "application/pdf")
    client.post(
        reverse("instruction:completer", args=[dossier_depose.pk]),
        {"reponse": "Voici la délibération.", "type_piece": "deliberation", "fichier": fichier},
    )
    dossier_depose.refresh_from_db()
    assert dossier_depose.etat == E.DEPOSE
    assert dossier_depose.pieces.get().nom_original == "deliberation.pdf"
    demande = DemandeComplements.objects.get()
    assert (demande.reponse, demande.repondue_par) == ("Voici la délibération.", porteur)


def test_recevables_en_lot(
    client, agent_sp_douai, dossier_depose, groupe_mobilite, structure, guichet_douai
):
    second = DossierFactory(depose=True, structure=structure, guichet=guichet_douai)
    client.force_login(agent_sp_douai)
    client.post(
        reverse("instruction:recevables_en_lot"),
        {"dossiers": [dossier_depose.pk, second.pk], "groupe_technique": groupe_mobilite.pk},
    )
    assert Routage.objects.filter(groupe_technique=groupe_mobilite).count() == 2
    dossier_depose.refresh_from_db()
    second.refresh_from_db()
    assert dossier_depose.etat == second.etat == E.EN_INSTRUCTION


def test_deux_agents_en_meme_temps_une_seule_transition(
    client, agent_sp_douai, dossier_depose, groupe_mobilite, guichet_douai
):
    from cper.comptes.enums import Role
    from tests.factories import UserFactory
    from tests.second_facteur import ClientCper

    collegue = UserFactory(roles=[Role.AGENT_GUICHET])
    collegue.groups.add(guichet_douai.groupe)
    autre = ClientCper()
    client.force_login(agent_sp_douai)
    autre.force_login(collegue)
    url = reverse("instruction:declarer_recevable", args=[dossier_depose.pk])
    assert client.get(url).status_code == autre.get(url).status_code == 200
    donnees = {"groupe_technique": groupe_mobilite.pk}
    premiere = client.post(url, donnees, follow=True)
    seconde = autre.post(url, donnees, follow=True)
    assert "Le dossier est recevable" in premiere.text
    assert "Action déjà effectuée" in seconde.text
    assert StateLog.objects.for_(dossier_depose).count() == 1
    assert Routage.objects.filter(dossier=dossier_depose).count() == 1


def test_le_guichet_peut_changer_de_groupe_et_chaque_routage_est_journalise(
    client, agent_sp_douai, dossier_en_instruction, groupe_mobilite, autre_groupe, instructeur_etat
):
    client.force_login(agent_sp_douai)
    page = client.get(reverse("instruction:dossier", args=[dossier_en_instruction.pk]))
    assert "Changer de groupe technique" in page.text
    client.post(
        reverse("instruction:rerouter", args=[dossier_en_instruction.pk]),
        {"groupe_technique": autre_groupe.pk, "commentaire": "Relève de la recherche."},
    )
    assert list(
        Routage.objects.filter(dossier=dossier_en_instruction).values_list(
            "groupe_technique__nom", flat=True
        )
    ) == ["Enseignement supérieur", "Mobilité multimodale"]
    # The former group no longer sees the dossier.
    client.force_login(instructeur_etat)
    url = reverse("instruction:dossier", args=[dossier_en_instruction.pk])
    assert client.get(url).status_code == 404


def test_l_historique_dit_qui_a_fait_quoi_en_francais(
    client, agent_sp_douai, dossier_depose, groupe_mobilite
):
    client.force_login(agent_sp_douai)
    client.post(
        reverse("instruction:declarer_recevable", args=[dossier_depose.pk]),
        {"groupe_technique": groupe_mobilite.pk},
    )
    page = client.get(reverse("instruction:dossier", args=[dossier_depose.pk])).text
    assert "Déclaré recevable (désormais « En instruction »)" in page
    assert f"par {agent_sp_douai}" in page


def test_filtre_par_epci(client, agent_sp_douai, dossier_depose):
    epci = dossier_depose.structure.commune.epci
    client.force_login(agent_sp_douai)
    url = reverse("instruction:guichet")
    assert dossier_depose.numero in client.get(url, {"epci": epci.siren}).text
    assert dossier_depose.numero not in client.get(url, {"epci": "000000000"}).text

"""Dépôt: guards in words, the guichet suggested, the number, the récépissé, the e-mails."""

import datetime
import io
import re
import time
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog
from pypdf import PdfReader

from dossiers.documents import ajouter_mois, rendre_recepisse
from dossiers.enums import CategorieStructure, EtatDossier, TypePiece
from dossiers.models import Dossier, Recepisse, SequenceNumero
from dossiers.services.depot import DepotRefuse, dossier_deposer, guichets_proposes
from dossiers.tasks import emettre_recepisse
from tests.dossiers.complets import dossier_complet
from tests.factories import (
    ArrondissementFactory,
    CommuneFactory,
    FinanceurFactory,
    GuichetFactory,
    LigneFinancementFactory,
)

ANNEE = timezone.localdate().year


def _texte_pdf(contenu: bytes) -> str:
    texte = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)
    return " ".join(texte.split())


@pytest.fixture
def dossier(structure, porteur):
    return dossier_complet(structure=structure, porteur=porteur, intitule="Halte fluviale de Douai")


@pytest.fixture
def guichet_cambrai(db):
    arrondissement = ArrondissementFactory(code="592", nom="Cambrai", chef_lieu="59122")
    return GuichetFactory(
        code="sp-cambrai", nom="Sous-préfecture de Cambrai", arrondissement=arrondissement
    )


def _deposer(client, dossier, guichet, **extra):
    return client.post(
        reverse("dossiers:deposer", args=[dossier.pk]),
        {"guichet": guichet.pk, "confirmation": "on", **extra},
        follow=True,
    )


# --- the page and its guards ------------------------------------------------------------------


def test_la_page_de_depot_suggere_la_sous_prefecture_et_offre_le_conseil_regional(
    client, porteur, dossier, guichet_douai, guichet_region, guichet_cambrai
):
    client.force_login(porteur)
    html = client.get(reverse("dossiers:deposer", args=[dossier.pk])).content.decode()
    assert "Votre dossier est complet" in html
    assert (
        "Sous-préfecture de Douai — 1 rue de la République, 59000 Douai (suggéré pour ce projet)"
        in html
    )
    assert "Conseil régional Hauts-de-France" in html
    assert "Sous-préfecture de Cambrai" not in html
    suggere = re.search(rf'<input[^>]*value="{guichet_douai.pk}"[^>]*>', html).group(0)
    assert "checked" in suggere


def test_un_projet_sur_deux_arrondissements_propose_les_deux_sous_prefectures(
    dossier, guichet_douai, guichet_region, guichet_cambrai
):
    dossier.communes.add(CommuneFactory(arrondissement=guichet_cambrai.arrondissement))
    proposes, suggere = guichets_proposes(dossier)
    assert proposes == [guichet_douai, guichet_cambrai, guichet_region]
    assert suggere == guichet_douai


def test_chaque_garde_manquante_est_expliquee_en_mots(client, porteur, structure, guichet_douai):
    dossier = dossier_complet(structure=structure, porteur=porteur)
    dossier.communes.clear()
    dossier.pieces.filter(type=TypePiece.DELIBERATION).delete()
    # 40 000 + 30 000 + 30 000 + 20 000: the plan exceeds the eligible cost by 20 000 €,
    # and 90 000 € of public aid is over 80 % of it.
    LigneFinancementFactory(
        dossier=dossier, financeur=FinanceurFactory(), montant_demande=Decimal("20000.00")
    )
    client.force_login(porteur)
    html = client.get(reverse("dossiers:deposer", args=[dossier.pk])).content.decode()
    assert "Le dossier ne peut pas encore être déposé" in html
    assert "Indiquez au moins une commune où se situe le projet." in html
    assert "dépasse le coût éligible" in html and "écart de 20\u202f000,00\u00a0€" in html
    assert (
        "dépassent 80\u00a0% du coût éligible" in html or "dépassent 80 % du coût éligible" in html
    )
    assert "Joignez la pièce « Délibération »" in html
    assert "Déposer le dossier</button>" not in html
    assert f'href="/dossiers/{dossier.pk}/modifier/localisation/"' in html
    assert f'href="/dossiers/{dossier.pk}/pieces/"' in html

    reponse = _deposer(client, dossier, guichet_douai)
    dossier.refresh_from_db()
    assert dossier.etat == EtatDossier.BROUILLON
    assert dossier.numero is None
    assert "Le dossier ne peut pas encore être déposé" in reponse.content.decode()


def test_le_service_refuse_un_dossier_incomplet_sans_rien_changer(
    porteur, structure, guichet_douai
):
    dossier = dossier_complet(structure=structure, porteur=porteur)
    dossier.pieces.all().delete()
    with pytest.raises(DepotRefuse) as refus:
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    assert "Joignez la pièce « RIB »." in refus.value.completude.manques["pieces"]
    assert not SequenceNumero.objects.exists()
    dossier.refresh_from_db()
    assert dossier.etat == EtatDossier.BROUILLON


def test_une_association_n_est_pas_tenue_aux_80_pour_cent(autre_porteur, guichet_region):
    from tests.factories import StructureFactory

    association = StructureFactory(
        categorie=CategorieStructure.ASSOCIATION, membres=[autre_porteur]
    )
    dossier = dossier_complet(structure=association, porteur=autre_porteur)
    dossier.financements.filter(financeur__code="autofinancement").update(
        financeur=FinanceurFactory(code="departement", nom="Département du Nord", ordre=3)
    )
    dossier_deposer(dossier=dossier, par=autre_porteur, guichet=guichet_region)
    assert Dossier.objects.get(pk=dossier.pk).etat == EtatDossier.DEPOSE


def test_la_confirmation_et_le_guichet_sont_exiges(
    client, porteur, dossier, guichet_douai, guichet_cambrai
):
    client.force_login(porteur)
    url = reverse("dossiers:deposer", args=[dossier.pk])
    html = client.post(url, {"guichet": guichet_douai.pk}).content.decode()
    assert "Cochez cette case pour confirmer le dépôt." in html
    assert "Le formulaire contient 1 erreur" in html
    html = client.post(url, {"guichet": guichet_cambrai.pk, "confirmation": "on"}).content.decode()
    assert "Le formulaire contient 1 erreur" in html
    dossier.refresh_from_db()
    assert dossier.etat == EtatDossier.BROUILLON


def test_le_service_refuse_un_guichet_non_competent(
    porteur, dossier, guichet_douai, guichet_cambrai
):
    with pytest.raises(DepotRefuse, match="n'est pas compétent"):
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_cambrai)


# --- a successful dépôt -----------------------------------------------------------------------


def test_le_depot_numerote_ouvre_au_guichet_et_envoie_le_recepisse(
    client,
    porteur,
    dossier,
    guichet_douai,
    agent_sp_douai,
    agent_region,
    django_capture_on_commit_callbacks,
):
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = _deposer(client, dossier, guichet_douai)
    numero = f"NPDC-{ANNEE}-00001"
    html = reponse.content.decode()
    assert reponse.redirect_chain[-1][0] == reverse("dossiers:detail", args=[dossier.pk])
    assert f"déposé auprès du guichet « Sous-préfecture de Douai » sous le numéro {numero}" in html
    dossier.refresh_from_db()
    assert dossier.etat == EtatDossier.DEPOSE
    assert dossier.numero == numero
    assert dossier.guichet == guichet_douai
    log = StateLog.objects.for_(dossier).get()
    assert (log.transition, log.by) == ("deposer", porteur)

    au_porteur = next(m for m in mail.outbox if porteur.email in m.to)
    assert au_porteur.subject == f"Récépissé de dépôt du dossier {numero}"
    assert "Halte fluviale de Douai" in au_porteur.body
    (nom, contenu, type_mime) = au_porteur.attachments[0]
    assert (nom, type_mime) == (f"recepisse-{numero}.pdf", "application/pdf")
    assert numero in _texte_pdf(contenu)

    au_guichet = next(m for m in mail.outbox if agent_sp_douai.email in m.to)
    assert au_guichet.subject == f"Nouveau dossier déposé : {numero}"
    assert f"/dossiers/{dossier.pk}/" in au_guichet.body
    assert "cper@sp-douai.gouv.fr" in au_guichet.to
    assert not any(agent_region.email in m.to for m in mail.outbox)
    assert len(mail.outbox) == 2

    client.force_login(agent_sp_douai)
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200


def test_les_numeros_se_suivent_et_repartent_a_un_chaque_annee(
    porteur, structure, guichet_douai, guichet_region
):
    with time_machine.travel(timezone.datetime(2015, 12, 31, 22, 30, tzinfo=datetime.UTC)):
        a = dossier_deposer(
            dossier=dossier_complet(structure=structure, porteur=porteur),
            par=porteur,
            guichet=guichet_douai,
        )
        b = dossier_deposer(
            dossier=dossier_complet(structure=structure, porteur=porteur),
            par=porteur,
            guichet=guichet_region,
        )
    # 23:30 in Paris on 31 December is still 2015; 00:30 on 1 January (23:30 UTC) is 2016.
    with time_machine.travel(timezone.datetime(2015, 12, 31, 23, 30, tzinfo=datetime.UTC)):
        c = dossier_deposer(
            dossier=dossier_complet(structure=structure, porteur=porteur),
            par=porteur,
            guichet=guichet_douai,
        )
    assert (a.numero, b.numero, c.numero) == (
        "NPDC-2015-00001",
        "NPDC-2015-00002",
        "NPDC-2016-00001",
    )


def test_un_dossier_deja_depose_ne_se_depose_pas_deux_fois(client, porteur, dossier, guichet_douai):
    dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    client.force_login(porteur)
    reponse = client.get(reverse("dossiers:deposer", args=[dossier.pk]), follow=True)
    assert "Ce dossier a déjà été déposé." in reponse.content.decode()
    # A stale form posted anyway: the service refuses and the page says so, never a 500.
    from django_fsm import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    assert SequenceNumero.objects.get(annee=ANNEE).dernier == 1


@pytest.mark.parametrize("persona", ["autre_porteur", "agent_sp_douai", "agent_region", "inconnu"])
def test_hors_de_la_structure_la_page_de_depot_n_existe_pas(
    client, request, persona, dossier, guichet_douai
):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("dossiers:deposer", args=[dossier.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"guichet": guichet_douai.pk, "confirmation": "on"}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.etat == EtatDossier.BROUILLON


# --- the récépissé ----------------------------------------------------------------------------


def test_le_recepisse_porte_les_mentions_du_crpa(porteur, dossier, guichet_douai):
    moment = timezone.datetime(2015, 12, 30, 10, 15, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(moment, tick=False):
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
        debut = time.perf_counter()
        texte = _texte_pdf(rendre_recepisse(dossier.pk))
        duree = time.perf_counter() - debut
    assert "Récépissé de dépôt" in texte
    assert "NPDC-2015-00001" in texte
    assert "30 décembre 2015 à 10:15" in texte
    assert "Halte fluviale de Douai" in texte
    assert "Commune de Douai" in texte
    # The guichet and its contact.
    assert "Sous-préfecture de Douai" in texte
    assert "1 rue de la République 59000 Douai" in texte or "1 rue de la République" in texte
    assert "cper@sp-douai.gouv.fr" in texte and "03 20 00 00 00" in texte
    # Silence means rejection after two months (L231-4), with the date it happens.
    assert "le silence gardé par l'administration pendant deux mois vaut décision de rejet" in texte
    assert "réputée rejetée le 29 février 2016" in texte  # no 30 February
    assert "L231-4" in texte and "R112-5" in texte and "L114-5" in texte
    # The recourse routes.
    assert "recours gracieux" in texte and "recours hiérarchique" in texte
    assert "tribunal administratif de Lille" in texte
    assert "Télérecours" in texte
    # Pieces received, and the amounts.
    assert "Délibération" in texte and "RIB" in texte
    assert "100 000,00 €" in texte.replace("\u202f", " ").replace("\u00a0", " ")
    assert duree < 5


def test_un_mois_sans_le_meme_jour_finit_au_dernier_jour():
    assert ajouter_mois(datetime.date(2015, 12, 31), 2) == datetime.date(2016, 2, 29)
    assert ajouter_mois(datetime.date(2015, 11, 10), 2) == datetime.date(2016, 1, 10)


def test_le_recepisse_est_emis_une_seule_fois(
    porteur, dossier, guichet_douai, agent_sp_douai, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    premier = Recepisse.objects.get(dossier=dossier)
    assert premier.duree_rendu_ms > 0
    assert premier.envoye_au_porteur_le and premier.guichet_notifie_le
    # A retried task: no second file, no second e-mail.
    emettre_recepisse(dossier.pk, porteur.pk)
    assert Recepisse.objects.get(dossier=dossier).sha256 == premier.sha256
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("persona", ["porteur", "agent_sp_douai"])
def test_le_recepisse_se_telecharge_en_piece_jointe(
    client, request, persona, porteur, dossier, guichet_douai, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    client.force_login(request.getfixturevalue(persona))
    reponse = client.get(reverse("dossiers:recepisse", args=[dossier.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    numero = Dossier.objects.get(pk=dossier.pk).numero
    assert reponse["Content-Disposition"] == f'attachment; filename="recepisse-{numero}.pdf"'
    assert "no-store" in reponse["Cache-Control"] and "private" in reponse["Cache-Control"]
    assert numero in _texte_pdf(b"".join(reponse.streaming_content))


# The Région's guichet reads the dossiers it co-finances (this one asks it): not a persona here.
@pytest.mark.parametrize("persona", ["autre_porteur", "instructeur_etat", "inconnu"])
def test_le_recepisse_n_existe_pas_hors_perimetre(
    client, request, persona, porteur, dossier, guichet_douai, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("dossiers:recepisse", args=[dossier.pk])).status_code == 404


def test_un_recepisse_en_preparation_est_annonce(client, porteur, dossier, guichet_douai):
    dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)  # task not run yet
    client.force_login(porteur)
    reponse = client.get(reverse("dossiers:recepisse", args=[dossier.pk]), follow=True)
    assert "Le récépissé de dépôt est en préparation" in reponse.content.decode()


# --- withdrawal -------------------------------------------------------------------------------


def test_le_retrait_demande_confirmation_puis_previent_le_guichet(
    client, porteur, dossier, guichet_douai, agent_sp_douai, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    mail.outbox.clear()
    client.force_login(porteur)
    url = reverse("dossiers:retirer", args=[dossier.pk])
    html = client.get(url).content.decode()
    assert "Le retrait est définitif" in html
    html = client.post(url, {"motif": "Projet abandonné"}).content.decode()
    assert "Cochez cette case pour confirmer le retrait." in html
    assert Dossier.objects.get(pk=dossier.pk).etat == EtatDossier.DEPOSE

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url, {"motif": "Projet abandonné", "confirmation": "on"}, follow=True)
    html = reponse.content.decode()
    assert "Votre dossier a été retiré." in html
    assert "Dossier retiré" in html and "Projet abandonné" in html
    assert "Retirer le dossier</a>" not in html
    assert Dossier.objects.get(pk=dossier.pk).etat == EtatDossier.RETIRE
    (avis,) = mail.outbox
    assert agent_sp_douai.email in avis.to
    assert "Dossier retiré par son porteur" in avis.subject
    # The agent also finds it on their notifications page, linking to the dossier.
    client.force_login(agent_sp_douai)
    page = client.get(reverse("notifications")).content.decode()
    numero = Dossier.objects.get(pk=dossier.pk).numero
    assert f"Dossier retiré par son porteur : {numero}" in page
    assert reverse("dossiers:detail", args=[dossier.pk]) in page

    client.force_login(porteur)
    reponse = client.post(url, {"confirmation": "on"}, follow=True)
    assert "Ce dossier ne peut plus être retiré." in reponse.content.decode()


def test_un_brouillon_retire_ne_previent_personne(client, porteur, dossier):
    client.force_login(porteur)
    client.post(reverse("dossiers:retirer", args=[dossier.pk]), {"confirmation": "on"})
    assert Dossier.objects.get(pk=dossier.pk).etat == EtatDossier.RETIRE
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["autre_porteur", "agent_sp_douai", "inconnu"])
def test_hors_de_la_structure_le_retrait_n_existe_pas(
    client, request, persona, porteur, dossier, guichet_douai
):
    dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    client.force_login(request.getfixturevalue(persona))
    url = reverse("dossiers:retirer", args=[dossier.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirmation": "on"}).status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).etat == EtatDossier.DEPOSE

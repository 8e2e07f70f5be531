"""The whole mission in Chromium, from the porteur's dépôt to the dashboards of both instances."""

import datetime
import re

import pytest
from django.utils import timezone
from django_fsm_log.models import StateLog
from playwright.sync_api import expect

from cper.comptes.enums import Role
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier
from gouvernance.enums import RoleMembre, TypeInstance
from instruction.enums import Cote
from tests.browser.conftest import capture, se_connecter, texte_pdf
from tests.dossiers.complets import dossier_complet
from tests.factories import (
    ArrondissementFactory,
    CommuneFactory,
    EnveloppeFactory,
    EpciFactory,
    FinanceurFactory,
    PoleMetropolitainFactory,
    UserFactory,
    VoletFactory,
)
from tests.factories.gouvernance import MembreInstanceFactory, instance
from tests.factories.instruction import GroupeTechniqueFactory, MembreGroupeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _montant(texte: str) -> re.Pattern:
    """'32 000 €' whatever the (non-breaking) spaces the French formatting uses."""
    chiffres = texte.replace(" ", r"[\s\u00a0\u202f]?")
    return re.compile(chiffres)


@pytest.fixture
def territoires(structure, commune_douai):
    """Douai in the Douaisis agglomeration; Boulogne-sur-Mer in the Côte d'Opale pôle."""
    douaisis = EpciFactory(nom="Douaisis Agglo")
    commune_douai.epci = douaisis
    commune_douai.save()
    boulonnais = EpciFactory(nom="Communauté d'agglomération du Boulonnais")
    CommuneFactory(
        code_insee="62160",
        nom="Boulogne-sur-Mer",
        arrondissement=ArrondissementFactory(code="621", nom="Boulogne-sur-Mer"),
        epci=boulonnais,
    )
    opale = PoleMetropolitainFactory(membres=[boulonnais])
    return douaisis, opale


def test_de_la_demande_a_la_decision_et_aux_tableaux_de_bord(
    page,
    tmp_path,
    territoires,
    structure,
    porteur,
    guichet_douai,
    agent_sp_douai,
    instructeur_etat,
    instructeur_region,
):
    douaisis, opale = territoires
    volet = VoletFactory()
    etat, region = FinanceurFactory(), FinanceurFactory(region=True)
    EnveloppeFactory(volet=volet, financeur=etat)
    EnveloppeFactory(volet=volet, financeur=region)
    groupe = GroupeTechniqueFactory(nom="Mobilité multimodale", volets=[volet])
    MembreGroupeFactory(groupe_technique=groupe, user=instructeur_etat, cote=Cote.ETAT)
    MembreGroupeFactory(groupe_technique=groupe, user=instructeur_region, cote=Cote.REGION)
    secretariat = UserFactory(email="sgar@exemple.fr", roles=[Role.MEMBRE_PILOTAGE])
    MembreInstanceFactory(user=secretariat, role=RoleMembre.SECRETARIAT, financeur=etat)
    concertation = instance(TypeInstance.CONCERTATION)
    du_douaisis = UserFactory(email="douaisis@exemple.fr", roles=[Role.MEMBRE_CONCERTATION])
    MembreInstanceFactory(instance=concertation, user=du_douaisis, epci=douaisis)
    de_l_opale = UserFactory(email="opale@exemple.fr", roles=[Role.MEMBRE_CONCERTATION])
    MembreInstanceFactory(instance=concertation, user=de_l_opale, pole=opale)
    intitule = "Pôle d'échanges de la gare de Douai"
    # The draft is complete (the form itself has its own journeys); the porteur files it here.
    brouillon = dossier_complet(
        structure=structure, porteur=porteur, intitule=intitule, volet=volet
    )

    # 1. The porteur files the dossier at the suggested sous-préfecture.
    se_connecter(page, porteur.email)
    page.get_by_role("row").filter(has_text=intitule).get_by_role("link", name=intitule).click()
    page.get_by_role("link", name="Déposer le dossier").click()
    expect(page.get_by_label(re.compile("Sous-préfecture de Douai"))).to_be_checked()
    page.locator("label[for=id_confirmation]").click()
    page.get_by_role("button", name="Déposer le dossier").click()
    expect(page.get_by_text("Votre dossier a été déposé")).to_be_visible()
    dossier = Dossier.objects.get(pk=brouillon.pk)
    numero = dossier.numero
    assert dossier.etat == E.DEPOSE

    # 2. The guichet declares it recevable, into the group of its volet.
    se_connecter(page, agent_sp_douai.email)
    page.get_by_role("link", name="Guichet").click()
    page.get_by_role("link", name=numero).click()
    page.get_by_role("link", name="Déclarer recevable").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("alert")).to_contain_text("recevable")

    # 3. Both sides give their avis; the Région instructor concludes.
    for instructeur, champ, montant in [
        (instructeur_etat, "Montant proposé : État (€)", "35000"),
        (instructeur_region, "Montant proposé : Conseil régional (€)", "30000"),
    ]:
        se_connecter(page, instructeur.email)
        page.get_by_role("link", name="Instruction").click()
        page.get_by_role("link", name=numero).click()
        page.get_by_role("link", name=re.compile("Donner l'avis")).click()
        page.get_by_label("Favorable", exact=True).check(force=True)
        page.get_by_label("Motivation").fill("Projet structurant pour le Douaisis.")
        page.get_by_label(champ).fill(montant)
        page.get_by_role("button", name="Enregistrer l'avis").click()
        expect(page.get_by_role("alert")).to_contain_text("est enregistré")
    page.get_by_role("link", name="Conclure l'instruction").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("alert")).to_contain_text("L'instruction est conclue")

    # 4. The secrétariat puts it on a séance, convokes, programmes it and closes the séance.
    se_connecter(page, secretariat.email)
    page.goto("/gouvernance/seances/")
    page.get_by_role("link", name="Nouvelle séance").click()
    date_seance = timezone.localtime() + datetime.timedelta(days=7)
    page.get_by_label("Date et heure de la séance").fill(date_seance.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Lieu").fill("Préfecture de région, Lille")
    page.get_by_role("button", name="Créer la séance").click()
    page.get_by_role("checkbox", name=re.compile(numero)).check(force=True)
    page.get_by_role("button", name="Enregistrer l'ordre du jour").click()
    expect(page.get_by_role("alert")).to_contain_text("L'ordre du jour est enregistré")
    page.get_by_role("button", name="Convoquer les membres").click()
    page.get_by_role("button", name="Convoquer les membres").click()  # confirmation page
    expect(page.get_by_role("alert")).to_contain_text("Les membres sont convoqués")
    # The attendance is recorded before any decision (no voting member here: no quorum to reach).
    page.get_by_role("link", name="Enregistrer les présences").click()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_role("alert")).to_contain_text("le quorum est atteint")
    page.get_by_role("link", name=f"Décider sur le dossier {numero}").click()
    page.get_by_label("Programmé", exact=True).check(force=True)
    # Each side gave its avis without an amount for the other's financeur: « proposé » is 0
    # for both (the same figure as the maquette), so the secretariat types the amounts.
    expect(page.get_by_label("Montant programmé — État (€)")).to_have_value("0.00")
    expect(page.get_by_label("Montant programmé — Conseil régional (€)")).to_have_value("0.00")
    page.get_by_label("Montant programmé — État (€)").fill("32000")
    page.get_by_label("Montant programmé — Conseil régional (€)").fill("30000")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("alert")).to_contain_text("Décision enregistrée")
    page.get_by_role("button", name="Clore la séance").click()
    page.get_by_role("button", name="Clore la séance").click()  # confirmation page
    expect(page.get_by_role("alert")).to_contain_text("La séance est close")
    capture(page, "mission-seance-close")
    dossier.refresh_from_db()
    assert dossier.etat == E.PROGRAMME

    # 5. The porteur sees the decision and downloads the relevé.
    se_connecter(page, porteur.email)
    page.goto(f"/instruction/porteur/dossiers/{dossier.pk}/")
    expect(page.get_by_text("Programmé", exact=True).first).to_be_visible()
    expect(page.get_by_text(_montant("32 000")).first).to_be_visible()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile("Télécharger le relevé de décisions")).click()
    chemin = tmp_path / "releve.pdf"
    telechargement.value.save_as(chemin)
    texte = texte_pdf(chemin)
    assert numero in texte
    assert re.search(_montant("32 000"), texte)

    # 6. The pilotage dashboard shows the amount in the volet's row, under the État.
    page.context.clear_cookies()
    se_connecter(page, secretariat.email)
    page.goto("/gouvernance/pilotage/")
    maquette = page.locator("#tableau-maquette-croise table")
    colonnes = maquette.locator("thead th").all_inner_texts()
    ligne = maquette.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name=str(volet), exact=True)
    )
    cellule_etat = ligne.locator("td").nth(colonnes.index("État") - 1)
    cellule_region = ligne.locator("td").nth(colonnes.index("Conseil régional") - 1)
    expect(cellule_etat).to_contain_text(_montant("Programmé : 32 000,00 €"))
    expect(cellule_region).to_contain_text(_montant("Programmé : 30 000,00 €"))
    capture(page, "mission-pilotage")
    # The maquette as a spreadsheet: written by Celery, downloaded from the page that follows it.
    page.get_by_role("button", name=re.compile("^CSV — Maquette financière")).click()
    expect(page.get_by_role("heading", name="Fichier prêt")).to_be_visible()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile("Télécharger cper-pilotage-maquette")).click()
    chemin = tmp_path / "maquette.csv"
    telechargement.value.save_as(chemin)
    assert "32000,00" in chemin.read_text(encoding="utf-8-sig")

    # 7. The Douaisis member sees the dossier; the Côte d'Opale member does not.
    se_connecter(page, du_douaisis.email)
    page.goto("/gouvernance/territoire/")
    expect(page.get_by_text(intitule)).to_be_visible()
    se_connecter(page, de_l_opale.email)
    page.goto("/gouvernance/territoire/")
    expect(page.get_by_text(intitule)).to_have_count(0)
    reponse = page.goto(f"/gouvernance/territoire/dossiers/{dossier.pk}/")
    assert reponse.status == 404

    assert list(
        StateLog.objects.for_(dossier).order_by("pk").values_list("transition", flat=True)
    ) == ["deposer", "declarer_recevable", "conclure_instruction", "programmer"]

"""In the browser: the secretariat seats the présidence, builds a séance, convokes, takes the
attendance, decides (a member in conflict withdraws), closes, gets the relevé."""

import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from dossiers.enums import EtatDossier as E
from gouvernance.enums import EtatSeance
from gouvernance.models import Seance
from tests.browser.conftest import capture, se_connecter
from tests.factories import UserFactory
from tests.gouvernance.conftest import (  # noqa: F401 - fixtures
    autre_dossier_instruit,
    dossier_instruit,
    financeurs,
    membre,
    pilotage,
    secretariat,
    volet,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_parcours_d_une_seance(
    page,
    secretariat,  # noqa: F811
    membre,  # noqa: F811
    dossier_instruit,  # noqa: F811
    autre_dossier_instruit,  # noqa: F811
    porteur,
):
    numero, autre = dossier_instruit.numero, autre_dossier_instruit.numero
    membre.first_name, membre.last_name = "Étienne", "Élu"
    membre.save()
    prefete = UserFactory(email="prefete@exemple.fr", first_name="Paule", last_name="Préfète")

    # A member declares a municipal mandate in Douai, where the first dossier is.
    se_connecter(page, membre.email)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes intérêts"
    ).click()
    page.get_by_label("Nature de l'intérêt").select_option("commune")
    page.get_by_label("Code INSEE de la commune").fill(
        dossier_instruit.structure.commune.code_insee
    )
    page.get_by_label("Fonction").fill("conseiller municipal")
    page.get_by_role("button", name="Déclarer cet intérêt").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Votre déclaration d'intérêts est enregistrée"
    )

    # The secretariat seats the présidence, then creates the séance.
    se_connecter(page, secretariat.email)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Séances"
    ).click()
    page.get_by_role("link", name="Membres de l'instance de pilotage").click()
    page.get_by_role("link", name="Ajouter un membre").click()
    page.get_by_label("Adresse électronique de la personne").fill(prefete.email)
    page.get_by_label("Rôle").select_option("presidence")
    page.get_by_label("Signataire représenté").select_option(label="État")
    page.get_by_role("button", name="Ajouter le membre").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Paule Préfète siège désormais : Présidence — État"
    )
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Séances"
    ).click()
    page.get_by_role("link", name="Nouvelle séance").click()
    page.get_by_label("Date et heure de la séance").fill("2026-12-15T14:30")
    page.get_by_label("Lieu").fill("Préfecture de région, Lille")
    page.get_by_role("button", name="Créer la séance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Séance du 15 décembre 2026 à 14h30")

    # Builds the agenda from the instruit dossiers, then convokes the members.
    page.get_by_role("checkbox", name=re.compile(numero)).check(force=True)
    page.get_by_role("checkbox", name=re.compile(autre)).check(force=True)
    page.get_by_role("button", name="Enregistrer l'ordre du jour").click()
    expect(page.get_by_role("alert")).to_contain_text("L'ordre du jour est enregistré (2 point(s))")
    capture(page, "seance-preparation")
    page.get_by_role("button", name="Convoquer les membres").click()
    page.get_by_role("button", name="Convoquer les membres").click()
    expect(page.get_by_role("alert")).to_contain_text("Les membres sont convoqués")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [secretariat.email, membre.email, prefete.email]
    )
    expect(page.get_by_text("Étienne Élu (mandat communal à")).to_be_visible()

    # No decision before the attendance is taken; then who is present, who presides.
    expect(page.get_by_text("Les présences ne sont pas encore enregistrées")).to_be_visible()
    page.get_by_role("link", name="Enregistrer les présences").click()
    page.get_by_label(re.compile("Paule Préfète — Présidence")).check(force=True)
    page.get_by_label(re.compile("Étienne Élu — Membre")).check(force=True)
    page.get_by_label("Présidence de la séance").select_option(label="Paule Préfète")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_role("alert")).to_contain_text("le quorum est atteint (2 membres votants")

    # Decides the first item with amounts, one above the request first.
    page.get_by_role("link", name=f"Décider sur le dossier {numero}").click()
    page.get_by_label("Programmé", exact=True).check(force=True)
    expect(page.get_by_label("Montant programmé — État (€)")).to_have_value("30000.00")
    page.get_by_label("Montant programmé — État (€)").fill("45000")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("ne peut pas dépasser le montant demandé").first).to_be_visible()
    page.get_by_label("Montant programmé — État (€)").fill("32000")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("alert")).to_contain_text("Décision enregistrée")

    # The rest at the proposed amounts, then closes.
    page.get_by_role(
        "button", name="Programmer tous les points restants aux montants proposés"
    ).click()
    page.get_by_role("button", name="Programmer les points restants").click()
    expect(page.get_by_role("alert")).to_contain_text("1 dossier(s) programmé(s)")
    page.get_by_role("button", name="Clore la séance").click()
    page.get_by_role("button", name="Clore la séance").click()
    expect(page.get_by_role("alert")).to_contain_text("La séance est close")
    page.reload()
    capture(page, "seance-close")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger le relevé de décisions (PDF)").click()
    with open(telechargement.value.path(), "rb") as fichier:
        texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(fichier.read())).pages)
    texte = texte.replace("\u202f", " ").replace("\u00a0", " ")
    assert numero in texte and autre in texte
    assert "32 000,00 €" in texte
    assert "Présidence : Paule Préfète." in texte
    assert "Paule Préfète (Présidence — État)" in texte and "Étienne Élu (Membre" in texte
    assert "Étienne Élu s'est retiré(e) et n'a pas pris part à cette décision" in texte

    # The porteur sees the decision on their dossier.
    se_connecter(page, porteur.email)
    page.goto(f"/instruction/porteur/dossiers/{dossier_instruit.pk}/")
    expect(page.get_by_text(re.compile("Programmé — séance du"))).to_be_visible()
    expect(
        page.get_by_role("link", name="Télécharger le relevé de décisions (PDF)")
    ).to_be_visible()
    seance = Seance.objects.get()
    assert seance.etat == EtatSeance.CLOSE
    dossier_instruit.refresh_from_db()
    assert dossier_instruit.etat == E.PROGRAMME

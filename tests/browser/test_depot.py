"""Dépôt in Chromium: from "Mes dossiers" to the récépissé, then the full journey of issue 4."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from cper.comptes.enums import Role
from dossiers.enums import EtatDossier
from dossiers.models import Dossier
from tests.browser.conftest import capture, se_connecter, texte_pdf
from tests.dossiers.complets import dossier_complet
from tests.factories import (
    MOT_DE_PASSE,
    ArrondissementFactory,
    CommuneFactory,
    FinanceurFactory,
    GuichetFactory,
    StructureFactory,
    UserFactory,
    VoletFactory,
)
from tests.factories.dossiers import PDF_MINIMAL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def douai(db):
    arrondissement = ArrondissementFactory(code="593", nom="Douai", chef_lieu="59178")
    commune = CommuneFactory(code_insee="59178", nom="Douai", arrondissement=arrondissement)
    guichet = GuichetFactory(
        code="sp-douai",
        nom="Sous-préfecture de Douai",
        arrondissement=arrondissement,
        adresse="19 rue de la Mairie",
        code_postal="59500",
    )
    GuichetFactory(conseil_regional=True)
    return commune, guichet


def test_le_porteur_depose_son_dossier_telecharge_le_recepisse_puis_le_retire(
    page, douai, tmp_path
):
    commune, guichet = douai
    porteur = UserFactory(email="porteur@douai.fr", roles=[Role.PORTEUR])
    structure = StructureFactory(
        raison_sociale="Commune de Douai", commune=commune, membres=[porteur]
    )
    dossier = dossier_complet(structure=structure, porteur=porteur, intitule="Halte fluviale")
    agent = UserFactory(email="agent@douai.gouv.fr", roles=[Role.AGENT_GUICHET])
    agent.groups.add(guichet.groupe)

    se_connecter(page, "porteur@douai.fr", MOT_DE_PASSE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    ligne = page.get_by_role("row").filter(has_text="Halte fluviale")
    expect(ligne).to_contain_text("Brouillon")
    expect(ligne).to_contain_text("Compléter puis déposer le dossier")
    ligne.get_by_role("link", name="Halte fluviale").click()

    page.get_by_role("link", name="Déposer le dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déposer le dossier")
    suggere = page.get_by_label(re.compile(r"Sous-préfecture de Douai .*suggéré pour ce projet"))
    expect(suggere).to_be_checked()
    expect(page.get_by_label(re.compile("Conseil régional Hauts-de-France"))).to_be_visible()
    # Forgetting to confirm: told next to the box, the guichet stays chosen.
    page.get_by_role("button", name="Déposer le dossier").click()
    expect(page.locator("#resume-erreurs")).to_contain_text(
        "Cochez cette case pour confirmer le dépôt"
    )
    expect(suggere).to_be_checked()
    capture(page, "deposer")
    page.locator("label[for=id_confirmation]").click()
    page.get_by_role("button", name="Déposer le dossier").click()

    dossier.refresh_from_db()
    assert dossier.etat == EtatDossier.DEPOSE
    expect(page.get_by_text("Votre dossier a été déposé")).to_contain_text(dossier.numero)
    expect(page.get_by_role("heading", level=1)).to_have_text("Halte fluviale")
    expect(page.get_by_text("Dossier déposé", exact=True)).to_be_visible()
    capture(page, "dossier-depose")

    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger le récépissé de dépôt").click()
    assert telechargement.value.suggested_filename == f"recepisse-{dossier.numero}.pdf"
    chemin = tmp_path / "recepisse.pdf"
    telechargement.value.save_as(chemin)
    texte = texte_pdf(chemin)
    assert dossier.numero in texte
    assert "19 rue de la Mairie" in texte
    assert "deux mois vaut décision de rejet" in texte
    assert "tribunal administratif de Lille" in texte
    assert any(agent.email in m.to for m in mail.outbox)

    page.get_by_role("link", name="Mes dossiers").first.click()
    ligne = page.get_by_role("row").filter(has_text="Halte fluviale")
    expect(ligne).to_contain_text(dossier.numero)
    expect(ligne).to_contain_text("Déposé")

    ligne.get_by_role("link", name="Halte fluviale").click()
    page.get_by_role("link", name="Retirer le dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retirer le dossier")
    page.get_by_label("Motif du retrait").fill("Projet reporté au prochain contrat")
    page.locator("label[for=id_confirmation]").click()
    page.get_by_role("button", name="Retirer définitivement le dossier").click()
    expect(page.get_by_text("Votre dossier a été retiré.")).to_be_visible()
    expect(page.get_by_text("Projet reporté au prochain contrat")).to_be_visible()
    assert Dossier.objects.get(pk=dossier.pk).etat == EtatDossier.RETIRE


def test_un_autre_porteur_ne_voit_rien_du_dossier(page, douai):
    commune, _ = douai
    porteur = UserFactory(roles=[Role.PORTEUR])
    structure = StructureFactory(commune=commune, membres=[porteur])
    dossier = dossier_complet(structure=structure, porteur=porteur, intitule="Halte fluviale")
    UserFactory(email="autre@cambrai.fr", roles=[Role.PORTEUR])
    se_connecter(page, "autre@cambrai.fr", MOT_DE_PASSE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    expect(page.get_by_text("Halte fluviale")).to_have_count(0)
    for nom in ("detail", "deposer", "recepisse", "retirer"):
        reponse = page.goto(reverse(f"dossiers:{nom}", args=[dossier.pk]))
        assert reponse.status == 404, nom


# --- the whole journey of issue 4 ---------------------------------------------------------------


PDF = PDF_MINIMAL


def test_parcours_complet_d_un_nouveau_porteur(page, douai, tmp_path):
    _, guichet = douai
    VoletFactory()
    FinanceurFactory()
    FinanceurFactory(region=True)
    FinanceurFactory(autofinancement=True)
    mdp = "un-mot-de-passe-solide-2015"

    # Sign up and confirm the address.
    page.goto("/")
    page.get_by_role("link", name="Créer un compte porteur").click()
    page.locator("#id_first_name").fill("Léa")
    page.locator("#id_last_name").fill("Martin")
    page.locator("#id_email").fill("lea.martin@douai.fr")
    page.locator("#id_password1").fill(mdp)
    page.locator("#id_password2").fill(mdp)
    page.get_by_role("button", name="Créer mon compte").click()
    lien = re.search(r"http://[^/\s]+(/comptes/inscription/confirmer/\S+/)", mail.outbox[-1].body)
    page.goto(lien.group(1))
    page.get_by_label("Mot de passe choisi à l'inscription").fill(mdp)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    page.get_by_label("Adresse électronique").fill("lea.martin@douai.fr")
    page.get_by_label("Mot de passe").fill(mdp)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")

    # Create the structure.
    page.get_by_role("link", name="Mes structures porteuses").click()
    page.get_by_role("link", name="Créer une structure").click()
    page.locator("#id_raison_sociale").fill("Commune de Douai")
    page.locator("#id_siret").fill("216 200 410 00019")
    page.locator("#id_categorie").select_option("commune")
    page.locator("#id_adresse").fill("83 rue de la Mairie")
    page.locator("#id_commune").fill("Douai")
    page.locator("#id_representant_nom").fill("Frédéric Chéreau")
    page.locator("#id_representant_qualite").fill("Maire")
    page.get_by_role("button", name="Enregistrer la structure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commune de Douai")

    # Start a draft, leave, come back.
    page.goto(reverse("dossiers:index"))
    page.get_by_role("link", name="Nouveau dossier").click()
    page.locator("#id_structure").select_option(label="Commune de Douai")
    page.locator("#id_intitule").fill("Halte fluviale de Douai")
    page.get_by_role("button", name="Créer le brouillon").click()
    page.locator("#id_resume").fill("Une halte pour les bateaux de plaisance.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.goto("/")
    page.goto(reverse("dossiers:index"))
    page.get_by_role("link", name="Halte fluviale de Douai").click()
    page.get_by_role("link", name="Compléter le dossier").click()
    expect(page.locator("#id_resume")).to_have_value("Une halte pour les bateaux de plaisance.")

    # Every section.
    page.locator("#id_description").fill("Pontons, bornes, sanitaires et signalétique.")
    page.locator("#id_volet").select_option(label="1. Mobilité multimodale")
    page.get_by_role("button", name="Enregistrer et passer à la section suivante").click()
    page.locator("#id_q").fill("Douai")
    page.get_by_role("option", name=re.compile("Douai")).first.click()
    expect(page.locator("#territoire")).to_contain_text("Douai")
    page.get_by_role("link", name=re.compile("Calendrier")).first.click()
    page.locator("#id_date_debut").fill("2016-03-01")
    page.locator("#id_date_fin").fill("2017-06-30")
    page.get_by_role("button", name="Enregistrer et passer à la section suivante").click()
    page.locator("#id_tva_recuperable").select_option("oui")
    page.locator("#id_depenses-0-nature").select_option("travaux")
    page.locator("#id_depenses-0-libelle").fill("Pontons et quais")
    page.locator("#id_depenses-0-montant_ht").fill("100000")
    page.locator("#id_depenses-0-montant_ttc").fill("120000")
    page.get_by_role("button", name="Enregistrer et passer à la section suivante").click()
    for i, (financeur, montant) in enumerate(
        (("État", "40000"), ("Conseil régional", "30000"), ("Autofinancement", "30000"))
    ):
        page.locator(f"#id_financements-{i}-financeur").select_option(label=financeur)
        page.locator(f"#id_financements-{i}-montant_demande").fill(montant)
        page.get_by_role("button", name="Enregistrer le brouillon").click()

    # The pieces.
    dossier = Dossier.objects.get(intitule="Halte fluviale de Douai")
    for type_piece in ("deliberation", "plan_financement_signe", "calendrier", "rib"):
        page.goto(reverse("dossiers:pieces", args=[dossier.pk]))
        fichier = tmp_path / f"{type_piece}.pdf"
        fichier.write_bytes(PDF)
        page.locator("#id_type_piece").select_option(type_piece)
        page.locator("#id_fichier").set_input_files(fichier)
        page.get_by_role("button", name="Joindre la pièce").click()

    # File at the suggested sous-préfecture and download the récépissé.
    page.goto(reverse("dossiers:detail", args=[dossier.pk]))
    page.get_by_role("link", name="Déposer le dossier").click()
    expect(page.get_by_label(re.compile("suggéré pour ce projet"))).to_be_checked()
    page.locator("label[for=id_confirmation]").click()
    page.get_by_role("button", name="Déposer le dossier").click()
    dossier.refresh_from_db()
    assert dossier.etat == EtatDossier.DEPOSE and dossier.guichet == guichet
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger le récépissé de dépôt").click()
    chemin = tmp_path / "recepisse.pdf"
    telechargement.value.save_as(chemin)
    texte = texte_pdf(chemin)
    assert dossier.numero in texte and "Sous-préfecture de Douai" in texte
    capture(page, "parcours-complet")

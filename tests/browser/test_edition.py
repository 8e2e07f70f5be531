import re

import pytest
from playwright.sync_api import expect

from cper.comptes.enums import Role
from cper.referentiel.models import PoleMetropolitain
from dossiers.models import Dossier
from tests.browser.conftest import capture
from tests.factories import (
    MOT_DE_PASSE,
    CommuneFactory,
    EpciFactory,
    FinanceurFactory,
    StructureFactory,
    UserFactory,
    VoletFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _euros(texte):
    """An amount as the `euros` filter prints it, whatever the kind of space."""
    return re.compile(texte.replace(" ", r"\s") + r"\s€")


def test_le_porteur_remplit_chaque_section_voit_les_totaux_et_retrouve_son_brouillon(page):
    porteur = UserFactory(email="porteur@exemple.fr", roles=[Role.PORTEUR])
    StructureFactory(raison_sociale="Commune de Lens", membres=[porteur])
    volet = VoletFactory(intitule="Mobilité multimodale")
    FinanceurFactory(nom="État")
    FinanceurFactory(autofinancement=True)
    epci = EpciFactory(nom="Communauté d'agglomération de Lens-Liévin")
    PoleMetropolitain.objects.create(nom="Pôle métropolitain de l'Artois").membres.add(epci)
    CommuneFactory(code_insee="62498", nom="Lens", epci=epci)
    CommuneFactory(code_insee="62510", nom="Liévin", epci=epci)

    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("porteur@exemple.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")

    # Création du brouillon
    page.goto("/dossiers/nouveau/")
    page.get_by_label("Structure porteuse").select_option(label="Commune de Lens")
    page.get_by_label("Intitulé du projet").fill("Pôle d'échanges de Lens")
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Identité du projet")
    dossier = Dossier.objects.get(intitule="Pôle d'échanges de Lens")

    # Identité
    page.get_by_label("Résumé").fill("Réaménagement du pôle d'échanges.")
    page.get_by_label("Description").fill("Quais, gare routière, parvis.")
    page.get_by_label("Volet du contrat").select_option(value=str(volet.pk))
    page.get_by_role("button", name="Enregistrer et passer à la section suivante").click()

    # Localisation : the combobox, used with the keyboard only
    expect(page.get_by_role("heading", level=1)).to_contain_text("Localisation")
    recherche = page.get_by_role("combobox", name="Rechercher une commune")
    recherche.press_sequentially("Lens", delay=30)
    expect(page.get_by_role("option", name=re.compile("Lens"))).to_be_visible()
    expect(recherche).to_have_attribute("aria-expanded", "true")
    recherche.press("ArrowDown")
    expect(recherche).to_have_attribute("aria-activedescendant", re.compile("suggestion-"))
    capture(page, "dossier-localisation-suggestions")
    recherche.press("Enter")
    expect(page.get_by_text("Lens est ajoutée au projet.")).to_be_visible()
    territoire = page.locator("#territoire")
    expect(territoire).to_contain_text("Communauté d'agglomération de Lens-Liévin")
    expect(territoire).to_contain_text("Pôle métropolitain de l'Artois")
    page.get_by_role("link", name="Passer à la section suivante").click()

    # Calendrier
    expect(page.get_by_role("heading", level=1)).to_contain_text("Calendrier")
    page.get_by_label("Début prévu des travaux").fill("2016-03-01")
    page.get_by_label("Fin prévue").fill("2017-12-31")
    page.get_by_role("button", name="Enregistrer et passer à la section suivante").click()

    # Dépenses : totals follow the typing, before anything is saved
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dépenses")
    page.get_by_label("Récupérez-vous la TVA sur ces dépenses ?").select_option(label="Oui")
    page.locator("#id_depenses-0-nature").select_option(label="Travaux")
    page.locator("#id_depenses-0-libelle").fill("Quais et abris")
    page.locator("#id_depenses-0-montant_ht").fill("80000")
    page.locator("#id_depenses-0-montant_ttc").fill("96000")
    expect(page.locator("#total-cout-eligible")).to_have_text(_euros("80 000,00"))
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.locator("#id_depenses-1-nature").select_option(label="Études")
    page.locator("#id_depenses-1-libelle").fill("Maîtrise d'œuvre")
    page.locator("#id_depenses-1-montant_ht").fill("20000")
    page.locator("#id_depenses-1-montant_ttc").fill("24000")
    expect(page.locator("#total-cout-eligible")).to_have_text(_euros("100 000,00"))
    expect(page.locator("#total-depenses-ttc")).to_have_text(_euros("120 000,00"))
    page.get_by_role("button", name="Enregistrer et passer à la section suivante").click()

    # Plan de financement : balance and public-aid rate, live
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan de financement")
    page.locator("#id_financements-0-financeur").select_option(label="État")
    page.locator("#id_financements-0-montant_demande").fill("60000")
    expect(page.locator("#total-solde")).to_contain_text("reste à financer")
    expect(page.locator("#total-taux")).to_contain_text("60,0 %")
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.locator("#id_financements-1-financeur").select_option(label="Autofinancement")
    page.locator("#id_financements-1-montant_demande").fill("40000")
    expect(page.locator("#total-solde")).to_contain_text("plan équilibré")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()

    # Leave, come back: the draft is intact and only the pieces are missing
    page.goto("/")
    page.goto(f"/dossiers/{dossier.pk}/modifier/depenses/")
    expect(page.locator("#id_depenses-1-libelle")).to_have_value("Maîtrise d'œuvre")
    expect(page.locator("#id_depenses-0-montant_ht")).to_have_value(re.compile(r"^80\s?000,00$"))
    expect(page.locator("#total-solde")).to_contain_text("plan équilibré")
    sections = page.get_by_role("navigation", name="Sections du dossier")
    for titre in ("Identité du projet", "Localisation", "Calendrier", "Dépenses"):
        expect(sections.get_by_role("listitem").filter(has_text=titre).first).to_contain_text(
            "Complet"
        )
    expect(sections).to_contain_text("Joignez la pièce")
    page.goto(f"/dossiers/{dossier.pk}/modifier/identite/")
    expect(page.get_by_label("Résumé")).to_have_value("Réaménagement du pôle d'échanges.")
    expect(page.get_by_label("Volet du contrat")).to_have_value(str(volet.pk))
    capture(page, "dossier-identite")


def test_une_saisie_fausse_est_expliquee_et_rien_de_ce_qui_est_tape_ne_se_perd(page):
    porteur = UserFactory(email="porteur@exemple.fr", roles=[Role.PORTEUR])
    structure = StructureFactory(raison_sociale="Commune de Lens", membres=[porteur])
    from dossiers.services.edition import dossier_creer

    dossier = dossier_creer(par=porteur, structure=structure, intitule="Voie verte")
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("porteur@exemple.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"/dossiers/{dossier.pk}/modifier/depenses/")
    page.locator("#id_depenses-0-nature").select_option(label="Travaux")
    page.locator("#id_depenses-0-libelle").fill("Revêtement")
    page.locator("#id_depenses-0-montant_ht").fill("-5")
    page.locator("#id_depenses-0-montant_ttc").fill("douze")
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.locator("#id_depenses-1-nature").select_option(label="Études")
    page.locator("#id_depenses-1-libelle").fill("Étude d'impact")
    page.locator("#id_depenses-1-montant_ht").fill("1000")
    page.locator("#id_depenses-1-montant_ttc").fill("900")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    resume = page.get_by_role("alert").filter(has_text="Le formulaire contient 3 erreurs")
    expect(resume).to_be_focused()
    expect(resume).to_contain_text(
        "Ligne 1 — Montant HT (€) : Un montant ne peut pas être négatif."
    )
    expect(resume).to_contain_text("Ligne 1 — Montant TTC (€) : Saisissez un montant en chiffres")
    expect(resume).to_contain_text("Ligne 2 — Montant TTC (€) : Le montant TTC ne peut pas être")
    expect(page.locator("#id_depenses-0-montant_ttc")).to_have_value("douze")
    expect(page.locator("#id_depenses-1-libelle")).to_have_value("Étude d'impact")
    expect(page.get_by_role("group", name="Dépense n° 2")).to_contain_text(
        "Le montant TTC ne peut pas être inférieur au montant HT"
    )
    capture(page, "dossier-depenses-erreurs")
    resume.get_by_role("link").first.click()
    expect(page.locator("#id_depenses-0-montant_ht")).to_be_focused()
    assert not dossier.depenses.exists()


def test_quitter_la_page_avec_une_saisie_non_enregistree_demande_confirmation(page):
    porteur = UserFactory(email="porteur@exemple.fr", roles=[Role.PORTEUR])
    structure = StructureFactory(raison_sociale="Commune de Lens", membres=[porteur])
    from dossiers.services.edition import dossier_creer

    dossier = dossier_creer(par=porteur, structure=structure, intitule="Voie verte")
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("porteur@exemple.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"/dossiers/{dossier.pk}/modifier/identite/")
    page.get_by_label("Résumé").fill("Pas encore enregistré")

    page.once("dialog", lambda dialogue: dialogue.dismiss())
    with page.expect_event("dialog") as dialogue:
        page.get_by_role("link", name="Mes dossiers").first.click()
    assert dialogue.value.type == "beforeunload"
    expect(page.get_by_label("Résumé")).to_have_value("Pas encore enregistré")
    expect(page).to_have_url(re.compile(r"/modifier/identite/$"))

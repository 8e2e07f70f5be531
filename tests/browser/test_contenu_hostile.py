"""Text another user chose is shown as text: no markup, no htmx request, no redirection."""

import pytest
from playwright.sync_api import expect

from dossiers.models import Invitation
from dossiers.services.structures import jeton_invitation, structure_inviter
from tests.browser.conftest import se_connecter
from tests.factories import StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL_HOSTILE = '"<b\\ hx-get=/comptes/deconnexion/\\ hx-trigger=load>"@exemple.fr'


def _nom_hostile(structure_cible) -> str:
    return (
        f'<b hx-post="/dossiers/structures/{structure_cible.pk}/inviter/" '
        """hx-vals='{"email":"x@y.fr","administrateur":"on"}' hx-trigger="load">Piège</b>"""
        '<meta http-equiv="refresh" content="0;url=/404">'
    )


def _requetes(page) -> list[str]:
    vues = []
    page.on("request", lambda requete: vues.append(f"{requete.method} {requete.url}"))
    return vues


def test_un_nom_de_structure_hostile_s_affiche_en_texte_et_ne_declenche_rien(
    page, porteur, structure, autre_porteur
):
    # The attacker names a structure with markup and invites the victim, who administers
    # `structure`: the injected htmx would make the victim invite the attacker as administrator.
    nom = _nom_hostile(structure)
    piege = StructureFactory(raison_sociale=nom, membres=[autre_porteur])
    invitation = structure_inviter(
        structure=piege, par=autre_porteur, email=porteur.email, administrateur=False
    )

    se_connecter(page, porteur.email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"/dossiers/invitations/{jeton_invitation(invitation)}/")
    requetes = _requetes(page)
    page.get_by_role("button", name="Rejoindre la structure").click()

    alerte = page.locator(".fr-alert--success")
    expect(alerte).to_contain_text(f"Vous avez rejoint la structure « {nom} ».")
    expect(page.get_by_role("heading", level=1)).to_have_text(nom)
    page.wait_for_timeout(500)  # room for a `load` trigger or a refresh to fire
    assert page.locator("main b, main meta, .fr-alert b").count() == 0
    assert page.url.endswith(f"/dossiers/structures/{piege.pk}/")
    assert not [r for r in requetes if "/inviter/" in r or "/404" in r], requetes
    assert not Invitation.objects.filter(email="x@y.fr").exists()


def test_une_adresse_hostile_s_affiche_en_texte(page, porteur, structure):
    se_connecter(page, porteur.email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"/dossiers/structures/{structure.pk}/inviter/")
    page.get_by_label("Adresse électronique").fill(EMAIL_HOSTILE)
    requetes = _requetes(page)
    page.get_by_role("button", name="Envoyer l'invitation").click()

    expect(page.locator(".fr-alert--success")).to_contain_text(
        f"elle partira par courriel à {EMAIL_HOSTILE} dans quelques minutes."
    )
    expect(page.locator("main")).to_contain_text(EMAIL_HOSTILE)
    page.wait_for_timeout(500)
    assert page.locator(".fr-alert b, main b").count() == 0
    assert not [r for r in requetes if "deconnexion" in r], requetes
    assert page.url.endswith(f"/dossiers/structures/{structure.pk}/")

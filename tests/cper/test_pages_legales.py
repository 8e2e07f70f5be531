"""The legal pages of a public service say what the law asks them to say."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _texte(client, nom) -> str:
    return " ".join(client.get(reverse(nom)).text.split())


def test_la_declaration_d_accessibilite_suit_le_modele_du_rgaa(client, settings):
    settings.CONTACT_ACCESSIBILITE = "a11y@exemple.gouv.fr"
    texte = _texte(client, "accessibilite")
    # Without an audit the service is « non conforme »; the statement is dated, lists the pages
    # tested, gives a contact and the recourse to the Défenseur des droits.
    assert "est <strong>non conforme</strong> avec le référentiel général" in texte
    assert "partiellement conforme" not in texte
    assert "Cette déclaration a été établie le" in texte
    assert "Pages du site ayant fait l'objet de la vérification" in texte
    assert 'href="mailto:a11y@exemple.gouv.fr"' in texte
    assert "Défenseur des droits" in texte and "Libre réponse 71120" in texte


def test_les_mentions_legales_nomment_l_editeur_et_l_hebergeur(client, settings):
    settings.HEBERGEUR = "Hébergeur Exemple SAS, 1 rue de l'Exemple, 59000 Lille"
    texte = _texte(client, "mentions_legales")
    assert "Éditeur" in texte and "secrétariat général pour les affaires régionales" in texte
    assert "Directeur de la publication" in texte
    assert "Hébergeur Exemple SAS, 1 rue de l&#x27;Exemple, 59000 Lille" in texte


def test_la_page_donnees_personnelles_nomme_responsable_finalites_durees_et_cnil(client):
    texte = _texte(client, "donnees_personnelles")
    assert "Responsables du traitement" in texte and "responsables conjoints" in texte
    assert "Finalités et base légale" in texte and "6-1-e du RGPD" in texte
    assert "Durées de conservation" in texte and "10 ans après le solde" in texte
    assert "réclamation à la Commission nationale de l'informatique et des libertés" in texte

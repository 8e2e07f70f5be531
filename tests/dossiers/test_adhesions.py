"""A SIRET belongs to whoever proves it: a new structure is « à vérifier », and a second person
entering an existing SIRET asks to join; the structure's administrator or an agent of a guichet
where it filed decides."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from cper.comptes.enums import Role
from dossiers.models import DemandeAdhesion, MembreStructure, Structure
from dossiers.services.structures import (
    AdhesionImpossible,
    structure_decider_adhesion,
    structure_demander_adhesion,
)
from tests.factories import DossierFactory, UserFactory

pytestmark = pytest.mark.django_db

SIRET = "21620041000019"


def donnees(**modifs):
    return {
        "raison_sociale": "Commune d'Arras",
        "siret": "216 200 410 00019",
        "categorie": "commune",
        "adresse": "Place Guy Mollet",
        "commune": "Douai",
        "representant_nom": "Frédéric Leturque",
        "representant_qualite": "Maire",
        **modifs,
    }


@pytest.fixture
def usurpateur(db):
    return UserFactory(email="premier.venu@exemple.fr", roles=[Role.PORTEUR])


def test_une_nouvelle_structure_est_a_verifier(client, porteur, commune_douai):
    client.force_login(porteur)
    client.post(reverse("dossiers:structure_creer"), donnees())
    structure = Structure.objects.get(siret=SIRET)
    assert not structure.est_verifiee
    html = client.get(reverse("dossiers:structure", args=[structure.pk])).text
    assert "À vérifier" in html


def test_le_second_a_saisir_un_siret_demande_a_rejoindre_et_l_administrateur_decide(
    client, porteur, autre_porteur, commune_douai, django_capture_on_commit_callbacks
):
    client.force_login(porteur)
    client.post(reverse("dossiers:structure_creer"), donnees())
    structure = Structure.objects.get(siret=SIRET)

    client.force_login(autre_porteur)
    reponse = client.post(reverse("dossiers:structure_creer"), donnees(), follow=True)
    assert "Cette structure est déjà enregistrée" in unescape(reponse.text)
    url = reponse.redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url, follow=True)
    assert "Votre demande est envoyée" in unescape(reponse.text)
    demande = DemandeAdhesion.objects.get(structure=structure, demandeur=autre_porteur)
    assert not MembreStructure.objects.filter(user=autre_porteur).exists()
    # The administrators are told; the subject carries nothing a user typed.
    assert mail.outbox[-1].to == [porteur.email]
    assert "Commune d'Arras" not in mail.outbox[-1].subject
    # Asking twice makes one request.
    client.post(url)
    assert DemandeAdhesion.objects.filter(demandeur=autre_porteur).count() == 1
    # The requester cannot decide their own request.
    decider = reverse("dossiers:structure_decider_adhesion", args=[structure.pk, demande.pk])
    assert client.post(decider, {"decision": "accepter"}).status_code == 404

    client.force_login(porteur)
    assert "premier.venu" not in client.get(reverse("dossiers:structure", args=[structure.pk])).text
    page = unescape(client.get(reverse("dossiers:structure", args=[structure.pk])).text)
    assert autre_porteur.email in page
    # The buttons as a screen reader reads them (their end is visually hidden).
    texte = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert f"Accepter la demande de {autre_porteur.email}" in texte
    assert f"Refuser la demande de {autre_porteur.email}" in texte
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decider, {"decision": "accepter"})
    assert MembreStructure.objects.filter(
        structure=structure, user=autre_porteur, administrateur=False
    ).exists()
    assert mail.outbox[-1].to == [autre_porteur.email]
    assert "acceptée" in mail.outbox[-1].body


def test_un_refus_est_dit_au_demandeur(
    porteur, structure, usurpateur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demande = structure_demander_adhesion(structure=structure, par=usurpateur)
        structure_decider_adhesion(demande=demande, par=porteur, accepter=False)
    assert not MembreStructure.objects.filter(user=usurpateur).exists()
    assert mail.outbox[-1].to == [usurpateur.email]
    assert "a été refusée" in mail.outbox[-1].body
    with pytest.raises(AdhesionImpossible):
        structure_decider_adhesion(demande=demande, par=porteur, accepter=True)


def test_seuls_l_administrateur_et_le_guichet_de_la_structure_decident(
    structure, usurpateur, autre_porteur, agent_sp_douai, agent_region, guichet_douai
):
    from django.core.exceptions import PermissionDenied

    demande = structure_demander_adhesion(structure=structure, par=usurpateur)
    for intrus in (autre_porteur, agent_sp_douai, agent_region, usurpateur):
        with pytest.raises(PermissionDenied):
            structure_decider_adhesion(demande=demande, par=intrus, accepter=True)
    # Once the structure filed at Douai, the Douai agent may decide; the Region's may not.
    DossierFactory(depose=True, structure=structure, guichet=guichet_douai)
    with pytest.raises(PermissionDenied):
        structure_decider_adhesion(demande=demande, par=agent_region, accepter=True)
    structure_decider_adhesion(demande=demande, par=agent_sp_douai, accepter=True)
    assert MembreStructure.objects.filter(structure=structure, user=usurpateur).exists()


def test_la_page_rejoindre_sans_siret_connu_repond_404(client, porteur):
    client.force_login(porteur)
    url = reverse("dossiers:structure_rejoindre")
    assert client.get(url + "?siret=00000000000000").status_code == 404
    assert client.get(url).status_code == 404


def test_un_membre_n_a_pas_a_demander(client, porteur, structure):
    client.force_login(porteur)
    reponse = client.get(reverse("dossiers:structure_rejoindre") + f"?siret={structure.siret}")
    assert reponse.status_code == 302
    with pytest.raises(AdhesionImpossible):
        structure_demander_adhesion(structure=structure, par=porteur)


def test_le_premier_a_saisir_le_siret_d_une_commune_n_en_devient_pas_proprietaire(
    client, usurpateur, commune_douai
):
    """The attack: a stranger registers the commune's SIRET first. The structure stays « à
    vérifier » until a guichet agent confirms it; the commune's real staff are not stuck."""
    client.force_login(usurpateur)
    client.post(reverse("dossiers:structure_creer"), donnees())
    structure = Structure.objects.get(siret=SIRET)
    assert structure.verifiee_le is None
    secretaire = UserFactory(email="secretariat@arras.fr", roles=[Role.PORTEUR])
    client.force_login(secretaire)
    reponse = client.post(reverse("dossiers:structure_creer"), donnees(), follow=True)
    assert reponse.status_code == 200
    assert "Demander à rejoindre la structure" in unescape(reponse.text)

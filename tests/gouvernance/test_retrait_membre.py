"""A structure administrator removes a member: the removed person loses every access at once.

Lives with the gouvernance tests because the relevé de décisions of a closed séance is one of
the pages the removed member must lose, and its fixtures are here.
"""

from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cper.comptes.enums import Role
from dossiers.models import MembreStructure, Recepisse
from instruction import services as instruction_services
from tests.factories import DossierFactory, PieceFactory, UserFactory
from tests.factories.dossiers import PDF_MINIMAL
from tests.factories.instruction import DemandeComplementsFactory
from tests.gouvernance.test_cloture import seance_close, seance_decidee  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def collegue(structure):
    user = UserFactory(email="collegue@exemple.fr", roles=[Role.PORTEUR])
    MembreStructure.objects.create(structure=structure, user=user, administrateur=False)
    return user


def _urls(structure, seance, dossier_instruit, porteur):
    brouillon = DossierFactory(structure=structure, cree_par=porteur)
    incomplet = DossierFactory(structure=structure, cree_par=porteur, incomplet=True)
    DemandeComplementsFactory(dossier=incomplet)
    piece = PieceFactory(dossier=dossier_instruit, deposee_par=porteur)
    Recepisse.objects.create(
        dossier=dossier_instruit,
        fichier=ContentFile(b"%PDF-1.4 recu", name="recepisse.pdf"),
        taille=13,
        sha256="0" * 64,
        duree_rendu_ms=1,
    )
    message = instruction_services.message_envoyer(
        dossier=dossier_instruit,
        par=porteur,
        texte="Voici le plan.",
        pieces_jointes=[SimpleUploadedFile("plan.pdf", PDF_MINIMAL, "application/pdf")],
    )
    d = dossier_instruit.pk
    return [
        reverse("dossiers:structure", args=[structure.pk]),
        reverse("dossiers:detail", args=[d]),
        reverse("dossiers:pieces", args=[d]),
        reverse("dossiers:piece_telecharger", args=[d, piece.pk]),
        reverse("dossiers:recepisse", args=[d]),
        reverse("dossiers:retirer", args=[d]),
        reverse("dossiers:modifier", args=[brouillon.pk, "identite"]),
        reverse("dossiers:deposer", args=[brouillon.pk]),
        reverse("dossiers:pieces", args=[brouillon.pk]),
        reverse("instruction:porteur_dossier", args=[d]),
        reverse("instruction:porteur_dossier", args=[incomplet.pk]),
        reverse("instruction:piece_jointe", args=[message.pieces_jointes.get().pk]),
        reverse("gouvernance:releve", args=[seance.pk]),
    ], [
        # POST-only: an empty form is refused by a member, 404 for anybody else.
        reverse("instruction:completer", args=[incomplet.pk]),
        reverse("instruction:ecrire_porteur", args=[d]),
        reverse("dossiers:totaux", args=[brouillon.pk]),
    ]


def test_le_membre_retire_perd_tout_acces_d_un_coup(
    client, request, structure, porteur, collegue, dossier_instruit
):
    seance = request.getfixturevalue("seance_close")
    urls, urls_post = _urls(structure, seance, dossier_instruit, porteur)
    client.force_login(collegue)
    for url in urls:
        assert client.get(url).status_code in (200, 302), url
    for url in urls_post:
        assert client.post(url).status_code in (200, 302), url

    client.force_login(porteur)
    membre = MembreStructure.objects.get(structure=structure, user=collegue)
    retrait = reverse("dossiers:structure_retirer_membre", args=[structure.pk, membre.pk])
    page = client.get(retrait)
    assert "Retirer un membre" in page.text
    assert "collegue@exemple.fr" in page.text
    reponse = client.post(retrait, follow=True)
    assert "collegue@exemple.fr n'est plus membre" in unescape(reponse.text)
    assert not MembreStructure.objects.filter(user=collegue).exists()

    client.force_login(collegue)
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in urls_post:
        assert client.post(url).status_code == 404, url
    # Nor may they write: post a message, withdraw, edit.
    d = dossier_instruit.pk
    assert (
        client.post(reverse("instruction:ecrire_porteur", args=[d]), {"texte": "x"}).status_code
        == 404
    )
    assert client.post(reverse("dossiers:retirer", args=[d]), {"motif": "x"}).status_code == 404
    # The remaining administrator keeps everything.
    client.force_login(porteur)
    for url in urls:
        assert client.get(url).status_code in (200, 302), url


def test_le_retrait_du_membre_retire_la_permission_de_transition(
    structure, porteur, collegue, dossier_instruit
):
    from dossiers.models.dossier import est_porteur_du_dossier
    from dossiers.services.structures import structure_retirer_membre

    assert est_porteur_du_dossier(dossier_instruit, collegue)
    structure_retirer_membre(
        structure=structure,
        par=porteur,
        membre=MembreStructure.objects.get(user=collegue),
    )
    assert not est_porteur_du_dossier(dossier_instruit, collegue)


def test_on_ne_retire_pas_le_dernier_administrateur(client, structure, porteur, collegue):
    client.force_login(porteur)
    membre = MembreStructure.objects.get(structure=structure, user=porteur)
    url = reverse("dossiers:structure_retirer_membre", args=[structure.pk, membre.pk])
    reponse = client.post(url, follow=True)
    assert "dernier administrateur" in reponse.text
    assert MembreStructure.objects.filter(pk=membre.pk).exists()


def test_seul_un_administrateur_retire_un_membre(client, structure, porteur, collegue):
    membre = MembreStructure.objects.get(structure=structure, user=porteur)
    url = reverse("dossiers:structure_retirer_membre", args=[structure.pk, membre.pk])
    client.force_login(collegue)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert MembreStructure.objects.filter(pk=membre.pk).exists()


@pytest.mark.parametrize("persona", ["autre_porteur", "agent_sp_douai", "inconnu"])
def test_hors_de_la_structure_la_page_de_retrait_repond_404(
    client, request, persona, structure, collegue
):
    membre = MembreStructure.objects.get(user=collegue)
    client.force_login(request.getfixturevalue(persona))
    url = reverse("dossiers:structure_retirer_membre", args=[structure.pk, membre.pk])
    assert client.post(url).status_code in (403, 404)
    assert MembreStructure.objects.filter(pk=membre.pk).exists()


def test_un_administrateur_peut_quitter_la_structure_s_il_en_reste_un(
    client, structure, porteur, collegue
):
    MembreStructure.objects.filter(user=collegue).update(administrateur=True)
    membre = MembreStructure.objects.get(structure=structure, user=porteur)
    client.force_login(porteur)
    url = reverse("dossiers:structure_retirer_membre", args=[structure.pk, membre.pk])
    reponse = client.post(url, follow=True)
    assert "Vous avez quitté la structure" in reponse.text
    assert client.get(reverse("dossiers:structure", args=[structure.pk])).status_code == 404

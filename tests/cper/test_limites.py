"""Rate limits: sign-up, password reset, invitations, uploads and exports answer a French 429
page beyond their limits, per client IP and per account; a limiter that cannot count lets the
request through."""

from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from cper.comptes.enums import Role
from dossiers.models import Invitation, MembreStructure
from dossiers.services.structures import InvitationRefusee, structure_inviter
from tests.factories import DossierFactory, UserFactory

pytestmark = pytest.mark.django_db

H = 3600
PETITES = {
    "inscription": {"ip": (4, H), "compte": (2, H)},
    "mot_de_passe_oubli": {"ip": (4, H), "compte": (2, H)},
    "invitation": {"ip": (50, H), "compte": (3, H)},
    "fichier": {"ip": (50, H), "compte": (3, H)},
    "export": {"ip": (50, H), "compte": (2, H)},
}
MDP = "un-mot-de-passe-solide-2015"


def inscription(client, email, **meta):
    return client.post(
        reverse("comptes:inscription"),
        {
            "first_name": "Léa",
            "last_name": "Martin",
            "email": email,
            "password1": MDP,
            "password2": MDP,
        },
        **meta,
    )


def assert_429(reponse):
    assert reponse.status_code == 429
    html = reponse.content.decode()
    assert "<h1>Trop de demandes</h1>" in html
    assert "Réessayez dans" in html
    assert int(reponse["Retry-After"]) > 0


@override_settings(LIMITES=PETITES)
def test_inscriptions_repetees_pour_une_adresse(client, django_capture_on_commit_callbacks):
    """The attack: one address flooded with confirmation e-mails."""
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert inscription(client, "cible@exemple.fr").status_code == 302
        assert_429(inscription(client, "cible@exemple.fr", REMOTE_ADDR="198.51.100.1"))
    assert len(mail.outbox) == 2


@override_settings(LIMITES=PETITES)
def test_inscriptions_en_masse_depuis_une_adresse_ip(client):
    for i in range(4):
        assert inscription(client, f"personne{i}@exemple.fr").status_code == 302
    assert_429(inscription(client, "personne9@exemple.fr"))
    # A forged X-Forwarded-For from an untrusted address changes nothing.
    assert_429(inscription(client, "personne10@exemple.fr", HTTP_X_FORWARDED_FOR="203.0.113.9"))
    # Another address is not affected.
    assert (
        inscription(client, "personne11@exemple.fr", REMOTE_ADDR="198.51.100.1").status_code == 302
    )


@override_settings(LIMITES=PETITES)
def test_reinitialisations_repetees_pour_une_adresse(client, porteur):
    url = reverse("comptes:mot_de_passe_oubli")
    for _ in range(2):
        assert client.post(url, {"email": porteur.email}).status_code == 302
    assert_429(client.post(url, {"email": porteur.email.upper()}))
    assert len(mail.outbox) == 2
    # Showing the form is never limited.
    assert client.get(url).status_code == 200


@override_settings(LIMITES=PETITES)
def test_invitations_repetees_par_un_compte(client, porteur, structure):
    client.force_login(porteur)
    url = reverse("dossiers:structure_inviter", args=[structure.pk])
    for i in range(3):
        assert client.post(url, {"email": f"c{i}@exemple.fr"}).status_code == 302
    assert_429(client.post(url, {"email": "c9@exemple.fr"}))
    assert Invitation.objects.count() == 3


@override_settings(INVITATIONS_PAR_JOUR_ET_STRUCTURE=3)
def test_une_structure_envoie_au_plus_n_invitations_par_jour(client, porteur, structure):
    """Whoever sends them: a second administrator does not get a fresh quota."""
    second = UserFactory(roles=[Role.PORTEUR])
    MembreStructure.objects.create(structure=structure, user=second, administrateur=True)
    for i, par in enumerate([porteur, second, porteur]):
        structure_inviter(
            structure=structure, par=par, email=f"c{i}@exemple.fr", administrateur=False
        )
    with pytest.raises(InvitationRefusee):
        structure_inviter(
            structure=structure, par=second, email="c9@exemple.fr", administrateur=False
        )
    client.force_login(second)
    reponse = client.post(
        reverse("dossiers:structure_inviter", args=[structure.pk]), {"email": "c9@exemple.fr"}
    )
    assert reponse.status_code == 200
    assert "invitations depuis 24 heures : réessayez demain." in reponse.content.decode()
    assert Invitation.objects.count() == 3


@override_settings(LIMITES=PETITES)
def test_televersements_repetes(client, porteur, structure):
    dossier = DossierFactory(structure=structure, cree_par=porteur)
    client.force_login(porteur)
    url = reverse("dossiers:pieces", args=[dossier.pk])
    for _ in range(3):
        assert client.post(url, {"type_piece": "rib"}).status_code == 200  # refused: no file
    assert_429(client.post(url, {"type_piece": "rib"}))
    # Reading the page is not an upload.
    assert client.get(url).status_code == 200


@override_settings(LIMITES=PETITES)
def test_exports_repetes(client, membre_pilotage):
    client.force_login(membre_pilotage)
    url = reverse("gouvernance:pilotage_export", args=["maquette", "csv"])
    for _ in range(2):
        assert client.post(url).status_code == 302
    assert_429(client.post(url))


@override_settings(LIMITES=PETITES)
def test_un_limiteur_injoignable_laisse_passer(client):
    panne = mock.Mock()
    panne.add.side_effect = ConnectionError("stockage injoignable")
    with mock.patch("cper.limites.caches", {"limites": panne}):
        for _ in range(6):
            assert inscription(client, "cible@exemple.fr").status_code == 302

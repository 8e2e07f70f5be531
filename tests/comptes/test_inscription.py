"""Porteurs sign up themselves and confirm their address; nobody learns who has an account."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cper.comptes.enums import Role
from cper.comptes.models import User
from tests.factories import MOT_DE_PASSE
from tests.formulaires import erreur_du_champ, resume_des_erreurs

URL = "/comptes/inscription/"
MDP = "un-mot-de-passe-solide-2015"

pytestmark = pytest.mark.django_db


def donnees(**modifs):
    return {
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "Lea.Martin@Mairie-Exemple.fr",
        "password1": MDP,
        "password2": MDP,
        **modifs,
    }


def lien_du_courriel(message) -> str:
    return re.search(r"http://[^/\s]+(/comptes/inscription/confirmer/\S+/)", message.body).group(1)


def test_l_inscription_cree_un_compte_porteur_inactif_et_envoie_le_lien(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(URL, donnees())
    assert reponse.status_code == 302
    assert reponse.url == reverse("comptes:inscription_envoyee")
    user = User.objects.get(email="lea.martin@mairie-exemple.fr")
    assert not user.is_active
    assert user.roles == {Role.PORTEUR}
    assert user.first_name == "Léa"
    assert "lea.martin@mairie-exemple.fr" in client.get(reponse.url).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea.martin@mairie-exemple.fr"]
    assert message.subject == "CPER Nord–Pas-de-Calais : confirmez votre adresse électronique"
    assert "valable trois jours" in message.body


def test_sans_confirmation_on_ne_se_connecte_pas(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees())
    reponse = client.post(
        reverse("comptes:connexion"), {"username": "lea.martin@mairie-exemple.fr", "password": MDP}
    )
    assert reponse.status_code == 200
    assert "_auth_user_id" not in client.session


def test_le_lien_active_le_compte_apres_un_clic_et_une_seule_fois(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees())
    lien = lien_du_courriel(mail.outbox[0])
    # Opening the link (or a mail filter pre-fetching it) activates nothing by itself.
    page = client.get(lien)
    assert page.status_code == 200
    assert "<h1>Confirmer votre adresse</h1>" in page.content.decode()
    assert not User.objects.get(email="lea.martin@mairie-exemple.fr").is_active

    reponse = client.post(lien, {"password": MDP}, follow=True)
    assert "Votre adresse est confirmée" in reponse.content.decode()
    assert reponse.redirect_chain[-1][0] == reverse("comptes:connexion")
    assert User.objects.get(email="lea.martin@mairie-exemple.fr").is_active

    connexion = client.post(
        reverse("comptes:connexion"), {"username": "lea.martin@mairie-exemple.fr", "password": MDP}
    )
    assert connexion.status_code == 302
    assert client.get(connexion.url).url == "/dossiers/"

    client.logout()
    deuxieme = client.get(lien, follow=True)
    assert "Votre adresse est déjà confirmée" in deuxieme.content.decode()


@pytest.mark.parametrize("alteration", ["x", "-1"])
def test_un_lien_altere_est_refuse(client, alteration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees())
    lien = lien_du_courriel(mail.outbox[0])
    reponse = client.post(lien[:-1] + alteration + "/", {"password": MDP})
    assert reponse.status_code == 400
    assert "Ce lien n'est pas valable" in reponse.content.decode()
    assert not User.objects.get(email="lea.martin@mairie-exemple.fr").is_active


def test_un_lien_de_plus_de_trois_jours_a_expire(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees())
    lien = lien_du_courriel(mail.outbox[0])
    with time_machine.travel(timezone.now() + timezone.timedelta(days=3, minutes=1)):
        reponse = client.post(lien, {"password": MDP})
    assert reponse.status_code == 400
    assert not User.objects.get(email="lea.martin@mairie-exemple.fr").is_active


def test_une_adresse_deja_inscrite_ne_se_devine_pas(
    client, porteur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(URL, donnees(email="PORTEUR@exemple.fr"))
    # Same answer as for a new address; the owner is told by e-mail.
    assert reponse.status_code == 302
    assert reponse.url == reverse("comptes:inscription_envoyee")
    assert User.objects.filter(email__iexact="porteur@exemple.fr").count() == 1
    porteur.refresh_from_db()
    assert porteur.check_password(MOT_DE_PASSE)
    assert mail.outbox[0].to == ["porteur@exemple.fr"]
    assert "vous avez déjà un compte" in mail.outbox[0].subject


AUTRE_MDP = "autre-mot-de-passe-2016"


def test_s_inscrire_de_nouveau_renvoie_un_lien_et_la_derniere_inscription_l_emporte(
    client, django_capture_on_commit_callbacks
):
    """Reverses the former rule "the first password stays": a stranger who pre-registered the
    address kept their password, and the owner's confirmation then handed them the account."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees())
        client.post(URL, donnees(first_name="Léo", password1=AUTRE_MDP, password2=AUTRE_MDP))
    assert len(mail.outbox) == 2
    assert "confirmez votre adresse" in mail.outbox[1].subject
    user = User.objects.get(email="lea.martin@mairie-exemple.fr")
    assert user.check_password(AUTRE_MDP)
    assert not user.check_password(MDP)
    assert user.first_name == "Léo"


def test_une_pre_inscription_par_un_tiers_ne_donne_pas_le_compte(
    client, django_capture_on_commit_callbacks
):
    """The attack: a stranger signs up first with the owner's address and their own password;
    the owner, who never saw that, signs up and confirms. The stranger's password never works
    and the stranger's link (had it leaked) confirms nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees(password1=AUTRE_MDP, password2=AUTRE_MDP))  # the stranger
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees())  # the owner
    lien_du_tiers, lien_du_titulaire = (lien_du_courriel(m) for m in mail.outbox)
    assert client.post(lien_du_tiers, {"password": AUTRE_MDP}).status_code == 400
    assert not User.objects.get(email="lea.martin@mairie-exemple.fr").is_active
    reponse = client.post(lien_du_titulaire, {"password": MDP}, follow=True)
    assert "Votre adresse est confirmée" in reponse.content.decode()
    user = User.objects.get(email="lea.martin@mairie-exemple.fr")
    assert user.is_active
    assert not user.check_password(AUTRE_MDP)
    client.post(
        reverse("comptes:connexion"),
        {"username": "lea.martin@mairie-exemple.fr", "password": AUTRE_MDP},
    )
    assert "_auth_user_id" not in client.session


def test_une_inscription_par_un_tiers_apres_le_titulaire_n_est_pas_confirmee_par_megarde(
    client, django_capture_on_commit_callbacks
):
    """The stranger signs up after the owner: the owner's newest link asks for the password,
    the owner types theirs, and nothing is activated with the stranger's password."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees())  # the owner
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees(password1=AUTRE_MDP, password2=AUTRE_MDP))  # the stranger
    premier_lien, dernier_lien = (lien_du_courriel(m) for m in mail.outbox)
    assert client.post(premier_lien, {"password": MDP}).status_code == 400
    reponse = client.post(dernier_lien, {"password": MDP})
    assert reponse.status_code == 200
    assert "seule la dernière compte" in reponse.content.decode()
    assert not User.objects.get(email="lea.martin@mairie-exemple.fr").is_active


def test_les_invitations_ne_vont_qu_au_titulaire_confirme(
    client, django_capture_on_commit_callbacks
):
    from dossiers.models import MembreStructure
    from dossiers.services.structures import structure_inviter
    from tests.factories import StructureFactory, UserFactory

    structure = StructureFactory()
    admin = UserFactory(roles=[Role.PORTEUR])
    MembreStructure.objects.create(structure=structure, user=admin, administrateur=True)
    structure_inviter(
        structure=structure, par=admin, email="lea.martin@mairie-exemple.fr", administrateur=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees(password1=AUTRE_MDP, password2=AUTRE_MDP))  # the stranger
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees())  # the owner
    client.post(lien_du_courriel(mail.outbox[-1]), {"password": AUTRE_MDP})
    user = User.objects.get(email="lea.martin@mairie-exemple.fr")
    assert not user.is_active
    assert not MembreStructure.objects.filter(user=user).exists()
    client.post(lien_du_courriel(mail.outbox[-1]), {"password": MDP})
    assert MembreStructure.objects.filter(user=user, structure=structure).exists()


@pytest.mark.parametrize(
    ("modifs", "champ", "message"),
    [
        ({"email": "pas-une-adresse"}, "email", "Saisissez une adresse de courriel valide."),
        (
            {"password2": "autre-chose-2015"},
            "password2",
            "Les deux mots de passe ne sont pas identiques.",
        ),
        (
            {"password1": "court", "password2": "court"},
            "password1",
            "Ce mot de passe est trop court",
        ),
        (
            {"password1": "123456789012345", "password2": "123456789012345"},
            "password1",
            "entièrement numérique",
        ),
        ({"first_name": ""}, "first_name", "Ce champ est obligatoire."),
    ],
)
def test_les_erreurs_sont_dites_a_cote_du_champ_et_rien_n_est_perdu(client, modifs, champ, message):
    reponse = client.post(URL, donnees(**modifs))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert message in erreur_du_champ(html, champ)
    resume = resume_des_erreurs(html)
    assert message in resume
    assert f'href="#id_{champ}"' in resume
    # What was typed is still there.
    if champ != "last_name":
        assert 'value="Martin"' in html
    assert not User.objects.filter(last_name="Martin").exists()
    assert not mail.outbox


def test_l_adresse_d_une_invitation_est_pre_remplie(client):
    html = client.get(URL + "?email=invitee%40exemple.fr").content.decode()
    assert 'value="invitee@exemple.fr"' in html


def test_un_utilisateur_connecte_n_a_pas_a_s_inscrire(client, porteur):
    client.force_login(porteur)
    assert client.get(URL).status_code == 302


def test_la_page_d_accueil_propose_l_inscription(client):
    html = client.get("/").content.decode()
    assert reverse("comptes:inscription") in html


def test_un_compte_desactive_par_l_administrateur_ne_se_reactive_pas_par_l_inscription(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    agent = UserFactory(
        email="agent.inactif@exemple.fr", roles=[Role.AGENT_GUICHET], is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, donnees(email="agent.inactif@exemple.fr"))
    assert "vous avez déjà un compte" in mail.outbox[0].subject
    # Even a genuine confirmation token does not switch it on.
    from cper.comptes.services import jeton_inscription

    client.post(
        reverse("comptes:confirmer_inscription", args=[jeton_inscription(agent)]),
        {"password": MOT_DE_PASSE},
    )
    agent.refresh_from_db()
    assert not agent.is_active


def test_les_taches_relisent_le_compte_et_n_envoient_rien_de_perime(porteur):
    from cper.comptes.tasks import envoyer_confirmation_inscription, signaler_compte_existant

    envoyer_confirmation_inscription(porteur.pk)  # already active: nothing to confirm
    envoyer_confirmation_inscription(999999)  # gone
    signaler_compte_existant(999999)
    assert not mail.outbox

import re

import pytest
from django.core import mail
from django.urls import reverse

from cper.comptes.enums import Role
from cper.comptes.models import User
from tests.factories import MOT_DE_PASSE

URL = "/comptes/connexion/"


def test_connexion_avec_le_bon_mot_de_passe_mene_a_l_espace_du_porteur(client, porteur):
    reponse = client.post(URL, {"username": "PORTEUR@exemple.fr", "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    assert client.get(reponse.url).url == "/dossiers/"


def test_un_mauvais_mot_de_passe_affiche_une_erreur_dans_le_formulaire(client, porteur):
    reponse = client.post(URL, {"username": porteur.email, "password": "faux"})
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Adresse électronique ou mot de passe incorrect" in html
    assert "fr-alert--error" in html
    assert "_auth_user_id" not in client.session


def test_un_courriel_mal_forme_est_signale_a_cote_du_champ(client, db):
    html = client.post(URL, {"username": "pas-un-courriel", "password": "x"}).content.decode()
    assert "Saisissez une adresse de courriel valide." in html
    assert "fr-input-group--error" in html


def test_le_compte_est_verrouille_apres_cinq_echecs(client, porteur):
    for _ in range(5):
        client.post(URL, {"username": porteur.email, "password": "faux"})
    reponse = client.post(URL, {"username": porteur.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 429
    assert "Compte temporairement verrouillé" in reponse.content.decode()
    assert "_auth_user_id" not in client.session


def test_le_verrouillage_vise_le_compte_attaque(client, porteur, autre_porteur):
    for _ in range(4):
        client.post(URL, {"username": porteur.email, "password": "faux"})
    reponse = client.post(URL, {"username": autre_porteur.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302


def test_reinitialisation_du_mot_de_passe_par_courriel(client, porteur):
    reponse = client.post(reverse("comptes:mot_de_passe_oubli"), {"email": porteur.email})
    assert reponse.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [porteur.email]
    assert "nouveau mot de passe" in message.subject
    lien = re.search(r"http://testserver(/comptes/mot-de-passe/nouveau/\S+)", message.body).group(1)
    formulaire = client.get(lien, follow=True)
    assert "Nouveau mot de passe" in formulaire.content.decode()
    nouveau = "un-mot-de-passe-solide-2015"
    reponse = client.post(
        formulaire.redirect_chain[-1][0],
        {"new_password1": nouveau, "new_password2": nouveau},
    )
    assert reponse.status_code == 302
    porteur.refresh_from_db()
    assert porteur.check_password(nouveau)


def test_un_mot_de_passe_trop_court_est_refuse_en_francais(client, porteur):
    client.force_login(porteur)
    reponse = client.post(
        reverse("comptes:changer_mot_de_passe"),
        {"old_password": MOT_DE_PASSE, "new_password1": "court", "new_password2": "court"},
    )
    assert reponse.status_code == 200
    assert "Ce mot de passe est trop court" in reponse.content.decode()


def test_deconnexion(client, porteur):
    client.force_login(porteur)
    reponse = client.post(reverse("comptes:deconnexion"))
    assert reponse.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_les_groupes_des_roles_existent_apres_migration():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_les_roles_d_un_utilisateur(porteur, django_assert_num_queries):
    porteur = User.objects.get(pk=porteur.pk)
    with django_assert_num_queries(1):
        assert porteur.roles == {Role.PORTEUR}
        assert porteur.a_le_role(Role.PORTEUR, Role.INSTRUCTEUR)
        assert not porteur.a_le_role(Role.ADMINISTRATEUR)


def test_l_admin_cree_un_utilisateur_et_lui_donne_un_role(client, administrateur):
    from django.contrib.auth.models import Group

    client.force_login(administrateur)
    groupe = Group.objects.get(name=Role.AGENT_GUICHET)
    reponse = client.post(
        "/admin/comptes/user/add/",
        {
            "email": "nouvel.agent@exemple.fr",
            "first_name": "Nina",
            "last_name": "Agent",
            "groups": [groupe.pk],
            "usable_password": "true",
            "password1": "un-mot-de-passe-solide-2015",
            "password2": "un-mot-de-passe-solide-2015",
        },
    )
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    agent = User.objects.get(email="nouvel.agent@exemple.fr")
    assert agent.roles == {Role.AGENT_GUICHET}

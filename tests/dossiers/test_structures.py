"""Structures porteuses: creation with a checked SIRET, membership, invitations by e-mail."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cper.comptes.models import User
from dossiers.acces import dossiers_visibles
from dossiers.models import Invitation, MembreStructure, Structure
from tests.factories import CommuneFactory, DossierFactory, StructureFactory, UserFactory
from tests.formulaires import erreur_du_champ, resume_des_erreurs

# A real SIRET (the Luhn keys of SIREN and SIRET are right), written as people type it.
SIRET = "216 200 410 00019"


def donnees(**modifs):
    return {
        "raison_sociale": "Commune d'Arras",
        "siret": SIRET,
        "categorie": "commune",
        "adresse": "Place Guy Mollet",
        "commune": "Douai",
        "representant_nom": "Frédéric Leturque",
        "representant_qualite": "Maire",
        **modifs,
    }


@pytest.fixture
def client_porteur(client, porteur):
    client.force_login(porteur)
    return client


# --- creation ---------------------------------------------------------------------------------


def test_le_porteur_cree_sa_structure_et_en_devient_administrateur(
    client_porteur, porteur, commune_douai
):
    reponse = client_porteur.post(reverse("dossiers:structure_creer"), donnees())
    structure = Structure.objects.get(siret="21620041000019")
    assert reponse.status_code == 302
    assert reponse.url == reverse("dossiers:structure", args=[structure.pk])
    assert structure.commune == commune_douai
    assert structure.siren == "216200410"
    assert MembreStructure.objects.get(structure=structure, user=porteur).administrateur
    html = client_porteur.get(reponse.url).content.decode()
    assert "<h1 hx-disable>Commune d&#x27;Arras</h1>" in html
    assert "SIREN 216200410" in html
    assert "Vous en êtes administrateur" in html
    assert "Inviter un collègue" in html


def test_un_dossier_de_la_nouvelle_structure_est_visible_de_ses_membres(
    client_porteur, porteur, commune_douai
):
    client_porteur.post(reverse("dossiers:structure_creer"), donnees())
    dossier = DossierFactory(structure=Structure.objects.get(siret="21620041000019"))
    assert list(dossiers_visibles(User.objects.get(pk=porteur.pk))) == [dossier]


@pytest.mark.parametrize(
    ("modifs", "champ", "message"),
    [
        ({"siret": "216 200 410 00018"}, "siret", "Ce numéro SIRET n'est pas valide"),
        ({"siret": "1234"}, "siret", "Ce numéro SIRET n'est pas valide"),
        ({"commune": "Dou"}, "commune", "Aucune commune ne s'appelle « Dou »"),
        ({"commune": "59999"}, "commune", "Aucune commune ne porte le code INSEE 59999"),
        ({"categorie": ""}, "categorie", "Ce champ est obligatoire."),
        ({"representant_nom": ""}, "representant_nom", "Ce champ est obligatoire."),
    ],
)
def test_les_erreurs_sont_dites_a_cote_du_champ_et_la_saisie_est_gardee(
    client_porteur, commune_douai, modifs, champ, message
):
    reponse = client_porteur.post(reverse("dossiers:structure_creer"), donnees(**modifs))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert message in erreur_du_champ(html, champ)
    assert message in resume_des_erreurs(html)
    assert 'value="Place Guy Mollet"' in html
    assert "Commune d&#x27;Arras" in html
    assert not Structure.objects.filter(raison_sociale="Commune d'Arras").exists()


def test_des_communes_homonymes_demandent_le_code_insee(client_porteur, commune_douai):
    CommuneFactory(code_insee="62041", nom="Auchy-lès-Hesdin")
    CommuneFactory(code_insee="59026", nom="Auchy-lès-Hesdin")
    reponse = client_porteur.post(
        reverse("dossiers:structure_creer"), donnees(commune="auchy-lès-hesdin")
    )
    erreur = erreur_du_champ(reponse.content.decode(), "commune")
    assert "Plusieurs communes s'appellent" in erreur
    assert "Auchy-lès-Hesdin (59026)" in erreur
    reponse = client_porteur.post(
        reverse("dossiers:structure_creer"), donnees(commune="Auchy-lès-Hesdin (62041)")
    )
    assert reponse.status_code == 302
    assert Structure.objects.get(siret="21620041000019").commune.code_insee == "62041"


def test_un_siret_deja_enregistre_mene_a_une_demande_d_adhesion(client_porteur, commune_douai):
    """No dead end, and no ownership for whoever typed the SIRET first: the second person
    asks to join, see tests/dossiers/test_adhesions.py."""
    existante = StructureFactory(siret="21620041000019")
    reponse = client_porteur.post(reverse("dossiers:structure_creer"), donnees())
    assert reponse.status_code == 302
    assert reponse.url == reverse("dossiers:structure_rejoindre") + "?siret=21620041000019"
    assert Structure.objects.filter(siret="21620041000019").get() == existante


@pytest.mark.parametrize("persona", ["agent_sp_douai", "instructeur_etat", "inconnu"])
def test_seuls_les_porteurs_creent_des_structures(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("dossiers:structure_creer")).status_code == 403
    assert client.post(reverse("dossiers:structure_creer"), donnees()).status_code == 403
    assert client.get(reverse("dossiers:structures")).status_code == 403


# --- list, page, changes ----------------------------------------------------------------------


def test_mes_structures_ne_montre_que_les_miennes(client_porteur, structure, autre_structure):
    html = client_porteur.get(reverse("dossiers:structures")).content.decode()
    assert "Commune de Douai" in html
    assert "Commune de Cambrai" not in html


@pytest.mark.parametrize("nombre", [1, 6])
def test_mes_structures_a_un_nombre_fixe_de_requetes(
    client_porteur, porteur, nombre, django_assert_num_queries
):
    StructureFactory.create_batch(nombre, membres=[porteur])
    client_porteur.get(reverse("dossiers:structures"))
    # 1 session, 2 user, 3 roles (role_requis; cached for the menu),
    # 4 the structures with their commune and the administrator flag.
    with django_assert_num_queries(4):
        reponse = client_porteur.get(reverse("dossiers:structures"))
    assert reponse.content.decode().count("vous êtes administrateur") == nombre


def _urls_structure(structure):
    return [
        reverse("dossiers:structure", args=[structure.pk]),
        reverse("dossiers:structure_modifier", args=[structure.pk]),
        reverse("dossiers:structure_inviter", args=[structure.pk]),
    ]


@pytest.mark.parametrize(
    "persona", ["autre_porteur", "agent_sp_douai", "inconnu", "administrateur"]
)
def test_hors_de_la_structure_tout_repond_404(client, request, persona, structure):
    client.force_login(request.getfixturevalue(persona))
    for url in _urls_structure(structure):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"email": "x@exemple.fr"}).status_code == 404, url
    assert not Invitation.objects.exists()


def test_un_membre_simple_voit_mais_ne_modifie_ni_n_invite(client, structure):
    collegue = UserFactory(roles=["porteur"])
    MembreStructure.objects.create(structure=structure, user=collegue)
    client.force_login(collegue)
    html = client.get(reverse("dossiers:structure", args=[structure.pk])).content.decode()
    assert "Commune de Douai" in html
    assert "Inviter un collègue" not in html
    assert (
        client.get(reverse("dossiers:structure_modifier", args=[structure.pk])).status_code == 404
    )
    assert client.get(reverse("dossiers:structure_inviter", args=[structure.pk])).status_code == 404


def test_l_administrateur_modifie_la_structure_sauf_son_siret(client_porteur, structure):
    url = reverse("dossiers:structure_modifier", args=[structure.pk])
    html = client_porteur.get(url).content.decode()
    assert 'name="siret"' not in html
    assert "Douai (59178)" in html
    siret = structure.siret
    reponse = client_porteur.post(
        url, donnees(raison_sociale="Ville de Douai", siret="21620041000019")
    )
    assert reponse.status_code == 302
    structure.refresh_from_db()
    assert structure.raison_sociale == "Ville de Douai"
    assert structure.siret == siret


# --- invitations ------------------------------------------------------------------------------


def lien_invitation(message) -> str:
    return re.search(r"http://[^/\s]+(/dossiers/invitations/\S+/)", message.body).group(1)


@pytest.fixture
def invitation_envoyee(client_porteur, structure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_porteur.post(
            reverse("dossiers:structure_inviter", args=[structure.pk]),
            {"email": "Collegue@Exemple.fr"},
        )
    assert reponse.status_code == 302
    client_porteur.logout()
    return lien_invitation(mail.outbox[-1])


def test_l_invitation_part_par_courriel(invitation_envoyee, structure, porteur):
    message = mail.outbox[-1]
    assert message.to == ["collegue@exemple.fr"]
    # Nothing the inviter typed (a structure's name is theirs) goes into the subject.
    assert message.subject == (
        "CPER Nord–Pas-de-Calais : invitation à rejoindre une structure porteuse"
    )
    assert "Commune de Douai" in message.body
    assert "valable 14 jours" in message.body
    invitation = Invitation.objects.get()
    assert invitation.invite_par == porteur
    assert invitation.acceptee_le is None


def test_on_n_invite_pas_un_membre(client_porteur, structure, porteur):
    reponse = client_porteur.post(
        reverse("dossiers:structure_inviter", args=[structure.pk]), {"email": porteur.email}
    )
    assert "déjà membre de la structure" in erreur_du_champ(reponse.content.decode(), "email")
    assert not mail.outbox


def test_un_porteur_connecte_accepte_l_invitation(client, invitation_envoyee, structure):
    collegue = UserFactory(email="collegue@exemple.fr", roles=["porteur"])
    client.force_login(collegue)
    page = client.get(invitation_envoyee).content.decode()
    assert "Commune de Douai" in page
    reponse = client.post(invitation_envoyee, follow=True)
    assert "Vous avez rejoint la structure « Commune de Douai »" in reponse.content.decode()
    membre = MembreStructure.objects.get(structure=structure, user=collegue)
    assert not membre.administrateur
    # The link serves once.
    assert client.get(invitation_envoyee).status_code == 400


def test_l_invitation_ne_sert_qu_a_l_adresse_invitee(client, invitation_envoyee, autre_porteur):
    client.force_login(autre_porteur)
    reponse = client.post(invitation_envoyee, follow=True)
    assert "Cette invitation a été envoyée à collegue@exemple.fr" in reponse.content.decode()
    assert not MembreStructure.objects.filter(
        user=autre_porteur, structure__raison_sociale="Commune de Douai"
    ).exists()


def test_un_agent_ne_rejoint_pas_une_structure(client, invitation_envoyee):
    agent = UserFactory(email="collegue@exemple.fr", roles=["agent_guichet"])
    client.force_login(agent)
    reponse = client.post(invitation_envoyee, follow=True)
    assert "Seuls les comptes de porteur de projet" in reponse.content.decode()
    assert not MembreStructure.objects.filter(user=agent).exists()


def test_une_invitation_alteree_ou_expiree_est_refusee(client, invitation_envoyee):
    assert client.get(invitation_envoyee[:-2] + "x/").status_code == 400
    with time_machine.travel(timezone.now() + timezone.timedelta(days=15)):
        reponse = client.get(invitation_envoyee)
    assert reponse.status_code == 400
    assert "Ce lien d'invitation n'est pas valable" in reponse.content.decode()


def test_une_personne_sans_compte_s_inscrit_puis_rejoint_la_structure(
    client, invitation_envoyee, structure, django_capture_on_commit_callbacks
):
    page = client.get(invitation_envoyee).content.decode()
    assert "Créer mon compte" in page
    lien_inscription = re.search(r'href="(/comptes/inscription/\?email=[^"]+)"', page).group(1)
    formulaire = client.get(lien_inscription.replace("&amp;", "&")).content.decode()
    assert 'value="collegue@exemple.fr"' in formulaire
    mdp = "un-mot-de-passe-solide-2015"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/comptes/inscription/",
            {
                "first_name": "Paul",
                "last_name": "Collègue",
                "email": "collegue@exemple.fr",
                "password1": mdp,
                "password2": mdp,
            },
        )
    confirmation = re.search(
        r"http://[^/\s]+(/comptes/inscription/confirmer/\S+/)", mail.outbox[-1].body
    ).group(1)
    collegue = User.objects.get(email="collegue@exemple.fr")
    assert not MembreStructure.objects.filter(user=collegue).exists()
    client.post(confirmation, {"password": mdp})
    assert MembreStructure.objects.filter(user=collegue, structure=structure).exists()
    assert Invitation.objects.get().acceptee_par == collegue


def test_la_tache_n_envoie_pas_une_invitation_deja_acceptee(structure, porteur, autre_porteur):
    from dossiers.tasks import envoyer_invitation

    invitation = Invitation.objects.create(
        structure=structure,
        email=autre_porteur.email,
        invite_par=porteur,
        acceptee_le=timezone.now(),
        acceptee_par=autre_porteur,
    )
    envoyer_invitation(invitation.pk)
    envoyer_invitation(999999)
    assert not mail.outbox

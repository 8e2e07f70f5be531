"""Members seated on screens, attendance and quorum, présidence, declared interests.

The relevé names who attended, who presided and who withdrew from a decision for a conflict.
"""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from cper.comptes.enums import Role
from gouvernance import tasks
from gouvernance.enums import EtatSeance, NatureInteret, RoleMembre, TypeInstance
from gouvernance.models import DeclarationInteret, Deport, MembreInstance, Presence
from gouvernance.services import seances as services
from tests.factories import FinanceurFactory, UserFactory
from tests.factories.gouvernance import MembreInstanceFactory, instance

from .conftest import point_de
from .test_cloture import _texte_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def prefete(pilotage, financeurs):
    """The présidence of the instance de pilotage, for the État."""
    user = UserFactory(first_name="Paule", last_name="Préfète", roles=[Role.MEMBRE_PILOTAGE])
    MembreInstanceFactory(
        instance=pilotage, user=user, role=RoleMembre.PRESIDENCE, financeur=financeurs["etat"]
    )
    return user


@pytest.fixture
def elu(pilotage, financeurs):
    """A member for the Région who is also a municipal councillor of Douai."""
    user = UserFactory(first_name="Étienne", last_name="Élu", roles=[Role.MEMBRE_PILOTAGE])
    MembreInstanceFactory(
        instance=pilotage, user=user, role=RoleMembre.MEMBRE, financeur=financeurs["region"]
    )
    return user


@pytest.fixture
def seance_ouverte(seance_convoquee):
    """Convoked, attendance not yet taken."""
    seance_convoquee.presences_le = None
    seance_convoquee.save()
    return seance_convoquee


def _programmer(seance, dossier, par):
    return services.decision_prendre(
        point=point_de(seance, dossier),
        par=par,
        sens="programme",
        montants={dossier.financements.get(financeur__code="etat").financeur_id: Decimal(30000)},
    )


# Members on screens


def test_le_secretariat_ajoute_et_retire_un_membre(client, secretariat, pilotage, financeurs):
    nouvelle = UserFactory(email="dg.nord@exemple.fr", first_name="Nadia", last_name="Nord")
    client.force_login(secretariat)
    page = unescape(client.get(reverse("gouvernance:membres", args=["pilotage"])).text)
    assert "Sophie Secrétaire" in page and "Ajouter un membre" in page
    reponse = client.post(
        reverse("gouvernance:membre_ajouter", args=["pilotage"]),
        {"email": "DG.Nord@exemple.fr", "role": "membre", "financeur": financeurs["region"].pk},
        follow=True,
    )
    page = unescape(reponse.text)
    assert f"Nadia Nord siège désormais : Membre — {financeurs['region']}." in page
    nouvelle.refresh_from_db()
    assert nouvelle.a_le_role(Role.MEMBRE_PILOTAGE)
    membre = MembreInstance.objects.get(user=nouvelle)
    reponse = client.post(reverse("gouvernance:membre_retirer", args=[membre.pk]), follow=True)
    assert "Nadia Nord ne siège plus" in unescape(reponse.text)
    assert not MembreInstance.objects.filter(user=nouvelle).exists()
    del nouvelle._roles
    assert not nouvelle.a_le_role(Role.MEMBRE_PILOTAGE)


def test_un_membre_de_pilotage_sans_signataire_est_refuse(client, secretariat, pilotage):
    UserFactory(email="sans.siege@exemple.fr")
    client.force_login(secretariat)
    reponse = client.post(
        reverse("gouvernance:membre_ajouter", args=["pilotage"]),
        {"email": "sans.siege@exemple.fr", "role": "membre"},
    )
    assert "Indiquez le signataire que ce membre représente." in unescape(reponse.text)
    reponse = client.post(
        reverse("gouvernance:membre_ajouter", args=["pilotage"]),
        {"email": "personne@exemple.fr", "role": "membre"},
    )
    assert "Aucun compte actif n'a cette adresse" in unescape(reponse.text)


def test_la_concertation_represente_un_territoire(client, secretariat, db):
    from tests.factories.referentiel import PoleMetropolitainFactory

    pole = PoleMetropolitainFactory(nom="Pôle métropolitain de l'Artois")
    UserFactory(email="artois@exemple.fr", first_name="Arthur", last_name="Artois")
    client.force_login(secretariat)
    url = reverse("gouvernance:membre_ajouter", args=["concertation"])
    reponse = client.post(url, {"email": "artois@exemple.fr", "role": "membre"})
    assert "Un membre de l'instance de concertation représente un territoire" in unescape(
        reponse.text
    )
    client.post(url, {"email": "artois@exemple.fr", "role": "membre", "pole": pole.pk})
    membre = MembreInstance.objects.get(user__email="artois@exemple.fr")
    assert membre.instance == instance(TypeInstance.CONCERTATION) and membre.pole == pole
    assert membre.user.a_le_role(Role.MEMBRE_CONCERTATION)


def test_le_dernier_membre_du_secretariat_reste(client, secretariat):
    client.force_login(secretariat)
    membre = MembreInstance.objects.get(user=secretariat)
    reponse = client.post(reverse("gouvernance:membre_retirer", args=[membre.pk]), follow=True)
    assert "C'est le dernier membre du secrétariat" in unescape(reponse.text)
    assert MembreInstance.objects.filter(pk=membre.pk).exists()


def test_un_simple_membre_voit_la_liste_mais_ne_la_modifie_pas(client, membre, secretariat):
    client.force_login(membre)
    page = unescape(client.get(reverse("gouvernance:membres", args=["pilotage"])).text)
    assert "Sophie Secrétaire" in page and "Ajouter un membre" not in page
    url = reverse("gouvernance:membre_ajouter", args=["pilotage"])
    assert client.get(url).status_code == 403
    autre = MembreInstance.objects.get(user=secretariat)
    assert client.post(reverse("gouvernance:membre_retirer", args=[autre.pk])).status_code == 403
    assert client.get(reverse("gouvernance:membres", args=["inconnue"])).status_code == 404


# Attendance and quorum


def test_sans_presences_la_seance_ne_decide_pas(client, secretariat, seance_ouverte, prefete):
    client.force_login(secretariat)
    page = unescape(client.get(reverse("gouvernance:seance", args=[seance_ouverte.pk])).text)
    assert "Les présences ne sont pas encore enregistrées" in page
    point = seance_ouverte.points.first()
    reponse = client.post(
        reverse("gouvernance:decider", args=[seance_ouverte.pk, point.pk]),
        {"sens": "ajourne", "motif": "À revoir."},
    )
    assert "Le quorum n'est pas constaté : enregistrez les présences" in unescape(reponse.text)
    reponse = client.post(reverse("gouvernance:clore", args=[seance_ouverte.pk]), follow=True)
    assert "Le quorum n'est pas constaté" in unescape(reponse.text)
    assert seance_ouverte.points.filter(decision__isnull=False).count() == 0


def test_quorum_non_atteint(client, secretariat, seance_ouverte, prefete, elu, membre):
    # Three voting members: two must be present.
    client.force_login(secretariat)
    reponse = client.post(
        reverse("gouvernance:presences", args=[seance_ouverte.pk]),
        {"presents": [prefete.pk, secretariat.pk], "presidee_par": prefete.pk},
        follow=True,
    )
    page = unescape(reponse.text)
    assert (
        "Le quorum n'est pas atteint : 1 membre votant présent, il en faut au moins 2 sur 3."
        in page
    )
    assert "quorum non atteint" in page
    with pytest.raises(Exception, match="Le quorum n'est pas atteint"):
        _programmer(seance_ouverte, seance_ouverte.points.first().dossier, secretariat)


def test_la_presidence_doit_etre_presente(client, secretariat, seance_ouverte, prefete, elu):
    client.force_login(secretariat)
    reponse = client.post(
        reverse("gouvernance:presences", args=[seance_ouverte.pk]),
        {"presents": [elu.pk], "presidee_par": prefete.pk},
    )
    assert "La personne qui préside doit être cochée parmi les présents." in unescape(reponse.text)
    assert not Presence.objects.exists()


def test_les_presences_hors_seance_convoquee(client, secretariat, seance, membre):
    client.force_login(secretariat)
    reponse = client.get(reverse("gouvernance:presences", args=[seance.pk]), follow=True)
    assert "Action déjà effectuée" in unescape(reponse.text)
    client.force_login(membre)
    assert client.get(reverse("gouvernance:presences", args=[seance.pk])).status_code == 403


# Declared interests


def test_un_membre_declare_ses_interets(client, elu, commune_douai):
    client.force_login(elu)
    reponse = client.post(
        reverse("gouvernance:interets"),
        {"nature": "commune", "code_insee": commune_douai.code_insee, "fonction": "conseiller"},
        follow=True,
    )
    page = unescape(reponse.text)
    assert "Votre déclaration d'intérêts est enregistrée." in page
    assert "Mandat communal" in page and "Douai" in page and "conseiller" in page
    reponse = client.post(reverse("gouvernance:interets"), {"nature": "structure", "siret": "1"})
    assert "Aucune structure connue n'a ce SIRET." in unescape(reponse.text)


def test_on_ne_retire_pas_l_interet_d_un_autre(client, elu, prefete, commune_douai):
    declaration = DeclarationInteret.objects.create(
        user=prefete, nature=NatureInteret.COMMUNE, commune=commune_douai
    )
    client.force_login(elu)
    url = reverse("gouvernance:interet_retirer", args=[declaration.pk])
    assert client.post(url).status_code == 404
    client.force_login(prefete)
    client.post(url)
    assert not DeclarationInteret.objects.exists()


def test_le_releve_nomme_presents_presidence_et_deport(
    client,
    secretariat,
    seance_ouverte,
    prefete,
    elu,
    dossier_instruit,
    autre_dossier_instruit,
    commune_douai,
    django_capture_on_commit_callbacks,
):
    DeclarationInteret.objects.create(
        user=elu, nature=NatureInteret.COMMUNE, commune=commune_douai, fonction="conseiller"
    )
    client.force_login(secretariat)
    page = unescape(client.get(reverse("gouvernance:seance", args=[seance_ouverte.pk])).text)
    assert "Étienne Élu (mandat communal à Douai (conseiller))" in page
    client.post(
        reverse("gouvernance:presences", args=[seance_ouverte.pk]),
        {"presents": [prefete.pk, elu.pk, secretariat.pk], "presidee_par": prefete.pk},
    )
    seance_ouverte.refresh_from_db()
    assert seance_ouverte.presidee_par == prefete
    # Two voting members, one required: the présidence alone decides on Douai's dossier.
    _programmer(seance_ouverte, dossier_instruit, secretariat)
    services.decision_prendre(
        point=point_de(seance_ouverte, autre_dossier_instruit),
        par=secretariat,
        sens="ajourne",
        motif="Plan de financement à revoir.",
    )
    deport = Deport.objects.get()
    assert deport.user == elu and deport.point.dossier == dossier_instruit
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("gouvernance:clore", args=[seance_ouverte.pk]))
    seance_ouverte.refresh_from_db()
    assert seance_ouverte.etat == EtatSeance.CLOSE
    texte = _texte_pdf(seance_ouverte.releve.read())
    assert "Présidence : Paule Préfète." in texte
    assert "Membres présents : Paule Préfète (Présidence —" in texte
    assert "Étienne Élu (Membre —" in texte and "Sophie Secrétaire (Secrétariat)" in texte
    assert "Quorum : 2 membres votants présents sur 2, pour 1 requis." in texte
    assert (
        "Étienne Élu s'est retiré(e) et n'a pas pris part à cette décision (conflit "
        "d'intérêts : mandat communal à Douai (conseiller))." in texte
    )
    assert texte.count("s'est retiré(e)") == 1
    tasks.cloturer(seance_ouverte.pk)  # idempotent


def test_deux_deports_font_tomber_le_quorum_du_point(
    secretariat, seance_ouverte, prefete, elu, dossier_instruit, structure
):
    from gouvernance.services import instances as services_instances

    for user in (prefete, elu):
        DeclarationInteret.objects.create(
            user=user, nature=NatureInteret.STRUCTURE, structure=structure
        )
    services_instances.presences_enregistrer(
        seance=seance_ouverte, par=secretariat, presents=[prefete, elu], presidee_par=prefete
    )
    with pytest.raises(Exception, match="sans compter 2 membre"):
        _programmer(seance_ouverte, dossier_instruit, secretariat)


# Query counts


@pytest.mark.parametrize("n", [3, 30])
def test_liste_des_membres(client, django_assert_num_queries, secretariat, pilotage, n):
    financeur = FinanceurFactory()
    for _ in range(n):
        MembreInstanceFactory(instance=pilotage, financeur=financeur)
    client.force_login(secretariat)
    url = reverse("gouvernance:membres", args=["pilotage"])
    client.get(url)
    # 1 session, 2 user, 3 the application that verified the session with the user's roles,
    # 4 the instance, 5 members with user, seat and number of interests, 6 secretariat
    # membership.
    with django_assert_num_queries(6):
        reponse = client.get(url)
    assert reponse.text.count("Retirer <span") == n + 1


@pytest.mark.parametrize("n", [2, 20])
def test_ma_declaration_d_interets(client, django_assert_num_queries, elu, commune_douai, n):
    for _ in range(n):
        DeclarationInteret.objects.create(
            user=elu, nature=NatureInteret.COMMUNE, commune=commune_douai
        )
    client.force_login(elu)
    url = reverse("gouvernance:interets")
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 whether the user owes a second factor (secretariat),
    # 5 whether the user sits in an instance, 6 the declarations,
    # 7 the EPCI and 8 the départements of the form.
    with django_assert_num_queries(8):
        reponse = client.get(url)
    assert reponse.text.count("Mandat communal") == n + 1


def test_on_ne_coche_pas_present_quelqu_un_qui_ne_siege_pas(
    client, secretariat, seance_ouverte, prefete
):
    intrus = UserFactory(email="intrus@exemple.fr")
    client.force_login(secretariat)
    reponse = client.post(
        reverse("gouvernance:presences", args=[seance_ouverte.pk]),
        {"presents": [intrus.pk, prefete.pk], "presidee_par": intrus.pk},
    )
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in unescape(reponse.text)
    assert not Presence.objects.exists()
    seance_ouverte.refresh_from_db()
    assert seance_ouverte.presences_le is None

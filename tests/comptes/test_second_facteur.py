"""The second factor: administrators and the pilotage secretariat give a TOTP code (or a
recovery code) after their password; real codes are computed here, time frozen when needed."""

import datetime
import re
from base64 import b32decode

import pytest
import time_machine
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cper.comptes.enums import Role
from gouvernance.enums import RoleMembre, TypeInstance
from tests.factories import MOT_DE_PASSE, UserFactory
from tests.factories.gouvernance import MembreInstanceFactory
from tests.factories.gouvernance import instance as instance_du_type
from tests.second_facteur import application, code_totp

pytestmark = pytest.mark.django_db

INSTANT = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)
VERIFIER = reverse("comptes:second_facteur")
ACTIVER = reverse("comptes:second_facteur_activer")


def _mot_de_passe(client, user):
    reponse = client.post(
        reverse("comptes:connexion"), {"username": user.email, "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 302
    return reponse


def _code_du_secret(page_html: str) -> str:
    """What the person's application shows, from the secret printed on the enrolment page."""
    secret = re.search(r'<code id="cle-secrete">([A-Z2-7 ]+)</code>', page_html).group(1)
    totp = TOTP(b32decode(secret.replace(" ", "")))
    return f"{totp.token():06d}"


@pytest.fixture
def secretariat_pilotage(db):
    user = UserFactory(email="secretariat@exemple.fr", roles=[Role.MEMBRE_PILOTAGE])
    MembreInstanceFactory(
        instance=instance_du_type(TypeInstance.PILOTAGE), user=user, role=RoleMembre.SECRETARIAT
    )
    return user


def test_l_administrateur_sans_application_est_mene_a_l_activation(client, administrateur):
    _mot_de_passe(client, administrateur)
    for page in ("/admin/", reverse("dossiers:index"), reverse("comptes:compte")):
        reponse = client.get(page)
        assert reponse.status_code == 302, page
        assert reponse.url.startswith(ACTIVER), page
    # Logout stays open.
    assert client.post(reverse("comptes:deconnexion")).status_code == 302


@time_machine.travel(INSTANT, tick=False)
def test_activation_avec_code_qr_code_puis_dix_codes_de_secours(client, administrateur):
    _mot_de_passe(client, administrateur)
    page = client.get(f"{ACTIVER}?next=/admin/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html  # the QR code, drawn here
    assert 'alt="Code QR de configuration' in html
    mauvais = client.post(f"{ACTIVER}?next=/admin/", {"code": "000000", "next": "/admin/"})
    assert "Code incorrect" in mauvais.content.decode()
    assert not TOTPDevice.objects.filter(user=administrateur).exists()

    reponse = client.post(ACTIVER, {"code": _code_du_secret(html), "next": "/admin/"})
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", reponse.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "ne seront plus affichés" in reponse.content.decode()
    assert TOTPDevice.objects.get(user=administrateur).confirmed
    assert client.get("/admin/").status_code == 200


def test_un_membre_du_secretariat_doit_aussi_donner_un_code(client, secretariat_pilotage):
    application(secretariat_pilotage)
    _mot_de_passe(client, secretariat_pilotage)
    reponse = client.get(reverse("gouvernance:seances"))
    assert reponse.url.startswith(VERIFIER)


def test_un_simple_membre_du_pilotage_n_en_doit_pas(client, membre_pilotage):
    MembreInstanceFactory(
        instance=instance_du_type(TypeInstance.PILOTAGE),
        user=membre_pilotage,
        role=RoleMembre.MEMBRE,
    )
    _mot_de_passe(client, membre_pilotage)
    assert client.get(reverse("gouvernance:seances")).status_code == 200


@time_machine.travel(INSTANT, tick=False)
def test_le_code_de_l_application_ouvre_la_session_une_seule_fois(client, administrateur):
    appareil = application(administrateur)
    _mot_de_passe(client, administrateur)
    page = client.get("/admin/")
    assert page.url == f"{VERIFIER}?next=%2Fadmin%2F"
    code = code_totp(appareil)
    reponse = client.post(page.url, {"code": code, "next": "/admin/"})
    assert reponse.url == "/admin/"
    assert client.get("/admin/").status_code == 200

    # The same code, in another session, is refused: each code serves once.
    autre = type(client)()
    _mot_de_passe(autre, administrateur)
    refus = autre.post(VERIFIER, {"code": code})
    assert refus.status_code == 200
    assert "Code incorrect ou déjà utilisé" in refus.content.decode()
    assert autre.get("/admin/").status_code == 302


def test_un_code_de_secours_sert_une_fois(client, administrateur):
    application(administrateur)
    _mot_de_passe(client, administrateur)
    with time_machine.travel(INSTANT, tick=False):
        client.get(ACTIVER)  # has an application: sent to the code page
    from cper.comptes.second_facteur import _nouveaux_codes

    code = _nouveaux_codes(administrateur)[0]
    reponse = client.post(VERIFIER, {"code": code.upper()}, follow=True)
    assert "il vous en reste 9" in reponse.content.decode()
    assert client.get("/admin/").status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()

    autre = type(client)()
    _mot_de_passe(autre, administrateur)
    assert "Code incorrect" in autre.post(VERIFIER, {"code": code}).content.decode()


def test_apres_un_code_faux_le_suivant_attend(client, administrateur):
    """django-otp's growing delay: after a wrong code, even the right one waits a moment."""
    appareil = application(administrateur)
    _mot_de_passe(client, administrateur)
    with time_machine.travel(INSTANT, tick=False):
        client.post(VERIFIER, {"code": "123456"})
        attente = client.post(VERIFIER, {"code": code_totp(appareil)})
        assert "Trop de codes erronés" in attente.content.decode()
    with time_machine.travel(INSTANT + datetime.timedelta(seconds=2), tick=False):
        assert client.post(VERIFIER, {"code": code_totp(appareil)}).status_code == 302


def test_les_essais_sont_limites_par_compte(client, administrateur):
    application(administrateur)
    _mot_de_passe(client, administrateur)
    for _ in range(10):
        client.post(VERIFIER, {"code": "abcdefgh"})
    reponse = client.post(VERIFIER, {"code": "abcdefgh"})
    assert reponse.status_code == 429


def test_nouveaux_codes_de_secours_depuis_mon_compte(client, administrateur):
    client.force_login(administrateur)
    appareil = application(administrateur)
    from cper.comptes.second_facteur import _nouveaux_codes

    anciens = _nouveaux_codes(administrateur)
    page = client.get(reverse("comptes:compte"))
    assert "Codes de secours restants : 10" in page.content.decode()
    with time_machine.travel(INSTANT, tick=False):
        refus = client.post(reverse("comptes:codes_secours"), {"code": "000000"}, follow=True)
    assert "Code incorrect" in refus.content.decode()
    with time_machine.travel(INSTANT + datetime.timedelta(seconds=2), tick=False):
        reponse = client.post(reverse("comptes:codes_secours"), {"code": code_totp(appareil)})
    nouveaux = re.findall(r"<li><code>([a-z2-7]+)</code></li>", reponse.content.decode())
    assert len(nouveaux) == 10
    assert not StaticToken.objects.filter(token__in=anciens).exists()


def test_l_administration_reinitialise_le_second_facteur_d_une_personne(client, administrateur):
    collegue = UserFactory(email="collegue.admin@exemple.fr", roles=[Role.ADMINISTRATEUR])
    autre = type(client)()
    autre.force_login(collegue)  # verified with their application
    assert autre.get(reverse("comptes:compte")).status_code == 200

    client.force_login(administrateur)
    reponse = client.post(
        reverse("admin:comptes_user_changelist"),
        {"action": "reinitialiser_second_facteur", "_selected_action": [collegue.pk]},
        follow=True,
    )
    assert "Second facteur réinitialisé pour 1 compte" in reponse.content.decode()
    assert not TOTPDevice.objects.filter(user=collegue).exists()
    # Their session verified by the removed application is no longer verified.
    suite = autre.get(reverse("comptes:compte"))
    assert suite.url.startswith(ACTIVER)


def test_le_site_d_administration_exige_le_second_facteur(client, administrateur):
    client.force_login(administrateur, second_facteur=False)
    application(administrateur)
    reponse = client.get("/admin/comptes/user/")
    assert reponse.url.startswith(VERIFIER)


def test_la_page_de_l_administration_ne_montre_ni_secret_ni_codes(client, administrateur):
    client.force_login(administrateur)
    appareil = application(administrateur)
    page = client.get(reverse("admin:comptes_user_change", args=[administrateur.pk]))
    html = page.content.decode()
    assert "application configurée le" in html
    assert appareil.key not in html
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_un_porteur_n_est_jamais_arrete(client, porteur):
    _mot_de_passe(client, porteur)
    assert client.get(reverse("dossiers:index")).status_code == 200
    assert client.get(VERIFIER).status_code == 302


COMPTE = reverse("comptes:compte")


def _arretee(client) -> bool:
    """Sent to the code, or to enrolment, instead of the page."""
    reponse = client.get(COMPTE)
    return reponse.status_code == 302 and reponse.url.startswith((VERIFIER, ACTIVER))


def test_la_session_perd_le_second_facteur_quand_son_application_disparait(client, administrateur):
    """The session names the device that verified it: read on every page (by compiled SQL),
    a device removed, unconfirmed or of another person verifies nothing."""
    appareil = application(administrateur)
    client.force_login(administrateur)
    assert client.get(COMPTE).status_code == 200

    appareil.confirmed = False
    appareil.save()
    assert _arretee(client)

    client.force_login(administrateur)
    autre = application(UserFactory(roles=[Role.ADMINISTRATEUR]))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = autre.persistent_id
    session.save()
    assert _arretee(client)

    client.force_login(administrateur)  # a new application, since the first is unconfirmed
    assert client.get(COMPTE).status_code == 200
    TOTPDevice.objects.filter(user=administrateur).delete()
    assert _arretee(client)


@pytest.mark.parametrize(
    "identifiant",
    [
        "otp_totp.totpdevice/0",
        "otp_totp.totpdevice/99999999999999999999",
        "otp_totp.totpdevice/x",
        "otp_static.staticdevice/-1",
        "otp_totp.totpdevice/²",
        "inconnu.appareil/1",
        "sans-barre",
        "comptes.user/1",
    ],
)
def test_un_identifiant_d_appareil_invalide_ne_verifie_rien(client, administrateur, identifiant):
    application(administrateur)
    client.force_login(administrateur)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = identifiant
    session.save()
    assert _arretee(client)


def test_le_code_de_secours_verifie_la_session_par_son_appareil(client, administrateur):
    from django_otp.plugins.otp_static.models import StaticDevice

    from cper.comptes.second_facteur import _nouveaux_codes

    _nouveaux_codes(administrateur)
    client.force_login(administrateur, second_facteur=False)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = StaticDevice.objects.get(user=administrateur).persistent_id
    session.save()
    assert client.get(COMPTE).status_code == 200


def test_les_roles_lus_avec_l_appareil_suivent_chaque_changement(client, secretariat_pilotage):
    """The roles of a person who gave a second factor are read with their device, on every
    page: one taken away closes its pages at once, one given opens them."""
    from django.contrib.auth.models import Group

    client.force_login(secretariat_pilotage)
    pilotage = reverse("gouvernance:pilotage")
    assert client.get(pilotage).status_code == 200
    groupe = Group.objects.get(name=Role.MEMBRE_PILOTAGE)
    secretariat_pilotage.groups.remove(groupe)
    assert client.get(pilotage).status_code in (403, 404)
    secretariat_pilotage.groups.add(groupe)
    assert client.get(pilotage).status_code == 200
    assert client.get(reverse("instruction:guichet")).status_code in (403, 404)
    secretariat_pilotage.groups.add(Group.objects.get_or_create(name=Role.AGENT_GUICHET)[0])
    assert client.get(reverse("instruction:guichet")).status_code == 200

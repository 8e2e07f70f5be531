"""Webhooks against a real HTTP receiver: signed deliveries, retries, disabling, replay."""

import base64
import datetime
import hashlib
import hmac
import json
import socket
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from api.enums import StatutLivraison
from api.envoi import AdresseRefusee, entetes, verifier_url
from api.models import Abonnement, Livraison
from api.tasks import relancer_livraisons
from cper import evenements
from cper.models import Evenement, Notification
from tests.api.recepteur import Reponse
from tests.programmation import programmer

pytestmark = pytest.mark.django_db


def _programmer(dossier, secretariat, financeurs):
    return programmer(
        dossier,
        par=secretariat,
        montants={financeurs["etat"]: Decimal("30000"), financeurs["region"]: Decimal("25000")},
    )


def _publier(dossier, type_="dossier.declarer_recevable"):
    """An event as a service publishes it, in its transaction."""
    with transaction.atomic():
        return evenements.publier(type=type_, objet=dossier, donnees={"numero": dossier.numero})


def _signature_selon_la_specification(secret: str, recu) -> str:
    """The Standard Webhooks algorithm, written out: HMAC-SHA256 of "id.timestamp.body"."""
    cle = base64.b64decode(secret.removeprefix("whsec_"))
    contenu = f"{recu.entetes['webhook-id']}.{recu.entetes['webhook-timestamp']}.".encode()
    contenu += recu.corps
    return "v1," + base64.b64encode(hmac.new(cle, contenu, hashlib.sha256).digest()).decode()


def test_la_signature_reproduit_le_vecteur_de_la_specification():
    moment = datetime.datetime.fromtimestamp(1614265330, tz=datetime.UTC)
    en_tetes = entetes(
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        identifiant="msg_p5jXN8AQM9LWM0D4loKWxJek",
        contenu=b'{"test": 2432232314}',
        moment=moment,
    )
    assert en_tetes == {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }


def test_un_dossier_programme_arrive_signe_avec_ses_montants(
    recepteur,
    abonnement,
    dossier_instruit,
    secretariat,
    financeurs,
    porteur,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = _programmer(dossier_instruit, secretariat, financeurs)
    [recu] = recepteur.recus
    assert recu.chemin == "/webhooks/cper"
    assert recu.entetes["content-type"] == "application/json"
    # The receiver's library and the algorithm written out both accept the signature.
    charge = Webhook(abonnement.secret).verify(recu.corps, recu.entetes)
    assert recu.entetes["webhook-signature"] == _signature_selon_la_specification(
        abonnement.secret, recu
    )
    evenement = Evenement.objects.get(type="dossier.programmer")
    assert recu.entetes["webhook-id"] == evenement.identifiant
    assert charge["type"] == "dossier.programmer"
    donnees = charge["data"]
    assert donnees["numero"] == dossier_instruit.numero
    assert (donnees["etat_avant"], donnees["etat_apres"]) == ("instruit", "programme")
    assert donnees["volet"]["code"] == dossier_instruit.volet.code
    programmation = donnees["programmation"]
    assert [(m["financeur"]["nom"], m["montant"]) for m in programmation["montants"]] == [
        ("État", "30000.00"),
        ("Conseil régional", "25000.00"),
    ]
    assert programmation["total"] == "55000.00"
    seance = decision.point.seance
    assert programmation["date_decision"] == timezone.localdate(seance.date).isoformat()
    # Public fields only: neither the porteur's address nor the representative's name.
    assert porteur.email not in recu.corps.decode()
    assert dossier_instruit.structure.representant_nom not in recu.corps.decode()
    livraison = Livraison.objects.get()
    assert livraison.statut == StatutLivraison.LIVREE
    assert (livraison.statut_http, livraison.tentatives) == (200, 1)
    assert livraison.duree_ms is not None and livraison.livree_le is not None
    assert livraison.extrait_reponse == "ok"


def test_un_abonne_ne_recoit_que_les_types_choisis(
    recepteur, abonnement, dossier_instruit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _publier(dossier_instruit, "dossier.deposer")
    assert recepteur.recus == []
    assert not Livraison.objects.exists()


def test_une_livraison_en_echec_est_reessayee_apres_le_delai(
    recepteur, abonnement, dossier_instruit, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-12-02 10:00:00+01:00")
    recepteur.repondre(500, 200)
    with django_capture_on_commit_callbacks(execute=True):
        _publier(dossier_instruit)
    livraison = Livraison.objects.get()
    assert livraison.statut == StatutLivraison.A_ENVOYER
    assert (livraison.statut_http, livraison.tentatives) == (500, 1)
    assert livraison.derniere_erreur == "Réponse HTTP 500"
    assert livraison.prochain_essai >= timezone.now() + datetime.timedelta(seconds=55)

    time_machine.move_to("2026-12-02 10:00:30+01:00")
    relancer_livraisons()
    assert len(recepteur.recus) == 1  # not yet due

    time_machine.move_to("2026-12-02 10:01:05+01:00")
    relancer_livraisons()
    premier, second = recepteur.recus
    assert second.entetes["webhook-id"] == premier.entetes["webhook-id"]
    assert int(second.entetes["webhook-timestamp"]) > int(premier.entetes["webhook-timestamp"])
    Webhook(abonnement.secret).verify(second.corps, second.entetes)
    livraison.refresh_from_db()
    assert livraison.statut == StatutLivraison.LIVREE
    assert (livraison.statut_http, livraison.tentatives) == (200, 2)
    abonnement.refresh_from_db()
    assert abonnement.echecs_consecutifs == 0


def test_un_abonnement_qui_echoue_sans_cesse_est_desactive_et_son_proprietaire_prevenu(
    recepteur,
    abonnement,
    responsable,
    dossier_instruit,
    settings,
    time_machine,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOKS_ECHECS_AVANT_DESACTIVATION = 3
    recepteur.par_defaut = Reponse(statut=503, corps=b"maintenance")
    time_machine.move_to("2026-12-02 10:00:00+01:00")
    with django_capture_on_commit_callbacks(execute=True):
        _publier(dossier_instruit)
        _publier(dossier_instruit)
    # Two events during the outage: the second waits for the end of the pause, one failure.
    assert len(recepteur.recus) == 1
    abonnement.refresh_from_db()
    assert abonnement.echecs_consecutifs == 1
    assert Livraison.objects.filter(tentatives=0, statut=StatutLivraison.A_ENVOYER).count() == 1

    for minutes in (2, 5):  # after the pauses of 1 then 2 minutes
        time_machine.move_to(f"2026-12-02 10:{minutes:02d}:00+01:00")
        with django_capture_on_commit_callbacks(execute=True):
            relancer_livraisons()
    abonnement.refresh_from_db()
    assert abonnement.echecs_consecutifs == 3
    assert not abonnement.actif
    assert abonnement.desactive_le is not None
    assert set(Livraison.objects.values_list("statut", flat=True)) == {StatutLivraison.ABANDONNEE}
    assert Livraison.objects.filter(extrait_reponse="maintenance").exists()

    [courriel] = mail.outbox
    assert courriel.to == [responsable.email]
    [notification] = Notification.objects.filter(user=responsable)
    assert notification.texte == "Webhooks désactivés : Système financier régional"
    assert courriel.subject == "Webhooks désactivés : Système financier régional"
    assert "3 fois de suite" in courriel.body
    assert reverse("admin:api_abonnement_change", args=[abonnement.pk]) in courriel.body

    # Disabled: a new event gets no delivery.
    with django_capture_on_commit_callbacks(execute=True):
        _publier(dossier_instruit)
    assert Livraison.objects.filter(statut=StatutLivraison.A_ENVOYER).count() == 0
    assert len(recepteur.recus) == 3


def test_rejouer_depuis_l_administration(
    client,
    administrateur,
    recepteur,
    abonnement,
    dossier_instruit,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _publier(dossier_instruit)
    livraison = Livraison.objects.get()
    client.force_login(administrateur)
    liste = client.get(reverse("admin:api_livraison_changelist"))
    assert "Rejouer les livraisons sélectionnées" in liste.text
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("admin:api_livraison_changelist"),
            {"action": "rejouer", "_selected_action": [livraison.pk]},
            follow=True,
        )
    assert "1 livraison(s) rejouée(s)." in reponse.text
    premier, second = recepteur.recus
    assert second.entetes["webhook-id"] == premier.entetes["webhook-id"]
    assert second.corps == premier.corps
    assert Livraison.objects.filter(statut=StatutLivraison.LIVREE).count() == 2
    # The delivery's page shows what was sent and how the receiver answered.
    page = client.get(reverse("admin:api_livraison_change", args=[livraison.pk]))
    assert livraison.evenement.identifiant in page.text
    assert "dossier.declarer_recevable" in page.text


def test_l_administrateur_abonne_une_adresse_et_voit_le_secret_une_fois(
    client, administrateur, recepteur
):
    client.force_login(administrateur)
    formulaire = client.get(reverse("admin:api_abonnement_add"))
    assert "Dossier programmé" in formulaire.text
    assert "Versement mandaté" in formulaire.text
    reponse = client.post(
        reverse("admin:api_abonnement_add"),
        {
            "nom": "Comptabilité de l'État",
            "proprietaire": administrateur.pk,
            "url": recepteur.url,
            "types": ["dossier.programmer", "versement.mandate"],
            "actif": "on",
        },
        follow=True,
    )
    abonnement = Abonnement.objects.get()
    assert abonnement.secret.startswith("whsec_")
    assert len(base64.b64decode(abonnement.secret.removeprefix("whsec_"))) == 32
    assert abonnement.secret in reponse.text
    assert "Il ne sera plus affiché" in reponse.text
    assert abonnement.types == ["dossier.programmer", "versement.mandate"]
    page = client.get(reverse("admin:api_abonnement_change", args=[abonnement.pk]))
    assert abonnement.secret not in page.text


def test_reactiver_un_abonnement_remet_ses_compteurs_a_zero(client, administrateur, abonnement):
    abonnement.actif = False
    abonnement.echecs_consecutifs = 12
    abonnement.desactive_le = timezone.now()
    abonnement.save()
    client.force_login(administrateur)
    client.post(
        reverse("admin:api_abonnement_changelist"),
        {"action": "reactiver", "_selected_action": [abonnement.pk]},
    )
    abonnement.refresh_from_db()
    assert abonnement.actif and abonnement.echecs_consecutifs == 0
    assert abonnement.desactive_le is None


# --- The receiving address ----------------------------------------------------------------------


@pytest.fixture
def production(settings):
    settings.WEBHOOKS_HTTPS_SEULEMENT = True
    settings.WEBHOOKS_ADRESSES_PRIVEES = False


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/webhooks",  # not https
        "https://127.0.0.1/webhooks",
        "https://localhost/webhooks",
        "https://10.1.2.3/webhooks",
        "https://192.168.0.10/webhooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/webhooks",
        "https://[::ffff:127.0.0.1]/webhooks",
        "https://[fd00::1]/webhooks",
        "https://0.0.0.0/webhooks",
        "https://agent:secret@93.184.215.14/webhooks",
        "ftp://93.184.215.14/webhooks",
    ],
)
def test_en_production_une_adresse_privee_ou_non_chiffree_est_refusee(production, url):
    with pytest.raises(AdresseRefusee):
        verifier_url(url)


def test_en_production_une_adresse_publique_https_est_acceptee(production):
    assert verifier_url("https://93.184.215.14:8443/webhooks") == (
        "93.184.215.14",
        8443,
        ["93.184.215.14"],
    )


def test_le_formulaire_d_abonnement_refuse_une_adresse_interne(client, administrateur, production):
    client.force_login(administrateur)
    reponse = client.post(
        reverse("admin:api_abonnement_add"),
        {
            "nom": "Métadonnées",
            "proprietaire": administrateur.pk,
            "url": "https://169.254.169.254/latest/meta-data/",
            "types": ["dossier.programmer"],
        },
    )
    assert "désigne un réseau privé, local ou réservé" in reponse.text
    assert not Abonnement.objects.exists()


def test_une_adresse_interne_n_est_pas_appelee(
    settings, recepteur, abonnement, dossier_instruit, django_capture_on_commit_callbacks
):
    """Checked again at each delivery: an address that is (now) internal is never called."""
    settings.WEBHOOKS_ADRESSES_PRIVEES = False
    with django_capture_on_commit_callbacks(execute=True):
        _publier(dossier_instruit)
    assert recepteur.recus == []
    livraison = Livraison.objects.get()
    assert livraison.statut_http is None
    assert "réseau privé" in livraison.derniere_erreur


def test_une_redirection_n_est_pas_suivie(
    recepteur, abonnement, dossier_instruit, django_capture_on_commit_callbacks
):
    recepteur.reponses.append(Reponse(statut=302, entetes={"Location": "/ailleurs"}))
    with django_capture_on_commit_callbacks(execute=True):
        _publier(dossier_instruit)
    assert [r.chemin for r in recepteur.recus] == ["/webhooks/cper"]
    livraison = Livraison.objects.get()
    assert livraison.statut == StatutLivraison.A_ENVOYER
    assert livraison.statut_http == 302


def test_seul_le_debut_de_la_reponse_est_garde(
    recepteur, abonnement, dossier_instruit, django_capture_on_commit_callbacks
):
    recepteur.reponses.append(Reponse(statut=200, corps=b"x" * 100_000))
    with django_capture_on_commit_callbacks(execute=True):
        _publier(dossier_instruit)
    livraison = Livraison.objects.get()
    assert livraison.statut == StatutLivraison.LIVREE
    assert livraison.extrait_reponse == "x" * 500


def test_un_recepteur_muet_est_abandonne_apres_un_court_delai(
    settings, responsable, dossier_instruit, django_capture_on_commit_callbacks
):
    """A server that accepts the connection and never answers holds the worker briefly."""
    settings.WEBHOOKS_DELAI = 0.3
    with socket.socket() as muet:
        muet.bind(("127.0.0.1", 0))
        muet.listen()
        Abonnement.objects.create(
            nom="Muet",
            proprietaire=responsable,
            url=f"http://127.0.0.1:{muet.getsockname()[1]}/",
            types=["dossier.declarer_recevable"],
        )
        with django_capture_on_commit_callbacks(execute=True):
            _publier(dossier_instruit)
    livraison = Livraison.objects.get()
    assert livraison.statut == StatutLivraison.A_ENVOYER
    assert livraison.statut_http is None
    assert "timed out" in livraison.derniere_erreur
    assert livraison.duree_ms < 3000


def test_le_contenu_est_du_json_compact_et_sans_surprise(
    recepteur, abonnement, dossier_instruit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evenement = _publier(dossier_instruit)
    [recu] = recepteur.recus
    assert json.loads(recu.corps) == {
        "type": "dossier.declarer_recevable",
        "timestamp": evenement.created_at.astimezone(datetime.UTC).isoformat(),
        "data": {"numero": dossier_instruit.numero},
    }

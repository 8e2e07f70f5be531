"""With Redis down, filing, signing up and inviting succeed; what follows waits, then runs once.

Redis here is a `redis-server` of this module's own, really stopped and started again.
"""

import email
import email.policy
import time
from pathlib import Path

import pytest
from django.urls import reverse

from cper import effets
from cper.enums import EtatEffet
from cper.models import EffetDiffere, Notification
from dossiers.enums import EtatDossier
from dossiers.models import Recepisse
from tests.conftest import arreter_worker, lancer_worker
from tests.dossiers.complets import dossier_complet


def _deposer(client, dossier, guichet):
    return client.post(
        reverse("dossiers:deposer", args=[dossier.pk]),
        {"guichet": guichet.pk, "confirmation": "on"},
        follow=True,
    )


@pytest.mark.django_db
def test_publier_echoue_vite_quand_le_courtier_est_arrete(courtier_en_panne):
    debut = time.monotonic()
    assert effets.publier(123456, "dossiers.tasks.emettre_recepisse") is False
    assert time.monotonic() - debut < 1


@pytest.mark.django_db
def test_le_depot_reussit_courtier_arrete_et_le_recepisse_attend(
    client, courtier_en_panne, structure, porteur, guichet_douai, django_capture_on_commit_callbacks
):
    dossier = dossier_complet(structure=structure, porteur=porteur)
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = _deposer(client, dossier, guichet_douai)

    assert reponse.redirect_chain[-1] == (reverse("dossiers:detail", args=[dossier.pk]), 302)
    assert "vous sera envoyé par courriel dans quelques minutes" in reponse.text
    dossier.refresh_from_db()
    assert dossier.etat == EtatDossier.DEPOSE
    assert dossier.numero.startswith("NPDC-")
    assert not Recepisse.objects.filter(dossier=dossier).exists()
    effet = EffetDiffere.objects.get(cle=f"recepisse:{dossier.pk}")
    assert (effet.tache, effet.arguments) == (
        "dossiers.tasks.emettre_recepisse",
        [dossier.pk, porteur.pk],
    )
    assert effet.etat == EtatEffet.A_FAIRE


@pytest.mark.django_db
def test_l_inscription_reussit_courtier_arrete(
    client, courtier_en_panne, django_capture_on_commit_callbacks
):
    donnees = {
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea.martin@exemple.fr",
        "password1": "un-mot-de-passe-solide-2015",
        "password2": "un-mot-de-passe-solide-2015",
    }
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post("/comptes/inscription/", donnees, follow=True)
    assert reponse.status_code == 200
    assert "Un courriel va vous être envoyé dans quelques minutes" in reponse.text
    effet = EffetDiffere.objects.get()
    assert effet.tache == "cper.comptes.tasks.envoyer_confirmation_inscription"
    assert effet.etat == EtatEffet.A_FAIRE


@pytest.mark.django_db
def test_l_invitation_reussit_courtier_arrete(
    client, courtier_en_panne, structure, porteur, django_capture_on_commit_callbacks
):
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("dossiers:structure_inviter", args=[structure.pk]),
            {"email": "collegue@exemple.fr"},
            follow=True,
        )
    assert reponse.status_code == 200
    assert "elle partira par courriel à collegue@exemple.fr" in reponse.text
    effet = EffetDiffere.objects.get()
    assert (effet.tache, effet.etat) == ("dossiers.tasks.envoyer_invitation", EtatEffet.A_FAIRE)


@pytest.mark.django_db
def test_sans_worker_le_depot_reussit_et_l_effet_attend_dans_la_file(
    client, courtier_en_panne, structure, porteur, guichet_douai, django_capture_on_commit_callbacks
):
    courtier_en_panne.demarrer()  # the broker is up, but no worker consumes this queue
    dossier = dossier_complet(structure=structure, porteur=porteur)
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = _deposer(client, dossier, guichet_douai)
    assert reponse.redirect_chain[-1][1] == 302
    # The récépissé and the in-app notices wait, written with the dépôt.
    assert sorted(EffetDiffere.objects.values_list("tache", "etat")) == [
        ("dossiers.tasks.emettre_recepisse", EtatEffet.A_FAIRE),
        ("dossiers.tasks.notifier_depot", EtatEffet.A_FAIRE),
    ]
    assert not Recepisse.objects.exists()


def _sujets(dossier: Path) -> list[str]:
    """The subjects of the mails the worker wrote to files, one file per connection."""
    sujets = []
    for fichier in dossier.glob("*.log"):
        for brut in fichier.read_text().split("-" * 79):
            if brut.strip():
                sujet = email.message_from_string(brut.strip(), policy=email.policy.default)
                sujets.append(" ".join(str(sujet["Subject"]).split()))
    return sujets


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_apres_la_panne_le_recepisse_est_emis_une_seule_fois_par_un_vrai_worker(
    client, courtier_en_panne, structure, porteur, guichet_douai, agent_sp_douai, tmp_path, settings
):
    dossier = dossier_complet(structure=structure, porteur=porteur)
    client.force_login(porteur)
    reponse = _deposer(client, dossier, guichet_douai)  # really committed: on_commit runs
    assert reponse.redirect_chain[-1][1] == 302
    dossier.refresh_from_db()
    assert dossier.numero and not Recepisse.objects.exists()
    effet = EffetDiffere.objects.get(cle=f"recepisse:{dossier.pk}")
    assert effet.etat == EtatEffet.A_FAIRE

    # Redis comes back; the beat job hands the row over, twice, and so does a stray copy.
    courtier_en_panne.demarrer()
    assert effets.relancer() == 2  # the récépissé and the in-app notices
    effets.publier(effet.pk, effet.tache)
    courriels = tmp_path / "courriels"
    worker = lancer_worker(
        file=settings.CELERY_TASK_DEFAULT_QUEUE,
        media_root=tmp_path / "prive-worker",
        env_en_plus={
            "REDIS_URL": courtier_en_panne.url,
            "EMAIL_BACKEND_TESTS": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(courriels),
        },
    )
    try:
        limite = time.monotonic() + 30
        while time.monotonic() < limite:
            if EffetDiffere.objects.filter(etat=EtatEffet.FAIT).count() == 4:
                break
            time.sleep(0.1)
        effets.publier(effet.pk, effet.tache)  # once done, a row handed over again does nothing
        time.sleep(0.5)
    finally:
        arreter_worker(worker.process)

    assert EffetDiffere.objects.filter(etat=EtatEffet.FAIT).count() == 4, list(
        EffetDiffere.objects.values("tache", "etat", "derniere_erreur")
    )
    recepisse = Recepisse.objects.get(dossier=dossier)
    assert recepisse.envoye_au_porteur_le and recepisse.guichet_notifie_le
    sujets = _sujets(courriels)
    assert sujets.count(f"Récépissé de dépôt du dossier {dossier.numero}") == 1, sujets
    assert sujets.count(f"Nouveau dossier déposé : {dossier.numero}") == 1, sujets
    # Each side finds the dépôt in its notifications too, once.
    assert list(Notification.objects.filter(user=porteur).values_list("texte", flat=True)) == [
        f"Récépissé de dépôt du dossier {dossier.numero}"
    ]
    assert list(
        Notification.objects.filter(user=agent_sp_douai).values_list("texte", flat=True)
    ) == [f"Nouveau dossier déposé : {dossier.numero}"]

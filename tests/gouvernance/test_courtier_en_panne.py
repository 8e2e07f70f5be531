"""With Redis down, convening, closing a séance and asking for an export succeed and wait."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cper import effets
from cper.enums import EtatEffet
from cper.models import EffetDiffere
from gouvernance.enums import EtatExport, EtatSeance
from gouvernance.models import Export, PointOrdreDuJour, Seance
from tests.factories.gouvernance import SeanceFactory

from .test_cloture import seance_decidee  # noqa: F401

pytestmark = pytest.mark.django_db


def _effet(tache: str) -> EffetDiffere:
    effet = EffetDiffere.objects.get(tache=tache)
    assert effet.etat == EtatEffet.A_FAIRE
    return effet


def test_convoquer_courtier_arrete(
    client,
    courtier_en_panne,
    secretariat,
    seance,
    dossier_instruit,
    django_capture_on_commit_callbacks,
):
    PointOrdreDuJour.objects.create(seance=seance, dossier=dossier_instruit, ordre=1)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("gouvernance:convoquer", args=[seance.pk]), follow=True)
    assert reponse.redirect_chain[0][1] == 302
    assert "la convocation leur sera envoyée par courriel dans quelques minutes" in reponse.text
    seance.refresh_from_db()
    assert (seance.etat, seance.convocation_envoyee_le) == (EtatSeance.CONVOQUEE, None)
    _effet("gouvernance.tasks.convoquer")


def test_clore_courtier_arrete(
    client,
    courtier_en_panne,
    secretariat,
    seance_decidee,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("gouvernance:clore", args=[seance_decidee.pk]), follow=True)
    assert reponse.redirect_chain[0][1] == 302
    assert "La séance est close" in reponse.text
    seance_decidee.refresh_from_db()
    assert seance_decidee.etat == EtatSeance.CLOSE
    assert not seance_decidee.releve
    _effet("gouvernance.tasks.cloturer")


def test_export_courtier_arrete(
    client, courtier_en_panne, membre_pilotage, django_capture_on_commit_callbacks
):
    client.force_login(membre_pilotage)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post("/gouvernance/pilotage/export/maquette.csv")
    assert reponse.status_code == 302
    export = Export.objects.get()
    assert export.etat == EtatExport.EN_PREPARATION
    _effet("gouvernance.tasks.produire_export")


def test_la_reconciliation_rattrape_convocation_releve_et_export_sans_effet(
    seance_decidee,  # noqa: F811
    autre_secretariat,
    membre_pilotage,
    mailoutbox,
):
    # Facts left without their effect (before the outbox existed, or a row lost): the beat job
    # finds them, defers them under the services' keys, and they are carried out once.
    convoquee = SeanceFactory(instance=seance_decidee.instance, etat=EtatSeance.CONVOQUEE)
    Seance.objects.filter(pk=seance_decidee.pk).update(
        etat=EtatSeance.CLOSE, close_le=timezone.now()
    )
    export = Export.objects.create(
        demandeur=membre_pilotage, page="pilotage", tableau="maquette", format="csv"
    )

    effets.relancer()
    effets.relancer()

    convoquee.refresh_from_db()
    seance_decidee.refresh_from_db()
    export.refresh_from_db()
    assert convoquee.convocation_envoyee_le is not None
    assert seance_decidee.releve
    assert export.etat == EtatExport.PRET
    # (The factories' dossiers, filed without récépissé, are caught up too.)
    des_seances = EffetDiffere.objects.filter(tache__startswith="gouvernance.")
    assert set(des_seances.values_list("etat", flat=True)) == {EtatEffet.FAIT}
    assert set(des_seances.values_list("cle", flat=True)) == {
        f"convocation:{convoquee.pk}",
        f"cloture:{seance_decidee.pk}",
        f"export:{export.pk}",
    }
    envoyes = len(mailoutbox)
    effets.relancer()
    assert len(mailoutbox) == envoyes

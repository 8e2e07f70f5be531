"""What the dossiers' facts show was never done: a filed dossier without its récépissé."""

from django.utils import timezone

from cper.effets import HORIZON_RECONCILIATION, LOT_RELANCE, differer, reconciliation

from .models import Dossier, Recepisse


@reconciliation
def recepisses_manquants():
    """A filed dossier has a récépissé, sent to its porteur and announced to its guichet."""
    # The porteur who filed is not recorded here: the récépissé then goes to the first member.
    depuis = timezone.now() - HORIZON_RECONCILIATION
    deposes = Dossier.objects.filter(numero__isnull=False, depose_le__gte=depuis)
    for pk in deposes.filter(recepisse__isnull=True).values_list("pk", flat=True)[:LOT_RELANCE]:
        yield differer("dossiers.tasks.emettre_recepisse", pk, None, cle=f"recepisse:{pk}")
    recepisses = Recepisse.objects.filter(created_at__gte=depuis).values_list(
        "dossier_id", flat=True
    )
    for pk in recepisses.filter(envoye_au_porteur_le__isnull=True)[:LOT_RELANCE]:
        yield differer("dossiers.tasks.envoyer_recepisse", pk, None, cle=f"recepisse-envoi:{pk}")
    for pk in recepisses.filter(guichet_notifie_le__isnull=True)[:LOT_RELANCE]:
        yield differer(
            "dossiers.tasks.notifier_guichet_du_depot", pk, cle=f"recepisse-guichet:{pk}"
        )

"""What the acts' facts show was never done: a PDF not built for the act's current state."""

from django.db.models import F
from django.utils import timezone

from cper.effets import HORIZON_RECONCILIATION, LOT_RELANCE, differer, reconciliation
from execution.models import Acte


@reconciliation
def actes_sans_pdf():
    """An act established, signed or notified recently has its PDF for that state."""
    depuis = timezone.now() - HORIZON_RECONCILIATION
    actes = (
        Acte.objects.filter(updated_at__gte=depuis)
        .exclude(fichier_etat=F("etat"))
        .values_list("pk", "etat")
    )
    for pk, etat in actes[:LOT_RELANCE]:
        yield differer("execution.tasks.produire_acte", pk, cle=f"acte:{pk}:{etat}")

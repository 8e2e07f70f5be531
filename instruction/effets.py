"""What the instruction's facts show was never done: a letter without its PDF."""

from django.utils import timezone

from cper.effets import HORIZON_RECONCILIATION, LOT_RELANCE, differer, reconciliation

from .models import Courrier


@reconciliation
def courriers_sans_pdf():
    """Every letter written by a service gets its PDF (same key as the service's)."""
    depuis = timezone.now() - HORIZON_RECONCILIATION
    sans_pdf = Courrier.objects.filter(created_at__gte=depuis, genere_le__isnull=True)
    for pk in sans_pdf.values_list("pk", flat=True)[:LOT_RELANCE]:
        yield differer("instruction.tasks.generer_courrier", pk, cle=f"courrier:{pk}")

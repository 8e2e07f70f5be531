"""What the séances' and exports' facts show was never done."""

from django.utils import timezone

from cper.effets import HORIZON_RECONCILIATION, LOT_RELANCE, differer, reconciliation
from gouvernance.enums import EtatExport, EtatSeance
from gouvernance.models import Export, Seance


@reconciliation
def seances_et_exports_en_suspens():
    """A convened séance has its convocation, a closed one its relevé, an export its file."""
    depuis = timezone.now() - HORIZON_RECONCILIATION
    seances = Seance.objects.values_list("pk", flat=True)
    for pk in seances.filter(
        etat=EtatSeance.CONVOQUEE, convocation_envoyee_le__isnull=True, date__gte=depuis
    )[:LOT_RELANCE]:
        yield differer("gouvernance.tasks.convoquer", pk, cle=f"convocation:{pk}")
    for pk in seances.filter(etat=EtatSeance.CLOSE, releve="", close_le__gte=depuis)[:LOT_RELANCE]:
        yield differer("gouvernance.tasks.cloturer", pk, cle=f"cloture:{pk}")
    exports = Export.objects.filter(
        etat=EtatExport.EN_PREPARATION, created_at__gte=depuis
    ).values_list("pk", flat=True)
    for pk in exports[:LOT_RELANCE]:
        yield differer("gouvernance.tasks.produire_export", pk, cle=f"export:{pk}")

"""What the instance de pilotage programmed: per dossier, the decision's date and amounts."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from gouvernance.enums import SensDecision
from gouvernance.models import Decision, MontantProgramme


@dataclass
class Programmation:
    dossier_id: int
    date_decision: datetime.date  # the séance's day, as on the relevé de décisions
    montants: list[MontantProgramme] = field(default_factory=list)  # financeur loaded

    @property
    def total(self) -> Decimal:
        return sum((m.montant for m in self.montants), Decimal("0.00"))


def programmations(dossiers=None) -> dict[int, Programmation]:
    """{dossier pk: Programmation} of the dossiers programmed (all, or among `dossiers`).

    Two queries: the decisions « programmé » with their séance, then their amounts.
    """
    decisions = (
        Decision.objects.filter(sens=SensDecision.PROGRAMME)
        .select_related("point__seance")
        .prefetch_related(
            Prefetch(
                "montants",
                queryset=MontantProgramme.objects.select_related("financeur").order_by(
                    "financeur__ordre", "financeur__nom"
                ),
            )
        )
        .order_by("created_at", "pk")
    )
    if dossiers is not None:
        decisions = decisions.filter(point__dossier__in=dossiers)
    # A later programming of the same dossier (none today) replaces the earlier one.
    return {
        d.point.dossier_id: Programmation(
            dossier_id=d.point.dossier_id,
            date_decision=timezone.localdate(d.point.seance.date),
            montants=list(d.montants.all()),
        )
        for d in decisions
    }

"""What-if: every envelope as it would stand if the séance followed its provisional amounts."""

from django.db.models import Case, DecimalField, F, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from cper.referentiel.models import MONTANT, Enveloppe
from cper.referentiel.models import ZERO as ZERO_EUROS
from dossiers.enums import EtatDossier as E
from dossiers.models import AgregatVolet
from dossiers.models.dossier import ZERO
from gouvernance.models import MontantSimule
from gouvernance.selectors.maquette import ETATS_LIBERES

_MONTANT = DecimalField(**MONTANT)
# What stays on the envelope: a caduc or abandoned dossier keeps only what was paid.
PROGRAMME_NET = Case(
    When(etat__in=ETATS_LIBERES, then=F("mandate")),
    default=F("programme"),
    output_field=DecimalField(max_digits=16, decimal_places=2),
)


def _somme(queryset, volet: str, colonne="montant") -> Coalesce:
    """Sum of `colonne` for the outer envelope's volet and financeur, 0 when none."""
    return Coalesce(
        Subquery(
            queryset.filter(**{volet: OuterRef("volet"), "financeur": OuterRef("financeur")})
            .order_by()
            .values("financeur")
            .annotate(total=Sum(colonne))
            .values("total")[:1],
            output_field=_MONTANT,
        ),
        ZERO,
    )


def simuler(seance) -> list[Enveloppe]:
    """One query: per envelope (volet × signatory), its amount, what is already programmed,
    what this séance simulates, the total after it, what remains, and whether it overruns.

    Already programmed: amounts of `programme` decisions of every séance, read from the volet ×
    financeur × state totals kept current by the services (as the maquette reads them).
    Simulated: provisional amounts of this séance's items that have no decision yet (a decided
    item is already counted).
    """
    programmes = AgregatVolet.objects.all()
    simules = MontantSimule.objects.filter(
        point__seance=seance, point__decision__isnull=True, point__dossier__etat=E.INSTRUIT
    )
    enveloppes = list(
        Enveloppe.objects.select_related("volet", "financeur")
        .en_vigueur(timezone.localdate(seance.date))
        .annotate(
            programme=_somme(programmes, "volet", colonne=PROGRAMME_NET),
            simule=_somme(simules, "point__dossier__volet"),
        )
        .order_by("volet__numero", "financeur__ordre")
    )
    # Two additions per row, in Python: as SQL expressions, Django would repeat both
    # subqueries in the statement, and the doubled cost estimate turns PostgreSQL's JIT on
    # (about 100 ms of compilation for a few dozen rows).
    for enveloppe in enveloppes:
        enveloppe.total_apres = enveloppe.programme + enveloppe.simule
        # The séance decides against the envelopes in force on its day (avenants included).
        enveloppe.montant = enveloppe.montant_en_vigueur
        enveloppe.restant = enveloppe.montant - enveloppe.total_apres
        enveloppe.depassement = enveloppe.restant < 0
    return enveloppes


def totaux(enveloppes) -> dict:
    cles = ("montant", "programme", "simule", "total_apres", "restant")
    return {cle: sum((getattr(e, cle) for e in enveloppes), ZERO_EUROS) for cle in cles}

"""PDFs of the dossiers app (WeasyPrint, templates in templates/dossiers/pdf/)."""

import calendar
import datetime

from django.utils import timezone

from cper.documents import rendre_pdf

from .models import Dossier

# CRPA L231-4 2°: two months of silence on a request of a financial nature is a rejection.
DELAI_REJET_IMPLICITE_MOIS = 2


def ajouter_mois(jour: datetime.date, mois: int) -> datetime.date:
    """Same day `mois` months later, or the last day of that month when it has no such day."""
    annee, rang = divmod(jour.month - 1 + mois, 12)
    annee += jour.year
    dernier_jour = calendar.monthrange(annee, rang + 1)[1]
    return jour.replace(year=annee, month=rang + 1, day=min(jour.day, dernier_jour))


def rendre_recepisse(dossier_pk: int) -> bytes:
    """The récépissé de dépôt with the mentions of CRPA R112-5 (reads the dossier afresh)."""
    dossier = (
        Dossier.objects.avec_totaux()
        .select_related("structure", "structure__commune", "guichet", "volet")
        .prefetch_related("pieces")
        .get(pk=dossier_pk)
    )
    recu_le = timezone.localtime(dossier.depose_le)
    return rendre_pdf(
        "dossiers/pdf/recepisse.html",
        {
            "dossier": dossier,
            "guichet": dossier.guichet,
            "recu_le": recu_le,
            "rejet_implicite_le": ajouter_mois(recu_le.date(), DELAI_REJET_IMPLICITE_MOIS),
            "emis_le": timezone.localtime(),
        },
        le=recu_le,
    )

"""The act's PDF: one financeur's « accord de financement » on one dossier."""

from django.utils import timezone

from cper.appellations import dater
from cper.documents import rendre_pdf
from dossiers.models import Dossier
from execution.enums import Regime

# The articles that ground the act, per decree.
TEXTES = {
    Regime.DECRET_1999: "décret n° 99-1060 du 16 décembre 1999 relatif aux subventions de "
    "l'État pour des projets d'investissement",
    Regime.DECRET_2018: "décret n° 2018-514 du 25 juin 2018 relatif aux subventions de l'État "
    "pour des projets d'investissement",
}


def acte_pdf(acte) -> bytes:
    dossier = acte.dossier
    communes = list(
        Dossier.communes.through.objects.filter(dossier=dossier).select_related("commune")
    )
    le = acte.signe_le or timezone.localdate(acte.created_at)
    return rendre_pdf(
        "execution/pdf/acte.html",
        {
            "acte": acte,
            "dossier": dossier,
            "structure": dossier.structure,
            "communes": [c.commune for c in communes],
            "texte": TEXTES[Regime(acte.regime)],
            "date": timezone.localdate(),
            # The authority signs with the title it bore that day (cper.appellations).
            "autorite": dater(acte.autorite, le),
        },
        le=le,
    )

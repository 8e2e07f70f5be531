"""What the open data publish: the programmed projects, with their public fields only.

A project is published once the instance de pilotage programmed it (a decision « programmé »),
whatever happens to it afterwards; never a draft, nor a dossier still being instructed, nor an
amount before its decision. The fields read are the dossier's number and title, the
structure's legal name and SIRET (a legal person), the volet, the communes with their EPCI and
département, and the decision's date and amounts: no person's name, e-mail or phone is ever
read here.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from cper.referentiel.models import Commune
from dossiers.models import Dossier
from gouvernance.enums import SensDecision
from gouvernance.models import Decision
from gouvernance.selectors.programmation import Programmation, programmations


@dataclass
class Projet:
    dossier: Dossier  # structure, volet and communes (with EPCI and département) loaded
    programmation: Programmation

    @property
    def communes(self) -> list[Commune]:
        return list(self.dossier.communes.all())


def projets_programmes() -> list[Projet]:
    """Every programmed project, by number (four queries, whatever their number)."""
    par_dossier = programmations()
    dossiers = (
        Dossier.objects.filter(
            pk__in=Decision.objects.filter(sens=SensDecision.PROGRAMME).values("point__dossier")
        )
        .select_related("structure", "volet")
        .prefetch_related(
            Prefetch(
                "communes",
                queryset=Commune.objects.select_related("epci", "departement").order_by(
                    "code_insee"
                ),
            )
        )
        .only(
            "etat",  # read on load by the state machine (ConcurrentTransitionMixin)
            "numero",
            "intitule",
            "structure__raison_sociale",
            "structure__siret",
            "volet__code",
            "volet__numero",
            "volet__intitule",
        )
        .order_by("numero")
    )
    return [
        Projet(dossier=dossier, programmation=par_dossier[dossier.pk])
        for dossier in dossiers
        if dossier.pk in par_dossier
    ]

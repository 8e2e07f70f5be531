"""Which table an export asks for, built with the scope of the one who asked.

Shared by the dashboards (the page of a territory filters its dossiers the same way) and the
Celery task that writes the file.
"""

from functools import lru_cache

from django.db.models import F, Prefetch
from django.http import QueryDict

from cper.referentiel.models import Commune
from cper.requetes import Identifiant, RequeteCompilee
from gouvernance import exports, perimetres
from gouvernance.enums import PageExport
from gouvernance.forms.tableaux import FiltresTerritoireForm, date_des_enveloppes
from gouvernance.selectors import tableaux
from gouvernance.selectors.maquette import maquette


def _territoires(niveau: str):
    def construire():
        return next(
            t
            for t in exports.tableaux_territoires(tableaux.repartition_territoriale())
            if t.code == f"territoires-{niveau}"
        )

    return construire


def _maquette(parametres: str = ""):
    # The file shows the envelopes of the day the page showed (`?le=`), as the page did.
    return maquette(date_des_enveloppes(QueryDict(parametres))[1])


TABLEAUX_PILOTAGE = {
    "maquette": lambda parametres="": exports.tableau_maquette(_maquette(parametres)),
    "volets": lambda parametres="": exports.tableau_volets(_maquette(parametres)),
    "entonnoir": lambda: exports.tableau_entonnoir(tableaux.entonnoir()),
    "etats": lambda: exports.tableau_etats(tableaux.entonnoir()),
    "delais": lambda: exports.tableau_delais(tableaux.delais()),
    "delais-versement": lambda: exports.tableau_delais_versement(tableaux.delais_versement()),
    **{f"territoires-{niveau}": _territoires(niveau) for niveau, _ in tableaux.NIVEAUX},
    "execution-territoires": lambda: exports.tableau_execution_territoires(
        tableaux.execution_territoriale()
    ),
}
# The territory's tables built from its summary (tableaux.synthese_territoire), and its list.
TABLEAUX_SYNTHESE = {
    "volets-etats": exports.tableau_synthese_territoire,
    "programmation": exports.tableau_programmation_territoire,
    "execution": exports.tableau_execution_territoire,
    "entonnoir": exports.tableau_entonnoir_territoire,
}
TABLEAUX_TERRITOIRE = {"dossiers", *TABLEAUX_SYNTHESE}


def existe(page: str, code: str) -> bool:
    return code in (TABLEAUX_PILOTAGE if page == PageExport.PILOTAGE else TABLEAUX_TERRITOIRE)


# What the territory's page shows of each dossier, as plain values (`dossiers_filtres`).
VALEURS_DE_LA_PAGE = (
    "pk",
    "numero",
    "intitule",
    "structure__raison_sociale",
    "volet__numero",
    "volet__intitule",
    "etat",
    "demande",
    "programme",
    "mandate",
    "noms_communes",
)


def dossiers_filtres(mandat, donnees: QueryDict, *, valeurs: bool = False, synthese=None):
    """The territory's dossiers, filtered as the page's form says, with their amounts.

    Read through the kept `SuiviDossier` rows (the dossier's territories, GIN-indexed, and its
    signatories' amounts): the same dossiers as `perimetres.dossiers_du_territoire`, without
    placing every dossier on its communes per request. The list's `nombre` comes from the kept
    counts (`tableaux.nombre_du_territoire`), not from a `COUNT(*)`. Newest filed first, on the
    kept rows' index. Their communes are prefetched; with `valeurs`, the rows are plain dicts
    of VALEURS_DE_LA_PAGE, the communes' names joined in the same query (what the page shows:
    no model instance is built for a page of 50), and without a filter a page's SQL is the one
    assembled once per process (`_PAGE_DU_TERRITOIRE`; the first page's once per territory).
    Given the territory's `synthese` (read from the same kept counts), the `nombre` is taken
    from its rows, without a query.
    """
    filtres = FiltresTerritoireForm(donnees or None)
    criteres = filtres.cleaned_data if filtres.is_valid() else {}
    dossiers = perimetres.dossiers_du_territoire_suivis(mandat)
    if criteres.get("etat"):
        dossiers = dossiers.filter(etat=criteres["etat"])
    if criteres.get("volet"):
        dossiers = dossiers.filter(volet=criteres["volet"])
    tranches = None
    sans_filtre = not criteres.get("etat") and not criteres.get("volet")
    if valeurs and sans_filtre and mandat is not None and mandat.territoire is not None:
        cle = tableaux.cle_du_territoire(mandat.territoire)

        def tranches(debut, fin):
            if debut == 0:
                return _premiere_page(cle, fin)()
            return _PAGE_DU_TERRITOIRE(cle=cle, debut=debut, fin=fin)

    etat, volet = criteres.get("etat") or None, criteres.get("volet")
    if synthese is not None:
        compter = lambda: synthese.nombre(etat=etat, volet=volet)  # noqa: E731
    else:
        compter = lambda: tableaux.nombre_du_territoire(mandat, etat=etat, volet=volet)  # noqa: E731
    return filtres, ListeDenombree(
        lambda: _liste(dossiers, valeurs=valeurs), compter, tranches=tranches
    )


def _liste(dossiers, *, valeurs: bool):
    """The dossiers' public fields and kept amounts, newest filed first."""
    liste = perimetres.champs_publics(
        dossiers.annotate(
            demande=F("suivi__demande"),
            programme=F("suivi__programme"),
            mandate=F("suivi__mandate"),
        )
    ).order_by("-suivi__depose_le", "-suivi__dossier_id")
    if valeurs:
        return liste.annotate(noms_communes=exports.noms_des_communes()).values(*VALEURS_DE_LA_PAGE)
    return liste.prefetch_related(
        Prefetch("communes", queryset=Commune.objects.only("nom").order_by("nom"))
    )


# A page of the territory's list without a filter: its SQL assembled once per process, the
# territory's key and the page's bounds as parameters.
_PAGE_DU_TERRITOIRE = RequeteCompilee(
    lambda cle: _liste(perimetres.dossiers_suivis_sur([cle]), valeurs=True),
    textes=("cle",),
    tranche=True,
)


@lru_cache(maxsize=256)
def _premiere_page(cle: str, fin: int) -> RequeteCompilee:
    """The first page (the page as first shown): its SQL assembled once per territory, the
    key and the LIMIT written in it (`Identifiant`). As parameters, PostgreSQL plans them as
    the average territory's few hundred dossiers (a pôle has thousands) and a tenth of them:
    judging that generic plan costlier, it planned the query again on every request (≈ 1 ms of
    planning for 0.3 ms of execution)."""
    return RequeteCompilee(
        lambda: _liste(perimetres.dossiers_suivis_sur([Identifiant(cle)]), valeurs=True)[:fin]
    )


class ListeDenombree:
    """A QuerySet whose `count()` is read from the kept counts: what Paginator reads.

    The queryset is built when first needed (`fabrique`): a page read by `tranches` needs none.
    """

    def __init__(self, fabrique, compter, *, tranches=None):
        self._fabrique, self._queryset = fabrique, None
        self._compter, self._nombre = compter, None
        # (debut, fin) -> the rows of queryset[debut:fin], read otherwise (compiled SQL).
        self._tranches = tranches

    @property
    def queryset(self):
        if self._queryset is None:
            self._queryset = self._fabrique()
        return self._queryset

    def count(self) -> int:
        if self._nombre is None:
            self._nombre = self._compter()
        return self._nombre

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, tranche):
        if (
            self._tranches is not None
            and isinstance(tranche, slice)
            and tranche.step is None
            and tranche.stop is not None
        ):
            return self._tranches(tranche.start or 0, tranche.stop)
        return self.queryset[tranche]

    def __iter__(self):
        return iter(self.queryset)

    @property
    def ordered(self) -> bool:
        return True


def construire(export) -> exports.Tableau | None:
    """The table of an export, or None when its author has lost access to it."""
    if export.page == PageExport.PILOTAGE:
        construire_tableau = TABLEAUX_PILOTAGE[export.tableau]
        if export.tableau in {"maquette", "volets"}:
            return construire_tableau(export.parametres)
        return construire_tableau()
    mandat = perimetres.mandat_concertation(export.demandeur)
    if mandat is None or mandat.territoire is None:
        return None
    if export.tableau == "dossiers":
        _filtres, liste = dossiers_filtres(mandat, QueryDict(export.parametres))
        return exports.tableau_dossiers_territoire(liste.queryset)
    return TABLEAUX_SYNTHESE[export.tableau](tableaux.synthese_territoire(mandat))

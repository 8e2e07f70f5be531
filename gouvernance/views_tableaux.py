"""Dashboards of the two instances, their exports, and the concertation members' observations.

Every page runs a fixed number of queries, whatever the number of dossiers (tested).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role
from cper.referentiel.models import Commune
from cper.templatetags.cper_tags import euros

from . import exports, tableaux
from .forms_tableaux import FiltresTerritoireForm, ObservationForm
from .graphiques import GRIS, ROUGE, graphique
from .maquette import maquette
from .models import Observation
from .services_observations import observation_poster
from .templatetags.tableaux_tags import entier, jours, pourcentage

PAR_PAGE = 50
FORMATS = {"csv", "xlsx"}


# --- Pilotage -------------------------------------------------------------------------------


def _tableaux_pilotage(code: str | None = None) -> dict:
    """The pilotage tables, each built only when asked for (exports build one)."""
    constructeurs = {
        "maquette": lambda: exports.tableau_maquette(maquette()),
        "volets": lambda: exports.tableau_volets(maquette()),
        "entonnoir": lambda: exports.tableau_entonnoir(tableaux.entonnoir()),
        "etats": lambda: exports.tableau_etats(tableaux.entonnoir()),
        "delais": lambda: exports.tableau_delais(tableaux.delais()),
        **{
            f"territoires-{niveau}": (
                lambda niveau=niveau: next(
                    t
                    for t in exports.tableaux_territoires(tableaux.repartition_territoriale())
                    if t.code == f"territoires-{niveau}"
                )
            )
            for niveau, _ in tableaux.NIVEAUX
        },
    }
    return constructeurs if code is None else constructeurs.get(code)


@role_requis(Role.MEMBRE_PILOTAGE)
def pilotage(request: HttpRequest) -> HttpResponse:
    """The instance de pilotage's dashboard: maquette, funnel, delays, territories."""
    la_maquette = maquette()
    entonnoir = tableaux.entonnoir()
    delais = tableaux.delais()
    repartition = tableaux.repartition_territoriale()
    tableau_volets = exports.tableau_volets(la_maquette)
    tableau_entonnoir = exports.tableau_entonnoir(entonnoir)
    tableau_delais = exports.tableau_delais(delais)
    tableaux_territoires = exports.tableaux_territoires(repartition)
    plafond_delais = max((d.p90 or 0 for d in delais), default=0)
    sections_territoires = []
    for tableau in tableaux_territoires:
        graphe = None
        if tableau.code in {"territoires-departement", "territoires-pole"}:
            graphe = graphique(
                f"graphique-{tableau.code}",
                f"Montant programmé — {tableau.titre.lower()}",
                [(ligne[0], ligne[3], euros(ligne[3]), None) for ligne in tableau.lignes],
            )
        sections_territoires.append({"tableau": tableau, "graphique": graphe})
    return render(
        request,
        "gouvernance/pilotage.html",
        {
            "title": "Tableau de bord de l'instance de pilotage",
            "maquette": la_maquette,
            # Only its code and title are read: the file is built by the export view.
            "tableau_maquette_export": exports.Tableau(
                "maquette", "Maquette financière par volet et par signataire", [], []
            ),
            "entonnoir": entonnoir,
            "tableau_volets": tableau_volets,
            "tableau_entonnoir": tableau_entonnoir,
            "tableau_etats": exports.tableau_etats(entonnoir),
            "tableau_delais": tableau_delais,
            "sections_territoires": sections_territoires,
            "regle_territoires": tableaux.REGLE_MULTI_TERRITOIRES,
            "graphique_volets": graphique(
                "graphique-volets",
                "Taux de programmation par volet",
                [
                    (
                        str(ligne.volet),
                        ligne.total.taux_programmation,
                        pourcentage(ligne.total.taux_programmation),
                        ROUGE if ligne.total.depassement else None,
                    )
                    for ligne in la_maquette.lignes
                ],
                maximum=100,
            ),
            "graphique_entonnoir": graphique(
                "graphique-entonnoir",
                "Entonnoir des dossiers déposés",
                [(libelle, n, entier(n), None) for libelle, n, _part in entonnoir.etapes],
            ),
            "graphique_delais": graphique(
                "graphique-delais",
                "Délais de traitement : médiane et 90e centile",
                [
                    row
                    for d in delais
                    for row in (
                        (f"{d.libelle} — médiane", d.mediane, jours(d.mediane), None),
                        (f"{d.libelle} — 90e centile", d.p90, jours(d.p90), GRIS),
                    )
                ],
                maximum=plafond_delais or None,
            ),
        },
    )


@role_requis(Role.MEMBRE_PILOTAGE)
def pilotage_export(request: HttpRequest, tableau: str, format_: str) -> HttpResponse:
    constructeur = _tableaux_pilotage(tableau)
    if constructeur is None or format_ not in FORMATS:
        raise Http404("Tableau introuvable.")
    return exports.exporter(constructeur(), format_, "pilotage")


# --- Concertation ---------------------------------------------------------------------------


def _mandat_ou_refus(request):
    mandat = tableaux.mandat_concertation(request.user)
    if mandat is None or mandat.territoire is None:
        return None
    return mandat


def _dossiers_filtres(request, mandat):
    filtres = FiltresTerritoireForm(request.GET or None)
    criteres = filtres.cleaned_data if filtres.is_valid() else {}
    dossiers = tableaux.dossiers_du_territoire(mandat)
    if criteres.get("etat"):
        dossiers = dossiers.filter(etat=criteres["etat"])
    if criteres.get("volet"):
        dossiers = dossiers.filter(volet=criteres["volet"])
    liste = (
        tableaux.avec_montants(dossiers)
        .select_related("structure", "volet")
        .only(
            "numero",
            "intitule",
            "etat",
            "depose_le",
            "structure__raison_sociale",
            "volet__numero",
            "volet__intitule",
        )
        .prefetch_related(
            Prefetch("communes", queryset=Commune.objects.only("nom").order_by("nom"))
        )
        .order_by("-depose_le", "-pk")
    )
    return filtres, liste


def _sans_mandat(request):
    return render(
        request,
        "gouvernance/territoire_sans_mandat.html",
        {"title": "Tableau de bord de mon territoire"},
    )


@role_requis(Role.MEMBRE_CONCERTATION)
def territoire(request: HttpRequest) -> HttpResponse:
    """What happens on the member's territory: public fields and amounts only."""
    mandat = _mandat_ou_refus(request)
    if mandat is None:
        return _sans_mandat(request)
    filtres, liste = _dossiers_filtres(request, mandat)
    synthese = tableaux.synthese_territoire(tableaux.dossiers_du_territoire(mandat))
    tableau_programmation = exports.tableau_programmation_territoire(synthese)
    page = Paginator(liste, PAR_PAGE).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "gouvernance/territoire.html",
        {
            "title": f"Tableau de bord du territoire : {mandat.territoire}",
            "mandat": mandat,
            "territoire": mandat.territoire,
            "synthese": synthese,
            "tableau_synthese": exports.tableau_synthese_territoire(synthese),
            "tableau_programmation": tableau_programmation,
            "graphique_programmation": graphique(
                "graphique-programmation",
                "Taux de programmation par volet sur le territoire",
                [(v["volet"], v["taux"], pourcentage(v["taux"]), None) for v in synthese.par_volet],
                maximum=100,
            ),
            "tableau_dossiers": exports.Tableau("dossiers", "Dossiers du territoire", [], []),
            "filtres": filtres,
            "page_obj": page,
            "parametres": parametres.urlencode(),
        },
    )


@role_requis(Role.MEMBRE_CONCERTATION)
def territoire_export(request: HttpRequest, tableau: str, format_: str) -> HttpResponse:
    mandat = _mandat_ou_refus(request)
    if mandat is None or format_ not in FORMATS:
        raise Http404("Tableau introuvable.")
    if tableau == "dossiers":
        _filtres, liste = _dossiers_filtres(request, mandat)
        contenu = exports.tableau_dossiers_territoire(liste)
    elif tableau in {"volets-etats", "programmation"}:
        synthese = tableaux.synthese_territoire(tableaux.dossiers_du_territoire(mandat))
        contenu = (
            exports.tableau_synthese_territoire(synthese)
            if tableau == "volets-etats"
            else exports.tableau_programmation_territoire(synthese)
        )
    else:
        raise Http404("Tableau introuvable.")
    return exports.exporter(contenu, format_, "territoire")


@role_requis(Role.MEMBRE_CONCERTATION)
def territoire_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """A dossier of the member's territory, its public fields, and the observations on it."""
    mandat = _mandat_ou_refus(request)
    if mandat is None:
        raise Http404("Dossier introuvable.")
    dossier = tableaux.dossier_du_territoire_ou_404(mandat, pk)
    form = ObservationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        observation_poster(mandat=mandat, dossier_pk=dossier.pk, texte=form.cleaned_data["texte"])
        messages.success(request, "Votre observation est enregistrée.")
        return redirect("gouvernance:territoire_dossier", dossier.pk)
    return render(
        request,
        "gouvernance/territoire_dossier.html",
        {
            "title": f"Dossier {dossier.numero}",
            "dossier": dossier,
            "territoire": mandat.territoire,
            "communes": dossier.communes.order_by("nom").values_list("nom", flat=True),
            "observations": Observation.objects.filter(dossier=dossier).values(
                "texte", "created_at"
            ),
            "form": form,
            "aujourdhui": timezone.localdate(),
        },
    )

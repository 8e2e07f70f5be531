"""Dashboards of the two instances, their exports, and the concertation members' observations.

Every page runs a fixed number of queries, whatever the number of dossiers (tested).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role
from cper.lecture import lecture_replique
from cper.limites import limiter
from cper.referentiel.selectors import historique_enveloppes
from cper.televersement.reponses import servir_fichier
from cper.templatetags.cper_tags import euros
from gouvernance import exports, fichiers, perimetres
from gouvernance.enums import EtatExport, PageExport
from gouvernance.forms.tableaux import ObservationForm, date_des_enveloppes
from gouvernance.graphiques import GRIS, ROUGE, graphique
from gouvernance.models import Export, Observation
from gouvernance.selectors import tableaux
from gouvernance.services.exports import export_demander
from gouvernance.services.observations import observation_poster
from gouvernance.templatetags.tableaux_tags import entier, jours, pourcentage

PAR_PAGE = 50
FORMATS = {"csv", "xlsx"}


# --- Pilotage -------------------------------------------------------------------------------


@role_requis(Role.MEMBRE_PILOTAGE)
@lecture_replique
def pilotage(request: HttpRequest) -> HttpResponse:
    """The instance de pilotage's dashboard: maquette, funnel, delays, territories."""
    formulaire_date, le = date_des_enveloppes(request.GET)
    donnees = tableaux.tableau_de_bord_pilotage(le)
    la_maquette, entonnoir, delais = donnees.maquette, donnees.entonnoir, donnees.delais
    repartition = donnees.territoires
    tableau_volets = exports.tableau_volets(la_maquette)
    tableau_entonnoir = exports.tableau_entonnoir(entonnoir)
    tableau_delais = exports.tableau_delais(delais)
    tableau_delais_versement = exports.tableau_delais_versement(donnees.delais_versement)
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
            "formulaire_date": formulaire_date,
            "requete_date": urlencode({"le": le.isoformat()}) if le else "",
            # Only its code and title are read: the file is built by the export view.
            "tableau_maquette_export": exports.Tableau(
                "maquette", "Maquette financière par volet et par signataire", [], []
            ),
            "entonnoir": entonnoir,
            "tableau_volets": tableau_volets,
            "tableau_entonnoir": tableau_entonnoir,
            "tableau_etats": exports.tableau_etats(entonnoir),
            "tableau_delais": tableau_delais,
            "tableau_delais_versement": tableau_delais_versement,
            "sections_territoires": sections_territoires,
            # Only its code and title are read: the file is built by the export task.
            "tableau_execution_territoires_export": exports.Tableau(
                "execution-territoires", "Exécution par territoire, volet et signataire", [], []
            ),
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
            "graphique_delais_versement": graphique(
                "graphique-delais-versement",
                "Délais de paiement : médiane et 90e centile",
                [
                    row
                    for d in donnees.delais_versement
                    if d.dossiers
                    for row in (
                        (f"{d.libelle} — médiane", d.mediane, jours(d.mediane), None),
                        (f"{d.libelle} — 90e centile", d.p90, jours(d.p90), GRIS),
                    )
                ],
            ),
        },
    )


@role_requis(Role.MEMBRE_PILOTAGE)
@lecture_replique
def enveloppes(request: HttpRequest) -> HttpResponse:
    """The envelopes of the signed contract and how each avenant revised them."""
    return render(
        request,
        "gouvernance/enveloppes.html",
        {
            "title": "Historique des enveloppes : contrat et avenants",
            "historique": historique_enveloppes(),
        },
    )


def _demander_export(request, page: str, tableau: str, format_: str) -> HttpResponse:
    if format_ not in FORMATS or not fichiers.existe(page, tableau):
        raise Http404("Tableau introuvable.")
    export = export_demander(
        par=request.user,
        page=page,
        tableau=tableau,
        format_=format_,
        parametres=request.GET.urlencode(),
    )
    return redirect("gouvernance:export", export.pk)


@role_requis(Role.MEMBRE_PILOTAGE)
@require_POST
@limiter("export")
def pilotage_export(request: HttpRequest, tableau: str, format_: str) -> HttpResponse:
    """Ask for a table of the pilotage dashboard as a file, written by a Celery task."""
    return _demander_export(request, PageExport.PILOTAGE, tableau, format_)


def _export_du_demandeur_ou_404(request, pk: int) -> Export:
    # Only its author sees an export: its figures are those of their scope.
    return get_object_or_404(Export, pk=pk, demandeur=request.user)


@role_requis(Role.MEMBRE_PILOTAGE, Role.MEMBRE_CONCERTATION)
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """Where an export stands; htmx asks again every second until the file is ready."""
    fiche = _export_du_demandeur_ou_404(request, pk)
    retour = (
        "gouvernance:pilotage" if fiche.page == PageExport.PILOTAGE else "gouvernance:territoire"
    )
    contexte = {"export": fiche, "retour": retour, "title": "Préparation d'un export"}
    if request.htmx:
        return render(request, "gouvernance/includes/_export_etat.html", contexte)
    return render(request, "gouvernance/export.html", contexte)


@role_requis(Role.MEMBRE_PILOTAGE, Role.MEMBRE_CONCERTATION)
def export_fichier(request: HttpRequest, pk: int) -> HttpResponse:
    fiche = _export_du_demandeur_ou_404(request, pk)
    if fiche.etat != EtatExport.PRET:
        raise Http404("Le fichier n'est pas prêt.")
    return servir_fichier(
        fiche.fichier, nom=fiche.nom_fichier, type_mime=exports.TYPES_MIME[fiche.format]
    )


# --- Concertation ---------------------------------------------------------------------------


def _mandat_ou_refus(request):
    mandat = perimetres.mandat_concertation(request.user)
    if mandat is None or mandat.territoire is None:
        return None
    return mandat


def _sans_mandat(request):
    return render(
        request,
        "gouvernance/territoire_sans_mandat.html",
        {"title": "Tableau de bord de mon territoire"},
    )


@role_requis(Role.MEMBRE_CONCERTATION)
@lecture_replique
def territoire(request: HttpRequest) -> HttpResponse:
    """What happens on the member's territory: public fields and amounts only."""
    mandat = _mandat_ou_refus(request)
    if mandat is None:
        return _sans_mandat(request)
    synthese = tableaux.synthese_territoire(mandat)
    filtres, liste = fichiers.dossiers_filtres(mandat, request.GET, valeurs=True, synthese=synthese)
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
            "tableau_execution": exports.tableau_execution_territoire(synthese),
            "tableau_entonnoir": exports.tableau_entonnoir_territoire(synthese),
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
@require_POST
@limiter("export")
def territoire_export(request: HttpRequest, tableau: str, format_: str) -> HttpResponse:
    """Ask for a table of the member's territory as a file (their filters kept)."""
    if _mandat_ou_refus(request) is None:
        raise Http404("Tableau introuvable.")
    return _demander_export(request, PageExport.TERRITOIRE, tableau, format_)


@role_requis(Role.MEMBRE_CONCERTATION)
def territoire_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """A dossier of the member's territory, its public fields, and the observations on it."""
    mandat = _mandat_ou_refus(request)
    if mandat is None:
        raise Http404("Dossier introuvable.")
    dossier = perimetres.dossier_du_territoire_ou_404(mandat, pk)
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

"""Agents' workbenches and dossier page, the porteur's complements and thread, notifications.

Every view: scoped fetch (404 outside scope) → form → service → message → redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cper import tableurs
from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role
from cper.forms import formulaire_vide
from cper.limites import limiter
from cper.pagination import paginer
from cper.referentiel.models import Guichet
from cper.requetes import ensemble
from cper.televersement.forms import designer_deposant
from cper.televersement.reponses import servir_fichier
from cper.vues import DEJA_EFFECTUEE, DEJA_FAIT, deja_effectuee
from dossiers.enums import EtatDossier as E
from dossiers.models import LigneFinancement
from dossiers.services.depot import DepotRefuse, guichets_proposes
from dossiers.services.papier import dossier_enregistrer_papier
from dossiers.services.structures import (
    AdhesionImpossible,
    demandes_adhesion_en_cours,
    structure_decider_adhesion,
)

from . import cofinancement as cofinancement_
from . import selectors, services
from .enums import Cote, SensAvis
from .extensions import blocs_agent, blocs_porteur
from .forms import (
    AffectationForm,
    AnnotationForm,
    ArbitrageForm,
    AvisCofinanceurForm,
    AvisForm,
    CloreForm,
    CompleterForm,
    ConclureForm,
    DemandeComplementsForm,
    FiltresForm,
    IrrecevableForm,
    MessageForm,
    PapierForm,
    RecevableForm,
    SelectionRecevableForm,
    TransfertForm,
    financeurs_pour_avis,
)
from .models import (
    Avis,
    AvisCofinanceur,
    Courrier,
    DemandeArbitrage,
    DemandeComplements,
    Message,
    PieceJointe,
    RapportInstruction,
)

PAR_PAGE = 25
# --- Workbenches ------------------------------------------------------------------------------


def _criteres(request, cles, volets=None):
    """The filter form, its cleaned data, the tab asked for (« à traiter » unless a state is
    filtered) among `cles` and the sort; `volets`: what reads the volets' choices."""
    filtres = FiltresForm(request.GET or None, volets=volets)
    criteres = filtres.cleaned_data if filtres.is_valid() else {}
    onglet = request.GET.get("onglet")
    if request.GET.get("attente") == "1":  # the former « en attente de mon avis » link
        onglet = selectors.A_TRAITER
    if onglet not in cles:
        onglet = selectors.TOUS if criteres.get("etat") else selectors.A_TRAITER
    if onglet not in cles:  # a list without tabs (the dossiers followed read only)
        onglet = next(iter(cles))
    # Closed dossiers: the latest first, unless another order is asked for.
    tri = criteres.get("tri") or ("-depot" if onglet == selectors.CLOS else "")
    return filtres, criteres, onglet, tri


def _file_filtree(request, onglets):
    """The filter form, the tab asked for, the sort and each tab's queryset with the filters
    applied (still lazy)."""
    filtres, criteres, onglet, tri = _criteres(request, onglets)
    filtrees = {
        cle: selectors.filtrer_selon(queryset, criteres, tri=tri, agent=request.user)
        for cle, queryset in onglets.items()
    }
    return filtres, onglet, tri, filtrees


def _onglets(request, onglet, comptes) -> list[dict]:
    parametres = request.GET.copy()
    for cle in ("onglet", "attente", "apres", "avant", "fin", "page"):
        parametres.pop(cle, None)
    liens = []
    for cle, libelle in selectors.LIBELLES_ONGLETS.items():
        if cle not in comptes:  # a list with fewer tabs
            continue
        parametres["onglet"] = cle
        liens.append(
            {
                "cle": cle,
                "libelle": libelle,
                "compte": comptes[cle],
                "url": "?" + parametres.urlencode(),
                "actif": cle == onglet,
            }
        )
    return liens


def _file(
    request,
    onglets,
    *,
    titre,
    modele,
    contexte=None,
    perimetre=None,
    partition=False,
    en_retard=True,
):
    """Tabs, filters, sort and a page of a queue; a fixed number of queries whatever its
    length, sent together (one round trip): the bounded counts of every tab in one query, the
    page, the overdue requests and the selects' choices.

    `onglets`: {tab: queryset} or a `selectors.Perimetre` (see `selectors.lire_file_envoyee`);
    `contexte`: the template's other variables, from the groupes techniques' choices
    (`contexte(groupes)`, read with the rest), else none; `perimetre`: the dossiers of the
    role's whole scope, from which the overdue requests are read (see
    `selectors.demandes_en_retard`); `partition`: the other tabs split « tous », whose count
    is then their sum; `en_retard`: whether the page lists the overdue requests."""
    cles = selectors.LIBELLES_ONGLETS if isinstance(onglets, selectors.Perimetre) else onglets
    with ensemble():
        volets, groupes = selectors.choix_envoyes(groupes=contexte is not None)
        filtres, criteres, onglet, tri = _criteres(request, cles, volets)
        lire = selectors.lire_file_envoyee(
            onglets,
            criteres,
            onglet=onglet,
            tri=tri,
            user=request.user,
            parametres=request.GET,
            par_page=PAR_PAGE,
            partition=partition,
        )
        lire_en_retard = (
            selectors.demandes_en_retard_envoyees(request.user, timezone.localdate(), perimetre)
            if en_retard
            else list
        )
        comptes, page = lire()
        # Each row's cells (days since filing, deadlines, avis) are built by the `lignes_file`
        # tag.
        return render(
            request,
            modele,
            {
                "title": titre,
                "filtres": filtres,
                "page": page,
                "total": comptes[onglet],
                "onglet": onglet,
                "onglets": _onglets(request, onglet, comptes),
                "formats_export": [("csv", "CSV"), ("xlsx", "Excel"), ("ods", "OpenDocument")],
                "en_retard": lire_en_retard(),
                **(contexte(groupes) if contexte else {}),
            },
        )


@role_requis(Role.AGENT_GUICHET, Role.INSTRUCTEUR)
def index(request: HttpRequest) -> HttpResponse:
    """The agents' entry point: the guichet's queue, or the groups' queue for instructors."""
    if request.user.a_le_role(Role.AGENT_GUICHET):
        return guichet(request)
    return groupes(request)


@role_requis(Role.AGENT_GUICHET)
def guichet(request: HttpRequest) -> HttpResponse:
    perimetre = selectors.perimetre_du_guichet(request.user)
    return _file(
        request,
        perimetre,
        titre="Dossiers déposés à mon guichet",
        modele="instruction/guichet.html",
        perimetre=perimetre,
        partition=True,
        # Shown, never validated here: its dossiers are those the rows' boxes post.
        contexte=lambda groupes: {"selection": SelectionRecevableForm(groupes=groupes)},
    )


@role_requis(Role.AGENT_GUICHET)
def guichet_lecture(request: HttpRequest) -> HttpResponse:
    """What the guichet follows without acting on it: filed at the other guichet only."""
    return _file(
        request,
        {selectors.TOUS: selectors.dossiers_en_lecture(request.user)},
        titre="Dossiers suivis en lecture",
        modele="instruction/guichet_lecture.html",
        en_retard=False,
    )


@role_requis(Role.INSTRUCTEUR)
def groupes(request: HttpRequest) -> HttpResponse:
    return _file(
        request,
        selectors.perimetre_des_groupes(request.user),
        titre="Dossiers de mes groupes techniques",
        modele="instruction/groupes.html",
        partition=True,
    )


COLONNES_EXPORT = [
    ("Numéro", "numero"),
    ("Intitulé", "intitule"),
    ("Structure porteuse", "structure"),
    ("Volet", "volet"),
    ("État", "etat"),
    ("Déposé le", "depose_le"),
    ("Groupe technique", "groupe"),
    ("Avis État", "avis_etat"),
    ("Avis Région", "avis_region"),
    ("Compléments attendus le", "echeance"),
    ("Suivi par", "suivi_par"),
]
# An export is a queue, not the whole database: beyond this, narrow the filters.
EXPORT_MAXIMUM = 5000


def _exporter(request, onglets, *, prefixe, format_):
    """The current tab with its filters and sort, as CSV, XLSX or ODS (two queries)."""
    if format_ not in tableurs.FORMATS:
        raise Http404("Format inconnu.")
    _filtres, onglet, _tri, filtrees = _file_filtree(request, onglets)
    lignes = []
    for dossier in selectors.annoter_file(filtrees[onglet])[:EXPORT_MAXIMUM]:
        lignes.append(
            [
                dossier.numero,
                dossier.intitule,
                dossier.structure.raison_sociale,
                dossier.volet.intitule if dossier.volet else None,
                dossier.get_etat_display(),
                timezone.localtime(dossier.depose_le).date() if dossier.depose_le else None,
                dossier.groupe_nom,
                SensAvis(dossier.avis_etat).label if dossier.avis_etat else None,
                SensAvis(dossier.avis_region).label if dossier.avis_region else None,
                dossier.echeance_complements,
                dossier.suivi_par_nom,
            ]
        )
    feuille = tableurs.Feuille(
        titre=selectors.LIBELLES_ONGLETS[onglet],
        entetes=[libelle for libelle, _ in COLONNES_EXPORT],
        lignes=lignes,
    )
    nom = f"cper-{prefixe}-{onglet}-{timezone.localdate():%Y-%m-%d}.{format_}"
    reponse = HttpResponse(
        tableurs.contenu(feuille, format_), content_type=tableurs.FORMATS[format_]
    )
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


@role_requis(Role.AGENT_GUICHET)
def guichet_export(request: HttpRequest, format_: str) -> HttpResponse:
    dossiers = selectors.file_du_guichet(request.user)
    return _exporter(
        request, selectors.onglets_guichet(dossiers), prefixe="guichet", format_=format_
    )


@role_requis(Role.INSTRUCTEUR)
def groupes_export(request: HttpRequest, format_: str) -> HttpResponse:
    return _exporter(
        request,
        selectors.onglets_groupes(request.user),
        prefixe="groupes",
        format_=format_,
    )


@role_requis(Role.AGENT_GUICHET, Role.INSTRUCTEUR)
def affecter(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the dossier to a colleague (GET: the choice; POST: the assignment)."""
    dossier = selectors.dossier_pour_agent_ou_404(request.user, pk)
    collegues = selectors.collegues(request.user, dossier)
    en_cours = dossier.affectations.filter(en_cours=True).first()
    form = AffectationForm(
        request.POST if request.method == "POST" else None,
        collegues=collegues,
        initial={"agent": en_cours.agent_id if en_cours else None},
    )
    if request.method == "POST" and form.is_valid():
        agent = form.cleaned_data["agent"]
        try:
            services.dossier_affecter(dossier=dossier, par=request.user, agent=agent)
        except PermissionDenied:
            raise Http404("Dossier introuvable.") from None
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            if agent is None:
                messages.success(request, "Le dossier n'est plus confié à personne.")
            else:
                messages.success(
                    request, f"Dossier confié à {agent.get_full_name() or agent.email}."
                )
            return redirect("instruction:dossier", dossier.pk)
    return render(
        request,
        "instruction/action.html",
        {
            "title": f"Confier le dossier — dossier {dossier.numero}",
            "titre": "Confier le dossier à un collègue",
            "dossier": dossier,
            "form": form,
        },
    )


@role_requis(Role.AGENT_GUICHET)
@require_POST
def recevables_en_lot(request: HttpRequest) -> HttpResponse:
    """Declare several dossiers recevable into the same groupe technique."""
    dossiers = selectors.dossiers_du_guichet(request.user).filter(etat=E.DEPOSE)
    form = SelectionRecevableForm(request.POST, dossiers=dossiers)
    if not form.is_valid():
        messages.error(request, "Choisissez au moins un dossier déposé et un groupe technique.")
        return redirect("instruction:guichet")
    faits, deja = 0, 0
    for dossier in form.cleaned_data["dossiers"]:
        try:
            services.dossier_declarer_recevable(
                dossier=dossier,
                par=request.user,
                groupe_technique=form.cleaned_data["groupe_technique"],
                commentaire=form.cleaned_data["commentaire"],
            )
            faits += 1
        except (*DEJA_FAIT, PermissionDenied):
            deja += 1
    messages.success(request, f"{faits} dossier(s) déclaré(s) recevable(s).")
    if deja:
        messages.warning(request, f"Action déjà effectuée pour {deja} dossier(s).")
    return redirect("instruction:guichet")


@role_requis(Role.AGENT_GUICHET)
@limiter("fichier")
def enregistrer_papier(request: HttpRequest) -> HttpResponse:
    """Register a demand received on paper, on behalf of its structure."""
    guichets = list(Guichet.objects.filter(groupe__user=request.user).order_by("nom"))
    form = PapierForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        guichets=guichets,
        initial={"recu_le": timezone.localdate()},
    )
    designer_deposant(form, request.user)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = dossier_enregistrer_papier(
                par=request.user,
                guichet=form.cleaned_data["guichet"],
                structure=form.cleaned_data["structure"],
                intitule=form.cleaned_data["intitule"],
                volet=form.cleaned_data["volet"],
                communes=form.cleaned_data["communes"],
                recu_le=form.cleaned_data["recu_le"],
                pieces=form.pieces(),
                email_porteur=form.cleaned_data["email_porteur"],
            )
        except PermissionDenied:
            raise Http404("Guichet introuvable.") from None
        except (DepotRefuse, ValidationError) as refus:
            form.add_error(None, refus.messages if hasattr(refus, "messages") else str(refus))
        else:
            messages.success(
                request,
                f"Le dossier papier est enregistré sous le numéro {dossier.numero}, déposé le "
                f"{form.cleaned_data['recu_le']:%d/%m/%Y} ; le récépissé est en préparation.",
            )
            return redirect("instruction:dossier", dossier.pk)
    return render(
        request,
        "instruction/papier.html",
        {"title": "Enregistrer un dossier reçu sur papier", "form": form},
    )


# --- The dossier as agents see it -----------------------------------------------------------


@role_requis(Role.AGENT_GUICHET, Role.INSTRUCTEUR)
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_dossier_agent(request.user, pk)
    services.messages_marquer_lus(messages=page.non_lus, par=request.user)
    return render(
        request,
        "instruction/dossier.html",
        {
            "title": f"Dossier {page.dossier.numero}",
            **page.contexte(),
            "form_message": formulaire_vide(MessageForm),
            "form_annotation": formulaire_vide(AnnotationForm),
            # Blocks of higher floors (the decision history, the acts and payments).
            "blocs": blocs_agent(request, page.dossier),
        },
    )


def _action(request, pk, *, fetch, form_class, titre, modele, service, succes, initial=None):
    """Confirmation page (GET) and the action itself (POST) for one transition."""
    dossier = fetch(request.user, pk)
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial=(initial(dossier) if initial else None),
    )
    if request.method == "POST" and form.is_valid():
        try:
            service(dossier, form.cleaned_data)
        except DEJA_FAIT:
            return deja_effectuee(request, "instruction:dossier", dossier.pk)
        except PermissionDenied:
            raise Http404("Dossier introuvable.") from None
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, succes)
            return redirect("instruction:dossier", dossier.pk)
    return render(
        request,
        modele,
        {
            "title": f"{titre} — dossier {dossier.numero}",
            "titre": titre,
            "dossier": dossier,
            "form": form,
        },
    )


@role_requis(Role.AGENT_GUICHET)
def declarer_recevable(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        fetch=selectors.dossier_du_guichet_ou_404,
        form_class=RecevableForm,
        titre="Déclarer le dossier recevable",
        modele="instruction/action.html",
        initial=lambda d: {"groupe_technique": selectors.groupe_par_defaut(d)},
        service=lambda d, data: services.dossier_declarer_recevable(
            dossier=d,
            par=request.user,
            groupe_technique=data["groupe_technique"],
            commentaire=data["commentaire"],
        ),
        succes=(
            "Le dossier est recevable et confié au groupe technique ; le porteur et le groupe "
            "en seront avertis par courriel dans quelques minutes."
        ),
    )


@role_requis(Role.AGENT_GUICHET)
def rerouter(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a dossier in instruction to another groupe technique (logged like every routing)."""
    return _action(
        request,
        pk,
        fetch=selectors.dossier_du_guichet_ou_404,
        form_class=RecevableForm,
        titre="Changer de groupe technique",
        modele="instruction/action.html",
        initial=lambda d: {"groupe_technique": selectors.groupe_en_charge(d)},
        service=lambda d, data: services.dossier_rerouter(
            dossier=d,
            par=request.user,
            groupe_technique=data["groupe_technique"],
            commentaire=data["commentaire"],
        ),
        succes="Le dossier est confié au groupe technique choisi.",
    )


@role_requis(Role.AGENT_GUICHET)
def transferer(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a dossier filed at the wrong guichet to the competent one."""
    dossier = selectors.dossier_du_guichet_ou_404(request.user, pk)
    proposes, _ = guichets_proposes(dossier)
    form = TransfertForm(
        request.POST if request.method == "POST" else None,
        guichets=[g for g in proposes if g.pk != dossier.guichet_id],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_transferer(
                dossier=dossier,
                par=request.user,
                guichet=form.cleaned_data["guichet"],
                motif=form.cleaned_data["motif"],
            )
        except DEJA_FAIT:
            return deja_effectuee(request, "instruction:guichet")
        except PermissionDenied:
            raise Http404("Dossier introuvable.") from None
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(
                request,
                f"Le dossier {dossier.numero} est transmis au guichet "
                f"« {form.cleaned_data['guichet']} » ; le porteur en est informé.",
            )
            return redirect("instruction:guichet")
    return render(
        request,
        "instruction/action.html",
        {
            "title": f"Transmettre au guichet compétent — dossier {dossier.numero}",
            "titre": "Transmettre le dossier au guichet compétent",
            "dossier": dossier,
            "form": form,
        },
    )


@role_requis(Role.AGENT_GUICHET)
def declarer_irrecevable(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        fetch=selectors.dossier_du_guichet_ou_404,
        form_class=IrrecevableForm,
        titre="Déclarer le dossier irrecevable",
        modele="instruction/action.html",
        service=lambda d, data: services.dossier_declarer_irrecevable(
            dossier=d, par=request.user, motif=data["motif"]
        ),
        succes="Le dossier est déclaré irrecevable ; le porteur en est informé.",
    )


@role_requis(Role.AGENT_GUICHET)
def clore(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an incomplete dossier past its complements deadline (sans suite or irrecevable)."""
    return _action(
        request,
        pk,
        fetch=selectors.dossier_du_guichet_ou_404,
        form_class=CloreForm,
        titre="Clore le dossier incomplet",
        modele="instruction/action.html",
        service=lambda d, data: services.dossier_clore_incomplet(
            dossier=d, par=request.user, issue=data["issue"], motif=data["motif"]
        ),
        succes="Le dossier est clos ; le porteur en est informé et reçoit le courrier motivé.",
    )


@role_requis(Role.AGENT_GUICHET, Role.INSTRUCTEUR)
def demander_complements(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        fetch=selectors.dossier_pour_agent_ou_404,
        form_class=DemandeComplementsForm,
        titre="Demander des compléments",
        modele="instruction/action.html",
        service=lambda d, data: services.dossier_demander_complements(
            dossier=d,
            par=request.user,
            motif=data["motif"],
            pieces=data["pieces"],
            echeance=data["echeance"],
        ),
        succes=(
            "La demande de compléments est envoyée au porteur ; il en sera averti par courriel "
            "dans quelques minutes."
        ),
    )


@role_requis(Role.INSTRUCTEUR)
def conclure_instruction(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        fetch=selectors.dossier_des_groupes_ou_404,
        form_class=ConclureForm,
        titre="Conclure l'instruction",
        modele="instruction/action.html",
        service=lambda d, data: services.dossier_conclure_instruction(
            dossier=d, par=request.user, commentaire=data["commentaire"]
        ),
        succes="L'instruction est conclue ; le rapport d'instruction est en préparation.",
    )


@role_requis(Role.INSTRUCTEUR)
def avis(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.dossier_des_groupes_ou_404(request.user, pk)
    cote = selectors.cote_de(request.user, dossier)
    if cote is None:
        raise Http404("Dossier introuvable.")
    existant = Avis.objects.filter(dossier=dossier, cote=cote).first()
    initial = {}
    if existant:
        initial = {"sens": existant.sens, "motivation": existant.motivation}
        initial.update({f"montant_{m.financeur_id}": m.montant for m in existant.montants.all()})
    form = AvisForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        financeurs=financeurs_pour_avis(dossier),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.avis_donner(
                dossier=dossier,
                par=request.user,
                sens=form.cleaned_data["sens"],
                motivation=form.cleaned_data["motivation"],
                montants=form.montants(),
            )
        except DEJA_FAIT:
            return deja_effectuee(request, "instruction:dossier", dossier.pk)
        except PermissionDenied:
            raise Http404("Dossier introuvable.") from None
        messages.success(request, f"L'avis {Cote(cote).label} est enregistré.")
        return redirect("instruction:dossier", dossier.pk)
    return render(
        request,
        "instruction/avis.html",
        {
            "title": f"Avis {Cote(cote).label} — dossier {dossier.numero}",
            "dossier": dossier,
            "cote": Cote(cote),
            "form": form,
            "lignes": LigneFinancement.objects.filter(dossier=dossier).select_related("financeur"),
            "historique": selectors.historique_avis(dossier).filter(cote=cote)[:10],
        },
    )


@role_requis(Role.AGENT_GUICHET, Role.INSTRUCTEUR)
def historique_avis(request: HttpRequest, pk: int) -> HttpResponse:
    """Every edit of the dossier's avis, how they diverge, and the arbitration asked for."""
    dossier = selectors.dossier_pour_agent_ou_404(request.user, pk)
    lignes = selectors.plan_compare([dossier.pk]).get(dossier.pk, [])
    divergences = selectors.divergences(dossier, lignes=lignes)
    arbitrages = list(
        DemandeArbitrage.objects.filter(dossier=dossier).select_related("demandee_par")
    )
    instructeur = selectors.cote_de(request.user, dossier) is not None
    return render(
        request,
        "instruction/historique_avis.html",
        {
            "title": f"Historique des avis — dossier {dossier.numero}",
            "dossier": dossier,
            "lignes": lignes,
            "divergences": divergences,
            "historique": selectors.historique_avis(dossier),
            "arbitrages": arbitrages,
            "peut_demander_arbitrage": instructeur
            and divergences.divergent
            and dossier.etat in (E.EN_INSTRUCTION, E.INSTRUIT)
            and not any(a.tranchee_le is None for a in arbitrages),
        },
    )


@role_requis(Role.INSTRUCTEUR)
def arbitrage(request: HttpRequest, pk: int) -> HttpResponse:
    """The groupe technique asks the pilotage secretariat to arbitrate between its avis."""
    dossier = selectors.dossier_des_groupes_ou_404(request.user, pk)
    if selectors.cote_de(request.user, dossier) is None:
        raise Http404("Dossier introuvable.")
    form = ArbitrageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.arbitrage_demander(
                dossier=dossier, par=request.user, motif=form.cleaned_data["motif"]
            )
        except DEJA_FAIT:
            return deja_effectuee(request, "instruction:historique_avis", dossier.pk)
        except PermissionDenied:
            raise Http404("Dossier introuvable.") from None
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(
                request,
                "L'arbitrage est demandé au secrétariat de l'instance de pilotage : il figurera "
                "à l'ordre du jour de la séance qui décidera du dossier.",
            )
            return redirect("instruction:historique_avis", dossier.pk)
    return render(
        request,
        "instruction/arbitrage.html",
        {
            "title": f"Demander un arbitrage — dossier {dossier.numero}",
            "dossier": dossier,
            "form": form,
        },
    )


@role_requis(Role.INSTRUCTEUR)
def cofinancement(request: HttpRequest) -> HttpResponse:
    """The dossiers co-financed by the agent's collectivité, with the avis given on them."""
    page = paginer(
        cofinancement_.file_cofinanceur(request.user),
        request.GET,
        ordre=["-depose_le", "-pk"],
        par_page=PAR_PAGE,
    )
    for dossier in page:
        for champ in ("sens_etat", "sens_region", "sens_cofinanceur"):
            code = getattr(dossier, champ)
            setattr(dossier, champ, SensAvis(code).label if code else None)
    return render(
        request,
        "instruction/cofinancement.html",
        {
            "title": "Dossiers cofinancés",
            "page": page,
            "financeurs": list(cofinancement_.financeurs_de(request.user)),
        },
    )


@role_requis(Role.INSTRUCTEUR)
def avis_cofinanceur(request: HttpRequest, pk: int) -> HttpResponse:
    """The optional avis of a co-financing signatory, beside the État and Région avis."""
    dossier = cofinancement_.dossier_cofinance_ou_404(request.user, pk)
    financeur = cofinancement_.financeur_du_dossier(request.user, dossier)
    existant = AvisCofinanceur.objects.filter(dossier=dossier, financeur=financeur).first()
    initial = {}
    if existant:
        initial = {
            "sens": existant.sens,
            "motivation": existant.motivation,
            "montant": existant.montant,
        }
    form = AvisCofinanceurForm(request.POST or None, initial=initial)
    if request.method == "POST" and dossier.etat != E.EN_INSTRUCTION:
        return deja_effectuee(request, "instruction:avis_cofinanceur", dossier.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.avis_cofinanceur_donner(
                dossier=dossier,
                par=request.user,
                sens=form.cleaned_data["sens"],
                motivation=form.cleaned_data["motivation"],
                montant=form.cleaned_data["montant"],
            )
        except DEJA_FAIT:
            return deja_effectuee(request, "instruction:avis_cofinanceur", dossier.pk)
        except PermissionDenied:
            raise Http404("Dossier introuvable.") from None
        messages.success(request, f"L'avis — {financeur.nom} est enregistré.")
        return redirect("instruction:avis_cofinanceur", dossier.pk)
    avis = {a.cote: a for a in Avis.objects.filter(dossier=dossier, cote__in=Cote.values)}
    return render(
        request,
        "instruction/avis_cofinanceur.html",
        {
            "title": f"Avis — {financeur.nom} — dossier {dossier.numero}",
            "dossier": dossier,
            "financeur": financeur,
            "form": form,
            "modifiable": dossier.etat == E.EN_INSTRUCTION,
            "avis_etat": avis.get(Cote.ETAT),
            "avis_region": avis.get(Cote.REGION),
            "lignes": LigneFinancement.objects.filter(dossier=dossier).select_related("financeur"),
            "historique": selectors.historique_avis(dossier).filter(financeur=financeur)[:10],
        },
    )


@role_requis(Role.AGENT_GUICHET, Role.INSTRUCTEUR)
@require_POST
def annoter(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.dossier_pour_agent_ou_404(request.user, pk)
    form = AnnotationForm(request.POST)
    if form.is_valid():
        services.annotation_ajouter(
            dossier=dossier, par=request.user, texte=form.cleaned_data["texte"]
        )
        messages.success(request, "Annotation enregistrée.")
    else:
        messages.error(request, "L'annotation est vide.")
    return redirect("instruction:dossier", dossier.pk)


@role_requis(Role.AGENT_GUICHET, Role.INSTRUCTEUR)
@require_POST
@limiter("fichier")
def ecrire_agent(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.dossier_pour_agent_ou_404(request.user, pk)
    return _ecrire(request, dossier, "instruction:dossier")


def _erreurs(form) -> str:
    return " ".join(str(e) for erreurs in form.errors.values() for e in erreurs)


def _ecrire(request, dossier, retour):
    form = MessageForm(request.POST, request.FILES)
    designer_deposant(form, request.user)
    if form.is_valid():
        pieces = [form.cleaned_data["piece_jointe"]] if form.cleaned_data["piece_jointe"] else []
        services.message_envoyer(
            dossier=dossier,
            par=request.user,
            texte=form.cleaned_data["texte"],
            pieces_jointes=pieces,
        )
        messages.success(
            request,
            "Message envoyé ; ses destinataires en seront avertis par courriel dans "
            "quelques minutes.",
        )
    elif "piece_jointe" in form.errors:
        messages.error(
            request, f"Message non envoyé : pièce jointe refusée. {_erreurs(form)}".strip()
        )
    else:
        messages.error(request, "Le message est vide.")
    return redirect(retour, dossier.pk)


@role_requis(Role.AGENT_GUICHET, Role.INSTRUCTEUR, Role.MEMBRE_PILOTAGE)
def rapport(request: HttpRequest, pk: int) -> HttpResponse:
    """The rapport d'instruction, for agents of the dossier and the pilotage body."""
    if request.user.a_le_role(Role.MEMBRE_PILOTAGE):
        rapport = get_object_or_404(RapportInstruction, dossier=pk)
    else:
        dossier = selectors.dossier_pour_agent_ou_404(request.user, pk)
        rapport = get_object_or_404(RapportInstruction, dossier=dossier)
    if not rapport.fichier:
        raise Http404("Le rapport n'est pas encore prêt.")
    return servir_fichier(
        rapport.fichier,
        nom=f"rapport-instruction-{rapport.dossier_id}.pdf",
        type_mime="application/pdf",
    )


def courrier(request: HttpRequest, pk: int) -> HttpResponse:
    """A letter to the porteur (PDF), for the dossier's agents and its structure's members."""
    lettre = selectors.courrier_visible_ou_404(request.user, pk)
    if not lettre.fichier:
        raise Http404("Le courrier n'est pas encore prêt.")
    return servir_fichier(
        lettre.fichier,
        nom=f"{lettre.type}-{lettre.dossier_id}.pdf",
        type_mime="application/pdf",
    )


def piece_jointe(request: HttpRequest, pk: int) -> HttpResponse:
    """An attachment of a message, for whoever may read the thread."""
    pj = get_object_or_404(PieceJointe.objects.select_related("message"), pk=pk)
    dossier_pk = pj.message.dossier_id
    visible = (
        selectors.dossiers_des_agents(request.user).filter(pk=dossier_pk).exists()
        or selectors.dossiers_du_porteur(request.user).filter(pk=dossier_pk).exists()
    )
    if not visible:
        raise Http404("Pièce introuvable.")
    return servir_fichier(
        pj.fichier,
        nom=pj.nom_original,
        type_mime=pj.type_mime,
        statut_antivirus=pj.statut_antivirus,
    )


# --- The structure behind the dossier: verification and requests to join --------------------


def _dossier_de_mon_guichet_ou_404(request, pk):
    dossier = selectors.dossier_pour_agent_ou_404(request.user, pk)
    if not (dossier.agent_du_guichet and request.user.a_le_role(Role.AGENT_GUICHET)):
        raise Http404("Dossier introuvable.")
    return dossier


@role_requis(Role.AGENT_GUICHET)
@require_POST
def verifier_structure(request: HttpRequest, pk: int) -> HttpResponse:
    """The guichet agent confirms the structure that filed the dossier."""
    dossier = _dossier_de_mon_guichet_ou_404(request, pk)
    if services.dossier_verifier_structure(dossier=dossier, par=request.user):
        messages.success(request, "La structure porteuse est vérifiée.")
    else:
        messages.info(request, "La structure porteuse était déjà vérifiée.")
    return redirect("instruction:dossier", dossier.pk)


@role_requis(Role.AGENT_GUICHET)
def adhesions(request: HttpRequest, pk: int) -> HttpResponse:
    """Requests to join the dossier's structure, for the agent of its guichet to decide."""
    dossier = _dossier_de_mon_guichet_ou_404(request, pk)
    if request.method == "POST":
        demande = get_object_or_404(
            demandes_adhesion_en_cours(dossier.structure), pk=request.POST.get("demande") or 0
        )
        accepter = request.POST.get("decision") == "accepter"
        try:
            structure_decider_adhesion(demande=demande, par=request.user, accepter=accepter)
        except AdhesionImpossible as refus:
            messages.warning(request, str(refus))
        else:
            messages.success(
                request,
                f"La demande de {demande.demandeur.email} est "
                + ("acceptée." if accepter else "refusée ; la personne en est informée."),
            )
        return redirect("instruction:adhesions", dossier.pk)
    return render(
        request,
        "instruction/adhesions.html",
        {
            "title": "Demandes pour rejoindre la structure",
            "dossier": dossier,
            "demandes": demandes_adhesion_en_cours(dossier.structure),
        },
    )


# --- The porteur's side -----------------------------------------------------------------------


def lien_echanges(dossier) -> dict:
    """The porteur's way from their dossier page to the exchanges with the administration."""
    incomplet = dossier.etat == E.INCOMPLET
    return {
        "libelle": (
            "Répondre à la demande de compléments"
            if incomplet
            else "Échanges avec l'administration"
        ),
        "url": reverse("instruction:porteur_dossier", args=[dossier.pk]),
        "principal": incomplet,
    }


@role_requis(Role.PORTEUR)
def porteur_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """What the administration asks and says; never its private annotations."""
    dossier = selectors.dossier_du_porteur_ou_404(request.user, pk)
    fil = list(
        Message.objects.filter(dossier=dossier)
        .select_related("auteur")
        .prefetch_related("pieces_jointes")
    )
    services.messages_marquer_lus(messages=fil, par=request.user)
    demande = selectors.demande_ouverte(dossier) if dossier.etat == E.INCOMPLET else None
    return render(
        request,
        "instruction/porteur_dossier.html",
        {
            "title": f"Dossier {dossier.numero}",
            "dossier": dossier,
            "demande": demande,
            "form_completer": CompleterForm() if demande else None,
            "demandes": DemandeComplements.objects.filter(dossier=dossier),
            "courriers": Courrier.objects.filter(dossier=dossier),
            "fil": fil,
            "form_message": MessageForm(),
            # Blocks of higher layers (the decision of the instance de pilotage).
            "blocs": blocs_porteur(request, dossier),
        },
    )


@role_requis(Role.PORTEUR)
@require_POST
@limiter("fichier")
def completer(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.dossier_du_porteur_ou_404(request.user, pk)
    form = CompleterForm(request.POST, request.FILES)
    designer_deposant(form, request.user)
    if form.is_valid():
        pieces = []
        if form.cleaned_data["fichier"]:
            pieces = [(form.cleaned_data["type_piece"] or "autre", form.cleaned_data["fichier"])]
        try:
            services.dossier_completer(
                dossier=dossier,
                par=request.user,
                reponse=form.cleaned_data["reponse"],
                pieces=pieces,
            )
        except DEJA_FAIT:
            messages.warning(request, DEJA_EFFECTUEE)
        except PermissionDenied:
            raise Http404("Dossier introuvable.") from None
        else:
            messages.success(
                request,
                "Vos compléments sont transmis ; l'instruction reprend et les agents en seront "
                "avertis par courriel dans quelques minutes.",
            )
        return redirect("instruction:porteur_dossier", dossier.pk)
    if "fichier" in form.errors:
        messages.error(
            request,
            f"Compléments non transmis : pièce refusée. {_erreurs(form)} Votre dossier n'a "
            "pas changé.",
        )
    else:
        messages.error(request, "Écrivez une réponse pour transmettre vos compléments.")
    return redirect("instruction:porteur_dossier", dossier.pk)


@role_requis(Role.PORTEUR)
@require_POST
@limiter("fichier")
def ecrire_porteur(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.dossier_du_porteur_ou_404(request.user, pk)
    return _ecrire(request, dossier, "instruction:porteur_dossier")

"""Séances of the instance de pilotage: agenda, convocation, decisions, closing, what-if.

Members of the instance de pilotage see the séances; only its secretariat acts (403 otherwise:
the séances are no secret to a member). Every view: fetch → form → service → message → redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role
from cper.pagination import paginer
from cper.requetes import ensemble
from cper.televersement.reponses import servir_fichier
from cper.vues import DEJA_FAIT, deja_effectuee
from gouvernance.enums import EtatSeance, SensDecision
from gouvernance.forms.seances import (
    DecisionForm,
    OrdreDuJourForm,
    RechercheCandidatsForm,
    SeanceForm,
    SimulationForm,
)
from gouvernance.models import MontantSimule, Seance
from gouvernance.selectors import instances
from gouvernance.selectors import seances as selectors
from gouvernance.selectors import simulation as what_if
from gouvernance.services import seances as services
from instruction.selectors import plan_compare


def _erreurs(erreur: ValidationError) -> str:
    return " ".join(erreur.messages)


SEANCES_PAR_PAGE = 25


@role_requis(Role.MEMBRE_PILOTAGE)
def seances(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "gouvernance/seances/liste.html",
        {
            "title": "Séances de l'instance de pilotage",
            "page": paginer(
                selectors.seances(), request.GET, ordre=["-date", "-pk"], par_page=SEANCES_PAR_PAGE
            ),
            "secretariat": selectors.est_secretariat(request.user),
        },
    )


@role_requis(Role.MEMBRE_PILOTAGE)
def nouvelle_seance(request: HttpRequest) -> HttpResponse:
    if not selectors.est_secretariat(request.user):
        raise PermissionDenied
    form = SeanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        seance = services.seance_creer(
            par=request.user, date=form.cleaned_data["date"], lieu=form.cleaned_data["lieu"]
        )
        messages.success(request, "La séance est créée : composez son ordre du jour.")
        return redirect("gouvernance:seance", seance.pk)
    return render(
        request, "gouvernance/seances/nouvelle.html", {"title": "Nouvelle séance", "form": form}
    )


@role_requis(Role.MEMBRE_PILOTAGE)
def seance(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda with everything needed to decide; in preparation, the agenda form."""
    seance = selectors.seance_ou_404(request.user, pk, page=True)
    preparation = seance.etat == EtatSeance.PREPARATION
    form = None
    if request.method == "POST":
        if preparation and seance.secretariat:
            form = _form_ordre_du_jour(request, seance)
            if form.is_valid():
                try:
                    n = services.ordre_du_jour_enregistrer(
                        seance=seance, par=request.user, dossiers=form.paires()
                    )
                except DEJA_FAIT:
                    return deja_effectuee(request, "gouvernance:seance", seance.pk)
                except ValidationError as erreur:
                    form.add_error(None, erreur)
                else:
                    messages.success(request, f"L'ordre du jour est enregistré ({n} point(s)).")
                    return redirect("gouvernance:seance", seance.pk)
        elif not seance.secretariat:
            raise PermissionDenied
        else:
            # The agenda is frozen once the members are convoked.
            return deja_effectuee(request, "gouvernance:seance", seance.pk)
        points = selectors.agenda(seance, request.user)
    else:
        # The candidates', the items' and their plan's queries in one round trip: PostgreSQL
        # reads the items while the form is built from the candidates, the plan while the
        # items are built.
        with ensemble():
            candidats = (
                _candidats_envoyes(request, seance) if preparation and seance.secretariat else None
            )
            envoi = selectors.agenda_envoye(seance)
            if candidats is not None:
                form = _form_ordre_du_jour(request, seance, candidats)
            points = selectors.agenda(seance, request.user, envoi=envoi)
    # The attendance is taken once the members are convoked: none to show in preparation.
    presences, quorum = (
        ([], None)
        if preparation
        else instances.feuille_de_presence(seance, nb_votants=seance.nb_votants)
    )
    return render(
        request,
        "gouvernance/seances/seance.html",
        {
            "title": str(seance),
            "seance": seance,
            "points": points,
            "presences": presences,
            "quorum": quorum,
            "form": form,
            "restants": sum(1 for p in points if p.a_decider),
        },
    )


# A page of candidates, as the workbenches and the séances list show 25 rows at a time: the
# secretariat narrows by volet or words, or goes on to the next ones (at 50, their rows took
# a ninth of the page's time).
CANDIDATS_AFFICHES = 25


def _candidats_envoyes(request, seance):
    """The search of the agenda form's candidates (kept in the query string, the same on GET
    and POST) and its query sent (`selectors.candidats_envoyes`): (search form, what reads
    the candidates)."""
    recherche = RechercheCandidatsForm(request.GET or None, volets=selectors.volets_lus(seance))
    criteres = recherche.cleaned_data if recherche.is_valid() else {}
    return recherche, selectors.candidats_envoyes(
        seance,
        volet=criteres.get("volet"),
        mots=criteres.get("q"),
        limite=CANDIDATS_AFFICHES + 1,
        apres=request.GET.get("candidats_apres", "")[:20] or None,
    )


def _form_ordre_du_jour(request, seance, candidats=None):
    """The agenda form: the items already on it, and at most `CANDIDATS_AFFICHES` candidates
    matching the search (`candidats`: what `_candidats_envoyes` gave, else read here).

    A contract has hundreds of instruit dossiers at a time: the secretariat narrows them by volet
    or by words (number, intitulé, structure) rather than scrolling through them all. The same
    search (kept in the query string) builds the form on GET and POST.
    """
    recherche, lire = candidats or _candidats_envoyes(request, seance)
    dossiers = list(lire())
    inscrits = {d.pk: d.ordre_inscrit for d in dossiers if d.ordre_inscrit is not None}
    # The agenda's items come first; the one candidate past the limit only tells there are more.
    en_plus = len(dossiers) - len(inscrits) > CANDIDATS_AFFICHES
    form = OrdreDuJourForm(
        request.POST if request.method == "POST" else None,
        dossiers=dossiers[:-1] if en_plus else dossiers,
        inscrits=inscrits,
    )
    form.recherche = recherche
    form.candidats_en_plus = en_plus
    form.candidats_suivants = None
    form.candidats_premiers = None
    candidats = [d for d in dossiers[: len(dossiers) - en_plus] if d.ordre_inscrit is None]
    parametres = request.GET.copy()
    parametres.pop("candidats_apres", None)
    if en_plus and candidats:
        parametres["candidats_apres"] = candidats[-1].numero
        form.candidats_suivants = "?" + parametres.urlencode()
        parametres.pop("candidats_apres")
    if request.GET.get("candidats_apres"):
        form.candidats_premiers = "?" + parametres.urlencode()
    form.candidats_affiches = CANDIDATS_AFFICHES
    return form


def _confirmer(request, seance, *, titre, texte, bouton, service, succes):
    """Confirmation page (GET), then the action (POST) for the secretariat."""
    if not seance.secretariat:
        raise PermissionDenied
    if request.method == "POST":
        try:
            resultat = service()
        except DEJA_FAIT:
            return deja_effectuee(request, "gouvernance:seance", seance.pk)
        except ValidationError as erreur:
            messages.error(request, _erreurs(erreur))
        else:
            messages.success(request, succes(resultat) if callable(succes) else succes)
        return redirect("gouvernance:seance", seance.pk)
    return render(
        request,
        "gouvernance/seances/confirmer.html",
        {"title": titre, "titre": titre, "texte": texte, "bouton": bouton, "seance": seance},
    )


@role_requis(Role.MEMBRE_PILOTAGE)
def convoquer(request: HttpRequest, pk: int) -> HttpResponse:
    seance = selectors.seance_ou_404(request.user, pk)
    return _confirmer(
        request,
        seance,
        titre="Convoquer les membres",
        texte=(
            "Chaque membre de l'instance de pilotage recevra par courriel la convocation, "
            "avec l'ordre du jour en PDF. L'ordre du jour ne pourra plus être modifié."
        ),
        bouton="Convoquer les membres",
        service=lambda: services.seance_convoquer(seance=seance, par=request.user),
        succes=(
            "Les membres sont convoqués ; la convocation leur sera envoyée par courriel dans "
            "quelques minutes."
        ),
    )


@role_requis(Role.MEMBRE_PILOTAGE)
def programmer_restants(request: HttpRequest, pk: int) -> HttpResponse:
    seance = selectors.seance_ou_404(request.user, pk)

    def succes(resultat):
        faits, laisses = resultat
        texte = f"{faits} dossier(s) programmé(s) aux montants proposés."
        if laisses:
            texte += " À décider un par un : " + ", ".join(laisses) + "."
        return texte

    return _confirmer(
        request,
        seance,
        titre="Programmer tous les points restants aux montants proposés",
        texte=(
            "Chaque point encore sans décision sera programmé, pour chaque financeur, au montant "
            "proposé par l'instruction (le plus bas des deux avis lorsque les deux en proposent), "
            "sans dépasser le montant demandé. Les points pour lesquels vous êtes en conflit "
            "d'intérêts ou sans montant proposé restent à décider un par un."
        ),
        bouton="Programmer les points restants",
        service=lambda: services.decisions_programmer_restants(seance=seance, par=request.user),
        succes=succes,
    )


@role_requis(Role.MEMBRE_PILOTAGE)
def clore(request: HttpRequest, pk: int) -> HttpResponse:
    seance = selectors.seance_ou_404(request.user, pk)
    return _confirmer(
        request,
        seance,
        titre="Clore la séance",
        texte=(
            "Les décisions deviennent définitives. Le relevé de décisions est établi en PDF et "
            "chaque porteur est informé de la décision sur son dossier."
        ),
        bouton="Clore la séance",
        service=lambda: services.seance_clore(seance=seance, par=request.user),
        succes=(
            "La séance est close ; le relevé de décisions sera établi et les porteurs informés "
            "dans quelques minutes."
        ),
    )


@role_requis(Role.MEMBRE_PILOTAGE)
def decider(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    seance = selectors.seance_ou_404(request.user, pk)
    if not seance.secretariat:
        raise PermissionDenied
    point = selectors.point_ou_404(seance, point_pk)
    dossier = point.dossier
    if seance.etat != EtatSeance.CONVOQUEE or hasattr(point, "decision"):
        return deja_effectuee(request, "gouvernance:seance", seance.pk)
    if selectors.en_conflit(request.user, dossier):
        messages.error(request, _conflit(dossier))
        return redirect("gouvernance:seance", seance.pk)
    lignes = plan_compare([dossier.pk]).get(dossier.pk, [])
    form = DecisionForm(request.POST or None, lignes=lignes)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_prendre(
                point=point,
                par=request.user,
                sens=form.cleaned_data["sens"],
                motif=form.cleaned_data["motif"],
                montants=form.montants(),
            )
        except DEJA_FAIT:
            return deja_effectuee(request, "gouvernance:seance", seance.pk)
        except services.ConflitInterets:
            messages.error(request, _conflit(dossier))
            return redirect("gouvernance:seance", seance.pk)
        except ValidationError as erreur:
            if hasattr(erreur, "error_dict"):
                for champ, liste in erreur.error_dict.items():
                    form.add_error(champ if champ in form.fields else None, liste)
            else:
                form.add_error(None, erreur)
        else:
            sens = SensDecision(form.cleaned_data["sens"]).label.lower()
            messages.success(request, f"Décision enregistrée : dossier {dossier.numero} {sens}.")
            return redirect("gouvernance:seance", seance.pk)
    return render(
        request,
        "gouvernance/seances/decider.html",
        {
            "title": f"Décision sur le dossier {dossier.numero}",
            "seance": seance,
            "point": point,
            "dossier": dossier,
            "lignes": lignes,
            "form": form,
        },
    )


def _conflit(dossier) -> str:
    return (
        f"Conflit d'intérêts : vous êtes membre de la structure qui porte le dossier "
        f"{dossier.numero} ou vous avez déclaré un intérêt qui le concerne ; vous ne pouvez pas "
        "enregistrer sa décision."
    )


def releve(request: HttpRequest, pk: int) -> HttpResponse:
    """The relevé de décisions: for the members, for porteurs of a dossier on the séance and
    for the agents who handle one.

    Anyone else gets 404, the same answer as for a séance that does not exist.
    """
    if request.user.a_le_role(Role.MEMBRE_PILOTAGE):
        seance = get_object_or_404(selectors.seances(), pk=pk)
    else:
        seance = get_object_or_404(
            Seance.objects.filter(
                Q(pk__in=selectors.seances_du_porteur(request.user).values("pk"))
                | Q(pk__in=selectors.seances_des_agents(request.user).values("pk"))
            ),
            pk=pk,
        )
    if not seance.releve:
        raise Http404("Le relevé de décisions n'est pas encore prêt.")
    return servir_fichier(
        seance.releve,
        nom=f"releve-decisions-{seance.date:%Y-%m-%d}.pdf",
        type_mime="application/pdf",
    )


@role_requis(Role.MEMBRE_PILOTAGE)
def simulation(request: HttpRequest, pk: int) -> HttpResponse:
    """Provisional amounts and the envelopes as they would stand after the séance."""
    seance = selectors.seance_ou_404(request.user, pk, page=True)
    if not seance.secretariat:
        raise PermissionDenied
    with ensemble():  # the items and their plan comparé in one round trip
        agenda = selectors.agenda(seance, request.user, envoi=selectors.agenda_envoye(seance))
    points = [p for p in agenda if p.a_decider]
    simules = {
        (s.point_id, s.financeur_id): s.montant
        for s in MontantSimule.objects.filter(point__seance=seance)
    }
    modifiable = seance.etat != EtatSeance.CLOSE
    form = SimulationForm(
        request.POST if request.method == "POST" else None, points=points, simules=simules
    )
    if request.method == "POST" and modifiable and form.is_valid():
        try:
            services.simulation_enregistrer(
                seance=seance, par=request.user, montants=form.montants()
            )
        except DEJA_FAIT:
            return deja_effectuee(request, "gouvernance:seance", seance.pk)
        messages.success(request, "La simulation est enregistrée ; aucun dossier n'est décidé.")
        return redirect("gouvernance:simulation", seance.pk)
    enveloppes = what_if.simuler(seance)
    return render(
        request,
        "gouvernance/seances/simulation.html",
        {
            "title": f"Simulation — {seance}",
            "seance": seance,
            "points": points,
            "form": form,
            "modifiable": modifiable,
            "enveloppes": enveloppes,
            "totaux": what_if.totaux(enveloppes),
            "depassements": sum(1 for e in enveloppes if e.depassement),
        },
    )

"""The porteur's dossier form: creation, one page per section, communes, live totals."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role
from cper.forms import parametre_entier, parametre_texte
from cper.referentiel.models import Commune
from dossiers.acces import MODIFIER, dossier_ou_404
from dossiers.completude import SECTIONS, completude
from dossiers.enums import EtatDossier
from dossiers.forms.edition import (
    CalendrierForm,
    CreerDossierForm,
    IdentiteForm,
    LignesDepenseFormSet,
    RechercheCommuneForm,
    TvaForm,
    lignes_financement_formset,
)
from dossiers.models import Dossier
from dossiers.selectors.edition import (
    communes_du_dossier,
    communes_suggerees,
    territoire,
    totaux_enregistres,
    totaux_saisis,
)
from dossiers.services.edition import (
    DossierNonModifiable,
    dossier_ajouter_commune,
    dossier_creer,
    dossier_enregistrer_section,
    dossier_retirer_commune,
    structures_du_porteur,
)

SECTIONS_EDITABLES = ["identite", "localisation", "calendrier", "depenses", "financement"]
MESSAGE_NON_MODIFIABLE = "Ce dossier a été déposé : il ne peut plus être modifié."


def _brouillon_ou_redirection(request, dossier):
    if dossier.etat != EtatDossier.BROUILLON:
        messages.warning(request, MESSAGE_NON_MODIFIABLE)
        return redirect("dossiers:detail", pk=dossier.pk)
    return None


def _section_suivante(section: str) -> str | None:
    ordre = list(SECTIONS)
    suivante = ordre[ordre.index(section) + 1]
    return suivante if suivante in SECTIONS_EDITABLES else None


def _url_section(dossier, section: str | None) -> str:
    if section is None:
        return reverse("dossiers:pieces", args=[dossier.pk])
    return reverse("dossiers:modifier", args=[dossier.pk, section])


@role_requis(Role.PORTEUR)
def creer(request: HttpRequest) -> HttpResponse:
    structures = structures_du_porteur(request.user)
    form = CreerDossierForm(request.POST or None, structures=structures)
    if request.method == "POST" and form.is_valid():
        dossier = dossier_creer(
            par=request.user,
            structure=form.cleaned_data["structure"],
            intitule=form.cleaned_data["intitule"],
        )
        messages.success(request, "Votre brouillon est créé. Complétez-le à votre rythme.")
        return redirect("dossiers:modifier", pk=dossier.pk, section="identite")
    return render(
        request,
        "dossiers/creer.html",
        {"title": "Nouveau dossier", "form": form, "a_des_structures": structures.exists()},
    )


def _formulaires(section, dossier, donnees):
    """The forms and formsets of a section, bound to the posted data when there is some."""
    if section == "identite":
        return [IdentiteForm(donnees, instance=dossier)]
    if section == "calendrier":
        return [CalendrierForm(donnees, instance=dossier)]
    if section == "depenses":
        return [
            TvaForm(donnees, instance=dossier),
            LignesDepenseFormSet(donnees, instance=dossier, prefix="depenses"),
        ]
    if section == "financement":
        return [lignes_financement_formset(donnees, instance=dossier, prefix="financements")]
    return []


def _erreurs(formulaires) -> list[dict]:
    """Every error of the section, in page order, for the summary at the top."""
    erreurs = []

    def _de(form, prefixe=""):
        for message in form.non_field_errors():
            erreurs.append({"id": "", "libelle": prefixe.removesuffix(" — "), "message": message})
        for nom, liste in form.errors.items():
            if nom == "__all__":
                continue
            champ = form[nom]
            for message in liste:
                erreurs.append(
                    {
                        "id": champ.id_for_label,
                        "libelle": f"{prefixe}{champ.label}",
                        "message": message,
                    }
                )

    for formulaire in formulaires:
        if hasattr(formulaire, "forms"):
            for message in formulaire.non_form_errors():
                erreurs.append({"id": "", "libelle": "", "message": message})
            for i, form in enumerate(formulaire.forms, start=1):
                _de(form, f"Ligne {i} — ")
        else:
            _de(formulaire)
    return erreurs


def modifier(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    dossier = dossier_ou_404(request.user, pk, MODIFIER, queryset=_dossiers_avec_structure())
    if section not in SECTIONS_EDITABLES:
        raise Http404("Section inconnue")
    if reponse := _brouillon_ou_redirection(request, dossier):
        return reponse
    if section == "localisation":
        return _localisation(request, dossier)

    donnees = request.POST if request.method == "POST" else None
    formulaires = _formulaires(section, dossier, donnees)
    if donnees is not None:
        if all(f.is_valid() for f in formulaires):
            try:
                dossier_enregistrer_section(
                    dossier=dossier, par=request.user, formulaires=formulaires
                )
            except DossierNonModifiable:
                messages.warning(request, MESSAGE_NON_MODIFIABLE)
                return redirect("dossiers:detail", pk=dossier.pk)
            messages.success(request, "Brouillon enregistré.")
            if "suivant" in request.POST:
                return redirect(_url_section(dossier, _section_suivante(section)))
            return redirect("dossiers:modifier", pk=dossier.pk, section=section)
        messages.error(
            request,
            "Rien n'a été enregistré : corrigez les erreurs signalées, votre saisie est conservée.",
        )
    contexte = {"formulaires": formulaires, "erreurs": _erreurs(formulaires)}
    if donnees is not None:
        # The summary shows the amounts as typed, like the live updates did.
        contexte["totaux"] = totaux_saisis(dossier.pk, section, donnees)
    return _rendre_section(request, dossier, section, contexte)


def _dossiers_avec_structure():
    return Dossier.objects.select_related("structure")


def _rendre_section(request, dossier, section, contexte):
    if "totaux" not in contexte:
        contexte["totaux"] = totaux_enregistres(dossier.pk)
    ordre = list(SECTIONS)
    rang = ordre.index(section)
    etape = {
        "current_step_id": rang + 1,
        "total_steps": len(ordre),
        "current_step_title": SECTIONS[section],
        "next_step_title": SECTIONS[ordre[rang + 1]],
        "heading_tag": "h1",
    }
    return render(
        request,
        f"dossiers/modifier_{section}.html",
        {
            "title": f"{SECTIONS[section]} — {dossier.intitule}",
            "dossier": dossier,
            "section": section,
            "titre_section": SECTIONS[section],
            "sections": completude(dossier.pk).sections(),
            "url_suivante": _url_section(dossier, _section_suivante(section)),
            "etape": etape,
            **contexte,
        },
    )


def _localisation(request, dossier):
    recherche = RechercheCommuneForm(
        request.GET if "q" in request.GET else None,
        url_suggestions=reverse("dossiers:communes_suggestions", args=[dossier.pk]),
    )
    trouvees = None
    if recherche.is_bound and recherche.is_valid():
        trouvees = communes_suggerees(recherche.cleaned_data["q"], dossier)
    communes = communes_du_dossier(dossier)
    return _rendre_section(
        request,
        dossier,
        "localisation",
        {
            "recherche": recherche,
            "trouvees": trouvees,
            "communes": communes,
            "territoire": territoire(communes),
            "erreurs": _erreurs([recherche]) if recherche.is_bound else [],
        },
    )


def communes_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The listbox options of the communes combobox (htmx fragment)."""
    dossier = dossier_ou_404(request.user, pk, MODIFIER)
    texte = parametre_texte(request.GET, "q", longueur_max=100)
    return render(
        request,
        "dossiers/includes/_communes_suggestions.html",
        {"dossier": dossier, "trouvees": communes_suggerees(texte, dossier), "texte": texte},
    )


@require_POST
def commune_ajouter(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_ou_404(request.user, pk, MODIFIER)
    if reponse := _brouillon_ou_redirection(request, dossier):
        return reponse
    choix = parametre_entier(request.POST, "commune")
    commune = Commune.objects.filter(pk=choix).first() if choix is not None else None
    if commune is None:
        messages.error(request, "Choisissez une commune dans la liste proposée.")
        return redirect("dossiers:modifier", pk=dossier.pk, section="localisation")
    try:
        dossier_ajouter_commune(dossier=dossier, par=request.user, commune=commune)
    except DossierNonModifiable:
        messages.warning(request, MESSAGE_NON_MODIFIABLE)
        return redirect("dossiers:detail", pk=dossier.pk)
    messages.success(request, format_html("{} est ajoutée au projet.", commune.nom))
    return redirect("dossiers:modifier", pk=dossier.pk, section="localisation")


@require_POST
def commune_retirer(request: HttpRequest, pk: int, commune_pk: int) -> HttpResponse:
    dossier = dossier_ou_404(request.user, pk, MODIFIER)
    if reponse := _brouillon_ou_redirection(request, dossier):
        return reponse
    commune = get_object_or_404(dossier.communes, pk=commune_pk)
    try:
        dossier_retirer_commune(dossier=dossier, par=request.user, commune=commune)
    except DossierNonModifiable:
        messages.warning(request, MESSAGE_NON_MODIFIABLE)
        return redirect("dossiers:detail", pk=dossier.pk)
    messages.success(request, format_html("{} est retirée du projet.", commune.nom))
    return redirect("dossiers:modifier", pk=dossier.pk, section="localisation")


@require_POST
def totaux(request: HttpRequest, pk: int) -> HttpResponse:
    """The money summary recomputed from what is being typed, nothing saved (htmx fragment)."""
    dossier = dossier_ou_404(request.user, pk, MODIFIER)
    section = request.POST.get("section", "")
    return render(
        request,
        "dossiers/includes/_totaux.html",
        {"dossier": dossier, "totaux": totaux_saisis(dossier.pk, section, request.POST)},
    )

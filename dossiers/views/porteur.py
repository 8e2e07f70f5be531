from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role
from cper.pagination import compter_borne, paginer
from cper.templatetags.cper_tags import euros
from dossiers.completude import taux_aide_publique
from dossiers.enums import EtatDossier
from dossiers.extensions import annoter_etapes_porteur, etape_porteur, liens_porteur
from dossiers.selectors.porteur import (
    ETATS_RETIRABLES,
    chronologie,
    dossier_complet,
    liste_du_porteur,
    prochaine_action,
)
from dossiers.templatetags.dossiers_tags import badge_etat_html

DOSSIERS_PAR_PAGE = 20
# Latest change first, as `liste_du_porteur` sorts (the primary key breaks ties).
ORDRE_MES_DOSSIERS = ["-updated_at", "-pk"]


def fil_d_ariane(dossier, page: str | None = None) -> dict:
    """DSFR breadcrumb from "Mes dossiers" to the dossier, and to one of its pages."""
    liens = [{"link": reverse("dossiers:index"), "title": "Mes dossiers"}]
    if page is None:
        return {"links": liens, "current": dossier.numero or dossier.intitule}
    liens.append(
        {
            "link": reverse("dossiers:detail", args=[dossier.pk]),
            "title": dossier.numero or dossier.intitule,
        }
    )
    return {"links": liens, "current": page}


def _ligne(dossier) -> list[str]:
    # Every user-typed value escaped (`escape`, what format_html does), one f-string a cell:
    # the list has 20 rows of 6 cells.
    url = reverse("dossiers:detail", args=[dossier.pk])
    etape = etape_porteur(dossier) or prochaine_action(dossier.etat)
    # S308: every value escaped, the badge rendered from our template.
    return [
        mark_safe(f'<a href="{escape(url)}">{escape(dossier.intitule)}</a>'),  # noqa: S308
        escape(dossier.numero or "—"),
        escape(dossier.structure.raison_sociale),
        mark_safe(badge_etat_html(dossier.etat)),  # noqa: S308
        mark_safe(  # noqa: S308
            f'<time datetime="{dossier.updated_at.isoformat()}">'
            f"{escape(date_format(dossier.updated_at, 'j F Y'))}</time>"
        ),
        escape(etape),
    ]


@role_requis(Role.PORTEUR)
def index(request: HttpRequest) -> HttpResponse:
    """Mes dossiers: the dossiers of my structures, with their state and what is expected of me."""
    dossiers = liste_du_porteur(request.user)
    total = compter_borne(dossiers)
    page = paginer(
        annoter_etapes_porteur(dossiers),
        request.GET,
        ordre=ORDRE_MES_DOSSIERS,
        par_page=DOSSIERS_PAR_PAGE,
    )
    tableau = {
        "caption": f"Dossiers de mes structures ({total})",
        "header": [
            "Intitulé",
            "Numéro",
            "Structure",
            "État",
            "Dernière modification",
            "Action attendue de votre part",
        ],
        "content": [_ligne(dossier) for dossier in page],
    }
    return render(
        request,
        "dossiers/index.html",
        {"title": "Mes dossiers", "page": page, "total": total, "tableau": tableau},
    )


def _tableaux(dossier) -> dict:
    """The dossier's lists as dsfr_table data; user-typed text escaped by format_html."""
    base = "HT" if dossier.tva_recuperable else "TTC"
    taux = taux_aide_publique(dossier.aide_publique, dossier.cout_eligible)
    return {
        "communes": {
            "caption": "Communes du projet",
            "header": ["Commune", "EPCI", "Arrondissement"],
            "content": [
                [
                    format_html("{}", commune),
                    format_html("{}", commune.epci or "—"),
                    format_html("{}", commune.arrondissement or "—"),
                ]
                for commune in dossier.liste_communes
            ],
        },
        "depenses": {
            "caption": "Dépenses prévisionnelles",
            "header": ["Nature", "Libellé", "Montant HT", "Montant TTC"],
            "content": [
                [
                    format_html("{}", ligne.get_nature_display()),
                    format_html("{}", ligne.libelle),
                    euros(ligne.montant_ht),
                    euros(ligne.montant_ttc),
                ]
                for ligne in dossier.lignes_depense
            ]
            + [
                [
                    format_html("<strong>{}</strong>", "Total"),
                    "",
                    euros(dossier.depenses_ht),
                    euros(dossier.depenses_ttc),
                ]
            ],
        },
        "financements": {
            "caption": "Plan de financement",
            "header": ["Financeur", "Précision", "Montant demandé"],
            "content": [
                [
                    format_html("{}", ligne.financeur),
                    format_html("{}", ligne.precision or "—"),
                    euros(ligne.montant_demande),
                ]
                for ligne in dossier.lignes_financement
            ]
            + [[format_html("<strong>{}</strong>", "Total"), "", euros(dossier.total_financement)]],
        },
        "base_eligible": base,
        "taux_aide": (
            f"{taux * 100:.1f}".replace(".", ",") + "\u00a0%" if taux is not None else "—"
        ),
    }


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier, read-only, with what happened to it; the porteur's actions when allowed."""
    dossier = dossier_complet(request.user, pk)
    porteur = dossier.est_porteur
    return render(
        request,
        "dossiers/detail.html",
        {
            "title": dossier.numero or dossier.intitule,
            "dossier": dossier,
            "est_porteur": porteur,
            "peut_modifier": porteur and dossier.etat == EtatDossier.BROUILLON,
            "peut_retirer": porteur and dossier.etat in ETATS_RETIRABLES,
            "prochaine_action": prochaine_action(dossier.etat) if porteur else "",
            "liens_porteur": liens_porteur(dossier) if porteur and dossier.numero else [],
            "titre_prochaine_action": (
                "Action attendue de votre part"
                if dossier.etat in (EtatDossier.BROUILLON, EtatDossier.INCOMPLET)
                else "Prochaine étape"
            ),
            "evenements": chronologie(dossier, pour_le_porteur=porteur),
            "breadcrumb_data": fil_d_ariane(dossier) if porteur else None,
            **_tableaux(dossier),
        },
    )

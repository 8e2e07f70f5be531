"""The public page of the programmed projects and its files: no login, no database query."""

import re
from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from cper.templatetags.cper_tags import euros, octets
from donnees_ouvertes import publication
from donnees_ouvertes.publication import VERSIONNE, lire_resume
from gouvernance.graphiques import graphique

NOM_FICHIER = re.compile(r"^[a-z0-9][a-z0-9-]*\.(csv|json)$")
TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
UN_AN, UNE_HEURE = 365 * 24 * 3600, 3600

# code, key of the summary, what the breakdown is by, the first column's heading
SECTIONS = [
    ("volet", "par_volet", "par volet du contrat", "Volet"),
    ("departement", "par_departement", "par département", "Département"),
    ("epci", "par_epci", "par EPCI", "EPCI"),
    ("commune", "par_commune", "par commune", "Commune"),
]


def _sections(resume: dict) -> list[dict]:
    sections = []
    for code, cle, par, colonne in SECTIONS:
        lignes = [{**ligne, "montant": Decimal(ligne["montant"])} for ligne in resume[cle]]
        sections.append(
            {
                "code": code,
                "titre": par[0].upper() + par[1:],
                "graphique": graphique(
                    f"graphique-{code}",
                    f"Montant programmé {par}",
                    [
                        (ligne["libelle"], ligne["montant"], euros(ligne["montant"]), None)
                        for ligne in lignes
                    ],
                ),
                "tableau": {
                    "caption": f"Projets programmés {par}",
                    "header": [colonne, "Projets", "Montant programmé"],
                    "content": [
                        [ligne["libelle"], str(ligne["projets"]), euros(ligne["montant"])]
                        for ligne in lignes
                    ],
                },
            }
        )
    return sections


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    resume = lire_resume()
    contexte = {"title": "Données ouvertes : projets programmés", "resume": resume}
    if resume:
        contexte.update(
            sections=_sections(resume),
            genere_le=timezone.localtime(parse_datetime(resume["genere_le"])),
            montant=Decimal(resume["montant"]),
            fichiers={
                format_: {
                    **f,
                    "url": publication.url_fichier(f["nom"]),
                    "libelle": (
                        f"Projets programmés, format {format_.upper()} ({octets(f['taille'])})"
                    ),
                }
                for format_, f in resume["fichiers"].items()
            },
        )
    return render(request, "donnees_ouvertes/index.html", contexte)


@login_not_required
@require_safe
def fichier(request: HttpRequest, nom: str) -> HttpResponse:
    """A published file, with ETag and Last-Modified; a visitor's copy may be kept.

    A file whose name carries its hash never changes (cached a year); the stable names are
    rewritten each day (cached an hour, then checked again with the ETag: 304 when unchanged).
    """
    if not NOM_FICHIER.match(nom):
        raise Http404
    chemin = publication.repertoire() / nom
    try:
        etat = chemin.stat()
    except FileNotFoundError:
        raise Http404 from None
    etag = f'"{etat.st_size:x}-{etat.st_mtime_ns:x}"'
    reponse = get_conditional_response(request, etag=etag, last_modified=int(etat.st_mtime))
    if reponse is None:
        reponse = FileResponse(
            chemin.open("rb"), content_type=TYPES[nom.rsplit(".", 1)[1]], filename=nom
        )
    reponse["ETag"] = etag
    reponse["Last-Modified"] = http_date(etat.st_mtime)
    reponse["Access-Control-Allow-Origin"] = "*"
    # Signed-in answers stay private (cper.middleware); a visitor's may be shared by caches.
    if not request.user.is_authenticated:
        if VERSIONNE.match(nom):
            patch_cache_control(reponse, public=True, max_age=UN_AN, immutable=True)
        else:
            patch_cache_control(reponse, public=True, max_age=UNE_HEURE)
    return reponse

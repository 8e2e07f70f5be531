"""`manage.py bench`: seed a scratch database, then time every page of the speed budget.

Never the user's database: a scratch one (`<name>_bench` by default) is created, used and
dropped. In process (Django test client, median of the rounds after warm-up) and over HTTP
(gunicorn as in the Procfile, wrk or a Python client), every page beside a bare signed-in view
of the same run; one table: page, queries, median, × bare, KB, HTTP requests per second.
"""

import contextlib
import time
import urllib.parse
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test.utils import override_settings

from demo.bench import machine, mesure, pages, serveur
from demo.comptes import Silence


class Command(BaseCommand):
    help = (
        "Mesure chaque page du budget de vitesse sur une base jetable remplie par seed_demo : "
        "en processus et en HTTP, à côté d'une vue nue, et affiche un tableau."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=100_000)
        parser.add_argument("--tours", type=int, default=21, help="Tours mesurés en processus.")
        parser.add_argument(
            "--duree-http", type=float, default=5.0, help="Secondes de charge HTTP par page."
        )
        parser.add_argument("--sans-http", action="store_true", help="Pas de mesure en HTTP.")
        parser.add_argument("--base", default="", help="Nom de la base jetable.")
        parser.add_argument("--garder", action="store_true", help="Garde la base jetable.")

    def handle(self, *args, dossiers, tours, duree_http, sans_http, base, garder, **options):
        if (settings.SETTINGS_MODULE or "").endswith(".prod"):
            raise CommandError("Le banc d'essai est interdit en production.")
        if settings.DEBUG:
            raise CommandError("Le banc d'essai mesure sans DEBUG : lancez-le avec DEBUG=False.")
        origine = connection.settings_dict["NAME"]
        jetable = base or f"{origine}_bench"
        if jetable == origine:
            raise CommandError("La base jetable ne peut pas être la base de l'application.")
        self.stdout.write(f"Base jetable : {jetable}")
        with _base_jetable(origine, jetable, garder):
            self._banc(dossiers, tours, None if sans_http else duree_http, jetable)

    def _banc(self, dossiers, tours, duree_http, jetable):
        debut = time.monotonic()
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise expects it
        call_command("migrate", verbosity=0, stdout=Silence())
        call_command("createcachetable", verbosity=0)
        call_command("import_territoires", verbosity=0, stdout=Silence())
        call_command("charger_referentiel", verbosity=0, stdout=Silence())
        preparation = time.monotonic() - debut
        debut = time.monotonic()
        call_command("seed_demo", dossiers=dossiers, stdout=self.stdout)
        semis = time.monotonic() - debut
        hotes = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ROOT_URLCONF="demo.bench.urls", ALLOWED_HOSTS=hotes):
            liste = pages.pages()
            pages.connecter(liste)
            contexte = machine.description()
            self.stdout.write(f"Mesure en processus : {len(liste)} pages, {tours} tours")
            resultats = mesure.mesurer(liste, tours=tours)
        demarrage = None
        if duree_http:
            demarrage = self._http(resultats, jetable, duree_http)
        self.stdout.write(
            tableau(
                resultats,
                dossiers=dossiers,
                tours=tours,
                semis=semis,
                preparation=preparation,
                contexte=contexte,
                duree_http=duree_http,
                demarrage=demarrage,
            )
        )

    def _http(self, resultats, jetable: str, duree: float) -> tuple[float, float]:
        """Each page under load in turn; (start-up, first request of a dossier page) seconds."""
        outil = "wrk" if serveur.wrk_disponible() else "client Python"
        self.stdout.write(f"Mesure en HTTP ({outil}, {duree:g} s par page)")
        with serveur.Serveur(_url(jetable)) as gunicorn:
            # The first signed-in page after start: what a warm worker spares its first user.
            page = next(r.page for r in resultats if r.page.cle == "guichet_dossier")
            debut = time.perf_counter()
            serveur.requete(gunicorn.port, page.url, _cookie(page))
            premier = time.perf_counter() - debut
            for resultat in resultats:
                cookie = _cookie(resultat.page)
                serveur.requete(gunicorn.port, resultat.page.url, cookie)  # warm-up
                # A slow page gets the time to answer a few times under load.
                pour_cette_page = max(duree, min(60.0, 10 * resultat.mediane))
                (
                    resultat.http_par_seconde,
                    resultat.http_mediane,
                    resultat.http_erreurs,
                ) = serveur.charger(gunicorn.port, resultat.page.url, cookie, pour_cette_page)
            return gunicorn.demarrage, premier


def _cookie(page) -> str:
    return (
        f"{settings.SESSION_COOKIE_NAME}={page.client.cookies[settings.SESSION_COOKIE_NAME].value}"
    )


def _url(nom: str) -> str:
    """The scratch database's URL, for the gunicorn the benchmark starts."""
    s = connection.settings_dict
    identite = urllib.parse.quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        identite += ":" + urllib.parse.quote(s["PASSWORD"], safe="")
    return f"postgres://{identite}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{nom}"


@contextlib.contextmanager
def _base_jetable(origine: str, jetable: str, garder: bool):
    """Create the scratch database and point every alias of the application's at it."""
    with connection._nodb_cursor() as curseur:
        curseur.execute(f'DROP DATABASE IF EXISTS "{jetable}"')
        curseur.execute(f'CREATE DATABASE "{jetable}"')
    alias = [a for a in connections if connections[a].settings_dict["NAME"] == origine]
    for a in alias:
        connections[a].close()
        connections[a].settings_dict["NAME"] = jetable
    try:
        yield
    finally:
        for a in alias:
            connections[a].close()
            connections[a].settings_dict["NAME"] = origine
        if not garder:
            with connection._nodb_cursor() as curseur:
                curseur.execute(f'DROP DATABASE IF EXISTS "{jetable}" WITH (FORCE)')


def _ms(secondes) -> str:
    if secondes is None or secondes != secondes:
        return "—"
    return f"{secondes * 1000:,.1f}".replace(",", " ").replace(".", ",")


def _nombre(valeur, decimales=1) -> str:
    if valeur is None or valeur != valeur:
        return "—"
    return f"{valeur:,.{decimales}f}".replace(",", " ").replace(".", ",")


def tableau(resultats, *, dossiers, tours, semis, preparation, contexte, duree_http, demarrage):
    """The Markdown table of docs/performance.md."""
    nue = next(r for r in resultats if r.page.nue)
    lignes = [
        f"Banc d'essai à {_nombre(dossiers, 0)} dossiers : `seed_demo` {_nombre(semis)} s "
        f"(base vide, migrations et référentiel : {_nombre(preparation)} s).",
        f"Machine : {contexte}.",
        f"En processus : client de test Django, médiane de {tours} tours après "
        f"{mesure.CHAUFFE} tours de chauffe, pages entrelacées.",
    ]
    if duree_http:
        outil = "wrk" if serveur.wrk_disponible() else "client Python"
        lignes.append(
            f"En HTTP : gunicorn comme dans le Procfile, {outil}, {serveur.CONNEXIONS} "
            f"connexions, {duree_http:g} s par page (10 médianes pour les pages lentes, 60 s au "
            f"plus) ; démarrage {_nombre(demarrage[0])} s, "
            f"première page de dossier après le démarrage {_ms(demarrage[1])} ms."
        )
    lignes += [
        "",
        "| page | requêtes | médiane (ms) | × nue | Ko "
        "| HTTP req/s | HTTP médiane (ms) | HTTP × nue |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in resultats:
        statut = "" if r.statut == 200 else f" (réponse {r.statut})"
        erreurs = f" ({r.http_erreurs} erreurs)" if r.http_erreurs else ""
        ratio_http = (
            nue.http_par_seconde / r.http_par_seconde
            if r.http_par_seconde and nue.http_par_seconde
            else None
        )
        lignes.append(
            f"| {r.page.libelle}{statut} | {r.requetes} | {_ms(r.mediane)} | "
            f"{_nombre(r.mediane / nue.mediane)} | {_nombre(r.octets / 1024)} | "
            f"{_nombre(r.http_par_seconde)}{erreurs} | {_ms(r.http_mediane)} | "
            f"{_nombre(ratio_http)} |"
        )
    lignes.append(f"| `seed_demo --dossiers {dossiers}` | — | {_ms(semis)} | — | — | — | — | — |")
    return "\n".join(lignes)

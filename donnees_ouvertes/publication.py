"""The open data files: written once a day to a public directory, served as static files.

`publier()` reads the programmed projects (`selectors.projets_programmes`) and writes, to
`DONNEES_OUVERTES_ROOT`:

- `projets-programmes.csv` and `projets-programmes.json`: one line per programmed amount
  (project × financeur), the fields and their order those of the Table Schema
  `docs/opendata/schema.json` (copied beside them as `schema.json`);
- the same two files under a name carrying their content's hash (`projets-programmes-<hash>.csv`),
  which never change and may be cached for a year: the page links to those;
- `datapackage.json`: the description of the files (licence, schema, dialect);
- `resume.json`: the figures of the public page (totals per volet, département, EPCI, commune),
  so that the page reads one small file instead of the database.

Each file is written to a temporary file in the same directory, then renamed over the old one:
a reader gets the old file or the new one, never half of one. The summary is written last, so
the page never links to a file that does not exist yet.
"""

import contextlib
import csv
import datetime
import hashlib
import io
import json
import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cper.tableurs import neutraliser_formule
from donnees_ouvertes.selectors import Projet, projets_programmes

SCHEMA = Path(settings.BASE_DIR) / "docs" / "opendata" / "schema.json"
BASE = "projets-programmes"
SEPARATEUR = "|"
RESUME = "resume.json"
# A name carrying its content's hash: never rewritten, cached for a year.
VERSIONNE = re.compile(rf"^{BASE}-[0-9a-f]{{12}}\.(csv|json)$")
# Hashed files no longer current are kept this long, for pages and caches that still link them.
CONSERVATION = datetime.timedelta(days=2)
COMMUNES_AFFICHEES = 20
# The page's summary, kept in memory until the file changes: (path, mtime) and its content.
_cache: dict = {}


def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def licence() -> dict:
    """The licence of the files: the one the Table Schema names (Licence Ouverte 2.0)."""
    return schema()["licenses"][0]


def repertoire() -> Path:
    return Path(settings.DONNEES_OUVERTES_ROOT)


def url_fichier(nom: str) -> str:
    return reverse("donnees_ouvertes:fichier", args=[nom])


# --- Lines ------------------------------------------------------------------------------------


def _joindre(valeurs) -> str:
    return SEPARATEUR.join(dict.fromkeys(valeurs))


def lignes(projets: list[Projet]):
    """One dict per programmed amount, keyed by the schema's field names."""
    for projet in projets:
        dossier, communes = projet.dossier, projet.communes
        epcis = [c.epci for c in communes if c.epci_id]
        commun = {
            "numero_dossier": dossier.numero,
            "intitule": dossier.intitule,
            "structure_raison_sociale": dossier.structure.raison_sociale,
            "structure_siret": dossier.structure.siret,
            "volet_code": dossier.volet.code if dossier.volet else None,
            "volet_intitule": dossier.volet.intitule if dossier.volet else None,
            "communes_codes_insee": SEPARATEUR.join(c.code_insee for c in communes),
            "communes_noms": SEPARATEUR.join(c.nom for c in communes),
            "epci_sirens": _joindre(e.siren for e in epcis) or None,
            "epci_noms": _joindre(e.nom for e in epcis) or None,
            "departements_codes": _joindre(c.departement.code for c in communes),
            "departements_noms": _joindre(c.departement.nom for c in communes),
            "montant_total_programme": projet.programmation.total,
            "date_decision": projet.programmation.date_decision,
        }
        for montant in projet.programmation.montants:
            yield {
                **commun,
                "financeur_code": montant.financeur.code,
                "financeur_nom": montant.financeur.nom,
                "montant_programme": montant.montant,
            }


def _cellule_csv(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, Decimal):
        return f"{valeur:.2f}"
    if isinstance(valeur, datetime.date):
        return valeur.isoformat()
    # A title beginning with `=` must not run as a formula in the reader's spreadsheet.
    return neutraliser_formule(valeur)


def _valeur_json(valeur) -> str:
    if isinstance(valeur, Decimal):
        return f"{valeur:.2f}"  # a JSON number, written from the decimal (no float)
    if isinstance(valeur, datetime.date):
        valeur = valeur.isoformat()
    return json.dumps(valeur, ensure_ascii=False)


# --- Summary of the page ----------------------------------------------------------------------


def _agreger(projets: list[Projet]) -> dict:
    """Projects and programmed amount per volet, département, EPCI and commune.

    A project on several communes counts once, with its whole amount, in each territory where
    one of its communes lies (the rule of the dashboards).
    """
    niveaux = {"volet": {}, "departement": {}, "epci": {}, "commune": {}}
    for projet in projets:
        dossier, communes, total = projet.dossier, projet.communes, projet.programmation.total
        cles = {
            "volet": [
                (dossier.volet.numero, str(dossier.volet)) if dossier.volet else (0, "Sans volet")
            ],
            "departement": {(c.departement.code, c.departement.nom) for c in communes},
            "epci": {(c.epci.siren, c.epci.nom) for c in communes if c.epci_id},
            "commune": {(c.code_insee, c.nom) for c in communes},
        }
        for niveau, valeurs in cles.items():
            for cle in valeurs:
                ligne = niveaux[niveau].setdefault(cle, {"projets": 0, "montant": Decimal(0)})
                ligne["projets"] += 1
                ligne["montant"] += total

    def trier(niveau, par_montant=False):
        elements = sorted(niveaux[niveau].items(), key=lambda e: e[0])
        if par_montant:
            elements.sort(key=lambda e: -e[1]["montant"])
        return [
            {
                "code": str(code),
                "libelle": libelle,
                "projets": v["projets"],
                "montant": v["montant"],
            }
            for (code, libelle), v in elements
        ]

    communes = trier("commune", par_montant=True)
    return {
        "par_volet": trier("volet"),
        "par_departement": trier("departement"),
        "par_epci": trier("epci", par_montant=True),
        "par_commune": communes[:COMMUNES_AFFICHEES],
        "communes": len(communes),
    }


# --- Writing ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _fichier_atomique(dossier: Path, nom: str):
    """A binary file written under a temporary name, renamed to `nom` once complete."""
    descripteur, temporaire = tempfile.mkstemp(dir=dossier, prefix=f".{nom}.", suffix=".tmp")
    try:
        with os.fdopen(descripteur, "wb") as fichier:
            yield fichier
            fichier.flush()
            os.fsync(fichier.fileno())
        os.chmod(temporaire, 0o644)
        os.replace(temporaire, dossier / nom)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporaire)
        raise


class _Empreinte:
    """A file object that hashes and counts what is written through it."""

    def __init__(self, fichier):
        self.fichier, self.sha256, self.taille = fichier, hashlib.sha256(), 0

    def write(self, donnees: bytes | str) -> None:
        if isinstance(donnees, str):
            donnees = donnees.encode("utf-8")
        self.fichier.write(donnees)
        self.sha256.update(donnees)
        self.taille += len(donnees)


def _ecrire_csv(sortie: _Empreinte, champs: list[str], lignes_: list[dict]) -> None:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, lineterminator="\r\n")
    ecrivain.writerow(champs)
    for ligne in lignes_:
        ecrivain.writerow([_cellule_csv(ligne[champ]) for champ in champs])
        if tampon.tell() > 1 << 20:
            sortie.write(tampon.getvalue())
            tampon.seek(0)
            tampon.truncate()
    sortie.write(tampon.getvalue())


def _ecrire_json(sortie: _Empreinte, champs: list[str], lignes_: list[dict], entete: dict) -> None:
    debut = json.dumps(entete, ensure_ascii=False, indent=1)[:-2]  # without the closing "\n}"
    sortie.write(debut + ',\n "projets": [')
    for i, ligne in enumerate(lignes_):
        objet = ", ".join(f'"{champ}": {_valeur_json(ligne[champ])}' for champ in champs)
        sortie.write(("," if i else "") + "\n  {" + objet + "}")
    sortie.write("\n ]\n}\n")


def _publier_fichier(dossier: Path, extension: str, ecrire) -> dict:
    """Write `projets-programmes.<ext>` and its hashed twin (a hard link); their description."""
    stable = f"{BASE}.{extension}"
    with _fichier_atomique(dossier, stable) as fichier:
        sortie = _Empreinte(fichier)
        ecrire(sortie)
    empreinte = sortie.sha256.hexdigest()
    versionne = f"{BASE}-{empreinte[:12]}.{extension}"
    if not (dossier / versionne).exists():
        temporaire = dossier / f".{versionne}.lien"
        with contextlib.suppress(FileNotFoundError):
            temporaire.unlink()
        os.link(dossier / stable, temporaire)
        os.replace(temporaire, dossier / versionne)
    return {"nom": versionne, "stable": stable, "taille": sortie.taille, "sha256": empreinte}


def _ecrire_json_simple(dossier: Path, nom: str, contenu: dict) -> None:
    with _fichier_atomique(dossier, nom) as fichier:
        texte = json.dumps(contenu, ensure_ascii=False, indent=2, default=str) + "\n"
        fichier.write(texte.encode("utf-8"))


def _nettoyer(dossier: Path, gardes: set[str], maintenant: datetime.datetime) -> None:
    limite = (maintenant - CONSERVATION).timestamp()
    for chemin in dossier.iterdir():
        ancien = VERSIONNE.match(chemin.name) and chemin.name not in gardes
        if ancien and chemin.stat().st_mtime < limite:
            chemin.unlink(missing_ok=True)


def publier(*, dossier: Path | None = None) -> dict:
    """Regenerate every open data file from the database; the summary written."""
    dossier = Path(dossier or repertoire())
    dossier.mkdir(parents=True, exist_ok=True)
    maintenant = timezone.now()
    description = schema()
    champs = [champ["name"] for champ in description["fields"]]
    projets = projets_programmes()
    lignes_ = list(lignes(projets))
    genere_le = timezone.localtime(maintenant).isoformat(timespec="seconds")
    entete = {
        "titre": description["title"],
        "description": description["description"],
        "licence": licence(),
        "producteur": "Secrétariat général pour les affaires régionales et Conseil régional",
        # No generation time here: the file, and so its hashed name, changes only with its data
        # (the time is in datapackage.json and the summary).
        "schema": settings.SITE_URL + url_fichier("schema.json"),
    }
    fichiers = {
        "csv": _publier_fichier(dossier, "csv", lambda s: _ecrire_csv(s, champs, lignes_)),
        "json": _publier_fichier(
            dossier, "json", lambda s: _ecrire_json(s, champs, lignes_, entete)
        ),
    }
    with _fichier_atomique(dossier, "schema.json") as fichier:
        fichier.write(SCHEMA.read_bytes())
    _ecrire_json_simple(
        dossier,
        "datapackage.json",
        {
            "name": description["name"],
            "title": description["title"],
            "description": description["description"],
            "licenses": [licence()],
            "created": genere_le,
            "resources": [
                {
                    "name": f"{BASE}-{extension}",
                    "type": "table",
                    "path": fichier["stable"],
                    "format": extension,
                    "mediatype": "text/csv" if extension == "csv" else "application/json",
                    "encoding": "utf-8",
                    "schema": "schema.json",
                    **(
                        {"dialect": {"json": {"keyed": True, "property": "projets"}}}
                        if extension == "json"
                        else {}
                    ),
                }
                for extension, fichier in fichiers.items()
            ],
        },
    )
    resume = {
        "genere_le": genere_le,
        "licence": licence(),
        "projets": len(projets),
        "lignes": len(lignes_),
        "montant": sum((p.programmation.total for p in projets), Decimal(0)),
        "fichiers": fichiers,
        **_agreger(projets),
    }
    _ecrire_json_simple(dossier, RESUME, resume)
    _nettoyer(dossier, {f["nom"] for f in fichiers.values()}, maintenant)
    return resume


def lire_resume() -> dict | None:
    """The page's figures, read from the summary file (kept in memory until it changes)."""
    chemin = repertoire() / RESUME
    try:
        version = chemin.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    cle = (str(chemin), version)
    if _cache.get("cle") != cle:
        _cache.update(cle=cle, resume=json.loads(chemin.read_text(encoding="utf-8")))
    return _cache["resume"]

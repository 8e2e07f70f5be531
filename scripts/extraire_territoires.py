"""Extract départements 59 and 62 from the JSON files of @etalab/decoupage-administratif.

Usage: python scripts/extraire_territoires.py <package>/data fixtures/territoires_59_62.json

Plain Python on purpose (no Django): it only reshapes the official files into the compact extract
that `manage.py import_territoires` reads.
"""

import json
import sys
from pathlib import Path

DEPARTEMENTS = ("59", "62")
VERSION = "6.0.0"
# The package spells natures like the DGCL; the model uses its own short codes.
NATURES = {"METRO": "MET", "MET69": "MET", "CU": "CU", "CA": "CA", "CC": "CC"}
COLONNES = ["code_insee", "nom", "departement", "arrondissement", "epci", "population"]


def lire(dossier, nom):
    return json.loads((dossier / nom).read_text(encoding="utf-8"))


def extraire(dossier):
    departements = [d for d in lire(dossier, "departements.json") if d["code"] in DEPARTEMENTS]
    codes_regions = {d["region"] for d in departements}
    regions = [r for r in lire(dossier, "regions.json") if r["code"] in codes_regions]
    arrondissements = [
        a for a in lire(dossier, "arrondissements.json") if a["departement"] in DEPARTEMENTS
    ]
    communes = [
        c
        for c in lire(dossier, "communes.json")
        if c.get("departement") in DEPARTEMENTS and c["type"] == "commune-actuelle"
    ]
    codes_communes = {c["code"] for c in communes}
    # Communes carry no EPCI: the link is rebuilt from the members listed by each EPCI.
    epci_de = {}
    epcis = []
    for epci in lire(dossier, "epci.json"):
        membres = [m["code"] for m in epci["membres"] if m["code"] in codes_communes]
        if not membres:
            continue
        epcis.append({"siren": epci["code"], "nom": epci["nom"], "nature": NATURES[epci["type"]]})
        for code in membres:
            epci_de[code] = epci["code"]
    return {
        "source": {
            "paquet": "@etalab/decoupage-administratif",
            "version": VERSION,
            "millesime": "COG 2026",
            "licence": "Licence Ouverte / Open Licence (Etalab)",
        },
        "regions": [{"code": r["code"], "nom": r["nom"]} for r in regions],
        "departements": [
            {"code": d["code"], "nom": d["nom"], "region": d["region"], "chef_lieu": d["chefLieu"]}
            for d in departements
        ],
        "arrondissements": [
            {
                "code": a["code"],
                "nom": a["nom"],
                "departement": a["departement"],
                "chef_lieu": a["chefLieu"],
            }
            for a in sorted(arrondissements, key=lambda a: a["code"])
        ],
        "epci": sorted(epcis, key=lambda e: e["siren"]),
        "colonnes_communes": COLONNES,
        "communes": [
            [
                c["code"],
                c["nom"],
                c["departement"],
                c.get("arrondissement"),
                epci_de.get(c["code"]),
                c.get("population"),
            ]
            for c in sorted(communes, key=lambda c: c["code"])
        ],
    }


def ecrire(donnees, destination):
    # One commune per line: the extract stays small and its diffs stay readable.
    lignes = ["{"]
    cles = list(donnees)
    for i, cle in enumerate(cles):
        fin = "," if i < len(cles) - 1 else ""
        valeur = donnees[cle]
        if isinstance(valeur, list) and valeur and cle != "colonnes_communes":
            lignes.append(f"  {json.dumps(cle)}: [")
            for j, element in enumerate(valeur):
                virgule = "," if j < len(valeur) - 1 else ""
                lignes.append(f"    {json.dumps(element, ensure_ascii=False)}{virgule}")
            lignes.append(f"  ]{fin}")
        else:
            lignes.append(f"  {json.dumps(cle)}: {json.dumps(valeur, ensure_ascii=False)}{fin}")
    lignes.append("}")
    Path(destination).write_text("\n".join(lignes) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    donnees = extraire(Path(sys.argv[1]))
    ecrire(donnees, sys.argv[2])
    print(
        f"{len(donnees['communes'])} communes, {len(donnees['epci'])} EPCI, "
        f"{len(donnees['arrondissements'])} arrondissements -> {sys.argv[2]}"
    )

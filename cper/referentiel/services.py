"""Loading reference data: territories from the official geographic code, then the contract."""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .enums import ChefLieu, NatureEpci
from .models import (
    Arrondissement,
    AvenantContrat,
    Commune,
    Contrat,
    Departement,
    Enveloppe,
    Epci,
    Financeur,
    Guichet,
    PoleMetropolitain,
    ProlongationContrat,
    Region,
    RevisionEnveloppe,
    Volet,
)

FICHIER_TERRITOIRES = Path(settings.BASE_DIR) / "fixtures" / "territoires_59_62.json"
FICHIER_REFERENTIEL = Path(settings.BASE_DIR) / "fixtures" / "referentiel_cper.json"
# Published volet totals are rounded to the million: a row of envelopes may differ by half of it.
TOLERANCE_VOLET = Decimal("500000.00")
CENTIME = Decimal("0.01")


class DonneesInvalides(ValueError):
    """The source file is not what the importer expects; nothing was written."""


@dataclass
class Compteur:
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0

    def __str__(self):
        return f"{self.crees} créé(s), {self.modifies} modifié(s), {self.inchanges} inchangé(s)"

    @property
    def changements(self):
        return self.crees + self.modifies


@dataclass
class Rapport:
    compteurs: dict[str, Compteur] = field(default_factory=dict)
    # Communes no longer in the source, kept because dossiers or structures point at them.
    communes_disparues_referencees: list[str] = field(default_factory=list)
    communes_disparues_supprimees: list[str] = field(default_factory=list)
    communes_disparues_conservees: list[str] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)

    @property
    def changements(self):
        return sum(c.changements for c in self.compteurs.values()) + len(
            self.communes_disparues_supprimees
        )

    def lignes(self):
        for nom, compteur in self.compteurs.items():
            yield f"{nom} : {compteur}"
        if self.communes_disparues_referencees:
            yield (
                "Communes absentes de la source mais référencées, conservées : "
                + ", ".join(self.communes_disparues_referencees)
            )
        if self.communes_disparues_conservees:
            yield (
                "Communes absentes de la source, conservées (relancer avec --supprimer-absentes "
                "pour les supprimer) : " + ", ".join(self.communes_disparues_conservees)
            )
        if self.communes_disparues_supprimees:
            yield "Communes absentes de la source, supprimées : " + ", ".join(
                self.communes_disparues_supprimees
            )
        yield from self.avertissements


def lire_json(chemin):
    try:
        return json.loads(Path(chemin).read_text(encoding="utf-8"))
    except (OSError, ValueError) as erreur:
        raise DonneesInvalides(f"Fichier illisible {chemin} : {erreur}") from erreur


def _synchroniser(modele, cle, lignes, champs):
    """Create or update `modele` rows keyed by `cle`, in bulk; returns the counter and the objects.

    A row whose fields already hold the source values is left alone, so a second run writes nothing.
    """
    compteur = Compteur()
    # Foreign keys are compared by id: reading `objet.departement` would cost a query per row.
    relations = {c for c in champs if modele._meta.get_field(c).is_relation}

    def valeur(objet, c):
        return getattr(objet, f"{c}_id") if c in relations else getattr(objet, c)

    def attendue(ligne, c):
        return getattr(ligne[c], "pk", None) if c in relations else ligne[c]

    existants = modele.objects.in_bulk([ligne[cle] for ligne in lignes], field_name=cle)
    a_creer, a_modifier = [], []
    for ligne in lignes:
        objet = existants.get(ligne[cle])
        if objet is None:
            objet = modele(**{cle: ligne[cle]}, **{c: ligne[c] for c in champs})
            a_creer.append(objet)
            existants[ligne[cle]] = objet
            continue
        differents = [c for c in champs if valeur(objet, c) != attendue(ligne, c)]
        if differents:
            for c in champs:
                setattr(objet, c, ligne[c])
            a_modifier.append(objet)
        else:
            compteur.inchanges += 1
    modele.objects.bulk_create(a_creer)
    if a_modifier:
        modele.objects.bulk_update(a_modifier, champs)
    compteur.crees, compteur.modifies = len(a_creer), len(a_modifier)
    return compteur, existants


def _exiger(donnees, cles):
    manquantes = [cle for cle in cles if cle not in donnees]
    if manquantes:
        raise DonneesInvalides(f"Clés manquantes dans le fichier : {', '.join(manquantes)}")


def _codes_references(communes):
    """INSEE codes among `communes` that another table points at (structures, dossiers…)."""
    references = set()
    ids = [commune.pk for commune in communes]
    for relation in Commune._meta.related_objects:
        lien = relation.field.name
        references.update(
            relation.related_model._base_manager.filter(**{f"{lien}__in": ids}).values_list(
                f"{lien}__code_insee", flat=True
            )
        )
    return references


@transaction.atomic
def territoires_importer(*, donnees, supprimer_absentes=False) -> Rapport:
    """Load régions, départements, arrondissements, EPCI and communes from the compact extract.

    Keyed by INSEE code and SIREN: a renamed commune or EPCI is updated in place. A commune that
    left the source is reported; it is deleted only on request and never when something uses it.
    """
    _exiger(
        donnees,
        ["regions", "departements", "arrondissements", "epci", "colonnes_communes", "communes"],
    )
    rapport = Rapport()
    colonnes = donnees["colonnes_communes"]
    attendues = ["code_insee", "nom", "departement", "arrondissement", "epci", "population"]
    if colonnes != attendues:
        raise DonneesInvalides(f"Colonnes des communes inattendues : {colonnes}")
    natures = set(NatureEpci.values)
    for epci in donnees["epci"]:
        if epci["nature"] not in natures:
            raise DonneesInvalides(
                f"Nature d'EPCI inconnue pour {epci['siren']} : {epci['nature']}"
            )

    rapport.compteurs["Régions"], regions = _synchroniser(
        Region, "code", donnees["regions"], ["nom"]
    )
    lignes = []
    for dep in donnees["departements"]:
        if dep["region"] not in regions:
            raise DonneesInvalides(f"Région inconnue pour le département {dep['code']}")
        lignes.append({**dep, "region": regions[dep["region"]]})
    rapport.compteurs["Départements"], departements = _synchroniser(
        Departement, "code", lignes, ["nom", "region", "chef_lieu"]
    )
    lignes = []
    for arr in donnees["arrondissements"]:
        departement = departements.get(arr["departement"])
        if departement is None:
            raise DonneesInvalides(f"Département inconnu pour l'arrondissement {arr['code']}")
        # The arrondissement whose chef-lieu is the département's holds the préfecture.
        type_chef_lieu = (
            ChefLieu.PREFECTURE
            if arr["chef_lieu"] == departement.chef_lieu
            else ChefLieu.SOUS_PREFECTURE
        )
        lignes.append({**arr, "departement": departement, "type_chef_lieu": type_chef_lieu})
    rapport.compteurs["Arrondissements"], arrondissements = _synchroniser(
        Arrondissement, "code", lignes, ["nom", "departement", "chef_lieu", "type_chef_lieu"]
    )
    rapport.compteurs["EPCI"], epcis = _synchroniser(
        Epci, "siren", donnees["epci"], ["nom", "nature"]
    )

    lignes = []
    for code, nom, dep, arr, siren, population in donnees["communes"]:
        if dep not in departements or (arr and arr not in arrondissements):
            raise DonneesInvalides(f"Département ou arrondissement inconnu pour la commune {code}")
        if siren and siren not in epcis:
            raise DonneesInvalides(f"EPCI {siren} inconnu pour la commune {code}")
        lignes.append(
            {
                "code_insee": code,
                "nom": nom,
                "departement": departements[dep],
                "arrondissement": arrondissements.get(arr) if arr else None,
                "epci": epcis.get(siren) if siren else None,
                "population": population,
            }
        )
    rapport.compteurs["Communes"], _ = _synchroniser(
        Commune,
        "code_insee",
        lignes,
        ["nom", "departement", "arrondissement", "epci", "population"],
    )

    codes_source = {ligne["code_insee"] for ligne in lignes}
    disparues = list(
        Commune.objects.filter(departement__in=departements.values())
        .exclude(code_insee__in=codes_source)
        .order_by("code_insee")
    )
    if disparues:
        references = _codes_references(disparues)
        libres = [c for c in disparues if c.code_insee not in references]
        rapport.communes_disparues_referencees = [
            str(c) for c in disparues if c.code_insee in references
        ]
        if supprimer_absentes:
            Commune.objects.filter(pk__in=[c.pk for c in libres]).delete()
            rapport.communes_disparues_supprimees = [str(c) for c in libres]
        else:
            rapport.communes_disparues_conservees = [str(c) for c in libres]
    sirens_source = {epci["siren"] for epci in donnees["epci"]}
    for epci in Epci.objects.exclude(siren__in=sirens_source).filter(communes__isnull=True):
        rapport.avertissements.append(
            f"EPCI absent de la source et sans commune, conservé : {epci} ({epci.siren})"
        )
    return rapport


def _valider_referentiel(donnees):
    _exiger(
        donnees,
        ["contrat", "financeurs", "volets", "enveloppes_illustratives", "guichets"],
    )
    montants = {
        f["code"]: Decimal(f["montant_contractualise"])
        for f in donnees["financeurs"]
        if f["signataire"]
    }
    volets = {v["code"]: Decimal(v["montant"]) for v in donnees["volets"]}
    matrice = donnees["enveloppes_illustratives"]
    colonnes = matrice["colonnes"]
    if set(colonnes) != set(montants):
        raise DonneesInvalides("Les colonnes des enveloppes doivent être les signataires.")
    if set(matrice["lignes"]) != set(volets):
        raise DonneesInvalides("Les lignes des enveloppes doivent être les volets.")
    for code, cellules in matrice["lignes"].items():
        ecart = sum(Decimal(c) for c in cellules) - volets[code]
        if abs(ecart) > TOLERANCE_VOLET:
            raise DonneesInvalides(f"Les enveloppes du volet {code} s'écartent de {ecart} €.")
    for i, code in enumerate(colonnes):
        total = sum(Decimal(cellules[i]) for cellules in matrice["lignes"].values())
        if total != montants[code]:
            raise DonneesInvalides(
                f"Les enveloppes de {code} totalisent {total} € au lieu de {montants[code]} €."
            )
    if sum(montants.values()) != Decimal(donnees["contrat"]["montant_total"]):
        raise DonneesInvalides("Le total du contrat n'est pas la somme des signataires.")
    _valider_avenants(donnees, set(volets), set(colonnes))
    _valider_calendrier(donnees["contrat"], set(volets))


def _valider_calendrier(contrat, volets: set):
    """The contract's period is ordered; each extension names a known volet (or none) and
    ends after the period."""
    try:
        debut = datetime.date.fromisoformat(contrat.get("debut", "2015-01-01"))
        fin = datetime.date.fromisoformat(contrat.get("fin", "2020-12-31"))
        fins = [
            datetime.date.fromisoformat(p["jusqu_au"]) for p in contrat.get("prolongations", [])
        ]
    except (KeyError, TypeError, ValueError) as erreur:
        raise DonneesInvalides("Période du contrat ou prolongation : date illisible.") from erreur
    if fin < debut:
        raise DonneesInvalides("La période du contrat finit avant de commencer.")
    for prolongation, jusqu_au in zip(contrat.get("prolongations", []), fins, strict=True):
        _exiger(prolongation, ["jusqu_au", "objet"])
        if prolongation.get("volet") and prolongation["volet"] not in volets:
            raise DonneesInvalides(f"Prolongation : volet {prolongation['volet']} inconnu.")
        if jusqu_au <= fin:
            raise DonneesInvalides("Une prolongation doit finir après la période du contrat.")


def _valider_avenants(donnees, volets: set, signataires: set):
    """Avenants are numbered from 1 without gaps, dated after the signature and after the
    previous one, and revise known envelopes with amounts that are euros."""
    precedente = datetime.date.fromisoformat(donnees["contrat"]["date_signature"])
    for attendu, avenant in enumerate(donnees.get("avenants", []), start=1):
        _exiger(avenant, ["numero", "date", "objet", "enveloppes"])
        if avenant["numero"] != attendu:
            raise DonneesInvalides(f"Avenant n° {avenant['numero']} : le n° {attendu} est attendu.")
        try:
            date = datetime.date.fromisoformat(avenant["date"])
        except (TypeError, ValueError) as erreur:
            raise DonneesInvalides(f"Avenant n° {attendu} : date illisible.") from erreur
        if date <= precedente:
            raise DonneesInvalides(
                f"Avenant n° {attendu} : sa date doit suivre la signature et l'avenant précédent."
            )
        precedente = date
        for volet, cellules in avenant["enveloppes"].items():
            if volet not in volets or not set(cellules) <= signataires:
                raise DonneesInvalides(f"Avenant n° {attendu} : volet ou signataire inconnu.")
            for montant in cellules.values():
                try:
                    valeur = Decimal(montant)
                except (TypeError, ArithmeticError) as erreur:
                    raise DonneesInvalides(f"Avenant n° {attendu} : montant illisible.") from erreur
                if not valeur.is_finite() or valeur < 0 or valeur != valeur.quantize(CENTIME):
                    raise DonneesInvalides(f"Avenant n° {attendu} : montant invalide {montant}.")


def _creer_ou_mettre_a_jour(modele, compteur, mettre_a_jour, defaults, **cles):
    """get_or_create, or update_or_create when asked: an admin's edits survive a plain reload."""
    objet, cree = modele.objects.get_or_create(**cles, defaults=defaults)
    if cree:
        compteur.crees += 1
    elif mettre_a_jour and any(getattr(objet, c) != v for c, v in defaults.items()):
        for c, v in defaults.items():
            setattr(objet, c, v)
        objet.save()
        compteur.modifies += 1
    else:
        compteur.inchanges += 1
    return objet


def _charger_avenants(donnees, rapport, contrat, mettre_a_jour):
    """The contract's avenants and the envelopes each revises (as illustrative as the split)."""
    enveloppes = {
        (e.volet.code, e.financeur.code): e
        for e in Enveloppe.objects.filter(volet__contrat=contrat).select_related(
            "volet", "financeur"
        )
    }
    avenants = rapport.compteurs["Avenants"] = Compteur()
    revisions = rapport.compteurs["Révisions d'enveloppes"] = Compteur()
    for a in donnees.get("avenants", []):
        avenant = _creer_ou_mettre_a_jour(
            AvenantContrat,
            avenants,
            mettre_a_jour,
            {"date": datetime.date.fromisoformat(a["date"]), "objet": a["objet"]},
            contrat=contrat,
            numero=a["numero"],
        )
        for code_volet, cellules in a["enveloppes"].items():
            for code_financeur, montant in cellules.items():
                _creer_ou_mettre_a_jour(
                    RevisionEnveloppe,
                    revisions,
                    mettre_a_jour,
                    {"montant": Decimal(montant)},
                    avenant=avenant,
                    enveloppe=enveloppes[(code_volet, code_financeur)],
                )


@transaction.atomic
def referentiel_charger(*, donnees, mettre_a_jour=False) -> Rapport:
    """Load the contract: signatories and cofinanceurs, volets, illustrative envelopes and the
    avenants that revised them, guichets and pôles métropolitains. Territories must be imported
    first.

    By default only what is missing is created, so a reload keeps what the administrators edited;
    `mettre_a_jour` puts the file's values back.
    """
    _valider_referentiel(donnees)
    rapport = Rapport()
    c = donnees["contrat"]
    compteur = rapport.compteurs["Contrat"] = Compteur()
    contrat = _creer_ou_mettre_a_jour(
        Contrat,
        compteur,
        mettre_a_jour,
        {
            "date_signature": datetime.date.fromisoformat(c["date_signature"]),
            "montant_total": Decimal(c["montant_total"]),
            **{
                champ: datetime.date.fromisoformat(c[champ])
                for champ in ("debut", "fin")
                if c.get(champ)
            },
        },
        intitule=c["intitule"],
    )

    compteur = rapport.compteurs["Financeurs"] = Compteur()
    financeurs = {}
    for f in donnees["financeurs"]:
        montant = f["montant_contractualise"]
        financeurs[f["code"]] = _creer_ou_mettre_a_jour(
            Financeur,
            compteur,
            mettre_a_jour,
            {
                "nom": f["nom"],
                "categorie": f["categorie"],
                "signataire": f["signataire"],
                "public": f["public"],
                "montant_contractualise": Decimal(montant) if montant is not None else None,
                "ordre": f["ordre"],
            },
            code=f["code"],
        )

    compteur = rapport.compteurs["Volets"] = Compteur()
    volets = {}
    for v in donnees["volets"]:
        volets[v["code"]] = _creer_ou_mettre_a_jour(
            Volet,
            compteur,
            mettre_a_jour,
            {
                "contrat": contrat,
                "numero": v["numero"],
                "intitule": v["intitule"],
                "montant": Decimal(v["montant"]),
            },
            code=v["code"],
        )

    compteur = rapport.compteurs["Enveloppes"] = Compteur()
    matrice = donnees["enveloppes_illustratives"]
    for code_volet, cellules in matrice["lignes"].items():
        for code_financeur, montant in zip(matrice["colonnes"], cellules, strict=True):
            _creer_ou_mettre_a_jour(
                Enveloppe,
                compteur,
                mettre_a_jour,
                {"montant": Decimal(montant), "illustratif": True},
                volet=volets[code_volet],
                financeur=financeurs[code_financeur],
            )

    _charger_avenants(donnees, rapport, contrat, mettre_a_jour)
    compteur = rapport.compteurs["Prolongations"] = Compteur()
    for p in c.get("prolongations", []):
        _creer_ou_mettre_a_jour(
            ProlongationContrat,
            compteur,
            mettre_a_jour,
            {"objet": p["objet"]},
            contrat=contrat,
            volet=volets.get(p.get("volet") or ""),
            jusqu_au=datetime.date.fromisoformat(p["jusqu_au"]),
        )

    arrondissements = Arrondissement.objects.in_bulk(field_name="code")
    occupes = dict(
        Guichet.objects.filter(arrondissement__isnull=False).values_list(
            "arrondissement__code", "code"
        )
    )
    compteur = rapport.compteurs["Guichets"] = Compteur()
    for g in donnees["guichets"]:
        arrondissement = None
        if g["arrondissement"]:
            arrondissement = arrondissements.get(g["arrondissement"])
            if arrondissement is None:
                raise DonneesInvalides(
                    f"Arrondissement {g['arrondissement']} inconnu pour le guichet {g['code']} : "
                    "importez d'abord les territoires (import_territoires)."
                )
            deja = occupes.get(g["arrondissement"])
            if deja and deja != g["code"]:
                # An administrator already set up this arrondissement's guichet: keep it.
                rapport.avertissements.append(
                    f"Guichet {g['code']} non créé : l'arrondissement {g['arrondissement']} "
                    f"a déjà le guichet {deja}, conservé."
                )
                compteur.inchanges += 1
                continue
        _creer_ou_mettre_a_jour(
            Guichet,
            compteur,
            mettre_a_jour,
            {
                "nom": g["nom"],
                "type": g["type"],
                "arrondissement": arrondissement,
                "adresse": g["adresse"],
                "code_postal": g["code_postal"],
                "ville": g["ville"],
                "email": g["email"],
                "telephone": g["telephone"],
                "coordonnees_a_verifier": True,
            },
            code=g["code"],
        )

    epcis = Epci.objects.in_bulk(field_name="siren")
    compteur = rapport.compteurs["Pôles métropolitains"] = Compteur()
    for p in donnees.get("poles_metropolitains", []):
        inconnus = [s for s in p["membres"] if s not in epcis]
        if inconnus:
            raise DonneesInvalides(f"EPCI inconnus pour {p['nom']} : {', '.join(inconnus)}")
        pole, cree = PoleMetropolitain.objects.get_or_create(nom=p["nom"])
        membres = {epcis[s].pk for s in p["membres"]}
        if cree:
            compteur.crees += 1
            pole.membres.set(membres)
        elif mettre_a_jour and set(pole.membres.values_list("pk", flat=True)) != membres:
            pole.membres.set(membres)
            compteur.modifies += 1
        else:
            compteur.inchanges += 1
    return rapport

"""Reads of the dossier form: the money summary (stored or as being typed) and the communes."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, Q

from cper.forms import CHIFFRES_ENTIERS_MAX, parametre_entier
from cper.referentiel.models import Commune, Financeur, PoleMetropolitain
from dossiers.completude import TAUX_MAX_AIDE_PUBLIQUE_COLLECTIVITE, taux_aide_publique
from dossiers.enums import CATEGORIES_COLLECTIVITES
from dossiers.models import Dossier


@dataclass
class Totaux:
    depenses_ht: Decimal
    depenses_ttc: Decimal
    tva_recuperable: bool | None
    total_financement: Decimal
    aide_publique: Decimal
    collectivite: bool
    montants_ignores: bool = False

    @property
    def cout_eligible(self) -> Decimal:
        return self.depenses_ht if self.tva_recuperable else self.depenses_ttc

    @property
    def base(self) -> str:
        return "HT" if self.tva_recuperable else "TTC"

    @property
    def ecart(self) -> Decimal:
        return self.total_financement - self.cout_eligible

    @property
    def taux(self) -> Decimal | None:
        taux = taux_aide_publique(self.aide_publique, self.cout_eligible)
        return None if taux is None else (taux * 100).quantize(Decimal("0.1"))

    @property
    def taux_depasse(self) -> bool:
        return (
            self.collectivite
            and self.taux is not None
            and self.taux > TAUX_MAX_AIDE_PUBLIQUE_COLLECTIVITE * 100
        )


def totaux_enregistres(dossier_pk: int) -> Totaux:
    """The money of the stored dossier, computed in the database (one query)."""
    d = (
        Dossier.objects.avec_totaux()
        .values(
            "depenses_ht",
            "depenses_ttc",
            "tva_recuperable",
            "total_financement",
            "aide_publique",
            "structure__categorie",
        )
        .get(pk=dossier_pk)
    )
    return Totaux(
        depenses_ht=d["depenses_ht"],
        depenses_ttc=d["depenses_ttc"],
        tva_recuperable=d["tva_recuperable"],
        total_financement=d["total_financement"],
        aide_publique=d["aide_publique"],
        collectivite=d["structure__categorie"] in CATEGORIES_COLLECTIVITES,
    )


def _montant_saisi(valeur: str) -> Decimal | None:
    """An amount as typed in French ("12 500,50"); None when empty, raises when unreadable."""
    valeur = (valeur or "").replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    valeur = valeur.replace("€", "").replace(",", ".")
    if not valeur:
        return None
    if len(valeur) > 40:
        raise InvalidOperation
    montant = Decimal(valeur)
    # Never NaN nor infinite, and no more digits than the database keeps: "1e309" is unreadable.
    if not montant.is_finite() or montant < 0 or montant.adjusted() >= CHIFFRES_ENTIERS_MAX:
        raise InvalidOperation
    return montant


def _lignes_saisies(donnees, prefixe: str):
    try:
        nombre = min(int(donnees.get(f"{prefixe}-TOTAL_FORMS", 0)), 200)
    except ValueError:
        nombre = 0
    for i in range(nombre):
        if donnees.get(f"{prefixe}-{i}-DELETE"):
            continue
        yield lambda champ, i=i: donnees.get(f"{prefixe}-{i}-{champ}", "")


def totaux_saisis(dossier_pk: int, section: str, donnees) -> Totaux:
    """The money as the user is typing it: the lines of the section being edited come from the
    posted form, everything else from the database. Unreadable amounts are left out and flagged.
    """
    totaux = totaux_enregistres(dossier_pk)
    if section == "depenses":
        ht = ttc = Decimal("0")
        for champ in _lignes_saisies(donnees, "depenses"):
            try:
                ligne_ht = _montant_saisi(champ("montant_ht")) or 0
                ligne_ttc = _montant_saisi(champ("montant_ttc")) or 0
            except InvalidOperation:
                totaux.montants_ignores = True
                continue
            ht, ttc = ht + ligne_ht, ttc + ligne_ttc
        totaux.depenses_ht, totaux.depenses_ttc = ht, ttc
        totaux.tva_recuperable = {"oui": True, "non": False}.get(donnees.get("tva_recuperable"))
    elif section == "financement":
        saisies = []
        for champ in _lignes_saisies(donnees, "financements"):
            try:
                montant = _montant_saisi(champ("montant_demande"))
            except InvalidOperation:
                totaux.montants_ignores = True
                continue
            if montant:
                saisies.append((parametre_entier({"f": champ("financeur")}, "f"), montant))
        publics = set(
            Financeur.objects.filter(public=True)
            .filter(pk__in=[f for f, _ in saisies if f is not None])
            .values_list("pk", flat=True)
        )
        totaux.total_financement = sum((m for _, m in saisies), Decimal("0"))
        totaux.aide_publique = sum((m for f, m in saisies if f in publics), Decimal("0"))
    return totaux


def communes_du_dossier(dossier: Dossier):
    """The dossier's communes with what derives from them (two queries)."""
    return list(
        dossier.communes.select_related("departement", "arrondissement", "epci").prefetch_related(
            Prefetch("epci__poles", queryset=PoleMetropolitain.objects.order_by("nom"))
        )
    )


def territoire(communes) -> dict:
    """EPCI, arrondissements and pôles métropolitains covered by the communes, without doubles."""
    epcis = {c.epci.pk: c.epci for c in communes if c.epci}
    arrondissements = {c.arrondissement.pk: c.arrondissement for c in communes if c.arrondissement}
    poles = {p.pk: p for e in epcis.values() for p in e.poles.all()}
    return {
        "epcis": sorted(epcis.values(), key=str),
        "arrondissements": sorted(arrondissements.values(), key=str),
        "poles": sorted(poles.values(), key=str),
    }


def communes_suggerees(texte: str, exclure_dossier: Dossier, limite: int = 10):
    texte = texte.strip()
    if len(texte) < 2:
        return []
    return list(
        Commune.objects.filter(Q(nom__icontains=texte) | Q(code_insee__startswith=texte))
        .exclude(dossiers=exclure_dossier)
        .select_related("departement")
        .order_by("nom", "code_insee")[:limite]
    )

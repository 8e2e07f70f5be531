"""What a dossier still lacks before it can be filed (the guards of `deposer`, in words).

The form shows these messages section by section; the dépôt refuses while any remains.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from cper.templatetags.cper_tags import euros

from .enums import CATEGORIES_COLLECTIVITES, CategorieStructure, TypePiece
from .models import Dossier

# CGCT L1111-10: a collectivité or EPCI keeps at least 20 % of the eligible cost.
TAUX_MAX_AIDE_PUBLIQUE_COLLECTIVITE = Decimal("0.80")

PIECES_COMMUNES = [TypePiece.PLAN_FINANCEMENT_SIGNE, TypePiece.CALENDRIER, TypePiece.RIB]
PIECES_PAR_CATEGORIE = {
    CategorieStructure.COMMUNE: [TypePiece.DELIBERATION],
    CategorieStructure.EPCI: [TypePiece.DELIBERATION],
    CategorieStructure.DEPARTEMENT: [TypePiece.DELIBERATION],
    CategorieStructure.REGION: [TypePiece.DELIBERATION],
    CategorieStructure.ETABLISSEMENT_PUBLIC: [TypePiece.DELIBERATION],
    CategorieStructure.UNIVERSITE: [TypePiece.DELIBERATION],
    CategorieStructure.ASSOCIATION: [TypePiece.STATUTS_KBIS, TypePiece.DEVIS],
    CategorieStructure.ENTREPRISE: [TypePiece.STATUTS_KBIS, TypePiece.DEVIS],
    CategorieStructure.AUTRE: [TypePiece.STATUTS_KBIS, TypePiece.DEVIS],
}

SECTIONS = {
    "identite": "Identité du projet",
    "localisation": "Localisation",
    "calendrier": "Calendrier",
    "depenses": "Dépenses",
    "financement": "Plan de financement",
    "pieces": "Pièces justificatives",
}


def pieces_obligatoires(categorie: str) -> list[TypePiece]:
    """The pieces a structure of this category must provide, in display order."""
    return [*PIECES_PAR_CATEGORIE.get(categorie, []), *PIECES_COMMUNES]


def taux_aide_publique(aide_publique: Decimal, cout_eligible: Decimal) -> Decimal | None:
    if not cout_eligible:
        return None
    return (aide_publique / cout_eligible).quantize(Decimal("0.0001"))


@dataclass
class Completude:
    manques: dict[str, list[str]] = field(default_factory=dict)

    @property
    def complet(self) -> bool:
        return not any(self.manques.values())

    def sections(self) -> list[dict]:
        return [
            {"code": code, "titre": titre, "manques": self.manques.get(code, [])}
            for code, titre in SECTIONS.items()
        ]


def completude(dossier_id: int) -> Completude:
    """Check every guard of the dépôt on a fresh read of the dossier (4 queries)."""
    dossier = Dossier.objects.avec_totaux().select_related("structure", "volet").get(pk=dossier_id)
    nb_communes = dossier.communes.count()
    types_presents = set(dossier.pieces.values_list("type", flat=True).distinct())
    m = {code: [] for code in SECTIONS}

    for champ, libelle in (
        ("intitule", "l'intitulé"),
        ("resume", "le résumé"),
        ("description", "la description"),
    ):
        if not getattr(dossier, champ).strip():
            m["identite"].append(f"Renseignez {libelle}.")
    if dossier.volet_id is None:
        m["identite"].append("Choisissez le volet du contrat.")

    if nb_communes == 0:
        m["localisation"].append("Indiquez au moins une commune où se situe le projet.")

    if dossier.date_debut is None:
        m["calendrier"].append("Indiquez la date de début prévue.")
    if dossier.date_fin is None:
        m["calendrier"].append("Indiquez la date de fin prévue.")

    if dossier.tva_recuperable is None:
        m["depenses"].append("Indiquez si vous récupérez la TVA (base éligible HT ou TTC).")
    if not dossier.cout_eligible:
        m["depenses"].append("Ajoutez au moins une ligne de dépense.")

    if not dossier.total_financement:
        m["financement"].append("Ajoutez au moins une ligne au plan de financement.")
    elif dossier.ecart_financement:
        sens = "dépasse" if dossier.ecart_financement > 0 else "ne couvre pas"
        m["financement"].append(
            f"Le plan de financement ({euros(dossier.total_financement)}) {sens} le coût "
            f"éligible ({euros(dossier.cout_eligible)}) : écart de "
            f"{euros(abs(dossier.ecart_financement))}. Les deux montants doivent être égaux."
        )
    if dossier.structure.categorie in CATEGORIES_COLLECTIVITES and dossier.cout_eligible:
        plafond = (dossier.cout_eligible * TAUX_MAX_AIDE_PUBLIQUE_COLLECTIVITE).quantize(
            Decimal("0.01")
        )
        if dossier.aide_publique > plafond:
            m["financement"].append(
                f"Les aides publiques ({euros(dossier.aide_publique)}) dépassent 80 % du coût "
                f"éligible ({euros(plafond)}) : une collectivité ou un EPCI doit financer au "
                "moins 20 % de son projet (article L1111-10 du code général des collectivités "
                "territoriales)."
            )

    for type_piece in pieces_obligatoires(dossier.structure.categorie):
        if type_piece not in types_presents:
            m["pieces"].append(f"Joignez la pièce « {type_piece.label} ».")

    return Completude(manques=m)

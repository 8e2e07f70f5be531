from decimal import Decimal

import pytest

from dossiers.completude import completude, pieces_obligatoires
from dossiers.enums import CategorieStructure, TypePiece
from dossiers.models import Dossier
from tests.factories import (
    DossierFactory,
    FinanceurFactory,
    LigneDepenseFactory,
    LigneFinancementFactory,
    PieceFactory,
)

pytestmark = pytest.mark.django_db


def _dossier_complet(**kwargs):
    """A commune's dossier: 100 000 € HT eligible, 40 % État, 40 % Région, 20 % own funds."""
    dossier = DossierFactory(**kwargs)
    LigneDepenseFactory(
        dossier=dossier, montant_ht=Decimal("100000"), montant_ttc=Decimal("120000")
    )
    LigneFinancementFactory(dossier=dossier, financeur=FinanceurFactory(), montant_demande=40000)
    LigneFinancementFactory(
        dossier=dossier, financeur=FinanceurFactory(region=True), montant_demande=40000
    )
    LigneFinancementFactory(
        dossier=dossier, financeur=FinanceurFactory(autofinancement=True), montant_demande=20000
    )
    for type_piece in pieces_obligatoires(dossier.structure.categorie):
        PieceFactory(dossier=dossier, type=type_piece)
    return dossier


def test_un_dossier_complet_n_a_plus_rien_a_fournir():
    resultat = completude(_dossier_complet().pk)
    assert resultat.complet, resultat.manques


def test_les_totaux_sont_calcules_en_base():
    dossier = Dossier.objects.avec_totaux().get(pk=_dossier_complet().pk)
    assert dossier.cout_eligible == Decimal("100000.00")
    assert dossier.total_financement == Decimal("100000.00")
    assert dossier.aide_publique == Decimal("80000.00")
    assert dossier.ecart_financement == 0


def test_un_plan_desequilibre_est_explique_en_euros():
    dossier = _dossier_complet()
    LigneFinancementFactory(dossier=dossier, financeur=FinanceurFactory(), montant_demande=5000)
    manques = completude(dossier.pk).manques["financement"]
    assert manques == [
        "Le plan de financement (105\u202f000,00\u00a0€) dépasse le coût éligible "
        "(100\u202f000,00\u00a0€) : écart de 5\u202f000,00\u00a0€. Les deux montants doivent être "
        "égaux.",
        "Les aides publiques (85\u202f000,00\u00a0€) dépassent 80 % du coût éligible "
        "(80\u202f000,00\u00a0€) : une collectivité ou un EPCI doit financer au moins 20 % de son "
        "projet (article L1111-10 du code général des collectivités territoriales).",
    ]


def test_la_base_eligible_est_ttc_sans_recuperation_de_tva():
    dossier = _dossier_complet(tva_recuperable=False)
    dossier = Dossier.objects.avec_totaux().get(pk=dossier.pk)
    assert dossier.cout_eligible == Decimal("120000.00")
    assert "ne couvre pas" in completude(dossier.pk).manques["financement"][0]


# Drives the model (or the table) directly, around the services that keep the aggregates.
@pytest.mark.agregats_libres
def test_la_regle_des_80_pour_cent_ne_vise_pas_une_association():
    dossier = _dossier_complet(structure__categorie=CategorieStructure.ASSOCIATION)
    ligne = dossier.financements.get(financeur__code="autofinancement")
    ligne.financeur = FinanceurFactory(code="feder", nom="FEDER", categorie="union_europeenne")
    ligne.save()
    manques = completude(dossier.pk).manques
    assert manques["financement"] == []
    assert manques["pieces"] == []


def test_les_pieces_obligatoires_dependent_de_la_categorie():
    assert TypePiece.DELIBERATION in pieces_obligatoires(CategorieStructure.COMMUNE)
    assert TypePiece.STATUTS_KBIS not in pieces_obligatoires(CategorieStructure.COMMUNE)
    assert TypePiece.STATUTS_KBIS in pieces_obligatoires(CategorieStructure.ASSOCIATION)


def test_un_brouillon_vide_liste_ce_qui_manque_section_par_section():
    dossier = DossierFactory(
        resume="",
        description="",
        volet=None,
        date_debut=None,
        date_fin=None,
        tva_recuperable=None,
        communes=[],
    )
    manques = completude(dossier.pk).manques
    assert "Renseignez le résumé." in manques["identite"]
    assert "Choisissez le volet du contrat." in manques["identite"]
    assert manques["localisation"] == ["Indiquez au moins une commune où se situe le projet."]
    assert len(manques["calendrier"]) == 2
    assert "Ajoutez au moins une ligne de dépense." in manques["depenses"]
    assert manques["financement"] == ["Ajoutez au moins une ligne au plan de financement."]
    assert "Joignez la pièce « Délibération »." in manques["pieces"]

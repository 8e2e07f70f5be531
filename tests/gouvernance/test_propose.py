"""« Proposé »: one rule, read from the kept aggregates by the maquette and the decision form."""

from decimal import Decimal

from dossiers import agregats
from dossiers.models import AgregatFinancement
from instruction.enums import Cote, SensAvis
from instruction.models import MontantPropose
from instruction.selectors import plan_compare
from tests.factories import DossierFactory, LigneFinancementFactory
from tests.factories.instruction import AvisFactory


def _instruit(structure, volet, financeurs, propositions):
    dossier = DossierFactory(instruit=True, structure=structure, volet=volet)
    LigneFinancementFactory(
        dossier=dossier, financeur=financeurs["etat"], montant_demande=Decimal("40000")
    )
    LigneFinancementFactory(
        dossier=dossier, financeur=financeurs["region"], montant_demande=Decimal("30000")
    )
    for cote, montants in propositions.items():
        avis = AvisFactory(dossier=dossier, cote=cote, sens=SensAvis.FAVORABLE)
        for code, montant in montants.items():
            MontantPropose.objects.create(
                avis=avis, financeur=financeurs[code], montant=Decimal(montant)
            )
    agregats.recalculer_dossier(dossier.pk)
    return dossier


def _proposes(dossier):
    lignes = plan_compare([dossier.pk])[dossier.pk]
    return {ligne["financeur_id"]: ligne["propose"] for ligne in lignes}


def test_le_formulaire_de_decision_lit_le_propose_des_agregats(structure, volet, financeurs):
    # The Région side gave its avis without an amount for the Région: it proposes 0, on the
    # maquette and in the decision form alike (the form used to suggest the État's amount).
    dossier = _instruit(
        structure,
        volet,
        financeurs,
        {Cote.ETAT: {"etat": "35000", "region": "20000"}, Cote.REGION: {"etat": "30000"}},
    )
    proposes = _proposes(dossier)
    assert proposes == {financeurs["etat"].pk: Decimal("30000"), financeurs["region"].pk: 0}
    assert proposes == dict(
        AgregatFinancement.objects.filter(dossier=dossier).values_list("financeur_id", "propose")
    )


def test_le_propose_ne_depasse_jamais_la_demande(structure, volet, financeurs):
    dossier = _instruit(
        structure,
        volet,
        financeurs,
        {Cote.ETAT: {"etat": "90000"}, Cote.REGION: {"etat": "50000"}},
    )
    assert _proposes(dossier)[financeurs["etat"].pk] == Decimal("40000")


def test_un_avis_seul_vaut_proposition(structure, volet, financeurs):
    dossier = _instruit(structure, volet, financeurs, {Cote.ETAT: {"etat": "12500"}})
    assert _proposes(dossier)[financeurs["etat"].pk] == Decimal("12500")

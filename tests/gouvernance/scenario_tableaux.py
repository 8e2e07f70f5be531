"""A hand-built contract for the dashboard tests: two volets, two signatories, known amounts."""

from dataclasses import dataclass
from decimal import Decimal

from dossiers import agregats
from gouvernance.enums import SensDecision
from instruction.enums import Cote
from instruction.models import MontantPropose
from tests.factories import (
    DossierFactory,
    EnveloppeFactory,
    FinanceurFactory,
    LigneFinancementFactory,
    VoletFactory,
)
from tests.factories.gouvernance import DecisionFactory, MontantProgrammeFactory
from tests.factories.instruction import AvisFactory


def k(valeur) -> Decimal:
    """Thousands of euros."""
    return Decimal(valeur) * 1000


@dataclass
class Contrat:
    v1: object
    v2: object
    etat: object
    region: object
    autofinancement: object


def contrat() -> Contrat:
    v1 = VoletFactory()
    v2 = VoletFactory(code="esri", numero=2, intitule="Enseignement supérieur")
    etat = FinanceurFactory()
    region = FinanceurFactory(region=True)
    autofinancement = FinanceurFactory(autofinancement=True)
    for volet, financeur, montant in [
        (v1, etat, 1000),
        (v1, region, 800),
        (v2, etat, 100),
        (v2, region, 200),
    ]:
        EnveloppeFactory(volet=volet, financeur=financeur, montant=k(montant))
    return Contrat(v1, v2, etat, region, autofinancement)


def dossier(etat, volet, lignes, **kwargs):
    d = DossierFactory(volet=volet, **({etat: True} if etat != "brouillon" else {}), **kwargs)
    for financeur, montant in lignes.items():
        LigneFinancementFactory(dossier=d, financeur=financeur, montant_demande=k(montant))
    return d


def avis(d, cote, montants):
    a = AvisFactory(dossier=d, cote=cote)
    for financeur, montant in montants.items():
        MontantPropose.objects.create(avis=a, financeur=financeur, montant=k(montant))
    agregats.recalculer_dossier(d.pk)  # as avis_donner does
    return a


def programmer(d, montants, sens=SensDecision.PROGRAMME):
    decision = DecisionFactory(
        point__dossier=d, sens=sens, motif="" if sens == SensDecision.PROGRAMME else "Hors champ"
    )
    for financeur, montant in montants.items():
        MontantProgrammeFactory(decision=decision, financeur=financeur, montant=k(montant))
    return decision


def scenario(c: Contrat) -> dict:
    """The dossiers of the maquette test; amounts in k€ (see test_tableaux_maquette)."""
    E, R, A = c.etat, c.region, c.autofinancement
    d1 = dossier("depose", c.v1, {E: 100, R: 50, A: 50})
    d2 = dossier("en_instruction", c.v1, {E: 200, R: 100, A: 100})
    avis(d2, Cote.ETAT, {E: 150, R: 100})
    avis(d2, Cote.REGION, {E: 180, R: 80})
    d3 = dossier("instruit", c.v1, {E: 300, R: 300, A: 200})
    avis(d3, Cote.ETAT, {E: 300, R: 250})
    avis(d3, Cote.REGION, {E: 300})  # nothing proposed for the Région's money
    d4 = dossier("en_instruction", c.v2, {E: 60, A: 20})
    avis(d4, Cote.ETAT, {E: 60})  # the Région has not given its avis yet
    d5 = dossier("programme", c.v1, {E: 900, R: 400, A: 400})
    programmer(d5, {E: 900, R: 400})
    d6 = dossier("programme", c.v1, {E: 200, A: 100})
    programmer(d6, {E: 200})
    d7 = dossier("brouillon", c.v1, {E: 999})
    d8 = dossier("rejete", c.v1, {E: 77, A: 20})
    programmer(d8, {}, sens=SensDecision.REJETE)
    d9 = dossier("programme", c.v2, {E: 50, R: 100, A: 50})
    programmer(d9, {E: 50, R: 100})
    return {f"d{i}": d for i, d in enumerate([d1, d2, d3, d4, d5, d6, d7, d8, d9], start=1)}

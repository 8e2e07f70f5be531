"""Stage 8: the execution — acts notified per financeur, the start, avances, acomptes, soldes,
reversements, and the dossiers soldés, clôturés or abandoned (docs/demo.md).

Drawn in memory right after the amounts (the dossier's final state and its transitions join
its path, so the dossier row and its history are written once), written after the séances.
Every date falls between the séance that programmed the dossier and `AUJOURDHUI`; the amounts
follow the rules the services enforce (execution.services.versements): an avance within the
decree's cap, acomptes within 80 %, a solde of the expenses × the rate, a reversement when
the solde is below what was paid. All in cents, like the rest of the demo.
"""

import datetime
import functools
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from cper.referentiel.enums import TypeGuichet
from cper.referentiel.models import Guichet
from dossiers.enums import EtatDossier as E
from execution.enums import (
    DEBUT_DECRET_2018,
    EtatActe,
    EtatDemande,
    EtatReversement,
    Regime,
    TypeActe,
    TypeVersement,
)
from execution.models import (
    Acte,
    Commencement,
    DemandeVersement,
    OrdreReversement,
    ParametresFinanceur,
)
from execution.models.parametres import AVANCE_MAX

from .calendrier import AUJOURDHUI, PARIS, duree
from .chargement import euros
from .depot import fichier_de_piece

VEILLE = AUJOURDHUI - datetime.timedelta(days=1)
DELAI_CADUCITE = datetime.timedelta(days=20)
MOTIF_CADUCITE = "Aucun commencement d'exécution dans les deux ans suivant la notification."
MOTIF_ABANDON = "Le conseil municipal a renoncé au projet (délibération de retrait)."


@functools.cache
def _plus_mois(jour, mois: int):
    """`jour` plus `mois` months, as the services compute the acts' deadlines (relativedelta:
    the last day of a shorter month); a few thousand distinct dates for 100,000 dossiers."""
    return jour + relativedelta(months=mois)


@dataclass
class Versement:
    type: str
    moment: datetime.datetime
    depenses: int | None  # cents, cumulated; None for an avance
    montant: int  # cents
    mandate: bool = True


@dataclass
class Execution:
    plan: object
    regime: str
    notifie_le: datetime.datetime
    commence_le: datetime.datetime | None = None
    # Per financeur code: the payments, then the reversement (cents, date) if any.
    versements: dict = field(default_factory=dict)
    reversements: dict = field(default_factory=dict)
    solde_le: datetime.datetime | None = None


def _eligible(plan) -> int:
    return sum(d[1] if plan.tva_recuperable else d[2] for d in plan.depenses)


def _du(depenses: int, montant: int, assiette: int) -> int:
    """Expenses × rate, rounded half up to the cent, capped at the subsidy."""
    return min((2 * depenses * montant + assiette) // (2 * assiette), montant)


def tirer(alea, plans) -> list[Execution]:
    """Decide how far each programmed dossier went; move its state and extend its path."""
    executions, caduc, en_preparation = [], False, False
    for plan in plans:
        if plan.etat != E.PROGRAMME or not plan.programmes:
            continue
        notification = plan.parcours.moment + duree(alea, 30, 120)
        if notification > VEILLE or alea.random() < 0.08 or not en_preparation:
            en_preparation = True
            continue  # the acts are still being prepared (at least one dossier)
        regime = (
            Regime.DECRET_2018
            if plan.depose_le.astimezone(PARIS).date() >= DEBUT_DECRET_2018
            else Regime.DECRET_1999
        )
        execution = Execution(plan=plan, regime=regime, notifie_le=notification)
        executions.append(execution)
        limite = _plus_mois(notification, 24)
        if not caduc and limite + DELAI_CADUCITE <= VEILLE:
            # One dossier never started within two years of its act: declared caduc.
            caduc = True
            _passer(plan, "attribuer", E.PROGRAMME, E.ATTRIBUE, notification)
            _passer(plan, "declarer_caduc", E.ATTRIBUE, E.CADUC, limite + DELAI_CADUCITE)
            continue
        _suivre(alea, execution)
    if not any(x.plan.etat == E.ABANDONNE for x in executions):
        en_cours = [x for x in executions if x.plan.etat == E.EN_COURS]
        if len(en_cours) > 1:
            _abandonner(en_cours[-1])
    return executions


def _abandonner(x: Execution) -> None:
    """The porteur renounces: the request still open goes, what was paid is ordered back."""
    dernier = max(
        [x.plan.parcours.moment]
        + [v.moment for liste in x.versements.values() for v in liste if v.mandate]
    )
    moment = min(dernier + datetime.timedelta(days=30), VEILLE)
    for code, liste in x.versements.items():
        liste[:] = [v for v in liste if v.mandate]
        verse = sum(v.montant for v in liste)
        if verse > 0:
            x.reversements[code] = (verse, moment, None)
    _passer(x.plan, "abandonner", E.EN_COURS, E.ABANDONNE, moment)


def _passer(plan, transition, source, cible, moment) -> None:
    plan.parcours.passer(transition, source, cible, moment)
    plan.etat = cible


def _suivre(alea, x: Execution) -> None:  # noqa: C901 - one path, read top to bottom
    plan = x.plan
    _passer(plan, "attribuer", E.PROGRAMME, E.ATTRIBUE, x.notifie_le)
    debut = x.notifie_le + duree(alea, 5, 150)
    if debut > VEILLE or alea.random() < 0.1:
        return
    x.commence_le = debut
    _passer(plan, "commencer", E.ATTRIBUE, E.EN_COURS, debut)
    assiette = max(_eligible(plan), max(plan.programmes.values()))
    avance = alea.random() < 0.7
    moments = [debut + duree(alea, 10, 40)]
    for _ in range(2):
        moments.append(moments[-1] + duree(alea, 120, 300))
    solde = moments[-1] + duree(alea, 60, 240)
    finit = solde <= VEILLE - datetime.timedelta(days=10) and alea.random() < 0.75
    abandonne = not finit and alea.random() < 0.04
    en_retard = alea.random() < 0.12  # a solde below the payments: a reversement
    realise = alea.uniform(0.35, 0.55) if en_retard else alea.uniform(0.85, 1.1)
    ouverte = not finit and not abandonne and alea.random() < 0.25
    for code, montant in plan.programmes.items():
        assiette_f = max(assiette, montant)
        liste = x.versements.setdefault(code, [])
        verse = 0
        if avance and moments[0] <= VEILLE:
            taux = AVANCE_MAX[x.regime]
            montant_avance = int(montant * taux) // 100
            if montant_avance > 0:
                liste.append(Versement(TypeVersement.AVANCE, moments[0], None, montant_avance))
                verse += montant_avance
        for rang, moment in enumerate(moments[1:], 1):
            if moment > VEILLE:
                break
            depenses = int(assiette_f * min(realise, 1) * rang / 3)
            acompte = min(_du(depenses, montant, assiette_f), montant * 80 // 100) - verse
            if acompte > 0:
                liste.append(Versement(TypeVersement.ACOMPTE, moment, depenses, acompte))
                verse += acompte
        if finit:
            depenses = int(assiette_f * realise)
            reste = _du(depenses, montant, assiette_f) - verse
            liste.append(Versement(TypeVersement.SOLDE, solde, depenses, max(reste, 0)))
            if reste < 0:
                x.reversements[code] = (-reste, solde, solde + duree(alea, 20, 60))
        elif abandonne and verse > 0:
            x.reversements[code] = (verse, None, None)
        elif ouverte and liste:
            depenses = int(assiette_f * min(realise, 1) * 0.8)
            demande = min(_du(depenses, montant, assiette_f), montant * 80 // 100) - verse
            if demande > 0:
                liste.append(
                    Versement(TypeVersement.ACOMPTE, VEILLE, depenses, demande, mandate=False)
                )
    if finit:
        x.solde_le = solde
        _passer(plan, "solder", E.EN_COURS, E.SOLDE, solde)
        cloture = solde + duree(alea, 70, 150)
        if cloture <= VEILLE and alea.random() < 0.5:
            _passer(plan, "cloturer", E.SOLDE, E.CLOTURE, cloture)
    elif abandonne:
        moment = min(moments[-1], VEILLE)
        _passer(plan, "abandonner", E.EN_COURS, E.ABANDONNE, moment)
        for code, (montant, _, _) in list(x.reversements.items()):
            x.reversements[code] = (montant, moment, None)


def _agents(acteurs) -> dict:
    """Who acts for each financeur in the demo: the Douai agent for the État, the Conseil
    régional's agent for the Région and the other signatories."""
    region = Guichet.objects.filter(type=TypeGuichet.CONSEIL_REGIONAL).first()
    autres = acteurs.agents.get(region.pk) if region else None
    return {"etat": acteurs.guichet_douai, "autres": autres or acteurs.guichet_douai}


def agents_de(acteurs, referentiel) -> dict:
    """{financeur code: agent}, each in its financeur's group (created when missing)."""
    agents = _agents(acteurs)
    resultat = {}
    for code, financeur in referentiel.financeurs.items():
        agent = agents["etat"] if code == "etat" else agents["autres"]
        agent.groups.add(ParametresFinanceur.objects.de(financeur).groupe)
        resultat[code] = agent
    return resultat


def ecrire(chargement, referentiel, plans, executions: list[Execution], acteurs) -> None:
    financeurs = referentiel.financeurs
    agents = agents_de(acteurs, referentiel)
    parametres = {
        p.financeur.code: p
        for p in ParametresFinanceur.objects.select_related("financeur", "groupe")
    }
    nom, _, _ = fichier_de_piece()
    lignes = [(x, code) for x in executions for code in x.plan.programmes]
    ids = dict(zip(((id(x), c) for x, c in lignes), chargement.ids(Acte, len(lignes)), strict=True))
    chargement.copier(
        Acte,
        [
            "id",
            "dossier",
            "financeur",
            "version",
            "type",
            "etat",
            "regime",
            "numero",
            "objet",
            "assiette",
            "montant",
            "taux_avance_max",
            "plafond_acomptes",
            "delai_commencement_mois",
            "delai_achevement_mois",
            "autorite",
            "signe_le",
            "notifie_le",
            "date_limite_commencement",
            "date_limite_achevement",
            "montant_engage",
            "reference_engagement",
            "fichier",
            "fichier_etat",
            "solde_le",
            "etabli_par",
            "created_at",
            "updated_at",
            "date_deliberation",
            "numero_deliberation",
        ],
        (
            _acte(
                x, code, ids[(id(x), code)], parametres[code], financeurs[code], agents[code], nom
            )
            for x, code in lignes
        ),
    )
    chargement.copier(
        Commencement,
        [
            "dossier",
            "date",
            "description",
            "derogation",
            "motif_derogation",
            "declare_par",
            "created_at",
        ],
        (
            (
                x.plan.pk,
                x.commence_le.date(),
                "Ordre de service des travaux",
                False,
                "",
                x.plan.structure.createur,
                x.commence_le,
            )
            for x in executions
            if x.commence_le
        ),
    )
    demandes = [
        (x, code, v) for x in executions for code, liste in x.versements.items() for v in liste
    ]
    ids_demandes = chargement.ids(DemandeVersement, len(demandes))
    chargement.copier(
        DemandeVersement,
        [
            "id",
            "acte",
            "type",
            "etat",
            "depenses",
            "montant_demande",
            "trop_percu",
            "commentaire",
            "deposee_par",
            "deposee_le",
            "montant_accepte",
            "motif",
            "traitee_par",
            "traitee_le",
            "montant_mandate",
            "mandate_le",
            "mandate_par",
        ],
        (
            _demande(pk, ids[(id(x), code)], x, code, v, agents[code])
            for pk, (x, code, v) in zip(ids_demandes, demandes, strict=True)
        ),
    )
    soldes = {
        (id(x), code): pk
        for pk, (x, code, v) in zip(ids_demandes, demandes, strict=True)
        if v.type == TypeVersement.SOLDE
    }
    chargement.copier(
        OrdreReversement,
        ["acte", "demande", "montant", "motif", "etat", "emis_par", "emis_le", "recouvre_le"],
        (
            (
                ids[(id(x), code)],
                soldes.get((id(x), code)),
                euros(montant),
                "Solde inférieur aux versements reçus."
                if (id(x), code) in soldes
                else f"Renonciation du porteur : {MOTIF_ABANDON}",
                EtatReversement.RECOUVRE
                if recouvre and x.plan.etat == E.CLOTURE
                else EtatReversement.EMIS,
                agents[code].pk,
                emis.date(),
                recouvre.date() if recouvre and x.plan.etat == E.CLOTURE else None,
            )
            for x in executions
            for code, (montant, emis, recouvre) in x.reversements.items()
        ),
    )


def _acte(x, code, pk, parametres, financeur, agent, nom):
    plan = x.plan
    montant = plan.programmes[code]
    assiette = max(_eligible(plan), montant)
    notifie = x.notifie_le.astimezone(PARIS).date()
    signe = notifie - datetime.timedelta(days=7)
    taux = parametres.taux_avance_max or AVANCE_MAX[x.regime]
    solde = next((v for v in x.versements.get(code, []) if v.type == TypeVersement.SOLDE), None)
    return (
        pk,
        plan.pk,
        financeur.pk,
        1,
        parametres.type_acte,
        EtatActe.NOTIFIE,
        x.regime,
        f"{notifie:%Y}-{pk:06d}",
        plan.intitule,
        euros(assiette),
        euros(montant),
        taux,
        parametres.plafond_acomptes,
        parametres.delai_commencement_mois,
        parametres.delai_achevement_mois,
        parametres.autorite,
        signe,
        notifie,
        _plus_mois(notifie, parametres.delai_commencement_mois),
        _plus_mois(notifie, parametres.delai_achevement_mois),
        euros(montant),
        f"21{pk:08d}",
        nom,
        EtatActe.NOTIFIE,
        solde.moment.astimezone(PARIS).date() if solde else None,
        agent.pk,
        x.notifie_le - datetime.timedelta(days=20),
        x.notifie_le,
        *(
            (notifie - datetime.timedelta(days=30), f"CP-{notifie:%Y}-{pk:05d}")
            if parametres.type_acte == TypeActe.DELIBERATION
            else (None, "")
        ),
    )


def _demande(pk, acte, x, code, v: Versement, agent):
    depose = v.moment - datetime.timedelta(days=8)
    trop = x.reversements.get(code, (0,))[0] if v.type == TypeVersement.SOLDE else 0
    mandate = v.mandate and v.montant > 0
    accepte = v.mandate
    return (
        pk,
        acte,
        v.type,
        EtatDemande.MANDATEE
        if mandate
        else (EtatDemande.ACCEPTEE if accepte else EtatDemande.DEPOSEE),
        euros(v.depenses) if v.depenses is not None else None,
        euros(v.montant),
        euros(trop),
        "",
        x.plan.structure.createur,
        depose,
        euros(v.montant) if accepte else None,
        "",
        agent.pk if accepte else None,
        depose + datetime.timedelta(days=5) if accepte else None,
        euros(v.montant) if mandate else None,
        v.moment.astimezone(PARIS).date() if mandate else None,
        agent.pk if mandate else None,
    )

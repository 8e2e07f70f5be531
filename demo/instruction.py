"""Stage 5: instruction — routing to the groupe technique, requests for complements, avis.

As the services do it: declaring a dossier recevable routes it to the group of its volet (the
routing in force, which opens it to that group) and vouches for its structure; each request for
complements is a row, answered when the porteur completed; each side's avis has its
proposed amounts (none for an avis défavorable).
"""

import datetime

from dossiers.enums import EtatDossier as E
from instruction.enums import Cote, SensAvis
from instruction.models import Avis, DemandeComplements, MontantPropose, Routage

from .chargement import euros

ECHEANCE = datetime.timedelta(days=30)
MOTIF_COMPLEMENTS = "La délibération approuvant le plan de financement manque."
REPONSE_COMPLEMENTS = "Vous trouverez la délibération jointe au dossier."
MOTIVATIONS = {
    SensAvis.FAVORABLE: "Projet conforme aux priorités du volet ; plan de financement équilibré.",
    SensAvis.FAVORABLE_SOUS_RESERVE: (
        "Favorable sous réserve de la production du calendrier détaillé des travaux."
    ),
    SensAvis.DEFAVORABLE: "Projet hors du champ du volet ; dépenses éligibles insuffisantes.",
}


def verifier_structures(plans, acteurs) -> None:
    """The first dossier declared recevable vouches for its structure, by that guichet's agent."""
    recevables = sorted(
        ((p.recevable_le, p) for p in plans if p.recevable_le),
        key=lambda paire: paire[0],
    )
    for moment, plan in recevables:
        if plan.structure.verifiee_le is None:
            plan.structure.verifiee_le = moment
            plan.structure.verifiee_par = acteurs.agents[plan.guichet.id].id


def ecrire(chargement, referentiel, plans, acteurs) -> None:
    _routages(chargement, plans, acteurs)
    _demandes(chargement, plans, acteurs)
    _avis(chargement, referentiel, plans, acteurs)


def _routages(chargement, plans, acteurs) -> None:
    routes = [p for p in plans if p.recevable_le]
    groupes = {code: g.id for code, g in acteurs.groupes.items()}
    agents = {guichet: agent.id for guichet, agent in acteurs.agents.items()}
    chargement.copier(
        Routage,
        ["dossier", "groupe_technique", "par", "commentaire", "created_at"],
        ((p.pk, groupes[p.volet.code], agents[p.guichet.id], "", p.recevable_le) for p in routes),
    )


def _demandes(chargement, plans, acteurs) -> None:
    """One row per request; answered by the `completer` that followed it, if any."""
    lignes = []
    for p in plans:
        jalons = p.parcours.jalons
        for i, (transition, source, _, moment) in enumerate(jalons):
            if transition != "demander_complements":
                continue
            suite = jalons[i + 1] if i + 1 < len(jalons) else None
            repondue = suite[3] if suite and suite[0] == "completer" else None
            close = suite[3] if suite and suite[0] == "classer_sans_suite" else None
            agent = acteurs.agents[p.guichet.id] if source == E.DEPOSE else acteurs.instructeur_etat
            lignes.append(
                (
                    p.pk,
                    MOTIF_COMPLEMENTS,
                    ["deliberation"],
                    (moment + ECHEANCE).date(),
                    agent.pk,
                    source,
                    REPONSE_COMPLEMENTS if repondue else "",
                    p.structure.createur if repondue else None,
                    repondue,
                    close,
                    moment,
                )
            )
    chargement.copier(
        DemandeComplements,
        [
            "dossier",
            "motif",
            "pieces_demandees",
            "echeance",
            "demandee_par",
            "etat_origine",
            "reponse",
            "repondue_par",
            "repondue_le",
            "close_le",
            "created_at",
        ],
        lignes,
    )


def _avis(chargement, referentiel, plans, acteurs) -> None:
    """Avis given between routing and conclusion; ids reserved for their amounts."""
    donnes = [(p, cote) for p in plans for cote in p.proposes]
    ids = chargement.ids(Avis, len(donnes))
    instructeurs = {
        Cote.ETAT: acteurs.instructeur_etat.pk,
        Cote.REGION: acteurs.instructeur_region.pk,
    }
    lignes = []
    for pk, (p, cote) in zip(ids, donnes, strict=True):
        debut = p.recevable_le
        fin = p.parcours.moment_de("conclure_instruction") or p.parcours.moment
        donne = debut + (fin - debut) * (0.5 if cote == Cote.ETAT else 0.7)
        lignes.append(
            (
                pk,
                p.pk,
                cote,
                p.sens[cote],
                MOTIVATIONS[p.sens[cote]],
                instructeurs[cote],
                donne,
                donne,
            )
        )
    chargement.copier(
        Avis,
        ["id", "dossier", "cote", "sens", "motivation", "donne_par", "created_at", "updated_at"],
        lignes,
    )
    financeurs = {code: f.pk for code, f in referentiel.financeurs.items()}
    chargement.copier(
        MontantPropose,
        ["avis", "financeur", "montant"],
        (
            (pk, financeurs[code], euros(montant))
            for pk, (p, cote) in zip(ids, donnes, strict=True)
            for code, montant in p.proposes[cote].items()
        ),
    )

"""Stage 1: the référentiel the demo needs, its accounts and their mandates (safe to rerun).

One account per role comes from `comptes_demo`; here they get what makes them useful: the
guichet of Douai, both sides of every groupe technique, the pilotage secretariat, the Côte
d'Opale for concertation, the porteur's structure. Every other guichet gets an agent of its
own, so that each dossier is handled by someone of its guichet, as the services require.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.management import call_command
from django.utils import timezone

from cper.comptes.enums import Role
from cper.comptes.models import User
from cper.comptes.roles import donner_role
from cper.referentiel.models import (
    Commune,
    Contrat,
    Enveloppe,
    Financeur,
    Guichet,
    PoleMetropolitain,
    ProlongationContrat,
    Volet,
)
from dossiers.enums import CategorieStructure
from dossiers.models import MembreStructure, Structure
from gouvernance.enums import RoleMembre, TypeInstance
from gouvernance.models import Instance, MembreInstance
from instruction.enums import Cote
from instruction.models import GroupeTechnique, MembreGroupe

from .calendrier import SIGNATURE
from .identifiants import siret

DOMAINE = "@demo.cper.fr"
POLE_OPALE = "Pôle métropolitain de la Côte d'Opale"
GROUPES = [
    ("Mobilité multimodale", ["mobilite"]),
    ("Enseignement supérieur, recherche et innovation", ["esri", "innovation"]),
    ("Transition écologique et numérique", ["transition-ecologique", "numerique"]),
    ("Territoires et emploi", ["territorial", "emploi"]),
]


class DemoInterdite(Exception):
    pass


@dataclass
class Referentiel:
    """What the generation reads from the référentiel, read once."""

    volets: list
    financeurs: dict  # code -> Financeur
    enveloppes: dict  # volet id -> {financeur code: amount}
    communes: list[dict]
    par_epci: dict  # epci id -> communes
    guichets: dict  # arrondissement id -> Guichet
    guichet_region: Guichet


@dataclass
class Acteurs:
    porteur: User
    porteur_reseau: User
    instructeur_etat: User
    instructeur_region: User
    pilotage: User
    concertation: User
    structure_porteur: Structure
    groupes: dict  # volet code -> GroupeTechnique
    agents: dict = field(default_factory=dict)  # guichet id -> User

    @property
    def guichet_douai(self) -> User:
        return next(a for a in self.agents.values() if a.email == f"guichet.douai{DOMAINE}")


def lire_referentiel() -> Referentiel:
    if not (
        Volet.objects.exists()
        and Commune.objects.filter(code_insee__in=["59178", "62160"]).count() == 2
        and Guichet.objects.filter(code="sp-douai").exists()
    ):
        raise DemoInterdite(
            "Le référentiel manque : lancez d'abord « manage.py import_territoires » et "
            "« manage.py charger_referentiel »."
        )
    enveloppes = defaultdict(dict)
    # The programmed money is sized on the envelopes as the avenants left them.
    for e in Enveloppe.objects.select_related("financeur").en_vigueur(timezone.localdate()):
        enveloppes[e.volet_id][e.financeur.code] = e.montant_en_vigueur
    communes = list(
        Commune.objects.filter(departement__code__in=["59", "62"])
        .order_by("pk")
        .values(
            "pk",
            "nom",
            "epci_id",
            "epci__siren",
            "arrondissement_id",
            "departement__code",
            "population",
        )
    )
    par_epci = defaultdict(list)
    for commune in communes:
        par_epci[commune["epci_id"]].append(commune)
    guichets = list(Guichet.objects.select_related("groupe"))
    return Referentiel(
        volets=list(Volet.objects.order_by("numero")),
        financeurs={f.code: f for f in Financeur.objects.all()},
        enveloppes=enveloppes,
        communes=communes,
        par_epci=par_epci,
        guichets={g.arrondissement_id: g for g in guichets if g.arrondissement_id},
        guichet_region=next(g for g in guichets if g.arrondissement_id is None),
    )


def assurer_comptes_et_mandats() -> Acteurs:
    """The demo accounts and their memberships; a second run changes nothing."""
    lire_referentiel()
    call_command("comptes_demo", verbosity=0, stdout=Silence())
    users = {u.email: u for u in User.objects.filter(email__endswith=DOMAINE)}
    # The accounts exist since the contract does, like the rest of the demo.
    User.objects.filter(email__endswith=DOMAINE, date_joined__gt=SIGNATURE).update(
        date_joined=SIGNATURE
    )
    acteurs = Acteurs(
        porteur=users[f"porteur{DOMAINE}"],
        porteur_reseau=users[f"porteur.reseau{DOMAINE}"],
        instructeur_etat=users[f"instructeur.etat{DOMAINE}"],
        instructeur_region=users[f"instructeur.region{DOMAINE}"],
        pilotage=users[f"pilotage{DOMAINE}"],
        concertation=users[f"concertation.opale{DOMAINE}"],
        structure_porteur=_structure_du_porteur(users[f"porteur{DOMAINE}"]),
        groupes=_groupes_techniques(users),
        agents=_agents_des_guichets(users),
    )
    _mandats(acteurs)
    _prolongation_de_demonstration()
    return acteurs


PROLONGATION_DEMO = (
    "Prolongation de démonstration : le contrat a pris fin le 31 décembre 2020 (le volet "
    "mobilité le 31 décembre 2022) ; la démonstration reste ouverte au dépôt pour être essayée."
)


def _prolongation_de_demonstration() -> None:
    """The demo's data stay in 2015-2020, but whoever tries the demo files today: an extension
    marked illustrative keeps the demo's contract open, as the admin would record a real one."""
    for contrat in Contrat.objects.all():
        ProlongationContrat.objects.update_or_create(
            contrat=contrat,
            volet=None,
            objet=PROLONGATION_DEMO,
            defaults={
                "jusqu_au": datetime.date(timezone.localdate().year + 1, 12, 31),
                "illustratif": True,
            },
        )


def _agents_des_guichets(users: dict) -> dict:
    """guichet.douai@ for Douai, an agent of its own for every other guichet."""
    agents = {}
    mot_de_passe = users[f"guichet.douai{DOMAINE}"].password  # the same public password
    for guichet in Guichet.objects.select_related("groupe").order_by("code"):
        email = (
            f"guichet.douai{DOMAINE}"
            if guichet.code == "sp-douai"
            else f"agent.{guichet.code}{DOMAINE}"
        )
        agent = users.get(email)
        if agent is None:
            agent = User.objects.create(
                email=email,
                password=mot_de_passe,
                first_name="Agent",
                last_name=guichet.nom,
                date_joined=SIGNATURE,
            )
            donner_role(agent, Role.AGENT_GUICHET)
        agent.groups.add(guichet.groupe)
        agents[guichet.pk] = agent
    return agents


def _groupes_techniques(users: dict) -> dict:
    volets = {v.code: v for v in Volet.objects.all()}
    cotes = {
        users[f"instructeur.etat{DOMAINE}"]: Cote.ETAT,
        users[f"instructeur.region{DOMAINE}"]: Cote.REGION,
    }
    groupes = {}
    for nom, codes in GROUPES:
        groupe, _ = GroupeTechnique.objects.get_or_create(nom=nom)
        groupe.volets.add(*[volets[c] for c in codes if c in volets])
        groupes.update(dict.fromkeys(codes, groupe))
        for user, cote in cotes.items():
            if not MembreGroupe.objects.filter(groupe_technique=groupe, user=user).exists():
                MembreGroupe.objects.create(groupe_technique=groupe, user=user, cote=cote)
    GroupeTechnique.objects.filter(created_at__gt=SIGNATURE).update(created_at=SIGNATURE)
    return groupes


def _mandats(acteurs: Acteurs) -> None:
    MembreInstance.objects.get_or_create(
        instance=Instance.objects.du_type(TypeInstance.PILOTAGE),
        user=acteurs.pilotage,
        defaults={
            "role": RoleMembre.SECRETARIAT,
            "financeur": Financeur.objects.filter(code="etat").first(),
        },
    )
    pole = PoleMetropolitain.objects.filter(nom=POLE_OPALE).first()
    territoire = (
        {"pole": pole}
        if pole
        else {"epci": Commune.objects.get(code_insee="62160").epci}  # Boulogne-sur-Mer
    )
    MembreInstance.objects.get_or_create(
        instance=Instance.objects.du_type(TypeInstance.CONCERTATION),
        user=acteurs.concertation,
        defaults={"role": RoleMembre.MEMBRE, **territoire},
    )


def _structure_du_porteur(porteur: User) -> Structure:
    structure, _ = Structure.objects.get_or_create(
        siret=siret(0),
        defaults={
            "raison_sociale": "Communauté d'agglomération du Douaisis (démonstration)",
            "categorie": CategorieStructure.EPCI,
            "adresse": "746 rue Jean Perrin",
            "commune": Commune.objects.get(code_insee="59178"),
            "representant_nom": "Représentant de démonstration",
            "representant_qualite": "Président",
        },
    )
    Structure.objects.filter(pk=structure.pk, created_at__gt=SIGNATURE).update(created_at=SIGNATURE)
    MembreStructure.objects.get_or_create(
        structure=structure, user=porteur, defaults={"administrateur": True}
    )
    return structure


class Silence:
    """A stdout for the commands the demo calls: their reports would only be noise."""

    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass

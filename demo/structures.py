"""Stage 2: the structures porteuses, each with the person who files its dossiers.

About one structure for eight dossiers (3,000 at most), located where the projects are, of
the categories a CPER funds. Each has one member, its administrator, who creates and files its
dossiers; `porteur.reseau@` (an engineering agency working for many of them) belongs to 150.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from cper.comptes.enums import Role
from cper.comptes.models import User
from dossiers.enums import CategorieStructure as C
from dossiers.models import MembreStructure, Structure

from .calendrier import PREMIERS_DEPOTS, SIGNATURE
from .comptes import DOMAINE
from .identifiants import PREFIXE_SIREN_DEMO, siret

STRUCTURES_DU_RESEAU = 150
CATEGORIES = {
    C.COMMUNE: (50, "Commune de {v}", "Maire"),
    C.EPCI: (25, "Intercommunalité de {v}", "Président"),
    C.UNIVERSITE: (8, "Université, site de {v}", "Président"),
    C.ASSOCIATION: (10, "Association pour le développement de {v}", "Président"),
    C.ETABLISSEMENT_PUBLIC: (7, "Établissement public de {v}", "Directeur général"),
}


@dataclass(slots=True)
class StructureDemo:
    pk: int
    siege: dict  # the commune, as read by comptes.lire_referentiel
    categorie: str
    createur: int  # the member who creates and files its dossiers
    # Set by the instruction stage: the first dossier declared recevable vouches for it.
    verifiee_le: object = None
    verifiee_par: int | None = None
    # Its name, once written (the dossiers' kept search text is made of it).
    raison_sociale: str = ""


def nombre_de_structures(dossiers: int) -> int:
    return max(10, min(dossiers // 8, 3000))


def tirer(alea, chargement, referentiel, acteurs, dossiers: int) -> list[StructureDemo]:
    """The structures of this run, the porteur@ one first; ids and members' ids reserved."""
    nombre = nombre_de_structures(dossiers)
    poids = [max(c["population"] or 500, 500) ** 0.8 for c in referentiel.communes]
    sieges = alea.choices(referentiel.communes, weights=poids, k=nombre)
    categories = alea.choices(
        list(CATEGORIES), weights=[c[0] for c in CATEGORIES.values()], k=nombre
    )
    ids = chargement.ids(Structure, nombre)
    createurs = chargement.ids(User, nombre)
    porteur = acteurs.structure_porteur
    premiere = StructureDemo(
        pk=porteur.pk,
        siege=next(c for c in referentiel.communes if c["pk"] == porteur.commune_id),
        categorie=porteur.categorie,
        createur=acteurs.porteur.pk,
        verifiee_le=porteur.verifiee_le,
        raison_sociale=porteur.raison_sociale,
    )
    return [premiere] + [
        StructureDemo(pk=pk, siege=siege, categorie=categorie, createur=createur)
        for pk, siege, categorie, createur in zip(ids, sieges, categories, createurs, strict=True)
    ]


def ecrire(chargement, structures: list[StructureDemo], acteurs) -> None:
    """Members' accounts, structures, memberships; the porteur@ structure exists already."""
    nouvelles = structures[1:]
    deja = Structure.objects.filter(siret__startswith=PREFIXE_SIREN_DEMO).count()
    numeros = range(deja, deja + len(nouvelles))
    _comptes(chargement, nouvelles, numeros)
    for s, n in zip(nouvelles, numeros, strict=True):
        s.raison_sociale = f"{CATEGORIES[s.categorie][1].format(v=s.siege['nom'])} ({n})"
    chargement.copier(
        Structure,
        [
            "id",
            "raison_sociale",
            "siret",
            "categorie",
            "adresse",
            "commune",
            "representant_nom",
            "representant_qualite",
            "verifiee_le",
            "verifiee_par",
            "created_at",
        ],
        (
            (
                s.pk,
                s.raison_sociale,
                siret(n),
                s.categorie,
                "Place de l'Hôtel de ville",
                s.siege["pk"],
                "Représentant de démonstration",
                CATEGORIES[s.categorie][2],
                s.verifiee_le,
                s.verifiee_par,
                SIGNATURE,
            )
            for s, n in zip(nouvelles, numeros, strict=True)
        ),
    )
    adhesions = [(s.pk, s.createur, True, SIGNATURE) for s in nouvelles]
    if not MembreStructure.objects.filter(user=acteurs.porteur_reseau).exists():
        adhesions += [
            (s.pk, acteurs.porteur_reseau.pk, False, PREMIERS_DEPOTS)
            for s in structures[:STRUCTURES_DU_RESEAU]
        ]
    chargement.copier(
        MembreStructure, ["structure", "user", "administrateur", "created_at"], adhesions
    )
    porteur = structures[0]
    if porteur.verifiee_le and not acteurs.structure_porteur.verifiee_le:
        Structure.objects.filter(pk=porteur.pk).update(
            verifiee_le=porteur.verifiee_le, verifiee_par=porteur.verifiee_par
        )


def _comptes(chargement, structures: list[StructureDemo], numeros: range) -> None:
    """One member per structure: an account that cannot sign in (no password), role porteur."""
    sans_mot_de_passe = make_password(None)
    chargement.copier(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ],
        (
            (
                s.createur,
                sans_mot_de_passe,
                False,
                "Contact",
                f"structure {n}",
                f"porteur.{n}{DOMAINE}",
                False,
                True,
                SIGNATURE,
            )
            for s, n in zip(structures, numeros, strict=True)
        ),
    )
    role = Group.objects.get_or_create(name=Role.PORTEUR)[0].pk
    chargement.copier(
        User.groups.through, ["user", "group"], ((s.createur, role) for s in structures)
    )

"""One small world where every page of the service has something to show, for every persona.

Used by the access matrix (every URL × every persona) and by the hostile-input test (every
form of every role). Objects belong to the personas of tests/conftest.py: the porteur's
structure holds a dossier at each stage, the Douai guichet received them, one groupe technique
with the État and Région instructors instructs them, the pilotage member runs the séances
(secretariat), the concertation member follows the pôle where the dossiers are.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from api.services.jetons import jeton_creer
from cper.comptes.enums import Role
from donnees_ouvertes.publication import publier as publier_donnees_ouvertes
from dossiers import agregats
from dossiers.enums import EtatDossier
from dossiers.models import DemandeAdhesion, Dossier, Invitation, MembreStructure, Recepisse
from dossiers.services.structures import jeton_invitation
from execution.enums import (
    Echeance,
    EtatActe,
    Regime,
    TypeActe,
    TypePieceExecution,
    TypeVersement,
)
from execution.models import (
    Acte,
    DemandeVersement,
    OrdreReversement,
    ParametresFinanceur,
    PieceExecution,
    PropositionCaducite,
    Prorogation,
    VersionActe,
)
from gouvernance.enums import EtatExport, EtatSeance, RoleMembre, TypeInstance
from gouvernance.models import Export, PointOrdreDuJour
from instruction.enums import Cote, TypeCourrier
from instruction.models import Courrier, Message, PieceJointe, RapportInstruction
from tests.factories import (
    DossierFactory,
    EpciFactory,
    FinanceurFactory,
    GuichetFactory,
    LigneDepenseFactory,
    LigneFinancementFactory,
    PieceFactory,
    PoleMetropolitainFactory,
    UserFactory,
    VoletFactory,
)
from tests.factories.dossiers import PDF_MINIMAL
from tests.factories.gouvernance import (
    DecisionFactory,
    MembreInstanceFactory,
    MontantProgrammeFactory,
    SeanceFactory,
)
from tests.factories.gouvernance import instance as instance_du_type
from tests.factories.instruction import (
    AvisFactory,
    GroupeTechniqueFactory,
    MembreGroupeFactory,
    router,
)

# Every persona of tests/conftest.py, then the visitor who is not signed in.
PERSONAS = [
    "porteur",
    "autre_porteur",
    "agent_sp_douai",
    "agent_region",
    "instructeur_etat",
    "instructeur_region",
    "membre_pilotage",
    "membre_concertation_opale",
    "administrateur",
    "inconnu",
    "anonyme",
]


@dataclass
class Monde:
    objets: dict = field(default_factory=dict)
    utilisateurs: dict = field(default_factory=dict)

    def __getitem__(self, nom):
        return self.objets[nom]


def _fichier(instance, champ: str, nom: str, contenu: bytes = PDF_MINIMAL) -> None:
    getattr(instance, champ).save(nom, ContentFile(contenu), save=True)


@pytest.fixture
def monde(
    porteur,
    structure,
    autre_porteur,
    autre_structure,
    agent_sp_douai,
    agent_region,
    instructeur_etat,
    instructeur_region,
    membre_pilotage,
    membre_concertation_opale,
    administrateur,
    inconnu,
    guichet_douai,
    commune_douai,
):
    utilisateurs = {
        "porteur": porteur,
        "autre_porteur": autre_porteur,
        "agent_sp_douai": agent_sp_douai,
        "agent_region": agent_region,
        "instructeur_etat": instructeur_etat,
        "instructeur_region": instructeur_region,
        "membre_pilotage": membre_pilotage,
        "membre_concertation_opale": membre_concertation_opale,
        "administrateur": administrateur,
        "inconnu": inconnu,
    }
    volet = VoletFactory()
    etat, region = FinanceurFactory(), FinanceurFactory(region=True)
    groupe = GroupeTechniqueFactory(nom="Mobilité multimodale", volets=[volet])
    MembreGroupeFactory(groupe_technique=groupe, user=instructeur_etat, cote=Cote.ETAT)
    MembreGroupeFactory(groupe_technique=groupe, user=instructeur_region, cote=Cote.REGION)
    epci = EpciFactory(nom="Douaisis Agglo")
    commune_douai.epci = epci
    commune_douai.save()
    pole = PoleMetropolitainFactory(membres=[epci])
    mandat_concertation = MembreInstanceFactory(
        instance=instance_du_type(TypeInstance.CONCERTATION),
        user=membre_concertation_opale,
        role=RoleMembre.MEMBRE,
        pole=pole,
    )
    seance_concertation = SeanceFactory(
        instance=instance_du_type(TypeInstance.CONCERTATION),
        pole=pole,
        etat=EtatSeance.CONVOQUEE,
        creee_par=membre_concertation_opale,
    )
    pilotage = instance_du_type(TypeInstance.PILOTAGE)
    MembreInstanceFactory(instance=pilotage, user=membre_pilotage, role=RoleMembre.SECRETARIAT)

    def dossier(etat=None, **kwargs):
        options = {etat: True} if etat else {}
        d = DossierFactory(
            structure=structure,
            cree_par=porteur,
            volet=volet,
            communes=[commune_douai],
            **({"guichet": guichet_douai} if etat else {}),
            **options,
            **kwargs,
        )
        LigneDepenseFactory(dossier=d, montant_ht=100_000, montant_ttc=120_000)
        LigneFinancementFactory(dossier=d, financeur=etat_, montant_demande=40_000)
        return d

    etat_ = etat
    brouillon = dossier()
    piece = PieceFactory(dossier=brouillon)
    depose = dossier("depose")
    recepisse = Recepisse(dossier=depose, taille=len(PDF_MINIMAL), sha256="0" * 64)
    recepisse.duree_rendu_ms = 1
    _fichier(recepisse, "fichier", "recepisse.pdf")
    en_instruction = router(dossier("en_instruction"), groupe, par=agent_sp_douai)
    message = Message.objects.create(dossier=en_instruction, auteur=porteur, texte="Bonjour")
    piece_jointe = PieceJointe(
        message=message,
        nom_original="note.pdf",
        type_mime="application/pdf",
        taille=10,
        statut_antivirus="sain",
    )
    piece_jointe.sha256 = "1" * 64
    _fichier(piece_jointe, "fichier", "note.pdf")
    incomplet = dossier("incomplet")
    courrier = Courrier(
        dossier=incomplet, type=TypeCourrier.DEMANDE_PIECES, emis_par=agent_sp_douai
    )
    courrier.genere_le = timezone.now()
    courrier.save()
    _fichier(courrier, "fichier", "courrier.pdf")
    instruit = router(dossier("instruit"), groupe, par=agent_sp_douai)
    for cote in (Cote.ETAT, Cote.REGION):
        AvisFactory(dossier=instruit, cote=cote)
    rapport = RapportInstruction(dossier=instruit, genere_le=timezone.now())
    _fichier(rapport, "fichier", "rapport.pdf")
    # Another structure's dossier, filed at another sous-préfecture: no persona's but pilotage's.
    autre = DossierFactory(depose=True, structure=autre_structure, guichet=GuichetFactory())

    seance = SeanceFactory(instance=pilotage, creee_par=membre_pilotage)
    point = PointOrdreDuJour.objects.create(seance=seance, dossier=instruit, ordre=1)
    seance.etat = EtatSeance.CONVOQUEE
    seance.presences_le = timezone.now()
    seance.save()
    programme = router(dossier("programme"), groupe, par=agent_sp_douai)
    seance_close = SeanceFactory(
        instance=pilotage,
        creee_par=membre_pilotage,
        date=timezone.now() - datetime.timedelta(days=7),
        etat=EtatSeance.CLOSE,
        close_le=timezone.now(),
    )
    DecisionFactory(
        point=PointOrdreDuJour.objects.create(seance=seance_close, dossier=programme, ordre=1),
        decidee_par=membre_pilotage,
    )
    _fichier(seance_close, "releve", "releve.pdf")
    export = Export(
        demandeur=membre_pilotage,
        page="pilotage",
        tableau="volets",
        format="csv",
        etat=EtatExport.PRET,
        nom_fichier="cper-pilotage-volets.csv",
    )
    _fichier(export, "fichier", "volets.csv", b"Volet;Total\r\n")
    invitation = Invitation.objects.create(
        structure=structure, email="collegue@exemple.fr", invite_par=porteur
    )
    collegue = MembreStructure.objects.create(
        structure=structure,
        user=UserFactory(email="collegue.membre@exemple.fr", roles=[Role.PORTEUR]),
    )
    demande_adhesion = DemandeAdhesion.objects.create(
        structure=structure, demandeur=utilisateurs["autre_porteur"]
    )
    assert porteur.a_le_role(Role.PORTEUR)
    jeton, _secret = jeton_creer(par=porteur, nom="Logiciel de suivi", duree_jours=30)
    # Execution: a dossier en cours with the État's act notified, an avance asked, a reversement.
    agent_sp_douai.groups.add(ParametresFinanceur.objects.de(etat).groupe)
    en_cours = dossier("programme")
    Dossier.objects.filter(pk=en_cours.pk).update(etat=EtatDossier.EN_COURS)
    router(en_cours, groupe, par=agent_sp_douai)  # its kept row after the state written
    # Programmed for the État at the closed séance: the État's agents carry it out.
    MontantProgrammeFactory(
        decision=DecisionFactory(
            point=PointOrdreDuJour.objects.create(seance=seance_close, dossier=en_cours, ordre=2),
            decidee_par=membre_pilotage,
        ),
        financeur=etat,
        montant=40_000,
    )
    notifie_le = timezone.localdate() - datetime.timedelta(days=200)
    acte = Acte(
        dossier=en_cours,
        financeur=etat,
        type=TypeActe.ARRETE,
        etat=EtatActe.NOTIFIE,
        regime=Regime.DECRET_2018,
        objet=en_cours.intitule,
        assiette=100_000,
        montant=40_000,
        taux_avance_max=30,
        plafond_acomptes=80,
        delai_commencement_mois=24,
        delai_achevement_mois=48,
        autorite="Le préfet",
        signe_le=notifie_le,
        notifie_le=notifie_le,
        date_limite_commencement=notifie_le + datetime.timedelta(days=730),
        date_limite_achevement=notifie_le + datetime.timedelta(days=1460),
        fichier_etat=EtatActe.NOTIFIE,
        etabli_par=agent_sp_douai,
    )
    _fichier(acte, "fichier", "acte.pdf")
    demande_versement = DemandeVersement.objects.create(
        acte=acte,
        type=TypeVersement.AVANCE,
        montant_demande=12_000,
        deposee_par=porteur,
        deposee_le=timezone.now(),
    )
    piece_execution = PieceExecution(
        dossier=en_cours,
        acte=acte,
        type=TypePieceExecution.ACTE_SIGNE,
        nom_original="acte-signe.pdf",
        type_mime="application/pdf",
        taille=len(PDF_MINIMAL),
        sha256="2" * 64,
        statut_antivirus="sain",
        deposee_par=agent_sp_douai,
    )
    _fichier(piece_execution, "fichier", "acte-signe.pdf")
    reversement = OrdreReversement.objects.create(
        acte=acte, montant=1000, motif="Trop-perçu", emis_par=agent_sp_douai, emis_le=notifie_le
    )
    prorogation = Prorogation.objects.create(
        acte=acte,
        echeance=Echeance.ACHEVEMENT,
        date_limite_initiale=acte.date_limite_achevement,
        nouvelle_date=acte.date_limite_achevement + datetime.timedelta(days=365),
        motif="Retard du chantier",
        demandee_par=porteur,
    )
    proposition_caducite = PropositionCaducite.objects.create(
        acte=acte, echeance=Echeance.COMMENCEMENT, date_limite=notifie_le
    )
    version_acte = VersionActe(
        acte=acte,
        version=1,
        assiette=100_000,
        montant=35_000,
        date_limite_commencement=acte.date_limite_commencement,
        date_limite_achevement=acte.date_limite_achevement,
        motif_avenant="Montant porté à 40 000 €",
        remplacee_par=agent_sp_douai,
    )
    _fichier(version_acte, "fichier", "acte-v1.pdf")
    # The state and acts above were written without the services: bring the kept rows up to date.
    agregats.recalculer_dossier(en_cours.pk)
    publier_donnees_ouvertes()  # the public files exist, as after the first night
    return Monde(
        objets={
            "structure": structure,
            "autre_structure": autre_structure,
            "brouillon": brouillon,
            "piece": piece,
            "depose": depose,
            "en_instruction": en_instruction,
            "piece_jointe": piece_jointe,
            "incomplet": incomplet,
            "courrier": courrier,
            "instruit": instruit,
            "programme": programme,
            "autre": autre,
            "seance": seance,
            "point": point,
            "seance_close": seance_close,
            "mandat_concertation": mandat_concertation,
            "seance_concertation": seance_concertation,
            "export": export,
            "commune": commune_douai,
            "jeton_invitation": jeton_invitation(invitation),
            "groupe": groupe,
            "region": region,
            "collegue": collegue,
            "demande_adhesion": demande_adhesion,
            "jeton": jeton,
            "en_cours": en_cours,
            "acte": acte,
            "demande_versement": demande_versement,
            "piece_execution": piece_execution,
            "reversement": reversement,
            "prorogation": prorogation,
            "version_acte": version_acte,
            "proposition_caducite": proposition_caducite,
            "financeur_etat": etat,
        },
        utilisateurs=utilisateurs,
    )

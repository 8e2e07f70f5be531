from django.db import models


class EtatDossier(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSE = "depose", "Déposé"
    INCOMPLET = "incomplet", "Incomplet (compléments demandés)"
    IRRECEVABLE = "irrecevable", "Irrecevable"
    CLASSE_SANS_SUITE = "classe_sans_suite", "Classé sans suite"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    INSTRUIT = "instruit", "Instruit"
    PROGRAMME = "programme", "Programmé"
    REJETE = "rejete", "Rejeté"
    RETIRE = "retire", "Retiré"
    # Execution (after the decision): acts, commencement, payments.
    ATTRIBUE = "attribue", "Attribué (acte notifié)"
    EN_COURS = "en_cours", "En cours (commencement déclaré)"
    SOLDE = "solde", "Soldé"
    CLOTURE = "cloture", "Clôturé"
    CADUC = "caduc", "Caduc"
    ABANDONNE = "abandonne", "Abandonné"


class CategorieStructure(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    ETABLISSEMENT_PUBLIC = "etablissement_public", "Établissement public"
    UNIVERSITE = "universite", "Université ou organisme de recherche"
    ASSOCIATION = "association", "Association"
    ENTREPRISE = "entreprise", "Entreprise"
    AUTRE = "autre", "Autre"


# A routed dossier still in the instructors' hands: waiting on the porteur, on the avis, or
# on the decision (their « à traiter » and « en cours » tabs); the other states are « clos ».
ETATS_INSTRUCTION_EN_COURS = [
    EtatDossier.INCOMPLET,
    EtatDossier.INSTRUIT,
    EtatDossier.EN_INSTRUCTION,
]

# Dossiers whose money was programmed and that are still carried out or paid off.
ETATS_PROGRAMMES = [
    EtatDossier.PROGRAMME,
    EtatDossier.ATTRIBUE,
    EtatDossier.EN_COURS,
    EtatDossier.SOLDE,
    EtatDossier.CLOTURE,
]


# CGCT L1111-10: public aid is capped at 80 % of the eligible cost for these porteurs.
CATEGORIES_COLLECTIVITES = {
    CategorieStructure.COMMUNE,
    CategorieStructure.EPCI,
    CategorieStructure.DEPARTEMENT,
    CategorieStructure.REGION,
}


class NatureDepense(models.TextChoices):
    ETUDES = "etudes", "Études"
    TRAVAUX = "travaux", "Travaux"
    EQUIPEMENT = "equipement", "Équipement"
    ACQUISITIONS_FONCIERES = "acquisitions_foncieres", "Acquisitions foncières"
    AUTRE = "autre", "Autre"


class TypePiece(models.TextChoices):
    DELIBERATION = "deliberation", "Délibération"
    PLAN_FINANCEMENT_SIGNE = "plan_financement_signe", "Plan de financement signé"
    DEVIS = "devis", "Devis"
    CALENDRIER = "calendrier", "Calendrier"
    RIB = "rib", "RIB"
    STATUTS_KBIS = "statuts_kbis", "Statuts ou extrait Kbis"
    AUTRE = "autre", "Autre"

import datetime

from django.db import models


class Regime(models.TextChoices):
    """The State's subsidy decree that governs a dossier, by the date its request was filed."""

    DECRET_1999 = "decret_1999", "Décret n° 99-1060 du 16 décembre 1999"
    DECRET_2018 = "decret_2018", "Décret n° 2018-514 du 25 juin 2018"


# Décret n° 2018-514 applies to the requests filed from this day on (its article 17).
DEBUT_DECRET_2018 = datetime.date(2018, 10, 1)


class TypeActe(models.TextChoices):
    ARRETE = "arrete", "Arrêté attributif de subvention"
    CONVENTION = "convention", "Convention attributive de subvention"
    DELIBERATION = "deliberation", "Délibération de la commission permanente et convention"


class EtatActe(models.TextChoices):
    EN_PREPARATION = "en_preparation", "En préparation (à signer)"
    SIGNE = "signe", "Signé"
    NOTIFIE = "notifie", "Notifié"


class CommencementAnticipe(models.TextChoices):
    """What happens to a start declared before the act was notified (per financeur)."""

    SELON_REGIME = "selon_regime", "Selon le décret applicable"
    REFUSE = "refuse", "Refusé"
    DEROGATION = "derogation", "Enregistré comme dérogation"


class TypeVersement(models.TextChoices):
    AVANCE = "avance", "Avance"
    ACOMPTE = "acompte", "Acompte"
    SOLDE = "solde", "Solde"


class EtatDemande(models.TextChoices):
    DEPOSEE = "deposee", "Déposée"
    COMPLEMENTS = "complements", "Compléments demandés"
    ACCEPTEE = "acceptee", "Acceptée (à mandater)"
    REFUSEE = "refusee", "Refusée"
    MANDATEE = "mandatee", "Mandatée"


# A request still being handled: at most one per act at a time.
ETATS_DEMANDE_OUVERTE = [EtatDemande.DEPOSEE, EtatDemande.COMPLEMENTS, EtatDemande.ACCEPTEE]


class EtatReversement(models.TextChoices):
    EMIS = "emis", "Ordre de reversement émis"
    RECOUVRE = "recouvre", "Recouvré"


class TypePieceExecution(models.TextChoices):
    ACTE_SIGNE = "acte_signe", "Acte signé (scan)"
    COMMENCEMENT = "commencement", "Justificatif du commencement"
    ETAT_RECAPITULATIF = "etat_recapitulatif", "État récapitulatif des dépenses"
    FACTURES = "factures", "Factures acquittées"
    PV_RECEPTION = "pv_reception", "Rapport d'achèvement ou procès-verbal de réception"
    AUTRE = "autre", "Autre justificatif"


class Echeance(models.TextChoices):
    """The two deadlines of an act, counted from its notification."""

    COMMENCEMENT = "commencement", "Commencement"
    ACHEVEMENT = "achevement", "Achèvement"


class EtatProrogation(models.TextChoices):
    DEMANDEE = "demandee", "Demandée"
    ACCORDEE = "accordee", "Accordée"
    REFUSEE = "refusee", "Refusée"


class EtatCaducite(models.TextChoices):
    PROPOSEE = "proposee", "Proposée aux agents"
    CONFIRMEE = "confirmee", "Caducité confirmée"
    ECARTEE = "ecartee", "Écartée"


# Porteur and agents are warned this many days before a deadline.
PREAVIS_ECHEANCE_JOURS = 60

from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cper.referentiel.enums import CategorieFinanceur
from execution.enums import CommencementAnticipe, Regime, TypeActe

POURCENT = {"max_digits": 5, "decimal_places": 2}
POURCENTAGE = [
    MinValueValidator(Decimal(0), "Le taux doit être compris entre 0 et 100 %."),
    MaxValueValidator(Decimal(100), "Le taux doit être compris entre 0 et 100 %."),
]

# The decrees' caps (décret 99-1060 art. 11 ; décret 2018-514 art. 11 and 12).
AVANCE_MAX = {Regime.DECRET_1999: Decimal("5.00"), Regime.DECRET_2018: Decimal("30.00")}
PLAFOND_ACOMPTES = Decimal("80.00")


# The act and the signing authority each kind of signatory uses by default (admin may change).
DEFAUTS = {
    CategorieFinanceur.ETAT: (
        TypeActe.ARRETE,
        "Le préfet de la région Hauts-de-France, préfet du Nord",
    ),
    CategorieFinanceur.REGION: (
        TypeActe.DELIBERATION,
        "Le président du Conseil régional des Hauts-de-France",
    ),
}


class ParametresQuerySet(models.QuerySet):
    def de(self, financeur) -> "ParametresFinanceur":
        """The financeur's parameters, created with the defaults of its kind when missing."""
        type_acte, autorite = DEFAUTS.get(
            financeur.categorie, (TypeActe.CONVENTION, f"Pour {financeur.nom}, son représentant")
        )
        parametres, _ = self.get_or_create(
            financeur=financeur, defaults={"type_acte": type_acte, "autorite": autorite}
        )
        return parametres


class ParametresFinanceur(models.Model):
    """How one financeur carries out its decisions: its act, its caps, its agents.

    The État follows the decrees; the Région and the other signatories set their own rules
    here (an empty cap means: as the decree applicable to the dossier).
    """

    financeur = models.OneToOneField(
        "referentiel.Financeur", on_delete=models.CASCADE, related_name="parametres_execution"
    )
    type_acte = models.CharField(
        "acte attributif", max_length=20, choices=TypeActe.choices, default=TypeActe.CONVENTION
    )
    autorite = models.CharField(
        "autorité signataire",
        max_length=200,
        help_text="Par exemple : « Le préfet de la région Hauts-de-France, préfet du Nord ».",
    )
    taux_avance_max = models.DecimalField(
        "avance maximale (% de la subvention)",
        **POURCENT,
        null=True,
        blank=True,
        validators=POURCENTAGE,
        help_text="Vide : 5 % (décret 99-1060) ou 30 % (décret 2018-514) selon le dossier.",
    )
    plafond_acomptes = models.DecimalField(
        "plafond des acomptes avant le solde (%)",
        **POURCENT,
        default=PLAFOND_ACOMPTES,
        validators=POURCENTAGE,
    )
    commencement_anticipe = models.CharField(
        "commencement avant la notification de l'acte",
        max_length=20,
        choices=CommencementAnticipe.choices,
        default=CommencementAnticipe.SELON_REGIME,
    )
    delai_commencement_mois = models.PositiveSmallIntegerField(
        "délai de commencement (mois après la notification)", default=24
    )
    delai_achevement_mois = models.PositiveSmallIntegerField(
        "délai d'achèvement (mois après la notification)", default=48
    )
    groupe = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="parametres_execution",
        null=True,
        blank=True,
        help_text="Agents qui établissent les actes et traitent les versements de ce financeur.",
    )

    objects = ParametresQuerySet.as_manager()

    class Meta:
        verbose_name = "paramètres d'exécution d'un financeur"
        verbose_name_plural = "paramètres d'exécution des financeurs"
        constraints = [
            models.CheckConstraint(
                condition=Q(taux_avance_max__isnull=True)
                | Q(taux_avance_max__gte=0, taux_avance_max__lte=100),
                name="parametres_avance_pourcentage",
            ),
            models.CheckConstraint(
                condition=Q(plafond_acomptes__gte=0, plafond_acomptes__lte=100),
                name="parametres_acomptes_pourcentage",
            ),
            models.CheckConstraint(
                condition=Q(delai_achevement_mois__gte=models.F("delai_commencement_mois")),
                name="parametres_delais_ordonnes",
            ),
        ]

    def __str__(self):
        return f"Exécution — {self.financeur}"

    def save(self, *args, **kwargs):
        if self.groupe_id is None:
            self.groupe, _ = Group.objects.get_or_create(name=f"financeur:{self.financeur.code}")
        super().save(*args, **kwargs)

    def avance_max(self, regime: str) -> Decimal:
        """The avance's cap in % of the subsidy for a dossier under `regime`."""
        if self.taux_avance_max is not None:
            return self.taux_avance_max
        return AVANCE_MAX[Regime(regime)]

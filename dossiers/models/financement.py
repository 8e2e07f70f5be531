from django.db import models
from django.db.models import F, Q

from cper.referentiel.models import MONTANT
from dossiers.enums import NatureDepense


class LigneDepense(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="depenses"
    )
    nature = models.CharField(max_length=30, choices=NatureDepense.choices)
    libelle = models.CharField("libellé", max_length=255)
    montant_ht = models.DecimalField("montant HT (€)", **MONTANT)
    montant_ttc = models.DecimalField("montant TTC (€)", **MONTANT)

    class Meta:
        verbose_name = "ligne de dépense"
        verbose_name_plural = "lignes de dépense"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(montant_ht__gte=0), name="depense_ht_positive"),
            models.CheckConstraint(
                condition=Q(montant_ttc__gte=F("montant_ht")), name="depense_ttc_superieur_ht"
            ),
        ]

    def __str__(self):
        return self.libelle


class LigneFinancement(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="financements"
    )
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.PROTECT, related_name="lignes_financement"
    )
    precision = models.CharField(
        "précision", max_length=200, blank=True, help_text="Par exemple le nom de la commune."
    )
    montant_demande = models.DecimalField("montant demandé (€)", **MONTANT)

    class Meta:
        verbose_name = "ligne du plan de financement"
        verbose_name_plural = "lignes du plan de financement"
        ordering = ["financeur__ordre", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(montant_demande__gt=0), name="financement_montant_positif"
            ),
        ]

    def __str__(self):
        return f"{self.financeur} : {self.montant_demande}"

from django.db import models

from cper.referentiel.models import MONTANT
from dossiers.enums import EtatDossier as E


class AgregatFinancement(models.Model):
    """A dossier's money for one financeur, summed from the source tables (DESIGN §11).

    Never written by hand: `dossiers.agregats.recalculer_dossier()` rewrites a dossier's rows in
    the transaction of every service that moves money or changes the dossier's state, and the
    `recalculer_agregats` command rebuilds them all. The dossier's volet and state are copied
    here so that the dashboards group and filter without reading the dossiers.

    - `demande`: the financing plan's lines for this financeur, whatever the state;
    - `propose`: « proposé », the one rule (docs/tableaux.md): the lower of the two sides'
      proposals, never above `demande` (0 when a side that gave its avis proposed nothing for
      this financeur; a lone avis stands alone), whatever the state;
    - `programme`: the amounts of the decisions « programmé »;
    - `engage`: the legal commitments of the financeur's signed acts (execution);
    - `mandate`: the payments mandated under those acts (execution), less the reversements
      recovered.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="agregats", db_index=False
    )
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.CASCADE, related_name="+"
    )
    volet = models.ForeignKey(
        "referentiel.Volet", on_delete=models.CASCADE, null=True, related_name="+"
    )
    etat = models.CharField(max_length=50, choices=E.choices)
    demande = models.DecimalField(**MONTANT, default=0)
    propose = models.DecimalField(**MONTANT, default=0)
    programme = models.DecimalField(**MONTANT, default=0)
    engage = models.DecimalField(**MONTANT, default=0)
    mandate = models.DecimalField(**MONTANT, default=0)

    class Meta:
        verbose_name = "montants d'un dossier pour un financeur"
        verbose_name_plural = "montants des dossiers par financeur"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "financeur"], name="agregat_unique"),
        ]

    def __str__(self):
        return f"{self.dossier_id} × {self.financeur_id}"


class AgregatVolet(models.Model):
    """The rows of `AgregatFinancement` summed per volet × financeur × state (the maquette's).

    Kept current by the same statement as the dossier's rows: `recalculer_dossier()` adds the
    difference between the dossier's new and old rows. Rebuilt with them.
    """

    volet = models.ForeignKey("referentiel.Volet", on_delete=models.CASCADE, related_name="+")
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.CASCADE, related_name="+"
    )
    etat = models.CharField(max_length=50, choices=E.choices)
    demande = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    propose = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    programme = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    engage = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    mandate = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = "montants d'un volet pour un financeur"
        verbose_name_plural = "montants des volets par financeur"
        constraints = [
            models.UniqueConstraint(
                fields=["volet", "financeur", "etat"], name="agregat_volet_unique"
            ),
        ]

    def __str__(self):
        return f"{self.volet_id} × {self.financeur_id} × {self.etat}"

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cper.referentiel.models import MONTANT
from execution.enums import (
    ETATS_DEMANDE_OUVERTE,
    EtatDemande,
    EtatReversement,
    TypeVersement,
)

D = EtatDemande


class DemandeVersementQuerySet(models.QuerySet):
    def ouvertes(self):
        return self.filter(etat__in=ETATS_DEMANDE_OUVERTE)

    def mandatees(self):
        return self.filter(etat=D.MANDATEE)


class DemandeVersement(models.Model):
    """A porteur's request for a payment under one act: avance, acompte or solde.

    `depenses` is the cumulated eligible expenses the porteur declares as made (none for an
    avance); `montant_demande` what the rules let them ask; the financeur's agent accepts
    (`montant_accepte`, lower with a motive), asks for complements or refuses, then records
    the payment order (`montant_mandate`, `mandate_le`).
    """

    acte = models.ForeignKey("execution.Acte", on_delete=models.PROTECT, related_name="demandes")
    type = models.CharField(max_length=10, choices=TypeVersement.choices)
    etat = models.CharField(max_length=20, choices=D.choices, default=D.DEPOSEE, db_index=True)
    depenses = models.DecimalField(
        "dépenses éligibles réalisées (€)", **MONTANT, null=True, blank=True
    )
    montant_demande = models.DecimalField("montant demandé (€)", **MONTANT)
    # A solde below what was already paid: the excess, ordered back on acceptance.
    trop_percu = models.DecimalField("trop-perçu (€)", **MONTANT, default=0)
    commentaire = models.TextField(blank=True)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    deposee_le = models.DateTimeField("déposée le")
    montant_accepte = models.DecimalField("montant accepté (€)", **MONTANT, null=True, blank=True)
    motif = models.TextField("motif (réduction, compléments ou refus)", blank=True)
    traitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    traitee_le = models.DateTimeField(null=True, blank=True)
    montant_mandate = models.DecimalField("montant mandaté (€)", **MONTANT, null=True, blank=True)
    mandate_le = models.DateField("mandaté le", null=True, blank=True)
    mandate_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DemandeVersementQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de versement"
        verbose_name_plural = "demandes de versement"
        ordering = ["deposee_le", "pk"]
        indexes = [models.Index(fields=["etat", "deposee_le"], name="demande_file")]
        constraints = [
            # One request at a time per act: a double post files nothing twice.
            models.UniqueConstraint(
                fields=["acte"],
                condition=Q(etat__in=ETATS_DEMANDE_OUVERTE),
                name="demande_une_ouverte_par_acte",
            ),
            models.UniqueConstraint(
                fields=["acte", "type"],
                condition=Q(type__in=[TypeVersement.AVANCE, TypeVersement.SOLDE])
                & ~Q(etat=D.REFUSEE),
                name="demande_une_avance_un_solde",
            ),
            models.CheckConstraint(
                condition=Q(montant_demande__gte=0, trop_percu__gte=0),
                name="demande_montants_positifs",
            ),
            models.CheckConstraint(
                condition=Q(type=TypeVersement.AVANCE, depenses__isnull=True)
                | (~Q(type=TypeVersement.AVANCE) & Q(depenses__gte=0)),
                name="demande_depenses_sauf_avance",
            ),
            models.CheckConstraint(
                condition=Q(trop_percu=0) | Q(type=TypeVersement.SOLDE, montant_demande=0),
                name="demande_trop_percu_au_solde",
            ),
            models.CheckConstraint(
                condition=Q(montant_accepte__isnull=True)
                | Q(montant_accepte__gte=0, montant_accepte__lte=F("montant_demande")),
                name="demande_accepte_dans_demande",
            ),
            models.CheckConstraint(
                condition=~Q(etat__in=[D.ACCEPTEE, D.MANDATEE])
                | Q(montant_accepte__isnull=False, traitee_le__isnull=False),
                name="demande_acceptee_a_montant",
            ),
            models.CheckConstraint(
                condition=Q(montant_accepte__isnull=True)
                | Q(montant_accepte=F("montant_demande"))
                | ~Q(motif=""),
                name="demande_reduction_motivee",
            ),
            models.CheckConstraint(
                condition=~Q(etat__in=[D.REFUSEE, D.COMPLEMENTS]) | ~Q(motif=""),
                name="demande_refus_motive",
            ),
            models.CheckConstraint(
                condition=(
                    Q(etat=D.MANDATEE)
                    & Q(mandate_le__isnull=False, montant_mandate__gt=0)
                    & Q(montant_mandate__lte=F("montant_accepte"))
                )
                | (~Q(etat=D.MANDATEE) & Q(mandate_le__isnull=True, montant_mandate__isnull=True)),
                name="demande_mandatee_datee",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} de {self.montant_demande} € — {self.acte}"


class OrdreReversement(models.Model):
    """What the porteur owes back: a solde below what was paid, a renunciation, a lapse."""

    acte = models.ForeignKey(
        "execution.Acte", on_delete=models.PROTECT, related_name="reversements"
    )
    demande = models.OneToOneField(
        DemandeVersement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversement",
    )
    montant = models.DecimalField("montant à reverser (€)", **MONTANT)
    motif = models.TextField()
    etat = models.CharField(
        max_length=20, choices=EtatReversement.choices, default=EtatReversement.EMIS
    )
    emis_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    emis_le = models.DateField("émis le")
    recouvre_le = models.DateField("recouvré le", null=True, blank=True)

    class Meta:
        verbose_name = "ordre de reversement"
        verbose_name_plural = "ordres de reversement"
        ordering = ["emis_le", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0), name="reversement_positif"),
            models.CheckConstraint(
                condition=Q(etat=EtatReversement.EMIS, recouvre_le__isnull=True)
                | Q(etat=EtatReversement.RECOUVRE, recouvre_le__gte=F("emis_le")),
                name="reversement_recouvre_date",
            ),
        ]

    def __str__(self):
        return f"Reversement de {self.montant} € — {self.acte}"

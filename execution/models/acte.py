from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cper.referentiel.models import MONTANT
from cper.televersement.enums import Usage
from cper.televersement.models import FichierAnalyse
from execution.enums import EtatActe, Regime, TypeActe, TypePieceExecution

CENTIME = Decimal("0.01")


def pourcent(valeur: Decimal) -> str:
    """12.50 → « 12,5 », 80.00 → « 80 » (French, without useless zeros)."""
    texte = f"{valeur:.2f}".rstrip("0").rstrip(".")
    return texte.replace(".", ",")


def chemin_acte(instance, filename: str) -> str:
    return f"actes/{instance.dossier_id}/{instance.pk}-v{instance.version}.pdf"


class ActeQuerySet(models.QuerySet):
    def notifies(self):
        return self.filter(etat=EtatActe.NOTIFIE)


class Acte(models.Model):
    """One financeur's individual decision on a dossier: its « accord de financement ».

    Established from the decided amount, signed (scan uploaded), then notified to the porteur:
    the notification starts the deadlines. The legal commitment (montant engagé, reference of
    the legal commitment such as the Chorus EJ number) is recorded on it.
    """

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="actes")
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.PROTECT, related_name="actes"
    )
    # An avenant is a new version; earlier versions stay readable.
    version = models.PositiveSmallIntegerField(default=1)
    type = models.CharField(max_length=20, choices=TypeActe.choices)
    etat = models.CharField(
        max_length=20, choices=EtatActe.choices, default=EtatActe.EN_PREPARATION, db_index=True
    )
    regime = models.CharField("régime", max_length=20, choices=Regime.choices)
    numero = models.CharField("numéro de l'acte", max_length=50, blank=True)
    objet = models.TextField()
    assiette = models.DecimalField("dépense subventionnable (€)", **MONTANT)
    montant = models.DecimalField("montant de la subvention (€)", **MONTANT)
    taux_avance_max = models.DecimalField("avance maximale (%)", max_digits=5, decimal_places=2)
    plafond_acomptes = models.DecimalField(
        "plafond des acomptes (%)", max_digits=5, decimal_places=2
    )
    delai_commencement_mois = models.PositiveSmallIntegerField()
    delai_achevement_mois = models.PositiveSmallIntegerField()
    autorite = models.CharField("autorité signataire", max_length=200)
    # Région (and other assemblies): the deliberation that decided the subsidy.
    date_deliberation = models.DateField("date de la délibération", null=True, blank=True)
    numero_deliberation = models.CharField("numéro de la délibération", max_length=50, blank=True)
    signe_le = models.DateField("signé le", null=True, blank=True)
    notifie_le = models.DateField("notifié le", null=True, blank=True)
    date_limite_commencement = models.DateField(null=True, blank=True)
    date_limite_achevement = models.DateField(null=True, blank=True)
    # The legal commitment.
    montant_engage = models.DecimalField("montant engagé (€)", **MONTANT, null=True, blank=True)
    reference_engagement = models.CharField(
        "référence de l'engagement juridique (n° EJ Chorus)", max_length=30, blank=True
    )
    # The PDF built by Celery (execution.tasks.produire_acte), for the state it was built in.
    fichier = models.FileField(upload_to=chemin_acte, max_length=255, blank=True)
    fichier_etat = models.CharField(max_length=20, choices=EtatActe.choices, blank=True)
    # Settled: the solde paid, or accepted at zero (a reversement may be ordered).
    solde_le = models.DateField("soldé le", null=True, blank=True)
    etabli_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActeQuerySet.as_manager()

    class Meta:
        verbose_name = "acte attributif"
        verbose_name_plural = "actes attributifs"
        ordering = ["dossier", "financeur__ordre", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "financeur", "version"], name="acte_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(montant__gt=0, assiette__gt=0, montant__lte=F("assiette")),
                name="acte_montant_dans_assiette",
            ),
            models.CheckConstraint(
                condition=Q(taux_avance_max__gte=0, taux_avance_max__lte=100)
                & Q(plafond_acomptes__gte=0, plafond_acomptes__lte=100),
                name="acte_taux_pourcentages",
            ),
            models.CheckConstraint(
                condition=Q(etat=EtatActe.EN_PREPARATION) | Q(signe_le__isnull=False),
                name="acte_signe_date",
            ),
            models.CheckConstraint(
                condition=~Q(etat=EtatActe.NOTIFIE)
                | Q(
                    notifie_le__isnull=False,
                    notifie_le__gte=F("signe_le"),
                    date_limite_commencement__isnull=False,
                    date_limite_achevement__gte=F("date_limite_commencement"),
                ),
                name="acte_notifie_a_ses_delais",
            ),
            models.CheckConstraint(
                condition=Q(montant_engage__isnull=True)
                | Q(montant_engage__gte=0, montant_engage__lte=F("montant")),
                name="acte_engagement_dans_montant",
            ),
            models.CheckConstraint(
                condition=Q(solde_le__isnull=True) | Q(etat=EtatActe.NOTIFIE),
                name="acte_solde_apres_notification",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} — {self.financeur} — {self.dossier}"

    @property
    def taux(self) -> Decimal:
        """The subsidy's rate on the eligible expense, in % (shown rounded to 0.01)."""
        return (self.montant * 100 / self.assiette).quantize(CENTIME, ROUND_HALF_UP)

    def du_pour(self, depenses: Decimal) -> Decimal:
        """What `depenses` of eligible expenses justify: × the rate, capped at the amount."""
        prorata = (depenses * self.montant / self.assiette).quantize(CENTIME, ROUND_HALF_UP)
        return min(prorata, self.montant)

    @property
    def taux_affiche(self) -> str:
        return pourcent(self.taux)

    @property
    def avance_affichee(self) -> str:
        return pourcent(self.taux_avance_max)

    @property
    def plafond_affiche(self) -> str:
        return pourcent(self.plafond_acomptes)

    def part(self, pourcentage: Decimal) -> Decimal:
        return (self.montant * pourcentage / 100).quantize(CENTIME, ROUND_HALF_UP)

    @property
    def avance_max(self) -> Decimal:
        return self.part(self.taux_avance_max)

    @property
    def plafond_avant_solde(self) -> Decimal:
        return self.part(self.plafond_acomptes)


def chemin_piece_execution(instance, filename: str) -> str:
    return f"execution/{instance.dossier_id}/{instance.sha256[:16]}-{instance.pk or 'n'}"


class PieceExecution(FichierAnalyse):
    """A file of the execution: the signed act, the evidence of a start or of expenses."""

    usage = Usage.PIECE

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="pieces_execution"
    )
    acte = models.ForeignKey(
        Acte, on_delete=models.CASCADE, null=True, blank=True, related_name="pieces"
    )
    demande = models.ForeignKey(
        "execution.DemandeVersement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pieces",
    )
    type = models.CharField(max_length=30, choices=TypePieceExecution.choices)
    fichier = models.FileField(upload_to=chemin_piece_execution, max_length=255)
    nom_original = models.CharField("nom du fichier", max_length=255)
    type_mime = models.CharField(max_length=100)
    taille = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pièce d'exécution"
        verbose_name_plural = "pièces d'exécution"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_type_display()} — {self.nom_original}"

    @property
    def televerse_par(self):
        return self.deposee_par


class Commencement(models.Model):
    """The porteur's declaration that the operation started (first legal commitment)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="commencement"
    )
    date = models.DateField("date du premier engagement juridique")
    description = models.TextField("nature du premier engagement", blank=True)
    derogation = models.BooleanField(
        "commencement anticipé (dérogation)",
        default=False,
        help_text="Commencé avant la notification d'un acte attributif.",
    )
    motif_derogation = models.TextField(blank=True)
    declare_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "commencement"
        constraints = [
            models.CheckConstraint(
                condition=Q(derogation=False) | ~Q(motif_derogation=""),
                name="commencement_derogation_motivee",
            ),
        ]

    def __str__(self):
        return f"Commencé le {self.date:%d/%m/%Y}"


def chemin_version_acte(instance, filename: str) -> str:
    return f"actes/{instance.acte.dossier_id}/{instance.acte_id}-v{instance.version}-archive.pdf"


class VersionActe(models.Model):
    """A version of an act that an avenant replaced, kept as it was: readable, with its PDF.

    The `Acte` row always holds the version in force (payments and aggregates read it); each
    avenant first copies the current terms here, then amends the act and reissues its PDF.
    """

    acte = models.ForeignKey(Acte, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField()
    assiette = models.DecimalField("dépense subventionnable (€)", **MONTANT)
    montant = models.DecimalField("montant de la subvention (€)", **MONTANT)
    montant_engage = models.DecimalField("montant engagé (€)", **MONTANT, null=True, blank=True)
    date_limite_commencement = models.DateField(null=True, blank=True)
    date_limite_achevement = models.DateField(null=True, blank=True)
    fichier = models.FileField(upload_to=chemin_version_acte, max_length=255, blank=True)
    # Why the next version replaced this one (the avenant's motive).
    motif_avenant = models.TextField("motif de l'avenant")
    remplacee_le = models.DateTimeField(auto_now_add=True)
    remplacee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "version antérieure d'un acte"
        verbose_name_plural = "versions antérieures des actes"
        ordering = ["acte", "version"]
        constraints = [
            models.UniqueConstraint(fields=["acte", "version"], name="version_acte_unique"),
            models.CheckConstraint(
                condition=Q(montant__gt=0, montant__lte=F("assiette")),
                name="version_acte_montant_dans_assiette",
            ),
            models.CheckConstraint(condition=~Q(motif_avenant=""), name="version_acte_motivee"),
        ]

    def __str__(self):
        return f"{self.acte} — version {self.version}"

    @property
    def taux(self) -> Decimal:
        return (self.montant * 100 / self.assiette).quantize(CENTIME, ROUND_HALF_UP)

"""Instances, séances, decisions and the observations of the territories."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cper.referentiel.models import MONTANT
from gouvernance.enums import (
    EtatExport,
    EtatSeance,
    FormatExport,
    NatureInteret,
    PageExport,
    RoleMembre,
    SensDecision,
    TypeInstance,
)


class InstanceQuerySet(models.QuerySet):
    def du_type(self, type_: str) -> "Instance":
        """One of the two instances of the contract (created by a migration, or here if lost)."""
        instance, _ = self.get_or_create(type=type_, defaults={"nom": TypeInstance(type_).label})
        return instance


class Instance(models.Model):
    type = models.CharField(max_length=20, choices=TypeInstance.choices, unique=True)
    nom = models.CharField(max_length=200)

    objects = InstanceQuerySet.as_manager()

    class Meta:
        verbose_name = "instance"
        ordering = ["type"]

    def __str__(self):
        return self.nom


class MembreInstance(models.Model):
    """A member of an instance, representing a signatory or (concertation) a territory."""

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="membres")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mandats"
    )
    role = models.CharField("rôle", max_length=20, choices=RoleMembre.choices)
    financeur = models.ForeignKey(
        "referentiel.Financeur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Signataire représenté (instance de pilotage).",
    )
    departement = models.ForeignKey(
        "referentiel.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    epci = models.ForeignKey(
        "referentiel.Epci", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pole = models.ForeignKey(
        "referentiel.PoleMetropolitain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pôle métropolitain",
    )

    class Meta:
        verbose_name = "membre d'une instance"
        verbose_name_plural = "membres des instances"
        constraints = [
            models.UniqueConstraint(fields=["instance", "user"], name="membre_instance_unique"),
            # A territory is one of département, EPCI or pôle, never several.
            models.CheckConstraint(
                condition=Q(departement__isnull=True, epci__isnull=True)
                | Q(departement__isnull=True, pole__isnull=True)
                | Q(epci__isnull=True, pole__isnull=True),
                name="membre_un_seul_territoire",
            ),
            models.CheckConstraint(
                condition=~Q(pole__isnull=False, epci__isnull=False),
                name="membre_pole_ou_epci",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.instance} ({self.get_role_display()})"

    @property
    def territoire(self):
        return self.pole or self.epci or self.departement


class Seance(models.Model):
    """A meeting of the instance de pilotage, where decisions are taken on an agenda."""

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="seances")
    date = models.DateTimeField()
    lieu = models.CharField(max_length=255)
    etat = models.CharField(
        max_length=20, choices=EtatSeance.choices, default=EtatSeance.PREPARATION
    )
    convocation = models.FileField(upload_to="seances/convocations/", blank=True)
    # Set in the same transaction as the sending: a retried task sends nothing twice.
    convocation_envoyee_le = models.DateTimeField("convocation envoyée le", null=True, blank=True)
    releve = models.FileField("relevé de décisions", upload_to="seances/releves/", blank=True)
    # Attendance, recorded by the secretariat once the séance is held: the quorum is read from it.
    presences_le = models.DateTimeField("présences enregistrées le", null=True, blank=True)
    presidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="présidée par",
    )
    # A séance of the instance de concertation is held for one territory.
    departement = models.ForeignKey(
        "referentiel.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    epci = models.ForeignKey(
        "referentiel.Epci", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pole = models.ForeignKey(
        "referentiel.PoleMetropolitain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pôle métropolitain",
    )
    close_le = models.DateTimeField("close le", null=True, blank=True)
    creee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "séance"
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(etat=EtatSeance.CLOSE) | Q(close_le__isnull=False),
                name="seance_close_datee",
            ),
        ]

    def __str__(self):
        return f"Séance du {self.date:%d/%m/%Y}"

    @property
    def territoire(self):
        return self.pole or self.epci or self.departement


class Presence(models.Model):
    """A member present at a séance; the seat is copied, so the relevé keeps it if they leave."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    qualite = models.CharField("qualité", max_length=255)
    # Présidence and members vote and count in the quorum; the secretariat does not.
    votant = models.BooleanField(default=True)

    class Meta:
        verbose_name = "présence"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["seance", "user"], name="presence_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.qualite})"


class PointOrdreDuJour(models.Model):
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="points")
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="points_ordre_du_jour"
    )
    ordre = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["seance", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["seance", "dossier"], name="point_dossier_unique"),
            models.UniqueConstraint(
                fields=["seance", "ordre"],
                name="point_ordre_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return f"{self.ordre}. {self.dossier}"


class Deport(models.Model):
    """A member present who took no part in one decision, for a conflict of interests."""

    point = models.ForeignKey(PointOrdreDuJour, on_delete=models.CASCADE, related_name="deports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    motif = models.CharField(max_length=255)

    class Meta:
        verbose_name = "déport"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["point", "user"], name="deport_unique"),
        ]

    def __str__(self):
        return f"{self.user} : {self.motif}"


class DeclarationInteret(models.Model):
    """An interest a member declares: a structure, or a mandate in a commune, EPCI, département."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interets"
    )
    nature = models.CharField(max_length=20, choices=NatureInteret.choices)
    structure = models.ForeignKey(
        "dossiers.Structure", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    commune = models.ForeignKey(
        "referentiel.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    epci = models.ForeignKey(
        "referentiel.Epci", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    departement = models.ForeignKey(
        "referentiel.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fonction = models.CharField(
        max_length=150, blank=True, help_text="Par exemple : maire, vice-président, administrateur."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "déclaration d'intérêts"
        verbose_name_plural = "déclarations d'intérêts"
        ordering = ["nature", "pk"]
        constraints = [
            # Exactly the field its nature names is set.
            models.CheckConstraint(
                condition=Q(
                    nature=NatureInteret.STRUCTURE,
                    structure__isnull=False,
                    commune__isnull=True,
                    epci__isnull=True,
                    departement__isnull=True,
                )
                | Q(
                    nature=NatureInteret.COMMUNE,
                    structure__isnull=True,
                    commune__isnull=False,
                    epci__isnull=True,
                    departement__isnull=True,
                )
                | Q(
                    nature=NatureInteret.EPCI,
                    structure__isnull=True,
                    commune__isnull=True,
                    epci__isnull=False,
                    departement__isnull=True,
                )
                | Q(
                    nature=NatureInteret.DEPARTEMENT,
                    structure__isnull=True,
                    commune__isnull=True,
                    epci__isnull=True,
                    departement__isnull=False,
                ),
                name="interet_un_objet_selon_nature",
            ),
        ]

    def __str__(self):
        return f"{self.get_nature_display()} : {self.objet}"

    @property
    def objet(self):
        return self.structure or self.commune or self.epci or self.departement


class MontantSimule(models.Model):
    """Provisional amount entered while preparing a séance (what-if), never a decision."""

    point = models.ForeignKey(PointOrdreDuJour, on_delete=models.CASCADE, related_name="simules")
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.PROTECT, related_name="+"
    )
    montant = models.DecimalField("montant simulé (€)", **MONTANT)

    class Meta:
        verbose_name = "montant simulé"
        verbose_name_plural = "montants simulés"
        constraints = [
            models.UniqueConstraint(fields=["point", "financeur"], name="montant_simule_unique"),
            models.CheckConstraint(condition=Q(montant__gte=0), name="montant_simule_positif"),
        ]

    def __str__(self):
        return f"{self.financeur} : {self.montant}"


class Decision(models.Model):
    point = models.OneToOneField(
        PointOrdreDuJour, on_delete=models.PROTECT, related_name="decision"
    )
    sens = models.CharField(max_length=20, choices=SensDecision.choices)
    motif = models.TextField(blank=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "décision"
        constraints = [
            models.CheckConstraint(
                condition=Q(sens=SensDecision.PROGRAMME) | ~Q(motif=""),
                name="decision_motivee_sauf_programmation",
            ),
        ]

    def __str__(self):
        return f"{self.point.dossier} : {self.get_sens_display()}"


class MontantProgramme(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="montants")
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.PROTECT, related_name="montants_programmes"
    )
    montant = models.DecimalField("montant programmé (€)", **MONTANT)

    class Meta:
        verbose_name = "montant programmé"
        verbose_name_plural = "montants programmés"
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "financeur"], name="montant_programme_unique"
            ),
            models.CheckConstraint(condition=Q(montant__gte=0), name="montant_programme_positif"),
        ]

    def __str__(self):
        return f"{self.financeur} : {self.montant}"


class Observation(models.Model):
    """What a member of the concertation body says about a dossier of their territory."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="observations"
    )
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    texte = models.TextField()
    # Recorded during a séance of the instance de concertation: part of its minutes.
    seance = models.ForeignKey(
        Seance, on_delete=models.PROTECT, null=True, blank=True, related_name="observations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "observation"
        ordering = ["created_at"]

    def __str__(self):
        return f"Observation du {self.created_at:%d/%m/%Y}"


def chemin_export(instance, filename: str) -> str:
    return f"exports/{instance.demandeur_id}/{instance.pk}-{filename}"


class Export(models.Model):
    """A table of a dashboard written to CSV or XLSX by a Celery task, for the one who asked."""

    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    page = models.CharField(max_length=20, choices=PageExport.choices)
    tableau = models.CharField(max_length=50)
    format = models.CharField(max_length=4, choices=FormatExport.choices)
    # The dashboard's filters (query string) when the export was asked for.
    parametres = models.CharField(max_length=500, blank=True)
    etat = models.CharField(
        max_length=20, choices=EtatExport.choices, default=EtatExport.EN_PREPARATION
    )
    titre = models.CharField(max_length=200, blank=True)
    fichier = models.FileField(upload_to=chemin_export, max_length=255, blank=True)
    nom_fichier = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    termine_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "export"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(etat=EtatExport.PRET) | ~Q(fichier=""), name="export_pret_a_un_fichier"
            ),
        ]

    def __str__(self):
        return self.nom_fichier or f"Export {self.tableau}.{self.format}"

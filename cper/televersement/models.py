"""Stored files carry their antivirus status; infected files leave an audit line."""

from django.conf import settings
from django.db import models

from .enums import EvenementAntivirus, StatutAntivirus, Usage


class FichierAnalyse(models.Model):
    """A stored upload: served only once the antivirus found it clean.

    Subclasses have a `fichier` FileField and say who uploaded it (`televerse_par`), so that the
    quarantine job can tell them when their file was deleted.
    """

    statut_antivirus = models.CharField(
        "analyse antivirus",
        max_length=20,
        choices=StatutAntivirus.choices,
        # Fail closed: a row written by any other path waits for the quarantine job.
        default=StatutAntivirus.EN_ANALYSE,
        db_index=True,
    )

    usage = Usage.PIECE

    class Meta:
        abstract = True

    @property
    def televerse_par(self):
        raise NotImplementedError

    @property
    def disponible(self) -> bool:
        return self.statut_antivirus == StatutAntivirus.SAIN


class AlerteAntivirus(models.Model):
    """One infected file: refused at upload, or deleted from quarantine."""

    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    evenement = models.CharField("événement", max_length=20, choices=EvenementAntivirus.choices)
    usage = models.CharField(max_length=20, choices=Usage.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé par",
    )
    nom = models.CharField("nom du fichier (nettoyé)", max_length=255)
    taille = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64, db_index=True)
    signature = models.CharField("signature détectée", max_length=255)
    objet = models.CharField("objet concerné", max_length=100, blank=True)

    class Meta:
        verbose_name = "alerte antivirus"
        verbose_name_plural = "alertes antivirus"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.signature} — {self.nom}"

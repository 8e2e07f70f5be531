from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Upper
from stdnum.fr import siret as stdnum_siret

from dossiers import recherche
from dossiers.enums import CategorieStructure


def valider_siret(valeur: str) -> None:
    if not stdnum_siret.is_valid(valeur):
        raise ValidationError(
            "Ce numéro SIRET n'est pas valide : il doit compter 14 chiffres et sa clé de contrôle "
            "doit être juste.",
            code="siret_invalide",
        )


class Structure(models.Model):
    """The legal entity (SIRET) that carries projects: collectivité, EPCI, university…"""

    raison_sociale = models.CharField(max_length=200)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[valider_siret])
    categorie = models.CharField("catégorie", max_length=30, choices=CategorieStructure.choices)
    adresse = models.CharField("adresse", max_length=255)
    commune = models.ForeignKey(
        "referentiel.Commune", on_delete=models.PROTECT, related_name="structures"
    )
    representant_nom = models.CharField("représentant légal", max_length=150)
    representant_qualite = models.CharField(
        "qualité du représentant légal", max_length=150, help_text="Par exemple : maire, président."
    )
    membres = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="MembreStructure", related_name="structures"
    )
    # Whoever first typed a SIRET does not own it: a guichet agent confirms the structure,
    # explicitly or by declaring one of its dossiers recevable.
    verifiee_le = models.DateTimeField("vérifiée le", null=True, blank=True)
    verifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="vérifiée par",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "structure porteuse"
        verbose_name_plural = "structures porteuses"
        ordering = ["raison_sociale"]
        indexes = [
            GinIndex(
                OpClass(Upper("raison_sociale"), name="gin_trgm_ops"),
                name="structure_raison_trgm",
            )
        ]

    def __str__(self):
        return self.raison_sociale

    def save(self, *args, **kwargs):
        """Saved; when the name of an existing structure may have changed, its dossiers' kept
        search text follows, in the same transaction (dossiers/recherche.py)."""
        renommee = not self._state.adding and (
            kwargs.get("update_fields") is None or "raison_sociale" in kwargs["update_fields"]
        )
        if not renommee:
            super().save(*args, **kwargs)
            return
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            recherche.tenir_structure(self.pk)

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def est_verifiee(self) -> bool:
        return self.verifiee_le is not None

    def get_statut_verification_display(self) -> str:
        return "vérifiée" if self.est_verifiee else "à vérifier"


class MembreStructure(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="adhesions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adhesions"
    )
    administrateur = models.BooleanField(
        default=False, help_text="Peut inviter des collègues dans la structure."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "membre d'une structure"
        verbose_name_plural = "membres des structures"
        constraints = [
            models.UniqueConstraint(fields=["structure", "user"], name="membre_structure_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.structure}"


class DemandeAdhesion(models.Model):
    """Someone who entered the SIRET of an existing structure asks to join it; an administrator
    of the structure, or an agent of a guichet where it filed a dossier, decides."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="demandes_adhesion"
    )
    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demandes_adhesion"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acceptee = models.BooleanField(null=True, blank=True)
    decidee_le = models.DateTimeField("décidée le", null=True, blank=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "demande d'adhésion"
        verbose_name_plural = "demandes d'adhésion"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "demandeur"],
                condition=models.Q(decidee_le__isnull=True),
                name="demande_adhesion_une_en_cours",
            ),
            models.CheckConstraint(
                condition=models.Q(decidee_le__isnull=True, acceptee__isnull=True)
                | models.Q(decidee_le__isnull=False, acceptee__isnull=False),
                name="demande_adhesion_decision_complete",
            ),
        ]

    def __str__(self):
        return f"{self.demandeur} → {self.structure}"

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from stdnum.fr import siret as stdnum_siret

from ..enums import CategorieStructure


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "structure porteuse"
        verbose_name_plural = "structures porteuses"
        ordering = ["raison_sociale"]

    def __str__(self):
        return self.raison_sociale

    @property
    def siren(self) -> str:
        return self.siret[:9]


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

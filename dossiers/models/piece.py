from django.conf import settings
from django.db import models

from cper.televersement.enums import Usage
from cper.televersement.models import FichierAnalyse
from dossiers.enums import TypePiece


def chemin_piece(instance, filename: str) -> str:
    # The stored name never reuses the uploaded one: it is only shown, never trusted.
    return f"pieces/{instance.dossier_id}/{instance.sha256[:16]}-{instance.pk or 'n'}"


class Piece(FichierAnalyse):
    usage = Usage.PIECE

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="pieces")
    type = models.CharField(max_length=30, choices=TypePiece.choices)
    fichier = models.FileField(upload_to=chemin_piece, max_length=255)
    nom_original = models.CharField("nom du fichier", max_length=255)
    type_mime = models.CharField(max_length=100)
    taille = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pièce"
        ordering = ["type", "created_at"]

    def __str__(self):
        return f"{self.get_type_display()} — {self.nom_original}"

    @property
    def televerse_par(self):
        return self.deposee_par

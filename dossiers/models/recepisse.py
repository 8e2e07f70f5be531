from django.db import models


def chemin_recepisse(instance, filename: str) -> str:
    return f"recepisses/{instance.dossier_id}/recepisse-{instance.dossier.numero}.pdf"


class Recepisse(models.Model):
    """The récépissé de dépôt (CRPA R112-5) of a filed dossier: rendered once, kept as issued."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="recepisse"
    )
    fichier = models.FileField(upload_to=chemin_recepisse, max_length=255)
    taille = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    duree_rendu_ms = models.PositiveIntegerField("durée du rendu (ms)")
    # Set when each e-mail is claimed for sending, so that a retried task never sends twice.
    envoye_au_porteur_le = models.DateTimeField(null=True, blank=True)
    guichet_notifie_le = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "récépissé de dépôt"
        verbose_name_plural = "récépissés de dépôt"

    def __str__(self):
        return f"Récépissé {self.dossier.numero}"

    @property
    def nom_fichier(self) -> str:
        return f"recepisse-{self.dossier.numero}.pdf"

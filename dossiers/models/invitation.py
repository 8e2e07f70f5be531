from django.conf import settings
from django.db import models


class Invitation(models.Model):
    """An administrator of a structure invites a colleague by e-mail.

    The link sent carries a signed, expiring token (dossiers.services.structures); the row makes
    the invitation single-use and lets the structure see who was invited and who joined.
    """

    structure = models.ForeignKey(
        "dossiers.Structure", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("adresse électronique")
    administrateur = models.BooleanField(
        "peut inviter d'autres collègues",
        default=False,
        help_text="La personne invitée pourra à son tour inviter des collègues.",
    )
    invite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acceptee_le = models.DateTimeField("acceptée le", null=True, blank=True)
    acceptee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"], name="invitation_email_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(acceptee_le__isnull=True) | models.Q(acceptee_par__isnull=False),
                name="invitation_acceptee_par_quelqu_un",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.structure}"

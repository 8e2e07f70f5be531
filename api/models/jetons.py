"""Personal API tokens: created and revoked by their owner, stored as a SHA-256 digest only."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

PREFIXE = "cper_"


def empreinte(secret: str) -> str:
    """The digest kept in the database. A token is 32 random bytes: a fast hash is enough."""
    return hashlib.sha256(secret.encode()).hexdigest()


def nouveau_secret() -> str:
    return PREFIXE + secrets.token_urlsafe(32)


class JetonQuerySet(models.QuerySet):
    def valides(self, maintenant=None):
        maintenant = maintenant or timezone.now()
        return self.filter(revoque_le__isnull=True, expire_le__gt=maintenant)


class JetonApi(models.Model):
    """A personal token: whoever holds it acts as its owner in the API, within their scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jetons_api",
        verbose_name="titulaire",
    )
    nom = models.CharField(max_length=100, help_text="Par exemple : logiciel financier.")
    # The first characters, shown in lists so that the owner recognises a token.
    debut = models.CharField("début", max_length=16)
    empreinte = models.CharField(max_length=64, unique=True, editable=False)
    expire_le = models.DateTimeField("expire le")
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)
    utilise_le = models.DateTimeField("dernière utilisation", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = JetonQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expire_le__gt=models.F("created_at")),
                name="jeton_expire_apres_creation",
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.debut}…)"

    @property
    def valide(self) -> bool:
        return self.revoque_le is None and self.expire_le > timezone.now()

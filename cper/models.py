"""The bottom floor's tables: the outbox of side effects, the in-app notifications and the
events for other systems (`cper.evenements`)."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .enums import EtatEffet


class EffetDiffere(models.Model):
    """One side effect (a task and its arguments) to carry out once after a commit.

    Written by `cper.effets.differer` in the transaction of the change it follows, so that it
    exists exactly when that change does; carried out and retried by `cper.effets.executer`.
    """

    tache = models.CharField("tâche", max_length=200)
    arguments = models.JSONField(default=list, blank=True)
    # The same key twice is the same effect: it is recorded once and carried out once.
    cle = models.CharField("clé d'idempotence", max_length=200, unique=True)
    etat = models.CharField(max_length=10, choices=EtatEffet.choices, default=EtatEffet.A_FAIRE)
    tentatives = models.PositiveSmallIntegerField(default=0)
    prochain_essai = models.DateTimeField("prochain essai")
    derniere_erreur = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    fait_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "effet différé"
        verbose_name_plural = "effets différés"
        ordering = ["-created_at"]
        indexes = [
            # The beat job's scan: what is due, oldest first; done rows stay out of the index.
            models.Index(
                fields=["prochain_essai"],
                condition=Q(etat=EtatEffet.A_FAIRE),
                name="effet_a_faire_du",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(etat=EtatEffet.FAIT) | Q(fait_le__isnull=False),
                name="effet_fait_date",
            ),
        ]

    def __str__(self):
        return f"{self.tache} {self.arguments} ({self.get_etat_display()})"


class NotificationQuerySet(models.QuerySet):
    def non_lues(self):
        return self.filter(lue=False)


class Notification(models.Model):
    """An in-app notice: a line of the person's « Notifications » page, linking to a page.

    Written only by `cper.notifications.notifier`, with the key of the event that caused it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    texte = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    lue = models.BooleanField(default=False)
    # The key of the event that caused it, shared by its recipients (idempotent task).
    cle = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "lue"], name="cper_notification_user_lue")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cle"],
                condition=~Q(cle=""),
                name="cper_notification_unique_par_evenement",
            ),
        ]

    def __str__(self):
        return self.texte


class Evenement(models.Model):
    """A public fact for other systems (`cper.evenements`): a transition, a payment mandated…

    Written in the transaction of the fact; never changed afterwards. `donnees` holds public
    fields only, as of the moment of the fact.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=100)
    objet_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    objet_id = models.PositiveBigIntegerField()
    objet = GenericForeignKey("objet_type", "objet_id")
    donnees = models.JSONField("données", encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField("publié le", default=timezone.now)

    class Meta:
        verbose_name = "événement"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["objet_type", "objet_id"], name="evenement_objet"),
            models.Index(fields=["type", "created_at"], name="evenement_type_date"),
        ]

    def __str__(self):
        return f"{self.type} ({self.objet_id})"

    @property
    def identifiant(self) -> str:
        """The event's public identifier (the `webhook-id` of its deliveries)."""
        return f"evt_{self.uuid.hex}"

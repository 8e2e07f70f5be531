"""The outbox of side effects: rows written in the user's transaction, carried out by Celery."""

from django.db import models
from django.db.models import Q

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

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from execution.enums import Echeance, EtatCaducite, EtatProrogation

from .acte import Acte


class Prorogation(models.Model):
    """The porteur asks to push one deadline of an act back; its financeur's agent decides."""

    acte = models.ForeignKey(Acte, on_delete=models.PROTECT, related_name="prorogations")
    echeance = models.CharField("échéance", max_length=20, choices=Echeance.choices)
    date_limite_initiale = models.DateField("date limite avant la demande")
    nouvelle_date = models.DateField("nouvelle date limite demandée")
    motif = models.TextField()
    etat = models.CharField(
        max_length=20, choices=EtatProrogation.choices, default=EtatProrogation.DEMANDEE
    )
    demandee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    demandee_le = models.DateTimeField(auto_now_add=True)
    traitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    traitee_le = models.DateTimeField(null=True, blank=True)
    motif_decision = models.TextField("motif de la décision", blank=True)

    class Meta:
        verbose_name = "demande de prorogation"
        verbose_name_plural = "demandes de prorogation"
        ordering = ["acte", "demandee_le", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nouvelle_date__gt=F("date_limite_initiale")),
                name="prorogation_repousse_la_date",
            ),
            models.CheckConstraint(condition=~Q(motif=""), name="prorogation_motivee"),
            models.CheckConstraint(
                condition=Q(etat=EtatProrogation.DEMANDEE, traitee_le__isnull=True)
                | Q(~Q(etat=EtatProrogation.DEMANDEE), traitee_le__isnull=False),
                name="prorogation_traitee_datee",
            ),
            # One open request per act and deadline.
            models.UniqueConstraint(
                fields=["acte", "echeance"],
                condition=Q(etat=EtatProrogation.DEMANDEE),
                name="prorogation_une_ouverte",
            ),
        ]

    def __str__(self):
        return f"Prorogation ({self.get_echeance_display()}) — {self.acte}"


class PropositionCaducite(models.Model):
    """A deadline of an act passed: the beat job proposes the dossier's caducité to the agents,
    who confirm it (the dossier becomes caduc) or set it aside."""

    acte = models.ForeignKey(Acte, on_delete=models.PROTECT, related_name="propositions_caducite")
    echeance = models.CharField("échéance dépassée", max_length=20, choices=Echeance.choices)
    date_limite = models.DateField()
    etat = models.CharField(
        max_length=20, choices=EtatCaducite.choices, default=EtatCaducite.PROPOSEE
    )
    proposee_le = models.DateTimeField(auto_now_add=True)
    traitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    traitee_le = models.DateTimeField(null=True, blank=True)
    motif = models.TextField(blank=True)

    class Meta:
        verbose_name = "proposition de caducité"
        verbose_name_plural = "propositions de caducité"
        ordering = ["proposee_le", "pk"]
        constraints = [
            # The beat job proposes once per deadline passed (a prorogation makes a new one).
            models.UniqueConstraint(
                fields=["acte", "echeance", "date_limite"], name="caducite_une_par_echeance"
            ),
            models.CheckConstraint(
                condition=Q(etat=EtatCaducite.PROPOSEE, traitee_le__isnull=True)
                | Q(~Q(etat=EtatCaducite.PROPOSEE), traitee_le__isnull=False),
                name="caducite_traitee_datee",
            ),
        ]

    def __str__(self):
        return f"Caducité proposée ({self.get_echeance_display()}) — {self.acte}"

"""The agents' work: routing, complements, avis, messages, annotations."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from cper.referentiel.models import MONTANT
from cper.televersement.enums import Usage
from cper.televersement.models import FichierAnalyse
from dossiers.enums import EtatDossier, TypePiece

from .enums import Cote, SensAvis, TypeCourrier


class GroupeTechnique(models.Model):
    """A technical group of State and Region agents that instructs the dossiers of its volets."""

    nom = models.CharField(max_length=150, unique=True)
    volets = models.ManyToManyField(
        "referentiel.Volet", related_name="groupes_techniques", blank=True
    )
    membres = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="MembreGroupe", related_name="groupes_techniques"
    )
    groupe = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="groupe_technique",
        null=True,
        blank=True,
        help_text="Groupe Django qui porte les permissions sur les dossiers confiés.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "groupe technique"
        verbose_name_plural = "groupes techniques"
        ordering = ["nom"]

    def __str__(self):
        return self.nom

    def save(self, *args, **kwargs):
        if self.groupe_id is None:
            self.groupe, _ = Group.objects.get_or_create(name=f"groupe-technique:{self.nom}")
        super().save(*args, **kwargs)


class MembreGroupe(models.Model):
    groupe_technique = models.ForeignKey(
        GroupeTechnique, on_delete=models.CASCADE, related_name="adhesions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adhesions_groupes"
    )
    cote = models.CharField("côté", max_length=10, choices=Cote.choices)

    class Meta:
        verbose_name = "membre d'un groupe technique"
        verbose_name_plural = "membres des groupes techniques"
        constraints = [
            models.UniqueConstraint(
                fields=["groupe_technique", "user"], name="membre_groupe_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.groupe_technique} ({self.get_cote_display()})"

    # Membership of the Django group is what carries the object permissions.
    def save(self, *args, **kwargs):
        if self.pk:
            # A membership edited in the admin may change person or group.
            ancien = MembreGroupe.objects.select_related("groupe_technique").get(pk=self.pk)
            ancien.user.groups.remove(ancien.groupe_technique.groupe_id)
        super().save(*args, **kwargs)
        self.user.groups.add(self.groupe_technique.groupe_id)

    def delete(self, *args, **kwargs):
        self.user.groups.remove(self.groupe_technique.groupe_id)
        return super().delete(*args, **kwargs)


class RoutageQuerySet(models.QuerySet):
    def en_vigueur(self):
        return self.filter(en_vigueur=True)


class Routage(models.Model):
    """One row per routing of a dossier to a groupe technique; the latest one is in force.

    The row in force (`en_vigueur`, one per dossier) is what gives the group's members the
    dossier (`instruction.perimetres`); a rerouting turns the previous one off.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="routages"
    )
    groupe_technique = models.ForeignKey(
        GroupeTechnique, on_delete=models.PROTECT, related_name="routages"
    )
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    commentaire = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    en_vigueur = models.BooleanField("en vigueur", default=True)

    objects = RoutageQuerySet.as_manager()

    class Meta:
        verbose_name = "routage"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(en_vigueur=True), name="routage_un_en_vigueur"
            ),
        ]
        indexes = [
            # The instructors' scope: the dossiers routed to a group, in force.
            models.Index(
                fields=["groupe_technique", "dossier"],
                condition=Q(en_vigueur=True),
                name="routage_perimetre",
            ),
        ]

    def __str__(self):
        return f"{self.dossier_id} → {self.groupe_technique}"


class EtatInstruction(models.Model):
    """Kept per routed dossier: the group in force, which sides have given their avis and the
    dossier's state.

    Copies of `Routage.en_vigueur`, of the `Avis` rows and of `Dossier.etat`, so that the
    instructors' scope and workbench tabs read one row per dossier (no semi-join on the
    routings re-hashed per tab, no nested subquery per row, no dossier read to count a tab).
    Rewritten by `instruction.suivi.tenir()`, which the services that route a dossier or
    record an avis call in their transaction, its state by every transition of the dossier
    (`instruction.suivi.suivre_transition`, django-fsm's `post_transition`); the tests compare
    it with a from-scratch computation (`instruction.suivi.ecarts()`).
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="etat_instruction",
    )
    groupe_technique = models.ForeignKey(
        GroupeTechnique, on_delete=models.PROTECT, related_name="+"
    )
    avis_etat = models.BooleanField("avis de l'État donné", default=False)
    avis_region = models.BooleanField("avis de la Région donné", default=False)
    # A copy of `Dossier.etat`, so that the workbench tabs count these rows alone.
    etat = models.CharField("état du dossier", max_length=20, choices=EtatDossier.choices)
    # The deadline of the dossier's open request for complements (none: no open request), so
    # that the overdue requests of the groups are read in deadline order from these rows.
    echeance_demande = models.DateField(
        "échéance de la demande de compléments en attente", null=True, blank=True
    )

    class Meta:
        verbose_name = "état d'instruction"
        verbose_name_plural = "états d'instruction"
        indexes = [
            # The scope: a group's dossiers, read from the index alone.
            models.Index(fields=["groupe_technique", "dossier"], name="etat_instruction_groupe"),
            # The tabs' bounded counts, read from the index alone.
            models.Index(
                fields=["groupe_technique", "etat", "avis_etat", "avis_region"],
                name="etat_instruction_onglets",
            ),
            # The groups' overdue requests: the open deadlines in order, the group beside.
            models.Index(
                fields=["echeance_demande"],
                include=["groupe_technique"],
                condition=Q(echeance_demande__isnull=False, etat=EtatDossier.INCOMPLET),
                name="etat_instruction_en_retard",
            ),
        ]

    def __str__(self):
        return f"{self.dossier_id} → {self.groupe_technique_id}"


class DemandeComplementsQuerySet(models.QuerySet):
    def en_attente(self):
        return self.filter(repondue_le__isnull=True, close_le__isnull=True)

    def en_retard(self, aujourdhui, *, etat=EtatDossier.INCOMPLET):
        """Open requests past their deadline on dossiers still « incomplet »; `aujourdhui` and
        `etat` may be expressions (the literals of a compiled query: `cper.requetes.Jour`,
        `Constante` of that state)."""
        return self.en_attente().filter(echeance__lt=aujourdhui, dossier__etat=etat)


class DemandeComplements(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="demandes_complements"
    )
    motif = models.TextField()
    pieces_demandees = ArrayField(
        models.CharField(max_length=30, choices=TypePiece.choices),
        default=list,
        blank=True,
        verbose_name="pièces demandées",
    )
    echeance = models.DateField("échéance")
    demandee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    etat_origine = models.CharField("état d'origine", max_length=20, choices=EtatDossier.choices)
    reponse = models.TextField("réponse", blank=True)
    repondue_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    repondue_le = models.DateTimeField("répondue le", null=True, blank=True)
    # Reminders are sent once each; the dates make the beat task idempotent.
    relance_j7_le = models.DateTimeField(null=True, blank=True)
    relance_echeance_le = models.DateTimeField(null=True, blank=True)
    # Once the deadline passed, the guichet is told once that it may close the dossier.
    cloture_proposee_le = models.DateTimeField(null=True, blank=True)
    # The dossier was closed (sans suite or irrecevable) with the request still unanswered.
    close_le = models.DateTimeField("close sans réponse le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DemandeComplementsQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de compléments"
        verbose_name_plural = "demandes de compléments"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(repondue_le__isnull=True, repondue_par__isnull=True)
                | Q(repondue_le__isnull=False, repondue_par__isnull=False),
                name="demande_reponse_datee_et_signee",
            ),
            # Only one open request per dossier at a time.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(repondue_le__isnull=True),
                name="demande_ouverte_unique",
            ),
        ]
        indexes = [
            # The workbenches' overdue requests: the open ones walked by deadline, each checked
            # against the agent's scope, until the first twenty.
            models.Index(
                fields=["echeance", "id"],
                condition=Q(repondue_le__isnull=True, close_le__isnull=True),
                name="demande_en_attente_echeance",
            ),
        ]

    def __str__(self):
        return f"Demande de compléments du {self.created_at:%d/%m/%Y}"

    def get_pieces_demandees_display(self) -> list[str]:
        return [TypePiece(code).label for code in self.pieces_demandees]


class Avis(models.Model):
    """The avis of one side (État or Région) on a dossier; editable until instruction ends."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="avis")
    cote = models.CharField("côté", max_length=10, choices=Cote.choices)
    sens = models.CharField(max_length=30, choices=SensAvis.choices)
    motivation = models.TextField()
    donne_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        ordering = ["cote"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "cote"], name="avis_un_par_cote"),
        ]

    def __str__(self):
        return f"Avis {self.get_cote_display()} : {self.get_sens_display()}"


class MontantPropose(models.Model):
    avis = models.ForeignKey(Avis, on_delete=models.CASCADE, related_name="montants")
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.PROTECT, related_name="montants_proposes"
    )
    montant = models.DecimalField("montant proposé (€)", **MONTANT)

    class Meta:
        verbose_name = "montant proposé"
        verbose_name_plural = "montants proposés"
        ordering = ["financeur__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["avis", "financeur"], name="montant_propose_unique"),
            models.CheckConstraint(condition=Q(montant__gte=0), name="montant_propose_positif"),
        ]

    def __str__(self):
        return f"{self.financeur} : {self.montant}"


class AgentCofinanceur(models.Model):
    """An agent of a co-financing signatory (a Département, the MEL) who may give its avis."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cofinanceurs"
    )
    financeur = models.ForeignKey(
        "referentiel.Financeur",
        on_delete=models.CASCADE,
        related_name="agents_cofinanceurs",
        limit_choices_to={"categorie__in": ["departement", "metropole"], "signataire": True},
    )

    class Meta:
        verbose_name = "agent d'un cofinanceur"
        verbose_name_plural = "agents des cofinanceurs"
        constraints = [
            models.UniqueConstraint(fields=["user", "financeur"], name="agent_cofinanceur_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.financeur}"


class AvisCofinanceur(models.Model):
    """The optional avis of a co-financing signatory, beside the État and Région avis.

    It is not needed to conclude the instruction, and its amount is not « proposé » (the two
    instructing sides propose); the instance de pilotage reads it on its agenda.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="avis_cofinanceurs"
    )
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.PROTECT, related_name="avis_donnes"
    )
    sens = models.CharField(max_length=30, choices=SensAvis.choices)
    motivation = models.TextField()
    montant = models.DecimalField("montant envisagé (€)", null=True, blank=True, **MONTANT)
    donne_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "avis d'un cofinanceur"
        verbose_name_plural = "avis des cofinanceurs"
        ordering = ["financeur__ordre", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "financeur"], name="avis_cofinanceur_unique"
            ),
            models.CheckConstraint(
                condition=Q(montant__isnull=True) | Q(montant__gte=0),
                name="avis_cofinanceur_montant_positif",
            ),
        ]

    def __str__(self):
        return f"Avis {self.financeur} : {self.get_sens_display()}"


class HistoriqueAvis(models.Model):
    """One edit of an avis, kept whatever comes after: who, when, what it said, what changed."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="historique_avis"
    )
    # The État or Région side; blank for a co-financer's avis, which names its financeur.
    cote = models.CharField("côté", max_length=20, choices=Cote.choices, blank=True)
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sens = models.CharField(max_length=30, choices=SensAvis.choices)
    motivation = models.TextField()
    # {financeur's name: amount as text}, as proposed by this edit.
    montants = models.JSONField(default=dict, blank=True)
    # What this edit changed from the previous one, in French (« Sens : Favorable → … »).
    changements = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "modification d'un avis"
        verbose_name_plural = "historique des avis"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Avis {self.auteur} du {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def auteur(self) -> str:
        """The side that gave the avis: État, Région, or the co-financer's name."""
        return self.financeur.nom if self.financeur_id else self.get_cote_display()


class DemandeArbitrage(models.Model):
    """The groupe technique asks the pilotage secretariat to arbitrate between diverging avis.

    It is shown on the agenda of the séance that decides on the dossier; that decision settles it.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="demandes_arbitrage"
    )
    motif = models.TextField()
    demandee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    tranchee_le = models.DateTimeField("tranchée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande d'arbitrage"
        verbose_name_plural = "demandes d'arbitrage"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(tranchee_le__isnull=True),
                name="arbitrage_ouvert_unique",
            ),
        ]

    def __str__(self):
        return f"Demande d'arbitrage du {self.created_at:%d/%m/%Y}"


class Message(models.Model):
    """A message of the thread between the porteur and the agents of a dossier."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="messages"
    )
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    de_l_administration = models.BooleanField(default=False)
    texte = models.TextField()
    lecteurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="LectureMessage", related_name="messages_lus"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "message"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Message du {self.created_at:%d/%m/%Y %H:%M}"


def chemin_piece_jointe(instance, filename: str) -> str:
    # The stored name never reuses the uploaded one.
    return f"messages/{instance.message.dossier_id}/{instance.message_id}-{instance.sha256[:16]}"


class PieceJointe(FichierAnalyse):
    usage = Usage.PIECE_JOINTE

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="pieces_jointes")
    fichier = models.FileField(upload_to=chemin_piece_jointe, max_length=255)
    nom_original = models.CharField("nom du fichier", max_length=255)
    type_mime = models.CharField(max_length=100)
    taille = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["pk"]

    def __str__(self):
        return self.nom_original

    @property
    def televerse_par(self):
        return self.message.auteur


class LectureMessage(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="lectures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lu_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lecture d'un message"
        verbose_name_plural = "lectures des messages"
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="lecture_unique"),
        ]

    def __str__(self):
        return f"{self.user_id} a lu {self.message_id}"


class Annotation(models.Model):
    """A private note of the agents on a dossier: never shown to the porteur, anywhere."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="annotations"
    )
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    texte = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "annotation privée"
        verbose_name_plural = "annotations privées"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Annotation du {self.created_at:%d/%m/%Y %H:%M}"


def chemin_rapport(instance, filename: str) -> str:
    return f"rapports/{instance.dossier_id}/rapport-instruction.pdf"


class RapportInstruction(models.Model):
    """The rapport d'instruction PDF, built by a Celery task once the instruction is concluded."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="rapport_instruction"
    )
    fichier = models.FileField(upload_to=chemin_rapport, max_length=255, blank=True)
    genere_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "rapport d'instruction"
        verbose_name_plural = "rapports d'instruction"

    def __str__(self):
        return f"Rapport d'instruction du dossier {self.dossier_id}"


class Affectation(models.Model):
    """Which agent follows a dossier in the queues: one row per assignment, the latest in force.

    The rows are the log (who assigned whom, when); `agent` empty means « nobody any more ».
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="affectations"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="agent en charge",
    )
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    en_cours = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "affectation"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(en_cours=True), name="affectation_une_en_cours"
            )
        ]
        indexes = [
            # « Mes dossiers » of an agent's queue.
            models.Index(
                fields=["agent", "dossier"],
                condition=Q(en_cours=True),
                name="affectation_agent_idx",
            )
        ]

    def __str__(self):
        return f"{self.dossier_id} → {self.agent_id or '—'}"


def chemin_courrier(instance, filename: str) -> str:
    return f"courriers/{instance.dossier_id}/{instance.type}-{instance.pk}.pdf"


class Courrier(models.Model):
    """A letter to the porteur (attestation, request for pieces, irrecevabilité, classement).

    Its row is written in the service's transaction, with what the letter states at that
    moment (motive, deadline); its PDF is built after the commit, in Celery.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="courriers"
    )
    type = models.CharField(max_length=30, choices=TypeCourrier.choices)
    demande = models.ForeignKey(
        DemandeComplements,
        on_delete=models.SET_NULL,
        related_name="courriers",
        null=True,
        blank=True,
    )
    motif = models.TextField(blank=True)
    emis_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    fichier = models.FileField(upload_to=chemin_courrier, max_length=255, blank=True)
    genere_le = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "courrier"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_type_display()} du {self.created_at:%d/%m/%Y}"


class Transfert(models.Model):
    """A dossier filed at the wrong guichet, sent on to the competent one (logged, motivated).

    The guichets' names are kept as they read that day.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="transferts"
    )
    de = models.ForeignKey(
        "referentiel.Guichet", on_delete=models.PROTECT, related_name="transferts_emis"
    )
    vers = models.ForeignKey(
        "referentiel.Guichet", on_delete=models.PROTECT, related_name="transferts_recus"
    )
    de_nom = models.CharField("depuis le guichet", max_length=200)
    vers_nom = models.CharField("vers le guichet", max_length=200)
    motif = models.TextField()
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "transfert de guichet"
        verbose_name_plural = "transferts de guichet"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.de_nom} → {self.vers_nom}"

from collections.abc import Callable
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import (
    Case,
    DecimalField,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, Upper
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from cper.comptes.enums import Role
from cper.masse import une_des_valeurs
from dossiers import recherche
from dossiers.enums import ETATS_INSTRUCTION_EN_COURS, EtatDossier

from .structure import MembreStructure

E = EtatDossier
# `ETATS_INSTRUCTION_EN_COURS`, as the condition of the indexes that serve them.
EN_INSTRUCTION_OU_ATTENTE = une_des_valeurs("etat", ETATS_INSTRUCTION_EN_COURS)
# The states a request for complements may come from, and that completer returns to.
ETATS_AVANT_COMPLEMENTS = [E.DEPOSE, E.EN_INSTRUCTION]
# Programmed and not yet paid off: the states a porteur may renounce from, or a deadline lapse.
ETATS_EXECUTION = [E.PROGRAMME, E.ATTRIBUE, E.EN_COURS]
# What the kept search text is made of (`Dossier.recherche`).
CHAMPS_CHERCHES = frozenset({"numero", "intitule", "structure", "structure_id"})
# CRPA L231-4: two months of silence on a financial request after its dépôt is a rejection.
DELAI_RECEVABILITE_MOIS = 2


# --- Who may fire a transition (django-fsm `permission=`; checked by the services) --------------
# The agents' scopes are relations owned by the floors above (the guichet's and the groupe
# technique's in `instruction`, the financeurs' in `execution`): each registers its scope at
# start-up (`dossiers.acces.enregistrer_perimetre`), and the transitions ask it, one query.
PERIMETRES: dict[str, Callable] = {}


def dans_le_perimetre(nom: str, dossier, user) -> bool:
    """Whether the dossier is in the registered scope `nom` of the user (one query)."""
    perimetre = PERIMETRES.get(nom)
    return (
        user.is_authenticated
        and perimetre is not None
        and perimetre(user).filter(pk=dossier.pk).exists()
    )


def est_agent_du_guichet(dossier, user) -> bool:
    return dans_le_perimetre("guichet", dossier, user)


def est_instructeur_du_dossier(dossier, user) -> bool:
    return dans_le_perimetre("instruction", dossier, user)


def est_porteur_du_dossier(dossier, user) -> bool:
    """A member of the dossier's structure: the porteur's scope (`dossiers.acces`)."""
    return (
        user.is_authenticated
        and MembreStructure.objects.filter(structure=dossier.structure_id, user=user).exists()
    )


def est_gestionnaire_du_dossier(dossier, user) -> bool:
    """An agent of a financeur the dossier was programmed with (scope kept by `execution`)."""
    return dans_le_perimetre("execution", dossier, user)


def est_membre_pilotage(dossier, user) -> bool:
    return user.is_authenticated and user.a_le_role(Role.MEMBRE_PILOTAGE)


def peut_demander_complements(dossier, user) -> bool:
    # The guichet asks while checking completeness, the groupe technique while instructing.
    if dossier.etat == E.DEPOSE:
        return est_agent_du_guichet(dossier, user)
    return est_instructeur_du_dossier(dossier, user)


def recevabilite_en_suspens(dossier) -> bool:
    """Filed and not yet found complete: awaiting the check, or the complements it asked."""
    return dossier.etat == E.DEPOSE or dossier.etat_avant_complements == E.DEPOSE


ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _somme(model_name: str, champ: str, **filtres):
    """A correlated subquery summing one amount column of a dossier's lines, 0 when none."""
    lignes = (
        apps.get_model("dossiers", model_name)
        .objects.filter(dossier=OuterRef("pk"), **filtres)
        .order_by()
        .values("dossier")
        .annotate(total=Sum(champ))
        .values("total")
    )
    return Coalesce(Subquery(lignes), ZERO)


class DossierQuerySet(models.QuerySet):
    def sur_territoire(self, communes):
        """Dossiers located (at least partly) on the given communes (a QuerySet of Commune)."""
        return self.filter(
            pk__in=self.model.communes.through.objects.filter(commune__in=communes).values(
                "dossier_id"
            )
        )

    def avec_limite_recevabilite(self):
        """Annotate `limite_recevabilite`: the recevabilité deadline, in the database.

        The one definition of that deadline: the dépôt's calendar date (local time) plus two
        months (the end of a shorter month when that day does not exist); None for a draft.
        """
        return self.annotate(
            limite_recevabilite=Func(
                TruncDate("depose_le"),
                template=(f"(%(expressions)s + INTERVAL '{DELAI_RECEVABILITE_MOIS} months')::date"),
                output_field=models.DateField(),
            )
        )

    def avec_totaux(self):
        """Annotate the money of each dossier, computed in the database in the same query.

        depenses_ht, depenses_ttc, cout_eligible (HT when VAT is recovered, else TTC),
        total_financement, aide_publique (lines of public financeurs), ecart_financement.
        """
        return (
            self.annotate(
                depenses_ht=_somme("LigneDepense", "montant_ht"),
                depenses_ttc=_somme("LigneDepense", "montant_ttc"),
                total_financement=_somme("LigneFinancement", "montant_demande"),
                aide_publique=_somme("LigneFinancement", "montant_demande", financeur__public=True),
            )
            .annotate(
                cout_eligible=Case(
                    When(tva_recuperable=True, then=F("depenses_ht")),
                    default=F("depenses_ttc"),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                ),
            )
            .annotate(ecart_financement=F("total_financement") - F("cout_eligible"))
        )


class Dossier(ConcurrentTransitionMixin, models.Model):
    """A request for CPER funding; its life is the state machine of DESIGN.md §3.

    Transitions hold guards and field changes only; services around them do the rest.
    """

    structure = models.ForeignKey(
        "dossiers.Structure", on_delete=models.PROTECT, related_name="dossiers"
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers_crees"
    )
    etat = FSMField(default=E.BROUILLON, choices=E.choices, protected=True, db_index=True)

    # Identité
    intitule = models.CharField("intitulé", max_length=255)
    resume = models.TextField("résumé", blank=True)
    description = models.TextField(blank=True)
    volet = models.ForeignKey(
        "referentiel.Volet",
        on_delete=models.PROTECT,
        related_name="dossiers",
        null=True,
        blank=True,
    )
    # Localisation
    communes = models.ManyToManyField("referentiel.Commune", related_name="dossiers", blank=True)
    # Calendrier
    date_debut = models.DateField("début prévu", null=True, blank=True)
    date_fin = models.DateField("fin prévue", null=True, blank=True)
    # Dépenses: the eligible base is HT when the porteur recovers VAT, TTC otherwise.
    tva_recuperable = models.BooleanField("TVA récupérable", null=True, blank=True)

    # Dépôt
    numero = models.CharField("numéro", max_length=20, unique=True, null=True, blank=True)
    guichet = models.ForeignKey(
        "referentiel.Guichet",
        on_delete=models.PROTECT,
        related_name="dossiers",
        null=True,
        blank=True,
    )
    depose_le = models.DateTimeField("déposé le", null=True, blank=True)

    # Instruction
    etat_avant_complements = models.CharField(
        "état avant la demande de compléments",
        max_length=20,
        choices=[(e.value, e.label) for e in ETATS_AVANT_COMPLEMENTS],
        blank=True,
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the workbenches' search compares: number, title and structure's name in upper case,
    # written by `save()` (see dossiers/recherche.py), never by hand.
    recherche = models.TextField("texte cherché", default="", db_default="", editable=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier"
        ordering = ["-updated_at"]
        # Each list's filter then sort, ending with the primary key (keyset pagination,
        # cper/pagination.py), and the text search on trigrams of what `icontains` compares.
        indexes = [
            models.Index(fields=["guichet", "depose_le", "id"], name="dossier_guichet_depot_idx"),
            # A guichet's tab; the kept search text is in the index too, so that searching a
            # tab filters its entries without reading each dossier's row.
            models.Index(
                fields=["guichet", "etat", "depose_le", "id"],
                include=["recherche"],
                name="dossier_guichet_etat_idx",
            ),
            models.Index(fields=["etat", "depose_le", "id"], name="dossier_etat_depot_idx"),
            # The instructors' « à traiter »: a state's dossiers in id order, merged with their
            # kept instruction rows (in the same order, by their primary key).
            models.Index(fields=["etat", "id"], name="dossier_etat_id_idx"),
            # The instructors' « en cours » and « clos »: their dossiers alone, in id order,
            # merged with their kept instruction rows without reading the dossiers' rows.
            # (An OR of equalities, which PostgreSQL writes back as it reads it: the demo's
            # bulk load recreates each index from its definition, tests/demo.)
            models.Index(
                fields=["id"],
                include=["etat"],
                condition=EN_INSTRUCTION_OU_ATTENTE,
                name="dossier_instruction_idx",
            ),
            models.Index(
                fields=["id"],
                condition=~EN_INSTRUCTION_OU_ATTENTE,
                name="dossier_hors_instruction_idx",
            ),
            # The instructors' tabs that span several states (« en cours », « clos », « tous »):
            # walked in order, each row checked on its kept instruction state.
            models.Index(fields=["depose_le", "id"], name="dossier_depot_idx"),
            models.Index(fields=["etat", "numero", "id"], name="dossier_etat_numero_idx"),
            models.Index(
                fields=["structure", "updated_at", "id"], name="dossier_structure_maj_idx"
            ),
            # « Mes dossiers » of a porteur in many structures: the latest changes first, read
            # backwards until a page of the user's structures is found (no sort of them all).
            models.Index(fields=["updated_at", "id"], name="dossier_maj_idx"),
            GinIndex(
                OpClass(Upper("intitule"), name="gin_trgm_ops"),
                name="dossier_intitule_trgm",
            ),
            GinIndex(
                OpClass(Upper("numero"), name="gin_trgm_ops"),
                name="dossier_numero_trgm",
            ),
        ]
        constraints = [
            # An incomplete dossier remembers where completer sends it back; no other state does.
            models.CheckConstraint(
                condition=Q(etat=E.INCOMPLET, etat_avant_complements__in=ETATS_AVANT_COMPLEMENTS)
                | (~Q(etat=E.INCOMPLET) & Q(etat_avant_complements="")),
                name="dossier_incomplet_a_etat_origine",
            ),
            # Once out of brouillon, a dossier has its number, guichet and filing date;
            # a draft withdrawn before filing has none.
            models.CheckConstraint(
                condition=Q(etat__in=[E.BROUILLON, E.RETIRE])
                | Q(numero__isnull=False, guichet__isnull=False, depose_le__isnull=False),
                name="dossier_depose_a_numero_guichet_date",
            ),
            models.CheckConstraint(
                condition=~Q(etat=E.BROUILLON) | Q(numero__isnull=True, depose_le__isnull=True),
                name="dossier_brouillon_sans_numero",
            ),
            models.CheckConstraint(
                condition=Q(date_debut__isnull=True)
                | Q(date_fin__isnull=True)
                | Q(date_fin__gte=models.F("date_debut")),
                name="dossier_dates_ordonnees",
            ),
        ]

    def __str__(self):
        return f"{self.numero} — {self.intitule}" if self.numero else self.intitule

    def save(self, *args, **kwargs):
        """Saved with its kept search text, in the same statement, whenever the number, the
        title or the structure is written (dossiers/recherche.py)."""
        champs = kwargs.get("update_fields")
        differes = self.get_deferred_fields() if champs is None else set()
        if champs is None and not differes:
            self.recherche = recherche.a_ecrire(self, CHAMPS_CHERCHES)
        elif champs is None:
            # Django then writes the fields loaded only (`only()`): so does the kept text.
            ecrits = {f.name for f in self._meta.concrete_fields if f.attname not in differes}
            if CHAMPS_CHERCHES & ecrits:
                self.recherche = recherche.a_ecrire(self, ecrits)
        elif CHAMPS_CHERCHES.intersection(champs):
            self.recherche = recherche.a_ecrire(self, set(champs))
            kwargs["update_fields"] = {*champs, "recherche"}
        super().save(*args, **kwargs)

    # --- Transitions (guards and field changes only; no I/O) ---------------------------------

    @fsm_log_by
    @fsm_log_description
    @transition(field=etat, source=E.BROUILLON, target=E.DEPOSE)
    def deposer(self, *, numero, guichet, depose_le, by=None, description=None):
        self.numero = numero
        self.guichet = guichet
        self.depose_le = depose_le

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat,
        source=[E.BROUILLON, E.DEPOSE, E.INCOMPLET, E.EN_INSTRUCTION, E.INSTRUIT],
        target=E.RETIRE,
    )
    def retirer(self, *, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat,
        source=ETATS_AVANT_COMPLEMENTS,
        target=E.INCOMPLET,
        permission=peut_demander_complements,
    )
    def demander_complements(self, *, by=None, description=None):
        self.etat_avant_complements = self.etat

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat,
        source=E.INCOMPLET,
        target=RETURN_VALUE(*ETATS_AVANT_COMPLEMENTS),
        permission=est_porteur_du_dossier,
    )
    def completer(self, *, by=None, description=None):
        retour = self.etat_avant_complements
        self.etat_avant_complements = ""
        return retour

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat, source=E.DEPOSE, target=E.EN_INSTRUCTION, permission=est_agent_du_guichet
    )
    def declarer_recevable(self, *, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat,
        source=[E.DEPOSE, E.INCOMPLET],
        target=E.IRRECEVABLE,
        permission=est_agent_du_guichet,
        conditions=[recevabilite_en_suspens],
    )
    def declarer_irrecevable(self, *, by=None, description=None):
        # After complements the guichet may still refuse; the instruction layer, which owns
        # the request and its deadline, checks that the deadline has passed.
        self.etat_avant_complements = ""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat,
        source=E.INCOMPLET,
        target=E.CLASSE_SANS_SUITE,
        permission=est_agent_du_guichet,
    )
    def classer_sans_suite(self, *, by=None, description=None):
        # The complements never came: the instruction layer checks the deadline has passed.
        self.etat_avant_complements = ""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat,
        source=E.EN_INSTRUCTION,
        target=E.INSTRUIT,
        permission=est_instructeur_du_dossier,
    )
    def conclure_instruction(self, *, by=None, description=None):
        # Both avis must exist: the instruction layer, which owns them, checks it.
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat, source=E.INSTRUIT, target=E.EN_INSTRUCTION, permission=est_membre_pilotage
    )
    def ajourner(self, *, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=etat, source=E.INSTRUIT, target=E.PROGRAMME, permission=est_membre_pilotage)
    def programmer(self, *, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=etat, source=E.INSTRUIT, target=E.REJETE, permission=est_membre_pilotage)
    def rejeter(self, *, by=None, description=None):
        pass

    # --- Execution (fired by execution.services; the acts and payments live there) -----------

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat, source=E.PROGRAMME, target=E.ATTRIBUE, permission=est_gestionnaire_du_dossier
    )
    def attribuer(self, *, by=None, description=None):
        # The first act notified to the porteur: the execution layer checks it exists.
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=etat, source=E.ATTRIBUE, target=E.EN_COURS, permission=est_porteur_du_dossier)
    def commencer(self, *, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat, source=E.EN_COURS, target=E.SOLDE, permission=est_gestionnaire_du_dossier
    )
    def solder(self, *, by=None, description=None):
        # Every financeur's solde paid, or its reversement ordered: checked by execution.
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat, source=E.SOLDE, target=E.CLOTURE, permission=est_gestionnaire_du_dossier
    )
    def cloturer(self, *, by=None, description=None):
        # No reversement still to recover: checked by execution.
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat,
        source=ETATS_EXECUTION,
        target=E.ABANDONNE,
        permission=est_porteur_du_dossier,
    )
    def abandonner(self, *, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=etat,
        source=ETATS_EXECUTION,
        target=E.CADUC,
        permission=est_gestionnaire_du_dossier,
    )
    def declarer_caduc(self, *, by=None, description=None):
        pass


class SequenceNumero(models.Model):
    """One row per year, locked with SELECT … FOR UPDATE: numbers without gaps or races."""

    annee = models.PositiveSmallIntegerField(primary_key=True)
    dernier = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "séquence des numéros de dossier"

    def __str__(self):
        return f"{self.annee} : {self.dernier}"


class DepotConjoint(models.Model):
    """The second guichet of a dossier filed at both a sous-préfecture and the Conseil régional.

    `Dossier.guichet` is the guichet the porteur chose first (its récépissé names it); this row
    adds the other one. Both guichets' agents see the dossier in their workbench and either may
    act on it (`instruction.perimetres`); one number, one state, one history.
    """

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="depot_conjoint")
    guichet = models.ForeignKey(
        "referentiel.Guichet", on_delete=models.PROTECT, related_name="depots_conjoints"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "dépôt conjoint"
        verbose_name_plural = "dépôts conjoints"
        indexes = [
            # The guichet agents' scope: the dossiers filed (also) at their guichet.
            models.Index(fields=["guichet", "dossier"], name="depot_conjoint_perimetre"),
        ]

    def __str__(self):
        return f"{self.dossier_id} aussi déposé auprès de {self.guichet}"

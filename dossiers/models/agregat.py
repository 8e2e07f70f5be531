from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from cper.masse import une_des_valeurs
from cper.referentiel.models import MONTANT
from dossiers.enums import EtatDossier as E


class AgregatFinancement(models.Model):
    """A dossier's money for one financeur, summed from the source tables (DESIGN §11).

    Never written by hand: `dossiers.agregats.recalculer_dossier()` rewrites a dossier's rows in
    the transaction of every service that moves money or changes the dossier's state, and the
    `recalculer_agregats` command rebuilds them all. The dossier's volet and state are copied
    here so that the dashboards group and filter without reading the dossiers.

    - `demande`: the financing plan's lines for this financeur, whatever the state;
    - `propose`: « proposé », the one rule (docs/tableaux.md): the lower of the two sides'
      proposals, never above `demande` (0 when a side that gave its avis proposed nothing for
      this financeur; a lone avis stands alone), whatever the state;
    - `programme`: the amounts of the decisions « programmé »;
    - `engage`: the legal commitments of the financeur's signed acts (execution);
    - `mandate`: the payments mandated under those acts (execution), less the reversements
      recovered.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="agregats", db_index=False
    )
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.CASCADE, related_name="+"
    )
    volet = models.ForeignKey(
        "referentiel.Volet", on_delete=models.CASCADE, null=True, related_name="+"
    )
    etat = models.CharField(max_length=50, choices=E.choices)
    demande = models.DecimalField(**MONTANT, default=0)
    propose = models.DecimalField(**MONTANT, default=0)
    programme = models.DecimalField(**MONTANT, default=0)
    engage = models.DecimalField(**MONTANT, default=0)
    mandate = models.DecimalField(**MONTANT, default=0)

    class Meta:
        verbose_name = "montants d'un dossier pour un financeur"
        verbose_name_plural = "montants des dossiers par financeur"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "financeur"], name="agregat_unique"),
        ]

    def __str__(self):
        return f"{self.dossier_id} × {self.financeur_id}"


class AgregatVolet(models.Model):
    """The rows of `AgregatFinancement` summed per volet × financeur × state (the maquette's).

    Kept current by the same statement as the dossier's rows: `recalculer_dossier()` adds the
    difference between the dossier's new and old rows. Rebuilt with them.
    """

    volet = models.ForeignKey("referentiel.Volet", on_delete=models.CASCADE, related_name="+")
    financeur = models.ForeignKey(
        "referentiel.Financeur", on_delete=models.CASCADE, related_name="+"
    )
    etat = models.CharField(max_length=50, choices=E.choices)
    demande = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    propose = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    programme = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    engage = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    mandate = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = "montants d'un volet pour un financeur"
        verbose_name_plural = "montants des volets par financeur"
        constraints = [
            models.UniqueConstraint(
                fields=["volet", "financeur", "etat"], name="agregat_volet_unique"
            ),
        ]

    def __str__(self):
        return f"{self.volet_id} × {self.financeur_id} × {self.etat}"


class SuiviDossier(models.Model):
    """What the dashboards know of one filed dossier, computed from the source tables.

    Written by `dossiers.agregats.recalculer_dossier()` in the same statement series as the
    money rows (never by hand); one row per dossier that left `brouillon` with a number. The
    delays are in calendar days (local dates), from django-fsm-log's history.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="suivi"
    )
    etat = models.CharField(max_length=50, choices=E.choices)
    volet = models.ForeignKey(
        "referentiel.Volet", on_delete=models.CASCADE, null=True, related_name="+"
    )
    depose_le = models.DateTimeField(null=True)  # the territory's list, newest first
    # The distinct transitions the dossier went through at least once (funnel stages).
    transitions = ArrayField(models.CharField(max_length=50), default=list)
    depot_recevabilite = models.IntegerField(null=True)
    recevabilite_conclusion = models.IntegerField(null=True)
    conclusion_decision = models.IntegerField(null=True)
    depot_decision = models.IntegerField(null=True)
    # Summed over the signatories (the only funders in the dashboards' territorial figures).
    demande = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    programme = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    mandate = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # "<niveau>:<id>" of every territory a commune of the dossier lies in (the rule of
    # docs/tableaux.md, Territories); GIN-indexed for the territory's list.
    territoires = ArrayField(models.CharField(max_length=40), default=list)
    # Execution, per signatory with money on the dossier (parallel arrays, by financeur id):
    # programmed, engaged, mandated (what `AgregatFinancement` holds), for the territories'
    # execution figures per volet × signatory.
    financeurs = ArrayField(models.IntegerField(), default=list)
    programmes = ArrayField(models.DecimalField(max_digits=14, decimal_places=2), default=list)
    engages = ArrayField(models.DecimalField(max_digits=14, decimal_places=2), default=list)
    mandates = ArrayField(models.DecimalField(max_digits=14, decimal_places=2), default=list)
    # "<financeur id>:<days>" of every payment mandated on the dossier: calendar days from the
    # request (demande de versement) to the payment order (registered by `execution`).
    versements = ArrayField(models.CharField(max_length=30), default=list)

    class Meta:
        verbose_name = "suivi d'un dossier"
        verbose_name_plural = "suivi des dossiers"
        indexes = [
            GinIndex(fields=["territoires"], name="suivi_territoires_gin"),
            models.Index(
                models.F("depose_le").desc(), models.F("dossier").desc(), name="suivi_depot_idx"
            ),
        ]

    def __str__(self):
        return str(self.dossier_id)


class TotalSuivi(models.Model):
    """`SuiviDossier` rows counted and summed per key: what the dashboards read.

    `section` says what is counted: `etat` (dossiers per current state), `transition`
    (dossiers that went through a transition), `delai` (`cle` = "<delay>:<days>", dossiers
    per number of days; `"versement:<financeur id>:<days>"` for payments), `territoire` (`cle` =
    "<niveau>:<id>", per volet and state, with the signatories' requested and programmed
    amounts), `execution` (the same key, per volet × state × `financeur`: programmed, engaged,
    mandated), `etape` (the same key, `etat` holding a transition's name: the territory's
    funnel), `repartition` (the same key, per state only: the signatories' requested,
    programmed, engaged and mandated amounts, what the pilotage dashboard's territorial
    breakdowns read). Moved by the difference between a
    dossier's new and old `SuiviDossier` row, in the same statement; a total back to zero may
    stay (it counts as absent).
    """

    section = models.CharField(max_length=20)
    cle = models.CharField(max_length=60)
    volet = models.IntegerField(default=0)  # 0: no volet, or not split by volet
    etat = models.CharField(max_length=50, default="")
    financeur = models.IntegerField(default=0)  # 0: not split by financeur
    dossiers = models.IntegerField(default=0)
    demande = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    programme = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    engage = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    mandate = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = "total du suivi des dossiers"
        verbose_name_plural = "totaux du suivi des dossiers"
        constraints = [
            models.UniqueConstraint(
                fields=["section", "cle", "volet", "etat", "financeur"],
                name="total_suivi_unique",
            ),
        ]
        indexes = [
            # The pilotage dashboard's funnel and delays (`_requete_totaux_du_suivi`): their
            # few hundred rows are spread over most of the table's pages (the rows of every
            # section are moved in turn); read from this index alone (an index-only scan).
            models.Index(
                fields=["section"],
                include=["cle", "etat", "dossiers"],
                condition=une_des_valeurs("section", ["etat", "transition", "delai"]),
                name="total_suivi_comptes_idx",
            ),
            # Its territorial breakdowns (`_requete_repartition`): summed per key in the
            # index's order, without reading the table either.
            models.Index(
                fields=["cle"],
                include=["etat", "dossiers", "demande", "programme", "engage", "mandate"],
                condition=models.Q(section="repartition"),
                name="total_suivi_repartition_idx",
            ),
            # A territory's summary, execution and funnel (`synthese_territoire`): its few
            # hundred rows from the index alone. These indexes' columns make an update of a
            # count no longer HOT: each moved row also writes its index entries.
            models.Index(
                fields=["cle"],
                include=[
                    "section",
                    "etat",
                    "volet",
                    "financeur",
                    "dossiers",
                    "demande",
                    "programme",
                    "engage",
                    "mandate",
                ],
                condition=une_des_valeurs("section", ["territoire", "execution", "etape"]),
                name="total_suivi_territoire_idx",
            ),
        ]

    def __str__(self):
        return f"{self.section} {self.cle} {self.volet} {self.etat}"

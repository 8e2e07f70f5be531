"""Reference data: territories from the official geographic code, the contract and its guichets."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from .enums import CategorieFinanceur, ChefLieu, NatureEpci, TypeGuichet

MONTANT = {"max_digits": 14, "decimal_places": 2}
POSITIF = [MinValueValidator(Decimal(0), "Le montant doit être positif ou nul.")]
ZERO = Decimal("0.00")


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    nom = models.CharField(max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["code"]

    def __str__(self):
        return self.nom


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    nom = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    chef_lieu = models.CharField("code INSEE du chef-lieu", max_length=5, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.nom} ({self.code})"

    def communes_du_territoire(self):
        return self.communes.all()


class Arrondissement(models.Model):
    code = models.CharField("code INSEE", max_length=4, unique=True)
    nom = models.CharField(max_length=100)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="arrondissements"
    )
    chef_lieu = models.CharField("code INSEE du chef-lieu", max_length=5, blank=True)
    type_chef_lieu = models.CharField(
        "chef-lieu", max_length=20, choices=ChefLieu.choices, default=ChefLieu.SOUS_PREFECTURE
    )

    class Meta:
        verbose_name = "arrondissement"
        ordering = ["code"]

    def __str__(self):
        return f"Arrondissement de {self.nom}"

    def communes_du_territoire(self):
        return self.communes.all()


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, unique=True)
    nom = models.CharField(max_length=200)
    nature = models.CharField(max_length=3, choices=NatureEpci.choices)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["nom"]

    def __str__(self):
        return self.nom

    def communes_du_territoire(self):
        return self.communes.all()


class CommuneQuerySet(models.QuerySet):
    def du_departement(self, departement):
        return self.filter(departement=departement)

    def de_l_arrondissement(self, arrondissement):
        return self.filter(arrondissement=arrondissement)

    def de_l_epci(self, epci):
        return self.filter(epci=epci)

    def du_pole(self, pole):
        return self.filter(epci__poles=pole)

    def du_territoire(self, territoire):
        """Communes of a département, arrondissement, EPCI or pôle métropolitain (one query)."""
        filtres = {
            Departement: self.du_departement,
            Arrondissement: self.de_l_arrondissement,
            Epci: self.de_l_epci,
            PoleMetropolitain: self.du_pole,
        }
        try:
            return filtres[type(territoire)](territoire)
        except KeyError:
            raise TypeError(f"Pas un territoire : {territoire!r}") from None


class Commune(models.Model):
    code_insee = models.CharField("code INSEE", max_length=5, unique=True)
    nom = models.CharField(max_length=150)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    arrondissement = models.ForeignKey(
        Arrondissement, on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, related_name="communes", null=True, blank=True
    )
    population = models.PositiveIntegerField(null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["nom", "code_insee"]
        indexes = [models.Index(fields=["nom"])]

    def __str__(self):
        return f"{self.nom} ({self.code_insee})"

    def poles(self):
        """Pôles métropolitains the commune belongs to through its EPCI (one query)."""
        if self.epci_id is None:
            return PoleMetropolitain.objects.none()
        return PoleMetropolitain.objects.filter(membres=self.epci_id)


class PoleMetropolitain(models.Model):
    nom = models.CharField(max_length=150, unique=True)
    membres = models.ManyToManyField(
        Epci, related_name="poles", blank=True, verbose_name="EPCI membres"
    )
    composition_a_verifier = models.BooleanField(
        "composition à vérifier",
        default=True,
        help_text="Composition reprise de sources publiques, à vérifier et à modifier si besoin.",
    )

    class Meta:
        verbose_name = "pôle métropolitain"
        verbose_name_plural = "pôles métropolitains"
        ordering = ["nom"]

    def __str__(self):
        return self.nom

    def communes_du_territoire(self):
        return Commune.objects.du_pole(self)


class Financeur(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    nom = models.CharField(max_length=150)
    categorie = models.CharField(max_length=20, choices=CategorieFinanceur.choices)
    signataire = models.BooleanField("signataire du contrat", default=False)
    public = models.BooleanField(
        "aide publique", default=True, help_text="Compte dans le taux d'aide publique."
    )
    montant_contractualise = models.DecimalField(
        "montant contractualisé (€)", **MONTANT, null=True, blank=True, validators=POSITIF
    )
    ordre = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = "financeur"
        ordering = ["ordre", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(signataire=False) | Q(montant_contractualise__isnull=False),
                name="financeur_signataire_a_un_montant",
            ),
            models.CheckConstraint(
                condition=Q(montant_contractualise__isnull=True) | Q(montant_contractualise__gte=0),
                name="financeur_montant_positif",
            ),
        ]

    def __str__(self):
        return self.nom


class Guichet(models.Model):
    """Where a dossier is filed: a préfecture, a sous-préfecture or the Conseil régional."""

    code = models.SlugField(max_length=40, unique=True)
    nom = models.CharField(max_length=150)
    type = models.CharField(max_length=20, choices=TypeGuichet.choices)
    arrondissement = models.OneToOneField(
        Arrondissement,
        on_delete=models.PROTECT,
        related_name="guichet",
        null=True,
        blank=True,
        help_text="Vide pour le Conseil régional, compétent partout.",
    )
    adresse = models.CharField("adresse postale", max_length=255)
    code_postal = models.CharField(max_length=5)
    ville = models.CharField(max_length=100)
    email = models.EmailField("adresse électronique")
    telephone = models.CharField("téléphone", max_length=20)
    groupe = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="guichet",
        null=True,
        blank=True,
        help_text="Groupe des agents du guichet.",
    )
    coordonnees_a_verifier = models.BooleanField(
        "coordonnées à vérifier",
        default=True,
        help_text="Les coordonnées figurent sur le récépissé : à vérifier par l'administrateur.",
    )

    class Meta:
        verbose_name = "guichet"
        ordering = ["type", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type=TypeGuichet.CONSEIL_REGIONAL, arrondissement__isnull=True)
                | (~Q(type=TypeGuichet.CONSEIL_REGIONAL) & Q(arrondissement__isnull=False)),
                name="guichet_arrondissement_selon_type",
            ),
        ]

    def __str__(self):
        return self.nom

    def save(self, *args, **kwargs):
        if self.groupe_id is None:
            self.groupe, _ = Group.objects.get_or_create(name=f"guichet:{self.code}")
        super().save(*args, **kwargs)


def guichets_proposes(arrondissements) -> tuple[list[Guichet], Guichet | None]:
    """Where a project on these arrondissements may be filed, and the guichet suggested (1 query).

    The one rule of « guichets proposés »: the sous-préfecture (or préfecture) of each
    arrondissement, in the order given, the first one suggested; the Conseil régional is always
    offered, last.
    """
    arrondissements = list(dict.fromkeys(a for a in arrondissements if a is not None))
    rang = {arrondissement: i for i, arrondissement in enumerate(arrondissements)}
    guichets = sorted(
        Guichet.objects.filter(
            Q(arrondissement__in=arrondissements) | Q(type=TypeGuichet.CONSEIL_REGIONAL)
        ),
        key=lambda g: (g.arrondissement_id is None, rang.get(g.arrondissement_id, 0), g.nom),
    )
    suggere = next(
        (g for g in guichets if arrondissements and g.arrondissement_id == arrondissements[0]),
        None,
    )
    return guichets, suggere


class Contrat(models.Model):
    intitule = models.CharField(max_length=200)
    date_signature = models.DateField()
    montant_total = models.DecimalField("montant contractualisé (€)", **MONTANT, validators=POSITIF)
    # The period the contract covers: the demands it receives are filed within it, or within
    # one of its extensions (`ProlongationContrat`).
    debut = models.DateField("début de la période du contrat", default=datetime.date(2015, 1, 1))
    fin = models.DateField("fin de la période du contrat", default=datetime.date(2020, 12, 31))

    class Meta:
        verbose_name = "contrat"
        constraints = [
            models.CheckConstraint(condition=Q(fin__gte=F("debut")), name="contrat_periode"),
        ]

    def __str__(self):
        return self.intitule


class Volet(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.PROTECT, related_name="volets")
    code = models.SlugField(max_length=40, unique=True)
    numero = models.PositiveSmallIntegerField()
    intitule = models.CharField(max_length=200)
    montant = models.DecimalField("montant du volet (€)", **MONTANT, validators=POSITIF)

    class Meta:
        verbose_name = "volet"
        ordering = ["numero"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "numero"], name="volet_numero_unique"),
            models.CheckConstraint(condition=Q(montant__gte=0), name="volet_montant_positif"),
        ]

    def __str__(self):
        return f"{self.numero}. {self.intitule}"


class EnveloppeQuerySet(models.QuerySet):
    def en_vigueur(self, le: datetime.date):
        """Annotate `montant_en_vigueur`: the amount of the latest avenant dated on or before `le`
        that revised the envelope, else its initial amount (one subquery, no row per avenant)."""
        revisions = RevisionEnveloppe.objects.filter(
            enveloppe=OuterRef("pk"), avenant__date__lte=le
        ).order_by("-avenant__date", "-avenant__numero")
        return self.annotate(
            montant_en_vigueur=Coalesce(
                Subquery(
                    revisions.values("montant")[:1], output_field=models.DecimalField(**MONTANT)
                ),
                F("montant"),
            )
        )

    def totaux_par_financeur(self):
        """{financeur_id: total} computed in the database."""
        lignes = self.values("financeur_id").annotate(total=Coalesce(Sum("montant"), ZERO))
        return {ligne["financeur_id"]: ligne["total"] for ligne in lignes.order_by()}

    def totaux_par_volet(self):
        """{volet_id: total} computed in the database."""
        lignes = self.values("volet_id").annotate(total=Coalesce(Sum("montant"), ZERO))
        return {ligne["volet_id"]: ligne["total"] for ligne in lignes.order_by()}


class Enveloppe(models.Model):
    """The amount a signatory commits to a volet in the signed contract.

    Avenants revise it (`RevisionEnveloppe`); what is in force at a date is
    `Enveloppe.objects.en_vigueur(date)`, never `montant` alone.
    """

    volet = models.ForeignKey(Volet, on_delete=models.PROTECT, related_name="enveloppes")
    financeur = models.ForeignKey(Financeur, on_delete=models.PROTECT, related_name="enveloppes")
    montant = models.DecimalField(
        "montant initial (€)",
        **MONTANT,
        validators=POSITIF,
        help_text="Montant du contrat signé ; les avenants le révisent sans l'effacer.",
    )
    illustratif = models.BooleanField(
        default=True,
        help_text="La répartition par signataire n'est pas publique : montant illustratif.",
    )

    objects = EnveloppeQuerySet.as_manager()

    class Meta:
        verbose_name = "enveloppe"
        ordering = ["volet__numero", "financeur__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["volet", "financeur"], name="enveloppe_unique"),
            models.CheckConstraint(condition=Q(montant__gte=Decimal(0)), name="enveloppe_positive"),
        ]

    def __str__(self):
        return f"{self.volet} — {self.financeur}"


class AvenantContrat(models.Model):
    """An amendment to the contract, voted by the signatories, that revises envelopes."""

    contrat = models.ForeignKey(Contrat, on_delete=models.PROTECT, related_name="avenants")
    numero = models.PositiveSmallIntegerField("numéro")
    date = models.DateField("en vigueur le", help_text="Date de signature de l'avenant.")
    objet = models.CharField(max_length=300)
    illustratif = models.BooleanField(
        default=True,
        help_text="Montants révisés par signataire non publics : montants illustratifs.",
    )

    class Meta:
        verbose_name = "avenant au contrat"
        verbose_name_plural = "avenants au contrat"
        ordering = ["contrat", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "numero"], name="avenant_numero_unique"),
            models.CheckConstraint(condition=Q(numero__gte=1), name="avenant_numero_positif"),
        ]

    def __str__(self):
        return f"Avenant n° {self.numero} du {self.date:%d/%m/%Y}"


class RevisionEnveloppe(models.Model):
    """The amount of one envelope from an avenant on; envelopes it does not name keep theirs."""

    avenant = models.ForeignKey(AvenantContrat, on_delete=models.CASCADE, related_name="revisions")
    enveloppe = models.ForeignKey(Enveloppe, on_delete=models.PROTECT, related_name="revisions")
    montant = models.DecimalField("nouveau montant (€)", **MONTANT, validators=POSITIF)

    class Meta:
        verbose_name = "révision d'enveloppe"
        verbose_name_plural = "révisions d'enveloppes"
        ordering = ["avenant__numero", "enveloppe__volet__numero", "enveloppe__financeur__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["avenant", "enveloppe"], name="revision_unique"),
            models.CheckConstraint(condition=Q(montant__gte=Decimal(0)), name="revision_positive"),
        ]

    def __str__(self):
        return f"{self.avenant} — {self.enveloppe}"


class ProlongationContrat(models.Model):
    """An extension of the contract's period, for the whole contract or one volet (e.g. the
    mobility volet extended to 2022): demands may still be filed until `jusqu_au`."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="prolongations")
    volet = models.ForeignKey(
        Volet,
        on_delete=models.CASCADE,
        related_name="prolongations",
        null=True,
        blank=True,
        help_text="Vide : tout le contrat est prolongé.",
    )
    jusqu_au = models.DateField("prolongé jusqu'au")
    objet = models.CharField(max_length=300)
    illustratif = models.BooleanField(
        default=False, help_text="Prolongation de démonstration, qui n'existe pas."
    )

    class Meta:
        verbose_name = "prolongation du contrat"
        verbose_name_plural = "prolongations du contrat"
        ordering = ["contrat", "jusqu_au", "pk"]

    def __str__(self):
        cible = f"volet {self.volet}" if self.volet_id else "tout le contrat"
        return f"Prolongation ({cible}) jusqu'au {self.jusqu_au:%d/%m/%Y}"

"""What the API shows of each object: read-only projections of the screens' reads.

Money is a decimal string in euros (`"40000.00"`), never a float; dates are ISO 8601.
"""

from decimal import Decimal

from rest_framework import serializers

from cper.forms import CaracteresAutorises
from dossiers.enums import EtatDossier
from dossiers.models import Dossier
from execution.enums import EtatDemande, TypeVersement

MONTANT = {"max_digits": 16, "decimal_places": 2, "read_only": True}


class VoletSerializer(serializers.Serializer):
    numero = serializers.IntegerField()
    intitule = serializers.CharField()


class StructureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    raison_sociale = serializers.CharField()
    siret = serializers.CharField()


class GuichetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nom = serializers.CharField()


class CommuneSerializer(serializers.Serializer):
    code_insee = serializers.CharField()
    nom = serializers.CharField()


class DossierResumeSerializer(serializers.ModelSerializer):
    """A row of the list: who, what, where it stands."""

    etat_libelle = serializers.CharField(source="get_etat_display", read_only=True)
    volet = VoletSerializer(read_only=True, allow_null=True)
    structure = StructureSerializer(read_only=True)
    guichet = GuichetSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Dossier
        fields = [
            "id",
            "numero",
            "intitule",
            "etat",
            "etat_libelle",
            "volet",
            "structure",
            "guichet",
            "depose_le",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DepenseSerializer(serializers.Serializer):
    nature = serializers.CharField()
    libelle = serializers.CharField()
    montant_ht = serializers.DecimalField(**MONTANT)
    montant_ttc = serializers.DecimalField(**MONTANT)


class FinanceurSerializer(serializers.Serializer):
    code = serializers.CharField()
    nom = serializers.CharField()


class FinancementSerializer(serializers.Serializer):
    financeur = FinanceurSerializer()
    precision = serializers.CharField()
    montant_demande = serializers.DecimalField(**MONTANT)


class PlanFinancementSerializer(serializers.Serializer):
    depenses_ht = serializers.DecimalField(**MONTANT)
    depenses_ttc = serializers.DecimalField(**MONTANT)
    cout_eligible = serializers.DecimalField(**MONTANT)
    total_financement = serializers.DecimalField(**MONTANT)
    aide_publique = serializers.DecimalField(**MONTANT)
    ecart_financement = serializers.DecimalField(**MONTANT)
    depenses = DepenseSerializer(many=True)
    financements = FinancementSerializer(many=True)


class DossierSerializer(DossierResumeSerializer):
    """One dossier with its location and financing plan."""

    communes = CommuneSerializer(many=True, read_only=True)
    plan_financement = serializers.SerializerMethodField()

    class Meta(DossierResumeSerializer.Meta):
        fields = [
            *DossierResumeSerializer.Meta.fields,
            "resume",
            "description",
            "date_debut",
            "date_fin",
            "tva_recuperable",
            "communes",
            "plan_financement",
        ]
        read_only_fields = fields

    def get_plan_financement(self, dossier) -> PlanFinancementSerializer:
        return PlanFinancementSerializer(
            {
                "depenses_ht": dossier.depenses_ht,
                "depenses_ttc": dossier.depenses_ttc,
                "cout_eligible": dossier.cout_eligible,
                "total_financement": dossier.total_financement,
                "aide_publique": dossier.aide_publique,
                "ecart_financement": dossier.ecart_financement,
                "depenses": dossier.depenses.all(),
                "financements": dossier.financements.all(),
            }
        ).data


class NomsDesCommunes(serializers.ListField):
    child = serializers.CharField()

    def to_representation(self, communes):
        return [commune.nom for commune in communes.all()]


class DossierPublicSerializer(serializers.Serializer):
    """The concertation's view: public fields and amounts, no person's data, no pieces."""

    id = serializers.IntegerField(source="pk")
    numero = serializers.CharField()
    intitule = serializers.CharField()
    etat = serializers.ChoiceField(choices=EtatDossier.choices)
    etat_libelle = serializers.CharField(source="get_etat_display")
    volet = VoletSerializer(allow_null=True)
    structure = serializers.CharField(source="structure.raison_sociale")
    depose_le = serializers.DateTimeField()
    communes = NomsDesCommunes(help_text="Noms des communes, comme l'écran du territoire.")
    montant_demande = serializers.DecimalField(source="demande", **MONTANT)
    montant_programme = serializers.DecimalField(source="programme", **MONTANT)


class EvenementSerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    titre = serializers.CharField()
    par = serializers.CharField(help_text="Vide, ou « l'administration » pour le porteur.")
    commentaire = serializers.CharField()


class MontantSerializer(serializers.Serializer):
    financeur = FinanceurSerializer()
    montant = serializers.DecimalField(**MONTANT)


class AvisSerializer(serializers.Serializer):
    cote = serializers.CharField()
    cote_libelle = serializers.CharField(source="get_cote_display")
    sens = serializers.CharField()
    sens_libelle = serializers.CharField(source="get_sens_display")
    motivation = serializers.CharField()
    donne_par = serializers.CharField(source="donne_par.get_full_name")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    montants = MontantSerializer(many=True, help_text="Montants proposés par financeur.")


class DecisionSerializer(serializers.Serializer):
    seance = serializers.DateTimeField(source="seance.date", help_text="Date de la séance.")
    sens = serializers.CharField(source="decision.sens")
    sens_libelle = serializers.CharField(source="decision.get_sens_display")
    motif = serializers.CharField(source="decision.motif")
    montants = MontantSerializer(
        many=True, source="decision.montants.all", help_text="Montants programmés par financeur."
    )


class CelluleSerializer(serializers.Serializer):
    enveloppe = serializers.DecimalField(**MONTANT)
    demande = serializers.DecimalField(**MONTANT)
    propose = serializers.DecimalField(**MONTANT)
    programme = serializers.DecimalField(**MONTANT)
    taux_programmation = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text="En pour cent."
    )
    reste = serializers.DecimalField(**MONTANT)


class LigneMaquetteSerializer(serializers.Serializer):
    volet = VoletSerializer()
    cellules = CelluleSerializer(many=True, help_text="Une par signataire, dans l'ordre.")
    total = CelluleSerializer()


class MaquetteSerializer(serializers.Serializer):
    financeurs = FinanceurSerializer(many=True)
    lignes = LigneMaquetteSerializer(many=True)
    totaux_financeurs = CelluleSerializer(many=True)
    total = CelluleSerializer()
    alertes = serializers.ListField(child=serializers.CharField())


class FiltresDossiersSerializer(serializers.Serializer):
    """Query parameters of the list; each filter is applied in the database."""

    etat = serializers.ChoiceField(choices=EtatDossier.choices, required=False)
    volet = serializers.IntegerField(min_value=1, required=False, help_text="Numéro du volet.")
    guichet = serializers.IntegerField(min_value=1, required=False, help_text="Identifiant.")
    commune = serializers.RegexField(r"^\d[0-9AB]\d{3}$", required=False, help_text="Code INSEE.")
    epci = serializers.RegexField(r"^\d{9}$", required=False, help_text="SIREN de l'EPCI.")
    departement = serializers.RegexField(r"^\d[0-9AB]$", required=False, help_text="Code.")
    depose_depuis = serializers.DateField(required=False, help_text="Déposé ce jour ou après.")
    depose_jusqu_au = serializers.DateField(required=False, help_text="Déposé ce jour ou avant.")

    def validate(self, donnees):
        debut, fin = donnees.get("depose_depuis"), donnees.get("depose_jusqu_au")
        if debut and fin and debut > fin:
            raise serializers.ValidationError(
                {"depose_jusqu_au": "La date de fin précède la date de début."}
            )
        return donnees


class BrouillonSerializer(serializers.Serializer):
    """A porteur's tool starts a draft; the rest is filled in on the site."""

    structure = serializers.IntegerField(min_value=1, help_text="Identifiant de votre structure.")
    intitule = serializers.CharField(max_length=255, validators=[CaracteresAutorises()])


class DetailErreurSerializer(serializers.Serializer):
    statut = serializers.IntegerField()
    code = serializers.CharField(help_text="Stable, pour les programmes : `introuvable`, …")
    message = serializers.CharField(help_text="En français, pour les personnes.")
    champs = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Erreurs de validation seulement : champ → messages.",
    )


class ErreurSerializer(serializers.Serializer):
    """The one shape of every error of the API."""

    erreur = DetailErreurSerializer()


# --- Execution: acts and payments -----------------------------------------------------------


class VersementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    type_libelle = serializers.CharField(source="get_type_display")
    etat = serializers.CharField()
    etat_libelle = serializers.CharField(source="get_etat_display")
    deposee_le = serializers.DateTimeField()
    montant_demande = serializers.DecimalField(**MONTANT)
    montant_accepte = serializers.DecimalField(**MONTANT, allow_null=True)
    montant_mandate = serializers.DecimalField(**MONTANT, allow_null=True)
    mandate_le = serializers.DateField(allow_null=True)


class VersementDansLaFileSerializer(VersementSerializer):
    """A payment request in the financeur's queue, with its act and dossier."""

    financeur = FinanceurSerializer(source="acte.financeur")
    acte = serializers.IntegerField(source="acte_id")
    dossier = serializers.IntegerField(source="acte.dossier_id")
    numero_dossier = serializers.CharField(source="acte.dossier.numero")


class ReversementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    montant = serializers.DecimalField(**MONTANT)
    motif = serializers.CharField()
    etat = serializers.CharField()
    emis_le = serializers.DateField()
    recouvre_le = serializers.DateField(allow_null=True)


class ActeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    financeur = FinanceurSerializer()
    version = serializers.IntegerField()
    type = serializers.CharField()
    type_libelle = serializers.CharField(source="get_type_display")
    etat = serializers.CharField()
    numero = serializers.CharField()
    objet = serializers.CharField()
    assiette = serializers.DecimalField(**MONTANT)
    montant = serializers.DecimalField(**MONTANT)
    montant_engage = serializers.DecimalField(**MONTANT, allow_null=True)
    signe_le = serializers.DateField(allow_null=True)
    notifie_le = serializers.DateField(allow_null=True)
    date_limite_commencement = serializers.DateField(allow_null=True)
    date_limite_achevement = serializers.DateField(allow_null=True)
    solde_le = serializers.DateField(allow_null=True)
    versements = VersementSerializer(many=True, source="demandes.all")
    reversements = ReversementSerializer(many=True, source="reversements.all")


class MandatementSerializer(serializers.Serializer):
    """An agent of the financeur records the payment order of an accepted request."""

    mandate_le = serializers.DateField(help_text="Date du mandat de paiement.")
    montant = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        help_text="Absent : le montant accepté.",
    )


class FiltresVersementsSerializer(serializers.Serializer):
    etat = serializers.ChoiceField(
        choices=EtatDemande.choices,
        required=False,
        help_text="Absent : les demandes déposées et acceptées (à traiter, à mandater).",
    )
    type = serializers.ChoiceField(choices=TypeVersement.choices, required=False)

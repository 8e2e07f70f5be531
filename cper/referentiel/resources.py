"""CSV and XLSX import/export of the reference data an administrator maintains.

Every import is all or nothing: a missing column, an unknown code, a bad amount or a key given
twice makes the whole file fail, with the reason in French next to the row.
"""

from decimal import Decimal, InvalidOperation

from diff_match_patch import diff_match_patch
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from import_export import fields, resources, widgets

from .models import Arrondissement, Contrat, Enveloppe, Epci, Financeur, Guichet, PoleMetropolitain
from .models import Volet as VoletModel


class MontantWidget(widgets.DecimalWidget):
    """An amount in euros ("1 234,50", "1234.5", a spreadsheet number); negatives refused."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        texte = str(value).replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        try:
            montant = Decimal(texte.replace(",", "."))
        except InvalidOperation:
            raise ValueError(f"« {value} » n'est pas un montant valide.") from None
        if not montant.is_finite():
            raise ValueError(f"« {value} » n'est pas un montant valide.")
        if montant < 0:
            raise ValueError(f"Le montant doit être positif ou nul (« {value} »).")
        return montant.quantize(Decimal("0.01"))


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key given by its code; an unknown code is an error that names it."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            nom = self.model._meta.verbose_name
            raise ValueError(f"{nom.capitalize()} inconnu(e) : « {value} ».") from None


class CodesWidget(widgets.ManyToManyWidget):
    """Members given by their codes separated by "|"; an unknown code is an error."""

    def clean(self, value, row=None, **kwargs):
        if not value:
            return self.model.objects.none()
        codes = [code.strip() for code in str(value).split(self.separator) if code.strip()]
        trouves = self.model.objects.filter(**{f"{self.field}__in": codes})
        inconnus = sorted(set(codes) - {getattr(o, self.field) for o in trouves})
        if inconnus:
            nom = self.model._meta.verbose_name
            raise ValueError(f"{nom} inconnu(s) : {', '.join(inconnus)}.")
        return trouves


class BooleenWidget(widgets.BooleanWidget):
    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "oui", "Oui", "OUI", "vrai", "VRAI"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "non", "Non", "NON", "faux", "FAUX"]


class DiffSansStyle(resources.Diff):
    """The preview's diff as plain <ins>/<del>: the library's inline styles break our CSP."""

    BALISES = {
        diff_match_patch.DIFF_INSERT: "<ins>{}</ins>",
        diff_match_patch.DIFF_DELETE: "<del>{}</del>",
        diff_match_patch.DIFF_EQUAL: "<span>{}</span>",
    }

    def as_html(self):
        dmp = diff_match_patch()
        colonnes = []
        for avant, apres in zip(self.left, self.right, strict=False):
            if avant != apres and self.new:
                avant = ""
            morceaux = dmp.diff_main(force_str(avant), force_str(apres))
            dmp.diff_cleanupSemantic(morceaux)
            html = "".join(self.BALISES[op].format(escape(texte)) for op, texte in morceaux)
            colonnes.append(mark_safe(html))  # noqa: S308 - every piece is escaped above
        return colonnes


class ReferentielResource(resources.ModelResource):
    """Common rules: transactions, full validation, every column present, every key once."""

    class Meta:
        use_transactions = True
        skip_diff = False
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_diff_class(self):
        return DiffSansStyle

    def colonnes_manquantes(self, dataset):
        presentes = {str(entete).strip() for entete in dataset.headers or []}
        return [
            champ.column_name
            for champ in self.get_import_fields()
            if champ.attribute and champ.column_name not in presentes
        ]

    def import_data(self, dataset, *args, rollback_on_validation_errors=True, **kwargs):
        manquantes = self.colonnes_manquantes(dataset)
        if manquantes:
            resultat = self.get_result_class()()
            resultat.diff_headers = self.get_diff_headers()
            resultat.total_rows = len(dataset)
            attendues = ", ".join(c.column_name for c in self.get_import_fields())
            self.handle_import_error(
                resultat,
                ValueError(
                    f"Colonne(s) manquante(s) : {', '.join(manquantes)}. "
                    f"Colonnes attendues : {attendues}. Rien n'a été importé."
                ),
                kwargs.get("raise_errors", False),
            )
            return resultat
        # A file with one invalid row imports nothing, not only a file with one crashing row.
        return super().import_data(dataset, *args, rollback_on_validation_errors=True, **kwargs)

    def before_import(self, dataset, **kwargs):
        self._lignes_par_cle = {}

    def before_import_row(self, row, row_number=None, **kwargs):
        colonnes = [self.fields[nom].column_name for nom in self.get_import_id_fields()]
        cle = tuple(str(row.get(colonne, "")).strip() for colonne in colonnes)
        if cle in self._lignes_par_cle:
            raise ValueError(
                f"Doublon : {' / '.join(cle)} figure déjà à la ligne "
                f"{self._lignes_par_cle[cle]} du fichier."
            )
        self._lignes_par_cle[cle] = row_number


class FinanceurResource(ReferentielResource):
    montant_contractualise = fields.Field(
        attribute="montant_contractualise",
        column_name="montant_contractualise",
        widget=MontantWidget(),
    )
    signataire = fields.Field(
        attribute="signataire", column_name="signataire", widget=BooleenWidget()
    )
    public = fields.Field(attribute="public", column_name="public", widget=BooleenWidget())

    class Meta(ReferentielResource.Meta):
        model = Financeur
        import_id_fields = ["code"]
        fields = [
            "code",
            "nom",
            "categorie",
            "signataire",
            "public",
            "montant_contractualise",
            "ordre",
        ]


class GuichetResource(ReferentielResource):
    arrondissement = fields.Field(
        attribute="arrondissement",
        column_name="arrondissement",
        widget=CodeWidget(Arrondissement, field="code"),
    )
    coordonnees_a_verifier = fields.Field(
        attribute="coordonnees_a_verifier",
        column_name="coordonnees_a_verifier",
        widget=BooleenWidget(),
    )

    class Meta(ReferentielResource.Meta):
        model = Guichet
        import_id_fields = ["code"]
        fields = [
            "code",
            "nom",
            "type",
            "arrondissement",
            "adresse",
            "code_postal",
            "ville",
            "email",
            "telephone",
            "coordonnees_a_verifier",
        ]


class VoletResource(ReferentielResource):
    montant = fields.Field(attribute="montant", column_name="montant", widget=MontantWidget())

    class Meta(ReferentielResource.Meta):
        model = VoletModel
        import_id_fields = ["code"]
        fields = ["code", "numero", "intitule", "montant"]

    def after_init_instance(self, instance, new, row, **kwargs):
        if new and instance.contrat_id is None:
            # There is one contract; a new volet belongs to it.
            contrat = Contrat.objects.order_by("pk").first()
            if contrat is None:
                raise ValueError("Aucun contrat : chargez d'abord le référentiel.")
            instance.contrat = contrat


class EnveloppeResource(ReferentielResource):
    volet = fields.Field(
        attribute="volet", column_name="volet", widget=CodeWidget(VoletModel, field="code")
    )
    financeur = fields.Field(
        attribute="financeur", column_name="financeur", widget=CodeWidget(Financeur, field="code")
    )
    montant = fields.Field(attribute="montant", column_name="montant", widget=MontantWidget())
    illustratif = fields.Field(
        attribute="illustratif", column_name="illustratif", widget=BooleenWidget()
    )

    class Meta(ReferentielResource.Meta):
        model = Enveloppe
        import_id_fields = ["volet", "financeur"]
        fields = ["volet", "financeur", "montant", "illustratif"]


class PoleMetropolitainResource(ReferentielResource):
    membres = fields.Field(
        attribute="membres",
        column_name="membres",
        widget=CodesWidget(Epci, field="siren", separator="|"),
    )
    composition_a_verifier = fields.Field(
        attribute="composition_a_verifier",
        column_name="composition_a_verifier",
        widget=BooleenWidget(),
    )

    class Meta(ReferentielResource.Meta):
        model = PoleMetropolitain
        import_id_fields = ["nom"]
        fields = ["nom", "membres", "composition_a_verifier"]

    def before_import_row(self, row, row_number=None, **kwargs):
        super().before_import_row(row, row_number=row_number, **kwargs)
        # Members are saved after the row; check them first so the row reads as invalid.
        self.fields["membres"].widget.clean(row.get("membres"))

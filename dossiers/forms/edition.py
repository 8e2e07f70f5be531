"""The dossier form, section by section. Every field may stay empty (a draft is saved as it is);
what is typed must make sense, and each error says so in French next to its field."""

from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from cper.forms import MONTANT_ERREURS, CperForm, CperModelForm, MontantField
from cper.referentiel.models import Financeur, Volet
from dossiers.enums import NatureDepense
from dossiers.models import Dossier, LigneDepense, LigneFinancement, Structure

DATE_ERREURS = {"invalid": "Saisissez une date valide, par exemple 15/03/2016."}


def _montant(label, *, requis, min_value=Decimal("0"), message_min=None, help_text=""):
    erreurs = {
        **MONTANT_ERREURS,
        "required": requis,
        "min_value": message_min or "Un montant ne peut pas être négatif.",
    }
    return MontantField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=min_value,
        localize=True,
        error_messages=erreurs,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class CreerDossierForm(CperForm):
    structure = forms.ModelChoiceField(
        label="Structure porteuse",
        queryset=Structure.objects.none(),
        empty_label="Choisissez la structure",
        error_messages={
            "required": "Choisissez la structure qui porte le projet.",
            "invalid_choice": "Choisissez une de vos structures.",
        },
    )
    intitule = forms.CharField(
        label="Intitulé du projet",
        max_length=255,
        error_messages={"required": "Donnez un intitulé au projet."},
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class IdentiteForm(CperModelForm):
    class Meta:
        model = Dossier
        fields = ["intitule", "resume", "description", "volet"]
        labels = {"intitule": "Intitulé du projet", "volet": "Volet du contrat"}
        help_texts = {
            "resume": "Quelques lignes : ce qui sera fait, où, pour qui.",
            "description": "Le contenu du projet, ses objectifs et ses résultats attendus.",
        }
        widgets = {
            "resume": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "intitule": {"required": "Le projet doit garder un intitulé."},
            "volet": {"invalid_choice": "Choisissez un volet de la liste."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volet"].queryset = Volet.objects.order_by("numero")
        self.fields["volet"].empty_label = "Choisissez le volet"


class CalendrierForm(CperModelForm):
    class Meta:
        model = Dossier
        fields = ["date_debut", "date_fin"]
        labels = {"date_debut": "Début prévu des travaux", "date_fin": "Fin prévue"}
        help_texts = {"date_debut": "Format : jj/mm/aaaa", "date_fin": "Format : jj/mm/aaaa"}
        widgets = {
            "date_debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {"date_debut": DATE_ERREURS, "date_fin": DATE_ERREURS}

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        if debut and fin and fin < debut:
            self.add_error(
                "date_fin",
                f"La fin prévue ({fin:%d/%m/%Y}) ne peut pas précéder le début ({debut:%d/%m/%Y}).",
            )
        return donnees


class TvaForm(CperModelForm):
    tva_recuperable = forms.TypedChoiceField(
        label="Récupérez-vous la TVA sur ces dépenses ?",
        help_text="Si oui, le coût éligible est calculé hors taxes (HT), sinon toutes taxes "
        "comprises (TTC).",
        choices=[("", "Je ne sais pas encore"), ("oui", "Oui"), ("non", "Non")],
        coerce=lambda v: v == "oui",
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Dossier
        fields = ["tva_recuperable"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        valeur = self.instance.tva_recuperable
        self.initial["tva_recuperable"] = {True: "oui", False: "non"}.get(valeur, "")


class LigneDepenseForm(CperModelForm):
    montant_ht = _montant("Montant HT (€)", requis="Indiquez le montant hors taxes.")
    montant_ttc = _montant("Montant TTC (€)", requis="Indiquez le montant toutes taxes comprises.")

    class Meta:
        model = LigneDepense
        fields = ["nature", "libelle", "montant_ht", "montant_ttc"]
        labels = {"nature": "Nature de la dépense", "libelle": "Libellé"}
        error_messages = {
            "nature": {"required": "Choisissez la nature de la dépense."},
            "libelle": {"required": "Décrivez la dépense en quelques mots."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nature"].choices = [("", "Choisissez la nature"), *NatureDepense.choices]

    def clean(self):
        donnees = super().clean()
        ht, ttc = donnees.get("montant_ht"), donnees.get("montant_ttc")
        if ht is not None and ttc is not None and ttc < ht:
            self.add_error(
                "montant_ttc",
                "Le montant TTC ne peut pas être inférieur au montant HT (la TVA s'y ajoute).",
            )
        return donnees


class LigneFinancementForm(CperModelForm):
    montant_demande = _montant(
        "Montant demandé (€)",
        requis="Indiquez le montant demandé à ce financeur.",
        min_value=Decimal("0.01"),
        message_min="Le montant demandé doit être supérieur à zéro.",
    )

    class Meta:
        model = LigneFinancement
        fields = ["financeur", "precision", "montant_demande"]
        labels = {"financeur": "Financeur", "precision": "Précision"}
        error_messages = {
            "financeur": {
                "required": "Choisissez le financeur.",
                "invalid_choice": "Choisissez un financeur de la liste.",
            },
        }


class _LignesFormSet(BaseInlineFormSet):
    """Lines of one dossier; the choice lists are read once for the whole formset."""

    choix_partages: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = self.queryset.order_by("pk")

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Supprimer cette ligne"
        for nom, choix in self.choix_partages.items():
            form.fields[nom].choices = choix


def _formset(form):
    return inlineformset_factory(
        Dossier,
        form.Meta.model,
        form=form,
        formset=_LignesFormSet,
        extra=1,
        can_delete=True,
        max_num=200,
        validate_max=True,
    )


LignesDepenseFormSet = _formset(LigneDepenseForm)
LignesFinancementFormSet = _formset(LigneFinancementForm)


def lignes_financement_formset(*args, **kwargs):
    """The financing formset with the financeurs read in one query, shared by all lines."""
    financeurs = [("", "Choisissez le financeur")] + [
        (f.pk, f.nom) for f in Financeur.objects.order_by("ordre", "nom")
    ]
    formset_class = type(
        "LignesFinancement",
        (LignesFinancementFormSet,),
        {"choix_partages": {"financeur": financeurs}},
    )
    return formset_class(*args, **kwargs)


class RechercheCommuneForm(CperForm):
    q = forms.CharField(
        label="Rechercher une commune",
        help_text="Nom ou code INSEE, au moins deux caractères.",
        min_length=2,
        max_length=100,
        required=True,
        error_messages={
            "required": "Tapez au moins deux lettres du nom de la commune.",
            "min_length": "Tapez au moins deux lettres du nom de la commune.",
        },
    )

    def __init__(self, *args, url_suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        # The combobox pattern (WAI-ARIA APG); without JS the field is a plain search box.
        self.fields["q"].widget.attrs.update(
            {
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": "communes-suggestions",
                "autocomplete": "off",
                "hx-get": url_suggestions,
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#communes-suggestions",
                "hx-sync": "this:replace",
            }
        )

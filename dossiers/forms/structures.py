import re

from django import forms
from stdnum.fr import siret as stdnum_siret

from cper.forms import CperForm, CperModelForm
from cper.referentiel.models import Commune
from dossiers.models import Structure

_CODE_ENTRE_PARENTHESES = re.compile(r"\((\d[\dAB]\d{3})\)\s*$")


class CommuneParNomField(forms.CharField):
    """A commune typed by name or INSEE code; homonyms ask for the code, in words."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 160)
        kwargs.setdefault(
            "help_text",
            "Nom de la commune ou son code INSEE, par exemple « Douai » ou « 59178 ».",
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            value = Commune.objects.filter(pk=value).first()
        if isinstance(value, Commune):
            return f"{value.nom} ({value.code_insee})"
        return value

    def clean(self, value):
        texte = super().clean(value)
        if not texte:
            return None
        code = _CODE_ENTRE_PARENTHESES.search(texte)
        if code or re.fullmatch(r"\d[\dAB]\d{3}", texte):
            code_insee = code.group(1) if code else texte
            commune = Commune.objects.filter(code_insee=code_insee).first()
            if commune is None:
                raise forms.ValidationError(
                    f"Aucune commune ne porte le code INSEE {code_insee}.", code="inconnue"
                )
            return commune
        communes = list(Commune.objects.filter(nom__iexact=texte).order_by("code_insee")[:6])
        if not communes:
            raise forms.ValidationError(
                f"Aucune commune ne s'appelle « {texte} ». Vérifiez l'orthographe (tirets "
                "compris) ou indiquez le code INSEE.",
                code="inconnue",
            )
        if len(communes) > 1:
            choix = ", ".join(f"{c.nom} ({c.code_insee})" for c in communes)
            raise forms.ValidationError(
                f"Plusieurs communes s'appellent « {texte} » : indiquez le code INSEE ({choix}).",
                code="homonymes",
            )
        return communes[0]


class StructureForm(CperModelForm):
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        help_text="14 chiffres, espaces permis. Le SIREN (9 premiers chiffres) en est déduit.",
        error_messages={
            # The view turns this error into a request to join the structure.
            "unique": "Une structure avec ce SIRET existe déjà sur le service.",
        },
    )
    commune = CommuneParNomField(label="Commune du siège")

    class Meta:
        model = Structure
        fields = [
            "raison_sociale",
            "siret",
            "categorie",
            "adresse",
            "commune",
            "representant_nom",
            "representant_qualite",
        ]
        labels = {"raison_sociale": "Raison sociale", "adresse": "Adresse du siège"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = [
            ("", "Choisissez une catégorie"),
            *Structure._meta.get_field("categorie").choices,
        ]
        if self.instance.pk:
            # The SIRET identifies the structure (and its group): it is not edited here.
            del self.fields["siret"]

    def clean_siret(self):
        return stdnum_siret.compact(self.cleaned_data["siret"] or "")


class InvitationForm(CperForm):
    email = forms.EmailField(
        label="Adresse électronique de la personne invitée",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    administrateur = forms.BooleanField(
        label="Elle pourra à son tour inviter des collègues",
        required=False,
    )

    def __init__(self, *args, structure, **kwargs):
        self.structure = structure
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if self.structure.adhesions.filter(user__email__iexact=email).exists():
            raise forms.ValidationError("Cette personne est déjà membre de la structure.")
        return email

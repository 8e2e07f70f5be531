import datetime
from html import escape

from django import forms
from django.utils.safestring import mark_safe

from cper.forms import CperForm
from cper.referentiel.models import Volet
from dossiers.enums import EtatDossier


class ObservationForm(CperForm):
    texte = forms.CharField(
        label="Votre observation",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "Visible des membres de l'instance de concertation dont le territoire couvre "
            "le dossier."
        ),
    )


def _attributs(attrs: dict) -> str:
    """HTML attributes as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {escape(str(nom))}" if valeur is True else f' {escape(str(nom))}="{escape(str(valeur))}"'
        for nom, valeur in attrs.items()
        if valeur is not False
    )


class ListeDeroulante(forms.Select):
    """A select written in Python, the same markup as Django's templates: a template per
    option was most of the dashboard's filter form."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for groupe, choix, _index in widget["optgroups"]:
            lignes = "".join(
                f'\n  <option value="{escape(str(option["value"]))}"'
                f"{_attributs(option['attrs'])}>{escape(str(option['label']))}</option>\n"
                for option in choix
            )
            options.append(
                f'\n  <optgroup label="{escape(str(groupe))}">{lignes}\n  </optgroup>'
                if groupe
                else lignes
            )
        return mark_safe(  # noqa: S308 - every value escaped
            f'<select name="{escape(widget["name"])}"{_attributs(widget["attrs"])}>'
            f"{''.join(options)}\n</select>"
        )


class FiltresTerritoireForm(CperForm):
    etat = forms.ChoiceField(
        label="État",
        required=False,
        choices=[("", "Tous"), *EtatDossier.choices[1:]],
        widget=ListeDeroulante,
    )
    volet = forms.ModelChoiceField(
        label="Volet",
        required=False,
        queryset=Volet.objects.all(),
        empty_label="Tous",
        widget=ListeDeroulante,
    )


class DateEnveloppesForm(CperForm):
    """The day whose envelopes (contract as revised by the avenants) the maquette shows."""

    le = forms.DateField(
        label="Enveloppes en vigueur le",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Par défaut, aujourd'hui. Format : jj/mm/aaaa.",
        error_messages={"invalid": "Saisissez une date valide, par exemple 17/03/2017."},
    )

    def clean_le(self):
        le = self.cleaned_data["le"]
        if le is not None and not (datetime.date(1900, 1, 1) <= le <= datetime.date(2100, 12, 31)):
            raise forms.ValidationError("Saisissez une date entre 1900 et 2100.")
        return le


def date_des_enveloppes(donnees) -> tuple[DateEnveloppesForm, datetime.date | None]:
    """The form bound to the query string and the date it gives (None: today)."""
    formulaire = DateEnveloppesForm(donnees if "le" in donnees else None)
    if formulaire.is_bound and formulaire.is_valid():
        return formulaire, formulaire.cleaned_data["le"]
    return formulaire, None

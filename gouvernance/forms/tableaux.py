import datetime
from functools import cached_property

from django import forms
from django.utils.safestring import SafeString

from cper.forms import RENDU_DSFR_RAPIDE, ChoixModeleField, CperForm, groupes_rendus
from cper.referentiel.models import Volet
from cper.referentiel.selectors import VOLETS
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


class FiltresTerritoireForm(CperForm):
    default_renderer = RENDU_DSFR_RAPIDE  # on every request of the territory's dashboard

    etat = forms.ChoiceField(
        label="État",
        required=False,
        choices=[("", "Tous"), *EtatDossier.choices[1:]],
    )
    volet = ChoixModeleField(
        label="Volet",
        required=False,
        queryset=Volet.objects.all(),
        empty_label="Tous",
    )

    @cached_property
    def groupes(self) -> list[SafeString]:
        """The state's and the volet's field groups, as `as_field_group` renders them, kept
        per set of inputs and volets as the workbenches' filters are (`groupes_rendus`)."""
        champ = self.fields["volet"]
        volets = [("", champ.empty_label)] + [
            (str(volet.pk), champ.label_from_instance(volet)) for volet in VOLETS()
        ]
        return groupes_rendus(self, ("etat", "volet"), {"volet": volets})


class DateEnveloppesForm(CperForm):
    """The day whose envelopes (contract as revised by the avenants) the maquette shows."""

    default_renderer = RENDU_DSFR_RAPIDE  # on every request of the pilotage dashboard

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

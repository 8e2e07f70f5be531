from django import forms

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


class FiltresTerritoireForm(CperForm):
    etat = forms.ChoiceField(
        label="État", required=False, choices=[("", "Tous"), *EtatDossier.choices[1:]]
    )
    volet = forms.ModelChoiceField(
        label="Volet", required=False, queryset=Volet.objects.all(), empty_label="Tous"
    )

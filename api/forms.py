from django import forms

from cper.forms import CperForm

DUREES = [(30, "30 jours"), (90, "90 jours"), (180, "180 jours"), (365, "1 an")]


class JetonForm(CperForm):
    nom = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître plus tard, par exemple : logiciel financier.",
    )
    duree_jours = forms.TypedChoiceField(
        label="Durée de validité", choices=DUREES, coerce=int, initial=90
    )

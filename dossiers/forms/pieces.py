from django import forms
from django.conf import settings

from cper.forms import CperForm
from cper.templatetags.cper_tags import octets

from ..enums import TypePiece
from ..services.pieces import (
    EXTENSIONS_ACCEPTEES,
    FORMATS_ACCEPTES,
    FichierRefuse,
    controler_fichier,
)


def _aide_fichier() -> str:
    return (
        f"Formats acceptés : {FORMATS_ACCEPTES}. Taille maximale : "
        f"{octets(settings.TAILLE_MAX_PIECE)}."
    )


class FichierPieceField(forms.FileField):
    default_error_messages = {
        "empty": "Le fichier est vide : choisissez un fichier qui a un contenu.",
        "required": "Choisissez le fichier à joindre.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Fichier")
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": EXTENSIONS_ACCEPTEES})
        )
        super().__init__(**kwargs)
        self.help_text = _aide_fichier()

    def clean(self, data, initial=None):
        fichier = super().clean(data, initial)
        if fichier:
            try:
                self.controle = controler_fichier(fichier)
            except FichierRefuse as refus:
                raise forms.ValidationError(str(refus), code="refuse") from None
        return fichier


class PieceForm(CperForm):
    type_piece = forms.ChoiceField(label="Type de pièce")
    fichier = FichierPieceField()

    def __init__(self, *args, obligatoires=(), manquantes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type_piece"].choices = [
            (t.value, f"{t.label} (obligatoire)" if t in obligatoires else t.label)
            for t in [*obligatoires, *(t for t in TypePiece if t not in obligatoires)]
        ]
        if manquantes:
            self.fields["type_piece"].initial = manquantes[0]


class RemplacementForm(CperForm):
    fichier = FichierPieceField(label="Nouveau fichier")

from django import forms

from cper.forms import CperForm
from cper.televersement.enums import Usage
from cper.televersement.forms import FichierControleField
from dossiers.enums import TypePiece


class PieceForm(CperForm):
    type_piece = forms.ChoiceField(label="Type de pièce")
    fichier = FichierControleField(usage=Usage.PIECE)

    def __init__(self, *args, obligatoires=(), manquantes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type_piece"].choices = [
            (t.value, f"{t.label} (obligatoire)" if t in obligatoires else t.label)
            for t in [*obligatoires, *(t for t in TypePiece if t not in obligatoires)]
        ]
        if manquantes:
            self.fields["type_piece"].initial = manquantes[0]


class RemplacementForm(CperForm):
    fichier = FichierControleField(usage=Usage.PIECE, label="Nouveau fichier")

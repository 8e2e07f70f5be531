from django import forms

from cper.forms import CperForm
from cper.referentiel.enums import TypeGuichet


class DepotForm(CperForm):
    guichet = forms.ChoiceField(
        label="Guichet de dépôt",
        widget=forms.RadioSelect,
        help_text=(
            "La sous-préfecture de l'arrondissement du projet vous est suggérée ; "
            "le Conseil régional reçoit aussi les dossiers."
        ),
    )
    conjoint = forms.BooleanField(
        label="Déposer aussi auprès de l'autre guichet (dépôt conjoint)",
        required=False,
        help_text=(
            "Le dossier est alors déposé à la fois auprès de la sous-préfecture et du Conseil "
            "régional, sous un seul numéro : chacun le reçoit et peut l'instruire."
        ),
    )
    confirmation = forms.BooleanField(
        label="Je certifie exacts les renseignements de ce dossier et je demande son dépôt.",
        help_text="Une fois déposé, le dossier ne pourra plus être modifié.",
        error_messages={"required": "Cochez cette case pour confirmer le dépôt."},
    )

    def __init__(self, *args, guichets, suggere=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._guichets = {str(g.pk): g for g in guichets}
        self._suggere = suggere
        self.fields["guichet"].choices = [
            (
                str(g.pk),
                f"{g.nom} — {g.adresse}, {g.code_postal} {g.ville}"
                + (" (suggéré pour ce projet)" if suggere and g.pk == suggere.pk else ""),
            )
            for g in guichets
        ]
        self.fields["guichet"].error_messages["required"] = "Choisissez le guichet de dépôt."
        if suggere is not None:
            self.fields["guichet"].initial = str(suggere.pk)

    def clean_guichet(self):
        return self._guichets[self.cleaned_data["guichet"]]

    def clean(self):
        """A dépôt conjoint adds the other channel: the Conseil régional to a sous-préfecture,
        the suggested sous-préfecture to the Conseil régional."""
        donnees = super().clean()
        donnees["guichet_conjoint"] = None
        guichet = donnees.get("guichet")
        if not donnees.get("conjoint") or guichet is None:
            return donnees
        if guichet.type == TypeGuichet.CONSEIL_REGIONAL:
            autre = self._suggere
        else:
            autre = next(
                (g for g in self._guichets.values() if g.type == TypeGuichet.CONSEIL_REGIONAL),
                None,
            )
        if autre is None:
            self.add_error(
                "conjoint",
                "Aucune sous-préfecture n'est suggérée pour ce projet : choisissez-la ci-dessus.",
            )
        donnees["guichet_conjoint"] = autre
        return donnees


class RetraitForm(CperForm):
    motif = forms.CharField(
        label="Motif du retrait",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il sera inscrit dans l'historique du dossier.",
    )
    confirmation = forms.BooleanField(
        label="Je confirme vouloir retirer ce dossier. Ce retrait est définitif.",
        error_messages={"required": "Cochez cette case pour confirmer le retrait."},
    )

from django import forms

from cper.forms import CperForm


class DepotForm(CperForm):
    guichet = forms.ChoiceField(
        label="Guichet de dépôt",
        widget=forms.RadioSelect,
        help_text=(
            "La sous-préfecture de l'arrondissement du projet vous est suggérée ; "
            "le Conseil régional reçoit aussi les dossiers."
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

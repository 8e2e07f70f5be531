import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from cper.forms import CperForm, MontantField
from cper.referentiel.models import Financeur, Volet
from cper.televersement.enums import Usage
from cper.televersement.forms import FichierControleField
from dossiers.enums import EtatDossier, TypePiece

from .enums import SensAvis
from .models import GroupeTechnique

TRIS = [
    ("depot", "Dépôt le plus ancien d'abord"),
    ("-depot", "Dépôt le plus récent d'abord"),
    ("numero", "Numéro"),
    ("intitule", "Intitulé"),
    ("structure", "Structure porteuse"),
]


class FiltresForm(CperForm):
    q = forms.CharField(
        label="Recherche",
        required=False,
        help_text="Numéro, intitulé ou structure porteuse.",
    )
    etat = forms.ChoiceField(
        label="État", required=False, choices=[("", "Tous"), *EtatDossier.choices[1:]]
    )
    volet = forms.ModelChoiceField(
        label="Volet", required=False, queryset=Volet.objects.all(), empty_label="Tous"
    )
    commune = forms.CharField(label="Commune", required=False, help_text="Nom ou code INSEE.")
    epci = forms.CharField(label="EPCI", required=False, help_text="Nom ou SIREN.")
    depuis = forms.DateField(
        label="Déposé depuis le", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    jusqu_a = forms.DateField(
        label="Déposé jusqu'au", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tri = forms.ChoiceField(label="Trier par", required=False, choices=TRIS)


class RecevableForm(CperForm):
    groupe_technique = forms.ModelChoiceField(
        label="Groupe technique chargé de l'instruction",
        queryset=GroupeTechnique.objects.all(),
        empty_label=None,
        help_text="Par défaut, le groupe qui couvre le volet du dossier.",
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The DSFR select template walks its choices twice: read the groups once.
        champ = self.fields["groupe_technique"]
        champ.widget.choices = [(groupe.pk, str(groupe)) for groupe in champ.queryset]


class SelectionRecevableForm(RecevableForm):
    dossiers = forms.ModelMultipleChoiceField(
        label="Dossiers", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, dossiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = dossiers


class IrrecevableForm(CperForm):
    motif = forms.CharField(
        label="Motif de l'irrecevabilité",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Il est communiqué au porteur ; la décision doit être motivée.",
    )


class CloreForm(CperForm):
    issue = forms.ChoiceField(
        label="Issue",
        choices=[
            ("classement", "Classer le dossier sans suite"),
            ("irrecevable", "Déclarer le dossier irrecevable après compléments"),
        ],
        widget=forms.RadioSelect,
        help_text=(
            "L'irrecevabilité n'est possible que si la demande de compléments précédait la "
            "recevabilité."
        ),
    )
    motif = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Il est communiqué au porteur dans le courrier de clôture.",
    )


def _echeance_par_defaut():
    return timezone.localdate() + datetime.timedelta(days=15)


class DemandeComplementsForm(CperForm):
    motif = forms.CharField(label="Motif de la demande", widget=forms.Textarea(attrs={"rows": 4}))
    pieces = forms.MultipleChoiceField(
        label="Pièces demandées",
        required=False,
        choices=TypePiece.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    echeance = forms.DateField(
        label="À transmettre avant le",
        initial=_echeance_par_defaut,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_echeance(self):
        echeance = self.cleaned_data["echeance"]
        if echeance <= timezone.localdate():
            raise forms.ValidationError("L'échéance doit être postérieure à aujourd'hui.")
        return echeance


class CompleterForm(CperForm):
    reponse = forms.CharField(label="Votre réponse", widget=forms.Textarea(attrs={"rows": 4}))
    type_piece = forms.ChoiceField(
        label="Type de la pièce jointe", required=False, choices=TypePiece.choices
    )
    fichier = FichierControleField(usage=Usage.PIECE, label="Pièce à joindre", required=False)


class AvisForm(CperForm):
    sens = forms.ChoiceField(
        label="Sens de l'avis", choices=SensAvis.choices, widget=forms.RadioSelect
    )
    motivation = forms.CharField(label="Motivation", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, financeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.financeurs = list(financeurs)
        for financeur in self.financeurs:
            self.fields[f"montant_{financeur.pk}"] = MontantField(
                label=f"Montant proposé : {financeur.nom} (€)",
                required=False,
                min_value=0,
            )

    def montants(self) -> dict:
        return {
            financeur.pk: self.cleaned_data[f"montant_{financeur.pk}"]
            for financeur in self.financeurs
            if self.cleaned_data.get(f"montant_{financeur.pk}") is not None
        }


def financeurs_pour_avis(dossier):
    """The financeurs of the plan, plus the two signatories that instruct."""
    return Financeur.objects.filter(
        Q(lignes_financement__dossier=dossier) | Q(code__in=["etat", "region"])
    ).distinct()


class ConclureForm(CperForm):
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class MessageForm(CperForm):
    texte = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 4}))
    piece_jointe = FichierControleField(
        usage=Usage.PIECE_JOINTE, label="Pièce jointe", required=False
    )


class AnnotationForm(CperForm):
    texte = forms.CharField(
        label="Annotation privée",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Visible des seuls agents, jamais du porteur.",
    )

from django import forms
from django.utils import timezone

from cper.forms import CperForm, MontantField
from cper.televersement.enums import Usage
from cper.televersement.forms import FichierControleField
from execution.enums import Echeance, EtatDemande, TypeVersement

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def champ_montant(label: str, **kwargs) -> MontantField:
    """An amount typed the French way (« 12 000,50 »), never negative."""
    return MontantField(
        label=label,
        required=False,
        min_value=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


def _aujourdhui():
    return timezone.localdate()


class ActeEtablirForm(CperForm):
    numero = forms.CharField(label="Numéro de l'acte", required=False, max_length=50)
    objet = forms.CharField(
        label="Objet",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Vide : l'intitulé du dossier.",
    )
    date_deliberation = forms.DateField(
        label="Date de la délibération de la commission permanente", required=False, **DATE
    )
    numero_deliberation = forms.CharField(
        label="Numéro de la délibération", required=False, max_length=50
    )


class ActeSignerForm(CperForm):
    signe_le = forms.DateField(label="Signé le", initial=_aujourdhui, **DATE)
    numero = forms.CharField(label="Numéro de l'acte", required=False, max_length=50)
    scan = FichierControleField(usage=Usage.PIECE, label="Scan de l'acte signé")
    montant_engage = champ_montant("Montant engagé (€)", help_text="Vide : le montant de l'acte.")
    reference_engagement = forms.CharField(
        label="N° de l'engagement juridique (Chorus)", required=False, max_length=30
    )


class ActeNotifierForm(CperForm):
    notifie_le = forms.DateField(label="Notifié le", initial=_aujourdhui, **DATE)


class CommencementForm(CperForm):
    date = forms.DateField(label="Date du premier engagement juridique", **DATE)
    description = forms.CharField(
        label="Nature de cet engagement",
        required=False,
        max_length=500,
        help_text="Par exemple : ordre de service, bon de commande, marché signé.",
    )
    justificatif = FichierControleField(usage=Usage.PIECE, label="Justificatif du commencement")


class DemandeVersementForm(CperForm):
    type = forms.ChoiceField(label="Versement demandé", choices=TypeVersement.choices)
    depenses = champ_montant(
        "Dépenses éligibles réalisées à ce jour (€)",
        help_text="Cumul depuis le début du projet ; sans objet pour une avance.",
    )
    montant = champ_montant(
        "Montant demandé (€)",
        help_text="Vide : le maximum permis. Le solde est calculé sur les dépenses réalisées.",
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    etat_recapitulatif = FichierControleField(
        usage=Usage.PIECE,
        label="État récapitulatif des dépenses",
        required=False,
        help_text="Exigé pour un acompte et pour le solde.",
    )
    factures = FichierControleField(usage=Usage.PIECE, label="Factures acquittées", required=False)
    pv_reception = FichierControleField(
        usage=Usage.PIECE,
        label="Rapport d'achèvement ou procès-verbal de réception",
        required=False,
        help_text="Exigé pour le solde.",
    )


class CompleterDemandeForm(CperForm):
    commentaire = forms.CharField(
        label="Votre réponse", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    fichier = FichierControleField(usage=Usage.PIECE, label="Justificatif", required=False)


DECISIONS = [
    ("accepter", "Accepter"),
    ("complements", "Demander des compléments"),
    ("refuser", "Refuser"),
]


class TraiterDemandeForm(CperForm):
    decision = forms.ChoiceField(label="Décision", choices=DECISIONS, widget=forms.RadioSelect)
    montant = champ_montant("Montant accepté (€)", help_text="Vide : le montant demandé.")
    motif = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour une réduction, une demande de compléments ou un refus.",
    )


class MandaterForm(CperForm):
    mandate_le = forms.DateField(label="Mandaté le", initial=_aujourdhui, **DATE)
    montant = champ_montant("Montant mandaté (€)", help_text="Vide : le montant accepté.")


class RecouvrerForm(CperForm):
    recouvre_le = forms.DateField(label="Recouvré le", initial=_aujourdhui, **DATE)


class AbandonnerForm(CperForm):
    motif = forms.CharField(
        label="Motif de la renonciation", widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmerForm(CperForm):
    pass


class FiltresVersementsForm(CperForm):
    financeur = forms.ModelChoiceField(
        label="Financeur", required=False, queryset=None, empty_label="Tous mes financeurs"
    )
    etat = forms.ChoiceField(
        label="État",
        required=False,
        choices=[("", "À traiter ou à mandater"), *EtatDemande.choices],
    )
    type = forms.ChoiceField(
        label="Versement", required=False, choices=[("", "Tous"), *TypeVersement.choices]
    )
    q = forms.CharField(label="Recherche", required=False, max_length=100)

    def __init__(self, *args, financeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].queryset = financeurs


class MandaterLotForm(CperForm):
    mandate_le = forms.DateField(label="Mandaté le", initial=_aujourdhui, **DATE)
    demandes = forms.ModelMultipleChoiceField(
        label="Demandes", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, demandes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demandes"].queryset = demandes


class ProrogationForm(CperForm):
    echeance = forms.ChoiceField(label="Échéance à repousser", choices=Echeance.choices)
    nouvelle_date = forms.DateField(label="Nouvelle date limite demandée", **DATE)
    motif = forms.CharField(
        label="Motif de la demande",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce qui empêche de tenir le délai et ce qui permettra de tenir le nouveau.",
    )


class DeciderProrogationForm(CperForm):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("accorder", "Accorder la prorogation"), ("refuser", "Refuser la prorogation")],
        widget=forms.RadioSelect,
    )
    motif = forms.CharField(
        label="Motif",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire en cas de refus.",
    )


class CaduciteForm(CperForm):
    motif = forms.CharField(
        label="Motif",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pour confirmer : facultatif (la date limite dépassée est rappelée). "
        "Pour écarter : obligatoire.",
    )


class AvenantActeForm(CperForm):
    motif = forms.CharField(
        label="Objet de l'avenant",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que l'avenant modifie et pourquoi ; il figure dans l'historique de l'acte.",
    )
    montant = MontantField(
        label="Nouveau montant de la subvention (€)", required=False, help_text="Vide : inchangé."
    )
    assiette = MontantField(
        label="Nouvelle dépense subventionnable (€)", required=False, help_text="Vide : inchangée."
    )
    date_limite_commencement = forms.DateField(
        label="Nouvelle date limite de commencement", required=False, **DATE
    )
    date_limite_achevement = forms.DateField(
        label="Nouvelle date limite d'achèvement", required=False, **DATE
    )

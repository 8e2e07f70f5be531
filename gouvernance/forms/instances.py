from django import forms
from django.contrib.auth import get_user_model

from cper.forms import CperForm
from cper.referentiel.models import Commune, Departement, Epci, Financeur, PoleMetropolitain
from dossiers.models import Structure
from gouvernance.enums import NatureInteret, RoleMembre, TypeInstance
from gouvernance.selectors.instances import siege


class MembreForm(CperForm):
    """A seat: the person (by the e-mail of their account), the role, what they represent."""

    email = forms.EmailField(
        label="Adresse électronique de la personne",
        help_text="La personne doit avoir un compte (première connexion faite).",
    )
    role = forms.ChoiceField(label="Rôle", choices=RoleMembre.choices)
    financeur = forms.ModelChoiceField(
        label="Signataire représenté",
        required=False,
        queryset=Financeur.objects.filter(signataire=True).order_by("ordre"),
        empty_label="—",
    )
    departement = forms.ModelChoiceField(
        label="Département représenté",
        required=False,
        queryset=Departement.objects.order_by("code"),
        empty_label="—",
    )
    epci = forms.ModelChoiceField(
        label="EPCI représenté",
        required=False,
        queryset=Epci.objects.order_by("nom"),
        empty_label="—",
    )
    pole = forms.ModelChoiceField(
        label="Pôle métropolitain représenté",
        required=False,
        queryset=PoleMetropolitain.objects.order_by("nom"),
        empty_label="—",
    )

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, **kwargs)
        if instance.type == TypeInstance.CONCERTATION:
            # The concertation body represents territories, not signatories.
            del self.fields["financeur"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                "Aucun compte actif n'a cette adresse : la personne doit d'abord se connecter "
                "une fois, ou l'administrateur lui créer un compte."
            )
        self.user = user
        return email


class InteretForm(CperForm):
    """One declared interest: a structure by its SIRET, a commune by its INSEE code, an EPCI,
    a département."""

    nature = forms.ChoiceField(label="Nature de l'intérêt", choices=NatureInteret.choices)
    siret = forms.CharField(
        label="SIRET de la structure", required=False, max_length=14, help_text="14 chiffres."
    )
    code_insee = forms.CharField(
        label="Code INSEE de la commune",
        required=False,
        max_length=5,
        help_text="Par exemple : 59350.",
    )
    epci = forms.ModelChoiceField(
        label="EPCI", required=False, queryset=Epci.objects.order_by("nom"), empty_label="—"
    )
    departement = forms.ModelChoiceField(
        label="Département",
        required=False,
        queryset=Departement.objects.order_by("code"),
        empty_label="—",
    )
    fonction = forms.CharField(
        label="Fonction",
        required=False,
        max_length=150,
        help_text="Par exemple : maire, vice-président, administrateur, salarié.",
    )

    def clean(self):
        donnees = super().clean()
        nature = donnees.get("nature")
        self.objet = {}
        if nature == NatureInteret.STRUCTURE:
            siret = (donnees.get("siret") or "").replace(" ", "")
            structure = Structure.objects.filter(siret=siret).first() if siret else None
            if structure is None:
                self.add_error("siret", "Aucune structure connue n'a ce SIRET.")
            self.objet = {"structure": structure}
        elif nature == NatureInteret.COMMUNE:
            code = (donnees.get("code_insee") or "").strip()
            commune = Commune.objects.filter(code_insee=code).first() if code else None
            if commune is None:
                self.add_error("code_insee", "Aucune commune n'a ce code INSEE.")
            self.objet = {"commune": commune}
        elif nature == NatureInteret.EPCI:
            if not donnees.get("epci"):
                self.add_error("epci", "Choisissez l'EPCI.")
            self.objet = {"epci": donnees.get("epci")}
        elif nature == NatureInteret.DEPARTEMENT:
            if not donnees.get("departement"):
                self.add_error("departement", "Choisissez le département.")
            self.objet = {"departement": donnees.get("departement")}
        return donnees


class PresencesForm(CperForm):
    """Who attended, among the members of the instance, and who presided."""

    presents = forms.MultipleChoiceField(
        label="Membres présents", required=False, widget=forms.CheckboxSelectMultiple
    )
    presidee_par = forms.ChoiceField(label="Présidence de la séance", required=False)

    def __init__(self, *args, membres, **kwargs):
        super().__init__(*args, **kwargs)
        self.membres = {str(m.user_id): m for m in membres}
        self.fields["presents"].choices = [
            (cle, f"{m.user.get_full_name() or m.user.email} — {siege(m)}")
            for cle, m in self.membres.items()
        ]
        # The présidence comes first among those who may preside.
        presidences = sorted(self.membres.items(), key=lambda c: c[1].role != RoleMembre.PRESIDENCE)
        self.fields["presidee_par"].choices = [("", "—")] + [
            (cle, m.user.get_full_name() or m.user.email)
            for cle, m in presidences
            if m.role != RoleMembre.SECRETARIAT
        ]

    def utilisateurs_presents(self):
        return [self.membres[cle].user for cle in self.cleaned_data["presents"]]

    def presidence(self):
        cle = self.cleaned_data.get("presidee_par")
        return self.membres[cle].user if cle else None


class ObservationSeanceForm(CperForm):
    """What the territory says on one dossier, written in the minutes of its séance."""

    dossier = forms.IntegerField(widget=forms.HiddenInput)
    texte = forms.CharField(
        label="Observation de l'instance",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Consignée au compte rendu de la séance et lue par l'instance de pilotage.",
    )

import datetime
from functools import cached_property

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from cper.forms import RENDU_DSFR_RAPIDE, CperForm, MontantField, groupes_rendus
from cper.referentiel.models import Commune, Financeur, Guichet, Volet
from cper.referentiel.selectors import VOLETS
from cper.televersement.enums import Usage
from cper.televersement.forms import FichierControleField
from dossiers.enums import CategorieStructure, EtatDossier, TypePiece
from dossiers.models import Structure
from dossiers.models.structure import valider_siret

from .enums import SensAvis
from .models import GroupeTechnique
from .selectors import GROUPES_TECHNIQUES

TRIS = [
    ("depot", "Dépôt le plus ancien d'abord"),
    ("-depot", "Dépôt le plus récent d'abord"),
    ("numero", "Numéro"),
    ("intitule", "Intitulé"),
    ("structure", "Structure porteuse"),
]


class FiltresForm(CperForm):
    # On every page of a workbench: its fields are built in Python (same markup), and their
    # markup is kept per set of inputs (`groupes`).
    default_renderer = RENDU_DSFR_RAPIDE

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
    miens = forms.BooleanField(label="Seulement les dossiers qui me sont confiés", required=False)

    def __init__(self, *args, volets=None, **kwargs):
        # What reads the volets (`selectors.choix_envoyes`), else their own compiled query.
        self.lire_volets = volets or VOLETS
        super().__init__(*args, **kwargs)

    @cached_property
    def groupes(self) -> list[SafeString]:
        """Each field's group (label, widget, help), as `as_field_group` renders it."""
        champ = self.fields["volet"]
        volets = [("", champ.empty_label)] + [
            (str(volet.pk), champ.label_from_instance(volet)) for volet in self.lire_volets()
        ]
        return groupes_rendus(self, tuple(self.fields), {"volet": volets})


class AffectationForm(CperForm):
    agent = forms.ModelChoiceField(
        label="Agent en charge du dossier",
        queryset=None,
        required=False,
        empty_label="Personne",
        help_text="Un collègue de votre guichet ou du groupe technique chargé du dossier.",
    )

    def __init__(self, *args, collegues, **kwargs):
        super().__init__(*args, **kwargs)
        champ = self.fields["agent"]
        champ.queryset = collegues
        champ.label_from_instance = lambda user: user.get_full_name() or user.email


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

    def __init__(self, *args, groupes=None, **kwargs):
        """`groupes`: what reads the groupes techniques (`selectors.choix_envoyes`), else
        their own compiled query."""
        super().__init__(*args, **kwargs)
        # The DSFR select template walks its choices twice: read the groups once.
        champ = self.fields["groupe_technique"]
        champ.widget.choices = [
            (groupe.pk, champ.label_from_instance(groupe))
            for groupe in (groupes or GROUPES_TECHNIQUES)()
        ]


class SelectionRecevableForm(RecevableForm):
    default_renderer = RENDU_DSFR_RAPIDE  # under the guichet's workbench, as FiltresForm
    dossiers = forms.ModelMultipleChoiceField(
        label="Dossiers", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, dossiers=None, **kwargs):
        """`dossiers`: those that may be chosen, to validate what was posted (none to show the
        form: the workbench's rows write the boxes)."""
        super().__init__(*args, **kwargs)
        if dossiers is None and self.is_bound:
            raise ValueError("Les dossiers sélectionnables valident ce qui est posté.")
        self.fields["dossiers"].queryset = dossiers

    @cached_property
    def groupes(self) -> list[SafeString]:
        """The groups of the group and comment fields (the checkboxes are the rows')."""
        choix = {"groupe_technique": self.fields["groupe_technique"].widget.choices}
        return groupes_rendus(self, ("groupe_technique", "commentaire"), choix)


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


class AvisCofinanceurForm(CperForm):
    sens = forms.ChoiceField(
        label="Sens de l'avis", choices=SensAvis.choices, widget=forms.RadioSelect
    )
    motivation = forms.CharField(label="Motivation", widget=forms.Textarea(attrs={"rows": 4}))
    montant = MontantField(
        label="Montant que votre collectivité envisage d'apporter (€)",
        required=False,
        min_value=0,
        help_text="Facultatif ; le montant demandé figure ci-dessus.",
    )


class ArbitrageForm(CperForm):
    motif = forms.CharField(
        label="Ce que le groupe technique demande d'arbitrer",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Lu par le secrétariat et les membres de l'instance de pilotage.",
    )


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


class TransfertForm(CperForm):
    guichet = forms.ModelChoiceField(
        label="Guichet compétent", queryset=Guichet.objects.none(), empty_label=None
    )
    motif = forms.CharField(
        label="Motif du transfert",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Il est communiqué au porteur et au guichet qui reçoit le dossier.",
    )

    def __init__(self, *args, guichets, **kwargs):
        super().__init__(*args, **kwargs)
        champ = self.fields["guichet"]
        champ.queryset = Guichet.objects.filter(pk__in=[g.pk for g in guichets])
        champ.widget.choices = [(g.pk, str(g)) for g in guichets]


class PapierForm(CperForm):
    """A demand received on paper: the structure (by SIRET), the project, the scanned pieces."""

    guichet = forms.ModelChoiceField(
        label="Guichet qui a reçu le dossier", queryset=Guichet.objects.none(), empty_label=None
    )
    recu_le = forms.DateField(
        label="Reçu le",
        help_text="Date de réception du dossier papier : c'est sa date de dépôt.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    siret = forms.CharField(
        label="SIRET de la structure porteuse", max_length=14, validators=[valider_siret]
    )
    raison_sociale = forms.CharField(
        label="Raison sociale",
        required=False,
        help_text="Seulement si la structure n'est pas encore connue du service.",
    )
    categorie = forms.ChoiceField(
        label="Catégorie de la structure",
        required=False,
        choices=[("", "—"), *CategorieStructure.choices],
    )
    adresse = forms.CharField(label="Adresse de la structure", required=False)
    commune_structure = forms.CharField(
        label="Commune de la structure (code INSEE)", required=False, max_length=5
    )
    representant_nom = forms.CharField(label="Représentant légal", required=False)
    representant_qualite = forms.CharField(label="Qualité du représentant", required=False)
    intitule = forms.CharField(label="Intitulé du projet", max_length=255)
    volet = forms.ModelChoiceField(label="Volet du contrat", queryset=Volet.objects.all())
    communes = forms.CharField(
        label="Communes du projet (codes INSEE)",
        help_text="Séparés par des virgules, par exemple : 59178, 59350.",
    )
    type_piece = forms.ChoiceField(label="Type de la pièce numérisée", choices=TypePiece.choices)
    fichier = FichierControleField(usage=Usage.PIECE, label="Pièce numérisée")
    type_piece_2 = forms.ChoiceField(
        label="Type de la deuxième pièce", required=False, choices=TypePiece.choices
    )
    fichier_2 = FichierControleField(
        usage=Usage.PIECE, label="Deuxième pièce numérisée", required=False
    )
    email_porteur = forms.EmailField(
        label="Adresse électronique du porteur",
        required=False,
        help_text="Il est invité à rejoindre la structure pour suivre le dossier en ligne.",
    )

    CHAMPS_STRUCTURE = (
        "raison_sociale",
        "categorie",
        "adresse",
        "commune_structure",
        "representant_nom",
        "representant_qualite",
    )

    def __init__(self, *args, guichets, **kwargs):
        super().__init__(*args, **kwargs)
        champ = self.fields["guichet"]
        champ.queryset = Guichet.objects.filter(pk__in=[g.pk for g in guichets])
        champ.widget.choices = [(g.pk, str(g)) for g in guichets]

    def clean_communes(self):
        codes = [c.strip() for c in self.cleaned_data["communes"].split(",") if c.strip()]
        communes = list(Commune.objects.filter(code_insee__in=codes))
        inconnues = sorted(set(codes) - {c.code_insee for c in communes})
        if inconnues or not communes:
            raise forms.ValidationError(
                "Code INSEE inconnu : " + ", ".join(inconnues)
                if inconnues
                else "Indiquez au moins une commune."
            )
        return communes

    def clean(self):
        donnees = super().clean()
        siret = donnees.get("siret")
        if not siret:
            return donnees
        structure = Structure.objects.filter(siret=siret).first()
        if structure is None:
            manquants = [c for c in self.CHAMPS_STRUCTURE if not donnees.get(c)]
            for champ in manquants:
                self.add_error(champ, "Structure inconnue du service : ce champ est requis.")
            commune = Commune.objects.filter(code_insee=donnees.get("commune_structure")).first()
            if not manquants and commune is None:
                self.add_error("commune_structure", "Code INSEE inconnu.")
            if not self.errors:
                structure = Structure(
                    siret=siret,
                    raison_sociale=donnees["raison_sociale"],
                    categorie=donnees["categorie"],
                    adresse=donnees["adresse"],
                    commune=commune,
                    representant_nom=donnees["representant_nom"],
                    representant_qualite=donnees["representant_qualite"],
                )
        donnees["structure"] = structure
        return donnees

    def pieces(self) -> list:
        pieces = [(self.cleaned_data["type_piece"], self.cleaned_data["fichier"])]
        if self.cleaned_data.get("fichier_2"):
            pieces.append(
                (self.cleaned_data["type_piece_2"] or "autre", self.cleaned_data["fichier_2"])
            )
        return pieces

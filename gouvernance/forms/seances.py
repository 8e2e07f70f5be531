from functools import cached_property

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString

from cper.forms import (
    RENDU_DSFR_RAPIDE,
    ChoixModeleField,
    CperForm,
    MontantField,
    groupes_rendus,
)
from cper.referentiel.models import Volet
from cper.referentiel.selectors import VOLETS
from cper.templatetags.cper_tags import euros
from gouvernance.enums import SensDecision

MONTANT = {"min_value": 0}


class SeanceForm(CperForm):
    date = forms.DateTimeField(
        label="Date et heure de la séance",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"],
    )
    lieu = forms.CharField(
        label="Lieu", max_length=255, help_text="Par exemple : préfecture de région, Lille."
    )


class RechercheCandidatsForm(CperForm):
    default_renderer = RENDU_DSFR_RAPIDE  # shown on every request of the séance page

    volet = ChoixModeleField(
        label="Volet", required=False, queryset=Volet.objects.all(), empty_label="Tous"
    )
    q = forms.CharField(
        label="Numéro, intitulé ou structure", required=False, max_length=100, strip=True
    )

    def __init__(self, *args, volets=None, **kwargs):
        # The volets the caller read (with the séance: `selectors.seances.volets_lus`), else
        # their own (compiled) query when the fields are written.
        self.volets = volets
        super().__init__(*args, **kwargs)

    @cached_property
    def groupes(self) -> list[SafeString]:
        """The volet's and the words' field groups, as `as_field_group` renders them, kept per
        set of inputs and volets as the workbenches' filters are (`groupes_rendus`)."""
        champ = self.fields["volet"]
        volets = [("", champ.empty_label)] + [
            (str(volet.pk), champ.label_from_instance(volet))
            for volet in (VOLETS() if self.volets is None else self.volets)
        ]
        return groupes_rendus(self, ("volet", "q"), {"volet": volets})


class OrdreDuJourForm(CperForm):
    """One checkbox and one order per dossier that may be put on the agenda (`dossiers`: the
    séance's `selectors.seances.Candidat`s).

    Unbound (the page as shown), it builds no field: its rows are read from the dossiers (see
    `lignes`); the hundred fields are built only to validate what was posted.
    """

    def __init__(self, *args, dossiers, inscrits: dict, **kwargs):
        self.dossiers = list(dossiers)
        self.inscrits = inscrits
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        for rang, dossier in enumerate(self.dossiers, start=1):
            self.fields[f"dossier_{dossier.pk}"] = forms.BooleanField(
                label=self._libelle(dossier),
                help_text=self._aide(dossier),
                required=False,
                initial=dossier.pk in inscrits,
            )
            self.fields[f"ordre_{dossier.pk}"] = forms.IntegerField(
                label=self._libelle_ordre(dossier),
                min_value=1,
                max_value=999,
                required=False,
                initial=inscrits.get(dossier.pk, rang),
            )

    @staticmethod
    def _libelle(dossier) -> str:
        return f"{dossier.numero} — {dossier.intitule}"

    @staticmethod
    def _aide(dossier) -> str:
        # Escaped here: the structure's name is what a porteur typed, and the field templates
        # print help texts as markup (CperForm escapes only the fields it is built with).
        return escape(
            dossier.raison_sociale + (" — arbitrage demandé" if dossier.arbitrage_demande else "")
        )

    @staticmethod
    def _libelle_ordre(dossier) -> str:
        return f"Ordre de passage du dossier {dossier.numero}"

    def rangees(self):
        """(checkbox, order) bound fields of each dossier, to lay them out side by side."""
        return [(self[f"dossier_{d.pk}"], self[f"ordre_{d.pk}"]) for d in self.dossiers]

    def lignes(self) -> list[dict]:
        """What the page writes of each pair (`{% rangees_ordre_du_jour %}`): for the unbound
        form, from the dossiers and their initial values, as the fields would give them; for a
        posted one, from the bound fields."""
        if not self.is_bound:
            return [
                {
                    "en_erreur": False,
                    "case_id": self.auto_id % self.add_prefix(f"dossier_{dossier.pk}"),
                    "case_nom": self.add_prefix(f"dossier_{dossier.pk}"),
                    "cochee": dossier.pk in self.inscrits,
                    "libelle": self._libelle(dossier),
                    "aide": self._aide(dossier),
                    "ordre_id": self.auto_id % self.add_prefix(f"ordre_{dossier.pk}"),
                    "ordre_nom": self.add_prefix(f"ordre_{dossier.pk}"),
                    "ordre_libelle": self._libelle_ordre(dossier),
                    "ordre_valeur": self.inscrits.get(dossier.pk, rang),
                }
                for rang, dossier in enumerate(self.dossiers, start=1)
            ]
        lignes = []
        for case, ordre in self.rangees():
            lignes.append(
                {
                    "case": case,
                    "ordre": ordre,
                    "en_erreur": bool(case.errors or ordre.errors),
                    "case_id": case.auto_id,
                    "case_nom": case.html_name,
                    "cochee": bool(case.value()),
                    "libelle": case.label,
                    "aide": case.help_text,
                    "ordre_id": ordre.auto_id,
                    "ordre_nom": ordre.html_name,
                    "ordre_libelle": ordre.label,
                    "ordre_valeur": ordre.value(),
                }
            )
        return lignes

    def paires(self) -> list[tuple[int, int]]:
        return [
            (dossier.pk, self.cleaned_data.get(f"ordre_{dossier.pk}") or rang)
            for rang, dossier in enumerate(self.dossiers, start=1)
            if self.cleaned_data.get(f"dossier_{dossier.pk}")
        ]


class DecisionForm(CperForm):
    sens = forms.ChoiceField(
        label="Décision", choices=SensDecision.choices, widget=forms.RadioSelect
    )
    motif = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Obligatoire pour un ajournement ou un rejet ; il est communiqué au porteur.",
    )

    def __init__(self, *args, lignes, **kwargs):
        super().__init__(*args, **kwargs)
        # One field per financeur of the financing plan, suggested at the proposed amount.
        self.plafonds = {}
        for ligne in lignes:
            if ligne["demande"] is None:
                continue
            nom = f"montant_{ligne['financeur_id']}"
            self.plafonds[nom] = ligne["demande"]
            self.fields[nom] = MontantField(
                label=f"Montant programmé — {ligne['nom']} (€)",
                required=False,
                initial=ligne["propose"],
                **MONTANT,
            )
        self.order_fields(["sens", *self.plafonds, "motif"])

    def clean(self):
        donnees = super().clean()
        if donnees.get("sens") == SensDecision.PROGRAMME:
            for nom, plafond in self.plafonds.items():
                montant = donnees.get(nom)
                if montant is not None and montant > plafond:
                    self.add_error(
                        nom,
                        "Le montant programmé ne peut pas dépasser le montant demandé "
                        f"({euros(plafond)}).",
                    )
        elif donnees.get("sens") and not (donnees.get("motif") or "").strip():
            self.add_error("motif", "Le motif est obligatoire pour un ajournement ou un rejet.")
        return donnees

    def montants(self) -> dict:
        if self.cleaned_data["sens"] != SensDecision.PROGRAMME:
            return {}
        return {
            int(nom.removeprefix("montant_")): self.cleaned_data[nom]
            for nom in self.plafonds
            if self.cleaned_data.get(nom) is not None
        }


class SimulationForm(CperForm):
    """Provisional amounts per item × signatory of its financing plan (envelopes are theirs)."""

    def __init__(self, *args, points, simules: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.cles = {}
        self.par_point = []
        for point in points:
            noms = []
            for ligne in point.lignes:
                if ligne["demande"] is None or not ligne["signataire"]:
                    continue
                nom = f"simule_{point.pk}_{ligne['financeur_id']}"
                cle = (point.pk, ligne["financeur_id"])
                self.cles[nom] = cle
                self.fields[nom] = MontantField(
                    label=f"{ligne['nom']} (€)",
                    required=False,
                    initial=simules.get(cle, ligne["propose"]),
                    **MONTANT,
                )
                noms.append(nom)
            if noms:
                self.par_point.append((point, noms))

    def rangees(self):
        """[(point, [bound fields])], one group per agenda item."""
        return [(point, [self[nom] for nom in noms]) for point, noms in self.par_point]

    def montants(self) -> dict:
        return {cle: self.cleaned_data.get(nom) for nom, cle in self.cles.items()}

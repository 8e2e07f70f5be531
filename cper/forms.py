import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.html import escape
from django.utils.safestring import SafeData
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

# DsfrBaseForm names a renderer class, so every form built its own template engine and parsed its
# field templates again (about 20 ms per form): one shared renderer keeps them cached.
RENDU_DSFR = DsfrDjangoTemplates()

# Control characters (NUL among them: PostgreSQL refuses it in text), DEL, and the lone
# surrogates that no valid UTF-8 carries. A textarea keeps tab and line breaks.
_INTERDITS_LIGNE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_INTERDITS_TEXTE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MESSAGE_CARACTERE_INTERDIT = (
    "Ce texte contient un caractère invisible non autorisé (caractère de contrôle) : "
    "retirez-le, par exemple en le saisissant à nouveau au clavier."
)


def contient_caractere_interdit(texte: str, *, multiligne: bool = False) -> bool:
    motif = _INTERDITS_TEXTE if multiligne else _INTERDITS_LIGNE
    return bool(motif.search(texte))


@deconstructible
class CaracteresAutorises:
    """Refuses control characters in typed text; `multiligne` keeps tab and line breaks."""

    def __init__(self, multiligne: bool = False):
        self.multiligne = multiligne

    def __call__(self, valeur):
        if isinstance(valeur, str) and contient_caractere_interdit(
            valeur, multiligne=self.multiligne
        ):
            raise ValidationError(MESSAGE_CARACTERE_INTERDIT, code="caractere_interdit")

    def __eq__(self, autre):
        return isinstance(autre, CaracteresAutorises) and autre.multiligne == self.multiligne


def parametre_texte(donnees, nom: str, *, longueur_max: int = 200) -> str:
    """A text a view reads straight from the query string or the body, cleaned like a form field.

    Control characters make it empty (a search then finds nothing rather than failing in the
    database); it is cut to `longueur_max` characters.
    """
    valeur = donnees.get(nom, "")
    if not isinstance(valeur, str) or contient_caractere_interdit(valeur):
        return ""
    return valeur[:longueur_max]


def parametre_entier(donnees, nom: str) -> int | None:
    """A positive whole number (a primary key) from the query string or the body, else None."""
    valeur = donnees.get(nom, "")
    if isinstance(valeur, str) and valeur.isascii() and valeur.isdecimal() and len(valeur) <= 18:
        return int(valeur)
    return None


MONTANT_ERREURS = {
    "invalid": "Saisissez un montant en chiffres, par exemple 12500 ou 12500,50.",
    "max_digits": "Ce montant est trop grand.",
    "max_decimal_places": "Indiquez au plus deux chiffres après la virgule (les centimes).",
    "max_whole_digits": "Ce montant est trop grand (au plus 12 chiffres avant la virgule).",
    "min_value": "Un montant ne peut pas être négatif.",
}
CHIFFRES_ENTIERS_MAX = 12  # DecimalField(max_digits=14, decimal_places=2)


class MontantField(forms.DecimalField):
    """An amount in euros as people type it: "12 500,50 €", spaces of any kind, the euro sign.

    Never NaN nor infinite, at most 12 digits before the comma and 2 after, whatever the notation
    ("1e309" included): each refusal is a French message next to the field.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", CHIFFRES_ENTIERS_MAX + 2)
        kwargs.setdefault("decimal_places", 2)
        kwargs["error_messages"] = {**MONTANT_ERREURS, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            for signe in (" ", "\u00a0", "\u202f", "€"):
                value = value.replace(signe, "")
            if contient_caractere_interdit(value) or len(value) > 40:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        valeur = super().to_python(value)
        if isinstance(valeur, Decimal):
            if not valeur.is_finite():
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            if valeur.adjusted() >= CHIFFRES_ENTIERS_MAX:
                raise ValidationError(self.error_messages["max_whole_digits"], code="max_digits")
        return valeur


class CperForm(DsfrBaseForm):
    """DSFR rendering; optional fields are marked, as the DSFR now recommends.

    Every text field refuses control characters (tab and line breaks stay allowed in a
    textarea); help texts are escaped unless marked safe. Put it first among the bases to
    give Django's own forms (auth, …) the DSFR look.
    """

    default_renderer = RENDU_DSFR

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nom, champ in self.fields.items():
            # The DSFR field templates print help_text with |safe: a help text built from what a
            # user typed (a structure's name) would be markup. Intended markup is a SafeString.
            if champ.help_text and not isinstance(champ.help_text, SafeData):
                champ.help_text = escape(champ.help_text)
                # DsfrBaseForm already built some bound fields, which copied the help text.
                if nom in self._bound_fields_cache:
                    self._bound_fields_cache[nom].help_text = champ.help_text
            if isinstance(champ, forms.CharField):
                multiligne = isinstance(champ.widget, forms.Textarea)
                champ.validators = [*champ.validators, CaracteresAutorises(multiligne=multiligne)]

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class CperModelForm(CperForm, forms.ModelForm):
    """The DSFR rendering of CperForm for model forms."""

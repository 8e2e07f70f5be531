import re
from decimal import Decimal
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.deconstruct import deconstructible
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates
from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields

from cper.balisage import echapper
from cper.requetes import RequeteCompilee

# DsfrBaseForm names a renderer class, so every form built its own template engine and parsed its
# field templates again (about 20 ms per form): one shared renderer keeps them cached.
RENDU_DSFR = DsfrDjangoTemplates()

# What a template prints: escaped unless already safe (Django's `stringformat` keeps safety).
e = echapper


def _attributs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {e(nom)}" if valeur is True else f' {e(nom)}="{e(valeur)}"'
        for nom, valeur in attrs.items()
        if valeur is not False
    )


def _input(widget: dict) -> str:
    valeur = "" if widget["value"] is None else f' value="{e(widget["value"])}"'
    return (
        f'<input type="{e(widget["type"])}" name="{e(widget["name"])}"{valeur}'
        f"{_attributs(widget['attrs'])}>"
    )


def _select(widget: dict) -> str:
    morceaux = [f'<select name="{e(widget["name"])}"{_attributs(widget["attrs"])}>']
    for groupe, options, _index in widget["optgroups"]:
        if groupe:
            morceaux.append(f'<optgroup label="{e(groupe)}">')
        morceaux.extend(
            f'<option value="{e(option["value"])}"{_attributs(option["attrs"])}>'
            f"{e(option['label'])}</option>"
            for option in options
        )
        if groupe:
            morceaux.append("</optgroup>")
    morceaux.append("</select>")
    return "\n".join(morceaux)


def _textarea(widget: dict) -> str:
    valeur = e(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{e(widget["name"])}"{_attributs(widget["attrs"])}>\n{valeur}</textarea>'
    )


WIDGETS_PYTHON = {
    **{
        f"django/forms/widgets/{nom}.html": _input
        for nom in ("input", "text", "date", "email", "number", "url", "checkbox")
    },
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
}
OPTION = "django/forms/widgets/select_option.html"
GROUPES_PYTHON = {
    "dsfr/form_field_snippets/input_snippet.html",
    "dsfr/form_field_snippets/checkbox_snippet.html",
}
WIDGETS_GROUPE = {"text", "date", "email", "number", "url", "checkbox", "select", "textarea"}


def _groupe_de_champ(champ) -> str:
    """dsfr/form_field_snippets/input_snippet.html and checkbox_snippet.html, valid field."""
    marque = e(dsfr_mark_optionnal_fields(champ))
    case = champ.widget_type == "checkbox"
    aide = ""
    if champ.help_text:
        id_aide = champ.auto_id if case else champ.id_for_label
        aide = f'<span class="fr-hint-text" id="{e(id_aide)}_helptext">{champ.help_text}</span>'
    libelle = (
        f'<label for="{e(champ.id_for_label)}" class="fr-label">'
        f"{e(champ.label)}{marque}{aide}</label>"
    )
    desactive = " fr-input-group--disabled" if champ.field.disabled else ""
    if case:
        return f'<div class="fr-checkbox-group{desactive} fr-mb-2w">{champ}{libelle}</div>'
    classe = getattr(champ.field.widget, "group_class", "") or "fr-input-group"
    return f'<div class="{e(classe)}{desactive}">{libelle}{champ}</div>'


class RenduDsfrRapide(DsfrDjangoTemplates):
    """django-dsfr's rendering of fields, with the common cases built in Python.

    A field is two or three templates deep (field group, widget, one include per attribute and
    per option): the filters of a workbench cost more than its queries. Text, date, select,
    checkbox and textarea widgets, and the field group of a valid field, give here the markup of
    their templates (tests/cper/test_rendu_rapide.py compares both); anything else — a field in
    error, a radio list, a custom template — goes to the templates.
    """

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in WIDGETS_PYTHON and all(
            option["template_name"] == OPTION
            for _groupe, options, _index in widget.get("optgroups", ())
            for option in options
        ):
            return WIDGETS_PYTHON[template_name](widget)
        champ = context.get("field")
        if (
            template_name in GROUPES_PYTHON
            and champ is not None
            and champ.widget_type in WIDGETS_GROUPE
            and not champ.field.show_hidden_initial
            and not champ.errors
        ):
            return _groupe_de_champ(champ)
        return super().render(template_name, context, request)


# For the forms on every page of a list (the workbenches' filters).
RENDU_DSFR_RAPIDE = RenduDsfrRapide()

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


class _ChoixLus(forms.models.ModelChoiceIterator):
    """The choices read by one plain query. Django's iterator reads them with
    `QuerySet.iterator()`, which on PostgreSQL declares a server-side cursor (DECLARE … WITH
    HOLD, then FETCH: more round trips, and never a prepared statement) for a few rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        lus = self.field._lus
        for obj in self.queryset.all() if lus is None else lus():
            yield self.choice(obj)


class ChoixModeleField(forms.ModelChoiceField):
    """A ModelChoiceField for a short list of choices (a few volets), read by one plain query
    (`_ChoixLus`). The queryset given to the field is compiled once (`RequeteCompilee`), for
    every form built from its declaration; a queryset set afterwards is read by the ORM."""

    iterator = _ChoixLus

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, **kwargs)
        self._lus = RequeteCompilee(queryset.all)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self._lus = None

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        # Django's copy sets `queryset` to a clone of the same one: the compiled query stays.
        copie = super().__deepcopy__(memo)
        copie._lus = self._lus
        return copie


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


@cache
def formulaire_vide(form_class) -> SafeString:
    """The HTML of an empty, unbound `form_class`, rendered once per process.

    For the forms a page always shows empty (the message and annotation boxes of the dossier
    pages: their POST goes to another view): rendering their DSFR field templates was a tenth
    of those pages' time, for the same markup every time. Only for forms whose fields read
    nothing from the database or the request (no choices, no initial values).
    """
    return form_class().render()


class CperModelForm(CperForm, forms.ModelForm):
    """The DSFR rendering of CperForm for model forms."""


# The field groups of the workbenches' and the agenda's search forms, rendered once per set
# of inputs (see `groupes_rendus`); emptied when full, so that it stays small whatever is searched.
_RENDUS: dict = {}
_RENDUS_MAXIMUM = 512


def groupes_rendus(form, noms: tuple[str, ...], choix: dict[str, list]) -> list[SafeString]:
    """The `as_field_group` markup of the fields `noms` of `form`, from a per-process cache.

    The markup depends only on the form's class, its bound data (and the errors they give),
    the choices of its selects and the language: those are the key. `choix` gives the
    choices read from the database this request (each select's widget reads them from
    there, not a second time). Not for a form whose markup reads anything else (initial
    values, an instance): those would not be in the key."""
    if form.initial or any(champ.initial is not None for champ in form.fields.values()):
        raise ValueError("Des valeurs initiales ne sont pas dans la clé du balisage gardé.")
    for nom, options in choix.items():
        form.fields[nom].widget.choices = options
    donnees = None
    if form.is_bound:  # what the fields read of the query string (not the page's cursor)
        lire = getattr(form.data, "getlist", lambda nom: [form.data.get(nom)])
        donnees = tuple(tuple(lire(form.add_prefix(nom))) for nom in form.fields)
    cle = (
        type(form),
        noms,
        translation.get_language(),
        tuple((nom, tuple(options)) for nom, options in choix.items()),
        donnees,
    )
    rendus = _RENDUS.get(cle)
    if rendus is None:
        rendus = [form[nom].as_field_group() for nom in noms]
        if len(_RENDUS) >= _RENDUS_MAXIMUM:
            _RENDUS.clear()
        _RENDUS[cle] = rendus
    return rendus

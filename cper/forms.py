from django import forms
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

# DsfrBaseForm names a renderer class, so every form built its own template engine and parsed its
# field templates again (about 20 ms per form): one shared renderer keeps them cached.
RENDU_DSFR = DsfrDjangoTemplates()


class CperForm(DsfrBaseForm):
    """DSFR rendering; optional fields are marked, as the DSFR now recommends.

    Put it first among the bases to give Django's own forms (auth, …) the DSFR look.
    """

    default_renderer = RENDU_DSFR

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class CperModelForm(CperForm, forms.ModelForm):
    """The DSFR rendering of CperForm for model forms."""

from django import forms
from dsfr.forms import DsfrBaseForm


class CperForm(DsfrBaseForm):
    """DSFR rendering; optional fields are marked, as the DSFR now recommends.

    Put it first among the bases to give Django's own forms (auth, …) the DSFR look.
    """

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class CperModelForm(CperForm, forms.ModelForm):
    """The DSFR rendering of CperForm for model forms."""

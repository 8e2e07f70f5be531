from django import forms

from .controle import FichierRefuse, aide, controler, extensions_acceptees


class FichierControleField(forms.FileField):
    """The field for any upload: the gate runs in `clean`, its refusal shows under the field.

    The check is kept on the uploaded file (`fichier._controle_cper`): the service that stores
    it reuses it instead of scanning twice. The form needs `par` set by the view (`form.par`)
    only to name the user in an antivirus alert.
    """

    default_error_messages = {
        "empty": "Le fichier est vide : choisissez un fichier qui a un contenu.",
        "required": "Choisissez le fichier à joindre.",
    }

    def __init__(self, *, usage: str, **kwargs):
        self.usage = usage
        kwargs.setdefault("label", "Fichier")
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": extensions_acceptees(usage)})
        )
        super().__init__(**kwargs)
        if not self.help_text:
            self.help_text = aide(usage)
        self.par = None

    def clean(self, data, initial=None):
        fichier = super().clean(data, initial)
        if fichier:
            try:
                controler(fichier, usage=self.usage, par=self.par)
            except FichierRefuse as refus:
                raise forms.ValidationError(str(refus), code="refuse") from None
        return fichier


def designer_deposant(form, user) -> None:
    """Name the user behind the form's uploads (for the antivirus audit)."""
    for champ in form.fields.values():
        if isinstance(champ, FichierControleField):
            champ.par = user

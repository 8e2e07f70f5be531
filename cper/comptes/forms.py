from django import forms
from django.contrib.auth import forms as auth_forms

from cper.forms import CperForm


class ConnexionForm(CperForm, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": (
            "Adresse électronique ou mot de passe incorrect. Après plusieurs essais "
            "infructueux, le compte est temporairement verrouillé."
        ),
        "inactive": "Ce compte est désactivé.",
    }


class MotDePasseOublieForm(CperForm, auth_forms.PasswordResetForm):
    pass


class NouveauMotDePasseForm(CperForm, auth_forms.SetPasswordForm):
    pass


class ChangementMotDePasseForm(CperForm, auth_forms.PasswordChangeForm):
    pass

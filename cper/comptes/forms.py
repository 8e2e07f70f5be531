from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from cper.forms import CperForm

from .models import User


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


class InscriptionForm(CperForm):
    """Sign-up of a porteur; agents' accounts are created by the administrators."""

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Un lien de confirmation vous sera envoyé à cette adresse.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        help_text="Au moins 12 caractères, pas uniquement des chiffres, ni trop courant.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )

    def clean_password2(self):
        mot_de_passe = self.cleaned_data.get("password1")
        confirmation = self.cleaned_data["password2"]
        if mot_de_passe and mot_de_passe != confirmation:
            raise forms.ValidationError(
                "Les deux mots de passe ne sont pas identiques.", code="password_mismatch"
            )
        return confirmation

    def _post_clean(self):
        super()._post_clean()
        mot_de_passe = self.cleaned_data.get("password1")
        if mot_de_passe:
            candidat = User(
                email=self.cleaned_data.get("email", ""),
                first_name=self.cleaned_data.get("first_name", ""),
                last_name=self.cleaned_data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(mot_de_passe, candidat)
            except forms.ValidationError as erreur:
                self.add_error("password1", erreur)


class ConfirmationInscriptionForm(CperForm):
    """The password chosen at sign-up, typed again: only the last sign-up can be confirmed."""

    password = forms.CharField(
        label="Mot de passe choisi à l'inscription",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeSecondFacteurForm(CperForm):
    """A code of the second factor: the application's six digits, or a recovery code."""

    code = forms.CharField(
        label="Code de vérification",
        max_length=32,
        help_text=(
            "Les 6 chiffres affichés par votre application d'authentification, ou l'un de vos "
            "codes de secours."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class CodeApplicationForm(CperForm):
    """The six digits of the TOTP application (enrolment, new recovery codes)."""

    code = forms.CharField(
        label="Code à 6 chiffres affiché par l'application",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

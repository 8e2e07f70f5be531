from oauth2_provider.oauth2_validators import OAuth2Validator


class Validateur(OAuth2Validator):
    """ProConnect's claims: email, given_name, usual_name; `amr` with `mfa` for the people of
    the group « mfa » (their administration asserted a second factor)."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "usual_name": "usual_name",
        "given_name": "given_name",
        "amr": "openid",
    }

    def get_additional_claims(self, request):
        user = request.user
        mfa = user.groups.filter(name="mfa").exists()
        return {
            "email": user.email,
            "email_verified": True,
            "given_name": user.first_name,
            "usual_name": user.last_name,
            "amr": ["pwd", "totp", "mfa"] if mfa else ["pwd"],
        }

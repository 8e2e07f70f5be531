from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from mozilla_django_oidc.views import OIDCLogoutView

from cper.limites import limiter

from . import forms, views

app_name = "comptes"

urlpatterns = [
    path("connexion/", views.Connexion.as_view(), name="connexion"),
    # Ends ProConnect's session too when the person came through it (OIDC_OP_LOGOUT_URL_METHOD).
    path("deconnexion/", OIDCLogoutView.as_view(), name="deconnexion"),
    path("proconnect/", views.ConnexionProConnect.as_view(), name="proconnect_connexion"),
    path("proconnect/retour/", views.RetourProConnect.as_view(), name="proconnect_retour"),
    path("proconnect/deconnecte/", views.proconnect_deconnecte, name="proconnect_deconnecte"),
    path("mon-compte/", views.compte, name="compte"),
    path("second-facteur/", views.verifier_second_facteur, name="second_facteur"),
    path("second-facteur/activer/", views.activer_second_facteur, name="second_facteur_activer"),
    path(
        "second-facteur/codes-de-secours/",
        views.regenerer_codes_secours,
        name="codes_secours",
    ),
    path("inscription/", views.inscription, name="inscription"),
    path("inscription/envoyee/", views.inscription_envoyee, name="inscription_envoyee"),
    path(
        "inscription/confirmer/<str:jeton>/",
        views.confirmer_inscription,
        name="confirmer_inscription",
    ),
    path(
        "mot-de-passe/oubli/",
        limiter("mot_de_passe_oubli")(
            auth_views.PasswordResetView.as_view(
                form_class=forms.MotDePasseOublieForm,
                template_name="comptes/mot_de_passe_oubli.html",
                email_template_name="comptes/email/reinitialisation_body.txt",
                subject_template_name="comptes/email/reinitialisation_subject.txt",
                success_url=reverse_lazy("comptes:mot_de_passe_oubli_envoye"),
                extra_context={"title": "Mot de passe oublié"},
            )
        ),
        name="mot_de_passe_oubli",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="comptes/mot_de_passe_oubli_envoye.html",
            extra_context={"title": "Courriel envoyé"},
        ),
        name="mot_de_passe_oubli_envoye",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.NouveauMotDePasseForm,
            template_name="comptes/nouveau_mot_de_passe.html",
            success_url=reverse_lazy("comptes:nouveau_mot_de_passe_enregistre"),
            extra_context={"title": "Nouveau mot de passe"},
        ),
        name="nouveau_mot_de_passe",
    ),
    path(
        "mot-de-passe/nouveau/enregistre/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="comptes/nouveau_mot_de_passe_enregistre.html",
            extra_context={"title": "Mot de passe enregistré"},
        ),
        name="nouveau_mot_de_passe_enregistre",
    ),
    path(
        "mot-de-passe/changer/",
        auth_views.PasswordChangeView.as_view(
            form_class=forms.ChangementMotDePasseForm,
            template_name="comptes/changer_mot_de_passe.html",
            success_url=reverse_lazy("comptes:mot_de_passe_change"),
            extra_context={"title": "Changer de mot de passe"},
        ),
        name="changer_mot_de_passe",
    ),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="comptes/mot_de_passe_change.html",
            extra_context={"title": "Mot de passe changé"},
        ),
        name="mot_de_passe_change",
    ),
]

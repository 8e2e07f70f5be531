"""Administrators manage the webhooks: subscriptions, their deliveries, « Rejouer »."""

import json

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from api.envoi import AdresseRefusee, corps, verifier_url
from api.models import Abonnement, Livraison
from api.services import webhooks as services
from cper import evenements


def _choix_evenements():
    return [(code, f"{libelle} ({code})") for code, libelle in evenements.types()]


class AbonnementForm(forms.ModelForm):
    url = forms.URLField(
        label="Adresse de réception",
        max_length=500,
        assume_scheme="https",
        help_text="En production, une adresse https:// publique (jamais un réseau privé).",
    )
    types = forms.MultipleChoiceField(
        label="Événements",
        choices=_choix_evenements,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les événements envoyés à cette adresse.",
    )

    class Meta:
        model = Abonnement
        fields = ["nom", "proprietaire", "url", "types", "actif"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            verifier_url(url)
        except AdresseRefusee as exc:
            raise forms.ValidationError(exc.messages) from None
        return url


@admin.register(Abonnement)
class AbonnementAdmin(admin.ModelAdmin):
    form = AbonnementForm
    list_display = ["nom", "url", "proprietaire", "actif", "echecs_consecutifs", "desactive_le"]
    list_filter = ["actif"]
    search_fields = ["nom", "url"]
    autocomplete_fields = ["proprietaire"]
    readonly_fields = [
        "echecs_consecutifs",
        "en_pause_jusqu_au",
        "desactive_le",
        "created_at",
        "livraisons",
    ]
    actions = ["reactiver"]

    @admin.display(description="Livraisons")
    def livraisons(self, abonnement):
        if abonnement.pk is None:
            return "—"
        url = reverse("admin:api_livraison_changelist")
        return format_html(
            '<a href="{}?abonnement__id__exact={}">Voir les livraisons de cet abonnement</a>',
            url,
            abonnement.pk,
        )

    def save_model(self, request, obj, form, change):
        if change and "actif" in form.changed_data and obj.actif:
            obj.reactiver()
        super().save_model(request, obj, form, change)
        if not change:
            # The only time the secret is shown: the receiver needs it to check signatures.
            self.message_user(
                request,
                format_html(
                    "Secret de signature de « {} », à transmettre au destinataire : "
                    "<code>{}</code>. Il ne sera plus affiché.",
                    obj.nom,
                    obj.secret,
                ),
                messages.WARNING,
            )

    @admin.action(description="Réactiver les abonnements sélectionnés")
    def reactiver(self, request, queryset):
        n = services.abonnements_reactiver(abonnements=queryset, par=request.user)
        self.message_user(request, f"{n} abonnement(s) réactivé(s).", messages.SUCCESS)


@admin.register(Livraison)
class LivraisonAdmin(admin.ModelAdmin):
    list_display = [
        "type_evenement",
        "abonnement",
        "statut",
        "statut_http",
        "duree_ms",
        "tentatives",
        "prochain_essai",
        "livree_le",
        "created_at",
    ]
    list_filter = ["statut", "abonnement", "evenement__type"]
    list_select_related = ["evenement", "abonnement"]
    readonly_fields = [
        *(f.name for f in Livraison._meta.fields),
        "identifiant",
        "contenu",
    ]
    actions = ["rejouer"]

    # A delivery is a log: it is read and replayed, never edited nor deleted by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Événement", ordering="evenement__type")
    def type_evenement(self, livraison):
        return livraison.evenement.type

    @admin.display(description="webhook-id")
    def identifiant(self, livraison):
        return livraison.evenement.identifiant

    @admin.display(description="Contenu envoyé")
    def contenu(self, livraison):
        texte = json.dumps(json.loads(corps(livraison.evenement)), ensure_ascii=False, indent=2)
        return format_html("<pre>{}</pre>", texte)

    @admin.action(description="Rejouer les livraisons sélectionnées")
    def rejouer(self, request, queryset):
        rejouees, laissees = services.livraisons_rejouer(livraisons=queryset, par=request.user)
        self.message_user(request, f"{rejouees} livraison(s) rejouée(s).", messages.SUCCESS)
        if laissees:
            self.message_user(
                request,
                f"{laissees} livraison(s) laissée(s) : leur abonnement est inactif. "
                "Réactivez-le d'abord.",
                messages.WARNING,
            )

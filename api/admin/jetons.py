"""Administrators see every API token and may revoke one (a leaked token, a departure)."""

from django.contrib import admin, messages
from django.utils import timezone

from api.models import JetonApi


@admin.register(JetonApi)
class JetonApiAdmin(admin.ModelAdmin):
    list_display = ["nom", "user", "debut", "created_at", "expire_le", "utilise_le", "revoque_le"]
    list_filter = [("revoque_le", admin.EmptyFieldListFilter)]
    search_fields = ["nom", "user__email", "debut"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "nom",
        "debut",
        "expire_le",
        "revoque_le",
        "utilise_le",
        "created_at",
    ]
    fields = readonly_fields
    actions = ["revoquer"]

    def has_add_permission(self, request):
        return False  # each person creates their own, from « Mon compte »

    @admin.action(description="Révoquer les jetons sélectionnés")
    def revoquer(self, request, queryset):
        n = queryset.filter(revoque_le__isnull=True).update(revoque_le=timezone.now())
        self.message_user(request, f"{n} jeton(s) révoqué(s).", messages.SUCCESS)

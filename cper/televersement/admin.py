from django.contrib import admin

from .models import AlerteAntivirus


@admin.register(AlerteAntivirus)
class AlerteAntivirusAdmin(admin.ModelAdmin):
    """Read only: the audit trail of infected files."""

    list_display = ["created_at", "evenement", "usage", "user", "nom", "signature", "sha256"]
    list_filter = ["evenement", "usage"]
    search_fields = ["sha256", "nom", "signature", "user__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

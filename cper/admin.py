from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone

from . import effets
from .enums import EtatEffet
from .models import EffetDiffere, Evenement


@admin.register(EffetDiffere)
class EffetDiffereAdmin(admin.ModelAdmin):
    list_display = ["tache", "arguments", "etat", "tentatives", "prochain_essai", "created_at"]
    list_filter = ["etat", "tache"]
    search_fields = ["cle", "tache"]
    readonly_fields = [f.name for f in EffetDiffere._meta.fields]
    actions = ["relancer"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Relancer maintenant les effets sélectionnés qui ne sont pas faits")
    def relancer(self, request, queryset):
        with transaction.atomic():
            pks = dict(queryset.exclude(etat=EtatEffet.FAIT).values_list("pk", "tache"))
            EffetDiffere.objects.filter(pk__in=pks).update(
                etat=EtatEffet.A_FAIRE, tentatives=0, prochain_essai=timezone.now()
            )
            for pk, tache in pks.items():
                transaction.on_commit(lambda pk=pk, t=tache: effets.publier(pk, t), robust=True)
        self.message_user(request, f"{len(pks)} effet(s) relancé(s).", messages.SUCCESS)


@admin.register(Evenement)
class EvenementAdmin(admin.ModelAdmin):
    """The events published for other systems: read only, as they were written."""

    list_display = ["type", "objet_type", "objet_id", "created_at"]
    list_filter = ["type"]
    search_fields = ["type", "uuid"]
    readonly_fields = [f.name for f in Evenement._meta.fields]
    list_select_related = ["objet_type"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

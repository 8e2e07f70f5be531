from django.contrib import admin

from .models import AgentCofinanceur, GroupeTechnique, MembreGroupe


class MembreGroupeInline(admin.TabularInline):
    model = MembreGroupe
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(GroupeTechnique)
class GroupeTechniqueAdmin(admin.ModelAdmin):
    list_display = ["nom", "liste_volets"]
    search_fields = ["nom"]
    filter_horizontal = ["volets"]
    exclude = ["groupe"]
    inlines = [MembreGroupeInline]

    @admin.display(description="volets couverts")
    def liste_volets(self, obj):
        return ", ".join(str(volet) for volet in obj.volets.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("volets")


@admin.register(AgentCofinanceur)
class AgentCofinanceurAdmin(admin.ModelAdmin):
    """The agents of the Départements and of the MEL who may give their collectivité's avis."""

    list_display = ["user", "financeur"]
    list_filter = ["financeur"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "financeur"]

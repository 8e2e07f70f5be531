from django.contrib import admin

from .models import GroupeTechnique, MembreGroupe


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

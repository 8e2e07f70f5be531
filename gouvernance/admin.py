from django.contrib import admin

from gouvernance.models import (
    Decision,
    Instance,
    MembreInstance,
    MontantProgramme,
    Observation,
    Seance,
)


class MembreInstanceInline(admin.TabularInline):
    model = MembreInstance
    extra = 1
    autocomplete_fields = ["user", "financeur", "departement", "epci", "pole"]


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin):
    list_display = ["nom", "type"]
    inlines = [MembreInstanceInline]

    def has_add_permission(self, request):
        # The two instances of the contract are created by a migration.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MembreInstance)
class MembreInstanceAdmin(admin.ModelAdmin):
    list_display = ["user", "instance", "role", "financeur", "territoire"]
    list_filter = ["instance", "role", "financeur"]
    search_fields = ["user__email", "user__last_name", "user__first_name"]
    autocomplete_fields = ["user", "financeur", "departement", "epci", "pole"]
    list_select_related = ["user", "instance", "financeur", "departement", "epci", "pole"]


class MontantProgrammeInline(admin.TabularInline):
    model = MontantProgramme
    extra = 0


@admin.register(Seance)
class SeanceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "lieu", "etat"]
    list_filter = ["etat"]
    date_hierarchy = "date"
    readonly_fields = [
        "convocation",
        "convocation_envoyee_le",
        "releve",
        "close_le",
        "creee_par",
    ]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "sens", "created_at"]
    list_filter = ["sens"]
    search_fields = ["point__dossier__numero", "point__dossier__intitule"]
    list_select_related = ["point__dossier"]
    inlines = [MontantProgrammeInline]

    def has_change_permission(self, request, obj=None):
        # Decisions are taken in séance, through the services; the admin only reads them.
        return False


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dossier", "auteur"]
    search_fields = ["dossier__numero", "texte"]
    list_select_related = ["dossier", "auteur"]

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .proconnect import proconnect_detacher
from .second_facteur import application_de, second_facteur_reinitialiser

# django-otp's own admin pages show the recovery codes (and, without the setting, TOTP secrets)
# of everyone: an administrator could then pass someone else's second factor. Devices are
# managed from the person's page instead (see, reset).
for modele in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(modele):
        admin.site.unregister(modele)


class CompteCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class CompteChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = CompteChangeForm
    add_form = CompteCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "roles_affiches", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Rôles et droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Connexion", {"fields": ("second_facteur", "proconnect_sub")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "groups", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ("groups",)
    readonly_fields = ("second_facteur", "proconnect_sub", "last_login", "date_joined")
    actions = ["reinitialiser_second_facteur", "detacher_proconnect"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="rôles")
    def roles_affiches(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all()))

    @admin.display(description="second facteur")
    def second_facteur(self, obj):
        application = application_de(obj) if obj.pk else None
        if application is None:
            return "aucune application configurée"
        return f"application configurée le {application.created_at:%d/%m/%Y}"

    @admin.action(description="Réinitialiser le second facteur (téléphone perdu)")
    def reinitialiser_second_facteur(self, request, queryset):
        for user in queryset:
            second_facteur_reinitialiser(user=user, par=request.user)
        self.message_user(
            request,
            f"Second facteur réinitialisé pour {len(queryset)} compte(s) : chacun en configurera "
            "un nouveau à sa prochaine connexion.",
            messages.SUCCESS,
        )

    @admin.action(description="Détacher l'identité ProConnect (identité changée chez ProConnect)")
    def detacher_proconnect(self, request, queryset):
        for user in queryset:
            proconnect_detacher(user=user, par=request.user)
        self.message_user(
            request,
            f"Identité ProConnect détachée pour {len(queryset)} compte(s) : la prochaine "
            "connexion par ProConnect rattachera la nouvelle.",
            messages.SUCCESS,
        )

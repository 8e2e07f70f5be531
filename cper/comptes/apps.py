from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def creer_groupes_des_roles(sender, **kwargs):
    """Keep one group per role, also after a flush (which re-sends post_migrate)."""
    from django.contrib.auth.models import Group

    from .enums import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)


class ComptesConfig(AppConfig):
    name = "cper.comptes"
    label = "comptes"
    verbose_name = "Comptes et rôles"

    def ready(self):
        post_migrate.connect(creer_groupes_des_roles, sender=self)


class AdministrationConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a site that requires the second factor (named in
    INSTALLED_APPS; ComptesConfig stays this module's default)."""

    default = False
    default_site = "cper.comptes.admin_site.SiteAdministration"

"""Scopes are relations now: drop the object-permission tables, django-guardian's with them."""

from django.db import migrations

CODENAMES = ["instruire_dossier", "executer_dossier"]


def supprimer_permissions(apps, schema_editor):
    """The two per-dossier permissions and guardian's content types go with their tables."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="dossiers", codename__in=CODENAMES).delete()
    guardian = ContentType.objects.filter(app_label="guardian")
    Permission.objects.filter(content_type__in=guardian).delete()
    guardian.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("dossiers", "0013_index_des_listes"),
    ]

    operations = [
        migrations.DeleteModel(name="DossierGroupObjectPermission"),
        migrations.DeleteModel(name="DossierUserObjectPermission"),
        migrations.AlterModelOptions(
            name="dossier",
            options={"ordering": ["-updated_at"], "verbose_name": "dossier"},
        ),
        migrations.RunPython(supprimer_permissions, migrations.RunPython.noop),
        # django-guardian is no longer installed: its own tables and migration records go too
        # (absent from a database created after its removal).
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS guardian_userobjectpermission",
                "DROP TABLE IF EXISTS guardian_groupobjectpermission",
                "DELETE FROM django_migrations WHERE app = 'guardian'",
            ],
            migrations.RunSQL.noop,
        ),
    ]

"""A porteur's access is their membership of the structure, nothing else: the structures'
Django groups, their members and their object permissions go."""

from django.db import migrations


def supprimer_groupes_des_structures(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    # Deleting the group removes its user links and its object permissions (cascade).
    Group.objects.filter(name__startswith="structure:").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_piece_statut_antivirus"),
    ]

    operations = [
        migrations.RemoveField(model_name="structure", name="groupe"),
        migrations.RunPython(supprimer_groupes_des_structures, migrations.RunPython.noop),
    ]

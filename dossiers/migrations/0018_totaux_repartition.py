from django.db import migrations


class Migration(migrations.Migration):
    """The kept counts gain a section (`repartition`: per territory × state): they are emptied
    here and rebuilt from scratch right after the migration (`dossiers.apps.remplir_agregats`)."""

    dependencies = [
        ("dossiers", "0017_index_depot"),
    ]

    operations = [
        migrations.RunSQL(
            "DELETE FROM dossiers_totalsuivi;",
            reverse_sql="DELETE FROM dossiers_totalsuivi WHERE section = 'repartition';",
        ),
    ]

"""The routing in force is marked, so the instructors' scope is one indexed relation."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("instruction", "0007_avis_historique_arbitrage_cofinanceurs"),
    ]

    operations = [
        migrations.AddField(
            model_name="routage",
            name="en_vigueur",
            field=models.BooleanField(default=True, verbose_name="en vigueur"),
        ),
        # Only the latest routing of each dossier stays in force.
        migrations.RunSQL(
            """
            UPDATE instruction_routage r SET en_vigueur = false
            WHERE EXISTS (
                SELECT 1 FROM instruction_routage plus_recent
                WHERE plus_recent.dossier_id = r.dossier_id
                  AND (plus_recent.created_at, plus_recent.id) > (r.created_at, r.id)
            )
            """,
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="routage",
            index=models.Index(
                condition=models.Q(("en_vigueur", True)),
                fields=["groupe_technique", "dossier"],
                name="routage_perimetre",
            ),
        ),
        migrations.AddConstraint(
            model_name="routage",
            constraint=models.UniqueConstraint(
                condition=models.Q(("en_vigueur", True)),
                fields=("dossier",),
                name="routage_un_en_vigueur",
            ),
        ),
    ]

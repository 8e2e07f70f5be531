"""A dossier may be filed at both a sous-préfecture and the Conseil régional."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0014_sans_permissions_par_objet"),
        ("referentiel", "0003_avenants_contrat"),
    ]

    operations = [
        migrations.CreateModel(
            name="DepotConjoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "dossier",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="depot_conjoint",
                        to="dossiers.dossier",
                    ),
                ),
                (
                    "guichet",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="depots_conjoints",
                        to="referentiel.guichet",
                    ),
                ),
            ],
            options={
                "verbose_name": "dépôt conjoint",
                "verbose_name_plural": "dépôts conjoints",
                "indexes": [
                    models.Index(fields=["guichet", "dossier"], name="depot_conjoint_perimetre")
                ],
            },
        ),
    ]

from django.db import migrations, models

import dossiers.enums

# The dossier's state copied onto its kept row (as instruction.suivi computes it; written out
# here so that the migration does not follow later code).
REMPLIR = """
    UPDATE instruction_etatinstruction k SET etat = d.etat
    FROM dossiers_dossier d WHERE d.id = k.dossier_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0021_index_instruction"),
        ("instruction", "0010_etat_instruction"),
    ]

    operations = [
        migrations.AddField(
            model_name="etatinstruction",
            name="etat",
            field=models.CharField(
                choices=dossiers.enums.EtatDossier.choices,
                default="",
                max_length=20,
                verbose_name="état du dossier",
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(REMPLIR, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="etatinstruction",
            index=models.Index(
                fields=["groupe_technique", "etat", "avis_etat", "avis_region"],
                name="etat_instruction_onglets",
            ),
        ),
    ]

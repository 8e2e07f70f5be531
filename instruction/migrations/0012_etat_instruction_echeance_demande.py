from django.db import migrations, models

# The open request's deadline copied onto the kept row (as instruction.suivi computes it;
# written out here so that the migration does not follow later code).
REMPLIR = """
    UPDATE instruction_etatinstruction k SET echeance_demande = dc.echeance
    FROM instruction_demandecomplements dc
    WHERE dc.dossier_id = k.dossier_id AND dc.repondue_le IS NULL AND dc.close_le IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0022_index_totaux_du_suivi"),
        ("instruction", "0011_etat_instruction_etat"),
    ]

    operations = [
        migrations.AddField(
            model_name="etatinstruction",
            name="echeance_demande",
            field=models.DateField(
                blank=True,
                null=True,
                verbose_name="échéance de la demande de compléments en attente",
            ),
        ),
        migrations.RunSQL(REMPLIR, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="etatinstruction",
            index=models.Index(
                condition=models.Q(("echeance_demande__isnull", False), ("etat", "incomplet")),
                fields=["echeance_demande"],
                include=("groupe_technique",),
                name="etat_instruction_en_retard",
            ),
        ),
    ]

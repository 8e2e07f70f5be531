"""The kept search text of each dossier (dossiers/recherche.py), filled from its rows, and the
guichet's tabs' index carrying it instead of the three values it is made of."""

from django.db import migrations, models

# dossiers.recherche.DEPUIS_LA_LIGNE as of this migration.
TEXTE = (
    "upper(coalesce(d.numero, '')) || chr(31) || upper(d.intitule) || chr(31) || "
    "upper((SELECT s.raison_sociale FROM dossiers_structure s WHERE s.id = d.structure_id))"
)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0022_index_totaux_du_suivi"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="dossier",
            name="dossier_guichet_etat_idx",
        ),
        migrations.AddField(
            model_name="dossier",
            name="recherche",
            field=models.TextField(
                db_default="", default="", editable=False, verbose_name="texte cherché"
            ),
        ),
        migrations.RunSQL(
            f"UPDATE dossiers_dossier d SET recherche = {TEXTE}",  # noqa: S608
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=["guichet", "etat", "depose_le", "id"],
                include=("recherche",),
                name="dossier_guichet_etat_idx",
            ),
        ),
    ]

"""The in-app notifications moved to the bottom floor (cper): rows copied, then this table goes."""

from django.db import migrations

COLONNES = "user_id, texte, url, lue, cle, created_at"
VERS_CPER = (
    f"INSERT INTO cper_notification ({COLONNES}) SELECT {COLONNES} FROM instruction_notification"  # noqa: E501, S608
)
RETOUR = (
    f"INSERT INTO instruction_notification ({COLONNES}) SELECT {COLONNES} FROM cper_notification"  # noqa: E501, S608
)


class Migration(migrations.Migration):
    dependencies = [
        ("instruction", "0003_piecejointe_statut_antivirus"),
        ("cper", "0002_notifications"),
    ]

    operations = [
        migrations.RunSQL(VERS_CPER, reverse_sql=RETOUR),
        migrations.DeleteModel(name="Notification"),
    ]

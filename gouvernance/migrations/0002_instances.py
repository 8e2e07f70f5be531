"""The contract has exactly two instances: create them once."""

from django.db import migrations

INSTANCES = [
    ("pilotage", "Instance de pilotage et de suivi"),
    ("concertation", "Instance de concertation avec les territoires"),
]


def creer_instances(apps, schema_editor):
    Instance = apps.get_model("gouvernance", "Instance")
    for type_, nom in INSTANCES:
        Instance.objects.get_or_create(type=type_, defaults={"nom": nom})


class Migration(migrations.Migration):
    dependencies = [("gouvernance", "0001_initial")]

    operations = [migrations.RunPython(creer_instances, migrations.RunPython.noop)]

import pytest
from django.core.management import call_command

from demo.comptes import Silence


@pytest.fixture
def referentiel(db, settings):
    settings.SETTINGS_MODULE = "cper.settings.test"  # comptes_demo refuses to run without it
    call_command("import_territoires", verbosity=0, stdout=Silence())
    call_command("charger_referentiel", verbosity=0, stdout=Silence())

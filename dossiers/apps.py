from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = "Dossiers"

    def ready(self):
        from django.core import checks

        from cper.comptes.enums import Role
        from cper.comptes.signals import compte_confirme
        from cper.espaces import enregistrer_espace

        from . import agregats, evenements
        from .services.structures import rejoindre_structures_invitees

        evenements.enregistrer()
        checks.register(agregats.verifier_sources)

        compte_confirme.connect(rejoindre_structures_invitees, dispatch_uid="dossiers.invitations")
        post_migrate.connect(remplir_agregats, sender=self, dispatch_uid="dossiers.agregats")
        enregistrer_espace(
            role=Role.PORTEUR, libelle="Mes dossiers", nom_url="dossiers:index", ordre=10
        )


def remplir_agregats(*, using="default", **kwargs):
    """An existing database gets its aggregate rows once, right after the migration adding them."""
    from django.db import connections

    from . import agregats
    from .models import AgregatFinancement, AgregatVolet, Dossier, SuiviDossier, TotalSuivi

    modeles = [AgregatFinancement, AgregatVolet, SuiviDossier, TotalSuivi]
    tables = connections[using].introspection.table_names()
    # Before the migrations creating them (e.g. migrate to an older state): nothing to fill.
    if not {m._meta.db_table for m in modeles} <= set(tables):
        return
    vides = any(not m.objects.using(using).exists() for m in modeles)
    # A fresh database has no filed dossier yet.
    if vides and Dossier.objects.using(using).filter(numero__isnull=False).exists():
        agregats.reconstruire(using=using)

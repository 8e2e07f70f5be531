from django.apps import AppConfig


class GouvernanceConfig(AppConfig):
    name = "gouvernance"
    verbose_name = "Gouvernance"

    def ready(self):
        from cper.comptes.enums import Role
        from cper.comptes.second_facteur import enregistrer_exigence
        from cper.espaces import enregistrer_espace
        from gouvernance import agregats, evenements
        from gouvernance.selectors.seances import est_secretariat
        from gouvernance.views.porteur import decisions_pour_porteur
        from instruction.extensions import enregistrer_bloc_porteur

        enregistrer_bloc_porteur(decisions_pour_porteur)
        agregats.enregistrer()
        # The secretariat runs the séances and records the decisions: a second factor.
        enregistrer_exigence(est_secretariat)
        for libelle, nom_url, ordre in (
            ("Pilotage", "gouvernance:pilotage", 40),
            ("Séances", "gouvernance:seances", 50),
        ):
            enregistrer_espace(
                role=Role.MEMBRE_PILOTAGE, libelle=libelle, nom_url=nom_url, ordre=ordre
            )
        enregistrer_espace(
            role=Role.MEMBRE_CONCERTATION,
            libelle="Mon territoire",
            nom_url="gouvernance:territoire",
            ordre=60,
        )
        enregistrer_espace(
            role=Role.MEMBRE_CONCERTATION,
            libelle="Séances du territoire",
            nom_url="gouvernance:concertation_seances",
            ordre=65,
        )
        for role in (Role.MEMBRE_PILOTAGE, Role.MEMBRE_CONCERTATION):
            enregistrer_espace(
                role=role, libelle="Mes intérêts", nom_url="gouvernance:interets", ordre=70
            )
        evenements.enregistrer()

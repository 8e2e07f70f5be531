from django.db import models


class NatureEpci(models.TextChoices):
    METROPOLE = "MET", "Métropole"
    COMMUNAUTE_URBAINE = "CU", "Communauté urbaine"
    COMMUNAUTE_AGGLOMERATION = "CA", "Communauté d'agglomération"
    COMMUNAUTE_COMMUNES = "CC", "Communauté de communes"


class ChefLieu(models.TextChoices):
    PREFECTURE = "prefecture", "Préfecture"
    SOUS_PREFECTURE = "sous_prefecture", "Sous-préfecture"


class TypeGuichet(models.TextChoices):
    PREFECTURE = "prefecture", "Préfecture"
    SOUS_PREFECTURE = "sous_prefecture", "Sous-préfecture"
    CONSEIL_REGIONAL = "conseil_regional", "Conseil régional"


class CategorieFinanceur(models.TextChoices):
    """Who a financing line names; `public` below says whether it counts as public aid."""

    ETAT = "etat", "État"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    METROPOLE = "metropole", "Métropole"
    UNION_EUROPEENNE = "union_europeenne", "Union européenne"
    EPCI = "epci", "Autre EPCI"
    COMMUNE = "commune", "Commune"
    AUTOFINANCEMENT = "autofinancement", "Autofinancement"
    AUTRE_PUBLIC = "autre_public", "Autre financeur public"
    PRIVE = "prive", "Financeur privé"

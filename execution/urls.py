from django.urls import path

from execution.views import agents, porteur

app_name = "execution"

urlpatterns = [
    # The porteur
    path("dossiers/<int:pk>/porteur/", porteur.porteur, name="porteur"),
    path("dossiers/<int:pk>/commencer/", porteur.commencer, name="commencer"),
    path(
        "dossiers/<int:pk>/actes/<int:acte_pk>/demander-versement/",
        porteur.demander_versement,
        name="demander_versement",
    ),
    path(
        "dossiers/<int:pk>/demandes/<int:demande_pk>/completer/",
        porteur.completer_demande,
        name="completer_demande",
    ),
    path("dossiers/<int:pk>/abandonner/", porteur.abandonner, name="abandonner"),
    path(
        "dossiers/<int:pk>/actes/<int:acte_pk>/prorogation/",
        porteur.demander_prorogation,
        name="demander_prorogation",
    ),
    # Both
    path(
        "dossiers/<int:pk>/actes/<int:acte_pk>/pdf/",
        porteur.acte_telecharger,
        name="acte_telecharger",
    ),
    path(
        "dossiers/<int:pk>/actes/<int:acte_pk>/versions/<int:version_pk>/pdf/",
        porteur.version_telecharger,
        name="version_telecharger",
    ),
    path(
        "dossiers/<int:pk>/pieces/<int:piece_pk>/",
        porteur.piece_telecharger,
        name="piece_telecharger",
    ),
    # The financeurs' agents
    path("versements/", agents.versements, name="versements"),
    path("versements/mandater/", agents.versements_mandater, name="versements_mandater"),
    path("dossiers/<int:pk>/", agents.dossier, name="dossier"),
    path(
        "dossiers/<int:pk>/financeurs/<int:financeur_pk>/etablir-acte/",
        agents.acte_etablir,
        name="acte_etablir",
    ),
    path("dossiers/<int:pk>/actes/<int:acte_pk>/signer/", agents.acte_signer, name="acte_signer"),
    path(
        "dossiers/<int:pk>/actes/<int:acte_pk>/notifier/",
        agents.acte_notifier,
        name="acte_notifier",
    ),
    path(
        "dossiers/<int:pk>/demandes/<int:demande_pk>/traiter/",
        agents.demande_traiter,
        name="demande_traiter",
    ),
    path(
        "dossiers/<int:pk>/demandes/<int:demande_pk>/mandater/",
        agents.versement_mandater,
        name="versement_mandater",
    ),
    path(
        "dossiers/<int:pk>/reversements/<int:ordre_pk>/recouvrer/",
        agents.reversement_recouvrer,
        name="reversement_recouvrer",
    ),
    path(
        "dossiers/<int:pk>/actes/<int:acte_pk>/avenant/",
        agents.acte_avenant,
        name="acte_avenant",
    ),
    path(
        "dossiers/<int:pk>/prorogations/<int:prorogation_pk>/decider/",
        agents.prorogation_decider,
        name="prorogation_decider",
    ),
    path(
        "dossiers/<int:pk>/caducites/<int:proposition_pk>/confirmer/",
        agents.caducite_confirmer,
        name="caducite_confirmer",
    ),
    path(
        "dossiers/<int:pk>/caducites/<int:proposition_pk>/ecarter/",
        agents.caducite_ecarter,
        name="caducite_ecarter",
    ),
    path("dossiers/<int:pk>/cloturer/", agents.cloturer, name="cloturer"),
]

from django.urls import path

from . import views

app_name = "instruction"

urlpatterns = [
    path("", views.index, name="index"),
    path("guichet/", views.guichet, name="guichet"),
    path("guichet/en-lecture/", views.guichet_lecture, name="guichet_lecture"),
    path("guichet/recevables/", views.recevables_en_lot, name="recevables_en_lot"),
    path("guichet/export.<slug:format_>", views.guichet_export, name="guichet_export"),
    path("guichet/papier/", views.enregistrer_papier, name="enregistrer_papier"),
    path("groupes/", views.groupes, name="groupes"),
    path("groupes/export.<slug:format_>", views.groupes_export, name="groupes_export"),
    path("dossiers/<int:pk>/affectation/", views.affecter, name="affecter"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/recevable/", views.declarer_recevable, name="declarer_recevable"),
    path("dossiers/<int:pk>/groupe/", views.rerouter, name="rerouter"),
    path("dossiers/<int:pk>/irrecevable/", views.declarer_irrecevable, name="declarer_irrecevable"),
    path("dossiers/<int:pk>/clore/", views.clore, name="clore"),
    path("dossiers/<int:pk>/transferer/", views.transferer, name="transferer"),
    path(
        "dossiers/<int:pk>/complements/",
        views.demander_complements,
        name="demander_complements",
    ),
    path("dossiers/<int:pk>/avis/", views.avis, name="avis"),
    path("dossiers/<int:pk>/avis/historique/", views.historique_avis, name="historique_avis"),
    path("dossiers/<int:pk>/arbitrage/", views.arbitrage, name="arbitrage"),
    path("cofinancement/", views.cofinancement, name="cofinancement"),
    path(
        "cofinancement/dossiers/<int:pk>/avis/",
        views.avis_cofinanceur,
        name="avis_cofinanceur",
    ),
    path("dossiers/<int:pk>/conclure/", views.conclure_instruction, name="conclure_instruction"),
    path("dossiers/<int:pk>/annotations/", views.annoter, name="annoter"),
    path("dossiers/<int:pk>/messages/", views.ecrire_agent, name="ecrire_agent"),
    path("dossiers/<int:pk>/rapport.pdf", views.rapport, name="rapport"),
    path(
        "dossiers/<int:pk>/structure/verifier/",
        views.verifier_structure,
        name="verifier_structure",
    ),
    path("dossiers/<int:pk>/structure/adhesions/", views.adhesions, name="adhesions"),
    path("pieces-jointes/<int:pk>/", views.piece_jointe, name="piece_jointe"),
    path("courriers/<int:pk>.pdf", views.courrier, name="courrier"),
    path("porteur/dossiers/<int:pk>/", views.porteur_dossier, name="porteur_dossier"),
    path("porteur/dossiers/<int:pk>/completer/", views.completer, name="completer"),
    path("porteur/dossiers/<int:pk>/messages/", views.ecrire_porteur, name="ecrire_porteur"),
]

"""Events for other systems: every transition of the dossier's machine publishes its own."""

import json
from decimal import Decimal

import pytest
from django.db import transaction

from cper import evenements
from cper.models import Evenement
from dossiers.models import Dossier
from dossiers.services.depot import dossier_deposer, dossier_retirer
from tests.dossiers.complets import dossier_complet
from tests.factories import DossierFactory
from tests.gouvernance import conftest as seances
from tests.programmation import programmer

pytestmark = pytest.mark.django_db

# The instance de pilotage, its secretariat and the financeurs, as in the séances' tests.
pilotage = seances.pilotage
secretariat = seances.secretariat
financeurs = seances.financeurs
volet = seances.volet
creer_instruit = seances.creer_instruit


def test_un_type_par_transition_de_la_machine_puis_les_types_directs():
    codes = [code for code, _ in evenements.types()]
    assert len(codes) == len(set(codes))
    transitions = {t.name for t in Dossier._meta.get_field("etat").get_all_transitions(Dossier)}
    # Derived from the machine: a transition added later (attribuer, solder…) is offered too.
    assert {c.removeprefix("dossier.") for c in codes if c.startswith("dossier.")} == transitions
    assert {"dossier.deposer", "dossier.declarer_recevable", "dossier.programmer"} <= set(codes)
    assert "versement.mandate" in codes
    libelles = dict(evenements.types())
    assert libelles["dossier.programmer"] == "Dossier programmé"
    assert libelles["versement.mandate"] == "Versement mandaté"


def test_le_depot_publie_dossier_deposer(structure, porteur, guichet_douai):
    dossier = dossier_complet(structure=structure, porteur=porteur)
    dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    dossier.refresh_from_db()
    evenement = Evenement.objects.get()
    assert evenement.type == "dossier.deposer"
    assert evenement.objet == dossier
    assert evenement.donnees == {
        "id": dossier.pk,
        "numero": dossier.numero,
        "transition": "deposer",
        "etat_avant": "brouillon",
        "etat_apres": "depose",
        "volet": {"code": dossier.volet.code, "intitule": dossier.volet.intitule},
    }
    assert evenement.identifiant == f"evt_{evenement.uuid.hex}"
    # Public fields only: nobody's name, e-mail or phone.
    texte = json.dumps(evenement.donnees)
    assert porteur.email not in texte
    assert dossier.structure.representant_nom not in texte


def test_un_brouillon_retire_ne_publie_rien(structure, porteur):
    dossier = dossier_complet(structure=structure, porteur=porteur)
    dossier_retirer(dossier=dossier, par=porteur, motif="Projet abandonné")
    assert not Evenement.objects.exists()


def test_programmer_publie_les_montants_decides(structure, secretariat, volet, financeurs):
    dossier = creer_instruit(structure=structure, volet=volet, financeurs=financeurs)
    programmer(dossier, par=secretariat, montants={financeurs["etat"]: Decimal("12000.50")})
    evenement = Evenement.objects.get(type="dossier.programmer")
    assert (evenement.donnees["etat_avant"], evenement.donnees["etat_apres"]) == (
        "instruit",
        "programme",
    )
    assert evenement.donnees["programmation"]["montants"] == [
        {"financeur": {"code": "etat", "nom": "État"}, "montant": "12000.50"}
    ]
    assert evenement.donnees["programmation"]["total"] == "12000.50"


def test_un_type_inconnu_est_refuse():
    dossier = DossierFactory(depose=True)
    with pytest.raises(evenements.TypeInconnu), transaction.atomic():
        evenements.publier(type="dossier.envole", objet=dossier, donnees={})


@pytest.mark.django_db(transaction=True)
def test_un_evenement_se_publie_dans_la_transaction_du_fait():
    """Outside a transaction (a script in autocommit), the event could outlive an unsaved change."""
    dossier = DossierFactory(depose=True)
    with pytest.raises(RuntimeError, match="dans la transaction"):
        evenements.publier(type="versement.mandate", objet=dossier, donnees={})
    assert not Evenement.objects.exists()

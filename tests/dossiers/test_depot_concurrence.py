"""Simultaneous dépôts, with real transactions on two database connections."""

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from dossiers.completude import completude
from dossiers.enums import EtatDossier
from dossiers.models import Dossier, Recepisse, SequenceNumero
from dossiers.services import depot
from dossiers.services.depot import dossier_deposer
from tests.dossiers.complets import dossier_complet
from tests.factories import StructureFactory, UserFactory
from tests.second_facteur import ClientCper

pytestmark = pytest.mark.django_db(transaction=True)


def _en_meme_temps(*actions):
    """Run each action in its own thread (own connection), released together by a barrier."""
    depart = threading.Barrier(len(actions))
    resultats, erreurs = [None] * len(actions), []

    def lancer(i, action):
        try:
            depart.wait(timeout=10)
            resultats[i] = action()
        except Exception as exc:
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=lancer, args=(i, a)) for i, a in enumerate(actions)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not erreurs, erreurs
    return resultats


@pytest.fixture
def depot_lent(monkeypatch):
    """Hold each dépôt half a second inside its transaction, so that the two overlap for sure."""

    def completude_lente(dossier_id):
        time.sleep(0.5)
        return completude(dossier_id)

    monkeypatch.setattr(depot, "completude", completude_lente)


@pytest.mark.parametrize("premier_de_l_annee", [True, False])
def test_deux_depots_simultanes_n_ont_jamais_le_meme_numero(
    premier_de_l_annee,
    depot_lent,
    structure,
    porteur,
    autre_structure,
    autre_porteur,
    guichet_douai,
    guichet_region,
):
    a = dossier_complet(structure=structure, porteur=porteur)
    b = dossier_complet(structure=autre_structure, porteur=autre_porteur)
    if not premier_de_l_annee:
        SequenceNumero.objects.create(annee=timezone.localdate().year, dernier=41)

    numeros = _en_meme_temps(
        lambda: dossier_deposer(dossier=a, par=porteur, guichet=guichet_douai).numero,
        lambda: dossier_deposer(dossier=b, par=autre_porteur, guichet=guichet_region).numero,
    )

    assert numeros[0] != numeros[1]
    premier = 1 if premier_de_l_annee else 42
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numeros) == [premier, premier + 1]
    assert set(Dossier.objects.values_list("numero", flat=True)) == set(numeros)
    # Both récépissés were issued after their own commit.
    assert Recepisse.objects.count() == 2


def test_deux_porteurs_qui_deposent_ensemble_font_un_seul_depot(
    depot_lent, structure, porteur, guichet_douai
):
    collegue = UserFactory(email="collegue@exemple.fr")
    StructureFactory(siret=structure.siret, membres=[collegue])
    dossier = dossier_complet(structure=structure, porteur=porteur)
    url = reverse("dossiers:deposer", args=[dossier.pk])

    def cliquer(user):
        client = ClientCper()
        client.force_login(user)
        reponse = client.post(url, {"guichet": guichet_douai.pk, "confirmation": "on"}, follow=True)
        return reponse.status_code, reponse.content.decode()

    reponses = _en_meme_temps(lambda: cliquer(porteur), lambda: cliquer(collegue))

    assert [statut for statut, _ in reponses] == [200, 200]
    pages = [html for _, html in reponses]
    assert sum("a été déposé auprès du guichet" in html for html in pages) == 1
    # Both passed the page's own check while the dossier was a draft; the row lock made the
    # second one wait for the first commit and then refuse.
    assert sum("Action déjà effectuée" in html for html in pages) == 1
    dossier.refresh_from_db()
    assert dossier.etat == EtatDossier.DEPOSE
    assert dossier.numero.endswith("-00001")
    assert StateLog.objects.for_(dossier).filter(transition="deposer").count() == 1
    assert Recepisse.objects.filter(dossier=dossier).count() == 1

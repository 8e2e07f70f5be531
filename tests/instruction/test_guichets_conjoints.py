"""Filing at a sous-préfecture, the Conseil régional, or both; what each guichet sees."""

import pytest
from django.urls import reverse

from dossiers.enums import EtatDossier as E
from dossiers.models import DepotConjoint, Dossier
from dossiers.services.depot import DepotRefuse, dossier_deposer
from tests.dossiers.complets import dossier_complet
from tests.factories import DossierFactory, FinanceurFactory, LigneFinancementFactory


@pytest.fixture
def brouillon(structure, porteur, guichet_douai, guichet_region):
    return dossier_complet(structure=structure, porteur=porteur, intitule="Halte fluviale")


def _deposer_aux_deux(client, porteur, dossier, guichet):
    client.force_login(porteur)
    return client.post(
        reverse("dossiers:deposer", args=[dossier.pk]),
        {"guichet": guichet.pk, "conjoint": "on", "confirmation": "on"},
        follow=True,
    )


def test_le_porteur_depose_aux_deux_guichets_sous_un_seul_numero(
    client, porteur, brouillon, guichet_douai, guichet_region
):
    reponse = _deposer_aux_deux(client, porteur, brouillon, guichet_douai)
    brouillon.refresh_from_db()
    assert brouillon.etat == E.DEPOSE
    assert (
        f"déposé auprès des guichets « {guichet_douai} » et « {guichet_region} » sous le "
        f"numéro {brouillon.numero}" in reponse.text
    )
    assert brouillon.guichet == guichet_douai
    assert DepotConjoint.objects.get(dossier=brouillon).guichet == guichet_region
    page = " ".join(client.get(reverse("dossiers:detail", args=[brouillon.pk])).text.split())
    assert f"{guichet_douai.nom} et {guichet_region.nom} (dépôt conjoint)" in page


def test_depuis_le_conseil_regional_le_depot_conjoint_ajoute_la_sous_prefecture_suggeree(
    client, porteur, brouillon, guichet_douai, guichet_region
):
    _deposer_aux_deux(client, porteur, brouillon, guichet_region)
    brouillon.refresh_from_db()
    assert brouillon.guichet == guichet_region
    assert brouillon.depot_conjoint.guichet == guichet_douai


def test_un_depot_conjoint_unit_une_sous_prefecture_et_le_conseil_regional(
    porteur, brouillon, guichet_douai
):
    with pytest.raises(DepotRefuse, match="une sous-préfecture et du Conseil régional"):
        dossier_deposer(
            dossier=brouillon, par=porteur, guichet=guichet_douai, guichet_conjoint=guichet_douai
        )


def test_chaque_guichet_le_voit_le_declare_recevable_une_fois_et_voit_qui(
    client, porteur, brouillon, guichet_douai, agent_sp_douai, agent_region, groupe_mobilite
):
    _deposer_aux_deux(client, porteur, brouillon, guichet_douai)
    brouillon.refresh_from_db()
    for agent in (agent_sp_douai, agent_region):
        client.force_login(agent)
        file = client.get(reverse("instruction:guichet")).text
        assert brouillon.numero in file
        assert "Dépôt conjoint : Sous-préfecture de Douai et Conseil régional" in file

    client.force_login(agent_region)
    url = reverse("instruction:declarer_recevable", args=[brouillon.pk])
    client.post(url, {"groupe_technique": groupe_mobilite.pk}, follow=True)
    assert Dossier.objects.get(pk=brouillon.pk).etat == E.EN_INSTRUCTION

    client.force_login(agent_sp_douai)
    page = client.get(reverse("instruction:dossier", args=[brouillon.pk])).text
    assert f"par {agent_region}" in page
    assert "Pour le guichet « Conseil régional Hauts-de-France »" in page
    again = client.post(url, {"groupe_technique": groupe_mobilite.pk}, follow=True)
    assert "Action déjà effectuée" in again.text


def test_la_sous_prefecture_suit_en_lecture_ce_qui_n_est_depose_qu_a_la_region(
    client, structure, commune_douai, guichet_region, agent_sp_douai
):
    a_la_region = DossierFactory(
        depose=True, structure=structure, guichet=guichet_region, communes=[commune_douai]
    )
    client.force_login(agent_sp_douai)
    assert a_la_region.numero not in client.get(reverse("instruction:guichet")).text
    assert a_la_region.numero in client.get(reverse("instruction:guichet_lecture")).text
    assert client.get(reverse("dossiers:detail", args=[a_la_region.pk])).status_code == 200
    # Read only: no action on it.
    url = reverse("instruction:declarer_recevable", args=[a_la_region.pk])
    assert client.get(url).status_code == 404


def test_la_region_suit_en_lecture_ce_qu_elle_cofinance(
    client, structure, guichet_douai, agent_region
):
    region = FinanceurFactory(region=True)
    cofinance = DossierFactory(depose=True, structure=structure, guichet=guichet_douai)
    LigneFinancementFactory(dossier=cofinance, financeur=region, montant_demande=30_000)
    ailleurs = DossierFactory(depose=True, structure=structure, guichet=guichet_douai)
    client.force_login(agent_region)
    lecture = client.get(reverse("instruction:guichet_lecture")).text
    assert cofinance.numero in lecture
    assert ailleurs.numero not in lecture
    assert cofinance.numero not in client.get(reverse("instruction:guichet")).text


@pytest.mark.parametrize("n", [2, 12])
def test_la_liste_en_lecture_a_un_nombre_fixe_de_requetes(
    client, django_assert_num_queries, structure, commune_douai, guichet_region, agent_sp_douai, n
):
    for _ in range(n):
        DossierFactory(
            depose=True, structure=structure, guichet=guichet_region, communes=[commune_douai]
        )
    client.force_login(agent_sp_douai)
    client.get(reverse("instruction:guichet_lecture"))
    # 1 session, 2 user, 3 roles, 4 count of the page, 5 the page of dossiers (structure,
    # volet, guichets, group, avis: joins and subqueries), 6 volets of
    # the filter form.
    with django_assert_num_queries(6):
        reponse = client.get(reverse("instruction:guichet_lecture"))
    assert reponse.status_code == 200


def test_les_guichets_de_l_agent_et_leurs_depots_conjoints_compiles_sont_ceux_de_l_orm(
    agent_sp_douai, agent_region, porteur, structure, guichet_douai, guichet_region
):
    from instruction import perimetres

    seul = DossierFactory(depose=True, structure=structure, guichet=guichet_region)
    conjoints = [
        DossierFactory(depose=True, structure=structure, guichet=guichet_douai) for _ in range(2)
    ]
    for dossier in conjoints:
        DepotConjoint.objects.create(dossier=dossier, guichet=guichet_region)
    agent_region.groups.add(guichet_douai.groupe)  # two guichets
    for user in (agent_sp_douai, agent_region, porteur):
        compilee = perimetres._GUICHETS_ET_CONJOINTS(user_id=user.pk)
        orm = list(perimetres._GUICHETS_ET_CONJOINTS.queryset(user_id=user.pk))
        assert sorted(compilee) == sorted(orm)
    lus = dict(perimetres._GUICHETS_ET_CONJOINTS(user_id=agent_region.pk))
    assert sorted(lus[guichet_region.pk]) == sorted(d.pk for d in conjoints)
    assert lus[guichet_douai.pk] == [] and seul.pk not in lus[guichet_region.pk]
    assert perimetres._GUICHETS_ET_CONJOINTS(user_id=porteur.pk) == []

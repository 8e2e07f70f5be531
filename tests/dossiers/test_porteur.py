"""Mes dossiers and the dossier page: what the porteur (and later the guichet) reads."""

import re

import pytest
from django.urls import reverse

from dossiers.enums import EtatDossier
from dossiers.models import Dossier
from dossiers.selectors import porteur as lecture
from dossiers.services.depot import dossier_deposer
from tests.dossiers.complets import dossier_complet
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    FinanceurFactory,
    LigneDepenseFactory,
    LigneFinancementFactory,
    StructureFactory,
    UserFactory,
)


def _h1(html: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)


@pytest.fixture
def brouillon(structure, porteur):
    dossier = DossierFactory(
        structure=structure, cree_par=porteur, intitule="Voie verte de la Scarpe"
    )
    return dossier


@pytest.fixture
def depose(structure, porteur, guichet_douai, django_capture_on_commit_callbacks):
    dossier = dossier_complet(
        structure=structure, porteur=porteur, intitule="Pôle d'échanges de Douai"
    )
    with django_capture_on_commit_callbacks(execute=True):
        return dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)


def test_mes_dossiers_montre_etat_derniere_modification_et_action_attendue(
    client, porteur, brouillon, depose
):
    client.force_login(porteur)
    html = client.get(reverse("dossiers:index")).content.decode()
    assert _h1(html) == ["Mes dossiers"]
    assert "Voie verte de la Scarpe" in html
    assert "Pôle d&#x27;échanges de Douai" in html
    assert depose.numero in html
    assert "Brouillon" in html and "Déposé" in html
    assert "Compléter puis déposer le dossier" in html
    assert "le guichet vérifie que le dossier est complet" in html
    assert f'href="{reverse("dossiers:detail", args=[brouillon.pk])}"' in html
    assert 'href="/dossiers/nouveau/"' in html and "Nouveau dossier" in html


def test_mes_dossiers_ne_montre_rien_d_une_autre_structure(client, autre_porteur, brouillon):
    client.force_login(autre_porteur)
    html = client.get(reverse("dossiers:index")).content.decode()
    assert "Voie verte de la Scarpe" not in html
    assert "Vous n'avez encore aucun dossier" in html


def test_mes_dossiers_echappe_ce_que_le_porteur_a_tape(client, porteur, structure):
    DossierFactory(structure=structure, intitule="<script>alert(1)</script>")
    client.force_login(porteur)
    html = client.get(reverse("dossiers:index")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_un_agent_n_entre_pas_dans_mes_dossiers(client, agent_sp_douai):
    client.force_login(agent_sp_douai)
    assert client.get(reverse("dossiers:index")).status_code == 403


@pytest.mark.parametrize("nombre", [3, 30])
def test_mes_dossiers_en_nombre_constant_de_requetes(
    client, porteur, structure, nombre, django_assert_num_queries
):
    for _ in range(nombre):
        DossierFactory(structure=structure, depose=True)
    client.force_login(porteur)
    # 1 session, 2 user, 3 the user's roles (decorator and menu share it),
    # 4 paginator count, 5 the page of dossiers with structure and guichet (membership subquery).
    with django_assert_num_queries(5):
        reponse = client.get(reverse("dossiers:index"))
    assert reponse.status_code == 200
    assert reponse.content.decode().count("fr-badge--sm") == min(nombre, 20)


def test_la_page_du_dossier_montre_montants_communes_pieces_et_chronologie(client, porteur, depose):
    client.force_login(porteur)
    html = client.get(reverse("dossiers:detail", args=[depose.pk])).content.decode()
    assert _h1(html) == ["Pôle d&#x27;échanges de Douai"]
    assert depose.numero in html
    assert "Sous-préfecture de Douai" in html
    assert "Douai (59178)" in html
    assert "100\u202f000,00\u00a0€" in html  # eligible cost
    assert "70\u202f000,00\u00a0€" in html and "70,0\u00a0% du coût éligible" in html
    assert "Le plan de financement est équilibré" in html
    # The totals rows are in bold, not the escaped markup of their label.
    assert html.count("<strong>Total</strong>") == 2 and "&lt;strong&gt;" not in html
    assert "Délibération" in html and "Plan de financement signé" in html
    assert "Dossier créé" in html
    assert "Dossier déposé" in html and f"par {porteur.get_full_name()}" in html
    assert "Récépissé de dépôt émis" in html
    assert 'class="fr-breadcrumb"' in html and 'href="/dossiers/"' in html
    assert "Prochaine étape" in html and "le guichet vérifie que le dossier est complet" in html
    assert "Télécharger le récépissé de dépôt" in html
    assert "Retirer le dossier" in html
    # Filed: read-only, no more editing nor dépôt.
    assert "Compléter le dossier" not in html
    assert reverse("dossiers:deposer", args=[depose.pk]) not in html


def test_un_brouillon_propose_de_completer_et_deposer(client, porteur, brouillon):
    client.force_login(porteur)
    html = client.get(reverse("dossiers:detail", args=[brouillon.pk])).content.decode()
    assert "Compléter le dossier" in html
    assert reverse("dossiers:deposer", args=[brouillon.pk]) in html
    assert "Action attendue de votre part" in html


def test_un_collegue_de_la_structure_voit_le_dossier(client, structure, depose):
    collegue = UserFactory(email="collegue@exemple.fr")
    StructureFactory(siret=structure.siret, membres=[collegue])
    client.force_login(collegue)
    html = client.get(reverse("dossiers:detail", args=[depose.pk])).content.decode()
    assert depose.numero in html
    assert "Retirer le dossier" in html


def test_l_agent_du_guichet_de_depot_lit_le_dossier_sans_les_actions_du_porteur(
    client, agent_sp_douai, depose, porteur
):
    client.force_login(agent_sp_douai)
    reponse = client.get(reverse("dossiers:detail", args=[depose.pk]))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert depose.numero in html
    assert "Télécharger le récépissé de dépôt" in html
    assert "Retirer le dossier" not in html
    assert "Action attendue de votre part" not in html


# Drives the model (or the table) directly, around the services that keep the aggregates.
@pytest.mark.agregats_libres
def test_le_porteur_ne_voit_pas_le_nom_des_agents_dans_la_chronologie(
    client, porteur, agent_sp_douai, depose
):
    from django_fsm_log.models import StateLog

    StateLog.objects.create(
        content_object=depose,
        transition="declarer_recevable",
        source_state=EtatDossier.DEPOSE,
        state=EtatDossier.EN_INSTRUCTION,
        by=agent_sp_douai,
    )
    client.force_login(porteur)
    html = client.get(reverse("dossiers:detail", args=[depose.pk])).content.decode()
    assert "Dossier déclaré recevable" in html
    assert "par l&#x27;administration" in html
    assert agent_sp_douai.get_full_name() not in html


# The Région's guichet reads the dossiers it co-finances (this one asks it): not a persona here.
@pytest.mark.parametrize(
    "persona", ["autre_porteur", "instructeur_etat", "inconnu", "administrateur"]
)
def test_la_page_du_dossier_n_existe_pas_hors_perimetre(client, request, persona, depose):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("dossiers:detail", args=[depose.pk])).status_code == 404


def test_un_brouillon_n_est_pas_visible_du_guichet(client, agent_sp_douai, brouillon):
    client.force_login(agent_sp_douai)
    assert client.get(reverse("dossiers:detail", args=[brouillon.pk])).status_code == 404


def test_un_dossier_inexistant_repond_404(client, porteur):
    client.force_login(porteur)
    assert client.get(reverse("dossiers:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("nombre", [3, 30])
def test_la_page_du_dossier_en_nombre_constant_de_requetes(
    client,
    porteur,
    structure,
    guichet_douai,
    nombre,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    for _ in range(nombre):
        DossierFactory(structure=structure)
    dossier = dossier_complet(structure=structure, porteur=porteur)
    dossier.communes.add(*CommuneFactory.create_batch(nombre))
    LigneDepenseFactory.create_batch(nombre, dossier=dossier, montant_ht=0, montant_ttc=0)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    client.force_login(porteur)
    # 1 session, 2 user, 3 roles (menu), 4 the dossier with its structure, volet, guichet,
    # creator, récépissé and the structure's member ids (whether the viewer is one), and as
    # arrays in the same row its communes with EPCI and arrondissement, expense lines,
    # financing lines with financeurs (the totals are summed from both), pieces and the
    # transition log with its authors.
    with django_assert_num_queries(4):
        reponse = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert reponse.status_code == 200


def test_le_porteur_d_un_dossier_incomplet_est_mene_a_la_demande_de_complements(
    client, porteur, structure
):
    dossier = DossierFactory(structure=structure, incomplet=True)
    client.force_login(porteur)
    html = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Répondre à la demande de compléments" in html
    assert reverse("instruction:porteur_dossier", args=[dossier.pk]) in html


@pytest.mark.parametrize("tva_recuperable", [True, False, None])
def test_les_totaux_de_la_page_sont_ceux_de_la_base(porteur, structure, tva_recuperable):
    # The page sums the lines it lists; the same figures as `avec_totaux` in the database.
    dossier = DossierFactory(structure=structure, tva_recuperable=tva_recuperable)
    LigneDepenseFactory(dossier=dossier, montant_ht="1000.10", montant_ttc="1200.12")
    LigneDepenseFactory(dossier=dossier, montant_ht="0.00", montant_ttc="0.00")
    LigneFinancementFactory(dossier=dossier, montant_demande="400.05")
    prive = FinanceurFactory(code="prive", nom="Mécène", public=False, signataire=False)
    LigneFinancementFactory(dossier=dossier, financeur=prive, montant_demande="99.95")
    vide = DossierFactory(structure=structure, tva_recuperable=tva_recuperable)
    champs = (
        "depenses_ht",
        "depenses_ttc",
        "cout_eligible",
        "total_financement",
        "aide_publique",
        "ecart_financement",
    )
    for un_dossier in (dossier, vide):
        page = lecture.dossier_complet(porteur, un_dossier.pk)
        base = Dossier.objects.avec_totaux().values(*champs).get(pk=un_dossier.pk)
        assert {champ: getattr(page, champ) for champ in champs} == base

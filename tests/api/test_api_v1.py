"""The REST API as a program using it would notice: tokens, errors, pages, writes, queries."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.models import JetonApi
from api.services.jetons import jeton_creer
from api.v1.limites import ParJeton
from dossiers.enums import EtatDossier
from dossiers.models import Dossier
from tests.factories import (
    DossierFactory,
    FinanceurFactory,
    LigneDepenseFactory,
    LigneFinancementFactory,
)

pytestmark = pytest.mark.django_db

LISTE = "/api/v1/dossiers/"


def client_avec_jeton(user, **kwargs) -> tuple[Client, str]:
    _jeton, secret = jeton_creer(par=user, nom="Script", duree_jours=30, **kwargs)
    return Client(headers={"Authorization": f"Bearer {secret}"}), secret


def _dossiers(structure, porteur, n, **kwargs):
    financeur = FinanceurFactory()
    dossiers = []
    for _ in range(n):
        dossier = DossierFactory(structure=structure, cree_par=porteur, **kwargs)
        LigneDepenseFactory(dossier=dossier, montant_ht=100_000, montant_ttc=120_000)
        LigneFinancementFactory(dossier=dossier, financeur=financeur, montant_demande=40_000)
        dossiers.append(dossier)
    return dossiers


# --- Tokens ---------------------------------------------------------------------------------


def test_le_jeton_est_montre_une_fois_et_seule_son_empreinte_est_gardee(client, porteur):
    client.force_login(porteur)
    page = client.post(reverse("api:jeton_creer"), {"nom": "Tableur", "duree_jours": "90"})
    assert page.status_code == 200
    jeton = JetonApi.objects.get(user=porteur)
    secret = page.context["secret"]
    assert secret.startswith("cper_") and secret in page.content.decode()
    assert secret not in str(JetonApi.objects.filter(pk=jeton.pk).values().first())
    assert jeton.expire_le.date() == (timezone.now() + datetime.timedelta(days=90)).date()
    compte = client.get(reverse("comptes:compte")).content.decode()
    assert "Tableur" in compte and jeton.debut in compte and secret not in compte
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get(LISTE).status_code == 200


def test_un_nom_de_jeton_hostile_est_refuse_pres_du_champ(client, porteur):
    client.force_login(porteur)
    page = client.post(reverse("api:jeton_creer"), {"nom": "a\x00b", "duree_jours": "90"})
    assert page.status_code == 200
    assert "caractère de contrôle" in page.content.decode()
    assert not JetonApi.objects.exists()


def test_un_jeton_revoque_ne_fonctionne_plus(client, porteur):
    api, _secret = client_avec_jeton(porteur)
    jeton = JetonApi.objects.get(user=porteur)
    client.force_login(porteur)
    reponse = client.post(reverse("api:jeton_revoquer", args=[jeton.pk]), follow=True)
    assert "est révoqué" in reponse.content.decode()
    erreur = api.get(LISTE)
    assert erreur.status_code == 401
    assert erreur.json() == {
        "erreur": {
            "statut": 401,
            "code": "jeton_invalide",
            "message": "Jeton invalide, expiré ou révoqué.",
        }
    }
    assert erreur["WWW-Authenticate"].startswith("Bearer")


def test_on_ne_revoque_pas_le_jeton_d_un_autre(client, porteur, autre_porteur):
    client_avec_jeton(porteur)
    jeton = JetonApi.objects.get(user=porteur)
    client.force_login(autre_porteur)
    assert client.post(reverse("api:jeton_revoquer", args=[jeton.pk])).status_code == 404
    assert JetonApi.objects.get(pk=jeton.pk).revoque_le is None


def test_un_jeton_expire_ne_fonctionne_plus(porteur):
    api, _secret = client_avec_jeton(porteur)
    JetonApi.objects.update(
        created_at=timezone.now() - datetime.timedelta(days=40),
        expire_le=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert api.get(LISTE).status_code == 401


def test_sans_jeton_ou_avec_un_faux(db):
    assert Client().get(LISTE).json()["erreur"]["code"] == "non_authentifie"
    faux = Client(headers={"Authorization": "Bearer cper_inventé"})
    assert faux.get(LISTE).status_code == 401


def test_la_limite_est_comptee_par_jeton(porteur, autre_porteur, monkeypatch):
    monkeypatch.setattr(ParJeton, "THROTTLE_RATES", {"jeton": "3/min", "jeton_ecriture": "1/min"})
    api, _ = client_avec_jeton(porteur)
    autre, _ = client_avec_jeton(autre_porteur)
    assert [api.get(LISTE).status_code for _ in range(4)] == [200, 200, 200, 429]
    erreur = api.get(LISTE)
    assert erreur.json()["erreur"]["code"] == "trop_de_requetes"
    assert "réessayez dans" in erreur.json()["erreur"]["message"]
    assert erreur["Retry-After"]
    assert autre.get(LISTE).status_code == 200  # another token has its own counter


def test_une_adresse_inconnue_repond_en_json(porteur):
    api, _ = client_avec_jeton(porteur)
    reponse = api.get("/api/v1/inexistant/")
    assert reponse.status_code == 404
    assert reponse.json()["erreur"]["code"] == "introuvable"


# --- Lists: filters, pages, queries ---------------------------------------------------------


def test_les_filtres_invalides_sont_expliques_en_francais(porteur):
    api, _ = client_avec_jeton(porteur)
    reponse = api.get(LISTE, {"etat": "perdu", "depose_depuis": "hier", "commune": "<b>"})
    assert reponse.status_code == 400
    erreur = reponse.json()["erreur"]
    assert erreur["code"] == "invalide"
    assert set(erreur["champs"]) == {"etat", "depose_depuis", "commune"}
    assert "n'est pas un choix valide" in erreur["champs"]["etat"][0]


def test_les_filtres(porteur, structure, guichet_douai, commune_douai):
    deposes = _dossiers(
        structure, porteur, 2, depose=True, guichet=guichet_douai, communes=[commune_douai]
    )
    _dossiers(structure, porteur, 1, communes=[])  # a draft, located nowhere yet
    api, _ = client_avec_jeton(porteur)

    def ids(**filtres):
        return {d["id"] for d in api.get(LISTE, filtres).json()["resultats"]}

    attendus = {d.pk for d in deposes}
    assert ids(etat=EtatDossier.DEPOSE) == attendus
    assert ids(guichet=guichet_douai.pk) == attendus
    assert ids(commune=commune_douai.code_insee) == attendus
    assert ids(departement=commune_douai.departement.code) == attendus
    aujourdhui = timezone.localdate().isoformat()
    assert ids(depose_depuis=aujourdhui, depose_jusqu_au=aujourdhui) == attendus
    assert ids(depose_depuis="2015-07-10", depose_jusqu_au="2015-12-31") == set()
    assert ids(volet=99) == set()


def test_la_pagination_par_curseur_parcourt_tout_une_fois(porteur, structure):
    dossiers = _dossiers(structure, porteur, 7)
    api, _ = client_avec_jeton(porteur)
    vus, url, pages = [], f"{LISTE}?taille=3", 0
    while url:
        page = api.get(url).json()
        vus += [d["id"] for d in page["resultats"]]
        url, pages = page["suivant"], pages + 1
    assert pages == 3
    assert vus == sorted((d.pk for d in dossiers), reverse=True)
    assert api.get(LISTE, {"curseur": "nimportequoi"}).status_code == 404


def _requetes(api, url) -> int:
    api.get(url)  # the token's last use is written once, then not at every request
    with CaptureQueriesContext(connection) as requetes:
        assert api.get(url).status_code == 200
    return len(requetes)


@pytest.mark.parametrize("persona", ["porteur", "agent_sp_douai", "membre_pilotage"])
def test_une_page_coute_autant_de_requetes_quel_que_soit_le_nombre_de_lignes(
    request, persona, porteur, structure, guichet_douai
):
    user = request.getfixturevalue(persona)
    api, _ = client_avec_jeton(user)

    def creer(n):
        _dossiers(structure, porteur, n, depose=True, guichet=guichet_douai)

    creer(2)
    petit = _requetes(api, LISTE)
    creer(30)
    assert _requetes(api, LISTE) == petit
    # 1 the token and its owner, 2 their roles, 3 the page with its structure, volet and guichet
    # (the scope is a subquery of it).
    assert petit == 3


def test_la_page_du_territoire_coute_autant_de_requetes(
    membre_concertation_opale, porteur, structure, guichet_douai, commune_douai
):
    from tests.factories import EpciFactory, PoleMetropolitainFactory
    from tests.factories.gouvernance import MembreInstanceFactory
    from tests.factories.gouvernance import instance as instance_du_type

    commune_douai.epci = EpciFactory()
    commune_douai.save()
    MembreInstanceFactory(
        instance=instance_du_type("concertation"),
        user=membre_concertation_opale,
        pole=PoleMetropolitainFactory(membres=[commune_douai.epci]),
    )
    api, _ = client_avec_jeton(membre_concertation_opale)
    _dossiers(structure, porteur, 2, depose=True, guichet=guichet_douai, communes=[commune_douai])
    petit = _requetes(api, LISTE)
    _dossiers(structure, porteur, 20, depose=True, guichet=guichet_douai, communes=[commune_douai])
    assert _requetes(api, LISTE) == petit
    assert len(api.get(LISTE).json()["resultats"]) == 22


def test_un_dossier_coute_autant_de_requetes_quel_que_soit_son_plan(porteur, structure):
    (dossier,) = _dossiers(structure, porteur, 1)
    api, _ = client_avec_jeton(porteur)
    url = reverse("api_v1:dossier", args=[dossier.pk])
    petit = _requetes(api, url)
    for _ in range(10):
        LigneDepenseFactory(dossier=dossier, montant_ht=1000, montant_ttc=1200)
        LigneFinancementFactory(dossier=dossier, montant_demande=10)
    assert _requetes(api, url) == petit
    plan = api.get(url).json()["plan_financement"]
    assert len(plan["depenses"]) == 11 and len(plan["financements"]) == 11
    assert plan["depenses_ttc"] == "132000.00"  # money as a decimal string, never a float


# --- Writes ---------------------------------------------------------------------------------


def test_l_outil_du_porteur_cree_un_brouillon(porteur, structure):
    api, _ = client_avec_jeton(porteur)
    reponse = api.post(
        LISTE,
        {"structure": structure.pk, "intitule": "Pôle d'échanges de Douai"},
        "application/json",
    )
    assert reponse.status_code == 201
    dossier = Dossier.objects.get(pk=reponse.json()["id"])
    assert dossier.etat == EtatDossier.BROUILLON and dossier.cree_par == porteur
    assert reponse.json()["intitule"] == "Pôle d'échanges de Douai"


def test_un_brouillon_pour_la_structure_d_un_autre_est_refuse(porteur, autre_structure):
    api, _ = client_avec_jeton(porteur)
    reponse = api.post(
        LISTE, {"structure": autre_structure.pk, "intitule": "x"}, "application/json"
    )
    assert reponse.status_code == 400
    assert reponse.json()["erreur"]["champs"] == {
        "structure": ["Cette structure n'est pas la vôtre."]
    }
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("corps", "champ"),
    [
        ('{"structure": 1, "intitule": "a\\u0007b"}', "intitule"),
        ('{"structure": "=1+1", "intitule": "x"}', "structure"),
        ('{"intitule": "x"}', "structure"),
        ('{"structure": 1, "intitule": "' + "x" * 300 + '"}', "intitule"),
    ],
)
def test_un_corps_hostile_recoit_une_erreur_par_champ(porteur, structure, corps, champ):
    api, _ = client_avec_jeton(porteur)
    reponse = api.post(
        LISTE, corps.replace('"structure": 1', f'"structure": {structure.pk}'), "application/json"
    )
    assert reponse.status_code == 400
    assert champ in reponse.json()["erreur"]["champs"]
    assert not Dossier.objects.exists()


def test_un_corps_illisible(porteur):
    api, _ = client_avec_jeton(porteur)
    reponse = api.post(LISTE, "{pas du json", "application/json")
    assert reponse.status_code == 400
    assert reponse.json()["erreur"]["code"] == "requete_illisible"


def test_un_agent_ne_cree_pas_de_brouillon(agent_sp_douai, structure):
    api, _ = client_avec_jeton(agent_sp_douai)
    reponse = api.post(LISTE, {"structure": structure.pk, "intitule": "x"}, "application/json")
    assert reponse.status_code == 403
    assert reponse.json()["erreur"]["code"] == "interdit"


def test_le_jeton_d_un_compte_desactive_ne_fonctionne_plus(porteur):
    api, _ = client_avec_jeton(porteur)
    porteur.is_active = False
    porteur.save()
    assert api.get(LISTE).status_code == 401


def test_l_administrateur_revoque_un_jeton(client, administrateur, porteur):
    api, _ = client_avec_jeton(porteur)
    jeton = JetonApi.objects.get(user=porteur)
    client.force_login(administrateur)
    reponse = client.post(
        "/admin/api/jetonapi/",
        {"action": "revoquer", "_selected_action": [jeton.pk]},
        follow=True,
    )
    assert "1 jeton(s) révoqué(s)" in reponse.content.decode()
    assert api.get(LISTE).status_code == 401


def test_le_compte_a_ses_jetons_et_pas_ceux_des_autres(client, porteur, autre_porteur):
    client_avec_jeton(porteur)
    jeton_creer(par=autre_porteur, nom="Jeton de quelqu'un d'autre", duree_jours=30)
    client.force_login(porteur)
    page = client.get(reverse("comptes:compte")).content.decode()
    assert "Script" in page and "quelqu&#x27;un d&#x27;autre" not in page


def test_un_refus_dit_pourquoi(porteur):
    api, _ = client_avec_jeton(porteur)
    erreur = api.get("/api/v1/maquette/").json()["erreur"]
    assert erreur == {
        "statut": 403,
        "code": "interdit",
        "message": "La maquette est réservée à l'instance de pilotage.",
    }


def test_l_api_parle_francais_et_le_site_garde_les_mots_de_django(client, porteur):
    """djangorestframework's catalog words a few of Django's messages its own way: the site's
    forms keep Django's (« courriel »), the API's own messages stay in French."""
    from django.utils.translation import gettext

    assert gettext("Enter a valid email address.") == "Saisissez une adresse de courriel valide."
    api, _ = client_avec_jeton(porteur)
    erreur = api.get(LISTE, {"etat": "x"}).json()["erreur"]
    assert erreur["champs"]["etat"] == ["«\xa0x\xa0» n'est pas un choix valide."]

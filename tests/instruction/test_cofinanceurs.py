"""The co-financing signatories (Départements, MEL) give an optional avis in instruction.

Their access is a relation (the dossier's financing plan names their financeur), never a
django-guardian row.
"""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from cper.comptes.enums import Role
from cper.referentiel.enums import CategorieFinanceur
from dossiers.enums import EtatDossier as E
from instruction import services
from instruction.enums import SensAvis
from instruction.models import AgentCofinanceur, AvisCofinanceur, HistoriqueAvis
from tests.factories import DossierFactory, FinanceurFactory, LigneFinancementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nord(db):
    return FinanceurFactory(
        code="departement-nord",
        nom="Département du Nord",
        categorie=CategorieFinanceur.DEPARTEMENT,
        montant_contractualise=Decimal("183290000.00"),
        ordre=3,
    )


@pytest.fixture
def agent_nord(nord):
    user = UserFactory(
        email="agent@lenord.fr", first_name="Noé", last_name="Nordiste", roles=[Role.INSTRUCTEUR]
    )
    AgentCofinanceur.objects.create(user=user, financeur=nord)
    return user


@pytest.fixture
def plan(dossier_en_instruction, nord):
    etat = FinanceurFactory()
    region = FinanceurFactory(region=True)
    for financeur, montant in ((etat, 40000), (region, 30000), (nord, 20000)):
        LigneFinancementFactory(
            dossier=dossier_en_instruction, financeur=financeur, montant_demande=montant
        )
    return etat, region


def test_l_agent_du_departement_donne_son_avis(
    client, agent_nord, instructeur_etat, dossier_en_instruction, plan
):
    client.force_login(agent_nord)
    page = unescape(client.get(reverse("instruction:cofinancement")).text)
    assert dossier_en_instruction.numero in page
    url = reverse("instruction:avis_cofinanceur", args=[dossier_en_instruction.pk])
    reponse = client.post(
        url,
        {"sens": SensAvis.FAVORABLE, "motivation": "Projet structurant.", "montant": "20000"},
        follow=True,
    )
    page = unescape(reponse.text)
    assert "L'avis — Département du Nord est enregistré." in page
    assert "Avis donné : Favorable" in page
    client.post(url, {"sens": SensAvis.DEFAVORABLE, "motivation": "Hors priorités."})
    avis = AvisCofinanceur.objects.get()
    assert (avis.financeur.code, avis.sens) == ("departement-nord", SensAvis.DEFAVORABLE)
    assert HistoriqueAvis.objects.filter(financeur__code="departement-nord").count() == 2

    # Shown beside the État and Région avis to the instructors.
    client.force_login(instructeur_etat)
    page = unescape(
        client.get(reverse("instruction:dossier", args=[dossier_en_instruction.pk])).text
    )
    assert "Avis des cofinanceurs (facultatifs)" in page
    assert "Département du Nord : Défavorable" in page
    page = unescape(
        client.get(reverse("instruction:historique_avis", args=[dossier_en_instruction.pk])).text
    )
    assert "Sens : Favorable → Défavorable" in page
    assert "Montant proposé — Département du Nord : 20\u202f000,00\u00a0€ → —" in page


def test_conclure_n_attend_pas_l_avis_des_cofinanceurs(
    agent_nord, instructeur_etat, instructeur_region, dossier_en_instruction, plan, client
):
    etat, _ = plan
    for instructeur in (instructeur_etat, instructeur_region):
        services.avis_donner(
            dossier=dossier_en_instruction,
            par=instructeur,
            sens=SensAvis.FAVORABLE,
            motivation="Oui.",
            montants={etat.pk: Decimal(30000)},
        )
    services.dossier_conclure_instruction(dossier=dossier_en_instruction, par=instructeur_etat)
    dossier_en_instruction.refresh_from_db()
    assert dossier_en_instruction.etat == E.INSTRUIT
    # Once instruit, the co-financer reads but no longer gives an avis.
    client.force_login(agent_nord)
    url = reverse("instruction:avis_cofinanceur", args=[dossier_en_instruction.pk])
    page = unescape(client.get(url).text)
    assert "Le dossier n'est plus en instruction" in page
    reponse = client.post(url, {"sens": SensAvis.FAVORABLE, "motivation": "Tard."}, follow=True)
    assert "Action déjà effectuée" in unescape(reponse.text)
    assert not AvisCofinanceur.objects.exists()


def test_hors_de_son_plan_de_financement_rien(
    client, agent_nord, dossier_en_instruction, structure, instructeur_etat
):
    # The dossier does not ask the Département du Nord: not listed, 404.
    LigneFinancementFactory(dossier=dossier_en_instruction, financeur=FinanceurFactory())
    client.force_login(agent_nord)
    assert (
        dossier_en_instruction.numero not in client.get(reverse("instruction:cofinancement")).text
    )
    url = reverse("instruction:avis_cofinanceur", args=[dossier_en_instruction.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"sens": "favorable", "motivation": "x"}).status_code == 404
    # An instructor who is no co-financer's agent gets 404 too.
    client.force_login(instructeur_etat)
    assert client.get(url).status_code == 404
    # A draft naming the Département is not shown either.
    brouillon = DossierFactory(structure=structure)
    LigneFinancementFactory(dossier=brouillon, financeur=agent_nord.cofinanceurs.get().financeur)
    client.force_login(agent_nord)
    url = reverse("instruction:avis_cofinanceur", args=[brouillon.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("n", [2, 20])
def test_liste_des_dossiers_cofinances(
    client, django_assert_num_queries, agent_nord, nord, structure, n
):
    for _ in range(n):
        dossier = DossierFactory(en_instruction=True, structure=structure)
        LigneFinancementFactory(dossier=dossier, financeur=nord)
    client.force_login(agent_nord)
    url = reverse("instruction:cofinancement")
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 the page of dossiers with the three avis (subqueries, the
    # keyset page needs no count), 5 the user's financeurs.
    with django_assert_num_queries(5):
        reponse = client.get(url)
    assert reponse.text.count("/cofinancement/dossiers/") == n


def test_le_rapport_d_instruction_nomme_le_cofinanceur_et_les_ecarts(
    agent_nord, instructeur_etat, instructeur_region, dossier_en_instruction, plan
):
    import io

    from pypdf import PdfReader

    from instruction.documents import rapport_instruction_pdf

    etat, _ = plan
    services.avis_cofinanceur_donner(
        dossier=dossier_en_instruction,
        par=agent_nord,
        sens=SensAvis.FAVORABLE,
        motivation="Le Département soutient le projet.",
        montant=Decimal(18000),
    )
    for instructeur, montant in ((instructeur_etat, 40000), (instructeur_region, 30000)):
        services.avis_donner(
            dossier=dossier_en_instruction,
            par=instructeur,
            sens=SensAvis.FAVORABLE,
            motivation="Oui.",
            montants={etat.pk: Decimal(montant)},
        )
    lecteur = PdfReader(io.BytesIO(rapport_instruction_pdf(dossier_en_instruction)))
    texte = " ".join(" ".join(p.extract_text() for p in lecteur.pages).split())
    assert "Avis du cofinanceur Département du Nord (facultatif) : Favorable" in texte
    assert "Le Département soutient le projet." in texte and "18 000,00 €" in texte
    assert "Montants divergents (écart de plus de 10 % entre les propositions)" in texte
    assert "État — État 40 000,00 €, Région 30 000,00 €." in texte

"""The queues' counts and first and last pages, read by SQL compiled once per shape, are what
the ORM reads for the same scope, filters, tab and sort
(instruction.selectors.lire_file_envoyee)."""

import datetime
import re

import pytest
from django.urls import reverse

from cper.comptes.enums import Role
from dossiers.enums import EtatDossier as E
from dossiers.models import DepotConjoint
from instruction import selectors, services
from instruction.enums import Cote
from tests.factories import DossierFactory, UserFactory
from tests.factories.instruction import AvisFactory, MembreGroupeFactory, router

JETONS = re.compile(r'(csrfmiddlewaretoken" value="|nonce="|csrf-token" content=")[^"]*')
DEMANDES = [
    {},
    {"onglet": "tous"},
    {"onglet": "clos"},
    {"onglet": "en_cours", "fin": "1"},
    {"etat": E.EN_INSTRUCTION},
    {"onglet": "tous", "tri": "numero", "depuis": "2024-02-01", "jusqu_a": "2024-03-31"},
    {"onglet": "tous", "miens": "on"},
    {"onglet": "tous", "tri": "structure", "fin": "1"},
    {"onglet": "tous", "tri": "-depot"},
    {"onglet": "tous", "q": "gare"},
    {"onglet": "tous", "q": "ARE 2", "tri": "intitule"},
    {"onglet": "tous", "q": "e_1"},  # « _ » and « % » are searched as such
    {"onglet": "tous", "q": "100 %"},
    {"onglet": "tous", "commune": "Douai"},
]


def _sans_jetons(html: str) -> str:
    return JETONS.sub("", html)


def _pages(client, url, parametres, monkeypatch):
    """The page as read (by the compiled SQL unless a commune is filtered), and as the ORM
    alone reads it."""
    lues = []
    with monkeypatch.context() as m:
        original = selectors.comptes_compiles
        m.setattr(selectors, "comptes_compiles", lambda *a: lues.append(a) or original(*a))
        compilee = client.get(url, parametres)
    assert bool(lues) == ("commune" not in parametres)
    with monkeypatch.context() as m:
        m.setattr(selectors, "file_compilable", lambda *args: False)
        orm = client.get(url, parametres)
    return _sans_jetons(compilee.text), _sans_jetons(orm.text)


@pytest.fixture
def dossiers(
    structure, guichet_douai, guichet_region, volet, groupe_mobilite, autre_groupe, agent_sp_douai
):
    """Dossiers of every state at Douai, dated over three months, some routed, with avis,
    one filed jointly with the Région, one assigned to the agent."""
    faits = []
    etats = [e for e in E.values if e != E.BROUILLON]
    for i in range(30):
        etat = etats[i % len(etats)]
        trait = {"incomplet": True} if etat == E.INCOMPLET else {"avec_depot": True, "etat": etat}
        dossier = DossierFactory(
            structure=structure,
            guichet=guichet_douai,
            volet=volet if i % 3 else None,
            intitule=f"Gare {i}"
            if i % 4 == 0
            else f"Voie {i} à 100 %"
            if i % 5 == 0
            else f"Voie {i}",
            **trait,
        )
        dossier.depose_le = datetime.datetime(2024, 1 + i % 3, 1 + i, 10, tzinfo=datetime.UTC)
        dossier.save()
        if i % 2:
            router(dossier, groupe_mobilite if i % 5 else autre_groupe)
        if i % 7 == 0:
            AvisFactory(dossier=dossier, cote=Cote.ETAT)
        faits.append(dossier)
    DepotConjoint.objects.create(dossier=faits[1], guichet=guichet_region)
    services.dossier_affecter(dossier=faits[0], par=agent_sp_douai, agent=agent_sp_douai)
    return faits


@pytest.mark.agregats_libres  # the filing dates are moved on the model alone
@pytest.mark.parametrize("parametres", DEMANDES)
def test_la_file_du_guichet_compilee_est_celle_de_l_orm(
    client, monkeypatch, dossiers, agent_sp_douai, agent_region, volet, parametres
):
    for agent in (agent_sp_douai, agent_region):  # without, then with dépôts conjoints
        client.force_login(agent)
        for avec_volet in ({}, {"volet": volet.pk}):
            compilee, orm = _pages(
                client, reverse("instruction:guichet"), {**parametres, **avec_volet}, monkeypatch
            )
            assert compilee == orm


@pytest.mark.agregats_libres
@pytest.mark.parametrize("parametres", DEMANDES)
def test_la_file_des_groupes_compilee_est_celle_de_l_orm(
    client,
    monkeypatch,
    dossiers,
    instructeur_etat,
    instructeur_region,
    autre_groupe,
    volet,
    parametres,
):
    # One side in one group; both sides (one in each group).
    MembreGroupeFactory(groupe_technique=autre_groupe, user=instructeur_region, cote=Cote.ETAT)
    for instructeur in (instructeur_etat, instructeur_region):
        client.force_login(instructeur)
        for avec_volet in ({}, {"volet": volet.pk}):
            compilee, orm = _pages(
                client, reverse("instruction:groupes"), {**parametres, **avec_volet}, monkeypatch
            )
            assert compilee == orm


@pytest.mark.agregats_libres
def test_la_page_suivante_et_la_file_sans_groupe_passent_par_l_orm(
    client, monkeypatch, dossiers, agent_sp_douai
):
    """A cursor's page is built by the ORM; an instructor without a group reads none."""
    client.force_login(agent_sp_douai)
    premiere = client.get(reverse("instruction:guichet"), {"onglet": "tous"}).text
    suivante = re.search(r'rel="next"\s+href="\?([^"]+)"', premiere)
    assert suivante, re.findall(r"<p>.* dossiers?\.</p>|Tous \(\d+\)", premiere)
    parametres = dict(p.split("=", 1) for p in suivante.group(1).replace("&amp;", "&").split("&"))
    compilee, orm = _pages(client, reverse("instruction:guichet"), parametres, monkeypatch)
    assert compilee == orm
    assert "Dossiers" in compilee
    seul = UserFactory(email="sans.groupe@exemple.fr", roles=[Role.INSTRUCTEUR])
    client.force_login(seul)
    assert "Aucun dossier ne correspond." in client.get(reverse("instruction:groupes")).text


def test_un_motif_compile_est_echappe_et_ne_sert_qu_a_icontains(structure, guichet_douai):
    from cper.requetes import RequeteCompilee
    from dossiers.models import Dossier

    DossierFactory(depose=True, structure=structure, guichet=guichet_douai, intitule="Gare_1")
    DossierFactory(depose=True, structure=structure, guichet=guichet_douai, intitule="Gare21")
    cherche = RequeteCompilee(
        lambda texte: Dossier.objects.filter(intitule__icontains=texte).values_list(
            "intitule", flat=True
        ),
        motifs=("texte",),
    )
    assert cherche(texte="e_1") == ["Gare_1"]
    assert sorted(cherche(texte="GARE")) == ["Gare21", "Gare_1"]
    assert cherche(texte="%") == []
    exacte = RequeteCompilee(
        lambda texte: Dossier.objects.filter(intitule__iexact=texte), motifs=("texte",)
    )
    with pytest.raises(ValueError):
        exacte(texte="Gare_1")

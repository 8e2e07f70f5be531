"""Each agent's workbench opens on what is theirs to act on, with a count per tab."""

import datetime

from django.urls import reverse

from instruction.enums import Cote
from tests.factories import DossierFactory
from tests.factories.instruction import AvisFactory, router


def _au_guichet(guichet, structure, **etat):
    return DossierFactory(structure=structure, guichet=guichet, **etat)


def test_le_guichet_ouvre_sur_les_dossiers_a_traiter(
    client, agent_sp_douai, structure, guichet_douai
):
    ancien = _au_guichet(
        guichet_douai,
        structure,
        rejete=True,
        intitule="Rejeté en 2020",
        depose_le=datetime.datetime(2020, 3, 2, 10, tzinfo=datetime.UTC),
    )
    a_traiter = _au_guichet(guichet_douai, structure, depose=True, intitule="Halte fluviale")
    incomplet = _au_guichet(guichet_douai, structure, incomplet=True, intitule="Piste cyclable")
    client.force_login(agent_sp_douai)
    html = client.get(reverse("instruction:guichet")).text
    assert a_traiter.intitule in html
    assert ancien.intitule not in html
    assert incomplet.intitule not in html
    assert 'aria-current="page">À traiter (1)</a>' in html
    assert "En cours ailleurs (1)" in html
    assert "Clos ou décidés (1)" in html
    # The closed ones one click away, the latest first.
    clos = client.get(reverse("instruction:guichet"), {"onglet": "clos"}).text
    assert ancien.intitule in clos
    assert a_traiter.intitule not in clos


def test_les_comptes_des_onglets_suivent_la_recherche(
    client, agent_sp_douai, structure, guichet_douai
):
    _au_guichet(guichet_douai, structure, depose=True, intitule="Gare de Somain")
    _au_guichet(guichet_douai, structure, depose=True, intitule="Voie verte")
    _au_guichet(guichet_douai, structure, rejete=True, intitule="Gare de Douai")
    client.force_login(agent_sp_douai)
    html = client.get(reverse("instruction:guichet"), {"q": "gare"}).text
    assert "À traiter (1)" in html
    assert "Clos ou décidés (1)" in html
    assert "Tous (2)" in html
    # Each tab's link keeps the search.
    assert "q=gare&amp;onglet=clos" in html


def test_l_instructeur_ouvre_sur_les_avis_attendus_de_son_cote(
    client, instructeur_etat, structure, guichet_douai, groupe_mobilite, agent_sp_douai
):
    attendu = router(
        _au_guichet(guichet_douai, structure, en_instruction=True, intitule="Avis à donner"),
        groupe_mobilite,
        par=agent_sp_douai,
    )
    donne = router(
        _au_guichet(guichet_douai, structure, en_instruction=True, intitule="Avis donné"),
        groupe_mobilite,
        par=agent_sp_douai,
    )
    AvisFactory(dossier=donne, cote=Cote.ETAT)
    # The Région's avis on the first one does not make it the État's any less to do.
    AvisFactory(dossier=attendu, cote=Cote.REGION)
    client.force_login(instructeur_etat)
    html = client.get(reverse("instruction:groupes")).text
    assert attendu.intitule in html
    assert donne.intitule not in html
    assert "À traiter (1)" in html
    assert "En cours ailleurs (1)" in html
    en_cours = client.get(reverse("instruction:groupes"), {"onglet": "en_cours"}).text
    assert donne.intitule in en_cours


def test_les_deux_avis_donnes_l_instruction_est_a_conclure(
    client, instructeur_etat, structure, guichet_douai, groupe_mobilite, agent_sp_douai
):
    dossier = router(
        _au_guichet(guichet_douai, structure, en_instruction=True, intitule="Deux avis"),
        groupe_mobilite,
        par=agent_sp_douai,
    )
    AvisFactory(dossier=dossier, cote=Cote.ETAT)
    AvisFactory(dossier=dossier, cote=Cote.REGION)
    client.force_login(instructeur_etat)
    html = client.get(reverse("instruction:groupes")).text
    assert "Deux avis" in html
    assert "En cours ailleurs (0)" in html

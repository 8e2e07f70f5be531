"""Each agent's workbench opens on what is theirs to act on, with a count per tab."""

import datetime

import pytest
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


def test_les_onglets_du_guichet_partagent_tous_ses_etats():
    """« Tous » is counted as the sum of the three others: every filed state in one of them."""
    from dossiers.enums import EtatDossier as E
    from instruction import selectors

    etats = [
        etat for cle in ("a_traiter", "en_cours", "clos") for etat in selectors.ETATS_GUICHET[cle]
    ]
    assert sorted(etats) == sorted(set(E.values) - {E.BROUILLON})


def test_le_compte_de_tous_est_borne_comme_les_autres():
    from cper.pagination import PLAFOND, Compte
    from instruction import selectors

    exacts = {"a_traiter": Compte(3), "en_cours": Compte(400), "clos": Compte(500)}
    assert str(selectors.somme_des_onglets(exacts)) == "903"
    exacts["clos"] = Compte(PLAFOND + 1)
    assert str(selectors.somme_des_onglets(exacts)) == "plus de 1\xa0000"
    exacts.update(en_cours=Compte(600), clos=Compte(600))
    assert selectors.somme_des_onglets(exacts).depasse


def test_chaque_dossier_est_dans_un_seul_des_trois_premiers_onglets(
    agent_sp_douai, instructeur_etat, structure, guichet_douai, groupe_mobilite
):
    """What counting « tous » as the sum of the others relies on, in every state and with
    every avis given or not."""
    from dossiers.enums import EtatDossier as E
    from instruction import selectors

    dossiers = []
    for etat in set(E.values) - {E.BROUILLON}:
        trait = {"incomplet": True} if etat == E.INCOMPLET else {"avec_depot": True, "etat": etat}
        dossiers.append(_au_guichet(guichet_douai, structure, **trait))
    for cotes in ([Cote.ETAT], [Cote.REGION], [Cote.ETAT, Cote.REGION]):
        dossier = _au_guichet(guichet_douai, structure, en_instruction=True)
        for cote in cotes:
            AvisFactory(dossier=dossier, cote=cote)
        dossiers.append(dossier)
    for dossier in dossiers:
        router(dossier, groupe_mobilite)
    for onglets in (
        selectors.onglets_guichet(selectors.file_du_guichet(agent_sp_douai)),
        selectors.onglets_groupes(instructeur_etat),
    ):
        tous = set(onglets[selectors.TOUS].values_list("pk", flat=True))
        assert tous == {dossier.pk for dossier in dossiers}
        parts = [
            list(onglets[cle].values_list("pk", flat=True))
            for cle in (selectors.A_TRAITER, selectors.EN_COURS, selectors.CLOS)
        ]
        assert sorted(pk for part in parts for pk in part) == sorted(tous)


def test_les_etats_des_onglets_des_instructeurs_sont_ecrits_dans_le_sql(
    instructeur_etat, groupe_mobilite
):
    """Literals, not parameters: a prepared statement's generic plan then still estimates
    each state from the statistics (« en instruction » is a fifth of the dossiers)."""
    from dossiers.enums import EtatDossier as E
    from instruction import selectors

    for cle, queryset in selectors.onglets_groupes(instructeur_etat).items():
        sql, params = queryset.query.sql_with_params()
        if cle != selectors.TOUS:
            assert f"'{E.EN_INSTRUCTION}'" in sql
        assert not any(str(p) in E.values for p in params)


def test_les_etats_des_onglets_du_guichet_sont_ecrits_dans_le_sql(agent_sp_douai):
    """Bound, the states left the generic plan of a search's counts an unknown share of the
    guichet's dossiers: PostgreSQL planned the statement again on every page."""
    from dossiers.enums import EtatDossier as E
    from instruction import selectors

    onglets = selectors.onglets_guichet(selectors.file_du_guichet(agent_sp_douai))
    for cle, queryset in onglets.items():
        sql, params = queryset.query.sql_with_params()
        for etat in selectors.ETATS_GUICHET.get(cle, ()):
            assert f"'{etat}'" in sql
        assert not any(str(p) in E.values for p in params)


def test_un_nom_du_code_seulement_s_ecrit_dans_le_sql():
    from cper.requetes import Constante

    for valeur in ("en instruction'; --", "", 1, "Depose"):
        with pytest.raises(ValueError):
            Constante(valeur)


def test_les_groupes_et_cotes_compiles_sont_ceux_de_l_orm(
    instructeur_etat, instructeur_region, groupe_mobilite, autre_groupe
):
    from instruction import selectors
    from tests.factories.instruction import MembreGroupeFactory

    MembreGroupeFactory(groupe_technique=autre_groupe, user=instructeur_etat, cote=Cote.REGION)
    for user in (instructeur_etat, instructeur_region):
        compilee = selectors._GROUPES_ET_COTES(user_id=user.pk)
        assert sorted(compilee) == sorted(selectors._GROUPES_ET_COTES.queryset(user_id=user.pk))
    assert sorted(selectors._GROUPES_ET_COTES(user_id=instructeur_etat.pk)) == sorted(
        [(groupe_mobilite.pk, Cote.ETAT), (autre_groupe.pk, Cote.REGION)]
    )


def test_en_cours_et_clos_des_instructeurs_peuvent_lire_leurs_index_partiels(
    instructeur_etat, groupe_mobilite, dossier_en_instruction
):
    """Their conditions imply the partial indexes' (`dossier_instruction_idx`,
    `dossier_hors_instruction_idx`): PostgreSQL walks those instead of every dossier."""
    from django.db import connection, transaction

    from cper.pagination import requete_bornee
    from instruction import selectors

    onglets = selectors.onglets_groupes(instructeur_etat)
    for cle, index in (
        (selectors.EN_COURS, "dossier_instruction_idx"),
        (selectors.CLOS, "dossier_hors_instruction_idx"),
    ):
        sql, params = requete_bornee(onglets[cle]).query.sql_with_params()
        with transaction.atomic(), connection.cursor() as curseur:
            for reglage in ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin"):
                curseur.execute(f"SET LOCAL {reglage} = off")
            curseur.execute("EXPLAIN " + sql, params)
            plan = "\n".join(ligne[0] for ligne in curseur.fetchall())
        assert index in plan, plan

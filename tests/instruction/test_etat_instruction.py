"""The kept instruction state (`EtatInstruction`) follows the services, and the workbenches
read it: each tab is a condition on one kept row, not a subquery on the routings or avis."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cper.pagination import compter_sql
from dossiers.enums import EtatDossier as E
from dossiers.models import DepotConjoint
from instruction import selectors, services, suivi
from instruction.enums import Cote
from instruction.models import EtatInstruction
from tests.factories import DossierFactory, GuichetFactory
from tests.factories.instruction import MembreGroupeFactory, router


def _kept(dossier):
    return EtatInstruction.objects.filter(dossier=dossier).values_list(
        "groupe_technique", "avis_etat", "avis_region"
    )


def test_les_services_tiennent_l_etat_d_instruction(
    dossier_depose, agent_sp_douai, groupe_mobilite, autre_groupe, instructeur_etat
):
    assert not _kept(dossier_depose).exists()
    services.dossier_declarer_recevable(
        dossier=dossier_depose, par=agent_sp_douai, groupe_technique=groupe_mobilite
    )
    assert list(_kept(dossier_depose)) == [(groupe_mobilite.pk, False, False)]
    services.avis_donner(
        dossier=dossier_depose,
        par=instructeur_etat,
        sens="favorable",
        motivation="Bien.",
        montants={},
    )
    assert list(_kept(dossier_depose)) == [(groupe_mobilite.pk, True, False)]
    services.dossier_rerouter(
        dossier=dossier_depose, par=agent_sp_douai, groupe_technique=autre_groupe, commentaire="."
    )
    assert list(_kept(dossier_depose)) == [(autre_groupe.pk, True, False)]
    assert suivi.ecarts() == []


def test_ecarts_signale_une_ligne_perimee_et_reconstruire_la_corrige(dossier_en_instruction):
    EtatInstruction.objects.filter(dossier=dossier_en_instruction).update(avis_region=True)
    assert [ligne[0] for ligne in suivi.ecarts()] == [dossier_en_instruction.pk]
    assert suivi.reconstruire() == 1
    assert suivi.ecarts() == []


def test_la_ligne_suit_l_etat_du_dossier(dossier_en_instruction, instructeur_etat):
    """Each transition of the dossier copies its new state onto its kept row."""
    assert EtatInstruction.objects.get(dossier=dossier_en_instruction).etat == E.EN_INSTRUCTION
    services.dossier_demander_complements(
        dossier=dossier_en_instruction,
        par=instructeur_etat,
        motif="Pièce manquante.",
        pieces=[],
        echeance=timezone.localdate() + datetime.timedelta(days=10),
    )
    assert EtatInstruction.objects.get(dossier=dossier_en_instruction).etat == E.INCOMPLET
    assert suivi.ecarts() == []


def test_la_ligne_suit_l_echeance_de_la_demande_ouverte(
    dossier_en_instruction, instructeur_etat, porteur, agent_sp_douai, time_machine
):
    """The open request's deadline is on the kept row while the porteur is awaited, and off it
    once the request is answered or closed: what the groups' overdue requests are read from."""

    def echeance():
        return EtatInstruction.objects.get(dossier=dossier_en_instruction).echeance_demande

    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC))
    demander = {
        "dossier": dossier_en_instruction,
        "par": instructeur_etat,
        "motif": "Pièce manquante.",
        "pieces": [],
    }
    services.dossier_demander_complements(**demander, echeance=datetime.date(2026, 3, 20))
    assert echeance() == datetime.date(2026, 3, 20)
    services.dossier_completer(dossier=dossier_en_instruction, par=porteur, reponse="La voici.")
    assert echeance() is None
    assert suivi.ecarts() == []
    services.dossier_demander_complements(**demander, echeance=datetime.date(2026, 3, 25))
    assert echeance() == datetime.date(2026, 3, 25)
    time_machine.move_to(datetime.datetime(2026, 4, 2, 10, tzinfo=datetime.UTC))
    services.dossier_clore_incomplet(
        dossier=dossier_en_instruction,
        par=agent_sp_douai,
        issue="classement",
        motif="Sans réponse.",
    )
    assert echeance() is None
    assert suivi.ecarts() == []


def test_ecarts_signale_une_echeance_perimee(dossier_en_instruction):
    EtatInstruction.objects.filter(dossier=dossier_en_instruction).update(
        echeance_demande=datetime.date(2026, 3, 20)
    )
    assert [ligne[0] for ligne in suivi.ecarts()] == [dossier_en_instruction.pk]
    assert suivi.reconstruire() == 1
    assert suivi.ecarts() == []


def test_ecarts_signale_un_etat_perime(dossier_en_instruction):
    EtatInstruction.objects.filter(dossier=dossier_en_instruction).update(etat=E.INSTRUIT)
    assert [ligne[0] for ligne in suivi.ecarts()] == [dossier_en_instruction.pk]
    assert suivi.reconstruire() == 1
    assert suivi.ecarts() == []


def test_les_comptes_lisent_les_lignes_tenues_et_valent_les_onglets(
    dossier_en_instruction, instructeur_etat, groupe_mobilite
):
    """The counts of the tabs without filters read the kept rows alone, with the very
    conditions of the tabs the page lists."""
    for trait in ("incomplet", "instruit", "programme"):
        router(DossierFactory(**{trait: True}), groupe_mobilite)
    perimetre = selectors.perimetre_des_groupes(instructeur_etat)
    comptes = selectors.comptes_compiles(
        perimetre, {}, instructeur_etat.pk, selectors.LIBELLES_ONGLETS
    )
    onglets = selectors.onglets_groupes(instructeur_etat)
    for cle, (sql, _params) in comptes.items():
        assert "dossiers_dossier" not in sql, cle
    lus = compter_sql(comptes, "default")
    assert {cle: compte.nombre for cle, compte in lus.items()} == {
        cle: queryset.count() for cle, queryset in onglets.items()
    }
    assert lus[selectors.CLOS].nombre == 1


def test_le_cote_est_celui_du_groupe_en_vigueur(
    client, dossier_en_instruction, instructeur_etat, autre_groupe, agent_sp_douai
):
    """An instructor on the Région side in the new group waits on the Région's avis there,
    even though the État side (hers in the former group) has given its own."""
    MembreGroupeFactory(groupe_technique=autre_groupe, user=instructeur_etat, cote=Cote.REGION)
    services.avis_donner(
        dossier=dossier_en_instruction,
        par=instructeur_etat,
        sens="favorable",
        motivation="Bien.",
        montants={},
    )
    services.dossier_rerouter(
        dossier=dossier_en_instruction,
        par=agent_sp_douai,
        groupe_technique=autre_groupe,
        commentaire="Mauvais groupe.",
    )
    onglets = selectors.onglets_groupes(instructeur_etat)
    assert list(onglets[selectors.A_TRAITER]) == [dossier_en_instruction]
    assert not onglets[selectors.EN_COURS].exists()


def test_les_onglets_des_instructeurs_lisent_l_etat_tenu(instructeur_etat, groupe_mobilite):
    onglets = selectors.onglets_groupes(instructeur_etat)
    for onglet, queryset in onglets.items():
        sql = str(selectors.filtrer(queryset).query)
        assert "instruction_etatinstruction" in sql, onglet
        # No semi-join on the routings, no subquery on the avis per row.
        assert "instruction_routage" not in sql, onglet
        assert "instruction_avis" not in sql, onglet


def test_la_file_du_guichet_nomme_ses_guichets(
    client, agent_sp_douai, structure, guichet_douai, agent_region, guichet_region
):
    """The guichet's tabs are ranges of the (guichet, state, dépôt) index: the guichets are
    named, no OR of subqueries; a dépôt conjoint is still in both workbenches."""
    conjoint = DossierFactory(depose=True, structure=structure, guichet=guichet_douai)
    DepotConjoint.objects.create(dossier=conjoint, guichet=guichet_region)
    DossierFactory(depose=True, structure=structure, guichet=GuichetFactory())
    seul = selectors.file_du_guichet(agent_sp_douai)
    sql = str(selectors.onglets_guichet(seul)[selectors.A_TRAITER].query)
    assert "dossiers_depotconjoint" not in sql
    assert "SELECT" not in sql.split("WHERE", 1)[1]
    assert list(seul) == [conjoint]
    assert list(selectors.file_du_guichet(agent_region)) == [conjoint]
    assert set(selectors.file_du_guichet(agent_region)) == set(
        selectors.dossiers_du_guichet(agent_region)
    )
    client.force_login(agent_region)
    assert conjoint.numero in client.get(reverse("instruction:guichet")).text


def test_les_files_des_agents_ont_les_memes_dossiers_que_leurs_perimetres(
    agent_sp_douai, instructeur_etat, dossier_en_instruction, dossier_depose
):
    assert set(selectors.file_du_guichet(agent_sp_douai)) == set(
        selectors.dossiers_du_guichet(agent_sp_douai)
    )
    assert set(selectors.onglets_groupes(instructeur_etat)[selectors.TOUS]) == {
        dossier_en_instruction
    }
    assert dossier_depose.etat == E.DEPOSE

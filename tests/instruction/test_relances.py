"""Reminders of requests for complements fire seven days before the deadline and on the day."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from instruction.tasks import relancer_complements
from tests.factories.instruction import DemandeComplementsFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _a(jour):
    return time_machine.travel(datetime.datetime.combine(jour, datetime.time(8, 0), PARIS))


def test_relances_a_j_moins_7_et_le_jour_meme_une_seule_fois(db, porteur, structure):
    echeance = datetime.date(2016, 3, 20)
    demande = DemandeComplementsFactory(dossier__structure=structure, echeance=echeance)
    with _a(datetime.date(2016, 3, 12)):
        assert relancer_complements() == 0
    with _a(datetime.date(2016, 3, 13)):
        assert relancer_complements() == 1
        assert relancer_complements() == 0
    assert [m.to for m in mail.outbox] == [[porteur.email]]
    assert "dans 7 jours" in mail.outbox[0].subject
    assert "20 mars 2016" in mail.outbox[0].body
    with _a(datetime.date(2016, 3, 19)):
        assert relancer_complements() == 0
    with _a(echeance):
        assert relancer_complements() == 1
    assert "aujourd'hui" in mail.outbox[1].subject
    demande.refresh_from_db()
    assert demande.relance_j7_le and demande.relance_echeance_le


def test_une_demande_repondue_n_est_pas_relancee(db, porteur, structure):
    echeance = datetime.date(2016, 3, 20)
    DemandeComplementsFactory(
        dossier__structure=structure,
        echeance=echeance,
        reponse="Fait",
        repondue_par=porteur,
        repondue_le=datetime.datetime(2016, 3, 1, tzinfo=PARIS),
    )
    with _a(datetime.date(2016, 3, 13)):
        assert relancer_complements() == 0


def test_les_demandes_en_retard_sont_listees_pour_les_agents(
    client, agent_sp_douai, structure, guichet_douai
):
    demande = DemandeComplementsFactory(
        dossier__structure=structure,
        dossier__guichet=guichet_douai,
        echeance=datetime.date(2016, 3, 20),
    )
    client.force_login(agent_sp_douai)
    with _a(datetime.date(2016, 3, 20)):
        assert "en retard" not in client.get(reverse("instruction:guichet")).text
    with _a(datetime.date(2016, 3, 21)):
        page = client.get(reverse("instruction:guichet")).text
    assert "Demandes de compléments en retard" in page
    assert demande.dossier.numero in page


def test_une_notification_rejouee_ne_part_qu_une_fois(db, porteur, structure):
    from cper.models import Notification
    from instruction.tasks import notifier

    demande = DemandeComplementsFactory(dossier__structure=structure)
    assert notifier(demande.dossier_id, "complements_demandes", "cle-1") == 1
    assert notifier(demande.dossier_id, "complements_demandes", "cle-1") == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.get().user == porteur


def test_chacun_ne_voit_en_retard_que_les_demandes_de_son_perimetre(
    client,
    agent_sp_douai,
    instructeur_etat,
    structure,
    guichet_douai,
    guichet_region,
    groupe_mobilite,
    autre_groupe,
):
    from tests.factories.instruction import router

    a_douai = DemandeComplementsFactory(
        dossier__structure=structure,
        dossier__guichet=guichet_douai,
        echeance=datetime.date(2016, 3, 20),
    )
    a_la_region = DemandeComplementsFactory(
        dossier__structure=structure,
        dossier__guichet=guichet_region,
        echeance=datetime.date(2016, 3, 20),
    )
    router(a_la_region.dossier, groupe_mobilite)
    # Once routed to the group, then rerouted elsewhere: no longer the group's.
    ailleurs = DemandeComplementsFactory(
        dossier__structure=structure,
        dossier__guichet=guichet_region,
        echeance=datetime.date(2016, 3, 20),
    )
    router(ailleurs.dossier, groupe_mobilite)
    router(ailleurs.dossier, autre_groupe)
    with _a(datetime.date(2016, 3, 21)):
        client.force_login(agent_sp_douai)
        page = client.get(reverse("instruction:guichet")).text
        assert a_douai.dossier.numero in page
        assert a_la_region.dossier.numero not in page
        client.force_login(instructeur_etat)
        page = client.get(reverse("instruction:groupes")).text
    assert a_la_region.dossier.numero in page
    assert a_douai.dossier.numero not in page
    assert ailleurs.dossier.numero not in page


def test_le_guichet_voit_en_retard_ses_depots_conjoints_et_un_agent_a_deux_roles_tout(
    client, agent_region, structure, guichet_douai, guichet_region, groupe_mobilite
):
    from django.contrib.auth.models import Group

    from cper.comptes.enums import Role
    from dossiers.models import DepotConjoint
    from instruction.models import MembreGroupe
    from tests.factories.instruction import router

    conjoint = DemandeComplementsFactory(
        dossier__structure=structure,
        dossier__guichet=guichet_douai,
        echeance=datetime.date(2016, 3, 20),
    )
    DepotConjoint.objects.create(dossier=conjoint.dossier, guichet=guichet_region)
    seulement_douai = DemandeComplementsFactory(
        dossier__structure=structure,
        dossier__guichet=guichet_douai,
        echeance=datetime.date(2016, 3, 20),
    )
    client.force_login(agent_region)
    with _a(datetime.date(2016, 3, 21)):
        page = client.get(reverse("instruction:guichet")).text
    assert conjoint.dossier.numero in page
    assert seulement_douai.dossier.numero not in page
    # Also an instructor of the group it is routed to: the guichet's page lists both scopes.
    agent_region.groups.add(Group.objects.get_or_create(name=Role.INSTRUCTEUR)[0])
    MembreGroupe.objects.create(groupe_technique=groupe_mobilite, user=agent_region, cote="etat")
    router(seulement_douai.dossier, groupe_mobilite)
    with _a(datetime.date(2016, 3, 21)):
        page = client.get(reverse("instruction:guichet")).text
    assert conjoint.dossier.numero in page
    assert seulement_douai.dossier.numero in page


def test_la_lecture_du_guichet_par_ses_dossiers_incomplets_est_celle_des_relations(
    agent_sp_douai, porteur, structure, guichet_douai, guichet_region
):
    """The guichet's overdue requests, read from its incomplete dossiers, are those read from
    the open requests checked against its scope (the groups' way), in the same order."""
    from django.utils import timezone

    from dossiers.models import DepotConjoint
    from instruction import selectors

    def demande(jour, guichet=guichet_douai, **autres):
        return DemandeComplementsFactory(
            dossier__structure=structure,
            dossier__guichet=guichet,
            echeance=datetime.date(2016, 3, jour),
            **autres,
        )

    attendues = [demande(12), demande(10), demande(11, guichet=guichet_region)]
    DepotConjoint.objects.create(dossier=attendues[2].dossier, guichet=guichet_douai)
    demande(9, guichet=guichet_region)  # another guichet's
    demande(25)  # not overdue
    demande(8, repondue_le=timezone.now(), repondue_par=porteur)  # answered
    demande(7, close_le=timezone.now())  # closed without an answer
    jour = datetime.date(2016, 3, 21)
    perimetre = selectors.file_du_guichet(agent_sp_douai)
    lues = selectors.demandes_en_retard(agent_sp_douai, jour, perimetre)
    assert lues == selectors.demandes_en_retard(agent_sp_douai, jour)
    assert [ligne["dossier_id"] for ligne in lues] == [
        attendues[1].dossier_id,
        attendues[2].dossier_id,
        attendues[0].dossier_id,
    ]
    assert lues[0] == {
        "dossier_id": attendues[1].dossier_id,
        "echeance": datetime.date(2016, 3, 10),
        "numero": attendues[1].dossier.numero,
        "structure": structure.raison_sociale,
    }
    assert len(selectors.demandes_en_retard(agent_sp_douai, jour, perimetre, nombre=2)) == 2
    # The same from the scope's ids, by SQL compiled once per shape (with and without
    # dépôts conjoints).
    compile = selectors.perimetre_du_guichet(agent_sp_douai)
    assert compile.listes
    assert selectors.demandes_en_retard(agent_sp_douai, jour, compile) == lues
    assert selectors.demandes_en_retard(agent_sp_douai, jour, compile, nombre=2) == lues[:2]
    DepotConjoint.objects.filter(guichet=guichet_douai).delete()
    sans = selectors.perimetre_du_guichet(agent_sp_douai)
    assert not sans.listes
    attendu = [ligne for ligne in lues if ligne["dossier_id"] != attendues[2].dossier_id]
    assert selectors.demandes_en_retard(agent_sp_douai, jour, sans) == attendu
    assert selectors.demandes_en_retard(agent_sp_douai, jour, sans.dossiers()) == attendu


def test_le_sql_fige_des_demandes_en_retard_lit_ce_que_lit_l_orm(
    agent_sp_douai, porteur, structure, guichet_douai
):
    from django.utils import timezone

    from dossiers.models import Dossier
    from instruction import selectors

    ouverte = DemandeComplementsFactory(dossier__structure=structure)
    DemandeComplementsFactory(
        dossier=ouverte.dossier, repondue_le=timezone.now(), repondue_par=porteur
    )
    close = DemandeComplementsFactory(dossier__structure=structure, close_le=timezone.now())
    dossiers = Dossier.objects.filter(pk__in=[ouverte.dossier_id, close.dossier_id])

    def lire(annotations):
        return list(dossiers.annotate(**annotations).values("pk", *annotations).order_by("pk"))

    lu = lire(selectors._annotations_en_retard())
    assert lu == lire(selectors._annotations_en_retard_orm())
    assert [ligne["echeance_ouverte"] for ligne in lu] == [ouverte.echeance, None]
    assert {ligne["nom_structure"] for ligne in lu} == {structure.raison_sociale}


def test_la_lecture_compilee_des_groupes_est_celle_de_l_orm(
    instructeur_etat, agent_sp_douai, structure, guichet_douai, groupe_mobilite, autre_groupe
):
    from cper.comptes.enums import Role
    from instruction import selectors
    from instruction.models import DemandeComplements
    from instruction.perimetres import au_perimetre_des_agents
    from tests.factories.instruction import router

    def demande(jour, groupe=None):
        demande = DemandeComplementsFactory(
            dossier__structure=structure,
            dossier__guichet=guichet_douai,
            echeance=datetime.date(2016, 3, jour),
        )
        if groupe:
            router(demande.dossier, groupe)
        return demande

    dans_le_groupe = [demande(12, groupe_mobilite), demande(10, groupe_mobilite)]
    demande(9, autre_groupe), demande(8), demande(25, groupe_mobilite)
    jour = datetime.date(2016, 3, 21)
    assert not instructeur_etat.a_le_role(Role.AGENT_GUICHET)
    lues = selectors.demandes_en_retard(instructeur_etat, jour)
    orm = selectors._en_retard(
        DemandeComplements.objects.en_retard(jour).filter(au_perimetre_des_agents(instructeur_etat))
    )
    assert [ligne["dossier_id"] for ligne in lues] == [d.dossier_id for d in dans_le_groupe[::-1]]
    assert [tuple(ligne.values()) for ligne in lues] == list(orm)
    compilee = selectors._en_retard_des_groupes(1, jour)
    assert compilee(user_id=instructeur_etat.pk) == list(
        compilee.queryset(user_id=instructeur_etat.pk)
    )
    assert compilee(user_id=instructeur_etat.pk) == orm[:1]
    sql, params = compilee.sql(user_id=instructeur_etat.pk)
    assert "'2016-03-21'::date" in sql and "'incomplet'" in sql
    assert instructeur_etat.pk in params and jour not in params
    with pytest.raises(TypeError):  # a moment is not a day
        selectors._en_retard_des_groupes(1, datetime.datetime(2016, 3, 21, tzinfo=PARIS))(
            user_id=instructeur_etat.pk
        )
    # Another day: another compiled query; another user: a parameter of the same SQL.
    assert selectors.demandes_en_retard(instructeur_etat, datetime.date(2016, 3, 11)) == lues[:1]
    assert selectors.demandes_en_retard(agent_sp_douai, jour)  # the guichet's own reading

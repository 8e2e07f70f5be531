"""The séance page's queries compiled once per process read what the ORM reads, row for row."""

import pytest
from django.http import Http404

from cper.referentiel.models import Volet
from cper.requetes import Identifiant
from gouvernance.models import PointOrdreDuJour
from gouvernance.selectors import seances as selectors
from tests.factories import UserFactory
from tests.factories.gouvernance import SeanceFactory

from .conftest import creer_instruit
from .test_nombre_requetes import _agenda


def _contenu(objet, profondeur=0):
    """An instance's values and those of the related instances it came with (select_related)."""
    if objet is None or profondeur > 3:
        return None
    if isinstance(objet, dict):
        return objet
    valeurs = {k: v for k, v in objet.__dict__.items() if k != "_state"}
    valeurs["_lies"] = {
        nom: _contenu(lie, profondeur + 1) for nom, lie in objet._state.fields_cache.items()
    }
    return valeurs


def _memes(compilees, orm):
    assert [_contenu(o) for o in compilees] == [_contenu(o) for o in orm]


def test_agenda(seance, autre_seance_avec_agenda, volet, financeurs):
    _agenda(seance, 3, volet=volet, financeurs=financeurs)
    for une in (seance, autre_seance_avec_agenda):
        ids = selectors._IDS_DES_POINTS(seance_id=une.pk)
        assert sorted(ids) == sorted(une.points.values_list("pk", flat=True))
        lue = selectors.seance_ou_404(une.creee_par, une.pk)
        assert sorted(lue.ids_des_points) == sorted(ids)
        points = selectors._POINTS(point_ids=ids)
        assert len(points) == une.points.count() > 0
        _memes(points, selectors._POINTS.queryset(point_ids=ids))
        assert [p["ordre"] for p in points] == sorted(p["ordre"] for p in points)
        # What the page reads of each item, from the compiled rows as from the ORM's.
        assert points[0]["json_avis"] and points[0]["json_communes"]


def test_les_points_rebatis_portent_ce_que_l_orm_lit(seance, volet, financeurs):
    """The items `agenda` builds from its rows carry, of the item, dossier, structure (and its
    commune's département), volet and decision, the values select_related would give."""
    from gouvernance.enums import SensDecision
    from gouvernance.models import Decision

    _agenda(seance, 3, volet=volet, financeurs=financeurs)
    premier = seance.points.order_by("ordre").first()
    Decision.objects.create(
        point=premier, sens=SensDecision.AJOURNE, motif="À revoir.", decidee_par=UserFactory()
    )
    lus = selectors.agenda(seance)
    orm = list(
        PointOrdreDuJour.objects.filter(seance=seance)
        .select_related("dossier__structure__commune", "dossier__volet", "decision")
        .order_by("ordre")
    )
    assert len(lus) == len(orm) == 3
    for lu, attendu in zip(lus, orm, strict=True):
        for nom in selectors.CHAMPS_POINT:
            assert getattr(lu, nom) == getattr(attendu, nom)
        for nom in ("pk", *selectors.CHAMPS_DOSSIER):
            assert getattr(lu.dossier, nom) == getattr(attendu.dossier, nom)
        assert lu.dossier.get_etat_display() == attendu.dossier.get_etat_display()
        for nom in ("pk", *selectors.CHAMPS_STRUCTURE):
            assert getattr(lu.dossier.structure, nom) == getattr(attendu.dossier.structure, nom)
        assert (
            lu.dossier.structure.commune.departement_id
            == attendu.dossier.structure.commune.departement_id
        )
        assert str(lu.dossier.volet) == str(attendu.dossier.volet)
        decision = getattr(attendu, "decision", None)
        if decision is None:
            assert lu.decision_prise is None
        else:
            for nom in ("pk", *selectors.CHAMPS_DECISION):
                assert getattr(lu.decision_prise, nom) == getattr(decision, nom)
            assert lu.decision_prise.get_sens_display() == "Ajourné"
    assert lus[0].decision_prise and not lus[0].a_decider and lus[1].a_decider
    # What the rows did not carry is deferred (a query if read), not a default.
    assert "resume" in lus[0].dossier.get_deferred_fields()


def test_seance(seance, secretariat, membre):
    from tests.factories import VoletFactory

    VoletFactory(numero=3)
    VoletFactory(numero=2)
    for user in (secretariat, membre, UserFactory()):
        trouvee = selectors.seance_ou_404(user, seance.pk)
        _memes([trouvee], selectors._SEANCE.queryset(user_id=user.pk, pk=seance.pk))
        assert trouvee.secretariat == (user == secretariat)
        assert selectors.volets_lus(trouvee) is None
        de_la_page = selectors.seance_ou_404(user, seance.pk, page=True)
        _memes([de_la_page], selectors._SEANCE_DE_LA_PAGE.queryset(user_id=user.pk, pk=seance.pk))
        assert de_la_page.secretariat == (user == secretariat)
        # The volets read with the séance are those the search form's field would read.
        volets = selectors.volets_lus(de_la_page)
        attendus = list(Volet.objects.all())
        assert [(v.pk, str(v)) for v in volets] == [(v.pk, str(v)) for v in attendus]
        assert volets and [v.numero for v in volets] == sorted(v.numero for v in volets)


def test_seance_hors_perimetre(seance, secretariat):
    for pk in (seance.pk + 1000, 0, -1, 2**70, "x"):
        with pytest.raises(Http404):
            selectors.seance_ou_404(secretariat, pk)


def test_candidats(seance, autre_seance_avec_agenda, structure, volet, financeurs):
    for _ in range(4):
        creer_instruit(structure=structure, volet=volet, financeurs=financeurs)
    _agenda(seance, 2, volet=volet, financeurs=financeurs)
    for une in (seance, autre_seance_avec_agenda):
        for limite in (3, 51):
            compilees = selectors.candidats_ordre_du_jour(une, limite=limite)
            orm = selectors._candidats(une, limite=limite)
            assert compilees == [selectors.Candidat.de(ligne) for ligne in orm]
            assert compilees
    # Compiled once per séance and limit, the séance's id written in the SQL.
    for une in (seance, autre_seance_avec_agenda):
        sql = selectors._candidats_compiles(une.pk, 3)._compiler()[1]
        assert f'"seance_id" = {une.pk})' in sql


@pytest.fixture
def autre_seance_avec_agenda(pilotage, secretariat, volet, financeurs, autre_structure):
    autre = SeanceFactory(instance=pilotage, creee_par=secretariat)
    dossier = creer_instruit(structure=autre_structure, volet=volet, financeurs=financeurs)
    PointOrdreDuJour.objects.create(seance=autre, dossier=dossier, ordre=1)
    return autre


def test_plan_compare(dossier_instruit, autre_dossier_instruit):
    from instruction import selectors as instruction

    for ids in ([dossier_instruit.pk], [autre_dossier_instruit.pk, dossier_instruit.pk]):
        lignes = instruction._PLAN_COMPARE(dossier_ids=ids)
        assert len(lignes) == 2 * len(ids)
        assert lignes == list(instruction._PLAN_COMPARE.queryset(dossier_ids=ids))
    assert instruction.plan_compare([]) == {}


def test_conflits(pilotage, membre, dossier_instruit, autre_dossier_instruit):
    from dossiers.models import MembreStructure
    from gouvernance.selectors import instances

    MembreStructure.objects.create(structure=dossier_instruit.structure, user=membre)
    structures = [dossier_instruit.structure_id, autre_dossier_instruit.structure_id]
    adhesions = instances._ADHESIONS(instance_id=pilotage.pk, structure_ids=structures)
    assert [a.user for a in adhesions] == [membre]
    _memes(
        adhesions,
        instances._ADHESIONS.queryset(instance_id=pilotage.pk, structure_ids=structures),
    )
    _memes(
        instances._DECLARATIONS(instance_id=pilotage.pk),
        instances._DECLARATIONS.queryset(instance_id=pilotage.pk),
    )
    conflits = instances.conflits([dossier_instruit.pk], instance=pilotage)
    assert conflits[dossier_instruit.pk] == [(membre, "membre de la structure porteuse")]


def test_identifiant():
    assert Identifiant(12).as_sql(None, None) == ("12", [])
    assert Identifiant("pole:3").as_sql(None, None) == ("'pole:3'", [])
    for valeur in ("pole:3'; --", "3", "Pole:3", 1.5, True, None, "pole:"):
        with pytest.raises(ValueError):
            Identifiant(valeur)


def test_choix_lus_sans_curseur_serveur(db, volet):
    """The choices read by a plain query (a server-side cursor would cost more round trips and
    is never prepared), the same choices and markup as Django's field."""
    from unittest import mock

    from django import forms
    from django.db import connection

    from cper.forms import ChoixModeleField
    from cper.referentiel.models import Volet

    class Choix(forms.Form):
        lu = ChoixModeleField(queryset=Volet.objects.all(), required=False, empty_label="Tous")
        django = forms.ModelChoiceField(
            queryset=Volet.objects.all(), required=False, empty_label="Tous"
        )

    form = Choix()
    with mock.patch.object(connection, "chunked_cursor", side_effect=AssertionError):
        lus = list(form["lu"].field.choices)
        html = str(form["lu"])
        with pytest.raises(AssertionError):
            list(form["django"].field.choices)  # what Django's iterator would do
    assert len(lus) > 1
    assert lus == list(form["django"].field.choices)
    assert html.replace("id_lu", "") == str(form["django"]).replace("id_django", "").replace(
        'name="django"', 'name="lu"'
    )


def test_choix_lus_compiles_une_fois(db, volet):
    """Every form built from the declaration reads the choices by the same compiled query; a
    queryset set on one form's field is read as it is."""
    from django import forms

    from cper.forms import ChoixModeleField
    from cper.referentiel.models import Volet

    class Choix(forms.Form):
        lu = ChoixModeleField(queryset=Volet.objects.all(), required=False, empty_label="Tous")

    un, deux = Choix(), Choix()
    assert un.fields["lu"]._lus is deux.fields["lu"]._lus is Choix.base_fields["lu"]._lus
    attendus = [("", "Tous"), *((v.pk, str(v)) for v in Volet.objects.all())]
    assert [(str(k), str(t)) for k, t in un.fields["lu"].choices] == [
        (str(k), t) for k, t in attendus
    ]
    deux.fields["lu"].queryset = Volet.objects.none()
    assert list(deux.fields["lu"].choices) == [("", "Tous")]
    assert len(list(un.fields["lu"].choices)) == len(attendus)


def test_les_conflits_lus_avec_l_ordre_du_jour_sont_ceux_calcules_a_part(
    seance, secretariat, pilotage, volet, financeurs, structure, autre_structure
):
    """The memberships read in the items' rows and the declarations read in the séance's row
    give each item the conflicts `instances.conflits` computes by its own queries."""
    from dossiers.enums import CategorieStructure
    from dossiers.models import MembreStructure
    from gouvernance.enums import NatureInteret, RoleMembre
    from gouvernance.models import DeclarationInteret, MembreInstance
    from gouvernance.selectors import instances
    from tests.factories import StructureFactory

    departement = StructureFactory(
        raison_sociale="Département du Nord", categorie=CategorieStructure.DEPARTEMENT
    )
    dossiers = [
        creer_instruit(structure=s, volet=volet, financeurs=financeurs)
        for s in (structure, autre_structure, departement)
    ]
    for ordre, dossier in enumerate(dossiers, start=1):
        PointOrdreDuJour.objects.create(seance=seance, dossier=dossier, ordre=ordre)
    membres = [UserFactory(last_name=nom) for nom in ("Zoé", "Alba", "Marc", "Nina", "Omar")]
    for membre in membres:
        MembreInstance.objects.create(instance=pilotage, user=membre, role=RoleMembre.MEMBRE)
    zoe, alba, marc, nina, omar = membres
    dehors = UserFactory(last_name="Hors de l'instance")
    for user in (zoe, dehors):
        MembreStructure.objects.create(structure=structure, user=user)
    MembreStructure.objects.create(structure=autre_structure, user=alba)
    commune = dossiers[0].communes.get()
    for user, champs in (
        (alba, {"nature": NatureInteret.STRUCTURE, "structure": structure, "fonction": "élue"}),
        (marc, {"nature": NatureInteret.COMMUNE, "commune": commune}),
        (zoe, {"nature": NatureInteret.COMMUNE, "commune": commune, "fonction": "maire"}),
        (nina, {"nature": NatureInteret.EPCI, "epci": autre_structure.commune.epci}),
        (
            omar,
            {"nature": NatureInteret.DEPARTEMENT, "departement": departement.commune.departement},
        ),
        (dehors, {"nature": NatureInteret.COMMUNE, "commune": commune}),
    ):
        DeclarationInteret.objects.create(user=user, **champs)

    def lus(points):
        return {
            p.dossier_id: [
                (u.pk, u.get_full_name(), u.email, pourquoi) for u, pourquoi in p.conflits
            ]
            for p in points
        }

    a_part = instances.conflits([d.pk for d in dossiers], instance=pilotage)
    attendus = {
        d.pk: [(u.pk, u.get_full_name(), u.email, pourquoi) for u, pourquoi in a_part.get(d.pk, [])]
        for d in dossiers
    }
    avec_la_seance = lus(
        selectors.agenda(selectors.seance_ou_404(secretariat, seance.pk, page=True))
    )
    assert avec_la_seance == attendus
    assert lus(selectors.agenda(seance)) == attendus  # the declarations by their own query
    # Each kind of interest is there, the person outside the body nowhere.
    assert [p for *_, p in attendus[dossiers[0].pk]] == [
        "intérêt déclaré dans la structure porteuse (élue)",
        "mandat communal à " + commune.nom,
        "membre de la structure porteuse",
    ]
    assert [u for u, *_ in attendus[dossiers[1].pk]] == [alba.pk, nina.pk]
    assert [u for u, *_ in attendus[dossiers[2].pk]] == [omar.pk]
    assert dehors.pk not in {u for lignes in attendus.values() for u, *_ in lignes}


def test_les_requetes_envoyees_ensemble_lisent_ce_qu_elles_liraient_seules(
    seance, volet, financeurs, django_assert_num_queries
):
    from cper.requetes import ensemble
    from instruction.selectors import plan_compare

    _agenda(seance, 2, volet=volet, financeurs=financeurs)
    lue = selectors.seance_ou_404(seance.creee_par, seance.pk, page=True)
    seules = (
        selectors.candidats_ordre_du_jour(lue, limite=51),
        selectors._POINTS(point_ids=lue.ids_des_points),
    )
    plan = plan_compare(lue.ids_des_dossiers)
    assert sorted(lue.ids_des_dossiers) == sorted(
        seance.points.values_list("dossier_id", flat=True)
    )
    with django_assert_num_queries(3), ensemble():
        candidats = selectors.candidats_envoyes(lue, limite=51)
        envoi = selectors.agenda_envoye(lue)
        # Read in the order sent, or not: each waits for its own rows.
        assert envoi.points.lignes() == seules[1]
        assert candidats() == seules[0]
        assert envoi.plan() == plan
    assert envoi.points.lignes() == seules[1]  # read once, kept
    # Outside a block, a query sent runs at once.
    with django_assert_num_queries(2):
        envoi = selectors.agenda_envoye(lue)
    assert envoi.points.lignes() == seules[1]
    lus = selectors.agenda(lue, envoi=envoi)
    a_part = selectors.agenda(lue)
    assert [(p.pk, p.lignes) for p in lus] == [(p.pk, p.lignes) for p in a_part]
    # The plan comparé of each item's dossier, with what was programmed of it.
    for point in lus:
        sans_programme = [
            {k: v for k, v in ligne.items() if k != "programme"} for ligne in point.lignes
        ]
        assert sans_programme == plan[point.dossier_id]
    # Without its dossiers' ids (a séance read otherwise), nothing is sent.
    assert selectors.agenda_envoye(selectors.seance_ou_404(seance.creee_par, seance.pk)) is None

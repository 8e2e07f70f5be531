"""The dashboards' aggregate rows follow every service that moves money or changes a state."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from dossiers import agregats
from dossiers.enums import EtatDossier as E
from dossiers.forms.edition import lignes_financement_formset
from dossiers.models import AgregatFinancement, AgregatVolet, Dossier, LigneFinancement
from dossiers.services.depot import dossier_deposer, dossier_retirer
from dossiers.services.edition import dossier_enregistrer_section
from gouvernance.enums import EtatSeance, SensDecision
from gouvernance.models import PointOrdreDuJour
from gouvernance.selectors.maquette import maquette
from gouvernance.services import seances as gouvernance
from instruction import services as instruction
from instruction.enums import Cote, SensAvis
from instruction.models import MembreGroupe
from tests.dossiers.complets import dossier_complet
from tests.factories.instruction import GroupeTechniqueFactory

pytestmark = pytest.mark.django_db

EUROS = Decimal


def _a_jour():
    assert agregats.ecarts() == []


def _lignes(dossier):
    return {
        a.financeur.code: (a.etat, a.demande, a.propose, a.programme)
        for a in AgregatFinancement.objects.filter(dossier=dossier).select_related("financeur")
    }


def _modifier_le_plan(dossier, porteur, montants):
    """Through the financing section's formset, as the edition page posts it."""
    lignes = list(LigneFinancement.objects.filter(dossier=dossier).order_by("pk"))
    donnees = {
        "financements-TOTAL_FORMS": str(len(lignes)),
        "financements-INITIAL_FORMS": str(len(lignes)),
        "financements-MIN_NUM_FORMS": "0",
        "financements-MAX_NUM_FORMS": "1000",
    }
    for i, ligne in enumerate(lignes):
        donnees.update(
            {
                f"financements-{i}-id": str(ligne.pk),
                f"financements-{i}-financeur": str(ligne.financeur_id),
                f"financements-{i}-montant_demande": str(
                    montants.get(ligne.financeur.code, ligne.montant_demande)
                ),
            }
        )
    formset = lignes_financement_formset(donnees, instance=dossier, prefix="financements")
    assert formset.is_valid(), formset.errors
    dossier_enregistrer_section(dossier=dossier, par=porteur, formulaires=[formset])


@pytest.fixture
def acteurs(
    structure, porteur, guichet_douai, agent_sp_douai, instructeur_etat, instructeur_region
):
    return {
        "porteur": porteur,
        "guichet": guichet_douai,
        "agent": agent_sp_douai,
        Cote.ETAT: instructeur_etat,
        Cote.REGION: instructeur_region,
    }


def _jusqu_a_instruit(dossier, acteurs, propositions):
    """Filed, routed, both avis given, instruction concluded: all through the services."""
    dossier = dossier_deposer(dossier=dossier, par=acteurs["porteur"], guichet=acteurs["guichet"])
    _a_jour()
    groupe = GroupeTechniqueFactory(nom="Mobilité", volets=[dossier.volet])
    for cote in (Cote.ETAT, Cote.REGION):
        MembreGroupe.objects.get_or_create(
            groupe_technique=groupe, user=acteurs[cote], defaults={"cote": cote}
        )
    instruction.dossier_declarer_recevable(
        dossier=dossier, par=acteurs["agent"], groupe_technique=groupe
    )
    _a_jour()
    for cote, montants in propositions.items():
        instruction.avis_donner(
            dossier=dossier,
            par=acteurs[cote],
            sens=SensAvis.FAVORABLE,
            motivation="Projet utile.",
            montants=montants,
        )
        _a_jour()
    instruction.dossier_conclure_instruction(dossier=dossier, par=acteurs[Cote.ETAT])
    _a_jour()
    return Dossier.objects.get(pk=dossier.pk)


def test_les_agregats_suivent_les_services(acteurs, structure, porteur, secretariat, seance):
    a = dossier_complet(structure=structure, porteur=porteur, intitule="Pôle d'échanges")
    b = dossier_complet(structure=structure, porteur=porteur, intitule="Voie verte")
    etat, region = (
        LigneFinancement.objects.get(dossier=a, financeur__code=code).financeur
        for code in ("etat", "region")
    )

    # A draft's plan is edited: its rows follow, but no dashboard counts a draft.
    _modifier_le_plan(a, porteur, {"etat": "45000.00", "autofinancement": "25000.00"})
    _a_jour()
    assert _lignes(a)["etat"] == (E.BROUILLON, EUROS("45000.00"), 0, 0)
    assert maquette().total.demande == 0

    a = _jusqu_a_instruit(
        a, acteurs, {Cote.ETAT: {etat.pk: EUROS(40000)}, Cote.REGION: {etat.pk: EUROS(35000)}}
    )
    b = _jusqu_a_instruit(
        b,
        acteurs,
        {
            Cote.ETAT: {etat.pk: EUROS(30000), region.pk: EUROS(20000)},
            Cote.REGION: {etat.pk: EUROS(25000), region.pk: EUROS(30000)},
        },
    )
    assert _lignes(a)["etat"] == (E.INSTRUIT, EUROS(45000), EUROS(35000), 0)
    # The Région side proposed nothing for its own money on dossier a: 0.
    assert _lignes(a)["region"] == (E.INSTRUIT, EUROS(30000), 0, 0)
    assert _lignes(b)["region"] == (E.INSTRUIT, EUROS(30000), EUROS(20000), 0)

    seance.etat = EtatSeance.CONVOQUEE
    seance.presences_le = timezone.now()
    seance.save()
    point_a = PointOrdreDuJour.objects.create(seance=seance, dossier=a, ordre=1)
    point_b = PointOrdreDuJour.objects.create(seance=seance, dossier=b, ordre=2)
    gouvernance.decision_prendre(
        point=point_a,
        par=secretariat,
        sens=SensDecision.PROGRAMME,
        montants={etat.pk: EUROS(35000), region.pk: EUROS(0)},
    )
    _a_jour()
    assert _lignes(a)["etat"] == (E.PROGRAMME, EUROS(45000), EUROS(35000), EUROS(35000))
    gouvernance.decision_prendre(
        point=point_b, par=secretariat, sens=SensDecision.AJOURNE, motif="Plan à revoir."
    )
    _a_jour()
    assert _lignes(b)["etat"][0] == E.EN_INSTRUCTION

    dossier_retirer(dossier=b, par=porteur, motif="Projet abandonné.")
    _a_jour()
    assert _lignes(b)["etat"] == (E.RETIRE, EUROS(40000), EUROS(25000), 0)

    # The maquette reads the rows: only a's programmed money, nothing requested or proposed.
    cellule = maquette().total
    assert (cellule.demande, cellule.propose, cellule.programme) == (0, 0, EUROS(35000))

    # The from-scratch rebuild gives the very same rows.
    avant = sorted(AgregatFinancement.objects.values_list(*_CHAMPS))
    call_command("recalculer_agregats", stdout=_Silence())
    assert sorted(AgregatFinancement.objects.values_list(*_CHAMPS)) == avant


_CHAMPS = ("dossier_id", "financeur_id", "volet_id", "etat", "demande", "propose", "programme")


class _Silence:
    def write(self, *args):
        pass


def test_les_agregats_suivent_complements_irrecevabilite_et_rejet(
    acteurs, structure, porteur, secretariat, seance
):
    """The money-moving services the test above does not drive, each checked after its step."""
    c = dossier_complet(structure=structure, porteur=porteur, intitule="Halte fluviale")
    c = dossier_deposer(dossier=c, par=porteur, guichet=acteurs["guichet"])
    _a_jour()
    instruction.dossier_demander_complements(
        dossier=c,
        par=acteurs["agent"],
        motif="Délibération manquante.",
        pieces=[],
        echeance=timezone.localdate() + datetime.timedelta(days=30),
    )
    _a_jour()
    assert _lignes(c)["etat"][0] == E.INCOMPLET
    instruction.dossier_completer(dossier=c, par=porteur, reponse="La voici.")
    _a_jour()
    assert _lignes(c)["etat"][0] == E.DEPOSE
    instruction.dossier_declarer_irrecevable(
        dossier=c, par=acteurs["agent"], motif="Hors du champ du contrat."
    )
    _a_jour()
    assert _lignes(c)["etat"] == (E.IRRECEVABLE, EUROS(40000), 0, 0)

    d = dossier_complet(structure=structure, porteur=porteur, intitule="Piste cyclable")
    etat = LigneFinancement.objects.get(dossier=d, financeur__code="etat").financeur
    d = _jusqu_a_instruit(
        d, acteurs, {Cote.ETAT: {etat.pk: EUROS(20000)}, Cote.REGION: {etat.pk: EUROS(10000)}}
    )
    seance.etat = EtatSeance.CONVOQUEE
    seance.presences_le = timezone.now()
    seance.save()
    point = PointOrdreDuJour.objects.create(seance=seance, dossier=d, ordre=1)
    gouvernance.decision_prendre(
        point=point, par=secretariat, sens=SensDecision.REJETE, motif="Hors priorités."
    )
    _a_jour()
    assert _lignes(d)["etat"] == (E.REJETE, EUROS(40000), EUROS(10000), 0)


@pytest.mark.agregats_libres
def test_une_colonne_sans_source_echoue_bruyamment(monkeypatch, structure, porteur):
    """An app that forgets to register its column fails here, instead of showing zeros."""
    dossier = dossier_complet(structure=structure, porteur=porteur)
    sources = {c: s for c, s in agregats._SOURCES.items() if c != "programme"}
    monkeypatch.setattr(agregats, "_SOURCES", sources)
    # `manage.py check` (and so every start of the application) says it first.
    erreurs = agregats.verifier_sources()
    assert [e.id for e in erreurs] == ["dossiers.E001"]
    assert "programme" in erreurs[0].msg
    with pytest.raises(ImproperlyConfigured, match="programme"):
        agregats.recalculer_dossier(dossier.pk)
    with pytest.raises(ImproperlyConfigured):
        agregats.ecarts()


def test_la_reconstruction_corrige_des_lignes_perdues(acteurs, structure, porteur):
    a = dossier_complet(structure=structure, porteur=porteur)
    dossier_deposer(dossier=a, par=porteur, guichet=acteurs["guichet"])
    AgregatFinancement.objects.filter(dossier=a).update(demande=1)
    assert agregats.ecarts()
    with pytest.raises(SystemExit):
        call_command("recalculer_agregats", "--verifier", stdout=_Silence(), stderr=_Silence())
    call_command("recalculer_agregats", stdout=_Silence())
    _a_jour()
    assert _lignes(a)["etat"] == (E.DEPOSE, EUROS(40000), 0, 0)
    AgregatVolet.objects.update(demande=1)
    assert agregats.ecarts()
    call_command("recalculer_agregats", stdout=_Silence())
    _a_jour()


@pytest.mark.agregats_libres
def test_un_service_qui_oublie_le_recalcul_est_vu(acteurs, structure, porteur):
    """A write that moves a dossier without recalculer_dossier leaves differences that every
    test's teardown reports (tests/conftest.py): here, a withdrawal done on the model alone."""
    dossier = dossier_complet(structure=structure, porteur=porteur)
    dossier_deposer(dossier=dossier, par=porteur, guichet=acteurs["guichet"])
    _a_jour()
    dossier = Dossier.objects.get(pk=dossier.pk)
    dossier.retirer(by=porteur, description="Oubli du recalcul.")
    dossier.save()
    sections = {ecart[0] for ecart in agregats.ecarts()}
    # The money rows still say « déposé », the course and its counts too.
    assert {"manquant", "en trop", "suivi manquant", "compte manquant"} <= sections

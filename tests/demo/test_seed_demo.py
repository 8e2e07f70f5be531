"""seed_demo creates consistent demo data at every stage, once."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max, Min, OuterRef, Subquery, Sum
from django_fsm_log.models import StateLog

from cper.comptes.models import User
from demo.comptes import Silence
from dossiers import agregats
from dossiers.enums import CATEGORIES_COLLECTIVITES, ETATS_PROGRAMMES
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier, LigneFinancement, SequenceNumero
from gouvernance.enums import RoleMembre, SensDecision, TypeInstance
from gouvernance.models import Decision, MembreInstance, MontantProgramme, Observation
from instruction.enums import Cote
from instruction.models import Avis, DemandeComplements, MembreGroupe, MontantPropose

pytestmark = pytest.mark.django_db


@pytest.fixture
def seme(settings):
    settings.SETTINGS_MODULE = "cper.settings.test"
    call_command("import_territoires", verbosity=0, stdout=Silence())
    call_command("charger_referentiel", verbosity=0, stdout=Silence())
    call_command("seed_demo", dossiers=60, stdout=Silence())


def test_chaque_etat_est_present(seme):
    etats = set(Dossier.objects.values_list("etat", flat=True))
    assert etats == set(E.values)
    assert Dossier.objects.count() == 60


def test_les_plans_de_financement_sont_equilibres_et_plafonnes(seme):
    for dossier in Dossier.objects.avec_totaux().select_related("structure"):
        assert dossier.ecart_financement == 0, dossier
        if dossier.structure.categorie in CATEGORIES_COLLECTIVITES:
            assert dossier.aide_publique <= dossier.cout_eligible * Decimal("0.8")


def test_les_montants_decroissent_du_demande_au_programme(seme):
    demande = LigneFinancement.objects.filter(
        dossier=OuterRef("avis__dossier"), financeur=OuterRef("financeur")
    ).values("montant_demande")
    assert not MontantPropose.objects.annotate(demande=Subquery(demande)).filter(
        montant__gt=F("demande")
    )
    for montant in MontantProgramme.objects.select_related("decision__point"):
        dossier = montant.decision.point.dossier_id
        proposes = MontantPropose.objects.filter(
            avis__dossier=dossier, financeur=montant.financeur
        ).aggregate(plus_bas=Min("montant"))["plus_bas"]
        assert montant.montant <= proposes
    assert MontantProgramme.objects.exists()


def test_decisions_avis_et_historique_suivent_les_etats(seme):
    # Programmed, then carried out (execution), lapsed or renounced.
    programmes = Dossier.objects.filter(etat__in=[*ETATS_PROGRAMMES, E.CADUC, E.ABANDONNE])
    assert set(
        Decision.objects.filter(sens=SensDecision.PROGRAMME).values_list(
            "point__dossier", flat=True
        )
    ) == set(programmes.values_list("pk", flat=True))
    for dossier in programmes | Dossier.objects.filter(etat__in=[E.INSTRUIT, E.REJETE]):
        assert set(Avis.objects.filter(dossier=dossier).values_list("cote", flat=True)) == {
            Cote.ETAT,
            Cote.REGION,
        }
    # The last logged transition leads to the current state, and dates go forward.
    for dossier in Dossier.objects.exclude(etat=E.BROUILLON).exclude(
        etat=E.RETIRE, numero__isnull=True
    ):
        journal = list(
            StateLog.objects.for_(dossier).order_by("timestamp").values_list("state", "timestamp")
        )
        assert journal[-1][0] == dossier.etat
        assert journal[0][1] == dossier.depose_le
    assert DemandeComplements.objects.en_attente().count() == (
        Dossier.objects.filter(etat=E.INCOMPLET).count()
    )


def test_les_numeros_suivent_la_sequence(seme):
    for annee, dernier in SequenceNumero.objects.values_list("annee", "dernier"):
        numeros = Dossier.objects.filter(numero__startswith=f"NPDC-{annee}-")
        assert numeros.count() == dernier
        assert numeros.aggregate(Max("numero"))["numero__max"] == f"NPDC-{annee}-{dernier:05d}"
    assert not Dossier.objects.filter(etat=E.BROUILLON, numero__isnull=False).exists()


def test_les_comptes_de_demonstration_ont_leurs_mandats(seme):
    pilotage = MembreInstance.objects.get(user__email="pilotage@demo.cper.fr")
    assert pilotage.instance.type == TypeInstance.PILOTAGE
    assert pilotage.role == RoleMembre.SECRETARIAT and pilotage.financeur.code == "etat"
    concertation = MembreInstance.objects.get(user__email="concertation.opale@demo.cper.fr")
    assert concertation.instance.type == TypeInstance.CONCERTATION
    assert concertation.pole.nom == "Pôle métropolitain de la Côte d'Opale"
    guichet = User.objects.get(email="guichet.douai@demo.cper.fr")
    assert guichet.groups.filter(guichet__code="sp-douai").exists()
    cotes = dict(
        MembreGroupe.objects.filter(user__email__startswith="instructeur.")
        .values_list("user__email", "cote")
        .distinct()
    )
    assert cotes == {
        "instructeur.etat@demo.cper.fr": Cote.ETAT,
        "instructeur.region@demo.cper.fr": Cote.REGION,
    }
    etats_porteur = set(
        Dossier.objects.filter(structure__membres__email="porteur@demo.cper.fr").values_list(
            "etat", flat=True
        )
    )
    assert len(etats_porteur) >= 5
    assert Observation.objects.filter(auteur=concertation.user).exists()


def test_relancer_ne_duplique_rien(seme):
    avant = {
        "dossiers": Dossier.objects.count(),
        "mandats": MembreInstance.objects.count(),
        "groupes": MembreGroupe.objects.count(),
        "utilisateurs": User.objects.count(),
    }
    call_command("seed_demo", dossiers=60, stdout=Silence())
    apres = {
        "dossiers": Dossier.objects.count(),
        "mandats": MembreInstance.objects.count(),
        "groupes": MembreGroupe.objects.count(),
        "utilisateurs": User.objects.count(),
    }
    assert apres == avant
    call_command("seed_demo", dossiers=5, ajouter=True, stdout=Silence())
    assert Dossier.objects.count() == avant["dossiers"] + 5
    numeros = Dossier.objects.exclude(numero=None).values("numero").annotate(n=Count("pk"))
    assert not numeros.filter(n__gt=1).exists()


def test_interdit_en_production(settings):
    settings.SETTINGS_MODULE = "cper.settings.prod"
    with pytest.raises(CommandError, match="interdites en production"):
        call_command("seed_demo", dossiers=1)


def test_exige_le_referentiel(settings):
    settings.SETTINGS_MODULE = "cper.settings.test"
    with pytest.raises(CommandError, match="référentiel"):
        call_command("seed_demo", dossiers=1, stdout=Silence())


def test_les_tableaux_tournent_sur_les_donnees_de_demo(seme, client):
    client.force_login(User.objects.get(email="pilotage@demo.cper.fr"))
    assert client.get("/gouvernance/pilotage/").status_code == 200
    client.force_login(User.objects.get(email="concertation.opale@demo.cper.fr"))
    reponse = client.get("/gouvernance/territoire/")
    assert reponse.status_code == 200
    assert reponse.context["synthese"].dossiers > 0
    total = LigneFinancement.objects.aggregate(total=Sum("montant_demande"))["total"]
    assert total > 0


def test_les_agregats_tenus_egalent_le_calcul_complet(seme):
    assert agregats.ecarts() == []


def test_chaque_dossier_est_cree_par_un_membre_de_sa_structure(seme):
    assert not Dossier.objects.exclude(cree_par__adhesions__structure=F("structure")).exists()
    # Guichet actions are logged by an agent of the dossier's guichet.
    for dossier in Dossier.objects.exclude(guichet=None).select_related("guichet")[:30]:
        auteurs = StateLog.objects.for_(dossier).filter(
            transition__in=["declarer_recevable", "declarer_irrecevable"]
        )
        for journal in auteurs.select_related("by"):
            assert journal.by.groups.filter(pk=dossier.guichet.groupe_id).exists()


def test_le_porteur_reseau_est_membre_de_nombreuses_structures(seme):
    reseau = User.objects.get(email="porteur.reseau@demo.cper.fr")
    from dossiers.models import Structure

    demo = Structure.objects.filter(siret__startswith="99").count()
    assert reseau.adhesions.count() == min(150, demo)


def test_l_execution_suit_les_regles_des_versements(seme):
    from django.db.models import Sum

    from demo.calendrier import FIN_CONTRAT
    from execution.enums import EtatDemande, TypeVersement
    from execution.models import Acte, DemandeVersement, OrdreReversement

    assert (
        Dossier.objects.filter(etat=E.SOLDE).exists()
        or Dossier.objects.filter(etat=E.CLOTURE).exists()
    )
    assert DemandeVersement.objects.filter(etat=EtatDemande.MANDATEE).exists()
    for acte in Acte.objects.all():
        verse = (
            acte.demandes.filter(etat=EtatDemande.MANDATEE).aggregate(s=Sum("montant_mandate"))["s"]
            or 0
        )
        assert verse <= acte.montant
        avant_solde = (
            acte.demandes.filter(etat=EtatDemande.MANDATEE)
            .exclude(type=TypeVersement.SOLDE)
            .aggregate(s=Sum("montant_mandate"))["s"]
            or 0
        )
        assert avant_solde <= acte.plafond_avant_solde
        assert acte.notifie_le <= FIN_CONTRAT.date()
        for demande in acte.demandes.filter(etat=EtatDemande.MANDATEE):
            assert acte.notifie_le <= demande.mandate_le <= FIN_CONTRAT.date()
    for dossier in Dossier.objects.filter(etat__in=[E.SOLDE, E.CLOTURE]):
        assert not dossier.actes.filter(solde_le__isnull=True).exists()
    for dossier in Dossier.objects.filter(etat=E.CLOTURE):
        assert not OrdreReversement.objects.filter(acte__dossier=dossier, etat="emis").exists()
    # The kept aggregates carry the paid money.
    assert agregats.ecarts() == []

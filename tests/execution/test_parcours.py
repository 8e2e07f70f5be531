"""From « programmé » to « clôturé » through the services, as the people act."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed
from django_fsm_log.models import StateLog

from cper.models import Evenement
from dossiers.enums import EtatDossier as E
from dossiers.models import AgregatFinancement
from execution import services
from execution.enums import EtatDemande, TypeVersement
from execution.models import OrdreReversement
from tests.execution.conftest import PIECES_ACOMPTE, PIECES_SOLDE, il_y_a, pieces

pytestmark = pytest.mark.django_db
D = Decimal


def payer(demande, agent, jours=0, montant=None):
    demande = services.demande_versement_accepter(
        demande=demande,
        par=agent,
        montant=montant,
        motif="Dépenses non éligibles" if montant else "",
    )
    return services.versement_mandater(demande=demande, par=agent, mandate_le=il_y_a(jours))


def test_l_acte_notifie_rend_le_dossier_attribue(dossier_programme, acte_etat):
    dossier_programme.refresh_from_db()
    assert dossier_programme.etat == E.ATTRIBUE
    assert acte_etat.taux == D("40.00")
    assert acte_etat.avance_max == D("12000.00")  # décret 2018-514: 30 %
    assert acte_etat.date_limite_commencement.year == acte_etat.notifie_le.year + 2
    ligne = AgregatFinancement.objects.get(dossier=dossier_programme, financeur=acte_etat.financeur)
    assert ligne.engage == D("40000.00")
    journal = StateLog.objects.for_(dossier_programme).latest("pk")
    assert journal.transition == "attribuer"


def test_de_l_avance_au_solde(dossier_en_cours, acte_etat, porteur, gestionnaire_etat):
    assert dossier_en_cours.etat == E.EN_COURS
    avance = services.demande_versement_deposer(
        acte=acte_etat, par=porteur, type=TypeVersement.AVANCE, montant=D("12000.00")
    )
    payer(avance, gestionnaire_etat)
    acompte = services.demande_versement_deposer(
        acte=acte_etat,
        par=porteur,
        type=TypeVersement.ACOMPTE,
        depenses=D("60000.00"),
        pieces=pieces(PIECES_ACOMPTE),
    )
    assert acompte.montant_demande == D("12000.00")  # 60 000 × 40 % − 12 000
    payer(acompte, gestionnaire_etat)
    solde = services.demande_versement_deposer(
        acte=acte_etat,
        par=porteur,
        type=TypeVersement.SOLDE,
        depenses=D("95000.00"),
        pieces=pieces(PIECES_SOLDE),
    )
    assert solde.montant_demande == D("14000.00")  # 38 000 − 24 000
    payer(solde, gestionnaire_etat)
    dossier_en_cours.refresh_from_db()
    # The Région issued no act: the État's solde is the last one.
    assert dossier_en_cours.etat == E.SOLDE
    ligne = AgregatFinancement.objects.get(dossier=dossier_en_cours, financeur=acte_etat.financeur)
    assert ligne.mandate == D("38000.00")
    assert Evenement.objects.filter(type="versement.mandate").count() == 3
    services.dossier_cloturer(dossier=dossier_en_cours, par=gestionnaire_etat)
    dossier_en_cours.refresh_from_db()
    assert dossier_en_cours.etat == E.CLOTURE


def test_un_solde_inferieur_aux_versements_ordonne_un_reversement(
    dossier_en_cours, acte_etat, porteur, gestionnaire_etat
):
    avance = services.demande_versement_deposer(
        acte=acte_etat, par=porteur, type=TypeVersement.AVANCE
    )
    payer(avance, gestionnaire_etat)
    solde = services.demande_versement_deposer(
        acte=acte_etat,
        par=porteur,
        type=TypeVersement.SOLDE,
        depenses=D("20000.00"),
        pieces=pieces(PIECES_SOLDE),
    )
    assert (solde.montant_demande, solde.trop_percu) == (D(0), D("4000.00"))
    services.demande_versement_accepter(demande=solde, par=gestionnaire_etat)
    ordre = OrdreReversement.objects.get(acte=acte_etat)
    assert ordre.montant == D("4000.00")
    dossier_en_cours.refresh_from_db()
    assert dossier_en_cours.etat == E.SOLDE
    with pytest.raises(services.RegleNonRespectee, match="reversement"):
        services.dossier_cloturer(dossier=dossier_en_cours, par=gestionnaire_etat)
    services.reversement_recouvrer(ordre=ordre, par=gestionnaire_etat, recouvre_le=il_y_a(0))
    ligne = AgregatFinancement.objects.get(dossier=dossier_en_cours, financeur=acte_etat.financeur)
    assert ligne.mandate == D("8000.00")  # 12 000 paid, 4 000 back
    services.dossier_cloturer(dossier=dossier_en_cours, par=gestionnaire_etat)


def test_l_agent_d_un_autre_financeur_ne_paie_pas(
    dossier_en_cours, acte_etat, porteur, gestionnaire_region
):
    avance = services.demande_versement_deposer(
        acte=acte_etat, par=porteur, type=TypeVersement.AVANCE
    )
    with pytest.raises(PermissionDenied):
        services.demande_versement_accepter(demande=avance, par=gestionnaire_region)


def test_deux_mandatements_a_la_fois_font_un_versement(
    dossier_en_cours, acte_etat, porteur, gestionnaire_etat
):
    avance = services.demande_versement_deposer(
        acte=acte_etat, par=porteur, type=TypeVersement.AVANCE
    )
    avance = services.demande_versement_accepter(demande=avance, par=gestionnaire_etat)
    services.versement_mandater(demande=avance, par=gestionnaire_etat, mandate_le=il_y_a(0))
    with pytest.raises(TransitionNotAllowed):
        services.versement_mandater(demande=avance, par=gestionnaire_etat, mandate_le=il_y_a(0))
    avance.refresh_from_db()
    assert avance.etat == EtatDemande.MANDATEE
    assert Evenement.objects.filter(type="versement.mandate").count() == 1


def test_une_seule_demande_ouverte_par_acte(dossier_en_cours, acte_etat, porteur):
    services.demande_versement_deposer(acte=acte_etat, par=porteur, type=TypeVersement.AVANCE)
    with pytest.raises(TransitionNotAllowed):
        services.demande_versement_deposer(acte=acte_etat, par=porteur, type=TypeVersement.AVANCE)


def test_l_abandon_ordonne_le_reversement_de_ce_qui_a_ete_verse(
    dossier_en_cours, acte_etat, porteur, gestionnaire_etat
):
    payer(
        services.demande_versement_deposer(acte=acte_etat, par=porteur, type=TypeVersement.AVANCE),
        gestionnaire_etat,
    )
    services.dossier_abandonner(dossier=dossier_en_cours, par=porteur, motif="Projet abandonné")
    dossier_en_cours.refresh_from_db()
    assert dossier_en_cours.etat == E.ABANDONNE
    assert OrdreReversement.objects.get(acte=acte_etat).montant == D("12000.00")


@pytest.mark.parametrize(
    ("depose", "regle"), [("2016-03-01", "refuse"), ("2019-03-01", "derogation")]
)
def test_commencement_avant_l_acte_selon_le_regime(
    structure, volet, financeurs, secretariat, porteur, gestionnaire_etat, depose, regle
):
    import datetime

    from django.utils import timezone

    from tests.execution.conftest import acte_notifie, creer_programme, pdf

    dossier = creer_programme(
        structure=structure,
        volet=volet,
        financeurs=financeurs,
        secretariat=secretariat,
        depose_le=timezone.make_aware(datetime.datetime.fromisoformat(depose)),
    )
    acte = acte_notifie(dossier, financeurs["etat"], gestionnaire_etat, notifie_il_y_a=100)
    avant = il_y_a(150)
    if regle == "refuse":
        with pytest.raises(services.RegleNonRespectee, match="99-1060"):
            services.commencement_declarer(
                dossier=dossier, par=porteur, date=avant, justificatif=pdf()
            )
        dossier.refresh_from_db()
        assert dossier.etat == E.ATTRIBUE
    else:
        commencement = services.commencement_declarer(
            dossier=dossier, par=porteur, date=avant, justificatif=pdf()
        )
        assert commencement.derogation
        assert "2018-514" in commencement.motif_derogation
    assert acte.regime == ("decret_1999" if regle == "refuse" else "decret_2018")


def test_un_versement_n_est_pas_mandate_avant_sa_demande(
    dossier_en_cours, acte_etat, porteur, gestionnaire_etat
):
    avance = services.demande_versement_deposer(
        acte=acte_etat, par=porteur, type=TypeVersement.AVANCE
    )
    avance = services.demande_versement_accepter(demande=avance, par=gestionnaire_etat)
    with pytest.raises(services.RegleNonRespectee, match="avant la date de sa demande"):
        services.versement_mandater(demande=avance, par=gestionnaire_etat, mandate_le=il_y_a(1))
    avance.refresh_from_db()
    assert avance.etat == EtatDemande.ACCEPTEE
    assert not Evenement.objects.filter(type="versement.mandate").exists()

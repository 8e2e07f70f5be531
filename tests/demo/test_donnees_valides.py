"""The demo's data are what the services would have produced: the services carry on from them."""

import datetime
import io
from decimal import Decimal

import pypdf
import pytest
from django.db import connection
from django.db.models import Max
from django.urls import reverse
from django_fsm_log.models import StateLog

from cper.comptes.models import User
from demo import chargement, generation
from demo.calendrier import FIN_CONTRAT, PARIS
from dossiers import agregats
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier, Piece, Recepisse
from gouvernance.models import Decision, Seance
from instruction import services as instruction
from instruction.enums import SensAvis
from instruction.models import Avis, DemandeComplements, GroupeTechnique, Routage

pytestmark = pytest.mark.django_db
DEMO = "@demo.cper.fr"


@pytest.fixture
def demo(referentiel):
    return generation.generer(60)


def test_tout_est_date_dans_la_periode_du_contrat(demo):
    fin = FIN_CONTRAT
    assert Dossier.objects.aggregate(d=Max("depose_le"))["d"].year <= 2020
    for modele, champ in [
        (Dossier, "created_at"),
        (Dossier, "updated_at"),
        (StateLog, "timestamp"),
        (Avis, "updated_at"),
        (Routage, "created_at"),
        (DemandeComplements, "created_at"),
        (Seance, "date"),
        (Decision, "created_at"),
        (Piece, "created_at"),
        (Recepisse, "created_at"),
    ]:
        assert modele.objects.aggregate(m=Max(champ))["m"] <= fin, (modele, champ)
    assert Dossier.objects.aggregate(m=Max("date_fin"))["m"] <= fin.date()
    assert DemandeComplements.objects.aggregate(m=Max("echeance"))["m"] <= fin.date()
    assert User.objects.filter(email__endswith=DEMO).aggregate(m=Max("date_joined"))["m"] <= fin


def test_chaque_dossier_depose_a_ses_pieces_et_son_recepisse(demo, client):
    deposes = Dossier.objects.exclude(numero=None)
    assert Recepisse.objects.count() == deposes.count()
    # Sent when filed: the outbox's reconciliation has nothing to send again.
    assert not Recepisse.objects.filter(envoye_au_porteur_le=None).exists()
    assert not deposes.filter(pieces=None).exists()
    assert not Dossier.objects.filter(etat=E.BROUILLON).exclude(pieces=None).exists()
    porteur = User.objects.get(email=f"porteur{DEMO}")
    piece = Piece.objects.filter(dossier__structure__adhesions__user=porteur).first()
    client.force_login(porteur)
    reponse = client.get(reverse("dossiers:piece_telecharger", args=[piece.dossier_id, piece.pk]))
    assert reponse.status_code == 200
    contenu = b"".join(reponse.streaming_content)
    assert "Pièce de démonstration" in pypdf.PdfReader(io.BytesIO(contenu)).pages[0].extract_text()


def test_le_guichet_et_les_instructeurs_poursuivent_sur_les_donnees_de_demo(demo):
    dossier = Dossier.objects.filter(etat=E.DEPOSE).select_related("guichet").first()
    agent = User.objects.filter(groups=dossier.guichet.groupe_id, email__endswith=DEMO).get()
    groupe = GroupeTechnique.objects.filter(volets=dossier.volet_id).first()
    instruction.dossier_declarer_recevable(dossier=dossier, par=agent, groupe_technique=groupe)
    instructrice = User.objects.get(email=f"instructeur.etat{DEMO}")
    instruction.avis_donner(
        dossier=dossier,
        par=instructrice,
        sens=SensAvis.FAVORABLE,
        motivation="Projet conforme.",
        montants={ligne.financeur_id: Decimal("1000.00") for ligne in dossier.financements.all()},
    )
    dossier.refresh_from_db()
    assert dossier.etat == E.EN_INSTRUCTION
    assert dossier.structure.verifiee_le is not None
    assert agregats.ecarts() == []


def _schema() -> set:
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        )
        contraintes = set(curseur.fetchall())
        curseur.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'")
        return contraintes | set(curseur.fetchall())


def test_un_gros_chargement_remet_chaque_contrainte_et_chaque_index(referentiel, monkeypatch):
    avant = _schema()
    monkeypatch.setattr(generation, "SEUIL_SUSPENSION", 10)
    rapport = generation.generer(40)
    assert "index et contraintes" in rapport.etapes
    assert _schema() == avant
    assert agregats.ecarts() == []


def test_un_montant_en_centimes_devient_un_montant_exact():
    assert chargement.euros(123456) == Decimal("1234.56")
    assert chargement.euros(0) == Decimal("0.00")


def test_les_seances_closes_ont_ete_convoquees_avant_d_etre_tenues(demo):
    for seance in Seance.objects.exclude(close_le=None):
        assert seance.convocation_envoyee_le < seance.date < seance.close_le
        assert seance.date.astimezone(PARIS).time() == datetime.time(10)

"""The execution in the dashboards, right to the cent on a small world.

Two dossiers of the Commune de Douai, programmed 40 000 € (État) and 30 000 € (Région):
- A: both acts notified, started; the État pays an avance (requested on a Monday at 23:30,
  mandated 10 days later) and an acompte (30 days), the Région an avance (5 days);
- B: the État's act notified, started, an avance paid (2 days), then caduc: only the paid
  avance stays programmed, the rest is released.
"""

import datetime
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cper.templatetags.cper_tags import euros
from dossiers import agregats
from dossiers.enums import EtatDossier as E
from dossiers.models import SuiviDossier, TotalSuivi
from execution import services
from execution.enums import Echeance, EtatDemande, TypeVersement
from execution.models import DemandeVersement, PropositionCaducite
from gouvernance.enums import EtatExport, TypeInstance
from gouvernance.models import Export
from gouvernance.selectors import tableaux
from gouvernance.selectors.maquette import maquette
from gouvernance.tasks import produire_export
from tests.execution.conftest import (
    PIECES_ACOMPTE,
    acte_notifie,
    creer_programme,
    il_y_a,
    pdf,
    pieces,
)
from tests.factories.gouvernance import MembreInstanceFactory, instance
from tests.gouvernance.exports_outils import telecharger

pytestmark = pytest.mark.django_db
D = Decimal


def _deposee(demande, jours: int, heure: datetime.time) -> None:
    """The request was filed `jours` days ago at that local time (before it is handled)."""
    moment = timezone.make_aware(datetime.datetime.combine(il_y_a(jours), heure))
    DemandeVersement.objects.filter(pk=demande.pk).update(deposee_le=moment)


def _payer(acte, porteur, agent, *, type_, deposee, mandatee, heure=datetime.time(9), **kw):
    demande = services.demande_versement_deposer(acte=acte, par=porteur, type=type_, **kw)
    _deposee(demande, deposee, heure)
    demande = services.demande_versement_accepter(demande=demande, par=agent)
    return services.versement_mandater(demande=demande, par=agent, mandate_le=il_y_a(mandatee))


def _commencer(dossier, porteur):
    services.commencement_declarer(
        dossier=dossier,
        par=porteur,
        date=il_y_a(200),
        description="Ordre de service des travaux",
        justificatif=pdf("ordre-de-service.pdf"),
    )


@pytest.fixture
def monde(
    dossier_en_cours,
    acte_etat,
    porteur,
    gestionnaire_etat,
    gestionnaire_region,
    structure,
    volet,
    financeurs,
    secretariat,
):
    a = dossier_en_cours
    _payer(
        acte_etat,
        porteur,
        gestionnaire_etat,
        type_=TypeVersement.AVANCE,
        montant=D("12000.00"),
        deposee=160,
        mandatee=150,
        heure=datetime.time(23, 30),  # late in the evening: still that calendar day
    )
    _payer(
        acte_etat,
        porteur,
        gestionnaire_etat,
        type_=TypeVersement.ACOMPTE,
        depenses=D("60000.00"),
        pieces=pieces(PIECES_ACOMPTE),
        deposee=130,
        mandatee=100,
    )
    acte_region = acte_notifie(
        a,
        financeurs["region"],
        gestionnaire_region,
        notifie_il_y_a=250,
        date_deliberation=il_y_a(260),
        numero_deliberation="CP-2025-118",
    )
    avance_region = _payer(
        acte_region,
        porteur,
        gestionnaire_region,
        type_=TypeVersement.AVANCE,
        montant=D("6000.00"),
        deposee=60,
        mandatee=55,
    )
    b = creer_programme(
        structure=structure,
        volet=volet,
        financeurs=financeurs,
        secretariat=secretariat,
        cree_par=porteur,
        depose_le=timezone.now() - datetime.timedelta(days=400),
    )
    acte_b = acte_notifie(b, financeurs["etat"], gestionnaire_etat)
    _commencer(b, porteur)
    _payer(
        acte_b,
        porteur,
        gestionnaire_etat,
        type_=TypeVersement.AVANCE,
        montant=D("12000.00"),
        deposee=40,
        mandatee=38,
    )
    # The beat job's proposal (its date rule is tested in test_caducite), confirmed by the agent.
    proposition = PropositionCaducite.objects.create(
        acte=acte_b, echeance=Echeance.ACHEVEMENT, date_limite=il_y_a(1)
    )
    services.caducite_confirmer(proposition=proposition, par=gestionnaire_etat)
    b.refresh_from_db()
    assert b.etat == E.CADUC
    assert avance_region.etat == EtatDemande.MANDATEE
    return {"a": a, "b": b}


@pytest.fixture
def mandat_nord(membre_concertation_opale, commune_douai):
    return MembreInstanceFactory(
        instance=instance(TypeInstance.CONCERTATION),
        user=membre_concertation_opale,
        departement=commune_douai.departement,
    )


def test_delais_de_paiement_mediane_et_90e_centile(monde, financeurs):
    delais = {d.libelle: d for d in tableaux.delais_versement()}
    # État: 10, 30 and 2 days → median 10, p90 = 10 + 0.8 × 20 = 26.
    etat = delais[financeurs["etat"].nom]
    assert (etat.dossiers, etat.mediane, etat.p90) == (3, D("10.0"), D("26.0"))
    region = delais[financeurs["region"].nom]
    assert (region.dossiers, region.mediane, region.p90) == (1, D("5.0"), D("5.0"))
    # All: 2, 5, 10, 30 → median 7.5, p90 = 10 + 0.7 × 20 = 24.
    tous = delais[tableaux.TOUS_FINANCEURS]
    assert (tous.dossiers, tous.mediane, tous.p90) == (4, D("7.5"), D("24.0"))
    assert list(delais)[-1] == tableaux.TOUS_FINANCEURS


def test_sans_versement_les_delais_de_paiement_sont_vides(db):
    [tous] = tableaux.delais_versement()
    assert (tous.libelle, tous.dossiers, tous.mediane, tous.p90) == (
        tableaux.TOUS_FINANCEURS,
        0,
        None,
        None,
    )


def test_entonnoir_etendu_aux_etats_de_l_execution(monde):
    entonnoir = tableaux.entonnoir()
    etapes = {libelle: n for libelle, n, _ in entonnoir.etapes}
    assert etapes["Programmés"] == 2
    assert etapes["Attribués (acte notifié)"] == 2
    assert etapes["Commencés"] == 2
    assert etapes["Soldés"] == 0
    sorties = {libelle: n for libelle, n, _ in entonnoir.sorties}
    assert sorties == {"Sortie : devenus caducs": 1, "Sortie : abandonnés par le porteur": 0}
    etats = dict(entonnoir.etats)
    assert etats["En cours (commencement déclaré)"] == 1 and etats["Caduc"] == 1


def _cellule(volet, financeur):
    m = maquette()
    ligne = next(ligne for ligne in m.lignes if ligne.volet == volet)
    return ligne.cellules[m.financeurs.index(financeur)]


def test_execution_par_territoire_au_centime(monde, financeurs, volet, commune_douai):
    etat = _cellule(volet, financeurs["etat"])
    # A: 40 000 standing, 24 000 paid; B (caduc): only its paid 12 000 stays, 28 000 released.
    assert (etat.programme, etat.mandate, etat.libere) == (
        D("52000.00"),
        D("36000.00"),
        D("28000.00"),
    )
    assert etat.reste_a_payer == D("16000.00")
    assert etat.taux_execution == D("69.2")
    region = _cellule(volet, financeurs["region"])
    assert (region.programme, region.mandate, region.libere) == (
        D("30000.00"),
        D("6000.00"),
        D("30000.00"),
    )

    # The territorial breakdown: both dossiers lie in Douai, so the département's row is the
    # maquette's total of the two signatories.
    [nord] = tableaux.repartition_territoriale()["departement"]
    assert nord.dossiers == 2
    assert (nord.programme, nord.mandate, nord.libere) == (
        D("82000.00"),
        D("42000.00"),
        D("58000.00"),
    )
    assert nord.engage == etat.engage + region.engage
    assert nord.reste_a_payer == D("40000.00")
    assert nord.taux_execution == D("51.2")

    # Per territory × volet × signatory, as the maquette's cells.
    detail = {
        (ligne.niveau, ligne.financeur): ligne.cellule
        for ligne in tableaux.execution_territoriale()
    }
    cellule = detail[("Département", financeurs["etat"].nom)]
    assert (cellule.programme, cellule.engage, cellule.mandate, cellule.libere) == (
        etat.programme,
        etat.engage,
        etat.mandate,
        etat.libere,
    )
    assert cellule.reste_a_payer == D("16000.00")
    assert detail[("Arrondissement", financeurs["region"].nom)].libere == D("30000.00")


def test_synthese_du_territoire(monde, mandat_nord, financeurs):
    synthese = tableaux.synthese_territoire(mandat_nord)
    par_signataire = {financeur: c for _volet, financeur, c in synthese.execution}
    etat = par_signataire[financeurs["etat"].nom]
    assert (etat.programme, etat.mandate, etat.libere, etat.reste_a_payer) == (
        D("52000.00"),
        D("36000.00"),
        D("28000.00"),
        D("16000.00"),
    )
    assert synthese.total_execution.mandate == D("42000.00")
    etapes = {libelle: n for libelle, n, _ in synthese.entonnoir.etapes}
    assert etapes["Déposés"] == 2 and etapes["Attribués (acte notifié)"] == 2
    sorties = {libelle: n for libelle, n, _ in synthese.entonnoir.sorties}
    assert sorties["Sortie : devenus caducs"] == 1


def _texte(reponse) -> str:
    return re.sub(r"[ \t\r\n]+", " ", unescape(reponse.content.decode()))


def test_tableau_de_pilotage_montre_l_execution(client, monde, membre_pilotage):
    client.force_login(membre_pilotage)
    reponse = client.get(reverse("gouvernance:pilotage"))
    texte = _texte(reponse)
    assert "<caption>Délais de paiement, de la demande de versement au mandatement" in texte
    assert '<th scope="row">Tous les financeurs</th>' in texte
    assert "Tous les financeurs — 90e centile : 24,0" in texte  # the chart, in days
    assert '<th scope="col">Reste à payer (€)</th>' in texte
    assert "Sortie : devenus caducs" in texte
    assert "Attribués (acte notifié)" in texte
    assert unescape(euros(D("40000.00"))) in texte  # the département's reste à payer


def test_tableau_du_territoire_montre_l_execution(client, monde, mandat_nord):
    client.force_login(mandat_nord.user)
    texte = _texte(client.get(reverse("gouvernance:territoire")))
    assert "<caption>Exécution par volet et par signataire</caption>" in texte
    assert "<caption>Entonnoir des dossiers du territoire</caption>" in texte
    assert '<th scope="col">Libéré : caducités et renonciations (€)</th>' in texte
    assert unescape(euros(D("16000.00"))) in texte  # the État's reste à payer
    assert unescape(euros(D("58000.00"))) in texte  # released on the territory


def _fichier(export) -> bytes:
    export.refresh_from_db()
    with export.fichier.open("rb") as f:
        return f.read()


@pytest.mark.parametrize(
    ("tableau", "entetes", "attendu"),
    [
        ("delais-versement", ["Financeur", "Versements mesurés", "Médiane (jours)"], "7,5"),
        (
            "execution-territoires",
            ["Territoire", "Niveau", "Volet", "Signataire", "Reste à payer (€)"],
            "16000,00",
        ),
        ("territoires-departement", ["Mandaté (€)", "Taux d'exécution (%)"], "42000,00"),
        ("entonnoir", ["Étape franchie"], "Sortie : devenus caducs"),
    ],
)
def test_exports_du_pilotage_avec_l_execution(monde, membre_pilotage, tableau, entetes, attendu):
    export = Export.objects.create(
        demandeur=membre_pilotage, page="pilotage", tableau=tableau, format="csv"
    )
    assert produire_export(export.pk) == EtatExport.PRET
    contenu = _fichier(export).decode("utf-8-sig")
    premiere = contenu.split("\r\n")[0].split(";")
    assert all(entete in premiere for entete in entetes), premiere
    assert attendu in contenu


def test_export_xlsx_de_l_execution_du_territoire(client, monde, mandat_nord):
    client.force_login(mandat_nord.user)
    fichier = telecharger(
        client, reverse("gouvernance:territoire_export", args=["execution", "xlsx"])
    )
    feuille = load_workbook(io.BytesIO(fichier.content_lu)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0][:3] == ("Volet", "Signataire", "Programmé (€)")
    total = lignes[-1]
    assert total[:2] == ("Total", "Tous les signataires")
    assert D(str(total[4])) == D("42000.00")  # mandaté, a number in the sheet


def test_export_de_l_entonnoir_du_territoire(monde, mandat_nord):
    export = Export.objects.create(
        demandeur=mandat_nord.user, page="territoire", tableau="entonnoir", format="csv"
    )
    assert produire_export(export.pk) == EtatExport.PRET
    contenu = _fichier(export).decode("utf-8-sig")
    assert "Commencés;2;" in contenu


@pytest.mark.agregats_libres
def test_un_mandatement_sans_recalcul_est_signale(monde):
    """Paying around the services (no recalculation) leaves the kept delays and execution
    figures stale: the from-scratch comparison names them."""
    assert agregats.ecarts() == []
    demande = DemandeVersement.objects.filter(etat=EtatDemande.MANDATEE).first()
    DemandeVersement.objects.filter(pk=demande.pk).update(mandate_le=il_y_a(1))
    ecarts = agregats.ecarts()
    assert any(e[0] == "suivi manquant" and '"versements"' in e[1] for e in ecarts)
    assert any(e[0] == "compte manquant" and "versement:" in e[1] for e in ecarts)
    agregats.recalculer_dossier(demande.acte.dossier_id)
    assert agregats.ecarts() == []


@pytest.mark.agregats_libres
def test_les_totaux_d_execution_faux_sont_signales(monde):
    ligne = TotalSuivi.objects.filter(section="execution", mandate__gt=0).first()
    TotalSuivi.objects.filter(pk=ligne.pk).update(mandate=ligne.mandate + D("0.01"))
    assert any(e[0] == "compte en trop" and '"execution"' in e[1] for e in agregats.ecarts())
    agregats.reconstruire()
    assert agregats.ecarts() == []
    suivi = SuiviDossier.objects.get(dossier=monde["b"])
    assert suivi.etat == E.CADUC and sorted(suivi.mandates) == [D("0.00"), D("12000.00")]


def test_chaque_etape_de_l_entonnoir_est_comptee_par_territoire():
    """A stage added to the dashboards but not kept per territory would read 0 there."""
    codes = {code for code, _ in tableaux.ETAPES + tableaux.SORTIES}
    assert codes <= set(agregats.ETAPES_TERRITOIRE)


def test_le_dossier_du_territoire_montre_son_mandate(client, monde, mandat_nord):
    client.force_login(mandat_nord.user)
    texte = _texte(client.get(reverse("gouvernance:territoire_dossier", args=[monde["a"].pk])))
    # 12 000 + 12 000 (État) and 6 000 (Région).
    assert re.search(
        r"Montant mandaté \(versements, moins les reversements recouvrés\)</dt> <dd>"
        + re.escape(unescape(euros(D("30000.00")))),
        texte,
    ), texte
    export = Export.objects.create(
        demandeur=mandat_nord.user, page="territoire", tableau="dossiers", format="csv"
    )
    assert produire_export(export.pk) == EtatExport.PRET
    contenu = _fichier(export).decode("utf-8-sig")
    assert contenu.split("\r\n")[0].endswith(";Mandaté (€)")
    assert f"{monde['a'].numero};" in contenu and ";30000,00\r\n" in contenu


@pytest.mark.agregats_libres
def test_sans_source_des_delais_de_paiement_tout_echoue_bruyamment(monkeypatch, monde):
    """Forgetting to register the payment delays is an error, never empty delays."""
    sources = {c: s for c, s in agregats._SOURCES.items() if c != agregats.VERSEMENTS}
    monkeypatch.setattr(agregats, "_SOURCES", sources)
    erreurs = agregats.verifier_sources()
    assert [e.id for e in erreurs] == ["dossiers.E001"] and "versements" in erreurs[0].msg
    with pytest.raises(ImproperlyConfigured, match="versements"):
        agregats.recalculer_dossier(monde["a"].pk)

"""The agents' dossier page reads its lists through SQL compiled once per process: that SQL
reads exactly what the ORM expressions it was compiled from read."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_fsm_log.models import StateLog

from cper.forms import formulaire_vide
from dossiers import agregats
from dossiers.models import Dossier
from instruction import selectors
from instruction.enums import Cote, SensAvis, TypeCourrier
from instruction.forms import AnnotationForm, MessageForm
from instruction.models import Annotation, AvisCofinanceur, Courrier, Transfert
from tests.factories import GuichetFactory
from tests.factories.instruction import AvisFactory, DemandeComplementsFactory
from tests.factories.referentiel import CommuneFactory, FinanceurFactory


def _lire(dossiers, annotations):
    return list(dossiers.annotate(**annotations).values("pk", *annotations).order_by("pk"))


@pytest.mark.parametrize("n", [1, 3])
def test_le_sql_fige_lit_ce_que_lit_l_orm(
    dossier_en_instruction, dossier_depose, agent_sp_douai, porteur, n
):
    dossier = dossier_en_instruction
    autre = GuichetFactory()
    for i in range(n):
        DemandeComplementsFactory(
            dossier=dossier,
            demandee_par=agent_sp_douai,
            motif=f"M{i}",
            # One open request at most: the others were answered.
            repondue_le=timezone.now() if i else None,
            repondue_par=porteur if i else None,
            reponse=f"Réponse {i}" if i else "",
        )
        Annotation.objects.create(dossier=dossier, auteur=agent_sp_douai, texte=f"Note {i}")
        Courrier.objects.create(
            dossier=dossier, type=TypeCourrier.ATTESTATION_COMPLET, emis_par=agent_sp_douai
        )
        Transfert.objects.create(
            dossier=dossier,
            de=dossier.guichet,
            vers=autre,
            de_nom=dossier.guichet.nom,
            vers_nom=autre.nom,
            motif=f"Compétence {i}",
            par=agent_sp_douai,
        )
        AvisCofinanceur.objects.create(
            dossier=dossier,
            financeur=FinanceurFactory(code=f"departement{i}", nom=f"Département {i}"),
            sens=SensAvis.FAVORABLE,
            motivation="Oui",
            montant=Decimal("1000.50"),
            donne_par=agent_sp_douai,
        )
        dossier.communes.add(CommuneFactory())
    StateLog.objects.create(
        content_type=ContentType.objects.get_for_model(Dossier),
        object_id=dossier.pk,
        transition="deposer",
        state="depose",
        source_state="brouillon",
        by=agent_sp_douai,
    )
    AvisFactory(dossier=dossier, cote=Cote.ETAT, donne_par=agent_sp_douai)
    AvisFactory(dossier=dossier, cote=Cote.REGION, sens=SensAvis.DEFAVORABLE)
    agregats.recalculer_dossier(dossier.pk)  # the dashboards count communes and filings

    orm = selectors._annotations_page_agent_orm()
    fige = selectors._annotations_page_agent()
    dossiers = Dossier.objects.filter(pk__in=[dossier.pk, dossier_depose.pk])
    lu = _lire(dossiers, {nom: fige[nom] for nom in orm})
    assert lu == _lire(dossiers, orm)
    assert len(lu[0]["liste_demandes"]) == n and len(lu[0]["liste_journal"]) >= 1
    assert [a["cote"] for a in lu[0]["liste_avis"]] == [Cote.ETAT, Cote.REGION]
    assert len(lu[0]["noms_communes"]) > n and len(lu[0]["liste_avis_cofinanceurs"]) == n


@pytest.mark.parametrize("formulaire", [MessageForm, AnnotationForm])
def test_les_formulaires_vides_gardes_sont_ceux_que_rend_django(formulaire):
    assert formulaire_vide(formulaire) == str(formulaire())
    assert 'name="texte"' in formulaire_vide(formulaire)

"""The agents' dossier page reads its lists through SQL compiled once per process: that SQL
reads exactly what the ORM expressions it was compiled from read."""

import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.template import Context, Template
from django.utils import timezone
from django_fsm_log.models import StateLog

from cper.forms import formulaire_vide
from dossiers import agregats
from dossiers.models import Dossier
from instruction import selectors
from instruction.enums import Cote, SensAvis, TypeCourrier
from instruction.forms import AnnotationForm, MessageForm
from instruction.models import (
    Annotation,
    AvisCofinanceur,
    Courrier,
    LectureMessage,
    Message,
    MontantPropose,
    PieceJointe,
    Routage,
    Transfert,
)
from instruction.templatetags import dossier_agent_tags
from tests.factories import GuichetFactory
from tests.factories.dossiers import LigneFinancementFactory
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
    avis_etat = AvisFactory(dossier=dossier, cote=Cote.ETAT, donne_par=agent_sp_douai)
    AvisFactory(dossier=dossier, cote=Cote.REGION, sens=SensAvis.DEFAVORABLE)
    ligne = LigneFinancementFactory(dossier=dossier, montant_demande=Decimal("1234.56"))
    MontantPropose.objects.create(
        avis=avis_etat, financeur=ligne.financeur, montant=Decimal("1000.10")
    )
    agregats.recalculer_dossier(dossier.pk)  # the dashboards count communes and filings

    orm = selectors._annotations_page_agent_orm()
    fige = selectors._annotations_page_agent()
    dossiers = Dossier.objects.filter(pk__in=[dossier.pk, dossier_depose.pk])
    lu = _lire(dossiers, {nom: fige[nom] for nom in orm})
    assert lu == _lire(dossiers, orm)
    assert len(lu[0]["liste_demandes"]) == n and len(lu[0]["liste_journal"]) >= 1
    assert [a["cote"] for a in lu[0]["liste_avis"]] == [Cote.ETAT, Cote.REGION]
    assert len(lu[0]["noms_communes"]) > n and len(lu[0]["liste_avis_cofinanceurs"]) == n
    # The plan comparé read in the dossier's row is the one of `plan_compare`.
    for un in (dossier, dossier_depose):
        [ligne_du_dossier] = [x for x in lu if x["pk"] == un.pk]
        plan = selectors.plan_du_dossier(ligne_du_dossier["plan_json"])
        assert plan == selectors.plan_compare([un.pk]).get(un.pk, [])
    plan = selectors.plan_du_dossier(lu[0]["plan_json"])
    assert {"demande": Decimal("1234.56"), "etat": Decimal("1000.10")}.items() <= next(
        x for x in plan if x["financeur_id"] == ligne.financeur_id
    ).items()


def _contenu(objet, profondeur=0):
    """An instance's values and those of the related instances it came with (select_related)."""
    if objet is None or profondeur > 3:
        return None
    valeurs = {
        k: v for k, v in objet.__dict__.items() if k not in ("_state", "_prefetched_objects_cache")
    }
    valeurs["_lies"] = {
        nom: _contenu(lie, profondeur + 1) for nom, lie in objet._state.fields_cache.items()
    }
    valeurs["_prefetch"] = {
        nom: [_contenu(o, profondeur + 1) for o in lus]
        for nom, lus in getattr(objet, "_prefetched_objects_cache", {}).items()
    }
    return valeurs


def _memes(compilee, **ids):
    lus = compilee(**ids)
    assert [_contenu(o) for o in lus] == [_contenu(o) for o in compilee.queryset(**ids)]
    return lus


def test_les_requetes_compilees_de_la_page_lisent_ce_que_lit_l_orm(
    dossier_en_instruction,
    dossier_depose,
    agent_sp_douai,
    agent_region,
    instructeur_etat,
    porteur,
    django_assert_num_queries,
):
    dossier = dossier_en_instruction
    message = Message.objects.create(dossier=dossier, auteur=porteur, texte="Bonjour <b>")
    LectureMessage.objects.create(message=message, user=agent_sp_douai)
    for nom, statut in (("devis.pdf", "sain"), ("plan <b>.pdf", "en_analyse")):
        PieceJointe.objects.create(
            message=message,
            fichier=f"messages/{nom}",
            nom_original=nom,
            type_mime="application/pdf",
            taille=10,
            sha256="1" * 64,
            statut_antivirus=statut,
        )
    Message.objects.create(
        dossier=dossier, auteur=agent_sp_douai, de_l_administration=True, texte="Réponse"
    )
    vus = {
        agent_sp_douai: {dossier_en_instruction, dossier_depose},
        instructeur_etat: {dossier_en_instruction},
        agent_region: set(),
    }
    for user, visibles in vus.items():
        roles = frozenset(r for r in selectors.ROLES_DES_PERIMETRES if user.a_le_role(r))
        compilee = selectors.page_agent_compilee(roles)
        for un in (dossier_en_instruction, dossier_depose):
            lus = _memes(compilee, user_id=user.pk, pk=un.pk)
            assert [d.pk for d in lus] == ([un.pk] if un in visibles else [])
            if not lus:
                continue
            # The routings and the thread rebuilt from the dossier's row, as the ORM reads them.
            routages = selectors._routages(lus[0].liste_routages)
            orm = (
                Routage.objects.filter(dossier=un)
                .select_related("groupe_technique", "par")
                .annotate(mon_cote=selectors.cote_dans_le_groupe(user))
            )
            assert [
                (r.pk, r.created_at, str(r.groupe_technique), str(r.par), r.commentaire, r.mon_cote)
                for r in routages
            ] == [
                (r.pk, r.created_at, str(r.groupe_technique), str(r.par), r.commentaire, r.mon_cote)
                for r in orm
            ]
            fil = selectors._fil(lus[0].liste_fil)
            orm = (
                Message.objects.filter(dossier=un)
                .select_related("auteur")
                .prefetch_related("pieces_jointes")
                .annotate(
                    lu=Exists(LectureMessage.objects.filter(message=OuterRef("pk"), user=user))
                )
            )

            def vu(m):
                return (
                    m.pk,
                    m.created_at,
                    m.de_l_administration,
                    m.texte,
                    str(m.auteur),
                    m.lu,
                    [(p.pk, p.nom_original, p.disponible) for p in m.pieces_jointes.all()],
                )

            with django_assert_num_queries(0):
                vus_compiles = [vu(m) for m in fil]
            assert vus_compiles == [vu(m) for m in orm]
            if un == dossier_en_instruction:
                assert [r.mon_cote for r in routages] == [
                    Cote.ETAT if user == instructeur_etat else None
                ]
                assert sorted(m.lu for m in fil) == [False, user == agent_sp_douai]
                assert [len(m.pieces_jointes.all()) for m in fil] == [2, 0]


@pytest.mark.parametrize("formulaire", [MessageForm, AnnotationForm])
def test_les_formulaires_vides_gardes_sont_ceux_que_rend_django(formulaire):
    assert formulaire_vide(formulaire) == str(formulaire())
    assert 'name="texte"' in formulaire_vide(formulaire)


# The page's former template loops, the reference of the Python tags.
ROUTAGES = """<h2>Routages</h2>
<ul>
  {% for routage in routages %}
    <li>
      {{ routage.created_at|date:"d/m/Y H:i" }} : vers {{ routage.groupe_technique }}
      par {{ routage.par }}
      {% if routage.commentaire %}— {{ routage.commentaire }}{% endif %}
    </li>
  {% empty %}
    <li>Pas encore routé.</li>
  {% endfor %}
</ul>"""
HISTORIQUE = """<h2>Historique</h2>
<ol>
  {% for entree in journal %}
    <li>
      {{ entree.entree.timestamp|date:"d/m/Y H:i" }} — {{ entree.libelle }}
      (désormais « {{ entree.vers }} »)
      {% if entree.entree.by %}par {{ entree.entree.by }}{% endif %}
      {% if entree.entree.description %}— {{ entree.entree.description }}{% endif %}
    </li>
  {% endfor %}
</ol>"""


def _espaces(html: str) -> str:
    """Runs of whitespace as one space, none around tags: the text a reader sees."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


def test_routages_et_historique_ecrits_en_python_ont_le_balisage_des_gabarits(
    dossier_en_instruction, agent_sp_douai, porteur, groupe_mobilite
):
    maintenant = timezone.now()
    routages = [
        Routage(
            created_at=maintenant,
            groupe_technique=groupe_mobilite,
            par=agent_sp_douai,
            commentaire="Voir <la> note & le plan",
        ),
        Routage(created_at=maintenant, groupe_technique=groupe_mobilite, par=porteur),
    ]
    journal = [
        {
            "entree": StateLog(
                timestamp=maintenant, by=agent_sp_douai, description="Motif <b> & suite"
            ),
            "libelle": "Dépôt",
            "vers": "Déposé",
        },
        {
            "entree": StateLog(timestamp=maintenant, by=None, description=""),
            "libelle": "L'« x »",
            "vers": "<y>",
        },
    ]
    for un_routage, un_journal in ((routages, journal), ([], [])):
        contexte = Context({"routages": un_routage, "journal": un_journal})
        assert _espaces(dossier_agent_tags.routages(un_routage)) == _espaces(
            Template(ROUTAGES).render(contexte)
        )
        assert _espaces(dossier_agent_tags.historique(un_journal)) == _espaces(
            Template(HISTORIQUE).render(contexte)
        )
    assert "Voir &lt;la&gt; note &amp; le plan" in dossier_agent_tags.routages(routages)
    assert "Pas encore routé." in dossier_agent_tags.routages([])

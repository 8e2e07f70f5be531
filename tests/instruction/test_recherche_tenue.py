"""The workbenches' search reads the dossier's kept search text (dossiers/recherche.py): it is
written with what it is made of (number, title, structure's name), equals a computation from
scratch, and a search finds what the three fields compared one by one found — same dossiers,
same counts, same order, whatever is typed."""

import re

import pytest
from django.db.models import Q
from django.urls import reverse

from dossiers import recherche
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier, Structure
from dossiers.services import structures as services_structures
from dossiers.services.edition import dossier_creer
from instruction import selectors
from tests.factories import DossierFactory, StructureFactory

JETONS = re.compile(r'(csrfmiddlewaretoken" value="|nonce="|csrf-token" content=")[^"]*')


def _recherche_sur_les_champs(texte: str) -> Q:
    """The search as it was: each of the three fields compared by `icontains`."""
    return (
        Q(numero__icontains=texte)
        | Q(intitule__icontains=texte)
        | Q(structure__in=Structure.objects.filter(raison_sociale__icontains=texte))
    )


def _texte_tenu(dossier) -> str:
    return Dossier.objects.values_list("recherche", flat=True).get(pk=dossier.pk)


@pytest.fixture
def dossiers_hostiles(structure, guichet_douai):
    """Titles and structures' names with accents, cases, LIKE's wildcards, a backslash, the
    separator itself; in every state of the guichet's tabs."""
    autre = StructureFactory(raison_sociale="Société d'Économie Mixte « GARE_DU_NORD » 100 %")
    titres = [
        "Gare de Lécluse",
        "GARE ROUTIÈRE",
        "Pôle d'échanges gâre",
        "Voie verte à 100 % vélo",
        "Voie e_1 sans motif",
        "Chemin\\de\\fer",
        "Straße et œuvre",
        "Écluse ÉTÉ été",
        "Voie\x1fGare cachée",
        "Ligne Douai – Lens",
    ]
    etats = [E.DEPOSE, E.EN_INSTRUCTION, E.INSTRUIT, E.PROGRAMME, E.REJETE, E.IRRECEVABLE]
    faits = []
    for i in range(24):
        etat = etats[i % len(etats)]
        faits.append(
            DossierFactory(
                structure=autre if i % 3 == 0 else structure,
                guichet=guichet_douai,
                intitule=titres[i % len(titres)] + f" {i}",
                avec_depot=True,
                etat=etat,
            )
        )
    return faits


TEXTES = [
    "gare",
    "GARE",
    "GaRe",
    "gâre",
    "é",
    "É",
    "ete",
    "été",
    "%",
    "_",
    "e_1",
    "100 %",
    "\\",
    "\\de",
    "ß",
    "SS",
    "œ",
    "'",
    "«",
    "économie",
    "GARE_DU",
    "Commune de Douai",
    "douai",
    "NPDC-2015",
    "voie\x1fgare",  # the separator: searched on the three fields
    "e\x1fG",
    "1",
    "–",
    "zzz introuvable",
]


@pytest.mark.parametrize("texte", TEXTES)
def test_une_recherche_trouve_ce_que_trouvaient_les_trois_champs(
    client, monkeypatch, dossiers_hostiles, agent_sp_douai, texte
):
    """The page read (SQL compiled once, on the kept text) is the page the ORM reads with the
    three fields compared one by one: rows, tabs' counts, order, in every tab and sort."""
    assert recherche.ecarts() == []
    client.force_login(agent_sp_douai)
    url = reverse("instruction:guichet")
    for onglet in ("a_traiter", "en_cours", "clos", "tous"):
        for tri in ("", "intitule", "structure", "-depot"):
            parametres = {"q": texte, "onglet": onglet, "tri": tri}
            lue = JETONS.sub("", client.get(url, parametres).text)
            with monkeypatch.context() as m:
                m.setattr(selectors, "file_compilable", lambda *args: False)
                m.setattr(selectors, "recherche_texte", _recherche_sur_les_champs)
                attendue = JETONS.sub("", client.get(url, parametres).text)
            assert lue == attendue, (texte, onglet, tri)


@pytest.mark.parametrize("texte", TEXTES)
def test_les_memes_dossiers_que_les_trois_champs(dossiers_hostiles, texte):
    tenus = Dossier.objects.filter(selectors.recherche_texte(texte))
    champs = Dossier.objects.filter(_recherche_sur_les_champs(texte))
    assert sorted(tenus.values_list("pk", flat=True)) == sorted(champs.values_list("pk", flat=True))


def test_les_textes_hostiles_trouvent_ce_qu_ils_disent(dossiers_hostiles):
    def trouves(texte):
        return Dossier.objects.filter(selectors.recherche_texte(texte)).count()

    assert trouves("%") == trouves("100 %") > 0  # « % » is searched as such
    # « _ » in a title and in a structure's name only, never as LIKE's wildcard.
    assert trouves("_") == trouves("GARE_DU_NORD") + trouves("e_1")
    assert trouves("zzz") == 0
    assert trouves("voie\x1fgare") > 0  # the title holds the separator
    assert trouves("e\x1fG") > 0
    # The separator never joins the parts: the end of a title and the structure's name.
    assert trouves("0\x1fCommune") == 0
    assert trouves("0Commune") == 0


def test_le_texte_tenu_suit_chaque_ecriture(porteur, structure, guichet_douai):
    brouillon = dossier_creer(par=porteur, structure=structure, intitule="Piste cyclable")
    assert _texte_tenu(brouillon) == "\x1fPISTE CYCLABLE\x1fCOMMUNE DE DOUAI"
    # A section saved (its own fields only), a full save, a save of the fields loaded.
    brouillon.intitule = "Voie verte"
    brouillon.save(update_fields=["intitule", "updated_at"])
    assert _texte_tenu(brouillon) == "\x1fVOIE VERTE\x1fCOMMUNE DE DOUAI"
    partiel = Dossier.objects.only("intitule").get(pk=brouillon.pk)
    partiel.intitule = "Voie bleue"
    partiel.save()
    assert _texte_tenu(brouillon) == "\x1fVOIE BLEUE\x1fCOMMUNE DE DOUAI"
    brouillon.refresh_from_db()
    brouillon.save(update_fields=["resume"])  # nothing of the text written: left as it is
    depose = DossierFactory(depose=True, structure=structure, guichet=guichet_douai)
    assert _texte_tenu(depose).startswith(depose.numero.upper() + "\x1f")
    # The structure renamed by its administrator: every dossier of it follows.
    structure.refresh_from_db()
    structure.raison_sociale = "Ville de Douai"
    services_structures.structure_modifier(structure=structure, par=porteur)
    assert _texte_tenu(brouillon) == "\x1fVOIE BLEUE\x1fVILLE DE DOUAI"
    assert _texte_tenu(depose).endswith("\x1fVILLE DE DOUAI")
    assert Dossier.objects.filter(selectors.recherche_texte("ville de")).count() == 2
    assert not Dossier.objects.filter(selectors.recherche_texte("commune de")).exists()
    # Moved to another structure.
    autre = StructureFactory(raison_sociale="Agglomération")
    depose.structure = autre
    depose.save(update_fields=["structure"])
    assert _texte_tenu(depose).endswith("\x1fAGGLOMÉRATION")
    assert recherche.ecarts() == []


def test_reconstruire_rattrape_un_texte_perime(dossiers_hostiles):
    Dossier.objects.filter(pk=dossiers_hostiles[0].pk).update(recherche="périmé")
    ecarts = recherche.ecarts()
    assert [e[0] for e in ecarts] == [dossiers_hostiles[0].pk]
    assert recherche.reconstruire() == 1
    assert recherche.ecarts() == []


def test_les_majuscules_du_chargement_en_masse_sont_celles_de_postgresql(db):
    textes = ["straße", "œuvre", "été", "", "npdc-2015-00001", "ǆ"]
    majuscules = recherche.majuscules(textes)
    assert majuscules["été"] == "ÉTÉ"
    assert majuscules["straße"] != "straße".upper()  # Python's own differs: never used
    assert recherche.composer("A", "B", "C") == "A\x1fB\x1fC"

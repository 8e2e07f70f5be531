"""The factories build what the personas and later tests rely on."""

from dossiers.enums import EtatDossier
from tests.factories import DossierFactory


def test_un_dossier_depose_a_numero_guichet_et_date(db):
    dossier = DossierFactory(depose=True)
    assert dossier.etat == EtatDossier.DEPOSE
    assert dossier.numero.startswith("NPDC-2015-")
    assert dossier.guichet is not None
    assert list(dossier.communes.all()) == [dossier.structure.commune]


def test_un_brouillon_n_a_pas_de_numero(db):
    dossier = DossierFactory()
    assert dossier.etat == EtatDossier.BROUILLON
    assert dossier.numero is None


def test_les_personas_sont_rattaches_a_leur_structure_et_guichet(
    porteur, structure, agent_sp_douai, guichet_douai
):
    assert structure.adhesions.filter(user=porteur, administrateur=True).exists()
    assert guichet_douai.groupe in agent_sp_douai.groups.all()
    assert guichet_douai.arrondissement.nom == "Douai"

"""The test settings make an unknown variable in one of the project's templates fail."""

import pytest
from django.template import Context, Origin, Template, engines

from cper.gabarits import RACINE_GABARITS


def _gabarit(texte: str, nom) -> Template:
    return Template(texte, origin=Origin(name=str(nom)), engine=engines["django"].engine)


def test_une_variable_inconnue_d_un_gabarit_du_projet_fait_echouer_le_rendu():
    gabarit = _gabarit("Dossier {{ dossier.numero }}", RACINE_GABARITS / "dossiers/essai.html")
    with pytest.raises(NameError, match=r"dossier\.numero"):
        gabarit.render(Context({}))
    assert gabarit.render(Context({"dossier": {"numero": "NPDC-2016-00001"}})) == (
        "Dossier NPDC-2016-00001"
    )


def test_un_gabarit_d_une_bibliotheque_garde_le_silence_de_django():
    gabarit = _gabarit("[{{ inexistante }}]", "/usr/lib/python3/dist-packages/dsfr/essai.html")
    assert gabarit.render(Context({})) == "[]"

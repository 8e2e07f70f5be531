"""The séance page's {% resserre %}: the indentation goes, the spaces a reader sees stay."""

from django.template import engines


def _rendu(source: str, **contexte) -> str:
    return engines["django"].from_string("{% load seances_tags %}" + source).render(contexte)


def test_l_indentation_devient_un_saut_de_ligne():
    rendu = _rendu(
        "{% resserre %}<p>\n      <strong>Décision</strong>\n      — motif : {{ motif }}\n    "
        "</p>{% endresserre %}",
        motif="<b>hors délai</b>",
    )
    assert rendu == "<p>\n<strong>Décision</strong>\n— motif : &lt;b&gt;hors délai&lt;/b&gt;\n</p>"


def test_les_espaces_sur_une_ligne_restent():
    assert _rendu("{% resserre %}a  b <i>c</i> d{% endresserre %}") == "a  b <i>c</i> d"

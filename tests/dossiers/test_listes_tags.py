"""Markup written in Python gives the markup of the templates it replaces: the DSFR table
(`dsfr_table`), the dossier's timeline and pieces."""

import re
from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone
from django.utils.html import format_html

from cper.televersement.enums import StatutAntivirus
from dossiers.enums import TypePiece
from dossiers.models import Dossier, Piece
from dossiers.selectors.porteur import Evenement
from dossiers.templatetags.dossiers_tags import chronologie, pieces_du_dossier
from dossiers.templatetags.listes_tags import tableau_dsfr


def _sans_blancs(html: str) -> str:
    return re.sub(
        r">\s+<", "><", re.sub(r">\s+([^<\s])", r">\1", re.sub(r"\s+<", "<", html))
    ).strip()


def test_meme_balisage_que_dsfr_table():
    tableau = {
        "caption": "Dossiers de mes structures (2) & <autres>",
        "header": ["Intitulé", "État <court>"],
        "content": [
            [format_html('<a href="{}">{}</a>', "/dossiers/1/", "Halte <b>"), "Déposé & reçu"],
            [format_html("{}", "—"), "<script>alert(1)</script>"],
        ],
    }
    attendu = Template("{% load dsfr_tags %}{% dsfr_table tableau %}").render(
        Context({"tableau": tableau})
    )
    assert _sans_blancs(tableau_dsfr(tableau)) == _sans_blancs(attendu)
    assert "&lt;script&gt;" in tableau_dsfr(tableau)


# The timeline's former template loop, the reference of the Python tag.
CHRONOLOGIE = """<h2 id="chronologie">Chronologie</h2>
<ol hx-disable class="fr-mb-4w">
  {% for evenement in evenements %}
    <li>
      <time datetime="{{ evenement.date|date:'c' }}">
        {{ evenement.date|date:"j F Y à H:i" }}</time> :
      <strong>{{ evenement.titre }}</strong>
      {% if evenement.par %}par {{ evenement.par }}{% endif %}
      {% if evenement.commentaire %}
        <br>
        <span class="fr-text--sm">{{ evenement.commentaire|linebreaksbr }}</span>
      {% endif %}
    </li>
  {% endfor %}
</ol>"""


def test_la_chronologie_ecrite_en_python_a_le_balisage_du_gabarit():
    maintenant = timezone.now()
    evenements = [
        Evenement(date=maintenant - timedelta(days=3), titre="Dossier créé", par="Léa <b>"),
        Evenement(date=maintenant - timedelta(days=1), titre="Dossier déposé", par=""),
        Evenement(
            date=maintenant,
            titre="Compléments demandés & <vite>",
            par="l'administration",
            commentaire="Ligne 1\nLigne <2>\r\nLigne 3",
        ),
    ]
    for liste in (evenements, []):
        attendu = Template(CHRONOLOGIE).render(Context({"evenements": liste}))
        rendu = chronologie(liste)
        assert _sans_blancs(rendu) == _sans_blancs(attendu)
    # The spaces a reader sees between a tag and the text around it.
    assert "</time> : <strong>Dossier créé</strong> par Léa &lt;b&gt;</li>" in chronologie(
        evenements
    )
    assert "Ligne &lt;2&gt;<br>Ligne 3" in chronologie(evenements)


# The pieces' former template loop (its indentation aside), the reference of the Python tag.
PIECES = (
    "{% if dossier.liste_pieces %}<ul>{% for piece in dossier.liste_pieces %}"
    "<li>\n  {{ piece.get_type_display }} :\n  {% if piece.disponible %}"
    "<a hx-disable href=\"{% url 'dossiers:piece_telecharger' dossier.pk piece.pk %}\">"
    "{{ piece.nom_original }}</a>{% else %}"
    "<span hx-disable>{{ piece.nom_original }}</span> (en cours d'analyse antivirus)"
    "{% endif %}\n</li>{% endfor %}</ul>{% else %}<p>Aucune pièce jointe.</p>{% endif %}"
)


def test_les_pieces_ecrites_en_python_ont_le_balisage_du_gabarit():
    # Ids with zeros: the link is built from the URL of piece 0.
    dossier = Dossier(pk=10)
    dossier.liste_pieces = [
        Piece(
            pk=100,
            type=TypePiece.DELIBERATION,
            nom_original="Délibération <b>.pdf",
            statut_antivirus=StatutAntivirus.SAIN,
        ),
        Piece(
            pk=3,
            type=TypePiece.DELIBERATION,
            nom_original="Délibération 2.pdf",
            statut_antivirus=StatutAntivirus.SAIN,
        ),
        Piece(
            pk=4,
            type=TypePiece.CALENDRIER,
            nom_original="plan & co.pdf",
            statut_antivirus=StatutAntivirus.EN_ANALYSE,
        ),
    ]
    for pieces in (dossier.liste_pieces, []):
        dossier.liste_pieces = pieces
        attendu = Template(PIECES).render(Context({"dossier": dossier}))
        assert _sans_blancs(pieces_du_dossier(dossier)) == _sans_blancs(attendu)
    dossier.liste_pieces = [
        Piece(
            pk=3,
            type=TypePiece.DELIBERATION,
            nom_original="a.pdf",
            statut_antivirus=StatutAntivirus.SAIN,
        )
    ]
    assert ' : <a hx-disable href="/dossiers/10/pieces/3/telecharger/">' in pieces_du_dossier(
        dossier
    )

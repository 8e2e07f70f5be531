# ruff: noqa: E501 - the template loops below are kept as they were written
"""The séance page's tags write the markup its template loops wrote, value for value.

The two loops below are the template's, as they were before the tags replaced them. The tags
write no indentation: both are compared with each run of white space that holds a line break
folded into one line break (what the page's former `{% resserre %}` did to the loops).
"""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import engines

from cper.comptes.models import User
from cper.referentiel.models import Commune, Financeur, Volet
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier, Structure
from gouvernance.enums import SensDecision
from gouvernance.forms.seances import OrdreDuJourForm
from gouvernance.models import Decision, Deport, Observation
from gouvernance.selectors.seances import Candidat
from instruction.enums import Cote, SensAvis
from instruction.models import Avis, AvisCofinanceur, DemandeArbitrage
from instruction.selectors import Divergences

BOUCLE_POINTS = """{% load cper_tags plan_compare_tags %}
    {% for point in points %}
      <section class="fr-mb-6w" aria-labelledby="point-{{ point.pk }}">
        <h3 hx-disable id="point-{{ point.pk }}">{{ point.ordre }}. Dossier {{ point.dossier.numero }} — {{ point.dossier.intitule }}</h3>
        <p>
          {% if point.decision_prise %}
            <p class="fr-badge fr-badge--success fr-badge--no-icon">{{ point.decision_prise.get_sens_display }}</p>
          {% elif point.a_decider %}
            <p class="fr-badge fr-badge--info fr-badge--no-icon">En attente de décision</p>
          {% else %}
            <p class="fr-badge fr-badge--no-icon">Sans objet</p>
          {% endif %}
          {% if point.avis_divergents %}
            <p class="fr-badge fr-badge--warning">Avis divergents</p>
          {% endif %}
          {% if point.divergences.montants %}
            <p class="fr-badge fr-badge--warning">Montants divergents</p>
          {% endif %}
          {% if point.arbitrage %}
            <p class="fr-badge fr-badge--info">Arbitrage demandé</p>
          {% endif %}
          {% if point.membres_en_conflit %}
            <p class="fr-badge fr-badge--warning">Conflit d'intérêts</p>
          {% endif %}
        </p>
        {% if point.conflits %}
          <p>
            <strong>Conflit d'intérêts :</strong>
            {% for membre, pourquoi in point.conflits %}
              {{ membre.get_full_name|default:membre.email }} ({{ pourquoi }}){% if not forloop.last %}, {% endif %}
            {% endfor %}
            — ne prend pas part à cette décision{% if point.conflits|length > 1 %} (chacun){% endif %}.
          </p>
        {% endif %}
        {% if point.arbitrage %}
          <p>
            <strong>Arbitrage demandé</strong> par le groupe technique le {{ point.arbitrage.created_at|date:"d/m/Y" }}
            ({{ point.arbitrage.demandee_par.get_full_name|default:point.arbitrage.demandee_par.email }}) :
            « {{ point.arbitrage.motif }} »
          </p>
        {% endif %}
        {% if point.divergences.divergent %}
          {% include "instruction/includes/_divergences.html" with divergences=point.divergences %}
        {% endif %}
        {% for deport in point.deportes %}
          <p>{{ deport.user.get_full_name|default:deport.user.email }} s'est retiré(e) de cette décision ({{ deport.motif }}).</p>
        {% endfor %}
        <div class="fr-table">
          <table>
            <caption class="fr-sr-only">Le dossier {{ point.dossier.numero }}</caption>
            <tbody>
              <tr>
                <th scope="row">Structure porteuse</th>
                <td hx-disable>{{ point.dossier.structure.raison_sociale }}</td>
              </tr>
              <tr>
                <th scope="row">Volet</th>
                <td>{{ point.dossier.volet|default:"—" }}</td>
              </tr>
              <tr>
                <th scope="row">Territoire</th>
                <td>
                  {{ point.communes|join:", " }}
                  {% if point.departements %}({{ point.departements|join:", " }}){% endif %}
                </td>
              </tr>
              <tr>
                <th scope="row">Avis de l'État</th>
                <td>
                  {% if point.avis_etat %}
                    <strong>{{ point.avis_etat.get_sens_display }}</strong> : {{ point.avis_etat.motivation|linebreaksbr }}
                  {% else %}
                    —
                  {% endif %}
                </td>
              </tr>
              <tr>
                <th scope="row">Avis de la Région</th>
                <td>
                  {% if point.avis_region %}
                    <strong>{{ point.avis_region.get_sens_display }}</strong> : {{ point.avis_region.motivation|linebreaksbr }}
                  {% else %}
                    —
                  {% endif %}
                </td>
              </tr>
              {% for avis in point.avis_cofinanceurs %}
                <tr>
                  <th scope="row">Avis — {{ avis.financeur.nom }} (cofinanceur)</th>
                  <td>
                    <strong>{{ avis.get_sens_display }}</strong> : {{ avis.motivation|linebreaksbr }}
                    {% if avis.montant is not None %}— montant envisagé {{ avis.montant|euros }}{% endif %}
                  </td>
                </tr>
              {% endfor %}
            </tbody>
          </table>
        </div>
        {% plan_compare point.lignes "Montants du dossier "|add:point.dossier.numero legende_masquee=True programme=True %}
        <h4 class="fr-h6">Observations de l'instance de concertation</h4>
        {% if point.observations %}
          <ul>
            {% for observation in point.observations %}
              <li>
                {{ observation.auteur.get_full_name|default:observation.auteur.email }}, le {{ observation.created_at|date:"d/m/Y" }} : « {{ observation.texte }} »
              </li>
            {% endfor %}
          </ul>
        {% else %}
          <p>Aucune observation.</p>
        {% endif %}
        {% if point.decision_prise %}
          <p>
            <strong>Décision : {{ point.decision_prise.get_sens_display }}</strong>
            {% if point.decision_prise.motif %}— motif : {{ point.decision_prise.motif }}{% endif %}
          </p>
        {% elif not point.a_decider %}
          <p>Le dossier est {{ point.dossier.get_etat_display|lower }} : il n'y a plus de décision à prendre.</p>
        {% elif seance.etat == "convoquee" and seance.secretariat %}
          {% if point.conflit_pour_moi %}
            <p>Vous êtes en conflit d'intérêts sur ce dossier : un autre membre du secrétariat enregistre sa décision.</p>
          {% else %}
            <p>
              <a class="fr-btn fr-btn--secondary"
                 href="{% url 'gouvernance:decider' seance.pk point.pk %}">Décider sur le dossier {{ point.dossier.numero }}</a>
            </p>
          {% endif %}
        {% endif %}
      </section>
    {% empty %}
      <p>L'ordre du jour est vide.</p>
    {% endfor %}
"""

BOUCLE_LIGNES = """{% load l10n %}
              {% for l in lignes %}
                <div class="fr-fieldset__element">
                  <div class="fr-grid-row fr-grid-row--gutters">
                    {% if l.en_erreur %}
                      <div class="fr-col-12 fr-col-md-8">{{ l.case.as_field_group }}</div>
                      <div class="fr-col-12 fr-col-md-4">{{ l.ordre.as_field_group }}</div>
                    {% else %}
                      <div class="fr-col-12 fr-col-md-8">
                        <div class="fr-checkbox-group fr-mb-2w">
                          <input type="checkbox" name="{{ l.case_nom }}" aria-describedby="{{ l.case_id }}_helptext" id="{{ l.case_id }}"{% if l.cochee %} checked{% endif %}>
                          <label for="{{ l.case_id }}" class="fr-label">
                            {{ l.libelle }}
                            <span class="fr-hint-text" id="{{ l.case_id }}_helptext">{{ l.aide|safe }}</span>
                          </label>
                        </div>
                      </div>
                      <div class="fr-col-12 fr-col-md-4">
                        <div class="fr-input-group">
                          <label for="{{ l.ordre_id }}" class="fr-label">{{ l.ordre_libelle }}</label>
                          <input type="number" name="{{ l.ordre_nom }}" value="{{ l.ordre_valeur|default_if_none:''|unlocalize }}" min="1" max="999" class="fr-input" id="{{ l.ordre_id }}">
                        </div>
                      </div>
                    {% endif %}
                  </div>
                </div>
              {% endfor %}
"""

TAG_POINTS = "{% load seances_tags %}\n    {% ordre_du_jour points seance %}\n"
TAG_LIGNES = "{% load seances_tags %}\n              {% rangees_ordre_du_jour lignes %}\n"

# A run of white space that holds a line break: the template's indentation.
_INDENTATION = re.compile(r"[ \t]*\n\s*")


def _rendu(source, **contexte):
    return _INDENTATION.sub("\n", engines["django"].from_string(source).render(contexte))


def _personne(prenom, nom, email):
    return User(first_name=prenom, last_name=nom, email=email)


QUAND = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)  # 1 April in Paris


def _point(pk, *, riche: bool, decide=False, etat=E.INSTRUIT):
    structure = Structure(raison_sociale="Commune d'Arras <b>")
    volet = Volet(numero=3, intitule="Transition & climat") if riche else None
    dossier = Dossier(numero=f"NPDC-{pk}", intitule="Gare <de> l'Est", etat=etat)
    dossier.structure = structure
    dossier.volet = volet
    lignes = [
        {
            "nom": "État",
            "demande": Decimal("1000.00"),
            "etat": Decimal("900.00"),
            "region": Decimal("500.00"),
            "programme": Decimal("800.00") if decide else None,
        },
        {"nom": "Région", "demande": None, "etat": None, "region": None, "programme": None},
    ]
    alice = _personne("Alice", "Martin", "alice@exemple.fr")
    anonyme = _personne("", "", "sans.nom@exemple.fr")
    decision = Decision(sens=SensDecision.AJOURNE, motif="À revoir\n  ensuite") if decide else None
    conflits = [(alice, "membre de la structure"), (anonyme, "intérêt déclaré <x>")]
    financeur = Financeur(nom="Département <Nord>")
    return SimpleNamespace(
        pk=pk,
        ordre=pk,
        dossier=dossier,
        decision_prise=decision,
        a_decider=not decide and etat == E.INSTRUIT,
        avis_divergents=riche,
        divergences=Divergences(
            sens=riche, montants=lignes[:1] * 2 if riche else [], seuil=Decimal("12.50")
        ),
        arbitrage=DemandeArbitrage(
            created_at=QUAND, motif="Désaccord\nsur le montant", demandee_par=alice
        )
        if riche
        else None,
        conflits=conflits if riche else conflits[1:] if decide else [],
        membres_en_conflit=[u for u, _ in conflits] if riche else [],
        deportes=[Deport(user=anonyme, motif="Lien <familial>")] if riche else [],
        lignes=lignes if riche else [],
        avis_etat=Avis(cote=Cote.ETAT, sens=SensAvis.FAVORABLE, motivation="Bien\nvu <ok>"),
        avis_region=Avis(cote=Cote.REGION, sens=SensAvis.DEFAVORABLE, motivation="Non")
        if riche
        else None,
        avis_cofinanceurs=[
            AvisCofinanceur(
                financeur=financeur, sens=SensAvis.FAVORABLE, motivation="Oui", montant=None
            ),
            AvisCofinanceur(
                financeur=financeur,
                sens=SensAvis.FAVORABLE_SOUS_RESERVE,
                motivation="Sous réserve\r\nde l'étude",
                montant=Decimal("1234.50"),
            ),
        ]
        if riche
        else [],
        communes=[Commune(nom="Arras", code_insee="62041"), Commune(nom="Lens", code_insee="62498")]
        if riche
        else [],
        departements=["Pas-de-Calais", "Nord & co"] if riche else [],
        observations=[
            Observation(auteur=alice, created_at=QUAND, texte="Utile <vraiment>\n  oui"),
            Observation(auteur=anonyme, created_at=QUAND, texte="Non"),
        ]
        if riche
        else [],
        conflit_pour_moi=pk == 2,
    )


POINTS = [
    _point(1, riche=True),
    _point(2, riche=True),
    _point(3, riche=False),
    _point(4, riche=True, decide=True),
    _point(5, riche=False, decide=True),
    _point(6, riche=False, etat=E.RETIRE),
]


@pytest.mark.parametrize("etat", ["preparation", "convoquee", "close"])
@pytest.mark.parametrize("secretariat", [True, False])
@pytest.mark.parametrize("points", [POINTS, []])
def test_ordre_du_jour_comme_la_boucle(etat, secretariat, points):
    seance = SimpleNamespace(pk=7, etat=etat, secretariat=secretariat)
    boucle = _rendu(BOUCLE_POINTS, points=points, seance=seance)
    tag = _rendu(TAG_POINTS, points=points, seance=seance)
    assert tag == boucle
    assert "&lt;de&gt;" in tag or not points


def _dossiers():
    return [
        Candidat(
            pk=pk,
            numero=f"NPDC-{pk}",
            intitule=f"Projet <{pk}>",
            raison_sociale=nom,
            ordre_inscrit=4 if pk == 11 else None,
            arbitrage_demande=pk == 12,
        )
        for pk, nom in ((11, "Commune d'Arras <b>"), (12, "Lens & co"), (13, "Béthune"))
    ]


@pytest.mark.parametrize(
    "donnees",
    [
        None,
        {"dossier_11": "on", "ordre_11": "2", "ordre_12": "", "dossier_13": "on", "ordre_13": "x"},
    ],
)
def test_rangees_comme_la_boucle(donnees):
    form = OrdreDuJourForm(donnees, dossiers=_dossiers(), inscrits={11: 4})
    if donnees:
        assert not form.is_valid()  # the order « x » keeps the field templates
    boucle = _rendu(BOUCLE_LIGNES, lignes=form.lignes())
    tag = _rendu(TAG_LIGNES, lignes=form.lignes())
    assert tag == boucle
    assert "Commune d&#x27;Arras &lt;b&gt;" in tag
    assert "<b>" not in tag


def test_le_formulaire_vide_ecrit_ce_qu_ecriraient_ses_champs():
    """Unbound, the form builds no field: its rows are those its bound fields would give."""
    vide = OrdreDuJourForm(dossiers=_dossiers(), inscrits={11: 4})
    assert not vide.fields
    lie = OrdreDuJourForm({}, dossiers=_dossiers(), inscrits={11: 4})
    # Bound to nothing posted, the checkboxes read as unchecked: compare with the initial values.
    attendues = []
    for ligne, (case, ordre) in zip(vide.lignes(), lie.rangees(), strict=True):
        attendues.append(
            {
                "en_erreur": False,
                "case_id": case.auto_id,
                "case_nom": case.html_name,
                "cochee": bool(case.initial),
                "libelle": case.label,
                "aide": case.help_text,
                "ordre_id": ordre.auto_id,
                "ordre_nom": ordre.html_name,
                "ordre_libelle": ordre.label,
                "ordre_valeur": ordre.initial,
            }
        )
        assert ligne == attendues[-1]
    assert [ligne["ordre_valeur"] for ligne in vide.lignes()] == [4, 2, 3]


@pytest.mark.django_db
@pytest.mark.parametrize("donnees", [None, {"volet": "", "q": "gare"}, {"q": "x" * 101}, "volet"])
def test_les_champs_de_recherche_gardes_sont_ceux_du_formulaire(donnees):
    from gouvernance.forms.seances import RechercheCandidatsForm
    from tests.factories import VoletFactory

    volets = [VoletFactory(intitule="Mobilité & <gares>"), VoletFactory()]
    if donnees == "volet":
        donnees = {"volet": str(volets[1].pk)}
    for lus in (None, list(Volet.objects.all())) * 2:  # built, then read from the kept markup
        gardes = RechercheCandidatsForm(donnees, volets=lus).groupes
        form = RechercheCandidatsForm(donnees)
        assert gardes == [form["volet"].as_field_group(), form["q"].as_field_group()]
    assert "Mobilité &amp; &lt;gares&gt;" in gardes[0]
    choisi = f'<option value="{volets[1].pk}" selected>'
    assert (choisi in gardes[0]) == bool(donnees and donnees.get("volet"))


def test_un_nom_de_champ_n_est_laisse_tel_quel_que_s_il_n_a_rien_a_echapper():
    from gouvernance.templatetags.seances_tags import _nom

    assert _nom("id_dossier_12") == "id_dossier_12"
    assert _nom('pre"fixe-dossier_12') == "pre&quot;fixe-dossier_12"
    assert _nom("x<y") == "x&lt;y"

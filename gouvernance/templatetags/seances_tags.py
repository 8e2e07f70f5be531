"""Tags of the séance pages: the agenda's items and the agenda form's rows, built in Python.

A séance in preparation shows a dozen items, each a table, badges and the plan comparé, and up
to a hundred form rows: the template loops (thousands of variable lookups, an include per item)
cost three times the page's queries. The markup is the one the template had, without its
indentation (a test renders both); every value goes through `e` (escaped unless already
markup), the helpers return markup as plain strings, marked safe once at the end.
"""

import html
from functools import lru_cache

from django import template
from django.template.defaultfilters import date as filtre_date
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from cper.balisage import echapper as e
from cper.templatetags.cper_tags import euros
from instruction.templatetags.plan_compare_tags import plan_compare

register = template.Library()


def _personne(user) -> str:
    """`{{ user.get_full_name|default:user.email }}` (nothing when there is no user)."""
    if user is None:
        return ""
    return e(user.get_full_name() or user.email)


@lru_cache(maxsize=64)
def _libelles(modele, champ: str) -> dict:
    return dict(modele._meta.get_field(champ).flatchoices)


def _affiche(instance, champ: str) -> str:
    """`instance.get_<champ>_display()`, its choices' labels read once per process (Django's
    flattens the field's choices again at every call)."""
    valeur = getattr(instance, champ)
    return str(_libelles(type(instance), champ).get(valeur, valeur))


def _lignes(texte) -> str:
    """`{{ texte|linebreaksbr }}` (autoescaped): escaped, each line break a <br>."""
    return html.escape(str(texte)).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


@lru_cache(maxsize=64)
def _pourcentage(seuil, langue: str) -> str:
    return e(floatformat(seuil, "-2"))


def _jour(valeur) -> str:
    # As the template's `|date:"d/m/Y"`: the day in the current time zone.
    return e(filtre_date(template_localtime(valeur), "d/m/Y"))


def _badges(point) -> str:
    decision = point.decision_prise
    if decision:
        etat = (
            '<p class="fr-badge fr-badge--success fr-badge--no-icon">'
            f"{e(_affiche(decision, 'sens'))}</p>"
        )
    elif point.a_decider:
        etat = '<p class="fr-badge fr-badge--info fr-badge--no-icon">En attente de décision</p>'
    else:
        etat = '<p class="fr-badge fr-badge--no-icon">Sans objet</p>'
    badges = [etat]
    if point.avis_divergents:
        badges.append('<p class="fr-badge fr-badge--warning">Avis divergents</p>')
    if point.divergences.montants:
        badges.append('<p class="fr-badge fr-badge--warning">Montants divergents</p>')
    if point.arbitrage:
        badges.append('<p class="fr-badge fr-badge--info">Arbitrage demandé</p>')
    if point.membres_en_conflit:
        badges.append('<p class="fr-badge fr-badge--warning">Conflit d\'intérêts</p>')
    return "<p>\n" + "\n".join(badges) + "\n</p>\n"


def _conflits(point) -> str:
    if not point.conflits:
        return ""
    membres = ",\n".join(
        f"{_personne(membre)} ({e(pourquoi)})" for membre, pourquoi in point.conflits
    )
    chacun = " (chacun)" if len(point.conflits) > 1 else ""
    return (
        f"<p>\n<strong>Conflit d'intérêts :</strong>\n{membres}\n"
        f"— ne prend pas part à cette décision{chacun}.\n</p>\n"
    )


def _arbitrage(point) -> str:
    arbitrage = point.arbitrage
    if not arbitrage:
        return ""
    return (
        "<p>\n<strong>Arbitrage demandé</strong> par le groupe technique le "
        f"{_jour(arbitrage.created_at)}\n({_personne(arbitrage.demandee_par)}) :\n"
        f"« {e(arbitrage.motif)} »\n</p>\n"
    )


def _divergences(divergences) -> str:
    """instruction/includes/_divergences.html."""
    if not divergences.divergent:
        return ""
    html = ""
    if divergences.sens:
        html += (
            "<p>\n<strong>Avis divergents sur le sens :</strong> l'un des deux côtés est "
            "défavorable, l'autre favorable.\n</p>\n"
        )
    if divergences.montants:
        lignes = "\n".join(
            f"{e(ligne['nom'])} — État {euros(ligne['etat'])}, Région {euros(ligne['region'])}"
            + (" ;" if rang < len(divergences.montants) else ".")
            for rang, ligne in enumerate(divergences.montants, start=1)
        )
        html += (
            "<p>\n<strong>Montants divergents</strong> (écart de plus de "
            f"{_pourcentage(divergences.seuil, translation.get_language())} % entre les "
            "propositions) :\n"
            f"{lignes}\n</p>\n"
        )
    return html


def _avis(titre: str, avis) -> str:
    contenu = (
        f"<strong>{e(_affiche(avis, 'sens'))}</strong> : {_lignes(avis.motivation)}"
        if avis
        else "—"
    )
    return f'<tr>\n<th scope="row">{titre}</th>\n<td>\n{contenu}\n</td>\n</tr>\n'


def _cofinanceur(avis) -> str:
    montant = f"\n— montant envisagé {euros(avis.montant)}" if avis.montant is not None else ""
    return (
        f'<tr>\n<th scope="row">Avis — {e(avis.financeur.nom)} (cofinanceur)</th>\n<td>\n'
        f"<strong>{e(_affiche(avis, 'sens'))}</strong> : {_lignes(avis.motivation)}"
        f"{montant}\n</td>\n</tr>\n"
    )


def _table(point) -> str:
    dossier = point.dossier
    communes = ", ".join(e(commune) for commune in point.communes)
    departements = (
        f"\n({', '.join(e(nom) for nom in point.departements)})" if point.departements else ""
    )
    return (
        '<div class="fr-table">\n<table>\n'
        f'<caption class="fr-sr-only">Le dossier {e(dossier.numero)}</caption>\n<tbody>\n'
        '<tr>\n<th scope="row">Structure porteuse</th>\n'
        f"<td hx-disable>{e(dossier.structure.raison_sociale)}</td>\n</tr>\n"
        f'<tr>\n<th scope="row">Volet</th>\n<td>{e(dossier.volet) if dossier.volet else "—"}'
        "</td>\n</tr>\n"
        f'<tr>\n<th scope="row">Territoire</th>\n<td>\n{communes}{departements}\n</td>\n</tr>\n'
        + _avis("Avis de l'État", point.avis_etat)
        + _avis("Avis de la Région", point.avis_region)
        + "".join(_cofinanceur(avis) for avis in point.avis_cofinanceurs)
        + "</tbody>\n</table>\n</div>\n"
    )


def _observations(point) -> str:
    html = '<h4 class="fr-h6">Observations de l\'instance de concertation</h4>\n'
    if not point.observations:
        return html + "<p>Aucune observation.</p>\n"
    return (
        html
        + "<ul>\n"
        + "".join(
            f"<li>\n{_personne(o.auteur)}, le {_jour(o.created_at)} : « {e(o.texte)} »\n</li>\n"
            for o in point.observations
        )
        + "</ul>\n"
    )


def _suite(point, seance) -> str:
    decision = point.decision_prise
    if decision:
        motif = f"\n— motif : {e(decision.motif)}" if decision.motif else ""
        return f"<p>\n<strong>Décision : {e(_affiche(decision, 'sens'))}</strong>{motif}\n</p>\n"
    if not point.a_decider:
        return (
            f"<p>Le dossier est {e(_affiche(point.dossier, 'etat').lower())} : "
            "il n'y a plus de décision à prendre.</p>\n"
        )
    if seance.etat == "convoquee" and seance.secretariat:
        if point.conflit_pour_moi:
            return (
                "<p>Vous êtes en conflit d'intérêts sur ce dossier : un autre membre du "
                "secrétariat enregistre sa décision.</p>\n"
            )
        url = reverse("gouvernance:decider", args=[seance.pk, point.pk])
        return (
            '<p>\n<a class="fr-btn fr-btn--secondary"\n'
            f'href="{e(url)}">Décider sur le dossier {e(point.dossier.numero)}</a>\n</p>\n'
        )
    return ""


def _point(point, seance) -> str:
    dossier = point.dossier
    pk = e(point.pk)
    return (
        f'<section class="fr-mb-6w" aria-labelledby="point-{pk}">\n'
        f'<h3 hx-disable id="point-{pk}">{e(point.ordre)}. Dossier {e(dossier.numero)} — '
        f"{e(dossier.intitule)}</h3>\n"
        + _badges(point)
        + _conflits(point)
        + _arbitrage(point)
        + _divergences(point.divergences)
        + "".join(
            f"<p>{_personne(d.user)} s'est retiré(e) de cette décision ({e(d.motif)}).</p>\n"
            for d in point.deportes
        )
        + _table(point)
        + plan_compare(
            point.lignes,
            f"Montants du dossier {dossier.numero}",
            legende_masquee=True,
            programme=True,
        )
        + "\n"
        + _observations(point)
        + _suite(point, seance)
        + "</section>"
    )


@register.simple_tag
def ordre_du_jour(points, seance):
    """`{% ordre_du_jour points seance %}`: a section per item of the agenda
    (gouvernance.selectors.seances.agenda), with what the members need to decide."""
    if not points:
        return mark_safe("<p>L'ordre du jour est vide.</p>")
    return mark_safe("\n".join(_point(point, seance) for point in points))  # noqa: S308


def _nom(valeur) -> str:
    """A field's name or id, escaped: those the forms build (letters, digits, underscores:
    nothing to escape) as they are, anything else through `e`."""
    if type(valeur) is str and valeur.isidentifier():
        return valeur
    return e(valeur)


def _rangee(ligne: dict) -> str:
    if ligne["en_erreur"]:
        # A pair in error keeps the design system's field templates (its messages).
        colonnes = (
            f'<div class="fr-col-12 fr-col-md-8">{ligne["case"].as_field_group()}</div>\n'
            f'<div class="fr-col-12 fr-col-md-4">{ligne["ordre"].as_field_group()}</div>'
        )
    else:
        case_id = _nom(ligne["case_id"])
        ordre_id = _nom(ligne["ordre_id"])
        coche = " checked" if ligne["cochee"] else ""
        valeur = ligne["ordre_valeur"]
        valeur = "" if valeur is None else str(valeur) if type(valeur) is int else e(str(valeur))
        colonnes = (
            '<div class="fr-col-12 fr-col-md-8">\n<div class="fr-checkbox-group fr-mb-2w">\n'
            f'<input type="checkbox" name="{_nom(ligne["case_nom"])}" '
            f'aria-describedby="{case_id}_helptext" id="{case_id}"{coche}>\n'
            f'<label for="{case_id}" class="fr-label">\n{e(ligne["libelle"])}\n'
            f'<span class="fr-hint-text" id="{case_id}_helptext">{ligne["aide"]}</span>\n'
            "</label>\n</div>\n</div>\n"
            '<div class="fr-col-12 fr-col-md-4">\n<div class="fr-input-group">\n'
            f'<label for="{ordre_id}" class="fr-label">'
            f"{e(ligne['ordre_libelle'])}</label>\n"
            f'<input type="number" name="{_nom(ligne["ordre_nom"])}" value="{valeur}" min="1" '
            f'max="999" class="fr-input" id="{ordre_id}">\n</div>\n</div>'
        )
    return (
        '<div class="fr-fieldset__element">\n<div class="fr-grid-row fr-grid-row--gutters">\n'
        f"{colonnes}\n</div>\n</div>"
    )


@register.simple_tag
def rangees_ordre_du_jour(lignes):
    """`{% rangees_ordre_du_jour form.lignes %}`: a checkbox and an order per dossier of the
    agenda form (gouvernance.forms.seances.OrdreDuJourForm.lignes)."""
    return mark_safe("\n".join(_rangee(ligne) for ligne in lignes))  # noqa: S308

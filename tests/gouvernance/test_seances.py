"""Séances: who creates them, the agenda from instruit dossiers only, the convocation."""

import datetime
import io
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from gouvernance import tasks
from gouvernance.enums import EtatSeance
from gouvernance.models import PointOrdreDuJour, Seance
from gouvernance.services import seances as services
from tests.factories import DossierFactory, VoletFactory
from tests.factories.gouvernance import SeanceFactory

from .conftest import creer_instruit


def test_le_secretariat_cree_une_seance(client, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("gouvernance:seances"))
    assert "Nouvelle séance" in page.text
    reponse = client.post(
        reverse("gouvernance:nouvelle_seance"),
        {"date": "2026-12-15T14:30", "lieu": "Préfecture de région, Lille"},
    )
    seance = Seance.objects.get()
    assert reponse.url == reverse("gouvernance:seance", args=[seance.pk])
    assert seance.etat == EtatSeance.PREPARATION
    assert seance.creee_par == secretariat
    assert timezone.localtime(seance.date).strftime("%d/%m/%Y %H:%M") == "15/12/2026 14:30"
    page = client.get(reponse.url)
    assert "Séance du 15 décembre 2026 à 14h30" in page.text


def test_le_formulaire_de_creation_est_etiquete(client, secretariat):
    client.force_login(secretariat)
    html = unescape(client.get(reverse("gouvernance:nouvelle_seance")).text)
    assert 'type="datetime-local"' in html
    assert "Date et heure de la séance" in html
    assert "Créer la séance" in html


def test_un_membre_voit_les_seances_sans_pouvoir_en_creer(client, membre, seance):
    client.force_login(membre)
    page = client.get(reverse("gouvernance:seances"))
    assert page.status_code == 200
    assert "Nouvelle séance" not in page.text
    assert client.get(reverse("gouvernance:nouvelle_seance")).status_code == 403
    reponse = client.post(
        reverse("gouvernance:nouvelle_seance"), {"date": "2026-12-15T14:30", "lieu": "Lille"}
    )
    assert reponse.status_code == 403
    assert Seance.objects.count() == 1
    assert client.get(reverse("gouvernance:seance", args=[seance.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["porteur", "agent_sp_douai", "inconnu"])
def test_les_autres_n_entrent_pas(client, request, persona, seance):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("gouvernance:seances")).status_code == 403
    assert client.get(reverse("gouvernance:seance", args=[seance.pk])).status_code == 403


def test_le_menu_montre_les_seances_aux_membres(client, membre):
    client.force_login(membre)
    html = unescape(client.get(reverse("gouvernance:seances")).text)
    assert f'href="{reverse("gouvernance:seances")}"' in html
    assert ">Séances<" in html or "Séances\n" in html


def test_l_ordre_du_jour_ne_propose_que_des_dossiers_instruits(
    client, secretariat, seance, dossier_instruit, structure, volet
):
    en_instruction = DossierFactory(en_instruction=True, structure=structure, volet=volet)
    client.force_login(secretariat)
    html = unescape(client.get(reverse("gouvernance:seance", args=[seance.pk])).text)
    assert f"{dossier_instruit.numero} — {dossier_instruit.intitule}" in html
    assert en_instruction.numero not in html
    reponse = client.post(
        reverse("gouvernance:seance", args=[seance.pk]),
        {f"dossier_{dossier_instruit.pk}": "on", f"ordre_{dossier_instruit.pk}": "1"},
    )
    assert reponse.status_code == 302
    assert list(seance.points.values_list("dossier", flat=True)) == [dossier_instruit.pk]
    page = unescape(client.get(reverse("gouvernance:seance", args=[seance.pk])).text)
    assert "Enregistrer l'ordre du jour" in page
    assert "Convoquer les membres" in page


def test_un_ordre_de_passage_refuse_est_signale_a_son_champ(
    client, secretariat, seance, dossier_instruit, autre_dossier_instruit
):
    """The agenda form's pairs are written by the page; a pair in error shows its message, and
    the other pairs keep what was typed."""
    client.force_login(secretariat)
    reponse = client.post(
        reverse("gouvernance:seance", args=[seance.pk]),
        {
            f"dossier_{dossier_instruit.pk}": "on",
            f"ordre_{dossier_instruit.pk}": "0",
            f"dossier_{autre_dossier_instruit.pk}": "on",
            f"ordre_{autre_dossier_instruit.pk}": "7",
        },
    )
    assert reponse.status_code == 200
    assert not seance.points.exists()
    html = reponse.text
    assert f'id="id_ordre_{dossier_instruit.pk}-desc-error"' in html
    assert "supérieure ou égale à 1" in unescape(html)
    assert (
        f'<input type="checkbox" name="dossier_{autre_dossier_instruit.pk}" '
        f'aria-describedby="id_dossier_{autre_dossier_instruit.pk}_helptext" '
        f'id="id_dossier_{autre_dossier_instruit.pk}" checked>'
    ) in html
    assert f'name="ordre_{autre_dossier_instruit.pk}" value="7"' in html


def test_le_service_refuse_un_dossier_non_instruit(seance, secretariat, structure, volet):
    en_instruction = DossierFactory(en_instruction=True, structure=structure, volet=volet)
    with pytest.raises(services.ValidationError):
        services.ordre_du_jour_enregistrer(
            seance=seance, par=secretariat, dossiers=[(en_instruction.pk, 1)]
        )
    assert not seance.points.exists()


def test_un_dossier_deja_inscrit_ailleurs_n_est_pas_propose(
    client, secretariat, seance, dossier_instruit, pilotage
):
    autre = SeanceFactory(instance=pilotage, creee_par=secretariat)
    PointOrdreDuJour.objects.create(seance=autre, dossier=dossier_instruit, ordre=1)
    client.force_login(secretariat)
    html = unescape(client.get(reverse("gouvernance:seance", args=[seance.pk])).text)
    assert f"dossier_{dossier_instruit.pk}" not in html
    with pytest.raises(services.ValidationError):
        services.ordre_du_jour_enregistrer(
            seance=seance, par=secretariat, dossiers=[(dossier_instruit.pk, 1)]
        )


def test_l_ordre_de_passage_est_respecte(
    secretariat, seance, dossier_instruit, autre_dossier_instruit
):
    services.ordre_du_jour_enregistrer(
        seance=seance,
        par=secretariat,
        dossiers=[(dossier_instruit.pk, 5), (autre_dossier_instruit.pk, 2)],
    )
    assert list(seance.points.values_list("dossier", "ordre")) == [
        (autre_dossier_instruit.pk, 1),
        (dossier_instruit.pk, 2),
    ]


def test_la_convocation_part_une_fois_avec_l_ordre_du_jour_en_pdf(
    client, secretariat, membre, seance, dossier_instruit, django_capture_on_commit_callbacks
):
    PointOrdreDuJour.objects.create(seance=seance, dossier=dossier_instruit, ordre=1)
    client.force_login(secretariat)
    url = reverse("gouvernance:convoquer", args=[seance.pk])
    assert "Convoquer les membres" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url)
    assert reponse.url == reverse("gouvernance:seance", args=[seance.pk])
    seance.refresh_from_db()
    assert seance.etat == EtatSeance.CONVOQUEE
    assert seance.convocation_envoyee_le is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([secretariat.email, membre.email])
    message = mail.outbox[0]
    assert message.subject.startswith("Convocation : séance de l'instance de pilotage")
    nom, contenu, type_mime = message.attachments[0]
    assert nom.endswith(".pdf")
    assert type_mime == "application/pdf"
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages)
    assert dossier_instruit.numero in texte
    # A retried or duplicated task sends nothing more.
    assert tasks.convoquer(seance.pk) == 0
    assert len(mail.outbox) == 2
    # Nor does a second click.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert len(mail.outbox) == 2


def test_on_ne_convoque_pas_sur_un_ordre_du_jour_vide(client, secretariat, seance):
    client.force_login(secretariat)
    client.post(reverse("gouvernance:convoquer", args=[seance.pk]))
    seance.refresh_from_db()
    assert seance.etat == EtatSeance.PREPARATION
    assert mail.outbox == []


def test_un_membre_ne_convoque_pas(client, membre, seance, dossier_instruit):
    PointOrdreDuJour.objects.create(seance=seance, dossier=dossier_instruit, ordre=1)
    client.force_login(membre)
    assert client.post(reverse("gouvernance:convoquer", args=[seance.pk])).status_code == 403
    seance.refresh_from_db()
    assert seance.etat == EtatSeance.PREPARATION


def test_un_dossier_ajourne_puis_instruit_peut_revenir(
    secretariat, seance_convoquee, dossier_instruit, pilotage, structure, volet, financeurs
):
    from .conftest import point_de

    services.decision_prendre(
        point=point_de(seance_convoquee, dossier_instruit),
        par=secretariat,
        sens="ajourne",
        motif="Plan de financement à revoir.",
    )
    nouvelle = SeanceFactory(
        instance=pilotage,
        creee_par=secretariat,
        date=timezone.now() + datetime.timedelta(days=60),
    )
    autre = creer_instruit(structure=structure, volet=volet, financeurs=financeurs)
    inscriptibles = set(
        services.selectors.dossiers_inscriptibles(nouvelle).values_list("pk", flat=True)
    )
    assert autre.pk in inscriptibles
    assert dossier_instruit.pk not in inscriptibles  # back in instruction, not instruit


def test_l_ordre_du_jour_est_fige_une_fois_les_membres_convoques(
    client, secretariat, seance_convoquee, dossier_instruit, structure, volet, financeurs
):
    nouveau = creer_instruit(structure=structure, volet=volet, financeurs=financeurs)
    client.force_login(secretariat)
    url = reverse("gouvernance:seance", args=[seance_convoquee.pk])
    assert "Enregistrer l'ordre du jour" not in unescape(client.get(url).text)
    reponse = client.post(url, {f"dossier_{nouveau.pk}": "on"}, follow=True)
    assert "Action déjà effectuée" in unescape(reponse.text)
    assert not seance_convoquee.points.filter(dossier=nouveau).exists()


def test_la_recherche_limite_les_candidats_sans_perdre_l_ordre_du_jour(
    client, secretariat, seance, structure, volet, financeurs, monkeypatch
):
    monkeypatch.setattr("gouvernance.views.seances.CANDIDATS_AFFICHES", 2)
    autre_volet = VoletFactory(code="emploi", numero=7, intitule="Emploi")
    inscrit = creer_instruit(structure=structure, volet=volet, financeurs=financeurs)
    PointOrdreDuJour.objects.create(seance=seance, dossier=inscrit, ordre=1)
    memes = [creer_instruit(structure=structure, volet=volet, financeurs=financeurs) for _ in "abc"]
    ailleurs = creer_instruit(structure=structure, volet=autre_volet, financeurs=financeurs)
    client.force_login(secretariat)
    url = reverse("gouvernance:seance", args=[seance.pk])

    html = unescape(client.get(url).text)
    assert inscrit.numero in html  # already on the agenda: always shown, checked
    assert sum(d.numero in html for d in [*memes, ailleurs]) == 2
    assert "Seuls les 2 premiers dossiers instruits" in html

    html = unescape(client.get(url, {"volet": autre_volet.pk}).text)
    assert inscrit.numero in html and ailleurs.numero in html
    assert not any(d.numero in html for d in memes)

    # Saving with the search kept adds the candidate and keeps the item already on the agenda.
    reponse = client.post(
        f"{url}?volet={autre_volet.pk}",
        {f"dossier_{inscrit.pk}": "on", f"dossier_{ailleurs.pk}": "on"},
    )
    assert reponse.status_code == 302
    assert set(seance.points.values_list("dossier", flat=True)) == {inscrit.pk, ailleurs.pk}


def test_les_candidats_suivants_se_parcourent_par_numero(
    client, secretariat, seance, structure, volet, financeurs, monkeypatch
):
    import re

    monkeypatch.setattr("gouvernance.views.seances.CANDIDATS_AFFICHES", 2)
    inscrit = creer_instruit(structure=structure, volet=volet, financeurs=financeurs)
    PointOrdreDuJour.objects.create(seance=seance, dossier=inscrit, ordre=1)
    candidats = sorted(
        (creer_instruit(structure=structure, volet=volet, financeurs=financeurs) for _ in "abcde"),
        key=lambda d: d.numero,
    )
    client.force_login(secretariat)
    url = reverse("gouvernance:seance", args=[seance.pk])
    vus, page = [], client.get(url).text
    while True:
        # The agenda stays on every page of candidates.
        assert f'name="dossier_{inscrit.pk}"' in page
        vus += [d.numero for d in candidats if f'name="dossier_{d.pk}"' in page]
        suivants = re.search(r'href="([^"]+)">Dossiers instruits suivants', page)
        if not suivants:
            break
        page = client.get(url + unescape(suivants.group(1))).text
    assert vus == [d.numero for d in candidats]
    assert "Premiers dossiers instruits" in page

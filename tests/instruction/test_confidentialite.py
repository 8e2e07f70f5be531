"""Private annotations stay with the agents: no porteur page, no PDF, no e-mail shows them."""

from django.core import mail
from django.urls import reverse

from instruction import services
from instruction.documents import rapport_instruction_pdf
from instruction.models import Annotation
from tests.factories.dossiers import PDF_MINIMAL

SECRET = "NOTE-PRIVEE-42 : le maire est difficile"


def test_l_annotation_est_visible_des_agents_et_jamais_du_porteur(
    client,
    agent_sp_douai,
    instructeur_etat,
    porteur,
    dossier_en_instruction,
    django_capture_on_commit_callbacks,
):
    client.force_login(agent_sp_douai)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("instruction:annoter", args=[dossier_en_instruction.pk]), {"texte": SECRET}
        )
        client.post(
            reverse("instruction:ecrire_agent", args=[dossier_en_instruction.pk]),
            {"texte": "Pouvez-vous préciser le calendrier ?"},
        )
    assert Annotation.objects.get().auteur == agent_sp_douai
    pages_agents = [
        client.get(reverse("instruction:dossier", args=[dossier_en_instruction.pk])).text
    ]
    client.force_login(instructeur_etat)
    pages_agents.append(
        client.get(reverse("instruction:dossier", args=[dossier_en_instruction.pk])).text
    )
    assert all(SECRET.split(" :")[0] in page for page in pages_agents)

    client.force_login(porteur)
    pages_porteur = [
        client.get(reverse("instruction:porteur_dossier", args=[dossier_en_instruction.pk])).text,
        client.get(reverse("notifications")).text,
        client.get(reverse("accueil")).text,
    ]
    assert "Pouvez-vous préciser le calendrier ?" in pages_porteur[0]
    assert not any("NOTE-PRIVEE-42" in page for page in pages_porteur)
    assert client.get(
        reverse("instruction:dossier", args=[dossier_en_instruction.pk])
    ).status_code in (
        403,
        404,
    )
    assert not any("NOTE-PRIVEE-42" in m.body or "NOTE-PRIVEE-42" in m.subject for m in mail.outbox)
    assert b"NOTE-PRIVEE-42" not in rapport_instruction_pdf(dossier_en_instruction)


def test_un_porteur_ne_peut_pas_annoter(client, porteur, dossier_en_instruction):
    client.force_login(porteur)
    url = reverse("instruction:annoter", args=[dossier_en_instruction.pk])
    assert client.post(url, {"texte": "x"}).status_code == 403
    assert not Annotation.objects.exists()


def test_le_fil_de_messages_et_les_lectures(
    client, porteur, agent_sp_douai, dossier_en_instruction, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_envoyer(dossier=dossier_en_instruction, par=porteur, texte="Bonjour")
    client.force_login(agent_sp_douai)
    page = client.get(reverse("notifications")).text
    assert '1<span class="fr-sr-only"> non lue</span>' in page
    assert "nouveau message du porteur" in page
    client.post(reverse("notifications"))
    assert "non lue" not in client.get(reverse("notifications")).text
    page = client.get(reverse("instruction:dossier", args=[dossier_en_instruction.pk]))
    assert "Bonjour" in page.text
    assert dossier_en_instruction.messages.get().lectures.filter(user=agent_sp_douai).exists()


def test_pieces_jointes_et_page_porteur_hors_perimetre_404(
    client, porteur, autre_porteur, agent_region, agent_sp_douai, dossier_en_instruction
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    message = services.message_envoyer(
        dossier=dossier_en_instruction,
        par=agent_sp_douai,
        texte="Voici le modèle.",
        pieces_jointes=[SimpleUploadedFile("modele.pdf", PDF_MINIMAL, "application/pdf")],
    )
    assert message.de_l_administration
    url_pj = reverse("instruction:piece_jointe", args=[message.pieces_jointes.get().pk])
    url_page = reverse("instruction:porteur_dossier", args=[dossier_en_instruction.pk])
    client.force_login(porteur)
    assert b"".join(client.get(url_pj).streaming_content) == PDF_MINIMAL
    assert "Voici le modèle." in client.get(url_page).text
    for intrus in (autre_porteur, agent_region):
        client.force_login(intrus)
        assert client.get(url_pj).status_code == 404
    client.force_login(autre_porteur)
    assert client.get(url_page).status_code == 404


ROUTAGE = "ROUTAGE-INTERNE-7"
CONCLUSION = "CONCLUSION-INTERNE-8"


def _texte_pdf(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_les_commentaires_internes_ne_parviennent_pas_au_porteur(
    client,
    porteur,
    agent_sp_douai,
    instructeur_etat,
    dossier_depose,
    groupe_mobilite,
    django_capture_on_commit_callbacks,
):
    from dossiers.documents import rendre_recepisse
    from gouvernance.documents import releve_decisions_pdf
    from tests.factories.gouvernance import DecisionFactory
    from tests.factories.instruction import AvisFactory

    dossier = dossier_depose
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_declarer_recevable(
            dossier=dossier,
            par=agent_sp_douai,
            groupe_technique=groupe_mobilite,
            commentaire=f"{ROUTAGE} : la DREAL doute du plan de financement",
        )
        AvisFactory(dossier=dossier, cote="etat")
        AvisFactory(dossier=dossier, cote="region")
        services.dossier_conclure_instruction(
            dossier=dossier,
            par=instructeur_etat,
            commentaire=f"{CONCLUSION} : à présenter en fin de séance",
        )
    decision = DecisionFactory(point__dossier=dossier)

    # The agents still read their notes in the dossier's history.
    client.force_login(agent_sp_douai)
    assert ROUTAGE in client.get(reverse("instruction:dossier", args=[dossier.pk])).text

    client.force_login(porteur)
    pages = [
        client.get(reverse("dossiers:detail", args=[dossier.pk])).text,
        client.get(reverse("instruction:porteur_dossier", args=[dossier.pk])).text,
        client.get(reverse("notifications")).text,
    ]
    assert "Dossier déclaré recevable" in pages[0] and "Instruction conclue" in pages[0]
    assert "Déposé auprès du guichet" in pages[0] or dossier.numero in pages[0]
    documents = [
        _texte_pdf(rendre_recepisse(dossier.pk)),
        _texte_pdf(releve_decisions_pdf(decision.point.seance)),
    ]
    courriels = [
        f"{m.subject}\n{m.body}" for m in mail.outbox if porteur.email in m.to + m.bcc + m.cc
    ]
    assert courriels, "le porteur est informé par courriel"
    for texte in pages + documents + courriels:
        assert ROUTAGE not in texte
        assert CONCLUSION not in texte


def test_le_motif_d_une_demande_de_complements_parvient_au_porteur(
    client, porteur, agent_sp_douai, dossier_depose
):
    from datetime import timedelta

    from django.utils import timezone

    services.dossier_demander_complements(
        dossier=dossier_depose,
        par=agent_sp_douai,
        motif="MOTIF-PUBLIC-3 : la délibération manque",
        pieces=["deliberation"],
        echeance=timezone.localdate() + timedelta(days=15),
    )
    client.force_login(porteur)
    assert "MOTIF-PUBLIC-3" in client.get(reverse("dossiers:detail", args=[dossier_depose.pk])).text

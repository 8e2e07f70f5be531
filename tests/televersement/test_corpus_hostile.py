"""The hostile corpus, posted on every upload path through the real pages.

Each file must be refused with a French message, and leave the database and the disk as they
were. The EICAR files are refused by the real clamd and leave an audit row.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cper.referentiel.models import Financeur
from cper.televersement.models import AlerteAntivirus
from dossiers.models import Piece
from instruction.models import DemandeComplements, Message, PieceJointe
from tests.televersement.conftest import fichiers_stockes
from tests.televersement.corpus import hostiles

# Words of the gate's refusals; one of them must be on the page the user gets back.
REFUS = (
    "aucun format accepté",
    "abîmé ou incomplet",
    "contenu actif",
    "est vide",
    "taille maximale",
    "virus",
    "volume anormal",
    "aucune page",
    "trop grande",
    "protégé",
    "UTF-8",
)
EICAR = {
    "EICAR brut",
    "EICAR renommé en PDF",
    "EICAR renommé en CSV",
    "EICAR dans un PDF valide",
    "EICAR dans un DOCX",
}


def _etat(settings, *objets) -> tuple:
    """What a refusal must leave unchanged: the rows, the dossier, the files on disk."""
    lignes = (
        list(Piece.objects.values_list("pk", "sha256", "nom_original", "type_mime")),
        list(PieceJointe.objects.values_list("pk", "sha256")),
        Message.objects.count(),
        list(DemandeComplements.objects.values_list("pk", "reponse", "repondue_le")),
        list(Financeur.objects.values_list("pk", "code", "nom")),
    )
    dossiers = []
    for objet in objets:
        objet.refresh_from_db()
        dossiers.append((objet.pk, objet.etat, objet.updated_at))
    return (lignes, dossiers, fichiers_stockes(settings))


def _essayer(client, settings, poster, *objets) -> list[str]:
    """Post every hostile file; return what went wrong, file by file."""
    echecs = []
    for quoi, nom, contenu in hostiles():
        avant = _etat(settings, *objets)
        alertes = AlerteAntivirus.objects.count()
        reponse = poster(client, SimpleUploadedFile(nom, contenu, "application/pdf"))
        page = reponse.content.decode()
        if reponse.status_code >= 500:
            echecs.append(f"{quoi} : erreur {reponse.status_code}")
        elif not any(mot in page for mot in REFUS):
            echecs.append(f"{quoi} : aucun message de refus")
        if _etat(settings, *objets) != avant:
            echecs.append(f"{quoi} : la base ou le disque a changé")
        if quoi in EICAR and AlerteAntivirus.objects.count() != alertes + 1:
            echecs.append(f"{quoi} : pas d'alerte antivirus")
    return echecs


def test_ajout_d_une_piece(client, porteur, brouillon, settings):
    client.force_login(porteur)
    url = reverse("dossiers:pieces", args=[brouillon.pk])

    def poster(client, fichier):
        return client.post(url, {"type_piece": "deliberation", "fichier": fichier})

    assert _essayer(client, settings, poster, brouillon) == []
    alerte = AlerteAntivirus.objects.filter(usage="piece").first()
    assert alerte.user == porteur
    assert alerte.signature.startswith("Cper.Test.EICAR") or "Eicar" in alerte.signature


def test_remplacement_d_une_piece(client, porteur, brouillon, piece, settings):
    client.force_login(porteur)
    url = reverse("dossiers:piece_remplacer", args=[brouillon.pk, piece.pk])

    def poster(client, fichier):
        return client.post(url, {"fichier": fichier})

    assert _essayer(client, settings, poster, brouillon) == []


def test_reponse_aux_complements(client, porteur, dossier_incomplet, settings):
    client.force_login(porteur)
    url = reverse("instruction:completer", args=[dossier_incomplet.pk])

    def poster(client, fichier):
        return client.post(
            url,
            {"reponse": "Voici la pièce.", "type_piece": "deliberation", "fichier": fichier},
            follow=True,
        )

    assert _essayer(client, settings, poster, dossier_incomplet) == []
    assert dossier_incomplet.etat == "incomplet"


def test_piece_jointe_de_l_agent_au_porteur(client, agent_sp_douai, dossier_depose, settings):
    client.force_login(agent_sp_douai)
    url = reverse("instruction:ecrire_agent", args=[dossier_depose.pk])

    def poster(client, fichier):
        return client.post(url, {"texte": "Voici le modèle.", "piece_jointe": fichier}, follow=True)

    assert _essayer(client, settings, poster, dossier_depose) == []
    assert AlerteAntivirus.objects.filter(usage="piece_jointe", user=agent_sp_douai).exists()


def test_piece_jointe_du_porteur_a_l_agent(client, porteur, dossier_depose, settings):
    client.force_login(porteur)
    url = reverse("instruction:ecrire_porteur", args=[dossier_depose.pk])

    def poster(client, fichier):
        return client.post(url, {"texte": "Ci-joint.", "piece_jointe": fichier}, follow=True)

    assert _essayer(client, settings, poster, dossier_depose) == []


def test_import_du_referentiel_par_l_administrateur(client, administrateur, settings):
    client.force_login(administrateur)
    url = reverse("admin:referentiel_financeur_import")

    def poster(client, fichier):
        format_ = "1" if fichier.name.endswith(".xlsx") else "0"
        return client.post(url, {"import_file": fichier, "format": format_})

    assert _essayer(client, settings, poster) == []
    assert AlerteAntivirus.objects.filter(usage="import", user=administrateur).exists()


def test_le_corpus_compte_au_moins_trente_fichiers():
    assert len(hostiles()) >= 30

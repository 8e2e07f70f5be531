"""The pages of the speed budget (issue Vitesse, DESIGN §12), each with the persona who opens it."""

import html
import re
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from cper.comptes.models import User
from cper.comptes.second_facteur import application_de, second_facteur_requis
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier
from gouvernance.enums import EtatSeance
from gouvernance.models import Seance
from instruction import selectors as instruction

DEMO = "@demo.cper.fr"
DERNIERE_PAGE = re.compile(r'<a class="[^"]*fr-pagination__link--last"\s+href="([^"]+)"')
RECHERCHE = "gare"


@dataclass
class Page:
    cle: str  # stable identifier (tests, comparisons between runs)
    libelle: str
    email: str  # the persona, a demo account
    url: str
    client: Client | None = None

    @property
    def nue(self) -> bool:
        return self.cle == "nue"


def _derniere_page(client: Client, url: str) -> str:
    """The link of the page's « Dernière page » (DSFR pagination), or the page itself."""
    trouve = DERNIERE_PAGE.search(client.get(url).content.decode())
    return url + html.unescape(trouve.group(1)) if trouve else url


def _dossier(queryset, *etats) -> int:
    for etat in etats:
        pk = queryset.filter(etat=etat).order_by("pk").values_list("pk", flat=True).first()
        if pk:
            return pk
    raise LookupError(f"Aucun dossier dans les états {etats}")


def pages() -> list[Page]:
    """Every page, its URL resolved on the data (a dossier in scope, the séance to prepare)."""
    porteur = User.objects.get(email=f"porteur{DEMO}")
    guichet = User.objects.get(email=f"guichet.douai{DEMO}")
    instructrice = User.objects.get(email=f"instructeur.etat{DEMO}")
    du_porteur = Dossier.objects.filter(structure__adhesions__user=porteur)
    mes_dossiers = du_porteur.count()
    en_preparation = Seance.objects.filter(etat=EtatSeance.PREPARATION).order_by("date").first()
    liste = [
        Page("nue", "vue nue, connectée (référence)", porteur.email, reverse("banc_nu")),
        Page(
            "porteur_mes_dossiers",
            f"porteur : « Mes dossiers » ({mes_dossiers} dossiers)",
            porteur.email,
            reverse("dossiers:index"),
        ),
        Page(
            "porteur_150_structures",
            "porteur de 150 structures : « Mes dossiers »",
            f"porteur.reseau{DEMO}",
            reverse("dossiers:index"),
        ),
        Page(
            "porteur_dossier",
            "porteur : page d'un dossier",
            porteur.email,
            reverse("dossiers:detail", args=[_dossier(du_porteur, E.EN_INSTRUCTION, E.DEPOSE)]),
        ),
        Page(
            "guichet_dossier",
            "agent de guichet : page d'un dossier",
            guichet.email,
            reverse(
                "instruction:dossier",
                args=[_dossier(instruction.dossiers_du_guichet(guichet), E.EN_INSTRUCTION)],
            ),
        ),
        Page(
            "instructeur_dossier",
            "instructeur : page d'un dossier",
            instructrice.email,
            reverse(
                "instruction:dossier",
                args=[_dossier(instruction.dossiers_des_groupes(instructrice), E.EN_INSTRUCTION)],
            ),
        ),
    ]
    file_guichet = reverse("instruction:guichet")
    file_groupes = reverse("instruction:groupes")
    liste += [
        Page("guichet_file", "guichet : file, première page", guichet.email, file_guichet),
        # The workbenches open on « à traiter »: the deep page is that of every dossier.
        Page(
            "guichet_derniere",
            "guichet : file, dernière page",
            guichet.email,
            f"{file_guichet}?onglet=tous",
        ),
        Page(
            "guichet_filtre",
            "guichet : file filtrée (en instruction)",
            guichet.email,
            f"{file_guichet}?etat={E.EN_INSTRUCTION}",
        ),
        Page(
            "guichet_recherche",
            f"guichet : file, recherche « {RECHERCHE} »",
            guichet.email,
            f"{file_guichet}?q={RECHERCHE}",
        ),
        Page(
            "instructeur_file",
            "instructeur : file, première page",
            instructrice.email,
            file_groupes,
        ),
        Page(
            "instructeur_derniere",
            "instructeur : file, dernière page",
            instructrice.email,
            f"{file_groupes}?onglet=tous",
        ),
        Page(
            "instructeur_attente",
            "instructeur : « en attente de mon avis »",
            instructrice.email,
            f"{file_groupes}?attente=1",
        ),
        Page(
            "pilotage",
            "tableau de bord de pilotage",
            f"pilotage{DEMO}",
            reverse("gouvernance:pilotage"),
        ),
        Page(
            "territoire",
            "tableau de bord du territoire (Côte d'Opale)",
            f"concertation.opale{DEMO}",
            reverse("gouvernance:territoire"),
        ),
        Page(
            "seance",
            "séance en préparation",
            f"pilotage{DEMO}",
            reverse("gouvernance:seance", args=[en_preparation.pk]),
        ),
    ]
    return liste


def _client_connecte(user) -> Client:
    """Signed in as a person is after the password, and after the second factor when owed
    (the demo accounts' TOTP applications, from comptes_demo)."""
    client = Client()
    client.force_login(user)
    if second_facteur_requis(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = application_de(user).persistent_id
        session.save()
    return client


def connecter(liste: list[Page]) -> None:
    """One signed-in client per persona (a real session row), and the last pages' links."""
    clients = {}
    for page in liste:
        if page.email not in clients:
            clients[page.email] = _client_connecte(User.objects.get(email=page.email))
        page.client = clients[page.email]
    for page in liste:
        if page.cle.endswith("_derniere"):
            page.url = _derniere_page(page.client, page.url)

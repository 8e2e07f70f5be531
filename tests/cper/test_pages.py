import re

import pytest
from django.urls import reverse

PAGES_PUBLIQUES = ["accueil", "accessibilite", "mentions_legales", "donnees_personnelles"]


def _h1(html: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)


@pytest.mark.django_db
@pytest.mark.parametrize("nom", PAGES_PUBLIQUES)
def test_une_page_publique_s_ouvre_sans_connexion_avec_un_seul_titre(client, nom):
    reponse = client.get(reverse(nom))
    assert reponse.status_code == 200
    assert len(_h1(reponse.content.decode())) == 1


@pytest.mark.django_db
def test_le_pied_de_page_porte_les_liens_obligatoires(client):
    html = client.get(reverse("accueil")).content.decode()
    for lien in ("/accessibilite/", "/mentions-legales/", "/donnees-personnelles/"):
        assert f'href="{lien}"' in html
    assert "Accessibilité : non conforme" in html


@pytest.mark.django_db
def test_l_en_tete_porte_le_bloc_marque_et_le_nom_du_service(client, settings):
    html = client.get(reverse("accueil")).content.decode()
    assert "Préfet<br>de la région<br>Hauts-de-France" in html
    assert "CPER Nord–Pas-de-Calais" in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/dossiers/", "/instruction/", "/gouvernance/"])
def test_un_anonyme_est_renvoye_vers_la_connexion(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert reponse.url == f"{reverse('comptes:connexion')}?next={url}"


@pytest.mark.parametrize(
    ("persona", "espace"),
    [
        ("porteur", "/dossiers/"),
        ("agent_sp_douai", "/instruction/"),
        ("instructeur_etat", "/instruction/"),
        ("membre_pilotage", "/gouvernance/pilotage/"),
        ("membre_concertation_opale", "/gouvernance/territoire/"),
        ("administrateur", "/admin/"),
    ],
)
def test_l_accueil_envoie_chacun_dans_son_espace(client, request, persona, espace):
    client.force_login(request.getfixturevalue(persona))
    reponse = client.get(reverse("accueil"))
    assert reponse.status_code == 302
    assert reponse.url == espace


def test_le_menu_ne_montre_que_les_espaces_du_role(client, porteur):
    client.force_login(porteur)
    html = client.get(reverse("dossiers:index")).content.decode()
    assert 'href="/dossiers/"' in html
    assert 'href="/instruction/"' not in html
    assert 'href="/admin/"' not in html


def test_un_utilisateur_sans_role_est_invite_a_contacter_l_administrateur(client, inconnu):
    client.force_login(inconnu)
    reponse = client.get(reverse("accueil"))
    assert reponse.status_code == 200
    assert "Aucun rôle ne vous est encore attribué" in reponse.content.decode()


def test_un_porteur_n_entre_pas_dans_l_espace_des_agents(client, porteur):
    client.force_login(porteur)
    reponse = client.get(reverse("instruction:index"))
    assert reponse.status_code == 403
    assert "Accès refusé" in reponse.content.decode()


@pytest.mark.django_db
def test_une_page_inconnue_repond_la_page_404_du_dsfr(client, porteur):
    client.force_login(porteur)
    reponse = client.get("/cette-page-n-existe-pas/")
    assert reponse.status_code == 404
    html = reponse.content.decode()
    assert "Page non trouvée" in html
    assert "fr-header" in html


def test_la_page_500_s_affiche_sans_base_de_donnees(client, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Erreur inattendue" in html


@pytest.mark.django_db
def test_les_pages_portent_une_politique_de_securite_avec_nonce(client):
    reponse = client.get(reverse("accueil"))
    politique = reponse["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in politique
    assert "unsafe-inline" not in politique
    nonce = re.search(r"'nonce-([^']+)'", politique).group(1)
    scripts = re.findall(r"<script[^>]*>", reponse.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in balise for balise in scripts)


@pytest.mark.django_db
def test_la_pagination_marque_aria_disabled_les_liens_sans_destination(client, porteur):
    """On the first page, « Page précédente » leads nowhere: the DSFR marks it aria-disabled."""
    from cper.models import Notification

    Notification.objects.bulk_create(
        Notification(user=porteur, texte=f"Notification {i}", url="/") for i in range(30)
    )
    client.force_login(porteur)
    html = client.get(reverse("notifications")).text
    precedente = re.search(r"<a[^>]*fr-pagination__link--prev[^>]*>", html).group(0)
    assert 'aria-disabled="true"' in precedente and "href" not in precedente
    suivante = re.search(r"<a[^>]*fr-pagination__link--next[^>]*>", html).group(0)
    assert "href=" in suivante and "aria-disabled" not in suivante

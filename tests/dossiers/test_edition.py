from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cper.referentiel.models import PoleMetropolitain
from dossiers.enums import NatureDepense
from dossiers.models import Dossier
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    EpciFactory,
    FinanceurFactory,
    GuichetFactory,
    LigneDepenseFactory,
    LigneFinancementFactory,
    VoletFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def brouillon(structure, porteur):
    """A fresh draft: only its intitulé, no line, no commune, no dates."""
    dossier = DossierFactory(
        structure=structure,
        cree_par=porteur,
        intitule="Pôle d'échanges de Douai",
        resume="",
        description="",
        volet=None,
        date_debut=None,
        date_fin=None,
        tva_recuperable=None,
        communes=[],
    )
    return dossier


@pytest.fixture
def client_porteur(client, porteur):
    client.force_login(porteur)
    return client


def _url(dossier, section):
    return reverse("dossiers:modifier", args=[dossier.pk, section])


def _lignes(prefixe, lignes, initiales=0):
    """The POST data of a formset: management form + one dict per line."""
    donnees = {
        f"{prefixe}-TOTAL_FORMS": str(len(lignes)),
        f"{prefixe}-INITIAL_FORMS": str(initiales),
        f"{prefixe}-MIN_NUM_FORMS": "0",
        f"{prefixe}-MAX_NUM_FORMS": "1000",
    }
    for i, ligne in enumerate(lignes):
        for champ, valeur in ligne.items():
            donnees[f"{prefixe}-{i}-{champ}"] = valeur
    return donnees


# --- création ------------------------------------------------------------------------------


def test_le_porteur_cree_un_brouillon_pour_sa_structure(client_porteur, structure, porteur):
    reponse = client_porteur.post(
        reverse("dossiers:creer"),
        {"structure": structure.pk, "intitule": "Voie verte de la Scarpe"},
        follow=True,
    )
    dossier = Dossier.objects.get(intitule="Voie verte de la Scarpe")
    assert dossier.etat == "brouillon"
    assert dossier.cree_par == porteur
    assert reponse.redirect_chain[-1][0] == _url(dossier, "identite")
    assert "Votre brouillon est créé" in reponse.content.decode()


def test_on_ne_cree_pas_de_dossier_pour_la_structure_d_un_autre(
    client_porteur, structure, autre_structure
):
    reponse = client_porteur.post(
        reverse("dossiers:creer"), {"structure": autre_structure.pk, "intitule": "Intrus"}
    )
    assert "Choisissez une de vos structures." in reponse.content.decode()
    assert not Dossier.objects.filter(intitule="Intrus").exists()


def test_sans_structure_le_porteur_est_invite_a_en_declarer_une(client, autre_porteur):
    autre_porteur.structures.clear()
    client.force_login(autre_porteur)
    reponse = client.get(reverse("dossiers:creer"))
    assert reverse("dossiers:structure_creer") in reponse.content.decode()
    assert "Déclarer ma structure" in reponse.content.decode()


# --- brouillon partiel, erreurs en français, saisie conservée ------------------------------


def test_un_brouillon_s_enregistre_avec_des_donnees_partielles(client_porteur, brouillon):
    reponse = client_porteur.post(
        _url(brouillon, "identite"),
        {"intitule": "Pôle d'échanges de Douai", "resume": "Un résumé", "description": ""},
        follow=True,
    )
    brouillon.refresh_from_db()
    assert brouillon.resume == "Un résumé"
    page = reponse.content.decode()
    assert "Brouillon enregistré." in page
    # The section summary says what is still missing, from dossiers.completude.
    assert "Renseignez la description." in page
    assert "Choisissez le volet du contrat." in page
    assert "Indiquez au moins une commune" in page
    assert page.count("<h1") == 1


def test_enregistrer_et_continuer_mene_a_la_section_suivante(client_porteur, brouillon):
    reponse = client_porteur.post(
        _url(brouillon, "calendrier"),
        {"date_debut": "2016-03-01", "date_fin": "", "suivant": ""},
    )
    assert reponse.url == _url(brouillon, "depenses")
    brouillon.refresh_from_db()
    assert str(brouillon.date_debut) == "2016-03-01"


def test_une_erreur_est_signalee_pres_du_champ_et_en_haut_et_la_saisie_reste(
    client_porteur, brouillon
):
    volet = VoletFactory()
    reponse = client_porteur.post(
        _url(brouillon, "identite"),
        {
            "intitule": "",
            "resume": "Texte tapé",
            "description": "Longue description",
            "volet": volet.pk,
        },
    )
    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert 'id="resume-erreurs"' in page
    assert (
        '<a href="#id_intitule">Intitulé du projet : Le projet doit garder un intitulé.</a>' in page
    )
    assert page.count("Le projet doit garder un intitulé.") == 2  # summary + next to the field
    assert "Texte tapé" in page and "Longue description" in page
    assert f'<option value="{volet.pk}" selected>' in page
    assert "Rien n&#x27;a été enregistré" in page
    brouillon.refresh_from_db()
    assert brouillon.intitule == "Pôle d'échanges de Douai"
    assert brouillon.resume == ""


def test_la_fin_ne_precede_pas_le_debut(client_porteur, brouillon):
    reponse = client_porteur.post(
        _url(brouillon, "calendrier"), {"date_debut": "2017-06-01", "date_fin": "2016-01-31"}
    )
    page = reponse.content.decode()
    assert "La fin prévue (31/01/2016) ne peut pas précéder le début (01/06/2017)." in page
    assert 'value="2017-06-01"' in page and 'value="2016-01-31"' in page
    brouillon.refresh_from_db()
    assert brouillon.date_debut is None


def test_une_date_illisible_est_expliquee(client_porteur, brouillon):
    reponse = client_porteur.post(
        _url(brouillon, "calendrier"), {"date_debut": "32/13/2016", "date_fin": ""}
    )
    page = reponse.content.decode()
    assert "Saisissez une date valide, par exemple 15/03/2016." in page
    assert 'value="32/13/2016"' in page


def test_les_lignes_de_depense_invalides_sont_expliquees_et_rien_n_est_perdu(
    client_porteur, brouillon
):
    donnees = {
        "tva_recuperable": "oui",
        **_lignes(
            "depenses",
            [
                {"nature": "travaux", "libelle": "Quais", "montant_ht": "-5", "montant_ttc": "10"},
                {
                    "nature": "etudes",
                    "libelle": "Étude",
                    "montant_ht": "1000",
                    "montant_ttc": "900",
                },
                {"nature": "autre", "libelle": "Divers", "montant_ht": "douze", "montant_ttc": ""},
                {
                    "nature": "equipement",
                    "libelle": "Bancs",
                    "montant_ht": "500",
                    "montant_ttc": "600",
                },
            ],
        ),
    }
    reponse = client_porteur.post(_url(brouillon, "depenses"), donnees)
    page = reponse.content.decode()
    assert "Ligne 1 — Montant HT (€) : Un montant ne peut pas être négatif." in page
    assert (
        "Ligne 2 — Montant TTC (€) : Le montant TTC ne peut pas être inférieur au montant HT"
        in page
    )
    assert "Ligne 3 — Montant HT (€) : Saisissez un montant en chiffres" in page
    assert "Ligne 3 — Montant TTC (€) : Indiquez le montant toutes taxes comprises." in page
    assert 'value="douze"' in page and "Bancs" in page
    assert "<legend" in page and "Dépense n° 4" in page
    assert brouillon.depenses.count() == 0
    brouillon.refresh_from_db()
    assert brouillon.tva_recuperable is None


def test_les_lignes_de_depense_valides_sont_enregistrees_et_la_base_suit_la_tva(
    client_porteur, brouillon
):
    donnees = {
        "tva_recuperable": "non",
        **_lignes(
            "depenses",
            [
                {
                    "nature": "travaux",
                    "libelle": "Quais",
                    "montant_ht": "100 000,50",
                    "montant_ttc": "120000,60",
                },
                {"nature": "", "libelle": "", "montant_ht": "", "montant_ttc": ""},
            ],
        ),
    }
    reponse = client_porteur.post(_url(brouillon, "depenses"), donnees, follow=True)
    ligne = brouillon.depenses.get()
    assert ligne.montant_ht == Decimal("100000.50")
    assert ligne.nature == NatureDepense.TRAVAUX
    brouillon.refresh_from_db()
    assert brouillon.tva_recuperable is False
    page = reponse.content.decode()
    assert "Coût éligible" in page and "(TTC)" in page
    assert "120\u202f000,60\u00a0€" in page


def test_une_ligne_cochee_est_supprimee(client_porteur, brouillon):
    ligne = LigneDepenseFactory(dossier=brouillon)
    donnees = {
        "tva_recuperable": "oui",
        **_lignes(
            "depenses",
            [
                {
                    "id": str(ligne.pk),
                    "nature": "travaux",
                    "libelle": "x",
                    "montant_ht": "1",
                    "montant_ttc": "1",
                    "DELETE": "on",
                }
            ],
            initiales=1,
        ),
    }
    client_porteur.post(_url(brouillon, "depenses"), donnees)
    assert brouillon.depenses.count() == 0


def test_le_plan_de_financement_refuse_un_montant_nul_ou_sans_financeur(client_porteur, brouillon):
    etat = FinanceurFactory()
    donnees = _lignes(
        "financements",
        [
            {"financeur": etat.pk, "precision": "", "montant_demande": "0"},
            {"financeur": "", "precision": "", "montant_demande": "1000"},
        ],
    )
    page = client_porteur.post(_url(brouillon, "financement"), donnees).content.decode()
    assert "Le montant demandé doit être supérieur à zéro." in page
    assert "Ligne 2 — Financeur : Choisissez le financeur." in page
    assert brouillon.financements.count() == 0


def test_le_plan_de_financement_est_enregistre(client_porteur, brouillon):
    etat = FinanceurFactory()
    autofinancement = FinanceurFactory(autofinancement=True)
    donnees = _lignes(
        "financements",
        [
            {"financeur": etat.pk, "precision": "", "montant_demande": "60000"},
            {"financeur": autofinancement.pk, "precision": "Ville", "montant_demande": "40000"},
        ],
    )
    client_porteur.post(_url(brouillon, "financement"), donnees)
    assert brouillon.financements.count() == 2


# --- totaux en direct ----------------------------------------------------------------------


def test_les_totaux_suivent_la_saisie_des_depenses_sans_enregistrer(client_porteur, brouillon):
    etat = FinanceurFactory()
    LigneFinancementFactory(dossier=brouillon, financeur=etat, montant_demande=Decimal("60000"))
    LigneFinancementFactory(
        dossier=brouillon,
        financeur=FinanceurFactory(autofinancement=True),
        montant_demande=Decimal("40000"),
    )
    donnees = {
        "section": "depenses",
        "tva_recuperable": "oui",
        **_lignes(
            "depenses",
            [
                {"montant_ht": "80 000", "montant_ttc": "96000"},
                {"montant_ht": "20000,00", "montant_ttc": "24000"},
                {"montant_ht": "n'importe quoi", "montant_ttc": "1"},
            ],
        ),
    }
    page = client_porteur.post(reverse("dossiers:totaux", args=[brouillon.pk]), donnees)
    texte = page.content.decode()
    assert "100\u202f000,00\u00a0€" in texte  # HT = eligible cost = financing
    assert "plan équilibré" in texte
    assert "60,0 %" in texte
    assert "ne sont pas lisibles" in texte
    assert brouillon.depenses.count() == 0


def test_les_totaux_signalent_l_aide_publique_au_dela_de_80_pourcent(client_porteur, brouillon):
    LigneDepenseFactory(
        dossier=brouillon, montant_ht=Decimal("100000"), montant_ttc=Decimal("120000")
    )
    brouillon.tva_recuperable = True
    brouillon.save()
    etat = FinanceurFactory()
    donnees = {
        "section": "financement",
        **_lignes("financements", [{"financeur": str(etat.pk), "montant_demande": "90000"}]),
    }
    texte = client_porteur.post(
        reverse("dossiers:totaux", args=[brouillon.pk]), donnees
    ).content.decode()
    assert "reste à financer" in texte
    assert "dépassent 80 %" in texte


# --- communes ------------------------------------------------------------------------------


@pytest.fixture
def lens(db):
    epci = EpciFactory(nom="Communauté d'agglomération de Lens-Liévin")
    pole = PoleMetropolitain.objects.create(nom="Pôle métropolitain de l'Artois")
    pole.membres.add(epci)
    return CommuneFactory(code_insee="62498", nom="Lens", epci=epci)


def test_les_suggestions_sont_des_options_de_listbox(client_porteur, brouillon, lens):
    reponse = client_porteur.get(
        reverse("dossiers:communes_suggestions", args=[brouillon.pk]), {"q": "len"}
    )
    page = reponse.content.decode()
    assert 'role="option"' in page and "Lens (62498)" in page


def test_la_commune_ajoutee_donne_epci_arrondissement_et_pole(client_porteur, brouillon, lens):
    reponse = client_porteur.post(
        reverse("dossiers:commune_ajouter", args=[brouillon.pk]), {"commune": lens.pk}, follow=True
    )
    page = reponse.content.decode()
    assert list(brouillon.communes.all()) == [lens]
    assert "Lens est ajoutée au projet." in page
    assert "Communauté d&#x27;agglomération de Lens-Liévin" in page
    assert "Pôle métropolitain de l&#x27;Artois" in page
    assert lens.arrondissement.nom in page


def test_sans_javascript_la_recherche_propose_des_boutons_ajouter(client_porteur, brouillon, lens):
    page = client_porteur.get(_url(brouillon, "localisation"), {"q": "Lens"}).content.decode()
    assert "Résultats de la recherche" in page
    assert 'Ajouter <span class="fr-sr-only">Lens</span>' in page


def test_une_recherche_trop_courte_est_expliquee(client_porteur, brouillon):
    page = client_porteur.get(_url(brouillon, "localisation"), {"q": "L"}).content.decode()
    assert "Tapez au moins deux lettres du nom de la commune." in page


def test_une_commune_inconnue_n_est_pas_ajoutee(client_porteur, brouillon):
    reponse = client_porteur.post(
        reverse("dossiers:commune_ajouter", args=[brouillon.pk]), {"commune": "abc"}, follow=True
    )
    assert "Choisissez une commune dans la liste proposée." in reponse.content.decode()
    assert brouillon.communes.count() == 0


def test_retirer_une_commune(client_porteur, brouillon, lens):
    brouillon.communes.add(lens)
    client_porteur.post(reverse("dossiers:commune_retirer", args=[brouillon.pk, lens.pk]))
    assert brouillon.communes.count() == 0


# --- périmètre et état ---------------------------------------------------------------------


def _toutes_les_urls(dossier, commune):
    return [
        *[
            ("get", _url(dossier, s))
            for s in ("identite", "localisation", "calendrier", "depenses", "financement")
        ],
        ("post", _url(dossier, "identite")),
        ("get", reverse("dossiers:communes_suggestions", args=[dossier.pk]) + "?q=Lens"),
        ("post", reverse("dossiers:commune_ajouter", args=[dossier.pk])),
        ("post", reverse("dossiers:commune_retirer", args=[dossier.pk, commune.pk])),
        ("post", reverse("dossiers:totaux", args=[dossier.pk])),
    ]


@pytest.mark.parametrize(
    "persona",
    [
        "autre_porteur",
        "agent_sp_douai",
        "agent_region",
        "instructeur_etat",
        "inconnu",
        "administrateur",
    ],
)
def test_hors_perimetre_toutes_les_pages_du_formulaire_repondent_404(
    client, request, persona, brouillon, lens
):
    request.getfixturevalue("autre_structure")
    client.force_login(request.getfixturevalue(persona))
    brouillon.communes.add(lens)
    for methode, url in _toutes_les_urls(brouillon, lens):
        reponse = getattr(client, methode)(url, {"intitule": "Piraté", "commune": lens.pk})
        assert reponse.status_code == 404, (persona, url)
    brouillon.refresh_from_db()
    assert brouillon.intitule == "Pôle d'échanges de Douai"
    assert brouillon.communes.count() == 1


def test_une_section_inconnue_repond_404(client_porteur, brouillon):
    assert client_porteur.get(_url(brouillon, "pieces")).status_code == 404
    assert client_porteur.get(_url(brouillon, "nimporte")).status_code == 404


def test_un_dossier_depose_ne_se_modifie_plus(client_porteur, structure, porteur, lens):
    depose = DossierFactory(structure=structure, cree_par=porteur, depose=True)
    reponse = client_porteur.post(
        _url(depose, "identite"), {"intitule": "Changé après dépôt"}, follow=True
    )
    assert reponse.redirect_chain[-1][0] == reverse("dossiers:detail", args=[depose.pk])
    assert "il ne peut plus être modifié" in reponse.content.decode()
    client_porteur.post(reverse("dossiers:commune_ajouter", args=[depose.pk]), {"commune": lens.pk})
    depose.refresh_from_db()
    assert depose.intitule != "Changé après dépôt"
    assert lens not in depose.communes.all()


# --- nombre de requêtes --------------------------------------------------------------------


def _requetes(client, url):
    with CaptureQueriesContext(connection) as contexte:
        assert client.get(url).status_code == 200
    return len(contexte)


@pytest.mark.parametrize(
    "section", ["identite", "localisation", "calendrier", "depenses", "financement"]
)
def test_les_pages_de_section_gardent_le_meme_nombre_de_requetes(
    client_porteur, brouillon, section, django_assert_num_queries
):
    etat, region = FinanceurFactory(), FinanceurFactory(region=True)
    VoletFactory()

    def remplir(n):
        for i in range(n):
            LigneDepenseFactory(dossier=brouillon)
            LigneFinancementFactory(dossier=brouillon, financeur=etat if i % 2 else region)
            epci = EpciFactory()
            PoleMetropolitain.objects.get_or_create(nom=f"Pôle {i % 3}")[0].membres.add(epci)
            brouillon.communes.add(CommuneFactory(code_insee=f"62{i:03d}", epci=epci))

    remplir(2)
    petit = _requetes(client_porteur, _url(brouillon, section))
    remplir(28)
    attendu = {
        # session, user, dossier (scoped fetch), completude x3 (dossier with its totals, number of
        # communes, types of pieces present), totals of the money summary, the user's roles
        # (groups, read by the site's context processor), then the section's own:
        "identite": 8 + 1,  # volets
        "calendrier": 8,
        "depenses": 8 + 1,  # lines
        "financement": 8 + 2,  # financeurs (once for all lines), lines
        "localisation": 8 + 2,  # communes with arrondissement/EPCI, pôles of their EPCI
    }[section]
    with django_assert_num_queries(attendu):
        assert client_porteur.get(_url(brouillon, section)).status_code == 200
    assert petit == attendu


def test_apres_une_erreur_le_recapitulatif_montre_les_montants_tapes(client_porteur, brouillon):
    donnees = {
        "tva_recuperable": "oui",
        **_lignes(
            "depenses",
            [
                {
                    "nature": "travaux",
                    "libelle": "Quais",
                    "montant_ht": "5000",
                    "montant_ttc": "6000",
                },
                {"nature": "", "libelle": "", "montant_ht": "-1", "montant_ttc": ""},
            ],
        ),
    }
    page = client_porteur.post(_url(brouillon, "depenses"), donnees).content.decode()
    assert "Un montant ne peut pas être négatif." in page
    assert 'id="total-cout-eligible">5\u202f000,00\u00a0€' in page


@pytest.mark.parametrize("nombre", [2, 30])
def test_les_totaux_en_direct_tiennent_en_un_nombre_fixe_de_requetes(
    client_porteur, brouillon, nombre, django_assert_num_queries
):
    etat = FinanceurFactory()
    donnees = {
        "section": "financement",
        **_lignes(
            "financements",
            [{"financeur": str(etat.pk), "montant_demande": "100"} for _ in range(nombre)],
        ),
    }
    url = reverse("dossiers:totaux", args=[brouillon.pk])
    client_porteur.post(url, {})  # warms what Django caches once per process
    # session, user, dossier (scoped fetch), stored totals, public financeurs among those typed,
    # the user's roles (groups, read by the site's context processor)
    with django_assert_num_queries(6):
        reponse = client_porteur.post(url, donnees)
    assert f"{nombre * 100},00" in reponse.content.decode().replace("\u202f", "")


# Drives the model (or the table) directly, around the services that keep the aggregates.
@pytest.mark.agregats_libres
def test_le_service_refuse_un_dossier_depose_entre_la_lecture_et_l_enregistrement(
    brouillon, porteur
):
    from dossiers.forms.edition import IdentiteForm
    from dossiers.services.edition import DossierNonModifiable, dossier_enregistrer_section

    form = IdentiteForm({"intitule": "Modifié trop tard"}, instance=brouillon)
    assert form.is_valid()
    Dossier.objects.filter(pk=brouillon.pk).update(
        etat="depose", numero="NPDC-2015-00001", guichet=GuichetFactory(), depose_le=timezone.now()
    )
    with pytest.raises(DossierNonModifiable):
        dossier_enregistrer_section(dossier=brouillon, par=porteur, formulaires=[form])
    assert Dossier.objects.get(pk=brouillon.pk).intitule == "Pôle d'échanges de Douai"


def test_le_service_ne_cree_pas_de_dossier_pour_une_structure_etrangere(porteur, autre_structure):
    from dossiers.services.edition import dossier_creer

    with pytest.raises(PermissionError):
        dossier_creer(par=porteur, structure=autre_structure, intitule="Intrus")
    assert not Dossier.objects.filter(intitule="Intrus").exists()


def test_le_resume_des_sections_s_insere_ailleurs_par_une_balise(brouillon):
    from django.template import Context, Template

    rendu = Template(
        '{% load dossiers_edition %}{% sections_du_dossier dossier "pieces" %}'
    ).render(Context({"dossier": brouillon}))
    assert "Sections du dossier" in rendu
    assert "Joignez la pièce « Délibération »." in rendu
    assert reverse("dossiers:pieces", args=[brouillon.pk]) in rendu

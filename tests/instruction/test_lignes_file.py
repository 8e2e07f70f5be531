"""What each row of a workbench shows (the rows are built by `instruction_files` in Python)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.models import DepotConjoint, Dossier
from instruction import selectors, services
from instruction.enums import Cote, SensAvis
from tests.factories import DossierFactory, GuichetFactory
from tests.factories.instruction import AvisFactory, DemandeComplementsFactory, router


def _ligne(html: str, numero: str):
    """The <tr> of the table that names the dossier."""
    debut = html.index(numero)
    return html[html.rindex("<tr>", 0, debut) : html.index("</tr>", debut) + 5]


@pytest.mark.agregats_libres  # the filing date is moved on the model alone
def test_une_ligne_du_guichet_dit_tout_ce_qu_il_faut_savoir_du_dossier(
    client, agent_sp_douai, dossier_depose
):
    # Filed 50 days ago: the two months to declare it recevable end within 15 days.
    midi = timezone.localtime().replace(hour=12, minute=0)
    dossier_depose.depose_le = midi - datetime.timedelta(days=50)
    dossier_depose.intitule = "Piste <script>alert(1)</script> & gare"
    dossier_depose.save()
    services.dossier_affecter(dossier=dossier_depose, par=agent_sp_douai, agent=agent_sp_douai)
    client.force_login(agent_sp_douai)
    ligne = _ligne(client.get(reverse("instruction:guichet")).text, dossier_depose.numero)
    lien = reverse("instruction:dossier", args=[dossier_depose.pk])
    assert f'<a href="{lien}">{dossier_depose.numero}</a>' in ligne
    assert f'<label class="fr-label" for="selection-{dossier_depose.pk}">' in ligne
    assert f"Sélectionner le dossier {dossier_depose.numero}" in ligne
    assert "Piste &lt;script&gt;alert(1)&lt;/script&gt; &amp; gare" in ligne
    assert "il y a 50 jours" in ligne
    assert "Délai de recevabilité proche" in ligne
    limite = Dossier.objects.avec_limite_recevabilite().get(pk=dossier_depose.pk)
    assert f"avant le {limite.limite_recevabilite:%d/%m/%Y}" in ligne
    assert "État : attendu<br>Région : attendu" in ligne
    assert "<td hx-disable>Vous</td>" in ligne


def test_un_dossier_incomplet_montre_l_echeance_des_complements(
    client, agent_sp_douai, structure, guichet_douai
):
    demande = DemandeComplementsFactory(
        dossier=DossierFactory(incomplet=True, structure=structure, guichet=guichet_douai)
    )
    client.force_login(agent_sp_douai)
    page = client.get(reverse("instruction:guichet"), {"onglet": "en_cours"}).text
    ligne = _ligne(page, demande.dossier.numero)
    assert f"Compléments attendus le {demande.echeance:%d/%m/%Y}" in ligne
    assert 'type="checkbox"' not in ligne  # only filed dossiers are declared recevable in batch


def test_une_file_vide_le_dit(client, instructeur_etat):
    client.force_login(instructeur_etat)
    page = client.get(reverse("instruction:groupes")).text
    assert '<td colspan="9">Aucun dossier ne correspond.</td>' in page


def test_les_dossiers_suivis_en_lecture_menent_a_la_page_en_lecture(
    client, structure, commune_douai, guichet_region, agent_sp_douai
):
    a_la_region = DossierFactory(
        depose=True, structure=structure, guichet=guichet_region, communes=[commune_douai]
    )
    client.force_login(agent_sp_douai)
    page = client.get(reverse("instruction:guichet_lecture")).text
    ligne = _ligne(page, a_la_region.numero)
    assert f'<a href="{reverse("dossiers:detail", args=[a_la_region.pk])}">' in ligne
    assert f"Déposé auprès de : {guichet_region.nom}" in ligne


def test_le_sql_fige_des_lignes_lit_ce_que_lit_l_orm(
    dossier_en_instruction, dossier_depose, groupe_mobilite, agent_sp_douai, structure
):
    """Every subquery of the rows has a value on one of these dossiers."""
    incomplet = DossierFactory(incomplet=True, structure=structure)
    DemandeComplementsFactory(dossier=incomplet, demandee_par=agent_sp_douai)
    DepotConjoint.objects.create(dossier=dossier_depose, guichet=GuichetFactory())
    router(dossier_en_instruction, groupe_mobilite)
    AvisFactory(dossier=dossier_en_instruction, cote=Cote.ETAT, sens=SensAvis.FAVORABLE)
    AvisFactory(dossier=dossier_en_instruction, cote=Cote.REGION, sens=SensAvis.DEFAVORABLE)
    services.dossier_affecter(dossier=dossier_depose, par=agent_sp_douai, agent=agent_sp_douai)
    dossiers = Dossier.objects.filter(
        pk__in=[dossier_en_instruction.pk, dossier_depose.pk, incomplet.pk]
    )

    def lire(annotations):
        return {
            ligne.pop("pk"): ligne
            for ligne in dossiers.annotate(**annotations).values("pk", *annotations)
        }

    lu = lire(selectors._annotations_file())
    assert lu == lire(selectors._annotations_file_orm())
    assert lu[dossier_en_instruction.pk]["groupe_nom"] == groupe_mobilite.nom
    assert lu[dossier_en_instruction.pk]["avis_etat"] == SensAvis.FAVORABLE
    assert lu[dossier_en_instruction.pk]["avis_region"] == SensAvis.DEFAVORABLE
    assert lu[dossier_depose.pk]["guichet_conjoint"] is not None
    assert lu[dossier_depose.pk]["suivi_par_id"] == agent_sp_douai.pk
    assert lu[dossier_depose.pk]["suivi_par_nom"]
    assert lu[incomplet.pk]["echeance_complements"] is not None

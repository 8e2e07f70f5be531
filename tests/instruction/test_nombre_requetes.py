"""Workbench pages run a fixed number of queries, whatever the number of dossiers."""

import pytest
from django.urls import reverse

from instruction.enums import Cote
from tests.factories import DossierFactory
from tests.factories.instruction import AvisFactory, router


def _dossiers(n, *, structure, guichet, groupe):
    for i in range(n):
        dossier = DossierFactory(
            depose=i % 2 == 0,
            en_instruction=i % 2 == 1,
            structure=structure,
            guichet=guichet,
        )
        if i % 2:
            router(dossier, groupe)
            AvisFactory(dossier=dossier, cote=Cote.ETAT)


@pytest.mark.parametrize("n", [5, 50])
def test_file_du_guichet(
    client, django_assert_num_queries, agent_sp_douai, structure, guichet_douai, groupe_mobilite, n
):
    _dossiers(n, structure=structure, guichet=guichet_douai, groupe=groupe_mobilite)
    client.force_login(agent_sp_douai)
    client.get(reverse("instruction:guichet"))  # warms the per-process content-type cache
    # 1 session, 2 user, 3 roles, 4 the agent's guichets and their dépôts conjoints, 5 the
    # bounded count of each tab (one query), 6 the page (« à traiter »: the filed ones) of
    # dossiers with structure, volet, guichet, group, both avis and the deadline of
    # complements (subqueries), 7 overdue requests for complements,
    # 8 volets of the filter form, 9 groupes techniques of the bulk form (read once).
    with django_assert_num_queries(9):
        reponse = client.get(reverse("instruction:guichet"))
    assert reponse.status_code == 200
    assert reponse.text.count('name="dossiers"') == min((n + 1) // 2, 25)


@pytest.mark.parametrize("n", [5, 50])
def test_file_des_groupes(
    client,
    django_assert_num_queries,
    instructeur_region,
    structure,
    guichet_douai,
    groupe_mobilite,
    n,
):
    _dossiers(n, structure=structure, guichet=guichet_douai, groupe=groupe_mobilite)
    client.force_login(instructeur_region)
    client.get(reverse("instruction:groupes"))  # warms the per-process content-type cache
    # 1 session, 2 user, 3 roles, 4 the instructor's groups and sides, 5 the bounded count
    # of each tab, 6 the page of dossiers, 7 overdue requests,
    # 8 volets of the filter form.
    with django_assert_num_queries(8):
        reponse = client.get(reverse("instruction:groupes"), {"attente": "1"})
    assert reponse.status_code == 200
    assert reponse.text.count("/instruction/dossiers/") >= min(n // 2, 25)


@pytest.mark.parametrize("n", [1, 6])
@pytest.mark.parametrize("persona", ["agent_sp_douai", "instructeur_etat"])
def test_page_du_dossier(
    client, request, django_assert_num_queries, dossier_en_instruction, porteur, persona, n
):
    from instruction import services

    for i in range(n):
        services.message_envoyer(dossier=dossier_en_instruction, par=porteur, texte=f"M{i}")
    client.force_login(request.getfixturevalue(persona))
    url = reverse("instruction:dossier", args=[dossier_en_instruction.pk])
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 the dossier in scope, with its rapport, whether the user
    # works at its guichet, its communes, requests for complements, annotations and
    # transition log, letters, transfers, both sides' avis, the co-financers' avis, the
    # financing plan requested vs proposed, its routings with the user's side, its messages
    # with whether the user read them and their attachments. Reading the page again marks
    # nothing (all read already).
    with django_assert_num_queries(4):
        reponse = client.get(url)
    assert reponse.text.count("Porteur\n") + reponse.text.count("Porteur ") >= n


@pytest.mark.parametrize("n", [5, 50])
def test_notifications(client, django_assert_num_queries, porteur, n):
    from cper.models import Notification

    Notification.objects.bulk_create(
        Notification(user=porteur, texte=f"Notification {i}", url="/") for i in range(n)
    )
    client.force_login(porteur)
    # 1 session, 2 user, 3 roles, 4 count of the page, 5 the page.
    with django_assert_num_queries(5):
        reponse = client.get(reverse("notifications"))
    assert reponse.text.count("Notification ") >= min(n, 25)

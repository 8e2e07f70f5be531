"""The header's unread badge: a count kept on the person, always equal to a count from scratch."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cper.comptes.enums import Role
from cper.models import Notification
from cper.notifications import Destinataires, ecarts, notifications_marquer_lues, notifier
from tests.factories import UserFactory

BADGE = '<span class="fr-badge fr-badge--sm fr-badge--new fr-ml-1v">'


def _notifier(cle, users):
    return notifier(
        cle=cle,
        modele="dossiers/email/recepisse",
        contexte={"dossier": {"numero": "2026-0001"}},
        destinataires=[Destinataires(users=users, chemin="/")],
        courriel=False,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 5])
def test_le_compte_garde_suit_les_notifications_ecrites_et_lues(n):
    users = [UserFactory(roles=[Role.PORTEUR]) for _ in range(n)]
    # A person named twice (two groups) is notified once.
    notifier(
        cle="a",
        modele="dossiers/email/recepisse",
        contexte={"dossier": {"numero": "2026-0001"}},
        destinataires=[Destinataires(users=users), Destinataires(users=users[:1])],
        courriel=False,
    )
    _notifier("b", users)
    _notifier("b", users)  # the same event again notifies nobody
    assert ecarts() == []
    for user in users:
        user.refresh_from_db()
        assert user.notifications_non_lues == Notification.objects.filter(user=user).count() == 2
    notifications_marquer_lues(par=users[0])
    assert ecarts() == []
    assert users[0].notifications_non_lues == 0
    Notification.objects.filter(user=users[-1]).update(lue=True)  # written otherwise
    assert ecarts() == ([(users[-1].pk, 2, 0)] if n > 1 else [])


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 3])
def test_le_badge_de_l_entete_ne_coute_aucune_requete(client, porteur, n):
    for i in range(n):
        _notifier(f"evenement-{i}", [porteur])
    client.force_login(porteur)
    with CaptureQueriesContext(connection) as requetes:
        page = client.get(reverse("comptes:compte")).text
    assert not any("cper_notification" in q["sql"] for q in requetes.captured_queries)
    pluriel = "s" if n > 1 else ""
    assert f'{BADGE}{n}<span class="fr-sr-only"> non lue{pluriel}</span></span>' in page
    client.post(reverse("notifications"))
    assert BADGE not in client.get(reverse("comptes:compte")).text

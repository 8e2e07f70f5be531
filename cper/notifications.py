"""In-app notices and the e-mails that go with them, for every floor: `notifier()`.

A floor decides who hears of an event and which page each of them is sent to; this module
renders the e-mail (`<app>/email/<event>_subject.txt` and `_body.txt`), writes one
`Notification` per person and sends one e-mail per person (nobody sees the others' address).
It runs in a Celery task that a service deferred through `cper.effets`: the key of the event
makes a task run twice notify once.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cper.courriels import courriels_individuels, rendre_sujet
from cper.models import Notification


@dataclass(frozen=True)
class Destinataires:
    """People who get the same e-mail and whose notice links to the same page (a path)."""

    users: Sequence
    chemin: str = ""
    contexte: Mapping = field(default_factory=dict)


def notifier(
    *,
    cle: str,
    modele: str,
    contexte: Mapping,
    destinataires: Iterable[Destinataires],
    courriel: bool = True,
) -> int:
    """Notify each active person once for the event `cle`; returns how many were notified.

    The notice's text is the e-mail's subject. `courriel=False` writes the notices only, for
    events whose e-mail is sent otherwise (the récépissé, with its attachment). A person in
    several groups is notified once, with the first group's page. A key already recorded
    notifies nobody; two runs at once collide on the (person, key) constraint and the second
    is retried, by then finding the key.
    """
    if Notification.objects.filter(cle=cle).exists():
        return 0
    notifications, messages, vus = [], [], set()
    for groupe in destinataires:
        users = [u for u in groupe.users if u.is_active and u.pk not in vus]
        vus.update(u.pk for u in users)
        if not users:
            continue
        contexte_du_groupe = {
            **contexte,
            **groupe.contexte,
            "url": settings.SITE_URL + groupe.chemin,
        }
        if courriel:
            sujet, courriels = courriels_individuels(
                modele, contexte_du_groupe, [u.email for u in users]
            )
            messages.extend(courriels)
        else:
            sujet = rendre_sujet(modele, contexte_du_groupe)
        notifications.extend(
            Notification(user=u, texte=sujet[:300], url=groupe.chemin, cle=cle) for u in users
        )
    with transaction.atomic():
        Notification.objects.bulk_create(notifications)
        # Each person once per call (`vus`): one more unread notice each.
        get_user_model().objects.filter(pk__in=vus).update(
            notifications_non_lues=F("notifications_non_lues") + 1
        )
        if messages:
            get_connection(fail_silently=False).send_messages(messages)
    return len(notifications)


def notifications_marquer_lues(*, par) -> int:
    """Mark every notice of the person as read."""
    with transaction.atomic():
        nombre = Notification.objects.filter(user=par, lue=False).update(lue=True)
        get_user_model().objects.filter(pk=par.pk).update(notifications_non_lues=0)
    par.notifications_non_lues = 0
    return nombre


def _non_lues_recomptees():
    """Each person's unread notices, counted from the notices themselves."""
    return Coalesce(
        Subquery(
            Notification.objects.filter(user=OuterRef("pk"), lue=False)
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def ecarts() -> list[tuple[int, int, int]]:
    """(person, kept count, count from scratch) wherever the header's badge is wrong; [] when
    every kept count is right."""
    return list(
        get_user_model()
        .objects.annotate(recompte=_non_lues_recomptees())
        .filter(~Q(notifications_non_lues=F("recompte")))
        .values_list("pk", "notifications_non_lues", "recompte")
    )

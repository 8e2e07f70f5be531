"""Reads that may go to a read replica: dashboards, exports, the API.

`DATABASES["replica"]` is a PostgreSQL standby (`DATABASE_REPLICA_URL`), or the primary itself
when there is none. Code says « read this from the replica » with `replique()` (a context
manager) or `@lecture_replique` (a view decorator); the router then sends that code's reads
there, and every write, and every other read, to the primary. Only reads that do not need the
current transaction's own writes belong there: a standby lags the primary by a moment.
"""

import contextlib
import contextvars
import functools

from django.conf import settings
from django.db import connections

ALIAS = "replica"
_sur_la_replique = contextvars.ContextVar("sur_la_replique", default=False)


@contextlib.contextmanager
def replique():
    """Inside the block, the ORM's reads go to the replica (when LECTURE_REPLIQUE is on)."""
    jeton = _sur_la_replique.set(True)
    try:
        yield
    finally:
        _sur_la_replique.reset(jeton)


def lecture_replique(vue):
    """A view whose reads all go to the replica (a dashboard: it writes nothing)."""

    @functools.wraps(vue)
    def enveloppe(*args, **kwargs):
        with replique():
            return vue(*args, **kwargs)

    return enveloppe


def connexion():
    """The connection for raw SQL reads: the replica inside `replique()`, else the primary."""
    if _sur_la_replique.get() and settings.LECTURE_REPLIQUE:
        return connections[ALIAS]
    return connections["default"]


class Routeur:
    """settings.DATABASE_ROUTERS: the replica for reads asked there, the primary for the rest."""

    def db_for_read(self, model, **hints):
        if _sur_la_replique.get() and settings.LECTURE_REPLIQUE:
            return ALIAS
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two ways in

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"  # a standby replays the primary's schema

"""Events for other systems: the public facts of the contract's life, one row each.

`publier(type=..., objet=..., donnees=...)` writes an `Evenement` row in the caller's
transaction: it exists exactly when the fact does. Higher floors read the rows (the webhooks of
`api/` deliver them); this floor imports none of them: `abonner()` lets them hear each event as
it is written, still in the caller's transaction (so they only write rows there).

Types of events:

- `<objet>.<transition>` — every transition of the state machine of a model whose floor
  registered its public fields with `enregistrer_donnees()` (dossiers does it for `Dossier`):
  `dossier.deposer`, `dossier.demander_complements`, `dossier.completer`,
  `dossier.declarer_recevable`, `dossier.declarer_irrecevable`, `dossier.conclure_instruction`,
  `dossier.ajourner`, `dossier.programmer`, `dossier.rejeter`, `dossier.retirer`. They are
  published by django-fsm's `post_transition` signal, with no code in the services; a
  transition added to the machine later (`dossier.attribuer`, `dossier.solder`…) publishes as
  soon as it exists, and is offered to the subscriptions.
- `TYPES_DIRECTS` below — facts that are not transitions; the service that records the fact
  calls `publier()` itself, in its transaction.

Payloads hold public fields only (numbers, states, volet, decided amounts — never a person's
name, e-mail or phone): every subscriber of every type may read them.
"""

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django_fsm import FSMFieldMixin
from django_fsm.signals import post_transition

from .models import Evenement

# Facts that are not transitions: type → label. The service that records the fact publishes it.
TYPES_DIRECTS = {
    # execution: a payment order issued (payload: dossier number, versement kind and amount).
    "versement.mandate": "Versement mandaté",
}

# Per model: the functions that give the public fields of its events. A function returning
# None withholds the event (a draft, unknown outside, publishes nothing).
_donnees: dict[type[models.Model], list[Callable[[models.Model], dict | None]]] = {}
# Per model: labels of its transitions, for the people who choose what they subscribe to.
_libelles: dict[type[models.Model], dict[str, str]] = {}
# Who hears each event as it is written (the webhooks, top floor).
_abonnes: list[Callable[[Evenement], None]] = []


class TypeInconnu(ValueError):
    """A type that is neither a transition of a registered model nor a direct type."""


def enregistrer_donnees(
    modele: type[models.Model],
    fonction: Callable[[models.Model], dict | None],
    *,
    libelles: dict[str, str] | None = None,
) -> None:
    """Let `modele`'s transitions publish events; `fonction(objet)` adds its public fields.

    Called at start-up (`AppConfig.ready`) by the floor that owns the model and by any floor
    above that knows more about it (gouvernance adds the programmed amounts to the dossier's).
    """
    fonctions = _donnees.setdefault(modele, [])
    if fonction not in fonctions:
        fonctions.append(fonction)
    _libelles.setdefault(modele, {}).update(libelles or {})


def abonner(fonction: Callable[[Evenement], None]) -> None:
    """Call `fonction(evenement)` for every event, in the transaction that publishes it."""
    if fonction not in _abonnes:
        _abonnes.append(fonction)


def nom_objet(modele: type[models.Model]) -> str:
    """The first part of the model's events' types: `dossier` for Dossier."""
    return modele._meta.model_name


def _transitions(modele) -> list[str]:
    """The names of the model's transitions (one per name, whatever its sources)."""
    noms = {}
    for champ in modele._meta.get_fields():
        if isinstance(champ, FSMFieldMixin):
            noms.update(dict.fromkeys(t.name for t in champ.get_all_transitions(modele)))
    # The labelled ones in their registered order (the dossier's life), then the others.
    ordre = list(_libelles.get(modele, {}))
    return sorted(noms, key=lambda nom: (ordre.index(nom) if nom in ordre else len(ordre), nom))


def types() -> list[tuple[str, str]]:
    """Every type of event, (code, label): the transitions of each registered model, then the
    direct types."""
    resultat = []
    for modele in _donnees:
        libelles = _libelles.get(modele, {})
        verbose = str(modele._meta.verbose_name).capitalize()
        for nom in _transitions(modele):
            libelle = libelles.get(nom) or f"{verbose} : {nom.replace('_', ' ')}"
            resultat.append((f"{nom_objet(modele)}.{nom}", libelle))
    return resultat + list(TYPES_DIRECTS.items())


def publier(*, type: str, objet: models.Model, donnees: dict) -> Evenement:
    """Record the event `type` about `objet` in the current transaction, and tell the floors
    above (which only write rows here; their work runs after the commit).

    Must run inside the transaction of the fact it reports: outside one, the event could
    outlive a change that is never saved.
    """
    if type not in dict(types()):
        raise TypeInconnu(f"Type d'événement inconnu : {type}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Un événement se publie dans la transaction du fait qu'il rapporte.")
    evenement = Evenement.objects.create(
        type=type,
        objet_type=ContentType.objects.get_for_model(objet),
        objet_id=objet.pk,
        donnees=donnees,
    )
    for abonne in _abonnes:
        abonne(evenement)
    return evenement


def _sur_transition(sender, instance, name, source, target, **kwargs) -> None:
    """django-fsm's post_transition: a transition of a registered model publishes its event."""
    fonctions = _donnees.get(sender)
    if fonctions is None:
        return
    donnees = {"id": instance.pk, "transition": name, "etat_avant": source, "etat_apres": target}
    for fonction in fonctions:
        public = fonction(instance)
        if public is None:
            return
        donnees.update(public)
    publier(type=f"{nom_objet(sender)}.{name}", objet=instance, donnees=donnees)


post_transition.connect(_sur_transition, dispatch_uid="cper.evenements")

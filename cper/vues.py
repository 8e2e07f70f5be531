"""What every floor's views share: the answer when an action finds its object moved on."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_fsm import ConcurrentTransition, TransitionNotAllowed

# The errors of a transition fired on a dossier (or séance) that has moved on meanwhile.
DEJA_FAIT = (TransitionNotAllowed, ConcurrentTransition)
DEJA_EFFECTUEE = "Action déjà effectuée : l'état a changé entre-temps. Voici l'état actuel."


def deja_effectuee(request: HttpRequest, vers: str, *args, **kwargs) -> HttpResponse:
    """Say « Action déjà effectuée » and show the object as it is now (URL name and arguments).

    Views catch `DEJA_FAIT` around the one service they call and answer with this, instead of
    a 500 or a second confirmation (docs/architecture.md, Inside an app).
    """
    messages.warning(request, DEJA_EFFECTUEE)
    return redirect(vers, *args, **kwargs)

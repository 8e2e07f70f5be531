from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role


@role_requis(Role.MEMBRE_PILOTAGE, Role.MEMBRE_CONCERTATION)
def index(request: HttpRequest) -> HttpResponse:
    """Each instance's members land on their dashboard."""
    if request.user.a_le_role(Role.MEMBRE_PILOTAGE):
        return redirect("gouvernance:pilotage")
    return redirect("gouvernance:territoire")

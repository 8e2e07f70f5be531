from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role


@role_requis(Role.MEMBRE_PILOTAGE, Role.MEMBRE_CONCERTATION)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "gouvernance/index.html", {"title": "Instances du CPER"})

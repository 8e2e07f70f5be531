from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role


@role_requis(Role.AGENT_GUICHET, Role.INSTRUCTEUR)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "instruction/index.html", {"title": "Espace des agents"})

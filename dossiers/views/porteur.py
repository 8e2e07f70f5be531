from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role


@role_requis(Role.PORTEUR)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "dossiers/index.html", {"title": "Mes dossiers"})

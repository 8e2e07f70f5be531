"""Endpoints of the API, version 1: thin, each one a scoped read or one service call.

Every read goes through `api.v1.perimetre` (the screens' selectors): outside scope, 404.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from cper.comptes.enums import Role
from cper.lecture import lecture_replique
from cper.referentiel.models import Commune
from cper.vues import DEJA_FAIT
from dossiers.acces import peut_modifier
from dossiers.models import Dossier, LigneFinancement
from dossiers.selectors.porteur import chronologie
from dossiers.services.edition import dossier_creer, structures_du_porteur
from execution import selectors as execution_selectors
from execution.models import DemandeVersement
from execution.services import versement_mandater
from gouvernance.selectors.maquette import maquette
from gouvernance.selectors.seances import decisions_du_dossier
from instruction.models import Avis, MontantPropose

from . import perimetre
from .erreurs import reponse_erreur
from .pagination import Curseur
from .serializers import (
    ActeSerializer,
    AvisSerializer,
    BrouillonSerializer,
    DecisionSerializer,
    DossierPublicSerializer,
    DossierResumeSerializer,
    DossierSerializer,
    ErreurSerializer,
    EvenementSerializer,
    FiltresDossiersSerializer,
    FiltresVersementsSerializer,
    MandatementSerializer,
    MaquetteSerializer,
    VersementDansLaFileSerializer,
    VersementSerializer,
)

TAG_DOSSIERS = ["Dossiers"]
# Every operation may answer these, in the one error shape.
ERREURS = {401: ErreurSerializer, 403: ErreurSerializer, 429: ErreurSerializer}
ERREURS_OBJET = {**ERREURS, 404: ErreurSerializer}


def _filtrer(dossiers, criteres: dict):
    if criteres.get("etat"):
        dossiers = dossiers.filter(etat=criteres["etat"])
    if criteres.get("volet"):
        dossiers = dossiers.filter(volet__numero=criteres["volet"])
    if criteres.get("guichet"):
        dossiers = dossiers.filter(guichet=criteres["guichet"])
    communes = Commune.objects.all()
    if criteres.get("commune"):
        communes = communes.filter(code_insee=criteres["commune"])
    if criteres.get("epci"):
        communes = communes.filter(epci__siren=criteres["epci"])
    if criteres.get("departement"):
        communes = communes.filter(departement__code=criteres["departement"])
    if {"commune", "epci", "departement"} & criteres.keys():
        dossiers = dossiers.sur_territoire(communes)
    if criteres.get("depose_depuis"):
        dossiers = dossiers.filter(depose_le__date__gte=criteres["depose_depuis"])
    if criteres.get("depose_jusqu_au"):
        dossiers = dossiers.filter(depose_le__date__lte=criteres["depose_jusqu_au"])
    return dossiers


COMMUNES = Prefetch("communes", queryset=Commune.objects.only("code_insee", "nom").order_by("nom"))


@extend_schema_view(
    get=extend_schema(
        tags=TAG_DOSSIERS,
        summary="Dossiers de mon périmètre",
        description=(
            "Les dossiers que vous voyez à l'écran, du plus récent au plus ancien. Un membre de "
            "l'instance de concertation reçoit les champs publics des dossiers de son "
            "territoire (`DossierPublic`)."
        ),
        parameters=[FiltresDossiersSerializer],
        responses={200: DossierResumeSerializer(many=True), 400: ErreurSerializer, **ERREURS},
    ),
    post=extend_schema(
        tags=TAG_DOSSIERS,
        summary="Créer un brouillon (porteur)",
        request=BrouillonSerializer,
        responses={201: DossierSerializer, 400: ErreurSerializer, **ERREURS},
    ),
)
class Dossiers(generics.ListAPIView):
    serializer_class = DossierResumeSerializer

    def get_queryset(self):
        filtres = FiltresDossiersSerializer(data=self.request.query_params)
        filtres.is_valid(raise_exception=True)
        user = self.request.user
        if perimetre.vue_publique(user):
            dossiers = perimetre.dossiers_publics(user)
        else:
            dossiers = perimetre.dossiers(user).select_related("structure", "volet", "guichet")
        return _filtrer(dossiers, filtres.validated_data)

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):  # the schema documents the full view
            return DossierResumeSerializer
        if perimetre.vue_publique(self.request.user):
            return DossierPublicSerializer
        return DossierResumeSerializer

    @lecture_replique
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def post(self, request):
        if not request.user.a_le_role(Role.PORTEUR):
            raise PermissionDenied("Seul un porteur de projet crée un dossier.")
        donnees = BrouillonSerializer(data=request.data)
        donnees.is_valid(raise_exception=True)
        structure = (
            structures_du_porteur(request.user)
            .filter(pk=donnees.validated_data["structure"])
            .first()
        )
        if structure is None:
            return reponse_erreur(
                400,
                "invalide",
                "Données invalides.",
                {"structure": ["Cette structure n'est pas la vôtre."]},
            )
        dossier = dossier_creer(
            par=request.user, structure=structure, intitule=donnees.validated_data["intitule"]
        )
        return Response(
            DossierSerializer(_dossier_complet(request.user, dossier.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def _dossier_complet(user, pk) -> Dossier:
    return perimetre.dossier_ou_404(
        user,
        pk,
        queryset=Dossier.objects.avec_totaux()
        .select_related("structure", "volet", "guichet")
        .prefetch_related(
            COMMUNES,
            "depenses",
            Prefetch("financements", queryset=LigneFinancement.objects.select_related("financeur")),
        ),
    )


@extend_schema(
    tags=TAG_DOSSIERS,
    summary="Un dossier et son plan de financement",
    description="Pour un membre de l'instance de concertation : ses champs publics seulement.",
    responses={
        200: PolymorphicProxySerializer(
            component_name="DossierOuDossierPublic",
            serializers=[DossierSerializer, DossierPublicSerializer],
            resource_type_field_name=None,
        ),
        **ERREURS_OBJET,
    },
)
class DossierDetail(APIView):
    @lecture_replique
    def get(self, request, pk: int):
        if perimetre.vue_publique(request.user):
            dossier = perimetre.dossier_public_ou_404(request.user, pk)
            return Response(DossierPublicSerializer(dossier).data)
        return Response(DossierSerializer(_dossier_complet(request.user, pk)).data)


@extend_schema(
    tags=TAG_DOSSIERS,
    summary="Historique d'un dossier",
    description=(
        "Création, chaque transition et le récépissé, du plus ancien au plus récent. Un "
        "porteur voit le nom de ses collègues, pas celui des agents, et les seuls commentaires "
        "qui lui sont destinés."
    ),
    responses={200: EvenementSerializer(many=True), **ERREURS_OBJET},
)
class Historique(APIView):
    @lecture_replique
    def get(self, request, pk: int):
        dossier = perimetre.dossier_ou_404(
            request.user, pk, queryset=Dossier.objects.select_related("cree_par", "recepisse")
        )
        pour_le_porteur = not (
            perimetre.est_agent(request.user) or perimetre.est_pilotage(request.user)
        )
        evenements = chronologie(dossier, pour_le_porteur=pour_le_porteur)
        return Response(EvenementSerializer(evenements, many=True).data)


@extend_schema(
    tags=TAG_DOSSIERS,
    summary="Avis État et Région (agents)",
    responses={200: AvisSerializer(many=True), **ERREURS_OBJET},
)
class AvisDuDossier(APIView):
    @lecture_replique
    def get(self, request, pk: int):
        if not perimetre.est_agent(request.user):
            raise PermissionDenied("Les avis sont réservés aux agents.")
        dossier = perimetre.dossier_d_agent_ou_404(request.user, pk)
        avis = (
            Avis.objects.filter(dossier=dossier)
            .select_related("donne_par")
            .prefetch_related(
                Prefetch(
                    "montants",
                    queryset=MontantPropose.objects.select_related("financeur").order_by(
                        "financeur__ordre", "financeur__nom"
                    ),
                )
            )
            .order_by("cote")
        )
        return Response(AvisSerializer(avis, many=True).data)


@extend_schema(
    tags=TAG_DOSSIERS,
    summary="Décisions de l'instance de pilotage sur un dossier",
    responses={200: DecisionSerializer(many=True), **ERREURS_OBJET},
)
class Decisions(APIView):
    @lecture_replique
    def get(self, request, pk: int):
        dossier = perimetre.dossier_ou_404(request.user, pk)
        return Response(DecisionSerializer(decisions_du_dossier(dossier), many=True).data)


@extend_schema(
    tags=["Maquette"],
    summary="Maquette du contrat (instance de pilotage)",
    description=(
        "Volets en lignes, signataires en colonnes : enveloppe, demandé, proposé, programmé."
    ),
    responses={200: MaquetteSerializer, **ERREURS},
)
class Maquette(APIView):
    @lecture_replique
    def get(self, request):
        if not perimetre.est_pilotage(request.user):
            raise PermissionDenied("La maquette est réservée à l'instance de pilotage.")
        return Response(MaquetteSerializer(maquette()).data)


# --- Execution: acts and payments -----------------------------------------------------------

TAG_EXECUTION = ["Exécution"]
DEJA_EFFECTUEE_API = "Action déjà effectuée : la demande a changé d'état entre-temps."


class CurseurDuPlusAncien(Curseur):
    ordering = "pk"


@extend_schema(
    tags=TAG_EXECUTION,
    summary="Actes attributifs et versements d'un dossier",
    description=(
        "Pour les agents d'un financeur qui exécute le dossier : tous ses actes, avec leurs "
        "demandes de versement et ordres de reversement. Pour le porteur : ses actes notifiés. "
        "Les autres personnes qui voient le dossier reçoivent 403."
    ),
    responses={200: ActeSerializer(many=True), **ERREURS_OBJET},
)
class Actes(APIView):
    @lecture_replique
    def get(self, request, pk: int):
        try:
            dossier = perimetre.dossier_execute_ou_404(request.user, pk)
            notifies_seulement = False
        except Http404:
            dossier = perimetre.dossier_ou_404(request.user, pk)
            if not peut_modifier(request.user, dossier):
                raise PermissionDenied(
                    "Les actes et versements sont réservés au porteur et aux agents des financeurs."
                ) from None
            notifies_seulement = True
        actes = execution_selectors.actes_du_dossier(dossier, notifies_seulement=notifies_seulement)
        return Response(ActeSerializer(actes, many=True).data)


@extend_schema_view(
    get=extend_schema(
        tags=TAG_EXECUTION,
        summary="Demandes de versement à traiter (agents des financeurs)",
        description=(
            "Les demandes de versement adressées à vos financeurs, des plus anciennes aux plus "
            "récentes ; par défaut celles à traiter et celles à mandater."
        ),
        parameters=[FiltresVersementsSerializer],
        responses={200: VersementDansLaFileSerializer(many=True), 400: ErreurSerializer, **ERREURS},
    )
)
class Versements(generics.ListAPIView):
    serializer_class = VersementDansLaFileSerializer

    pagination_class = CurseurDuPlusAncien

    def get_queryset(self):
        if not perimetre.financeurs_de(self.request.user).exists():
            raise PermissionDenied("La file des versements est réservée aux agents des financeurs.")
        filtres = FiltresVersementsSerializer(data=self.request.query_params)
        filtres.is_valid(raise_exception=True)
        return execution_selectors.file_versements(
            self.request.user,
            etat=filtres.validated_data.get("etat"),
            type_=filtres.validated_data.get("type"),
        )

    @lecture_replique
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(
    tags=TAG_EXECUTION,
    summary="Enregistrer le mandatement d'un versement (agents des financeurs)",
    description=(
        "La demande doit être acceptée ; le mandatement du solde solde l'acte. Une demande déjà "
        "mandatée répond 409 « Action déjà effectuée », sans rien changer."
    ),
    request=MandatementSerializer,
    responses={
        200: VersementSerializer,
        400: ErreurSerializer,
        409: ErreurSerializer,
        **ERREURS_OBJET,
    },
)
class Mandater(APIView):
    def post(self, request, pk: int):
        demande = (
            DemandeVersement.objects.select_related("acte__financeur", "acte__dossier")
            .filter(
                acte__dossier__in=perimetre.dossiers_executables(request.user),
                acte__financeur__in=perimetre.financeurs_de(request.user),
                pk=pk,
            )
            .first()
        )
        if demande is None:
            raise Http404
        donnees = MandatementSerializer(data=request.data)
        donnees.is_valid(raise_exception=True)
        try:
            demande = versement_mandater(
                demande=demande,
                par=request.user,
                mandate_le=donnees.validated_data["mandate_le"],
                montant=donnees.validated_data.get("montant"),
            )
        except DEJA_FAIT:
            return reponse_erreur(409, "deja_effectuee", DEJA_EFFECTUEE_API)
        except ValidationError as refus:
            return reponse_erreur(400, "refuse", " ".join(refus.messages))
        return Response(VersementSerializer(demande).data)

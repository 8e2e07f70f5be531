from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin as BaseImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from cper.televersement.controle import controler
from cper.televersement.enums import Usage
from cper.televersement.forms import FichierControleField, designer_deposant
from cper.templatetags.cper_tags import euros

from . import resources
from .models import (
    ZERO,
    Arrondissement,
    AvenantContrat,
    Commune,
    Contrat,
    Departement,
    Enveloppe,
    Epci,
    Financeur,
    Guichet,
    PoleMetropolitain,
    ProlongationContrat,
    Region,
    RevisionEnveloppe,
    Volet,
    guichets_proposes,
)
from .selectors import matrice_enveloppes

AVERTISSEMENT_ILLUSTRATIF = (
    "La répartition des volets entre signataires (enveloppes) n'est pas publique : les montants "
    "marqués « illustratif » sont une répartition plausible, à remplacer par la maquette réelle."
)


class CSV(base_formats.CSV):
    """CSV with "," or, as a French spreadsheet writes it, ";" between columns."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes) and self.encoding:
            in_stream = in_stream.decode(self.encoding)
        entete = in_stream.split("\n", 1)[0]
        if "delimiter" not in kwargs and entete.count(";") > entete.count(","):
            kwargs["delimiter"] = ";"
        return super().create_dataset(in_stream, **kwargs)


class ImportControleForm(ImportForm):
    """The import's file goes through the upload gate, and must be in the format chosen."""

    import_file = FichierControleField(usage=Usage.IMPORT, label="Fichier à importer")

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats_proposes = formats

    def clean(self):
        donnees = super().clean()
        fichier, choix = donnees.get("import_file"), donnees.get("format")
        if fichier and choix not in (None, ""):
            detecte = controler(fichier, usage=Usage.IMPORT).format.code
            annonce = str(self.formats_proposes[int(choix)]().get_title()).lower()
            if detecte != annonce:
                self.add_error(
                    "import_file",
                    f"Ce fichier est au format {detecte.upper()}, pas {annonce.upper()} : "
                    "choisissez le format qui correspond.",
                )
        return donnees


class ImportExportModelAdmin(BaseImportExportModelAdmin):
    """CSV and XLSX only: the formats an administrator edits in a spreadsheet."""

    formats = [CSV, base_formats.XLSX]
    import_form_class = ImportControleForm

    def create_import_form(self, request):
        form = super().create_import_form(request)
        designer_deposant(form, request.user)
        return form


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "nom"]
    search_fields = ["code", "nom"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "region", "chef_lieu", "nombre_communes"]
    search_fields = ["code", "nom"]
    list_filter = ["region"]
    list_select_related = ["region"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(nb_communes=Count("communes"))

    @admin.display(description="communes", ordering="nb_communes")
    def nombre_communes(self, obj):
        return obj.nb_communes


@admin.register(Arrondissement)
class ArrondissementAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "departement", "chef_lieu", "type_chef_lieu", "nombre_communes"]
    search_fields = ["code", "nom", "chef_lieu"]
    list_filter = ["departement", "type_chef_lieu"]
    list_select_related = ["departement"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(nb_communes=Count("communes"))

    @admin.display(description="communes", ordering="nb_communes")
    def nombre_communes(self, obj):
        return obj.nb_communes


class CommuneInline(admin.TabularInline):
    model = Commune
    fields = ["code_insee", "nom", "arrondissement", "population"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["nom", "siren", "nature", "nombre_communes", "population"]
    search_fields = ["nom", "siren"]
    list_filter = ["nature", "poles"]
    inlines = [CommuneInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(nb_communes=Count("communes"), population_totale=Sum("communes__population"))
        )

    @admin.display(description="communes", ordering="nb_communes")
    def nombre_communes(self, obj):
        return obj.nb_communes

    @admin.display(description="population", ordering="population_totale")
    def population(self, obj):
        return obj.population_totale


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code_insee", "nom", "departement", "arrondissement", "epci", "population"]
    search_fields = ["code_insee", "nom", "epci__nom", "epci__siren"]
    list_filter = ["departement", "arrondissement", "epci__nature", "epci__poles"]
    list_select_related = ["departement", "arrondissement", "epci"]
    autocomplete_fields = ["epci"]
    readonly_fields = ["guichet_suggere", "poles_metropolitains"]

    @admin.display(description="guichet suggéré")
    def guichet_suggere(self, obj):
        return guichets_proposes([obj.arrondissement_id])[1] or "—"

    @admin.display(description="pôles métropolitains")
    def poles_metropolitains(self, obj):
        return ", ".join(str(pole) for pole in obj.poles()) or "—"


@admin.register(PoleMetropolitain)
class PoleMetropolitainAdmin(ImportExportModelAdmin):
    resource_classes = [resources.PoleMetropolitainResource]
    list_display = ["nom", "nombre_epci", "composition_a_verifier"]
    search_fields = ["nom", "membres__nom", "membres__siren"]
    list_filter = ["composition_a_verifier"]
    filter_horizontal = ["membres"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(nb_epci=Count("membres", distinct=True))

    @admin.display(description="EPCI membres", ordering="nb_epci")
    def nombre_epci(self, obj):
        return obj.nb_epci


@admin.register(Financeur)
class FinanceurAdmin(ImportExportModelAdmin):
    resource_classes = [resources.FinanceurResource]
    list_display = [
        "nom",
        "code",
        "categorie",
        "signataire",
        "public",
        "montant",
        "total_enveloppes",
        "repartition",
    ]
    search_fields = ["nom", "code"]
    list_filter = ["signataire", "public", "categorie"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                total_env=Coalesce(Sum("enveloppes__montant"), ZERO),
                a_illustratif=Exists(
                    Enveloppe.objects.filter(financeur=OuterRef("pk"), illustratif=True)
                ),
            )
        )

    def changelist_view(self, request, extra_context=None):
        messages.warning(request, AVERTISSEMENT_ILLUSTRATIF)
        return super().changelist_view(request, extra_context)

    @admin.display(description="montant contractualisé", ordering="montant_contractualise")
    def montant(self, obj):
        return euros(obj.montant_contractualise)

    @admin.display(description="total des enveloppes", ordering="total_env")
    def total_enveloppes(self, obj):
        return euros(obj.total_env) if obj.signataire else "—"

    @admin.display(description="répartition par volet")
    def repartition(self, obj):
        if not obj.signataire:
            return "—"
        return "Illustrative" if obj.a_illustratif else "Réelle"


@admin.register(Guichet)
class GuichetAdmin(ImportExportModelAdmin):
    resource_classes = [resources.GuichetResource]
    list_display = [
        "nom",
        "type",
        "arrondissement",
        "ville",
        "email",
        "telephone",
        "coordonnees_a_verifier",
    ]
    search_fields = ["nom", "code", "ville", "email"]
    list_filter = ["type", "coordonnees_a_verifier", "arrondissement__departement"]
    list_select_related = ["arrondissement"]
    readonly_fields = ["groupe"]


class ProlongationInline(admin.TabularInline):
    model = ProlongationContrat
    fields = ["volet", "jusqu_au", "objet", "illustratif"]
    extra = 0


class VoletInline(admin.TabularInline):
    model = Volet
    fields = ["numero", "code", "intitule", "montant"]
    extra = 0


@admin.register(Contrat)
class ContratAdmin(admin.ModelAdmin):
    list_display = ["intitule", "date_signature", "debut", "fin", "montant", "total_volets"]
    search_fields = ["intitule"]
    inlines = [ProlongationInline, VoletInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(total_v=Coalesce(Sum("volets__montant"), ZERO))
        )

    @admin.display(description="montant contractualisé", ordering="montant_total")
    def montant(self, obj):
        return euros(obj.montant_total)

    @admin.display(description="total des volets (arrondis au million)", ordering="total_v")
    def total_volets(self, obj):
        return euros(obj.total_v)


@admin.register(Volet)
class VoletAdmin(ImportExportModelAdmin):
    resource_classes = [resources.VoletResource]
    list_display = ["numero", "intitule", "code", "montant_volet", "total_enveloppes"]
    list_display_links = ["numero", "intitule"]
    search_fields = ["intitule", "code"]
    list_filter = ["contrat"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(total_env=Coalesce(Sum("enveloppes__montant"), ZERO))
        )

    @admin.display(description="montant du volet", ordering="montant")
    def montant_volet(self, obj):
        return euros(obj.montant)

    @admin.display(description="total des enveloppes", ordering="total_env")
    def total_enveloppes(self, obj):
        return euros(obj.total_env)


@admin.register(Enveloppe)
class EnveloppeAdmin(ImportExportModelAdmin):
    resource_classes = [resources.EnveloppeResource]
    change_list_template = "admin/referentiel/enveloppe/change_list.html"
    list_display = ["volet", "financeur", "montant_enveloppe", "statut"]
    search_fields = ["volet__intitule", "volet__code", "financeur__nom", "financeur__code"]
    list_filter = ["illustratif", "volet", "financeur"]
    list_select_related = ["volet", "financeur"]

    def get_urls(self):
        return [
            path(
                "matrice/",
                self.admin_site.admin_view(self.matrice_view),
                name="referentiel_enveloppe_matrice",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if Enveloppe.objects.filter(illustratif=True).exists():
            messages.warning(request, AVERTISSEMENT_ILLUSTRATIF)
        return super().changelist_view(request, extra_context)

    def matrice_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        contexte = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Matrice des enveloppes : volets × signataires",
            "matrice": matrice_enveloppes(),
            "avertissement": AVERTISSEMENT_ILLUSTRATIF,
            "url_liste": reverse("admin:referentiel_enveloppe_changelist"),
        }
        return TemplateResponse(request, "admin/referentiel/enveloppe/matrice.html", contexte)

    @admin.display(description="montant", ordering="montant")
    def montant_enveloppe(self, obj):
        return euros(obj.montant)

    @admin.display(description="statut", ordering="illustratif")
    def statut(self, obj):
        if obj.illustratif:
            return format_html("<strong>{}</strong>", "Illustratif")
        return "Réel"


class RevisionEnveloppeInline(admin.TabularInline):
    model = RevisionEnveloppe
    fields = ["enveloppe", "montant"]
    autocomplete_fields = ["enveloppe"]
    extra = 0


@admin.register(AvenantContrat)
class AvenantContratAdmin(admin.ModelAdmin):
    """An avenant revises some envelopes from its date on; the others keep their amount."""

    list_display = ["numero", "date", "objet", "contrat", "illustratif"]
    list_display_links = ["numero", "date"]
    list_filter = ["contrat", "illustratif"]
    search_fields = ["objet"]
    list_select_related = ["contrat"]
    inlines = [RevisionEnveloppeInline]

import datetime
import hashlib
import io
from decimal import Decimal

import factory
from django.utils import timezone
from stdnum import luhn

from cper.televersement.enums import StatutAntivirus
from dossiers import agregats, models
from dossiers.enums import CategorieStructure, EtatDossier, NatureDepense, TypePiece

from .comptes import UserFactory
from .referentiel import CommuneFactory, FinanceurFactory, GuichetFactory, VoletFactory


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Structure
        django_get_or_create = ["siret"]
        skip_postgeneration_save = True

    raison_sociale = factory.Sequence(lambda n: f"Commune porteuse {n}")
    siret = factory.Sequence(lambda n: _siret_valide(n))
    categorie = CategorieStructure.COMMUNE
    adresse = "Place de l'Hôtel de ville"
    commune = factory.SubFactory(CommuneFactory)
    representant_nom = "Marie Dupont"
    representant_qualite = "Maire"

    @factory.post_generation
    def membres(self, create, extracted, **kwargs):
        if create and extracted:
            for user in extracted:
                models.MembreStructure.objects.get_or_create(
                    structure=self, user=user, defaults={"administrateur": True}
                )


def _siret_valide(n: int) -> str:
    """A distinct 14-digit SIRET whose SIREN and SIRET Luhn keys are both right."""
    base = f"2159{n:04d}"
    siren = base + luhn.calc_check_digit(base)
    nic = f"{n % 10000:04d}"
    return siren + nic + luhn.calc_check_digit(siren + nic)


class DossierFactory(factory.django.DjangoModelFactory):
    """A dossier; one trait per state: DossierFactory(depose=True), (en_instruction=True)…"""

    class Meta:
        model = models.Dossier
        skip_postgeneration_save = True

    structure = factory.SubFactory(StructureFactory)
    cree_par = factory.SubFactory(UserFactory)
    intitule = factory.Sequence(lambda n: f"Réhabilitation du pôle d'échanges n° {n}")
    resume = "Mise en accessibilité et réaménagement du pôle d'échanges multimodal."
    description = "Travaux d'aménagement des quais, de la gare routière et des abords."
    volet = factory.SubFactory(VoletFactory)
    date_debut = datetime.date(2016, 1, 1)
    date_fin = datetime.date(2017, 12, 31)
    tva_recuperable = True

    class Params:
        avec_depot = factory.Trait(
            numero=factory.Sequence(lambda n: f"NPDC-2015-{n + 1:05d}"),
            guichet=factory.SubFactory(GuichetFactory),
            depose_le=factory.LazyFunction(timezone.now),
        )
        depose = factory.Trait(avec_depot=True, etat=EtatDossier.DEPOSE)
        incomplet = factory.Trait(
            avec_depot=True,
            etat=EtatDossier.INCOMPLET,
            etat_avant_complements=EtatDossier.DEPOSE,
        )
        irrecevable = factory.Trait(avec_depot=True, etat=EtatDossier.IRRECEVABLE)
        en_instruction = factory.Trait(avec_depot=True, etat=EtatDossier.EN_INSTRUCTION)
        instruit = factory.Trait(avec_depot=True, etat=EtatDossier.INSTRUIT)
        programme = factory.Trait(avec_depot=True, etat=EtatDossier.PROGRAMME)
        rejete = factory.Trait(avec_depot=True, etat=EtatDossier.REJETE)

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if not create:
            return
        self.communes.add(*(extracted if extracted is not None else [self.structure.commune]))

    @factory.post_generation
    def agregats_a_jour(self, create, extracted, **kwargs):
        # As the services do: a dossier made in a given state counts where that state counts.
        if create:
            agregats.recalculer_dossier(self.pk)


class LigneDepenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LigneDepense

    dossier = factory.SubFactory(DossierFactory)
    nature = NatureDepense.TRAVAUX
    libelle = "Travaux de voirie"
    montant_ht = Decimal("100000.00")
    montant_ttc = Decimal("120000.00")


class LigneFinancementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LigneFinancement

    dossier = factory.SubFactory(DossierFactory)
    financeur = factory.SubFactory(FinanceurFactory)
    montant_demande = Decimal("40000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As the services do: the dossier's aggregate rows follow its financing plan.
        ligne = super()._create(model_class, *args, **kwargs)
        agregats.recalculer_dossier(ligne.dossier_id)
        return ligne


def _pdf_minimal() -> bytes:
    """A real one-page PDF: the upload gate opens every PDF it accepts."""
    from pypdf import PdfWriter

    tampon = io.BytesIO()
    ecrivain = PdfWriter()
    ecrivain.add_blank_page(width=595, height=842)
    ecrivain.write(tampon)
    return tampon.getvalue()


PDF_MINIMAL = _pdf_minimal()


class PieceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Piece

    dossier = factory.SubFactory(DossierFactory)
    type = TypePiece.DELIBERATION
    fichier = factory.django.FileField(filename="piece.pdf", data=PDF_MINIMAL)
    nom_original = "piece.pdf"
    type_mime = "application/pdf"
    taille = len(PDF_MINIMAL)
    sha256 = hashlib.sha256(PDF_MINIMAL).hexdigest()
    deposee_par = factory.SelfAttribute("dossier.cree_par")
    statut_antivirus = StatutAntivirus.SAIN

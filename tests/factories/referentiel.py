import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from cper.referentiel import models
from cper.referentiel.enums import CategorieFinanceur, ChefLieu, NatureEpci, TypeGuichet


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Region
        django_get_or_create = ["code"]

    code = "32"
    nom = "Hauts-de-France"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Departement
        django_get_or_create = ["code"]

    code = "59"
    nom = "Nord"
    region = factory.SubFactory(RegionFactory)
    chef_lieu = "59350"


class ArrondissementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Arrondissement
        django_get_or_create = ["code"]

    code = "591"
    nom = "Avesnes-sur-Helpe"
    departement = factory.SubFactory(DepartementFactory)
    chef_lieu = "59036"
    type_chef_lieu = ChefLieu.SOUS_PREFECTURE


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Epci
        django_get_or_create = ["siren"]

    siren = factory.Sequence(lambda n: f"2{n:08d}")
    nom = factory.Sequence(lambda n: f"Communauté de communes n° {n}")
    nature = NatureEpci.COMMUNAUTE_COMMUNES


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Commune
        django_get_or_create = ["code_insee"]

    code_insee = factory.Sequence(lambda n: f"59{n % 1000:03d}")
    nom = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.SelfAttribute("arrondissement.departement")
    arrondissement = factory.SubFactory(ArrondissementFactory)
    epci = factory.SubFactory(EpciFactory)
    population = 5000


class GuichetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Guichet
        django_get_or_create = ["code"]

    code = factory.LazyAttribute(lambda o: f"sp-{o.arrondissement.code}")
    nom = factory.LazyAttribute(lambda o: f"Sous-préfecture de {o.arrondissement.nom}")
    type = TypeGuichet.SOUS_PREFECTURE
    arrondissement = factory.SubFactory(ArrondissementFactory)
    adresse = "1 rue de la République"
    code_postal = "59000"
    ville = factory.LazyAttribute(lambda o: o.arrondissement.nom)
    email = factory.LazyAttribute(lambda o: f"cper@{o.code}.gouv.fr")
    telephone = "03 20 00 00 00"

    class Params:
        conseil_regional = factory.Trait(
            code="conseil-regional",
            nom="Conseil régional Hauts-de-France",
            type=TypeGuichet.CONSEIL_REGIONAL,
            arrondissement=None,
            adresse="151 avenue du Président Hoover",
            code_postal="59555",
            ville="Lille",
            email="cper@hautsdefrance.fr",
        )


class FinanceurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Financeur
        django_get_or_create = ["code"]

    code = "etat"
    nom = "État"
    categorie = CategorieFinanceur.ETAT
    signataire = True
    public = True
    montant_contractualise = Decimal("893486000.00")
    ordre = 1

    class Params:
        region = factory.Trait(
            code="region",
            nom="Conseil régional",
            categorie=CategorieFinanceur.REGION,
            montant_contractualise=Decimal("846607000.00"),
            ordre=2,
        )
        autofinancement = factory.Trait(
            code="autofinancement",
            nom="Autofinancement",
            categorie=CategorieFinanceur.AUTOFINANCEMENT,
            signataire=False,
            public=False,
            montant_contractualise=None,
            ordre=90,
        )


class ContratFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contrat
        django_get_or_create = ["intitule"]
        skip_postgeneration_save = True

    intitule = "Contrat de plan État-région Nord–Pas-de-Calais 2015-2020"
    date_signature = datetime.date(2015, 7, 10)
    montant_total = Decimal("2164804000.00")
    debut = datetime.date(2015, 1, 1)
    fin = datetime.date(2020, 12, 31)

    @factory.post_generation
    def prolongation_du_monde_de_test(self, create, extracted, **kwargs):
        """The test world files today: its contract is extended to the end of next year, as
        an avenant would, so that filing today stays inside the contract's calendar.
        `ContratFactory(prolongation_du_monde_de_test=False)` for the real calendar alone."""
        if create and extracted is not False and not self.prolongations.exists():
            models.ProlongationContrat.objects.create(
                contrat=self,
                jusqu_au=datetime.date(timezone.localdate().year + 1, 12, 31),
                objet="Prolongation du monde de test",
                illustratif=True,
            )


class VoletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Volet
        django_get_or_create = ["code"]

    contrat = factory.SubFactory(ContratFactory)
    code = "mobilite"
    numero = 1
    intitule = "Mobilité multimodale"
    montant = Decimal("781000000.00")


class EnveloppeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Enveloppe
        django_get_or_create = ["volet", "financeur"]

    volet = factory.SubFactory(VoletFactory)
    financeur = factory.SubFactory(FinanceurFactory)
    montant = Decimal("100000000.00")
    illustratif = True


class PoleMetropolitainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PoleMetropolitain
        django_get_or_create = ["nom"]
        skip_postgeneration_save = True

    nom = "Pôle métropolitain de la Côte d'Opale"

    @factory.post_generation
    def membres(self, create, extracted, **kwargs):
        if create and extracted:
            self.membres.set(extracted)

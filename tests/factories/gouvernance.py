import datetime

import factory
from django.utils import timezone

from dossiers import agregats
from gouvernance import models
from gouvernance.enums import EtatSeance, RoleMembre, SensDecision, TypeInstance

from .comptes import UserFactory
from .dossiers import DossierFactory


def instance(type_=TypeInstance.PILOTAGE):
    """The instances exist from the migrations: fetch, never duplicate.

    A transactional test flushes the tables on its way out; the next test then recreates them.
    """
    return models.Instance.objects.du_type(type_)


class MembreInstanceFactory(factory.django.DjangoModelFactory):
    """A member of the instance de pilotage unless `instance` says otherwise."""

    class Meta:
        model = models.MembreInstance

    instance = factory.LazyFunction(instance)
    user = factory.SubFactory(UserFactory)
    role = RoleMembre.MEMBRE


class SeanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Seance

    instance = factory.LazyFunction(instance)
    date = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    lieu = "Préfecture de la région Hauts-de-France, Lille"
    creee_par = factory.SubFactory(UserFactory)
    etat = EtatSeance.PREPARATION
    # A séance past its convocation has had its attendance recorded (the quorum of an instance
    # without voting members is nobody); tests of the quorum record it themselves.
    presences_le = factory.LazyAttribute(
        lambda o: None if o.etat == EtatSeance.PREPARATION else timezone.now()
    )


class PointOrdreDuJourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PointOrdreDuJour

    seance = factory.SubFactory(SeanceFactory)
    dossier = factory.SubFactory(DossierFactory)
    ordre = factory.Sequence(lambda n: n + 1)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Decision

    point = factory.SubFactory(PointOrdreDuJourFactory)
    sens = SensDecision.PROGRAMME
    decidee_par = factory.SubFactory(UserFactory)


class MontantProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MontantProgramme

    decision = factory.SubFactory(DecisionFactory)
    financeur = factory.SubFactory("tests.factories.referentiel.FinanceurFactory")
    montant = 100_000

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As decision_prendre does: the dossier's aggregate rows follow its programmed amounts.
        montant = super()._create(model_class, *args, **kwargs)
        agregats.recalculer_dossier(montant.decision.point.dossier_id)
        return montant


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Observation

    dossier = factory.SubFactory(DossierFactory)
    auteur = factory.SubFactory(UserFactory)
    texte = "Projet attendu par les communes du territoire."

import datetime

import factory
from django.utils import timezone

from instruction import models, suivi
from instruction.enums import Cote, SensAvis

from .comptes import UserFactory
from .dossiers import DossierFactory


class GroupeTechniqueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.GroupeTechnique
        django_get_or_create = ["nom"]
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Groupe technique n° {n}")

    @factory.post_generation
    def volets(self, create, extracted, **kwargs):
        if create and extracted:
            self.volets.add(*extracted)


class MembreGroupeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MembreGroupe

    groupe_technique = factory.SubFactory(GroupeTechniqueFactory)
    user = factory.SubFactory(UserFactory)
    cote = Cote.ETAT


def router(dossier, groupe_technique, par=None):
    """What declarer_recevable writes: the routing in force, so the group may instruct it."""
    models.Routage.objects.filter(dossier=dossier).update(en_vigueur=False)
    models.Routage.objects.create(
        dossier=dossier, groupe_technique=groupe_technique, par=par or dossier.cree_par
    )
    suivi.tenir(dossier.pk)
    return dossier


class AvisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Avis

    dossier = factory.SubFactory(DossierFactory, en_instruction=True)
    cote = Cote.ETAT
    sens = SensAvis.FAVORABLE
    motivation = "Projet conforme aux priorités du volet."
    donne_par = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As avis_donner does: the dossier's kept instruction state follows its avis.
        avis = super()._create(model_class, *args, **kwargs)
        suivi.tenir(avis.dossier_id)
        return avis


class DemandeComplementsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DemandeComplements

    dossier = factory.SubFactory(DossierFactory, incomplet=True)
    motif = "La délibération du conseil municipal manque."
    pieces_demandees = factory.LazyFunction(lambda: ["deliberation"])
    echeance = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=15))
    demandee_par = factory.SubFactory(UserFactory)
    etat_origine = "depose"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As the services do: the dossier's kept instruction state follows its open request.
        demande = super()._create(model_class, *args, **kwargs)
        suivi.tenir(demande.dossier_id)
        return demande

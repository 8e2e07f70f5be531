"""Derived lookups the dossiers and dashboards rely on, one query each."""

from cper.referentiel.models import (
    Arrondissement,
    Commune,
    Departement,
    Epci,
    PoleMetropolitain,
    guichets_proposes,
)


def test_le_guichet_suggere_est_celui_de_l_arrondissement(referentiel, django_assert_num_queries):
    def suggere(code_insee):
        commune = Commune.objects.get(code_insee=code_insee)
        return guichets_proposes([commune.arrondissement_id])[1]

    douai = Commune.objects.get(code_insee="59178")
    with django_assert_num_queries(1):
        proposes, suggere_a_douai = guichets_proposes([douai.arrondissement_id])
    assert suggere_a_douai.code == "sp-douai"
    assert [g.code for g in proposes][-1] == "conseil-regional"
    assert suggere("59350").nom == "Préfecture du Nord"
    assert suggere("62041").ville == "Arras Cedex 9"
    assert guichets_proposes([None])[1] is None


def test_commune_epci_poles(referentiel, django_assert_num_queries):
    dunkerque = Commune.objects.get(code_insee="59183")
    with django_assert_num_queries(1):
        poles = [pole.nom for pole in dunkerque.poles()]
    assert poles == ["Pôle métropolitain de la Côte d'Opale"]
    assert list(Commune.objects.get(code_insee="59350").poles()) == []


def test_territoire_vers_ses_communes(referentiel, django_assert_num_queries):
    nord = Departement.objects.get(code="59")
    douai = Arrondissement.objects.get(code="593")
    mel = Epci.objects.get(siren="200093201")
    artois = PoleMetropolitain.objects.get(nom="Pôle métropolitain de l'Artois")
    with django_assert_num_queries(1):
        assert Commune.objects.du_territoire(nord).count() == 647
    assert Commune.objects.du_territoire(douai).count() == douai.communes.count() > 0
    assert Commune.objects.du_territoire(mel).count() == 95
    communes_artois = Commune.objects.du_territoire(artois)
    assert (
        communes_artois.count()
        == Commune.objects.filter(epci__siren__in=["200072460", "246200364", "246200299"]).count()
    )
    assert set(artois.communes_du_territoire()) == set(communes_artois)
    assert Commune.objects.get(code_insee="62498") in communes_artois  # Lens

"""The programmed amounts' share of `dossiers.AgregatFinancement` (see dossiers.agregats)."""

from dossiers import agregats
from gouvernance.enums import SensDecision
from gouvernance.models import Decision, MontantProgramme, PointOrdreDuJour


def enregistrer() -> None:
    """Per dossier × financeur, the amounts of the decisions « programmé »."""
    agregats.enregistrer_source(
        "programme",
        f"""
        SELECT p.dossier_id, mp.financeur_id, SUM(mp.montant)
        FROM {MontantProgramme._meta.db_table} mp
        JOIN {Decision._meta.db_table} dec
            ON dec.id = mp.decision_id AND dec.sens = '{SensDecision.PROGRAMME.value}'
        JOIN {PointOrdreDuJour._meta.db_table} p ON p.id = dec.point_id
        WHERE {{filtre}}
        GROUP BY p.dossier_id, mp.financeur_id
        """,  # noqa: S608 - table names and a code from the code
        colonne_dossier="p.dossier_id",
    )

"""The proposed amounts' share of `dossiers.AgregatFinancement` (see dossiers.agregats)."""

from dossiers import agregats
from dossiers.models import LigneFinancement

from .models import Avis, MontantPropose


def enregistrer() -> None:
    """« Proposé », per dossier × financeur: the one rule (docs/tableaux.md, Definitions).

    The lower of the two sides' proposals, never above the amount requested from that
    financeur. A side that gave its avis without an amount for a financeur proposes 0 for it;
    while only one side has given its avis, its proposal stands alone. Every screen reads the
    result from `AgregatFinancement.propose`.
    """
    agregats.enregistrer_source(
        "propose",
        f"""
        SELECT a.dossier_id, mp.financeur_id,
               CASE WHEN COUNT(*) < MAX(a.cotes) THEN 0 ELSE LEAST(
                   MIN(mp.montant),
                   (SELECT SUM(lf.montant_demande) FROM {LigneFinancement._meta.db_table} lf
                    WHERE lf.dossier_id = a.dossier_id AND lf.financeur_id = mp.financeur_id)
               ) END
        FROM {MontantPropose._meta.db_table} mp
        JOIN (
            SELECT av.id, av.dossier_id, COUNT(*) OVER (PARTITION BY av.dossier_id) AS cotes
            FROM {Avis._meta.db_table} av
            WHERE {{filtre}}
        ) a ON a.id = mp.avis_id
        GROUP BY a.dossier_id, mp.financeur_id
        """,  # noqa: S608 - table names from the models
        colonne_dossier="av.dossier_id",
    )

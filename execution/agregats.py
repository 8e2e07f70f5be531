"""The execution's share of `dossiers.AgregatFinancement` (see dossiers.agregats).

Dashboards read engaged and paid money from the kept aggregates, never from this app's tables:
`gouvernance` stays below `execution` and keeps its constant query count.
"""

from dossiers import agregats
from execution.enums import EtatActe, EtatDemande, EtatReversement
from execution.models import Acte, DemandeVersement, OrdreReversement


def enregistrer() -> None:
    agregats.enregistrer_source(
        "engage",
        f"""
        SELECT a.dossier_id, a.financeur_id, SUM(a.montant_engage)
        FROM {Acte._meta.db_table} a
        WHERE {{filtre}} AND a.etat IN ('{EtatActe.SIGNE.value}', '{EtatActe.NOTIFIE.value}')
          AND a.montant_engage IS NOT NULL
        GROUP BY a.dossier_id, a.financeur_id
        """,  # noqa: S608 - table names and codes from the code
        colonne_dossier="a.dossier_id",
    )
    # Paid: the payments mandated, less what a reversement brought back.
    agregats.enregistrer_source(
        "mandate",
        f"""
        SELECT a.dossier_id, a.financeur_id, SUM(m.montant)
        FROM {Acte._meta.db_table} a
        JOIN (
            SELECT d.acte_id, d.montant_mandate AS montant
            FROM {DemandeVersement._meta.db_table} d
            WHERE d.etat = '{EtatDemande.MANDATEE.value}'
            UNION ALL
            SELECT r.acte_id, -r.montant
            FROM {OrdreReversement._meta.db_table} r
            WHERE r.etat = '{EtatReversement.RECOUVRE.value}'
        ) m ON m.acte_id = a.id
        WHERE {{filtre}}
        GROUP BY a.dossier_id, a.financeur_id
        """,  # noqa: S608 - table names and codes from the code
        colonne_dossier="a.dossier_id",
    )
    # Payment delays: calendar days (local dates) from the request to the payment order.
    agregats.enregistrer_delais_versement(
        f"""
        SELECT a.dossier_id, a.financeur_id,
               d.mandate_le - (d.deposee_le AT TIME ZONE %(fuseau)s)::date
        FROM {DemandeVersement._meta.db_table} d
        JOIN {Acte._meta.db_table} a ON a.id = d.acte_id
        WHERE {{filtre}} AND d.etat = '{EtatDemande.MANDATEE.value}'
        """,  # noqa: S608 - table names and codes from the code
        colonne_dossier="a.dossier_id",
    )

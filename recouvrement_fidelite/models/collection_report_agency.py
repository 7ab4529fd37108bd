# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Agency recovery and commission.

One row per escalation case handed over to a collection agency: what was
handed over (what is left to pay on the case's invoices in our books: the
agency's collections are recorded on the case, not in accounting, so it
stays what was handed over), what the
agency collected, its commission, what it remitted to us and what it still
has to remit. ``recovery_rate`` is the case's collected / handed over; over
several cases, their average.
"""

from odoo import fields, models, tools


class CollectionReportAgency(models.Model):
    _name = "collection.report.agency"
    _description = "Agency recovery and commission"
    _auto = False
    _order = "transfer_date desc, id desc"
    _rec_name = "case_id"

    case_id = fields.Many2one("collection.case", string="Case", readonly=True)
    agency_id = fields.Many2one("res.partner", string="Agency", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    transfer_date = fields.Date(string="Handed over on", readonly=True)
    recalled = fields.Boolean(readonly=True)
    amount_transferred = fields.Monetary(string="Handed over", readonly=True)
    amount_collected = fields.Monetary(string="Collected", readonly=True)
    amount_commission = fields.Monetary(string="Commission", readonly=True)
    amount_remitted = fields.Monetary(string="Remitted to us", readonly=True)
    amount_to_remit = fields.Monetary(string="Still to remit", readonly=True)
    recovery_rate = fields.Float(
        string="Recovered (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Collected / handed over, per case; over several cases, their average.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            WITH handed AS (
                SELECT rel.case_id, sum(move.amount_residual) AS amount
                  FROM collection_case_invoice_rel rel
                  JOIN account_move move ON move.id = rel.move_id
                 GROUP BY rel.case_id
            ),
            collected AS (
                SELECT case_id,
                       sum(amount) AS amount,
                       sum(commission) AS commission,
                       sum(CASE WHEN remitted_date IS NOT NULL
                                THEN amount - commission ELSE 0 END) AS remitted
                  FROM collection_case_agency_payment
                 GROUP BY case_id
            )
            SELECT cases.id,
                   cases.id AS case_id,
                   cases.agency_id,
                   cases.company_id,
                   cases.currency_id,
                   cases.partner_id,
                   partner.collection_typology_id AS typology_id,
                   cases.user_id,
                   cases.agency_transfer_date AS transfer_date,
                   cases.agency_recall_date IS NOT NULL AS recalled,
                   COALESCE(handed.amount, 0) AS amount_transferred,
                   COALESCE(collected.amount, 0) AS amount_collected,
                   COALESCE(collected.commission, 0) AS amount_commission,
                   COALESCE(collected.remitted, 0) AS amount_remitted,
                   COALESCE(collected.amount, 0) - COALESCE(collected.commission, 0)
                       - COALESCE(collected.remitted, 0) AS amount_to_remit,
                   CASE WHEN handed.amount > 0
                        THEN COALESCE(collected.amount, 0) / handed.amount * 100
                   END AS recovery_rate
              FROM collection_case cases
              JOIN res_partner partner ON partner.id = cases.partner_id
              LEFT JOIN handed ON handed.case_id = cases.id
              LEFT JOIN collected ON collected.case_id = cases.id
             WHERE cases.agency_id IS NOT NULL
               AND cases.agency_transfer_date IS NOT NULL
            )
            """
        )

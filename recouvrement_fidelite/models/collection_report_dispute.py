# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Dispute rate: disputed / issued, in count and in amount, by reason.

One row per posted customer invoice. ``dispute_rate`` is 100 for a disputed
invoice and 0 for the others, so that its average over any group is the
share of invoices disputed. ``dispute_amount_rate`` is the invoice's
disputed amount as a share of everything its company invoiced in the same
month, so that its sum over a month is the month's rate in amount, and its
sum by reason within a month splits that rate between the reasons.
"""

from odoo import fields, models, tools

from .account_move import DISPUTE_REASONS, DISPUTE_STATES


class CollectionReportDispute(models.Model):
    _name = "collection.report.dispute"
    _description = "Dispute rate"
    _auto = False
    _order = "invoice_date desc, id desc"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    invoice_date = fields.Date(readonly=True)
    dispute_state = fields.Selection(DISPUTE_STATES, string="Dispute", readonly=True)
    dispute_reason = fields.Selection(DISPUTE_REASONS, string="Reason", readonly=True)
    amount_invoiced = fields.Monetary(string="Invoiced", readonly=True)
    amount_disputed = fields.Monetary(string="Disputed", readonly=True)
    dispute_rate = fields.Float(
        string="Dispute rate (count, %)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="The share of invoices disputed.",
    )
    dispute_amount_rate = fields.Float(
        string="Dispute rate (amount, %)",
        readonly=True,
        digits=(16, 2),
        help="The disputed amount as a share of what the company invoiced in "
        "the month: read it by month (summed over several months it adds "
        "their rates).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            WITH invoices AS (
                SELECT move.id, move.company_id, move.commercial_partner_id,
                       move.invoice_user_id, move.invoice_date,
                       move.collection_dispute_state,
                       move.collection_dispute_reason,
                       move.amount_total_signed AS amount,
                       sum(move.amount_total_signed) OVER (
                           PARTITION BY move.company_id,
                                        date_trunc('month', move.invoice_date)
                       ) AS month_amount
                  FROM account_move move
                 WHERE move.state = 'posted' AND move.move_type = 'out_invoice'
            )
            SELECT invoices.id,
                   invoices.id AS move_id,
                   invoices.company_id,
                   company.currency_id,
                   invoices.commercial_partner_id AS partner_id,
                   partner.collection_typology_id AS typology_id,
                   COALESCE(partner.collection_user_id, invoices.invoice_user_id)
                       AS user_id,
                   invoices.invoice_date,
                   invoices.collection_dispute_state AS dispute_state,
                   invoices.collection_dispute_reason AS dispute_reason,
                   invoices.amount AS amount_invoiced,
                   CASE WHEN invoices.collection_dispute_state != 'none'
                        THEN invoices.amount ELSE 0 END AS amount_disputed,
                   CASE WHEN invoices.collection_dispute_state != 'none'
                        THEN 100 ELSE 0 END AS dispute_rate,
                   CASE WHEN invoices.collection_dispute_state != 'none'
                             AND invoices.month_amount != 0
                        THEN invoices.amount / invoices.month_amount * 100
                        ELSE 0 END AS dispute_amount_rate
              FROM invoices
              JOIN res_company company ON company.id = invoices.company_id
              JOIN res_partner partner ON partner.id = invoices.commercial_partner_id
            )
            """
        )

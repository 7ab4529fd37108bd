# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Days to pay after each reminder level.

One row per reminder step done on an invoice (a ``collection.action`` of
kind reminder, done, with a level). When the invoice is paid, the row says
how many days after the step it was paid: the date of the last
reconciliation of its receivable lines (``account_partial_reconcile.
max_date``). ``paid_rate`` is 100 when paid and 0 when not, so that its
average is the share of invoices paid after that step; ``days_to_pay`` is
empty while unpaid, so that its average covers the paid ones only.
"""

from odoo import fields, models

from .collection_action import CHANNELS
from .collection_report_step import PAID_INVOICES_SQL


class CollectionReportLevelPayment(models.Model):
    _name = "collection.report.level.payment"
    _inherit = "collection.report.materialized"
    _description = "Days to pay after each level"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "action_id"

    action_id = fields.Many2one("collection.action", string="Step", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    level_id = fields.Many2one("collection.level", string="Level", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    date = fields.Date(string="Step on", readonly=True)
    date_paid = fields.Date(string="Paid on", readonly=True)
    days_to_pay = fields.Float(
        string="Days to pay",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days between the step and the payment in full, for the paid "
        "invoices (an average over a group).",
    )
    paid_rate = fields.Float(
        string="Paid (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="The share of invoices paid in full since the step.",
    )

    #: Every step looked up against its invoice's payment: kept between
    #: refreshes, a pivot on a large history would wait too long.
    def _report_query(self):
        return f"""
            WITH paid AS ({PAID_INVOICES_SQL})
            SELECT step.id,
                   step.id AS action_id,
                   step.invoice_id AS move_id,
                   step.company_id,
                   step.partner_id,
                   partner.collection_typology_id AS typology_id,
                   COALESCE(partner.collection_user_id, move.invoice_user_id)
                       AS user_id,
                   step.level_id,
                   step.channel,
                   step.date,
                   paid.date_paid,
                   CASE WHEN paid.date_paid IS NOT NULL
                        THEN GREATEST(paid.date_paid - step.date, 0) END
                       AS days_to_pay,
                   CASE WHEN paid.date_paid IS NOT NULL THEN 100 ELSE 0 END
                       AS paid_rate
              FROM collection_action step
              JOIN account_move move ON move.id = step.invoice_id
              JOIN res_partner partner ON partner.id = step.partner_id
              LEFT JOIN paid ON paid.move_id = step.invoice_id
             WHERE step.kind = 'reminder'
               AND step.state = 'done'
               AND step.level_id IS NOT NULL
            """

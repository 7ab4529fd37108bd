# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Payment-plan completion rate: completed / (completed + broken).

One row per payment plan. ``completion_rate`` is 100 for a completed plan,
0 for a broken one and empty otherwise (still running, never accepted, or
cancelled — replaced, for instance, by a new plan), so that its average
over any group is the completion rate. The installments paid and those
late today show how the running plans are kept.
"""

from odoo import fields, models, tools

from .collection_payment_plan import PLAN_STATES


class CollectionReportPaymentPlan(models.Model):
    _name = "collection.report.payment.plan"
    _description = "Payment-plan completion rate"
    _auto = False
    _order = "first_date desc, id desc"
    _rec_name = "plan_id"

    plan_id = fields.Many2one(
        "collection.payment.plan", string="Payment plan", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    state = fields.Selection(PLAN_STATES, readonly=True)
    first_date = fields.Date(string="First installment", readonly=True)
    amount_total = fields.Monetary(string="Amount of the plan", readonly=True)
    paid_amount = fields.Monetary(string="Paid", readonly=True)
    installment_count = fields.Integer(string="Installments", readonly=True)
    installment_paid_count = fields.Integer(string="Installments paid", readonly=True)
    installment_late_count = fields.Integer(string="Installments late", readonly=True)
    completion_rate = fields.Float(
        string="Completed (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Completed / (completed + broken).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            SELECT plan.id,
                   plan.id AS plan_id,
                   plan.company_id,
                   plan.currency_id,
                   plan.partner_id,
                   partner.collection_typology_id AS typology_id,
                   plan.user_id,
                   plan.state,
                   plan.first_date,
                   plan.amount_total,
                   plan.paid_amount,
                   COALESCE(installments.total, 0) AS installment_count,
                   COALESCE(installments.paid, 0) AS installment_paid_count,
                   CASE WHEN plan.state = 'active'
                        THEN COALESCE(installments.late, 0) ELSE 0 END
                       AS installment_late_count,
                   CASE plan.state
                       WHEN 'completed' THEN 100
                       WHEN 'broken' THEN 0
                   END AS completion_rate
              FROM collection_payment_plan plan
              JOIN res_partner partner ON partner.id = plan.partner_id
              LEFT JOIN (
                  SELECT plan_id,
                         count(*) AS total,
                         count(*) FILTER (WHERE payment_state = 'paid') AS paid,
                         count(*) FILTER (WHERE payment_state != 'paid'
                                            AND date_due < CURRENT_DATE) AS late
                    FROM collection_payment_plan_installment
                   GROUP BY plan_id
              ) installments ON installments.plan_id = plan.id
            )
            """
        )

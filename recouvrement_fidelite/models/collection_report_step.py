# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Step effectiveness: did the customer pay, or react, after a step?

One row per reminder step done (a ``collection.action`` of kind reminder,
done), with its level, channel and template. Within the company's window
(``collection_analysis_window_days``) after the step:

- ``paid_rate`` is 100 when the invoice was paid in full (the last
  reconciliation of its receivable lines), else 0;
- ``reacted_rate`` is 100 when the customer reacted: anything they did on
  their collection page (a visit, feedback, a promise, a plan request, a
  payment), feedback recorded by a colleague, a promise to pay recorded by
  phone or mail, or a payment plan created; else 0.

Their averages over any group are the shares of steps followed by a payment
or a reaction. ``collection.report.step.summary`` sets each level beside
the previous one and flags the steps that made nobody react.

Kept between refreshes (``collection.report.materialized``): every night,
on demand, and when a company changes its window.
"""

from odoo import fields, models

from .collection_action import CHANNELS

#: Invoices paid in full, with the day of their last reconciliation.
PAID_INVOICES_SQL = """
        SELECT line.move_id, max(partial.max_date) AS date_paid
          FROM account_partial_reconcile partial
          JOIN account_move_line line ON line.id = partial.debit_move_id
         WHERE line.reconciled
         GROUP BY line.move_id
"""
#: The steps with what followed them, shared by the step view and its summary.
STEP_OUTCOMES_SQL = f"""
    WITH paid AS ({PAID_INVOICES_SQL}),
    reactions AS (
        SELECT partner_id, company_id, create_date::date AS date
          FROM collection_portal_event
        UNION ALL
        SELECT partner_id, company_id, date::date FROM collection_feedback
        UNION ALL
        SELECT partner_id, company_id, date_recorded FROM collection_promise
        UNION ALL
        SELECT partner_id, company_id, create_date::date
          FROM collection_payment_plan
    ),
    timeline AS (
        -- Steps and reactions of each customer in date order, a step before
        -- the reactions of its own day (they count for it).
        SELECT step.id, step.company_id, step.partner_id, step.invoice_id,
               step.level_id, step.channel, step.mail_template_id,
               step.sms_template_id, step.variant_id, step.date, 1 AS is_step
          FROM collection_action step
         WHERE step.kind = 'reminder' AND step.state = 'done'
        UNION ALL
        SELECT NULL, company_id, partner_id, NULL, NULL, NULL, NULL, NULL,
               NULL, date, 0
          FROM reactions
    ),
    steps AS (
        SELECT timeline.*,
               min(CASE WHEN is_step = 0 THEN date END) OVER (
                   PARTITION BY partner_id, company_id
                   ORDER BY date, is_step DESC
                   ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
               ) AS next_reaction
          FROM timeline
    ),
    outcomes AS (
        SELECT steps.id, steps.company_id, steps.partner_id, steps.invoice_id,
               steps.level_id, steps.channel, steps.mail_template_id,
               steps.sms_template_id, steps.variant_id, steps.date,
               level.level_number,
               level.scenario_id,
               CASE WHEN paid.date_paid >= steps.date
                         AND paid.date_paid <= steps.date
                             + company.collection_analysis_window_days
                    THEN 100 ELSE 0 END AS paid_rate,
               CASE WHEN steps.next_reaction <= steps.date
                             + company.collection_analysis_window_days
                    THEN 100 ELSE 0 END AS reacted_rate
          FROM steps
          JOIN res_company company ON company.id = steps.company_id
          LEFT JOIN collection_level level ON level.id = steps.level_id
          LEFT JOIN paid ON paid.move_id = steps.invoice_id
         WHERE steps.is_step = 1
    )
"""


class CollectionReportStep(models.Model):
    _name = "collection.report.step"
    _inherit = "collection.report.materialized"
    _description = "Step effectiveness"
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
    scenario_id = fields.Many2one(
        "collection.scenario", string="Scenario", readonly=True
    )
    level_id = fields.Many2one("collection.level", string="Level", readonly=True)
    level_number = fields.Integer(readonly=True, aggregator=False)
    channel = fields.Selection(CHANNELS, readonly=True)
    mail_template_id = fields.Many2one(
        "mail.template", string="Email template", readonly=True
    )
    sms_template_id = fields.Many2one(
        "sms.template", string="SMS template", readonly=True
    )
    variant_id = fields.Many2one(
        "collection.level.variant", string="Variant", readonly=True
    )
    date = fields.Date(string="Step on", readonly=True)
    paid_rate = fields.Float(
        string="Paid within the window (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
    )
    reacted_rate = fields.Float(
        string="Reacted within the window (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="A portal visit, feedback, a promise to pay or a payment plan.",
    )

    #: Each customer's timeline of steps and reactions takes longer to walk
    #: than a pivot can wait on a large history.
    def _report_query(self):
        return f"""
            {STEP_OUTCOMES_SQL}
            SELECT outcomes.id,
                   outcomes.id AS action_id,
                   outcomes.invoice_id AS move_id,
                   outcomes.company_id,
                   outcomes.partner_id,
                   partner.collection_typology_id AS typology_id,
                   outcomes.scenario_id,
                   outcomes.level_id,
                   outcomes.level_number,
                   outcomes.channel,
                   outcomes.mail_template_id,
                   outcomes.sms_template_id,
                   outcomes.variant_id,
                   outcomes.date,
                   outcomes.paid_rate,
                   outcomes.reacted_rate
              FROM outcomes
              JOIN res_partner partner ON partner.id = outcomes.partner_id
            """

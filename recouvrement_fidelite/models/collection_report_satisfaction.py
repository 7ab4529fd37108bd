# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Satisfaction with the collection experience, from the customers' ratings.

One row per rating a customer gave (``collection.satisfaction`` answered),
with the typology, the responsible, the kind of case and the highest
reminder level the customer reached in it before it ended: for a case about
an invoice (paid after a reminder, dispute resolved), the reminders of that
invoice; for a payment plan, the customer's reminders. ``satisfied_rate``
(ratings 4 and 5) and ``dissatisfied_rate`` (1 and 2) are 100 or 0, so that
their averages are shares of the answers.
"""

from odoo import fields, models

from .collection_report_retention import MAX_LEVEL_NUMBER, level_reached_selection
from .collection_satisfaction import CASE_TYPES

#: A done reminder of the case, before it ended.
REACHED_STEP = f"""
                         step.kind = 'reminder' AND step.state = 'done'
                     AND step.company_id = answer.company_id
                     AND level.level_number BETWEEN 0 AND {MAX_LEVEL_NUMBER}
                     AND step.date <= COALESCE(answer.date_ended, CURRENT_DATE)
"""


class CollectionReportSatisfaction(models.Model):
    _name = "collection.report.satisfaction"
    _inherit = "collection.report.materialized"
    _description = "Satisfaction with the collection"
    _auto = False
    _order = "date_answered desc, id desc"
    _rec_name = "partner_id"

    satisfaction_id = fields.Many2one(
        "collection.satisfaction", string="Rating", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    case_type = fields.Selection(CASE_TYPES, string="Case", readonly=True)
    level_reached = fields.Selection(
        level_reached_selection, string="Level reached", readonly=True
    )
    date_answered = fields.Date(string="Answered on", readonly=True)
    rating = fields.Float(
        string="Average rating", readonly=True, aggregator="avg", digits=(16, 2)
    )
    satisfied_rate = fields.Float(
        string="Satisfied (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    dissatisfied_rate = fields.Float(
        string="Dissatisfied (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )

    #: Each rating's reminders looked up: kept between refreshes, a pivot on
    #: a large history would wait too long.
    def _report_query(self):
        return f"""
            SELECT answer.id,
                   answer.id AS satisfaction_id,
                   answer.company_id,
                   answer.partner_id,
                   partner.collection_typology_id AS typology_id,
                   partner.collection_user_id AS user_id,
                   answer.case_type,
                   COALESCE(
                       COALESCE(by_invoice.level_number,
                                by_customer.level_number)::varchar,
                       'never') AS level_reached,
                   answer.date_answered::date AS date_answered,
                   answer.rating,
                   CASE WHEN answer.rating >= 4 THEN 100 ELSE 0 END
                       AS satisfied_rate,
                   CASE WHEN answer.rating <= 2 THEN 100 ELSE 0 END
                       AS dissatisfied_rate
              FROM collection_satisfaction answer
              JOIN res_partner partner ON partner.id = answer.partner_id
              -- Two lookups rather than one on a condition that picks the
              -- column: each can then use its index.
              LEFT JOIN LATERAL (
                  SELECT max(level.level_number) AS level_number
                    FROM collection_action step
                    JOIN collection_level level ON level.id = step.level_id
                   WHERE answer.invoice_id IS NOT NULL
                     AND step.invoice_id = answer.invoice_id
                     AND {REACHED_STEP}
              ) by_invoice ON TRUE
              LEFT JOIN LATERAL (
                  SELECT max(level.level_number) AS level_number
                    FROM collection_action step
                    JOIN collection_level level ON level.id = step.level_id
                   WHERE answer.invoice_id IS NULL
                     AND step.partner_id = answer.partner_id
                     AND {REACHED_STEP}
              ) by_customer ON TRUE
             WHERE answer.state = 'answered' AND answer.rating IS NOT NULL
            """

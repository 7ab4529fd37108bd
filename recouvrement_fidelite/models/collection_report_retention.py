# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Retention after collection: did reminded customers buy again?

``LEGAL.md`` (Metrics): the share of customers who reached a given reminder
level and bought again within N months, beside the same share for customers
never reminded. N is the company's ``collection_retention_months``.

One row per customer and reminder level they reached (level numbers; 0 is
the courtesy reminder), with the reference date the first day a reminder of
that level was done for them; and one row per customer of the company
never reminded (the control group), with the due date of their first
invoice as reference. ``bought_again`` is 100 when a posted customer
invoice (not a credit note) is dated after the reference date and at most
N months after it, else 0: its average over a group is the retention rate.
Only customers whose window has fully elapsed (reference + N months before
today) are counted; otherwise the recent ones would look disloyal for not
having had the time to buy.
"""

from odoo import _, fields, models

#: The highest level number the analyses name (scenarios rarely go past 5).
MAX_LEVEL_NUMBER = 9


def level_reached_selection(model):
    return [("never", _("Never reminded"))] + [
        (str(number), _("Level %s", number)) for number in range(MAX_LEVEL_NUMBER + 1)
    ]


class CollectionReportRetention(models.Model):
    _name = "collection.report.retention"
    _inherit = "collection.report.materialized"
    _description = "Retention after collection"
    _auto = False
    _order = "date_reference desc, id desc"
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    level_reached = fields.Selection(
        level_reached_selection, string="Level reached", readonly=True
    )
    is_control = fields.Boolean(
        string="Never reminded", readonly=True, help="The control group."
    )
    date_reference = fields.Date(
        string="Reached on",
        readonly=True,
        help="The first reminder of that level; for customers never "
        "reminded, the due date of their first invoice.",
    )
    date_bought_again = fields.Date(string="Bought again on", readonly=True)
    bought_again = fields.Float(
        string="Bought again (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="The share of customers invoiced again within the retention "
        "window set in Settings.",
    )

    #: Each customer's later invoices looked up for each cohort: kept between
    #: refreshes, a pivot on a large history would wait too long.
    def _report_query(self):
        return f"""
            WITH invoices AS (
                SELECT company_id, commercial_partner_id AS partner_id,
                       invoice_date, invoice_date_due
                  FROM account_move
                 WHERE state = 'posted' AND move_type = 'out_invoice'
            ),
            reached AS (
                SELECT step.company_id, step.partner_id,
                       level.level_number::varchar AS level_reached,
                       FALSE AS is_control,
                       min(step.date) AS date_reference
                  FROM collection_action step
                  JOIN collection_level level ON level.id = step.level_id
                 WHERE step.kind = 'reminder' AND step.state = 'done'
                   AND level.level_number BETWEEN 0 AND {MAX_LEVEL_NUMBER}
                 GROUP BY 1, 2, 3
            ),
            control AS (
                SELECT invoices.company_id, invoices.partner_id,
                       'never' AS level_reached, TRUE AS is_control,
                       min(invoices.invoice_date_due) AS date_reference
                  FROM invoices
                 WHERE NOT EXISTS (
                       SELECT 1 FROM collection_action step
                        WHERE step.partner_id = invoices.partner_id
                          AND step.company_id = invoices.company_id
                          AND step.kind = 'reminder' AND step.state = 'done')
                 GROUP BY 1, 2
            ),
            cohorts AS (
                SELECT * FROM reached UNION ALL SELECT * FROM control
            )
            SELECT row_number() OVER (
                       ORDER BY cohorts.company_id, cohorts.partner_id,
                                cohorts.level_reached) AS id,
                   cohorts.company_id,
                   cohorts.partner_id,
                   partner.collection_typology_id AS typology_id,
                   partner.collection_user_id AS user_id,
                   cohorts.level_reached,
                   cohorts.is_control,
                   cohorts.date_reference,
                   again.date AS date_bought_again,
                   CASE WHEN again.date IS NOT NULL THEN 100 ELSE 0 END
                       AS bought_again
              FROM cohorts
              JOIN res_company company ON company.id = cohorts.company_id
              JOIN res_partner partner ON partner.id = cohorts.partner_id
              LEFT JOIN LATERAL (
                  SELECT min(invoices.invoice_date) AS date
                    FROM invoices
                   WHERE invoices.company_id = cohorts.company_id
                     AND invoices.partner_id = cohorts.partner_id
                     AND invoices.invoice_date > cohorts.date_reference
                     AND invoices.invoice_date <= (cohorts.date_reference
                         + make_interval(months =>
                                         company.collection_retention_months))::date
              ) again ON TRUE
             WHERE (cohorts.date_reference
                    + make_interval(months => company.collection_retention_months)
                   )::date <= CURRENT_DATE
            """

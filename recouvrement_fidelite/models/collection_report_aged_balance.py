# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Aged balance: what customers owe, by how late it is.

One row per open receivable line of a posted customer invoice or credit
note, with what is left to pay in the company's currency, the bucket of its
lateness (not yet due, 1-30, 31-60, 61-90, over 90 days, ``LEGAL.md``
Metrics) and the day the claim becomes time-barred. That day comes from the
customer's legal profile, chosen in SQL as ``collection.legal.profile.
_for_partners`` chooses it in Python (a profile naming the customer's
country, then one of its country group, then the default one; a company's
own profile before a shared one; then by sequence), the customer's country
falling back on the company's.

Lateness and prescription are counted from the database's current date,
when the view is read: the figures are always today's.
"""

from odoo import fields, models, tools

AGE_BUCKETS = [
    ("0_not_due", "Not yet due"),
    ("1_30", "1-30 days"),
    ("2_60", "31-60 days"),
    ("3_90", "61-90 days"),
    ("4_over", "Over 90 days"),
]


class CollectionReportAgedBalance(models.Model):
    _name = "collection.report.aged.balance"
    _description = "Aged balance"
    _auto = False
    _order = "date_due, id"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        readonly=True,
        help="The customer's collection responsible, else the invoice's salesperson.",
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_due = fields.Date(string="Due on", readonly=True)
    days_overdue = fields.Integer(
        string="Days overdue", readonly=True, aggregator="max"
    )
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    amount_residual = fields.Monetary(string="Left to pay", readonly=True)
    amount_not_due = fields.Monetary(string="Not yet due", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    prescription_date = fields.Date(
        string="Time-barred after",
        readonly=True,
        help="By the customer's legal profile: the last day on which the "
        "claim can still be acted on.",
    )
    days_before_prescription = fields.Integer(
        string="Days before prescription", readonly=True, aggregator="min"
    )
    prescription_close = fields.Boolean(
        string="Prescription close",
        readonly=True,
        help="Time-barred within the legal profile's warning period.",
    )
    amount_prescription_close = fields.Monetary(
        string="About to be time-barred",
        readonly=True,
        help="What is left to pay on claims time-barred within the legal "
        "profile's warning period.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            WITH open_lines AS (
                SELECT line.id,
                       line.move_id,
                       line.company_id,
                       move.commercial_partner_id AS partner_id,
                       COALESCE(partner.collection_user_id, move.invoice_user_id)
                           AS user_id,
                       partner.collection_typology_id AS typology_id,
                       partner.collection_customer_type AS customer_type,
                       COALESCE(partner.country_id, company_partner.country_id,
                                company.account_fiscal_country_id,
                                company.collection_law_country_id) AS country_id,
                       company.currency_id,
                       COALESCE(line.date_maturity, move.invoice_date_due,
                                move.date) AS date_due,
                       line.amount_residual
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_account account ON account.id = line.account_id
                  JOIN res_partner partner
                    ON partner.id = move.commercial_partner_id
                  JOIN res_company company ON company.id = line.company_id
                  JOIN res_partner company_partner
                    ON company_partner.id = company.partner_id
                 WHERE move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND account.account_type = 'asset_receivable'
                   AND NOT line.reconciled
                   AND line.amount_residual != 0
            )
            SELECT open_lines.id,
                   open_lines.move_id,
                   open_lines.company_id,
                   open_lines.partner_id,
                   open_lines.typology_id,
                   open_lines.user_id,
                   open_lines.currency_id,
                   open_lines.date_due,
                   CURRENT_DATE - open_lines.date_due AS days_overdue,
                   CASE
                       WHEN open_lines.date_due >= CURRENT_DATE THEN '0_not_due'
                       WHEN CURRENT_DATE - open_lines.date_due <= 30 THEN '1_30'
                       WHEN CURRENT_DATE - open_lines.date_due <= 60 THEN '2_60'
                       WHEN CURRENT_DATE - open_lines.date_due <= 90 THEN '3_90'
                       ELSE '4_over'
                   END AS age_bucket,
                   open_lines.amount_residual,
                   CASE WHEN open_lines.date_due >= CURRENT_DATE
                        THEN open_lines.amount_residual ELSE 0 END
                       AS amount_not_due,
                   CASE WHEN open_lines.date_due < CURRENT_DATE
                        THEN open_lines.amount_residual ELSE 0 END
                       AS amount_overdue,
                   prescription.prescription_date,
                   prescription.prescription_date - CURRENT_DATE
                       AS days_before_prescription,
                   COALESCE(prescription.prescription_date - CURRENT_DATE
                            <= profile.prescription_warning_days, FALSE)
                       AS prescription_close,
                   CASE WHEN prescription.prescription_date - CURRENT_DATE
                             <= profile.prescription_warning_days
                        THEN open_lines.amount_residual ELSE 0 END
                       AS amount_prescription_close
              FROM open_lines
              LEFT JOIN LATERAL (
                  SELECT candidate.*
                    FROM collection_legal_profile candidate
                    LEFT JOIN res_country_res_country_group_rel in_group
                      ON in_group.res_country_group_id = candidate.country_group_id
                     AND in_group.res_country_id = open_lines.country_id
                    LEFT JOIN LATERAL (
                        SELECT bool_or(named.res_country_id = open_lines.country_id)
                                   AS names_country,
                               count(*) > 0 AS names_any
                          FROM collection_legal_profile_res_country_rel named
                         WHERE named.collection_legal_profile_id = candidate.id
                    ) countries ON TRUE
                   WHERE candidate.active
                     AND candidate.customer_type
                         = COALESCE(open_lines.customer_type, 'b2b')
                     AND (candidate.company_id IS NULL
                          OR candidate.company_id = open_lines.company_id)
                     AND (COALESCE(countries.names_country, FALSE)
                          OR (NOT countries.names_any
                              AND in_group.res_country_id IS NOT NULL)
                          OR (NOT countries.names_any
                              AND candidate.country_group_id IS NULL))
                   ORDER BY CASE
                                WHEN COALESCE(countries.names_country, FALSE) THEN 0
                                WHEN in_group.res_country_id IS NOT NULL THEN 1
                                ELSE 2
                            END,
                            candidate.company_id IS NULL,
                            candidate.sequence,
                            candidate.id
                   LIMIT 1
              ) profile ON TRUE
              LEFT JOIN LATERAL (
                  SELECT (open_lines.date_due
                          + make_interval(years => profile.prescription_years))::date
                             AS prescription_date
              ) prescription ON profile.prescription_years > 0
            )
            """
        )

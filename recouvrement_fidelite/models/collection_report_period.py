# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Cash indicators per company and month: DSO, CEI, recovery rate.

One row per company and month, from the month of the company's first
customer invoice to the current one, with the formulas of ``LEGAL.md``
(Metrics), all amounts in the company's currency:

- receivables at a date: the balance of the receivable lines of posted
  customer entries dated up to then (invoices, credit notes, payments,
  write-offs); ``opening`` is the previous month's ``closing``;
- credit sales: customer invoices minus credit notes dated in the month;
- collected: what left the receivables in the month,
  ``opening + credit sales - closing``;
- closing current: what was not yet due at the month's end, the invoice
  lines due later less what had been reconciled with them by then
  (``account_partial_reconcile.max_date``), so that a past month reads as
  it was, not as today;
- DSO (simple) = closing / credit sales x days of the month;
- DSO (countback): walking back month by month through the credit sales
  until the closing receivables are used up, each month used in full
  counting all its days, the last one its share;
- CEI = (opening + credit sales - closing) / (opening + credit sales -
  closing current) x 100;
- recovery rate = collected / (opening + credit sales) x 100: the share of
  what could be collected in the month (what was owed at its start and what
  was invoiced during it) that was. ``LEGAL.md``'s "collected /
  outstanding", with the outstanding of the month.

Ratios are worked out per month; over several months the pivot shows their
average (``aggregator="avg"``), not a ratio of sums. Kept between refreshes
(``collection.report.materialized``), as are the same figures by typology,
responsible and customer.
"""

from odoo import fields, models

#: The query, split by company and by a segment of customers (``segment``,
#: 0 for none): see ``_period_segment``.
PERIOD_SQL = """
            WITH receivable AS (
                SELECT line.id, line.company_id, line.date, line.balance,
                       line.date_maturity, {line_segment} AS segment
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                  {line_join}
                 WHERE line.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
            ),
            firsts AS (
                -- Where each company's (and segment's) months start: its
                -- first invoice, or an earlier receivable entry (an advance).
                SELECT company_id, segment, min(first_date) AS first_date
                  FROM (
                      SELECT company_id, segment, min(date) AS first_date
                        FROM receivable
                       GROUP BY 1, 2
                       UNION ALL
                      SELECT move.company_id, {move_segment} AS segment,
                             min(move.invoice_date) AS first_date
                        FROM account_move move
                        {move_join}
                       WHERE move.state = 'posted'
                         AND move.move_type IN ('out_invoice', 'out_refund')
                       GROUP BY 1, 2
                  ) starts
                 GROUP BY 1, 2
            ),
            months AS (
                SELECT company_id, segment, month::date AS month,
                       (month + interval '1 month - 1 day')::date AS month_end
                  FROM firsts,
                  generate_series(date_trunc('month', firsts.first_date),
                                  date_trunc('month', CURRENT_DATE),
                                  interval '1 month') AS month
            ),
            movements AS (
                SELECT company_id, segment,
                       date_trunc('month', date)::date AS month,
                       sum(balance) AS net
                  FROM receivable
                 GROUP BY 1, 2, 3
            ),
            sales AS (
                SELECT move.company_id, {move_segment} AS segment,
                       date_trunc('month', move.invoice_date)::date AS month,
                       sum(move.amount_total_signed) AS amount
                  FROM account_move move
                  {move_join}
                 WHERE move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                 GROUP BY 1, 2, 3
            ),
            current_receivable AS (
                -- Invoice lines not yet due at a month's end...
                SELECT months.company_id, months.segment, months.month,
                       months.month_end, receivable.id, receivable.balance
                  FROM receivable
                  JOIN months
                    ON months.company_id = receivable.company_id
                   AND months.segment = receivable.segment
                   AND receivable.date <= months.month_end
                   AND receivable.date_maturity > months.month_end
                 WHERE receivable.balance > 0
            ),
            current_lines AS (
                SELECT company_id, segment, month, sum(balance) AS amount
                  FROM current_receivable
                 GROUP BY 1, 2, 3
            ),
            current_reconciled AS (
                -- ... less what was reconciled with them by then.
                SELECT current.company_id, current.segment, current.month,
                       sum(partial.amount) AS amount
                  FROM current_receivable current
                  JOIN account_partial_reconcile partial
                    ON partial.debit_move_id = current.id
                   AND partial.max_date <= current.month_end
                 GROUP BY 1, 2, 3
            ),
            balances AS (
                SELECT months.company_id, months.segment, months.month,
                       months.month_end,
                       (months.month_end - months.month + 1) AS days,
                       COALESCE(sales.amount, 0) AS credit_sales,
                       COALESCE(current_lines.amount, 0)
                           - COALESCE(current_reconciled.amount, 0)
                           AS closing_current,
                       COALESCE(sum(movements.net) OVER running, 0)
                           - COALESCE(movements.net, 0) AS opening,
                       COALESCE(sum(movements.net) OVER running, 0) AS closing
                  FROM months
                  LEFT JOIN sales
                    ON sales.company_id = months.company_id
                   AND sales.segment = months.segment
                   AND sales.month = months.month
                  LEFT JOIN current_lines
                    ON current_lines.company_id = months.company_id
                   AND current_lines.segment = months.segment
                   AND current_lines.month = months.month
                  LEFT JOIN current_reconciled
                    ON current_reconciled.company_id = months.company_id
                   AND current_reconciled.segment = months.segment
                   AND current_reconciled.month = months.month
                  LEFT JOIN movements
                    ON movements.company_id = months.company_id
                   AND movements.segment = months.segment
                   AND movements.month = months.month
                WINDOW running AS (PARTITION BY months.company_id, months.segment
                                   ORDER BY months.month)
            ),
            countback AS (
                -- For each month owing something, the months back from it
                -- that sold something, with the credit sales counted from it
                -- down to each (``upto``); ``upto - credit_sales`` is what
                -- the months after each used.
                SELECT company_id, segment, month,
                       sum(CASE
                               WHEN upto <= closing THEN days
                               WHEN upto - credit_sales < closing
                                   THEN (closing - upto + credit_sales)
                                        / credit_sales * days
                               ELSE 0
                           END) AS days
                  FROM (
                      SELECT m.company_id, m.segment, m.month, m.closing,
                             b.days, b.credit_sales,
                             sum(b.credit_sales) OVER walk AS upto
                        FROM balances m
                        JOIN balances b
                          ON b.company_id = m.company_id AND b.segment = m.segment
                         AND b.month <= m.month AND b.credit_sales != 0
                       WHERE m.closing > 0
                      WINDOW walk AS (PARTITION BY m.company_id, m.segment, m.month
                                      ORDER BY b.month DESC)
                  ) back
                 WHERE credit_sales > 0
                 GROUP BY company_id, segment, month
            )
            SELECT row_number() OVER (ORDER BY balances.company_id,
                                             balances.segment, balances.month)
                       AS id,
                   balances.company_id,{segment_select}
                   company.currency_id,
                   balances.month,
                   to_char(balances.month, 'YYYY-MM') AS period,
                   balances.days,
                   balances.opening,
                   balances.credit_sales,
                   balances.opening + balances.credit_sales - balances.closing
                       AS collected,
                   balances.closing,
                   balances.closing_current,
                   CASE WHEN balances.credit_sales > 0
                        THEN balances.closing / balances.credit_sales
                             * balances.days
                   END AS dso,
                   COALESCE(countback.days, 0) AS dso_countback,
                   CASE WHEN balances.opening + balances.credit_sales
                             - balances.closing_current != 0
                        THEN (balances.opening + balances.credit_sales
                              - balances.closing)
                             / (balances.opening + balances.credit_sales
                                - balances.closing_current) * 100
                   END AS cei,
                   CASE WHEN balances.opening + balances.credit_sales != 0
                        THEN (balances.opening + balances.credit_sales
                              - balances.closing)
                             / (balances.opening + balances.credit_sales) * 100
                   END AS recovery_rate
              FROM balances
              JOIN res_company company ON company.id = balances.company_id
              {segment_join}
              LEFT JOIN countback
                ON countback.company_id = balances.company_id
               AND countback.segment = balances.segment
               AND countback.month = balances.month
             -- A month with nothing owed and nothing sold has no figure.
             WHERE balances.opening != 0 OR balances.credit_sales != 0
                OR balances.closing != 0
            """


class CollectionReportPeriod(models.Model):
    _name = "collection.report.period"
    _inherit = "collection.report.materialized"
    _description = "Cash indicators by month"
    _auto = False
    _order = "month desc, company_id"
    _rec_name = "month"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True, help="The first day of the month.")
    period = fields.Char(string="Period", readonly=True, help="Year and month.")
    days = fields.Integer(string="Days in the month", readonly=True, aggregator="sum")
    opening = fields.Monetary(
        string="Opening receivables", readonly=True, aggregator="avg"
    )
    credit_sales = fields.Monetary(string="Credit sales", readonly=True)
    collected = fields.Monetary(readonly=True)
    closing = fields.Monetary(
        string="Closing receivables", readonly=True, aggregator="avg"
    )
    closing_current = fields.Monetary(
        string="Closing current",
        readonly=True,
        aggregator="avg",
        help="Receivables not yet due at the month's end.",
    )
    dso = fields.Float(
        string="DSO (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days sales outstanding: closing receivables / credit sales x "
        "days of the month. Over several months, their average.",
    )
    dso_countback = fields.Float(
        string="DSO countback (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="The days of sales, counted back month by month, that the "
        "closing receivables represent. Over several months, their average.",
    )
    cei = fields.Float(
        string="CEI (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Collection effectiveness index: (opening + credit sales - "
        "closing) / (opening + credit sales - closing current) x 100. "
        "Over several months, their average.",
    )
    recovery_rate = fields.Float(
        string="Recovery rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Collected / (opening receivables + credit sales) x 100. Over "
        "several months, their average.",
    )

    #: How the rows are split beyond the company: no split here.
    _period_segment = {
        "line_segment": "0",
        "line_join": "",
        "move_segment": "0",
        "move_join": "",
        "segment_select": "",
        "segment_join": "",
    }

    #: Every month's receivables worked out from the entries since the
    #: first invoice: kept between refreshes, a pivot on a large history
    #: would wait too long.
    def _report_query(self):
        return PERIOD_SQL.format(**self._period_segment)

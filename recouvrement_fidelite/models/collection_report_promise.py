# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Promise-kept rate: kept / (kept + broken).

One row per promise to pay. ``kept_rate`` is 100 for a kept promise, 0 for
a broken or partly kept one and empty while it waits or once cancelled, so
that its average over any group is the promise-kept rate of ``LEGAL.md``;
``partial_rate`` shows, among the decided ones, those partly kept.
"""

from odoo import fields, models, tools

from .collection_promise import PROMISE_CHANNELS, PROMISE_STATES


class CollectionReportPromise(models.Model):
    _name = "collection.report.promise"
    _description = "Promise-kept rate"
    _auto = False
    _order = "date_promised desc, id desc"
    _rec_name = "promise_id"

    promise_id = fields.Many2one("collection.promise", string="Promise", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Recorded by", readonly=True)
    channel = fields.Selection(PROMISE_CHANNELS, string="Given through", readonly=True)
    state = fields.Selection(PROMISE_STATES, string="Status", readonly=True)
    date_promised = fields.Date(string="Promised for", readonly=True)
    amount = fields.Monetary(string="Promised", readonly=True)
    amount_received = fields.Monetary(string="Received by the deadline", readonly=True)
    kept_rate = fields.Float(
        string="Kept (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Kept / (kept + not kept, partly kept included).",
    )
    partial_rate = fields.Float(
        string="Partly kept (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Among the decided promises, those partly kept.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            SELECT promise.id,
                   promise.id AS promise_id,
                   promise.company_id,
                   promise.currency_id,
                   promise.partner_id,
                   partner.collection_typology_id AS typology_id,
                   promise.user_id,
                   promise.channel,
                   promise.state,
                   promise.date_promised,
                   promise.amount,
                   promise.amount_decided AS amount_received,
                   CASE promise.state
                       WHEN 'kept' THEN 100
                       WHEN 'partial' THEN 0
                       WHEN 'broken' THEN 0
                   END AS kept_rate,
                   CASE promise.state
                       WHEN 'kept' THEN 0
                       WHEN 'partial' THEN 100
                       WHEN 'broken' THEN 0
                   END AS partial_rate
              FROM collection_promise promise
              JOIN res_partner partner ON partner.id = promise.partner_id
            )
            """
        )

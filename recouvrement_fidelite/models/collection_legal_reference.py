# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from decimal import Decimal

from odoo import api, fields, models


class CollectionLegalReference(models.Model):
    """A series of reference interest rates (a central bank's rate, the legal
    interest rate), each valid from its date until the next one.

    Legal profiles compute late interest from a series and a margin; the
    series are data that administrators keep up to date when the bank or
    the government publishes a new rate.
    """

    _name = "collection.legal.reference"
    _description = "Reference interest rate"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical name, unique.")
    source = fields.Char(
        help="Where the rates are published, to check them when they change."
    )
    rate_ids = fields.One2many(
        "collection.legal.rate", "reference_id", string="Rates", copy=True
    )
    current_rate = fields.Float(
        string="Rate today (%)", digits=(16, 4), compute="_compute_current_rate"
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "A reference rate's code must be unique.")
    ]

    @api.depends("rate_ids.date_from", "rate_ids.rate")
    def _compute_current_rate(self):
        today = fields.Date.context_today(self)
        for reference in self:
            known = reference.rate_ids.filtered(lambda r: r.date_from <= today)
            reference.current_rate = (
                known.sorted("date_from")[-1:].rate if known else 0.0
            )

    def _rate_table(self):
        """The rates as the engine's legal computations read them."""
        self.ensure_one()
        return [
            (rate.date_from, Decimal(str(rate.rate)))
            for rate in self.rate_ids.sorted("date_from")
        ]

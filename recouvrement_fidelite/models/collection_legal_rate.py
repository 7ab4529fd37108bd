# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CollectionLegalRate(models.Model):
    """One rate of a reference series, valid from its date to the next one."""

    _name = "collection.legal.rate"
    _description = "Reference interest rate value"
    _order = "reference_id, date_from desc"

    reference_id = fields.Many2one(
        "collection.legal.reference",
        string="Reference rate",
        required=True,
        ondelete="cascade",
        index=True,
    )
    date_from = fields.Date(string="Valid from", required=True)
    rate = fields.Float(
        string="Rate (%)",
        digits=(16, 4),
        required=True,
        help="In percent a year, as published (e.g. 2.15 for 2.15 %).",
    )

    @api.constrains("rate", "date_from", "reference_id")
    def _check_rate(self):
        for rate in self:
            if rate.search_count(
                [
                    ("reference_id", "=", rate.reference_id.id),
                    ("date_from", "=", rate.date_from),
                    ("id", "!=", rate.id),
                ]
            ):
                raise ValidationError(
                    _(
                        "Two rates of %(reference)s start on %(date)s: keep one "
                        "rate per date.",
                        reference=rate.reference_id.name,
                        date=rate.date_from,
                    )
                )
            if rate.rate < 0 or rate.rate > 100:
                raise ValidationError(
                    _(
                        "A reference rate is between 0 and 100 %%; %(rate)s was "
                        "given for %(date)s.",
                        rate=rate.rate,
                        date=rate.date_from,
                    )
                )

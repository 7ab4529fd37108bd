# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Cash indicators per company, customer and month.

The same figures as ``collection.report.period`` (DSO simple and countback,
CEI, recovery rate), worked out for each customer as if it were a company of
its own: who pays slowest, where collection works. The customer's typology
and collection responsible are those of the last refresh.

Months in which a customer owed nothing and bought nothing have no row.
"""

from odoo import fields, models


class CollectionReportPeriodPartner(models.Model):
    _name = "collection.report.period.partner"
    _inherit = "collection.report.period"
    _description = "Cash indicators by customer and month"
    _auto = False
    _order = "month desc, closing desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        readonly=True,
        help="The customer's collection responsible.",
    )

    _period_segment = {
        "line_segment": "COALESCE(line.partner_id, 0)",
        "line_join": "",
        "move_segment": "move.commercial_partner_id",
        "move_join": "",
        "segment_select": " NULLIF(balances.segment, 0) AS partner_id,"
        " customer.collection_typology_id AS typology_id,"
        " customer.collection_user_id AS user_id,",
        "segment_join": "LEFT JOIN res_partner customer"
        " ON customer.id = balances.segment",
    }

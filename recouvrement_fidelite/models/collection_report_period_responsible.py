# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Cash indicators per company, collection responsible and month.

The same figures as ``collection.report.period`` (DSO simple and countback,
CEI, recovery rate), worked out for the customers of each collection
responsible (the customer's, as of the last refresh) as if they were a
company of their own: whose portfolio is collected best. Customers without a
responsible make a row of their own.
"""

from odoo import fields, models


class CollectionReportPeriodResponsible(models.Model):
    _name = "collection.report.period.responsible"
    _inherit = "collection.report.period"
    _description = "Cash indicators by responsible and month"
    _auto = False
    _order = "month desc, company_id, user_id"

    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        readonly=True,
        help="The customer's collection responsible.",
    )

    _period_segment = {
        "line_segment": "COALESCE(customer.collection_user_id, 0)",
        "line_join": "LEFT JOIN res_partner customer ON customer.id = line.partner_id",
        "move_segment": "COALESCE(customer.collection_user_id, 0)",
        "move_join": "JOIN res_partner customer"
        " ON customer.id = move.commercial_partner_id",
        "segment_select": "\n                   NULLIF(balances.segment, 0)"
        " AS user_id,",
        "segment_join": "",
    }

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Cash indicators per company, customer typology and month.

The same figures as ``collection.report.period`` (DSO simple and countback,
CEI, recovery rate), worked out for the customers of each typology as if
they were a company of their own: which kind of customer pays slowest.
"""

from odoo import fields, models


class CollectionReportPeriodTypology(models.Model):
    _name = "collection.report.period.typology"
    _inherit = "collection.report.period"
    _description = "Cash indicators by typology and month"
    _auto = False
    _order = "month desc, company_id, typology_id"

    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )

    _period_segment = {
        "line_segment": "COALESCE(customer.collection_typology_id, 0)",
        "line_join": "JOIN res_partner customer ON customer.id = line.partner_id",
        "move_segment": "COALESCE(customer.collection_typology_id, 0)",
        "move_join": "JOIN res_partner customer"
        " ON customer.id = move.commercial_partner_id",
        "segment_select": "\n                   NULLIF(balances.segment, 0)"
        " AS typology_id,",
        "segment_join": "",
    }

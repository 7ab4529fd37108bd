# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The escalation case a rule's escalate decision opened or moved forward."""

from odoo import fields, models


class CollectionAction(models.Model):
    _inherit = "collection.action"

    collection_case_id = fields.Many2one(
        "collection.case",
        string="Escalation case",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
    )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Grouping an invoice into the customer's next monthly statement."""

from odoo import _, api, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class CollectionActionKindStatement(models.AbstractModel):
    _name = "collection.action.kind.statement"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: group into the statement"

    _kind = "statement"
    _kind_label = _lt("Group into the statement")
    _kind_sequence = 70
    _engine_actions = ("group_in_statement",)

    @api.model
    def _execute(self, actions, channel):
        """No separate reminder: the invoice goes into the customer's next
        monthly statement of account (``collection.monthly.statement``).

        The action waits, pending ("to do"), for that statement, which sends
        it at the month end and marks it done; its dedup key keeps the next
        runs from recording it again meanwhile.
        """
        actions._mark_pending(
            note=_(
                "Grouped into the customer's next monthly statement of "
                "account, sent at the month end: no separate reminder. Done "
                "when the statement is sent."
            )
        )

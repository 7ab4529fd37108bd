# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Grouping an invoice into the customer's next statement of account."""

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
        """Nothing can be sent yet: the statement of account does not exist.

        The decision stays approved, not done (done would claim the invoice
        went out in a statement), with a note that says what it waits for.
        Its dedup key keeps the next runs from recording it again.
        """
        actions.write(
            {
                "note": _(
                    "Waiting: the statement of account does not exist yet. "
                    "Nothing was sent; this invoice is to be grouped into the "
                    "customer's next statement once statements can be sent."
                )
            }
        )
        actions._log_history()

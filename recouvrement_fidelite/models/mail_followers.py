# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Recipients looked up once for a batch of messages posted in bulk."""

from odoo import models


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    def _get_recipient_data(self, records, message_type, subtype_id, pids=None):
        # A batch posted in bulk found every message's recipients at once
        # (``collection.message.bulk._recipient_data``).
        known = self.env.context.get("collection_recipient_data")
        if known and len(records) == 1:
            data = known.get(
                (records._name, records.id, message_type, subtype_id, tuple(pids or ()))
            )
            if data is not None:
                # Copies: the notification steps may change what they get.
                return {
                    records.id: {
                        pid: dict(values, groups=set(values["groups"]))
                        for pid, values in data.items()
                    }
                }
        return super()._get_recipient_data(records, message_type, subtype_id, pids=pids)

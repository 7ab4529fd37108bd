# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A reminder whose delivery fails after dispatch is not done.

An email or SMS reminder is done once handed to the mail queue or the SMS
service; when the delivery then fails (bounce, invalid address, number
rejected by the SMS service), Odoo records it on the message's notification.
The collection action carrying that message becomes failed with the reason,
so that it shows in the failures to fix, with its retry.
"""

from odoo import api, models
from odoo.tools.translate import LazyTranslate

from .failure_messages import message, render, selection

_lt = LazyTranslate(__name__)

FAILED_DELIVERY = ("bounce", "exception")


class MailNotification(models.Model):
    _inherit = "mail.notification"

    @api.model_create_multi
    def create(self, vals_list):
        notifications = super().create(vals_list)
        notifications._collection_fail_actions()
        return notifications

    def write(self, vals):
        result = super().write(vals)
        if vals.get("notification_status") in FAILED_DELIVERY:
            self._collection_fail_actions()
        return result

    def _collection_fail_actions(self):
        failed = self.filtered(
            lambda n: (
                n.notification_status in FAILED_DELIVERY
                and n.notification_type in ("email", "sms")
            )
        )
        if not failed:
            return
        # sudo: delivery is reported by the mail queue or the SMS service,
        # whoever runs it; the actions are the collection's own record.
        Action = self.env["collection.action"].sudo()
        actions = Action.search(
            [
                ("message_id", "in", failed.mail_message_id.ids),
                ("state", "=", "done"),
                ("channel", "in", ("email", "sms")),
            ]
        )
        if not actions:
            return
        for action in actions:
            notification = failed.filtered(
                lambda n, a=action: n.mail_message_id == a.message_id
            )[:1]
            # Odoo's failure types are worded in the reader's language; a
            # free text from the mail server is kept as it came.
            if notification.failure_type:
                why = selection(
                    "mail.notification", "failure_type", notification.failure_type
                )
            else:
                why = notification.failure_reason or message(_lt("delivery failed"))
            data = message(
                _lt("Sent, then not delivered to %(recipient)s: %(why)s"),
                recipient=notification.res_partner_id.display_name
                or notification.sms_number
                or "-",
                why=why,
            )
            action.write(
                {
                    "state": "failed",
                    "failure_reason": render(self.env, data),
                    "failure_data": data,
                }
            )
        actions._log_history()

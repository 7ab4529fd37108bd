# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Reminders: an email, SMS, letter or portal message about overdue invoices.

A reminder is a step of the invoice's reminder scenario: the level's
channels send it, unless rules say on which channels (``send_reminder``).
"""

from odoo import api, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class CollectionActionKindReminder(models.AbstractModel):
    _name = "collection.action.kind.reminder"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: reminder"

    _kind = "reminder"
    _kind_label = _lt("Reminder")
    _kind_sequence = 10
    _engine_actions = ("send_reminder",)
    _dispatch_sequence = 10
    _customer_facing = True
    _reminder_step = True

    @api.model
    def _plan(self, decisions, planning):
        """One reminder per channel the rules name, else per channel of the
        level the invoice reaches (its calls are the call kind's)."""
        if not decisions:
            if not planning.level_decision:
                return []
            return [
                planning.action(self._kind, channel, planning.level_decision)
                for channel in planning.level._channels()
                if channel != "phone"
            ]
        planned = []
        for decision in decisions:
            template = planning.template(decision.params.get("template"))
            values = {}
            if template and template._name == "mail.template":
                values["mail_template_id"] = template.id
            elif template and template._name == "sms.template":
                values["sms_template_id"] = template.id
            planned.append(
                planning.action(
                    self._kind, decision.params["channel"], decision, **values
                )
            )
        return planned

    @api.model
    def _group_key(self, action):
        # An invoice joins a grouped reminder only at a wording that fits it:
        # a 6-day-old invoice never rides in a mail that warns of penalties.
        # A campaign's actions share the campaign's wording.
        return (action.level_id.id, action.campaign_id.id)

    @api.model
    def _execute(self, actions, channel):
        actions._send_reminder(channel)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Variants of a reminder level: several wordings the run shares out.

A level may hold variants, each with its own email, SMS or letter template
(a channel a variant leaves empty keeps the level's template). While a
level has active variants, each customer that reaches it gets one of them:
the customer whose id, divided by the number of variants, leaves remainder
*i* gets the *i*-th (by sequence). Shared out by customer rather than in
turn by date, the variants are tried at the same time on comparable
customers, and a customer's invoices at the level keep going out together,
in one wording, on every channel.
The step effectiveness analysis compares them; an administrator archives
the weaker ones.
"""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CollectionLevelVariant(models.Model):
    _name = "collection.level.variant"
    _description = "Variant of a reminder level"
    _order = "level_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    level_id = fields.Many2one(
        "collection.level", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="level_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email template",
        domain="[('model', '=', 'account.move')]",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS template",
        domain="[('model', '=', 'account.move')]",
    )
    letter_report_id = fields.Many2one(
        "ir.actions.report",
        string="Letter template",
        domain="[('model', '=', 'account.move'), ('report_type', '=', 'qweb-pdf')]",
    )

    @api.constrains(
        "level_id", "mail_template_id", "sms_template_id", "letter_report_id"
    )
    def _check_templates(self):
        for variant in self:
            if not (
                variant.mail_template_id
                or variant.sms_template_id
                or variant.letter_report_id
            ):
                raise ValidationError(
                    _(
                        "The variant %(variant)s of %(level)s changes no "
                        "wording: give it an email, SMS or letter template.",
                        variant=variant.name,
                        level=variant.level_id.display_name,
                    )
                )

    def _action_values(self, channel):
        """What a reminder on ``channel`` takes from this variant."""
        self.ensure_one()
        values = {"variant_id": self.id}
        if channel == "email" and self.mail_template_id:
            values["mail_template_id"] = self.mail_template_id.id
        if channel == "sms" and self.sms_template_id:
            values["sms_template_id"] = self.sms_template_id.id
        return values

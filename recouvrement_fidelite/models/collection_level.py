# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class CollectionLevel(models.Model):
    """One step of a reminder scenario: when, on which channels, in what tone."""

    _name = "collection.level"
    _description = "Reminder level"
    _order = "scenario_id, level_number, sequence, id"

    name = fields.Char(required=True, translate=True)
    scenario_id = fields.Many2one(
        "collection.scenario", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="scenario_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    level_number = fields.Integer(
        required=True,
        help="0 for a courtesy reminder before the due date, then 1, 2, 3... "
        "Rules set the level by this number.",
    )
    delay_days = fields.Integer(
        string="Delay (days)",
        required=True,
        help="Days after the due date; negative for a reminder before it.",
    )
    use_email = fields.Boolean(string="Email", default=True)
    use_sms = fields.Boolean(string="SMS")
    use_letter = fields.Boolean(string="Letter")
    use_call = fields.Boolean(string="Phone call")
    use_portal = fields.Boolean(string="Portal message")
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
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Call activity",
        help="Activity planned for the person responsible when the level asks "
        "for a call.",
    )
    tone = fields.Selection(
        [
            ("courteous", "Courteous"),
            ("neutral", "Neutral"),
            ("firm", "Firm"),
            ("formal", "Formal"),
        ],
        default="courteous",
        required=True,
    )
    requires_approval = fields.Boolean(
        help="Reminders of this level wait for a credit controller's approval "
        "instead of leaving automatically."
    )
    channel_summary = fields.Char(compute="_compute_channel_summary")

    _sql_constraints = [
        (
            "level_number_scenario_unique",
            "unique(scenario_id, level_number)",
            "Each level number appears once per scenario.",
        )
    ]

    @api.depends("use_email", "use_sms", "use_letter", "use_call", "use_portal")
    def _compute_channel_summary(self):
        labels = {
            name: self._fields[name].get_description(self.env)["string"]
            for name in ("use_email", "use_sms", "use_letter", "use_call", "use_portal")
        }
        for level in self:
            level.channel_summary = ", ".join(
                label for name, label in labels.items() if level[name]
            )

    def _channels(self):
        """Channel codes of the level, as the engine names them."""
        self.ensure_one()
        codes = {
            "use_email": "email",
            "use_sms": "sms",
            "use_letter": "letter",
            "use_call": "phone",
            "use_portal": "portal",
        }
        return [code for field, code in codes.items() if self[field]]

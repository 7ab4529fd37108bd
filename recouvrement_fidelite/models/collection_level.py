# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine.concepts import FALLBACK_CHANNELS, TONES
from .collection_scenario import DEFER_LEVEL_CHECK


class CollectionLevel(models.Model):
    """One step of a reminder scenario: when, on which channels, in what tone.

    The delay counts days from the invoice's due date (negative: before it).
    A level may use several channels at once; each channel has its template
    (email, SMS, letter) or activity type (call). The order rules of a
    scenario's levels are checked by the scenario.
    """

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
        string="Level number",
        required=True,
        aggregator=None,
        help="0 for a courtesy reminder before the due date, then 1, 2, 3... "
        "Rules set the level by this number.",
    )
    delay_days = fields.Integer(
        string="Delay (days)",
        required=True,
        aggregator=None,
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
    variant_ids = fields.One2many(
        "collection.level.variant",
        "level_id",
        string="Variants",
        help="Other wordings of this level, shared out between the customers "
        "who reach it so that the Step effectiveness analysis can compare "
        "them.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Call activity",
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        ),
        help="Activity planned for the person responsible when the level asks "
        "for a call.",
    )
    tone = fields.Selection(
        list(TONES),
        default="courteous",
        required=True,
    )
    requires_approval = fields.Boolean(
        string="Requires approval",
        help="Reminders of this level wait for a credit controller's approval "
        "instead of leaving automatically.",
    )
    fallback_channel = fields.Selection(
        string="Fallback channel",
        selection=list(FALLBACK_CHANNELS),
        help="When a reminder of this level cannot leave on its channel (no "
        "email address, no valid mobile number, no postal address), it leaves "
        "on this one instead; empty: the reminder fails with the reason.",
    )
    channel_summary = fields.Char(string="Channels", compute="_compute_channel_summary")
    rule_ids = fields.Many2many(
        "collection.rule",
        string="Rules that fire this level",
        compute="_compute_rule_ids",
        help="The active rules of the company that set this level's number. "
        "Those that test the level due by the customer's scenario fire it when "
        "its delay is reached and send it on its channels, unless they say "
        "otherwise; the others fire it on conditions of their own.",
    )
    delay_description = fields.Char(string="When", compute="_compute_delay_description")

    _sql_constraints = [
        (
            "level_number_scenario_unique",
            "unique(scenario_id, level_number)",
            "Each level number appears once per scenario.",
        ),
        (
            "level_number_positive",
            "CHECK(level_number >= 0)",
            "Level numbers start at 0 (the courtesy reminder before the due date).",
        ),
    ]

    # Rules set levels by number

    @api.model
    def _numbers_by_company(self, companies, without=None):
        """``{company id: {level numbers}}`` of the levels of these companies
        (but the levels ``without``)."""
        numbers = defaultdict(set)
        # sudo: every level counts, whether the user may read it or not.
        levels = (
            self.sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", companies.ids)])
        )
        for level in levels - (without or self.browse()).sudo():
            numbers[level.company_id.id].add(level.level_number)
        return numbers

    @api.model
    def _check_numbers_kept(self, before, action, after=None):
        """Refuse a change that removes level numbers rules of a company set.

        ``before`` and ``after`` are :meth:`_numbers_by_company` before and
        after the change (``after`` by default: as the database says now);
        ``action`` says what is done ("deleted"...) for the message.
        """
        companies = self.env["res.company"].browse(list(before))
        if after is None:
            after = self._numbers_by_company(companies)
        Rule = self.env["collection.rule"]
        for company in companies:
            lost = before[company.id] - after.get(company.id, set())
            if not lost:
                continue
            rules = Rule._rules_setting_levels(lost, company)
            if rules:
                raise UserError(
                    _(
                        "Level %(numbers)s cannot be %(action)s: no other "
                        "level of %(company)s has this number, and these rules "
                        "set it: %(rules)s. Change these rules first.",
                        numbers=", ".join(map(str, sorted(lost))),
                        action=action,
                        company=company.name,
                        rules=rules._names_for_message(),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_set_by_rules(self):
        companies = self.company_id
        self._check_numbers_kept(
            self._numbers_by_company(companies),
            _("deleted"),
            after=self._numbers_by_company(companies, without=self),
        )

    def write(self, vals):
        if not {"level_number", "scenario_id"} & set(vals):
            return super().write(vals)
        before = self._numbers_by_company(self.company_id)
        result = super().write(vals)
        self._check_numbers_kept(before, _("renumbered or moved"))
        return result

    @api.constrains("use_email", "use_sms", "use_letter", "use_call", "use_portal")
    def _check_channels(self):
        for level in self:
            if not level._channels():
                raise ValidationError(
                    _(
                        "Level %(level)s of scenario %(scenario)s uses no channel: "
                        "choose at least one of email, SMS, letter, phone call or "
                        "portal message.",
                        level=level.name,
                        scenario=level.scenario_id.name,
                    )
                )

    @api.constrains("level_number", "delay_days", "scenario_id")
    def _check_scenario_order(self):
        if not self.env.context.get(DEFER_LEVEL_CHECK):
            self.scenario_id._check_level_order()

    @api.depends("level_number", "company_id")
    def _compute_rule_ids(self):
        Rule = self.env["collection.rule"]
        rules_by_company = {
            company: Rule.search(
                [
                    ("company_id", "=", company.id),
                    ("actions", "ilike", "set_reminder_level"),
                ]
            )
            for company in self.company_id
        }
        for level in self:
            rules = rules_by_company.get(level.company_id, Rule)
            level.rule_ids = rules.filtered(
                lambda rule, number=level.level_number: number in rule._levels_set()
            )

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

    @api.depends("delay_days")
    def _compute_delay_description(self):
        for level in self:
            days = level.delay_days
            if days == -1:
                level.delay_description = _("1 day before the due date")
            elif days < 0:
                level.delay_description = _("%s days before the due date", -days)
            elif days == 1:
                level.delay_description = _("1 day after the due date")
            elif days > 0:
                level.delay_description = _("%s days after the due date", days)
            else:
                level.delay_description = _("On the due date")

    def _variant_for(self, invoice):
        """The variant ``invoice``'s customer gets at this level (empty
        without any): all the customer's invoices at a level share one, so
        that they still go out together."""
        self.ensure_one()
        variants = self.variant_ids.filtered("active").sorted(
            lambda v: (v.sequence, v.id)
        )
        if not variants:
            return variants
        return variants[invoice.commercial_partner_id.id % len(variants)]

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

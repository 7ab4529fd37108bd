# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..engine import RuleValidationError, validate_rules
from .engine_texts import CatalogueWords, translated_catalogue, validation_message

DEFAULT_CONDITIONS = '{"all": [{"name": "days_overdue", "operator": "greater_than_or_equal_to", "value": 0}]}'  # noqa: E501


class CollectionRule(models.Model):
    """One rule: conditions on an invoice's facts, and the actions they decide.

    Conditions and actions are stored as business-rules JSON; the rule form
    edits them with a structured editor built from the engine's catalogue,
    or as raw JSON. Every save is checked by the engine.
    """

    _name = "collection.rule"
    _description = "Collection rule"
    _order = "rule_set_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    rule_set_id = fields.Many2one(
        "collection.rule.set",
        string="Rule set",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="rule_set_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    # No help text: shown over the whole structured editor, it would hide it.
    conditions = fields.Text(required=True, default=DEFAULT_CONDITIONS)
    actions = fields.Text(required=True, default="[]")
    note = fields.Text(translate=True)
    summary = fields.Text(
        compute="_compute_summary",
        help="The conditions and actions in words.",
    )

    @api.depends("conditions", "actions", "company_id")
    @api.depends_context("lang")
    def _compute_summary(self):
        engine = self.env["collection.engine"]
        words = {}
        for rule in self:
            company = rule.company_id or self.env.company
            if company not in words:
                catalogue = engine._catalogue(company).export()
                words[company] = CatalogueWords(self.env, catalogue)
            rule.summary = rule._summary(words[company])

    def _summary(self, words):
        try:
            conditions = json.loads(self.conditions or "null")
            actions = json.loads(self.actions or "null")
            when = words.condition_text(conditions)
            then = "; ".join(
                words.action_text(a["name"], a.get("params")) for a in actions
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            # Not saved yet, or written by hand: the form says what is wrong.
            return False
        return f"{when} → {then}" if then else _("%s → no action", when)

    def _to_document(self):
        """The rule as the engine reads it; raises ValidationError on bad JSON."""
        self.ensure_one()
        document = {"name": self.name or ""}
        for field_name in ("conditions", "actions"):
            try:
                document[field_name] = json.loads(self[field_name] or "null")
            except ValueError as error:
                raise ValidationError(
                    _(
                        "Rule %(rule)s: the %(field)s are not valid JSON: %(error)s",
                        rule=self.name,
                        field=self._fields[field_name].get_description(self.env)[
                            "string"
                        ],
                        error=error,
                    )
                ) from None
        return document

    @api.constrains("name", "conditions", "actions", "rule_set_id")
    def _check_rule(self):
        for rule in self:
            catalogue = self.env["collection.engine"]._catalogue(rule.company_id)
            try:
                validate_rules(
                    [rule._to_document()],
                    name=rule.rule_set_id.name,
                    catalogue=catalogue,
                )
            except RuleValidationError as error:
                raise ValidationError(
                    validation_message(
                        _("The rule %(rule)s cannot be saved:", rule=rule.name),
                        error,
                        strip_path="rules[0].",
                    )
                ) from None

    @api.model
    def get_editor_catalogue(self, company_id=None):
        """The engine's catalogue for the rule editor, in the user's language.

        ``company_id`` is the rule's company (its typologies are the choices
        of "Customer typology"); the current company when not given or not
        allowed to the user.
        """
        self.env["collection.engine"]._check_catalogue_access()
        company = self.env.company
        if company_id and company_id in self.env.companies.ids:
            company = self.env["res.company"].browse(company_id)
        engine = self.env["collection.engine"]
        return translated_catalogue(self.env, engine._catalogue(company).export())

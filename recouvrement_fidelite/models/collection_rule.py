# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..engine import RuleValidationError, validate_rules

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
        "collection.rule.set", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="rule_set_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    conditions = fields.Text(
        required=True,
        default=DEFAULT_CONDITIONS,
        help="business-rules conditions: {\"all\": [...]}, {\"any\": [...]} or "
        "{\"name\": variable, \"operator\": operator, \"value\": value}.",
    )
    actions = fields.Text(
        required=True,
        default="[]",
        help="business-rules actions: [{\"name\": action, \"params\": {...}}].",
    )
    note = fields.Text(translate=True, help="Why this rule exists, for colleagues.")

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
                raise ValidationError(str(error)) from None

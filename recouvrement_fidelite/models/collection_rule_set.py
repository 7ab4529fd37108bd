# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..engine import RuleValidationError, validate_rule_set
from .engine_texts import validation_message


class CollectionRuleSet(models.Model):
    """A named, prioritised list of collection rules (business-rules JSON).

    Active rule sets of a company run in ascending priority for every open
    invoice; within a set, rules run in sequence and, when "stop at the first
    triggered rule" is set, the first rule whose conditions hold ends the set.
    """

    _name = "collection.rule.set"
    _inherit = ["collection.storable.text.mixin"]
    _description = "Collection rule set"
    _order = "priority, id"

    name = fields.Char(required=True, translate=True)
    priority = fields.Integer(
        default=10, help="Rule sets run from the lowest priority number up."
    )
    active = fields.Boolean(default=True)
    stop_on_first_trigger = fields.Boolean(
        string="Stop at the first triggered rule", default=True
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, required=True
    )
    description = fields.Text(translate=True)
    rule_ids = fields.One2many(
        "collection.rule", "rule_set_id", string="Rules", context={"active_test": False}
    )
    rule_count = fields.Integer(string="Number of rules", compute="_compute_rule_count")
    rule_set_json = fields.Text(
        string="Rule set (JSON)",
        compute="_compute_rule_set_json",
        help="The whole rule set as the engine reads it.",
    )

    @api.depends("rule_ids")
    def _compute_rule_count(self):
        for rule_set in self:
            rule_set.rule_count = len(rule_set.rule_ids)

    @api.depends(
        "name",
        "priority",
        "stop_on_first_trigger",
        "rule_ids.name",
        "rule_ids.sequence",
        "rule_ids.active",
        "rule_ids.conditions",
        "rule_ids.actions",
    )
    def _compute_rule_set_json(self):
        for rule_set in self:
            rule_set.rule_set_json = json.dumps(
                rule_set._to_document(), indent=2, ensure_ascii=False
            )

    def _to_document(self):
        """The rule set as a JSON-ready dict (the engine's stored format)."""
        self.ensure_one()
        return {
            "name": self.name or "",
            "priority": self.priority,
            "stop_on_first_trigger": self.stop_on_first_trigger,
            "rules": [
                rule._to_document()
                for rule in self.rule_ids.sorted(lambda r: (r.sequence, r.id))
                if rule.active
            ],
        }

    def _to_engine(self, catalogue=None):
        """The validated engine rule set; raises ValidationError if invalid.

        ``catalogue``: the company's (``collection.engine._catalogue``), when
        the caller already has it.
        """
        self.ensure_one()
        if catalogue is None:
            catalogue = self.env["collection.engine"]._catalogue(self.company_id)
        try:
            return validate_rule_set(self._to_document(), catalogue)
        except RuleValidationError as error:
            raise ValidationError(
                validation_message(
                    self.env,
                    _("The rule set %(name)s is invalid:", name=self.name),
                    error,
                )
            ) from None

    # The company gives the typologies the rules may name.
    @api.constrains("name", "priority", "stop_on_first_trigger", "company_id")
    def _check_rule_set(self):
        for rule_set in self:
            rule_set._to_engine()

    def action_preview(self):
        """Open the preview of this rule set on the current open invoices."""
        self.ensure_one()
        self._to_engine()
        preview = self.env["collection.preview"].create({"rule_set_id": self.id})
        preview.action_compute()
        return {
            "type": "ir.actions.act_window",
            "name": _("Preview: %s", self.name),
            "res_model": "collection.preview",
            "res_id": preview.id,
            "view_mode": "form",
            "target": "current",
        }

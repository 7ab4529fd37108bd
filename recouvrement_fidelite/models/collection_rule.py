# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..engine import EngineError, RuleValidationError, load_json, validate_rules
from .engine_texts import CatalogueWords, translated_catalogue, validation_message

DEFAULT_CONDITIONS = '{"all": [{"name": "days_overdue", "operator": "greater_than_or_equal_to", "value": 0}]}'  # noqa: E501


class CollectionRule(models.Model):
    """One rule: conditions on an invoice's facts, and the actions they decide.

    Conditions and actions are stored as business-rules JSON; the rule form
    edits them with a structured editor built from the engine's catalogue,
    or as raw JSON. Every save is checked by the engine.
    """

    _name = "collection.rule"
    _inherit = ["collection.storable.text.mixin"]
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
    follows_scenario = fields.Boolean(
        string="When the scenario has the level due",
        compute="_compute_follows_scenario",
        help="The rule tests the level due by the customer's scenario: it "
        "fires a level when the level's delay is reached.",
    )

    @api.depends("conditions")
    def _compute_follows_scenario(self):
        for rule in self:
            rule.follows_scenario = any(
                leaf.get("name") == "scenario_level_due"
                for leaf in rule._leaves(rule._stored("conditions"))
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
            # Bounded parsing: what is being typed may be anything.
            conditions = load_json(self.conditions or "null")
            actions = load_json(self.actions or "null")
            when = words.condition_text(conditions)
            then = "; ".join(
                words.action_text(a["name"], a.get("params")) for a in actions
            )
        except (EngineError, ValueError, TypeError, KeyError, AttributeError):
            # Not saved yet, or written by hand: the form says what is wrong.
            return False
        return f"{when} → {then}" if then else _("%s → no action", when)

    def _to_document(self):
        """The rule as the engine reads it; raises ValidationError on bad JSON.

        The JSON is parsed within the engine's technical limits (size,
        nesting, numbers, storable texts), so no text makes it raise
        anything but a ValidationError.
        """
        self.ensure_one()
        document = {"name": self.name or ""}
        for field_name in ("conditions", "actions"):
            try:
                document[field_name] = load_json(
                    self[field_name] or "null", path=field_name
                )
            except RuleValidationError as error:
                raise ValidationError(
                    validation_message(
                        self.env,
                        _("The rule %(rule)s cannot be saved:", rule=self.name),
                        error,
                    )
                ) from None
        return document

    @api.constrains("name", "conditions", "actions", "rule_set_id")
    def _check_rule(self):
        catalogues = {}
        for rule in self:
            company = rule.company_id
            if company not in catalogues:
                catalogues[company] = self.env["collection.engine"]._catalogue(company)
            try:
                validate_rules(
                    [rule._to_document()],
                    name=rule.rule_set_id.name,
                    catalogue=catalogues[company],
                )
            except RuleValidationError as error:
                raise ValidationError(
                    validation_message(
                        self.env,
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

    # What rules refer to (typology codes, level numbers), for the records
    # they refer to: a typology renamed, a level deleted...

    @api.model
    def _search_all(self, domain, companies=None):
        """Every rule (archived ones too, of every company when ``companies``
        is None) matching ``domain``.

        In sudo: a typology shared by all companies is named in rules the
        current user may not read, and they must follow it all the same.
        """
        if companies is not None:
            domain = [*domain, ("company_id", "in", companies.ids)]
        return self.sudo().with_context(active_test=False).search(domain)

    def _stored(self, field_name):
        """A field's JSON, or None when it cannot be read (never raises)."""
        self.ensure_one()
        try:
            return load_json(self[field_name] or "null")
        except EngineError:
            return None

    @api.model
    def _leaves(self, conditions):
        """Every leaf ``{"name", "operator", "value"}`` of stored conditions."""
        stack = [conditions]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                if "all" in node or "any" in node:
                    stack.extend(value for value in node.values())
                else:
                    yield node

    @staticmethod
    def _same_code(value, code):
        # Choices are compared without case, as the engine does.
        return isinstance(value, str) and value.lower() == code.lower()

    def _uses_typology(self, code):
        """Whether this rule's conditions name the typology ``code``."""
        for leaf in self._leaves(self._stored("conditions")):
            if leaf.get("name") != "customer_typology":
                continue
            values = leaf.get("value")
            values = values if isinstance(values, list) else [values]
            if any(self._same_code(value, code) for value in values):
                return True
        return False

    @api.model
    def _rules_using_typology(self, code, companies=None):
        """The rules whose conditions name the typology ``code``."""
        rules = self._search_all([("conditions", "ilike", code)], companies)
        return rules.filtered(lambda rule: rule._uses_typology(code))

    def _rename_typology(self, old_code, new_code):
        """Replace ``old_code`` by ``new_code`` in these rules' conditions."""
        for rule in self:
            conditions = rule._stored("conditions")
            for leaf in self._leaves(conditions):
                if leaf.get("name") != "customer_typology":
                    continue
                value = leaf.get("value")
                if isinstance(value, list):
                    leaf["value"] = [
                        new_code if self._same_code(item, old_code) else item
                        for item in value
                    ]
                elif self._same_code(value, old_code):
                    leaf["value"] = new_code
            rule.conditions = json.dumps(conditions, indent=2, ensure_ascii=False)

    def _levels_set(self):
        """The level numbers this rule's actions set."""
        actions = self._stored("actions")
        return {
            action["params"]["level"]
            for action in (actions if isinstance(actions, list) else [])
            if isinstance(action, dict)
            and action.get("name") == "set_reminder_level"
            and isinstance(action.get("params"), dict)
            and isinstance(action["params"].get("level"), (int, float))
        }

    @api.model
    def _rules_setting_levels(self, numbers, companies):
        """The rules of ``companies`` whose actions set one of these levels."""
        rules = self._search_all(
            [("actions", "ilike", "set_reminder_level")], companies
        )
        numbers = set(numbers)
        return rules.filtered(lambda rule: rule._levels_set() & numbers)

    def _names_for_message(self):
        """These rules as "Rule set / Rule", those the user may see by name."""
        visible = self.filtered(lambda rule: rule.company_id in self.env.companies)
        names = [
            f"“{rule.rule_set_id.name} / {rule.name}”"
            for rule in visible.sorted(
                lambda rule: (rule.rule_set_id.id, rule.sequence)
            )
        ]
        others = len(self) - len(visible)
        if others:
            names.append(_("%(count)s rules of other companies", count=others))
        return ", ".join(names)

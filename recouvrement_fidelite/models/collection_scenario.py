# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

#: Context key set while a scenario writes its levels: the order of the
#: levels is then checked once, after every line is saved, because the
#: lines of a list are written one by one and may be inconsistent in between
#: (two delays swapped, for instance).
DEFER_LEVEL_CHECK = "collection_defer_level_check"


class CollectionScenario(models.Model):
    """An ordered set of reminder levels, used by one or more typologies.

    Levels are numbered (0 for the courtesy reminder before the due date,
    then 1, 2, 3...), and a higher number always comes later: delays grow
    with level numbers, and only level 0 may come before the due date.
    Customers get the scenario of their typology, or else their company's
    default scenario (:meth:`_scenario_for_partner`).
    """

    _name = "collection.scenario"
    _description = "Reminder scenario"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, required=True
    )
    level_ids = fields.One2many("collection.level", "scenario_id", string="Levels")
    typology_ids = fields.One2many(
        "collection.typology", "scenario_id", string="Typologies"
    )
    typology_tag_ids = fields.Many2many(
        "collection.typology",
        string="Used for typologies",
        compute="_compute_typology_tag_ids",
        inverse="_inverse_typology_tag_ids",
        help="Customers of these typologies get this scenario.",
    )
    level_count = fields.Integer(
        string="Number of levels", compute="_compute_level_count"
    )
    is_company_default = fields.Boolean(
        string="Company default",
        compute="_compute_is_company_default",
        help="Used for customers whose typology has no scenario.",
    )

    @api.depends("level_ids")
    def _compute_level_count(self):
        for scenario in self:
            scenario.level_count = len(scenario.level_ids)

    @api.depends("typology_ids")
    def _compute_typology_tag_ids(self):
        for scenario in self:
            scenario.typology_tag_ids = scenario.typology_ids

    def _inverse_typology_tag_ids(self):
        for scenario in self:
            removed = scenario.typology_ids - scenario.typology_tag_ids
            removed.write({"scenario_id": False})
            added = scenario.typology_tag_ids - scenario.typology_ids
            added.write({"scenario_id": scenario.id})

    @api.depends("company_id.collection_default_scenario_id")
    def _compute_is_company_default(self):
        for scenario in self:
            scenario.is_company_default = (
                scenario.company_id.collection_default_scenario_id == scenario
            )

    def action_set_company_default(self):
        """Make this scenario the default one of its company.

        Whoever may change the scenario may do so: collection managers, who
        do not necessarily have the right to edit the company itself.
        """
        self.ensure_one()
        self.check_access("write")
        self.company_id.sudo().collection_default_scenario_id = self
        return True

    # Consistency of the levels

    @api.model_create_multi
    def create(self, vals_list):
        scenarios = super(
            CollectionScenario, self.with_context(**{DEFER_LEVEL_CHECK: True})
        ).create(vals_list)
        scenarios._check_level_order()
        return scenarios.with_env(self.env)

    def write(self, vals):
        Level = self.env["collection.level"]
        # Levels follow their scenario's company: rules may lose a number.
        before = (
            Level._numbers_by_company(self.company_id) if "company_id" in vals else None
        )
        if "level_ids" not in vals:
            result = super().write(vals)
        else:
            result = super(
                CollectionScenario, self.with_context(**{DEFER_LEVEL_CHECK: True})
            ).write(vals)
            self._check_level_order()
        if vals.get("active") is False:
            self._check_not_company_default(_("archived"))
        if before is not None:
            Level._check_numbers_kept(before, _("moved to another company"))
        return result

    def unlink(self):
        self._check_not_company_default(_("deleted"))
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_levels_set_by_rules(self):
        # Levels are deleted with their scenario by the database (cascade),
        # without their own unlink: check what rules lose here.
        Level = self.env["collection.level"]
        companies = self.company_id
        Level._check_numbers_kept(
            Level._numbers_by_company(companies),
            _("deleted"),
            after=Level._numbers_by_company(companies, without=self.level_ids),
        )

    def _check_not_company_default(self, what):
        for scenario in self:
            if scenario.is_company_default:
                raise UserError(
                    _(
                        "%(scenario)s is the default reminder scenario of "
                        "%(company)s and cannot be %(what)s. Choose another "
                        "default scenario in the settings first.",
                        scenario=scenario.name,
                        company=scenario.company_id.name,
                        what=what,
                    )
                )

    def _check_level_order(self):
        """At most one courtesy level, and delays growing with level numbers."""
        for scenario in self:
            levels = scenario.level_ids.sorted(
                lambda level: (level.level_number, level.id)
            )
            early = levels.filtered(lambda level: level.delay_days < 0)
            if len(early) > 1:
                raise ValidationError(
                    _(
                        "Scenario %(scenario)s has several reminders before the "
                        "due date (%(levels)s); only one courtesy reminder, level "
                        "0, may come before it.",
                        scenario=scenario.name,
                        levels=", ".join(early.mapped("name")),
                    )
                )
            if early and early.level_number != 0:
                raise ValidationError(
                    _(
                        "Scenario %(scenario)s: level %(number)s (%(level)s) comes "
                        "before the due date; only the courtesy reminder, level 0, "
                        "may do so. Give it number 0 or a delay of 0 days or more.",
                        scenario=scenario.name,
                        number=early.level_number,
                        level=early.name,
                    )
                )
            for previous, level in zip(levels, levels[1:], strict=False):
                if level.delay_days <= previous.delay_days:
                    raise ValidationError(
                        _(
                            "Scenario %(scenario)s: level %(number)s (%(level)s, "
                            "%(delay)s days) must come later than level "
                            "%(previous_number)s (%(previous)s, %(previous_delay)s "
                            "days). A higher level number needs a longer delay.",
                            scenario=scenario.name,
                            number=level.level_number,
                            level=level.name,
                            delay=level.delay_days,
                            previous_number=previous.level_number,
                            previous=previous.name,
                            previous_delay=previous.delay_days,
                        )
                    )

    # Lookups used by the collection run

    def _level_for_number(self, number):
        """The level of this scenario with the given number, or an empty record."""
        self.ensure_one()
        return self.level_ids.filtered(lambda level: level.level_number == number)[:1]

    @api.model
    def _scenario_for_partner(self, partner, company=None):
        """The reminder scenario for a customer in a company.

        The scenario of the customer's typology when it is active and belongs
        to the company (typologies may be shared between companies, scenarios
        are not), else the company's default scenario; an empty record when
        the company has none.
        """
        company = company or self.env.company
        scenario = partner._collection_typology(company).scenario_id
        # A shared typology may name another company's scenario, which the
        # user may not read: only its company and state are looked at.
        if scenario.sudo().active and scenario.sudo().company_id == company:
            return scenario
        default = company.collection_default_scenario_id
        return default if default.active else self.browse()

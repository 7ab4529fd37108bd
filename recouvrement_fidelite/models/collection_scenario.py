# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class CollectionScenario(models.Model):
    """An ordered set of reminder levels, used by one or more typologies."""

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
    level_count = fields.Integer(compute="_compute_level_count")

    @api.depends("level_ids")
    def _compute_level_count(self):
        for scenario in self:
            scenario.level_count = len(scenario.level_ids)

    def _level_for_number(self, number):
        """The level of this scenario with the given number, or an empty record."""
        self.ensure_one()
        return self.level_ids.filtered(lambda level: level.level_number == number)[:1]

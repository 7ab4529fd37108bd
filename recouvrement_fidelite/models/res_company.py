# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_default_scenario_id = fields.Many2one(
        "collection.scenario",
        string="Default reminder scenario",
        domain="[('company_id', '=', id)]",
        help="Reminder levels used for customers whose typology has no scenario "
        "of this company, or who have no typology.",
    )
    collection_run_enabled = fields.Boolean(
        string="Daily collection run",
        help="Every day, apply the collection rules to the open invoices of "
        "this company: send the reminders that are due, plan calls and propose "
        "escalations. Off: reminders only leave when someone runs them by hand.",
    )
    collection_approver_id = fields.Many2one(
        "res.users",
        string="Reminder approver",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Reminders of levels that require approval are submitted to this "
        "person. Empty: any collection manager may approve them.",
    )

    @api.constrains("collection_default_scenario_id")
    def _check_collection_default_scenario(self):
        for company in self:
            scenario = company.collection_default_scenario_id
            if scenario and scenario.company_id != company:
                raise ValidationError(
                    _(
                        "The default reminder scenario of %(company)s must belong "
                        "to that company; %(scenario)s belongs to %(other)s.",
                        company=company.name,
                        scenario=scenario.name,
                        other=scenario.company_id.name,
                    )
                )

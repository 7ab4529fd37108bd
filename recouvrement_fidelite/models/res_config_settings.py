# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_default_scenario_id = fields.Many2one(
        related="company_id.collection_default_scenario_id", readonly=False
    )
    collection_run_enabled = fields.Boolean(
        related="company_id.collection_run_enabled", readonly=False
    )
    collection_approver_id = fields.Many2one(
        related="company_id.collection_approver_id", readonly=False
    )
    collection_contact_user_id = fields.Many2one(
        related="company_id.collection_contact_user_id", readonly=False
    )
    collection_contact_email = fields.Char(
        related="company_id.collection_contact_email"
    )
    collection_contact_phone = fields.Char(
        related="company_id.collection_contact_phone"
    )
    collection_interest_account_id = fields.Many2one(
        related="company_id.collection_interest_account_id", readonly=False
    )
    collection_indemnity_account_id = fields.Many2one(
        related="company_id.collection_indemnity_account_id", readonly=False
    )
    collection_write_off_account_id = fields.Many2one(
        related="company_id.collection_write_off_account_id", readonly=False
    )
    collection_write_off_journal_id = fields.Many2one(
        related="company_id.collection_write_off_journal_id", readonly=False
    )
    collection_law_country_id = fields.Many2one(
        related="company_id.collection_law_country_id", readonly=False
    )
    collection_letter_deadline_days = fields.Integer(
        related="company_id.collection_letter_deadline_days", readonly=False
    )
    collection_history_months = fields.Integer(
        related="company_id.collection_history_months", readonly=False
    )
    collection_promise_grace_days = fields.Integer(
        related="company_id.collection_promise_grace_days", readonly=False
    )
    collection_unanswered_calls_days = fields.Integer(
        related="company_id.collection_unanswered_calls_days", readonly=False
    )
    collection_call_morning_from = fields.Float(
        related="company_id.collection_call_morning_from", readonly=False
    )
    collection_call_morning_to = fields.Float(
        related="company_id.collection_call_morning_to", readonly=False
    )
    collection_call_afternoon_from = fields.Float(
        related="company_id.collection_call_afternoon_from", readonly=False
    )
    collection_call_afternoon_to = fields.Float(
        related="company_id.collection_call_afternoon_to", readonly=False
    )
    collection_max_installments = fields.Integer(
        related="company_id.collection_max_installments", readonly=False
    )
    collection_plan_break_days = fields.Integer(
        related="company_id.collection_plan_break_days", readonly=False
    )
    collection_campaign_quiet_days = fields.Integer(
        related="company_id.collection_campaign_quiet_days", readonly=False
    )

    def _collection_action(self, xmlid, model):
        """The window action ``xmlid``, or a plain list of ``model``.

        The screens behind these buttons are declared by other files of the
        module; going through the ORM at click time instead of a
        ``%(xmlid)d`` button keeps the settings view independent of the
        order in which those files load.
        """
        action = self.env.ref(xmlid, raise_if_not_found=False)
        if action and action._name == "ir.actions.act_window":
            return self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        return {
            "type": "ir.actions.act_window",
            "name": self.env["ir.model"]._get(model).name,
            "res_model": model,
            "view_mode": "list,form",
        }

    def action_collection_typologies(self):
        return self._collection_action(
            "recouvrement_fidelite.collection_typology_action", "collection.typology"
        )

    def action_collection_scenarios(self):
        return self._collection_action(
            "recouvrement_fidelite.collection_scenario_action", "collection.scenario"
        )

    def action_collection_rule_sets(self):
        return self._collection_action(
            "recouvrement_fidelite.collection_rule_set_action", "collection.rule.set"
        )

    collection_portal_link_days = fields.Integer(
        related="company_id.collection_portal_link_days", readonly=False
    )
    collection_portal_post_limit = fields.Integer(
        related="company_id.collection_portal_post_limit", readonly=False
    )
    collection_portal_promise_days = fields.Integer(
        related="company_id.collection_portal_promise_days", readonly=False
    )

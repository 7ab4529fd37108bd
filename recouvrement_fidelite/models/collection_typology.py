# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class CollectionTypology(models.Model):
    """A kind of customer, with its reminder scenario and how to recognise it.

    The suggestion criteria are ranges on the customer's payment history over
    the last months; the first typology (in sequence order) whose ranges all
    hold is suggested on the customer.
    """

    _name = "collection.typology"
    _description = "Customer typology"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical name used in collection rules (e.g. late_payer).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the typology between companies."
    )
    scenario_id = fields.Many2one(
        "collection.scenario",
        string="Reminder scenario",
        help="Reminder levels used for customers of this typology; empty: the "
        "company's default scenario.",
    )
    suggest = fields.Boolean(
        string="Suggest from payment history",
        help="Suggest this typology for customers whose payment history fits "
        "the ranges below.",
    )
    auto_apply = fields.Boolean(
        string="Apply suggestion automatically",
        help="The monthly scheduled action sets this typology on customers it "
        "is suggested for, instead of only showing the suggestion.",
    )
    min_late_ratio = fields.Float(string="Late payments from (%)", default=0.0)
    max_late_ratio = fields.Float(string="Late payments up to (%)", default=100.0)
    min_average_days_late = fields.Float(string="Average delay from (days)")
    max_average_days_late = fields.Float(
        string="Average delay up to (days)", default=9999.0
    )
    min_invoiced = fields.Float(
        string="Invoiced at least",
        help="Amount invoiced over the period, in company currency.",
    )
    min_invoice_count = fields.Integer(string="Invoices at least")
    partner_count = fields.Integer(compute="_compute_partner_count")

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(code, company_id)",
            "A typology code must be unique per company.",
        )
    ]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("collection_typology_id", "in", self.ids)],
                ["collection_typology_id"],
                ["__count"],
            )
        )
        for typology in self:
            typology.partner_count = counts.get(typology, 0)

    def _fits(self, stats):
        """Whether payment ``stats`` (see res.partner) fall in this typology's ranges."""
        self.ensure_one()
        return (
            self.min_late_ratio <= stats["late_ratio"] <= self.max_late_ratio
            and self.min_average_days_late
            <= stats["average_days_late"]
            <= self.max_average_days_late
            and stats["invoiced"] >= self.min_invoiced
            and stats["invoice_count"] >= self.min_invoice_count
        )

    @api.model
    def _suggest_for(self, stats, company):
        """The first suggestable typology whose ranges hold, or an empty record."""
        candidates = self.search(
            [("suggest", "=", True), ("company_id", "in", [False, company.id])]
        )
        return next((t for t in candidates if t._fits(stats)), self.browse())

    def action_view_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("collection_typology_id", "=", self.id)],
        }

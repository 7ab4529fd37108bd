# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class CollectionRunWizard(models.TransientModel):
    """Run the collection by hand: a dry run first, then for real."""

    _name = "collection.run.wizard"
    _description = "Run the collection"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    dry_run = fields.Boolean(
        default=True,
        help="Show every decision without sending or writing anything.",
    )
    state = fields.Selection(
        [("draft", "To run"), ("dry", "Dry run done"), ("done", "Run done")],
        default="draft",
    )
    line_ids = fields.One2many("collection.run.wizard.line", "wizard_id")
    invoice_count = fields.Integer(readonly=True)
    planned_invoice_count = fields.Integer(
        string="Invoices concerned", compute="_compute_planned_totals"
    )
    planned_amount = fields.Monetary(
        string="Amount due on them",
        compute="_compute_planned_totals",
        currency_field="currency_id",
        help="What is left to pay on the invoices concerned, each counted once.",
    )
    selected_count = fields.Integer(
        string="Actions selected", compute="_compute_planned_totals"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    skipped_rule_sets = fields.Text(
        string="Rule sets left out",
        readonly=True,
        help="Invalid rule sets, left out of the dry run as they would be out "
        "of the run.",
    )
    run_id = fields.Many2one("collection.run", readonly=True)
    done_count = fields.Integer(related="run_id.done_count")
    pending_count = fields.Integer(related="run_id.pending_count")
    waiting_count = fields.Integer(related="run_id.waiting_count")
    failed_count = fields.Integer(related="run_id.failed_count")
    action_count = fields.Integer(related="run_id.action_count")

    @api.depends("line_ids.selected", "line_ids.invoice_id")
    def _compute_planned_totals(self):
        for wizard in self:
            invoices = wizard.line_ids.invoice_id
            wizard.planned_invoice_count = len(invoices)
            wizard.planned_amount = sum(invoices.mapped("amount_residual_signed"))
            wizard.selected_count = len(wizard.line_ids.filtered("selected"))

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Run the collection"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            # The decisions are a wide table: names and explanations whole.
            "context": dict(self.env.context, dialog_size="extra-large"),
        }

    def action_run(self):
        self.ensure_one()
        if self.dry_run:
            self._dry_run()
            self.state = "dry"
        else:
            self._run({})
        return self._reopen()

    def _run(self, values):
        run = self.env["collection.run"].create(
            dict(values, company_id=self.company_id.id, trigger="manual")
        )
        run.with_company(self.company_id)._process()
        self.write(
            {"run_id": run.id, "state": "done", "invoice_count": run.invoice_count}
        )

    def action_run_for_real(self):
        """Run for real what the dry run showed, or only the lines kept.

        With every line ticked, this is the day's run. With some lines
        unticked, the run is limited to the customers and the actions ticked:
        it plans again (what changed since the dry run counts: a payment, a
        dispute) and records only the actions that were ticked.
        """
        self.ensure_one()
        self.dry_run = False
        selected = self.line_ids.filtered("selected")
        if not selected:
            raise UserError(_("Tick at least one action to run for real."))
        if selected == self.line_ids:
            self._run({})
        else:
            self._run(
                {
                    "limit_partner_ids": [Command.set(selected.partner_id.ids)],
                    "limit_action_keys": "\n".join(
                        key for key in selected.mapped("dedup_key") if key
                    ),
                }
            )
        return self._reopen()

    def _dry_run(self, batch_size=500):
        company = self.company_id
        today = fields.Date.context_today(self)
        planner = self.env["collection.planner"]
        invoices = planner._candidates(company, today)
        session = planner._session(company, today)
        skipped = "\n".join(
            message for _rule_set, message in session.evaluator.skipped_rule_sets
        )
        lines = []
        for _batch, _results, planned in session.plan(invoices, batch_size):
            for values in planned:
                line = {
                    key: values.get(key)
                    for key in (
                        "dedup_key",
                        "invoice_id",
                        "partner_id",
                        "level_id",
                        "kind",
                        "channel",
                        "state",
                        "rule",
                        "failure_reason",
                    )
                }
                if values.get("explanation_data"):
                    line["explanation"] = session.words.stored_explanation_text(
                        values["explanation_data"]
                    )
                lines.append(line)
        self.line_ids.unlink()
        self.write(
            {
                "line_ids": [(0, 0, values) for values in lines],
                "invoice_count": len(invoices),
                "skipped_rule_sets": skipped or False,
            }
        )

    @api.model
    def action_open_approvals(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_fidelite.collection_action_action_to_approve"
        )

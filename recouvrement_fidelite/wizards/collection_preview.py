# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models


class CollectionPreview(models.TransientModel):
    """What a rule set would decide on today's open invoices, without acting.

    Administrators check a rule change here before activating it: per open
    invoice, the rules that would trigger, the decisions and why. Nothing is
    written anywhere but on the preview itself.
    """

    _name = "collection.preview"
    _description = "Rule set preview"

    rule_set_id = fields.Many2one(
        "collection.rule.set",
        string="Rule set",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(related="rule_set_id.company_id")
    only_hits = fields.Boolean(
        string="Only invoices with a decision",
        default=True,
        help="Hide the open invoices on which no rule triggers.",
    )
    line_ids = fields.One2many(
        "collection.preview.line", "preview_id", string="Invoices"
    )
    invoice_count = fields.Integer(string="Open invoices evaluated", readonly=True)
    hit_count = fields.Integer(string="Invoices with a triggered rule", readonly=True)
    error_count = fields.Integer(string="Invoices in error", readonly=True)

    @api.depends("rule_set_id.name")
    def _compute_display_name(self):
        for preview in self:
            preview.display_name = _("Preview: %s", preview.rule_set_id.name)

    @api.model
    def _batch_size(self):
        return 1000

    def action_compute(self):
        """Evaluate the rule set on every open invoice of its company."""
        self.ensure_one()
        engine = self.env["collection.engine"]
        company = self.rule_set_id.company_id
        session = self.env["collection.planner"]._session(
            company,
            fields.Date.context_today(self),
            engine._evaluator(company, self.rule_set_id),
        )
        invoices = self.env["account.move"].search(
            engine._open_invoice_domain(company), order="invoice_date_due, id"
        )
        lines = []
        hits = errors = 0
        for batch, results in session.decide(invoices, self._batch_size()):
            for invoice, result in zip(batch, results, strict=True):
                if result.error:
                    errors += 1
                elif result.triggered:
                    hits += 1
                elif self.only_hits:
                    continue
                lines.append(self._line_values(invoice, result, session.words))
        self.line_ids.unlink()
        self.write(
            {
                "line_ids": [fields.Command.create(values) for values in lines],
                "invoice_count": len(invoices),
                "hit_count": hits,
                "error_count": errors,
            }
        )
        return True

    @api.model
    def _line_values(self, invoice, result, words):
        return {
            "invoice_id": invoice.id,
            "rules": "\n".join(e.rule for e in result.triggered),
            "decisions": "\n".join(words.decision_text(d) for d in result.decisions),
            "explanation": "\n".join(
                words.explanation_text(e) for e in result.triggered
            ),
            "error": result.error or False,
        }

    def action_refresh(self):
        """Evaluate again (after a rule change, or to show every invoice)."""
        self.action_compute()
        return {
            "type": "ir.actions.act_window",
            "name": _("Preview: %s", self.rule_set_id.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models


class CollectionPreview(models.TransientModel):
    """What a rule set would decide on today's open invoices, without acting.

    Administrators check a rule change here before activating it: per open
    invoice, the rules that would trigger, the decisions and why.
    """

    _name = "collection.preview"
    _description = "Rule set preview"

    rule_set_id = fields.Many2one("collection.rule.set", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="rule_set_id.company_id")
    only_hits = fields.Boolean(
        string="Only invoices with a decision",
        default=True,
        help="Hide the open invoices on which no rule triggers.",
    )
    line_ids = fields.One2many("collection.preview.line", "preview_id", string="Invoices")
    invoice_count = fields.Integer(string="Open invoices evaluated", readonly=True)
    hit_count = fields.Integer(string="Invoices with a triggered rule", readonly=True)
    error_count = fields.Integer(string="Invoices in error", readonly=True)

    @api.model
    def _batch_size(self):
        return 1000

    def action_compute(self):
        """Evaluate the rule set on every open invoice of its company."""
        self.ensure_one()
        engine = self.env["collection.engine"]
        company = self.rule_set_id.company_id
        evaluator = engine._evaluator(company, self.rule_set_id)
        invoices = self.env["account.move"].search(
            engine._open_invoice_domain(company), order="invoice_date_due, id"
        )
        lines = []
        hits = errors = 0
        size = self._batch_size()
        for start in range(0, len(invoices), size):
            batch = invoices[start : start + size]
            results = evaluator.evaluate_many(engine._facts(batch))
            for invoice, result in zip(batch, results, strict=True):
                if result.error:
                    errors += 1
                elif result.triggered:
                    hits += 1
                elif self.only_hits:
                    continue
                lines.append(self._line_values(invoice, result))
        self.line_ids.unlink()
        self.write(
            {
                "line_ids": [(0, 0, values) for values in lines],
                "invoice_count": len(invoices),
                "hit_count": hits,
                "error_count": errors,
            }
        )
        return True

    def _line_values(self, invoice, result):
        action_labels = {
            action["name"]: action["label"]
            for action in self.env["collection.engine"]._catalogue(
                invoice.company_id
            ).export()["actions"]
        }
        decisions = [
            "%s %s"
            % (
                action_labels.get(decision.action, decision.action),
                ", ".join(f"{k}={v}" for k, v in decision.params.items() if v not in ("", None)),
            )
            for decision in result.decisions
        ]
        return {
            "invoice_id": invoice.id,
            "rules": ", ".join(e.rule for e in result.triggered),
            "decisions": "\n".join(decisions),
            "explanation": "\n".join(e.text() for e in result.triggered),
            "error": result.error or False,
        }

    def action_refresh(self):
        self.action_compute()
        return {
            "type": "ir.actions.act_window",
            "name": _("Preview: %s", self.rule_set_id.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

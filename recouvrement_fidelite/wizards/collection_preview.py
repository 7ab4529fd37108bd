# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models


class CollectionPreview(models.TransientModel):
    """What a rule set would decide on today's open invoices, without acting.

    Administrators check a rule change here before activating it: per open
    invoice, the rules that would trigger, the decisions, why, and what the
    collection run would do with them. The preview decides exactly as the
    run does (the same plan loop, ``collection.planner``): invoices the run
    leaves alone (paused, disputed, not in the collection yet) are not
    evaluated and say why; a customer who owes nothing gets nothing; what
    is already done is not done again. Nothing is written anywhere but on
    the preview itself.
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
    acted_count = fields.Integer(
        string="Invoices the run would act on",
        readonly=True,
        help="Invoices for which the collection run would record an action "
        "today with this rule set.",
    )
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
        planner = self.env["collection.planner"]
        company = self.rule_set_id.company_id
        today = fields.Date.context_today(self)
        session = planner._session(
            company, today, engine._evaluator(company, self.rule_set_id)
        )
        invoices = self.env["account.move"].search(
            engine._open_invoice_domain(company), order="invoice_date_due, id"
        )
        candidates = set(planner._candidates(company, today).ids)
        Action = self.env["collection.action"]
        # The labels of kinds and channels, read once for every line.
        labels = (
            dict(Action._fields["kind"]._description_selection(self.env)),
            dict(Action._fields["channel"]._description_selection(self.env)),
        )
        lines = []
        hits = errors = acted = 0
        decided = invoices.filtered(lambda invoice: invoice.id in candidates)
        for batch, results in session.decide(decided, self._batch_size()):
            planned = planner._planned(session, batch, results)
            kept = {id(values) for values in planner._without_recorded(planned)}
            by_invoice = {}
            for values in planned:
                by_invoice.setdefault(values["invoice_id"], []).append(
                    (values, id(values) in kept)
                )
            for invoice, result in zip(batch, results, strict=True):
                invoice_planned = by_invoice.get(invoice.id, [])
                if any(new for _values, new in invoice_planned):
                    acted += 1
                if result.error:
                    errors += 1
                elif result.triggered:
                    hits += 1
                elif self.only_hits:
                    continue
                lines.append(
                    dict(
                        self._line_values(invoice, result, session.words),
                        outcome=self._outcome(session, result, invoice_planned, labels),
                    )
                )
        if not self.only_hits:
            for invoice in invoices - decided:
                lines.append(
                    {
                        "invoice_id": invoice.id,
                        "left_alone": True,
                        "outcome": planner._left_alone_reason(invoice, company, today),
                    }
                )
        self.line_ids.unlink()
        self.write(
            {
                "line_ids": [fields.Command.create(values) for values in lines],
                "invoice_count": len(invoices),
                "hit_count": hits,
                "acted_count": acted,
                "error_count": errors,
            }
        )
        return True

    @api.model
    def _outcome(self, session, result, planned, labels):
        """What the run would do for one invoice, one action a line;
        ``labels``: the kinds' and the channels' labels, by value."""
        if result.error:
            return _("Nothing: the rules cannot be evaluated on this invoice.")
        if session.planner._owes_nothing(session, result):
            return _(
                "Nothing: the customer owes nothing in total (their credit "
                "notes and payments not yet matched cover their invoices)."
            )
        if not planned:
            return _("Nothing today.")
        kinds, channels = labels
        levels = self.env["collection.level"].browse(
            {values.get("level_id") for values, _new in planned} - {False}
        )
        level_names = {level.id: level.name for level in levels}
        lines = []
        for values, new in planned:
            what = kinds.get(values["kind"], values["kind"])
            if values.get("channel") not in (None, "none"):
                what = _(
                    "%(kind)s by %(channel)s",
                    kind=what,
                    channel=channels[values["channel"]],
                )
            if values.get("level_id"):
                what = _(
                    "%(action)s, level %(level)s",
                    action=what,
                    level=level_names[values["level_id"]],
                )
            if values.get("state") == "failed":
                what = _(
                    "Fails: %(reason)s", reason=values.get("failure_reason") or "-"
                )
            elif not new:
                what = _("%s: already recorded, not done again", what)
            elif values.get("state") == "proposed":
                what = _("%s (waits for approval)", what)
            lines.append(f"• {what}")
        return "\n".join(lines)

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

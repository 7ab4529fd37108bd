# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Writing off the claim of an escalation case.

Anyone handling the case requests it, with the reason (the write-off stage);
a collection manager approves or refuses it. Approved, what is left to pay
on the invoices is booked through Odoo accounting: one journal entry in the
company's write-off journal, crediting each invoice's receivable (matched
with it, so that the invoice is paid) and debiting the bad-debt account of
the settings; the case closes as written off. Refused, the case goes back
to the stage it came from.

Only the principal is written off (late interest and the indemnity were
never booked). The VAT on the invoices is not adjusted: recovering it on an
irrecoverable claim takes a credit note the accountant issues once the loss
is certain (France: CGI art. 272).
"""

from markupsafe import Markup

from odoo import Command, _, fields, models
from odoo.exceptions import UserError

from .account_move import COLLECTION_MANAGER_GROUP

WRITE_OFF_STATES = [
    ("requested", "Requested"),
    ("approved", "Booked"),
    ("refused", "Refused"),
]


class CollectionCase(models.Model):
    _inherit = "collection.case"

    write_off_state = fields.Selection(
        WRITE_OFF_STATES,
        string="Write-off",
        readonly=True,
        copy=False,
        tracking=True,
    )
    write_off_reason = fields.Text(
        string="Why write off",
        readonly=True,
        copy=False,
        help="Why the claim is not worth pursuing: the debtor is insolvent, "
        "the costs would exceed the claim, the claim is time-barred…",
    )
    write_off_requested_by = fields.Many2one(
        "res.users", string="Requested by", readonly=True, copy=False
    )
    write_off_request_date = fields.Date(
        string="Requested on", readonly=True, copy=False
    )
    write_off_decided_by = fields.Many2one(
        "res.users", string="Decided by", readonly=True, copy=False
    )
    write_off_date = fields.Date(string="Decision on", readonly=True, copy=False)
    write_off_move_id = fields.Many2one(
        "account.move", string="Write-off entry", readonly=True, copy=False
    )
    write_off_amount = fields.Monetary(
        string="Amount written off", readonly=True, copy=False
    )

    # Requesting

    def action_request_write_off(self):
        self.ensure_one()
        self._check_user()
        self._check_state("open")
        return {
            "type": "ir.actions.act_window",
            "name": _("Request the write-off"),
            "res_model": "collection.case.write.off",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _request_write_off(self, reason):
        """Ask a collection manager to write off the claim (the write-off
        stage), for ``reason``."""
        self.ensure_one()
        if not (reason or "").strip():
            raise UserError(
                _("Say why the claim of %s should be written off.", self.name)
            )
        self.with_context(collection_write_off_reason=reason)._enter_stage("write_off")

    def _stage_entered(self):
        if self.stage != "write_off":
            return super()._stage_entered()
        reason = self.env.context.get("collection_write_off_reason") or _(
            "Decided by the collection rules."
        )
        self.write(
            {
                "write_off_state": "requested",
                "write_off_reason": reason,
                "write_off_requested_by": self.env.user.id,
                "write_off_request_date": fields.Date.context_today(self),
            }
        )
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                _(
                    "Write-off of %(amount)s requested by %(user)s.",
                    amount=self._format(self.amount_principal),
                    user=self.env.user.name,
                ),
                reason,
            )
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self._stage_task(),
            note=reason,
            user_id=self._write_off_approver().id,
            date_deadline=fields.Date.context_today(self),
        )

    def _write_off_approver(self):
        """Who approves write-offs: the company's approver when a collection
        manager, else the first collection manager of the company."""
        approver = self.company_id.collection_approver_id
        if approver and approver.has_group(COLLECTION_MANAGER_GROUP):
            return approver
        managers = (
            self.env.ref(COLLECTION_MANAGER_GROUP)
            .sudo()
            .users.filtered(lambda u: self.company_id in u.company_ids and not u.share)
        )
        return managers[:1] or self.env.user

    def _next_step(self):
        text = super()._next_step()
        if text or self.stage != "write_off":
            return text
        if self.write_off_state == "requested":
            return _("Write-off waiting for a collection manager's approval")
        return ""

    # Deciding (collection managers)

    def _check_write_off_requested(self):
        self._check_manager(_("approve or refuse a write-off"))
        for case in self:
            if case.state != "open" or case.write_off_state != "requested":
                raise UserError(
                    _("%(case)s has no write-off waiting for approval.", case=case.name)
                )

    def action_approve_write_off(self):
        """Book the write-off and close the case."""
        self._check_write_off_requested()
        for case in self:
            move = case._book_write_off()
            case.write(
                {
                    "write_off_state": "approved",
                    "write_off_decided_by": self.env.user.id,
                    "write_off_date": fields.Date.context_today(case),
                    "write_off_move_id": move.id,
                    "write_off_amount": -sum(
                        move.line_ids.filtered(
                            lambda line: (
                                line.account_id.account_type == "asset_receivable"
                            )
                        ).mapped("amount_currency")
                    ),
                }
            )
            case.message_post(
                body=Markup(_("Write-off approved by %(user)s: %(entry)s."))
                % {
                    "user": self.env.user.name,
                    "entry": move._get_html_link(title=move.display_name),
                }
            )
            if case.state != "closed":
                case._close("written_off")
        return True

    def action_refuse_write_off(self):
        """Back to the stage the case came from."""
        self._check_write_off_requested()
        for case in self:
            previous = case.previous_stage or "formal_notice"
            case.with_context(collection_case_stage=True).write(
                {
                    "write_off_state": "refused",
                    "write_off_decided_by": self.env.user.id,
                    "write_off_date": fields.Date.context_today(case),
                    "stage": previous,
                    "previous_stage": "write_off",
                    "stage_date": fields.Date.context_today(case),
                }
            )
            case.activity_ids.filtered(
                lambda a, c=case: a.summary == c._stage_task("write_off")
            ).action_feedback(feedback=_("Write-off refused"))
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Write-off refused: decide the next step"),
                user_id=(
                    case.write_off_requested_by or case.user_id or self.env.user
                ).id,
                date_deadline=fields.Date.context_today(case),
            )
        return True

    def _book_write_off(self):
        """The write-off entry: each invoice's receivable credited for what
        is left to pay (matched with the invoice), the bad-debt account
        debited; posted."""
        self.ensure_one()
        company = self.company_id
        account = company.collection_write_off_account_id
        if not account:
            raise UserError(
                _(
                    "Choose the bad-debt account in Settings > Accounting > "
                    "Collection: escalation before writing off a claim."
                )
            )
        journal = company.collection_write_off_journal_id or self.env[
            "account.journal"
        ].search([("type", "=", "general"), ("company_id", "=", company.id)], limit=1)
        if not journal:
            raise UserError(
                _("%s has no miscellaneous operations journal.", company.name)
            )
        receivables = self.invoice_ids.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
                and line.parent_state == "posted"
            )
        )
        if not receivables:
            raise UserError(_("Nothing is left to write off on %s.", self.name))
        label = _("Write-off of %(case)s", case=self.name)
        names = {
            line: _("%(label)s: %(invoice)s", label=label, invoice=line.move_id.name)
            for line in receivables
        }
        lines = []
        for line in receivables:
            lines.append(
                Command.create(
                    {
                        "name": names[line],
                        "account_id": line.account_id.id,
                        "partner_id": line.partner_id.id,
                        "currency_id": line.currency_id.id,
                        "amount_currency": -line.amount_residual_currency,
                        "balance": -line.amount_residual,
                    }
                )
            )
        lines.append(
            Command.create(
                {
                    "name": label,
                    "account_id": account.id,
                    "partner_id": self.partner_id.id,
                    "currency_id": self.currency_id.id,
                    "amount_currency": sum(
                        receivables.mapped("amount_residual_currency")
                    ),
                    "balance": sum(receivables.mapped("amount_residual")),
                }
            )
        )
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "company_id": company.id,
                "date": fields.Date.context_today(self),
                "ref": label,
                "line_ids": lines,
            }
        )
        move.action_post()
        closing = self.with_context(collection_close_reason="written_off")
        for line in receivables:
            counterpart = move.line_ids.filtered(
                lambda ml, line=line: (
                    ml.account_id == line.account_id and ml.name == names[line]
                )
            )
            (line | counterpart).with_env(closing.env).reconcile()
        return move

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Handing an escalation case over to a collection agency (France: CPCE
L124-1, R124-1 and following).

- The agency is a partner marked as such, with its commission and the days
  it has to remit what it collects.
- The written mandate (a PDF) states the basis and amount of the debt
  broken down, the agency's pay and how the funds are remitted, and what
  the agency's first letter to the debtor must contain.
- The transfer hands the invoices over: they were already out of our
  reminders (the case pauses them), and the agency now writes to the
  customer. Status updates are logged; the amounts the agency collects are
  entered by hand or imported from its CSV report
  (``collection.case.agency.import``), each with its commission and the
  date it must be remitted by. A file may be recalled.

The amounts the agency collects are a follow-up of the agency: the
payment itself, once remitted, is registered on the invoices as any
customer payment (which closes the case when they are paid).
"""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

AGENCY_STATES = [
    ("mandate", "Mandate signed"),
    ("transferred", "Handed over"),
    ("recalled", "Recalled"),
]


class CollectionCase(models.Model):
    _inherit = "collection.case"

    agency_id = fields.Many2one(
        "res.partner",
        string="Agency",
        domain="[('collection_is_agency', '=', True)]",
        tracking=True,
        help="The collection agency the case is handed over to.",
    )
    agency_state = fields.Selection(
        AGENCY_STATES, string="Agency file", readonly=True, copy=False, tracking=True
    )
    agency_commission_rate = fields.Float(
        string="Commission (%)",
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="The agency's commission when the mandate was signed.",
    )
    agency_remit_days = fields.Integer(
        string="Remits within (days)", readonly=True, copy=False
    )
    agency_mandate_date = fields.Date(string="Mandate dated", readonly=True, copy=False)
    agency_mandate_id = fields.Many2one(
        "ir.attachment", string="Mandate", readonly=True, copy=False
    )
    agency_transfer_date = fields.Date(
        string="Handed over on", readonly=True, copy=False
    )
    agency_recall_date = fields.Date(string="Recalled on", readonly=True, copy=False)
    agency_reference = fields.Char(
        string="Agency's reference",
        copy=False,
        help="The agency's own number for the file, as its reports give it.",
    )
    agency_payment_ids = fields.One2many(
        "collection.case.agency.payment", "case_id", string="Collected by the agency"
    )
    agency_collected = fields.Monetary(
        string="Collected", compute="_compute_agency_amounts"
    )
    agency_commission = fields.Monetary(
        string="Agency commission", compute="_compute_agency_amounts"
    )
    agency_to_remit = fields.Monetary(
        string="To be remitted to us",
        compute="_compute_agency_amounts",
        help="Collected, less the commission and what was already remitted.",
    )
    agency_remit_late = fields.Boolean(
        string="Remittance late", compute="_compute_agency_amounts"
    )

    @api.depends(
        "agency_payment_ids.amount",
        "agency_payment_ids.commission",
        "agency_payment_ids.remitted_date",
        "agency_payment_ids.remit_by",
    )
    @api.depends_context("date")
    def _compute_agency_amounts(self):
        today = fields.Date.context_today(self)
        for case in self:
            payments = case.agency_payment_ids
            waiting = payments.filtered(lambda p: not p.remitted_date)
            case.agency_collected = sum(payments.mapped("amount"))
            case.agency_commission = sum(payments.mapped("commission"))
            case.agency_to_remit = sum(waiting.mapped("amount")) - sum(
                waiting.mapped("commission")
            )
            case.agency_remit_late = any(p.remit_by < today for p in waiting)

    def _next_step(self):
        text = super()._next_step()
        if text or self.stage != "agency":
            return text
        if self.agency_state == "recalled":
            return _("File recalled from the agency")
        if self.agency_state == "transferred":
            if self.agency_remit_late:
                return _("Handed over; a remittance is late")
            return _(
                "Handed over to %(agency)s; %(amount)s collected",
                agency=self.agency_id.display_name,
                amount=self._format(self.agency_collected),
            )
        if self.agency_state == "mandate":
            return _("Mandate signed; file to hand over")
        return _("Mandate to sign with an agency")

    @api.depends("agency_state", "agency_payment_ids.amount")
    def _compute_next_step(self):
        return super()._compute_next_step()

    # The mandate and the transfer

    def action_agency_mandate(self):
        """Print the mandate for the chosen agency, on its terms."""
        self._check_user()
        for case in self:
            case._check_state("open")
            case._check_stage("agency")
            if case.agency_state:
                raise UserError(
                    _("The mandate of %(case)s is already signed.", case=case.name)
                )
            agency = case.agency_id
            if not agency:
                raise UserError(
                    _("Choose the collection agency of %s first.", case.name)
                )
            if not agency.collection_is_agency:
                raise UserError(
                    _(
                        "%(partner)s is not marked as a collection agency.",
                        partner=agency.display_name,
                    )
                )
            case.write(
                {
                    "agency_state": "mandate",
                    "agency_mandate_date": fields.Date.context_today(case),
                    "agency_commission_rate": agency.collection_agency_commission,
                    "agency_remit_days": agency.collection_agency_remit_days,
                }
            )
            content, _kind = self.env["ir.actions.report"]._render_qweb_pdf(
                "recouvrement_fidelite.collection_case_agency_mandate", case.ids
            )
            mandate = self.env["ir.attachment"].create(
                {
                    "name": _(
                        "Collection mandate %(customer)s %(date)s.pdf",
                        customer=case.partner_id.name,
                        date=case.agency_mandate_date,
                    ),
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": case._name,
                    "res_id": case.id,
                }
            )
            case.write(
                {
                    "agency_mandate_id": mandate.id,
                    "document_ids": [fields.Command.link(mandate.id)],
                }
            )
            case.message_post(
                body=Markup(_("Mandate for %(agency)s printed: %(mandate)s."))
                % {"agency": agency.display_name, "mandate": mandate.name},
                attachment_ids=mandate.ids,
            )
        return True

    def action_agency_transfer(self):
        """Hand the file over to the agency (the mandate signed)."""
        self._check_user()
        for case in self:
            case._check_state("open")
            if case.agency_state != "mandate":
                raise UserError(
                    _(
                        "Sign the mandate of %(case)s before handing the file over.",
                        case=case.name,
                    )
                )
            case.write(
                {
                    "agency_state": "transferred",
                    "agency_transfer_date": fields.Date.context_today(case),
                }
            )
            body = _(
                "File handed over to the collection agency %(agency)s: it now "
                "contacts the customer; our reminders stay stopped.",
                agency=case.agency_id.display_name,
            )
            case.message_post(body=body)
            for invoice in case.invoice_ids:
                invoice._message_log(body=body)
            task = case._stage_task("agency")
            case.activity_ids.filtered(
                lambda a, task=task: a.summary == task
            ).action_feedback(feedback=_("Handed over"))
        return True

    def action_agency_recall(self):
        """Take the file back from the agency."""
        self._check_user()
        for case in self:
            if case.agency_state not in ("mandate", "transferred"):
                raise UserError(_("%(case)s is not with an agency.", case=case.name))
            case.write(
                {
                    "agency_state": "recalled",
                    "agency_recall_date": fields.Date.context_today(case),
                }
            )
            case.message_post(
                body=_(
                    "File recalled from %(agency)s.", agency=case.agency_id.display_name
                )
            )
            if case.state == "open":
                case.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("File recalled from the agency: decide the next step"),
                    user_id=(case.user_id or self.env.user).id,
                    date_deadline=fields.Date.context_today(case),
                )
        return True

    def _agency_record(self, values_list):
        """Record what the agency collected (``date``, ``amount``,
        ``reference``); the case must be with the agency."""
        self.ensure_one()
        if self.agency_state != "transferred":
            raise UserError(
                _(
                    "%(case)s is not handed over to an agency: nothing can be "
                    "collected for it.",
                    case=self.name,
                )
            )
        payments = self.env["collection.case.agency.payment"].create(
            [dict(values, case_id=self.id) for values in values_list]
        )
        return payments

    def action_print_agency_mandate(self):
        self.ensure_one()
        if self.agency_mandate_id:
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{self.agency_mandate_id.id}?download=true",
                "target": "self",
            }
        return self.env.ref(
            "recouvrement_fidelite.collection_case_agency_mandate_report"
        ).report_action(self)

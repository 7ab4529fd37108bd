# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The injunction to pay (injonction de payer) of an escalation case
(France: Code de procédure civile 1405 and following).

- Not possible while the debtor is in insolvency proceedings, nor for a
  time-barred invoice (:meth:`_stage_refusal`).
- The request goes to the court of the debtor's domicile: the commercial
  court between traders (form Cerfa 12946), the judicial court otherwise
  (Cerfa 12948). The dossier is a PDF: the request with the information the
  form asks for, then the invoices, the formal notice and its proofs.
- Once the order is made, it must be served within the legal profile's
  period (six months in France) or it lapses; once served, the debtor has
  the opposition period (one month) to oppose. Each is the case's deadline
  in turn, followed by an activity.
- The outcome: no opposition (the order becomes enforceable: ask for the
  enforcement formula), an opposition (the case goes to a hearing), the
  request rejected.
"""

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import pdf

COURT_KINDS = [
    ("commercial", "Commercial court"),
    ("judicial", "Judicial court"),
]
INJUNCTION_OUTCOMES = [
    ("enforceable", "No opposition: enforceable"),
    ("opposition", "Opposition"),
    ("rejected", "Request rejected"),
]


class CollectionCase(models.Model):
    _inherit = "collection.case"

    inj_court_kind = fields.Selection(
        COURT_KINDS,
        string="Court",
        compute="_compute_inj_court_kind",
        store=True,
        readonly=False,
        help="The commercial court for a claim between traders (form Cerfa "
        "12946), the judicial court otherwise (Cerfa 12948); the court of "
        "the debtor's domicile.",
    )
    inj_court_id = fields.Many2one(
        "res.partner",
        string="Court address",
        help="The registry of the court the request is filed with.",
    )
    inj_filed_date = fields.Date(
        string="Request filed on", readonly=True, copy=False, tracking=True
    )
    inj_dossier_id = fields.Many2one(
        "ir.attachment", string="Injunction dossier", readonly=True, copy=False
    )
    inj_order_date = fields.Date(string="Order made on", copy=False, tracking=True)
    inj_order_ref = fields.Char(string="Order reference", copy=False)
    inj_service_deadline = fields.Date(
        string="To serve by",
        compute="_compute_inj_deadlines",
        store=True,
        help="The order lapses when it is not served by then (the legal "
        "profile's period, six months in France).",
    )
    inj_served_date = fields.Date(string="Served on", copy=False, tracking=True)
    inj_opposition_deadline = fields.Date(
        string="Opposition possible until",
        compute="_compute_inj_deadlines",
        store=True,
        help="The end of the debtor's opposition period (one month in France).",
    )
    inj_outcome = fields.Selection(
        INJUNCTION_OUTCOMES, string="Injunction outcome", readonly=True, copy=False
    )
    inj_outcome_date = fields.Date(
        string="Injunction outcome on", readonly=True, copy=False
    )

    @api.depends("partner_id.collection_customer_type")
    def _compute_inj_court_kind(self):
        for case in self:
            if not case.inj_filed_date:
                case.inj_court_kind = (
                    "commercial"
                    if case.partner_id.collection_customer_type == "b2b"
                    else "judicial"
                )

    @api.depends("inj_order_date", "inj_served_date", "partner_id", "company_id")
    def _compute_inj_deadlines(self):
        for case in self:
            profile = case.legal_profile_id
            service = profile.injunction_service_months or 6
            opposition = profile.injunction_opposition_months or 1
            case.inj_service_deadline = (
                case.inj_order_date + relativedelta(months=service)
                if case.inj_order_date
                else False
            )
            case.inj_opposition_deadline = (
                case.inj_served_date + relativedelta(months=opposition)
                if case.inj_served_date
                else False
            )

    # Eligibility

    def _stage_refusal(self, stage):
        refusal = super()._stage_refusal(stage)
        if refusal or stage != "injunction":
            return refusal
        return self._insolvency_refusal(stage) or self._time_barred_refusal(stage)

    def _next_step(self):
        text = super()._next_step()
        if text or self.stage != "injunction":
            return text
        outcomes = dict(self._fields["inj_outcome"]._description_selection(self.env))
        if self.inj_outcome:
            return outcomes[self.inj_outcome]
        if self.inj_served_date:
            return _(
                "Order served; opposition possible until %(date)s",
                date=self._date(self.inj_opposition_deadline),
            )
        if self.inj_order_date:
            return _(
                "Order made; to serve by %(date)s",
                date=self._date(self.inj_service_deadline),
            )
        if self.inj_filed_date:
            return _("Request filed with the court")
        return _("Request to file with the court")

    @api.depends("inj_filed_date", "inj_order_date", "inj_served_date", "inj_outcome")
    def _compute_next_step(self):
        return super()._compute_next_step()

    # Filing

    def action_injunction_file(self):
        """Print the dossier and record the request as filed."""
        self._check_user()
        for case in self:
            case._check_state("open")
            case._check_stage("injunction")
            if case.inj_filed_date:
                raise UserError(
                    _(
                        "The request of %(case)s was filed on %(date)s.",
                        case=case.name,
                        date=case._date(case.inj_filed_date),
                    )
                )
            case.inj_filed_date = fields.Date.context_today(case)
            dossier = case._injunction_dossier()
            case.write(
                {
                    "inj_dossier_id": dossier.id,
                    "document_ids": [fields.Command.link(dossier.id)],
                }
            )
            case.message_post(
                body=Markup(_("Request for an injunction to pay filed: %s."))
                % dossier.name,
                attachment_ids=dossier.ids,
            )
            task = case._stage_task("injunction")
            case.activity_ids.filtered(
                lambda a, task=task: a.summary == task
            ).action_feedback(feedback=_("Request filed"))
        return True

    def _injunction_dossier(self):
        """The request (with the information of the Cerfa form), then the
        invoices, the formal notice and the other PDFs of the case."""
        self.ensure_one()
        Report = self.env["ir.actions.report"]
        request, kind = Report._render_qweb_pdf(
            "recouvrement_fidelite.collection_case_injunction", self.ids
        )
        content = request
        if kind == "pdf":
            parts = [request]
            for invoice in self.invoice_ids.sorted("name"):
                part, _kind = Report._render_qweb_pdf(
                    "account.account_invoices", invoice.ids
                )
                parts.append(part)
            parts += [
                attachment.raw
                for attachment in self._dossier_annexes()
                if attachment != self.inj_dossier_id
            ]
            content = pdf.merge_pdf(parts)
        return self.env["ir.attachment"].create(
            {
                "name": _(
                    "Injunction to pay dossier %(customer)s %(date)s.pdf",
                    customer=self.partner_id.name,
                    date=self.inj_filed_date,
                ),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )

    def _dossier_annexes(self):
        return super()._dossier_annexes().filtered(lambda a: a != self.inj_dossier_id)

    # The order and its deadlines

    def write(self, vals):
        result = super().write(vals)
        if vals.get("inj_order_date") or vals.get("inj_served_date"):
            for case in self:
                case._check_injunction_dates()
                if vals.get("inj_served_date"):
                    deadline = case.inj_opposition_deadline
                    summary = _("Opposition period over: record the outcome")
                else:
                    deadline = case.inj_service_deadline
                    summary = _("Have the order served before it lapses")
                case.date_deadline = deadline
                case.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=summary,
                    user_id=(case.user_id or self.env.user).id,
                    date_deadline=fields.Date.add(deadline, days=1)
                    if vals.get("inj_served_date")
                    else fields.Date.subtract(deadline, days=15),
                )
        return result

    def _check_injunction_dates(self):
        self.ensure_one()
        if not self.inj_filed_date:
            raise UserError(
                _(
                    "File the request of %(case)s before recording the order.",
                    case=self.name,
                )
            )
        if self.inj_order_date and self.inj_order_date < self.inj_filed_date:
            raise UserError(
                _(
                    "The order cannot be made before the request was filed (%(date)s).",
                    date=self._date(self.inj_filed_date),
                )
            )
        if self.inj_served_date:
            if not self.inj_order_date or self.inj_served_date < self.inj_order_date:
                raise UserError(
                    _("The order is served after it is made: record its date first.")
                )
            if self.inj_served_date > self.inj_service_deadline:
                raise UserError(
                    _(
                        "The order lapsed on %(date)s: it was not served within "
                        "the period of the legal profile.",
                        date=self._date(self.inj_service_deadline),
                    )
                )

    def _injunction_outcome(self, outcome):
        today = fields.Date.context_today(self)
        for case in self:
            case._check_user()
            case._check_state("open")
            case._check_stage("injunction")
            if case.inj_outcome:
                raise UserError(
                    _("The outcome of %(case)s is already recorded.", case=case.name)
                )
            if outcome == "rejected" and not case.inj_filed_date:
                raise UserError(_("File the request of %s first.", case.name))
            if outcome in ("enforceable", "opposition") and not case.inj_served_date:
                raise UserError(
                    _("Record when the order of %s was served first.", case.name)
                )
            if (
                outcome == "enforceable"
                and case.inj_opposition_deadline
                and today <= case.inj_opposition_deadline
            ):
                raise UserError(
                    _(
                        "The debtor may oppose until %(date)s: the order becomes "
                        "enforceable after that date.",
                        date=case._date(case.inj_opposition_deadline),
                    )
                )
            case.write(
                {
                    "inj_outcome": outcome,
                    "inj_outcome_date": today,
                    "date_deadline": False,
                }
            )
            summary = {
                "enforceable": _(
                    "Ask the court for the enforcement formula, then a "
                    "commissaire de justice to enforce the order"
                ),
                "opposition": _("Opposition: prepare the hearing"),
                "rejected": _("Request rejected: decide the next step"),
            }[outcome]
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                user_id=(case.user_id or self.env.user).id,
                date_deadline=today,
            )
        return True

    def action_injunction_enforceable(self):
        return self._injunction_outcome("enforceable")

    def action_injunction_opposition(self):
        return self._injunction_outcome("opposition")

    def action_injunction_rejected(self):
        return self._injunction_outcome("rejected")

    def action_print_injunction_dossier(self):
        self.ensure_one()
        if self.inj_dossier_id:
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{self.inj_dossier_id.id}?download=true",
                "target": "self",
            }
        return self.env.ref(
            "recouvrement_fidelite.collection_case_injunction_report"
        ).report_action(self)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The simplified small-claims procedure of an escalation case (France:
procédure simplifiée de recouvrement des petites créances, CPCE L125-1 and
R125-1 to R125-8).

- Eligibility (:meth:`_stage_refusal`): the customer's legal profile offers
  it (a threshold), principal and interest together within the threshold
  (up to and including it when the profile says so), the debtor not in
  insolvency proceedings, no invoice time-barred. The invoices are
  contractual debts by nature.
- The request goes to a commissaire de justice chosen among the partners
  marked as such, with the dossier as one PDF (the request, the invoices,
  the reminders sent, the formal notice and its proofs of delivery).
- Once the commissaire has invited the debtor, the debtor has the answer
  period of the legal profile (one month in France) to answer.
- The outcome: an agreement (the commissaire issues an enforceable title,
  and the agreed schedule becomes a payment plan), or a refusal or silence
  (the procedure failed: an injunction to pay is proposed; the failed
  procedure counts as the prior amicable attempt, CPC 750-1).
- Its costs stay with the creditor: they are recorded as borne by us.
"""

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, pdf
from odoo.tools.translate import LazyTranslate

from .failure_messages import message

_lt = LazyTranslate(__name__)

OUTCOMES = [
    ("agreement", "Agreement"),
    ("refusal", "Refusal"),
    ("silence", "No answer"),
]


class CollectionCase(models.Model):
    _inherit = "collection.case"

    sc_bailiff_id = fields.Many2one(
        "res.partner",
        string="Commissaire de justice",
        domain="[('collection_is_bailiff', '=', True)]",
        tracking=True,
        help="The commissaire de justice who runs the procedure: one of the "
        "partners marked as such, of the area of the debtor's domicile.",
    )
    sc_request_date = fields.Date(
        string="Request sent on", readonly=True, copy=False, tracking=True
    )
    sc_dossier_id = fields.Many2one(
        "ir.attachment", string="Dossier", readonly=True, copy=False
    )
    sc_notified_date = fields.Date(
        string="Debtor invited on",
        copy=False,
        tracking=True,
        help="The date the commissaire de justice invited the debtor (by "
        "registered letter or electronic message): the answer period runs "
        "from it.",
    )
    sc_answer_deadline = fields.Date(
        string="Answer expected by",
        compute="_compute_sc_answer_deadline",
        store=True,
        help="The end of the debtor's answer period (the legal profile's, one "
        "month in France).",
    )
    sc_outcome = fields.Selection(
        OUTCOMES, string="Outcome", readonly=True, copy=False, tracking=True
    )
    sc_outcome_date = fields.Date(string="Outcome on", readonly=True, copy=False)
    sc_title_ref = fields.Char(
        string="Enforceable title",
        copy=False,
        help="The reference of the enforceable title the commissaire de "
        "justice issued on the agreement.",
    )
    sc_plan_id = fields.Many2one(
        "collection.payment.plan",
        string="Agreed payment plan",
        readonly=True,
        copy=False,
    )

    @api.depends("sc_notified_date", "partner_id", "company_id")
    def _compute_sc_answer_deadline(self):
        for case in self:
            months = case.legal_profile_id.small_claims_answer_months or 1
            case.sc_answer_deadline = (
                case.sc_notified_date + relativedelta(months=months)
                if case.sc_notified_date
                else False
            )

    # Eligibility

    def _stage_refusal(self, stage):
        refusal = super()._stage_refusal(stage)
        if refusal or stage != "small_claims":
            return refusal
        return (
            self._small_claims_threshold_refusal()
            or self._insolvency_refusal(stage)
            or self._time_barred_refusal(stage)
        )

    def _small_claims_threshold_refusal(self):
        profile = self.legal_profile_id
        if not profile or not profile.small_claims_threshold:
            return message(
                _lt(
                    "The simplified small-claims procedure is not possible: the "
                    "legal profile of %(customer)s offers none."
                ),
                customer=self.partner_id.display_name,
            )
        claimed = sum(line["principal_and_interest"] for line in self._claim_lines())
        if not profile._within_small_claims(claimed, 0.0):
            currency = profile.indemnity_currency_id
            return message(
                _lt(
                    "The simplified small-claims procedure is not possible: "
                    "principal and interest come to %(claim)s, above the "
                    "threshold of %(threshold)s of the legal profile %(profile)s."
                ),
                claim=self._format_in(claimed, currency),
                threshold=self._format_in(profile.small_claims_threshold, currency),
                profile=profile.name,
            )
        return None

    def _format_in(self, amount, currency):
        return format_amount(self.env, amount, currency)

    # The request to the commissaire de justice

    def action_small_claims_request(self):
        """Print the dossier and record the request to the commissaire de
        justice; the dossier is among the documents of the case."""
        self._check_user()
        for case in self:
            case._check_state("open")
            case._check_stage("small_claims")
            if case.sc_request_date:
                raise UserError(
                    _(
                        "The request of %(case)s went to the commissaire de "
                        "justice on %(date)s.",
                        case=case.name,
                        date=case._date(case.sc_request_date),
                    )
                )
            if not case.sc_bailiff_id:
                raise UserError(
                    _("Choose the commissaire de justice of %s first.", case.name)
                )
            if not case.sc_bailiff_id.collection_is_bailiff:
                raise UserError(
                    _(
                        "%(partner)s is not marked as a commissaire de justice.",
                        partner=case.sc_bailiff_id.display_name,
                    )
                )
            case.sc_request_date = fields.Date.context_today(case)
            dossier = case._small_claims_dossier()
            case.write(
                {
                    "sc_dossier_id": dossier.id,
                    "document_ids": [fields.Command.link(dossier.id)],
                }
            )
            case.message_post(
                body=Markup(_("Request sent to %(bailiff)s, dossier: %(dossier)s."))
                % {
                    "bailiff": case.sc_bailiff_id.display_name,
                    "dossier": dossier.name,
                },
                attachment_ids=dossier.ids,
            )
            task = case._stage_task("small_claims")
            case.activity_ids.filtered(
                lambda a, task=task: a.summary == task
            ).action_feedback(feedback=_("Request sent"))
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Record when the commissaire de justice invites the debtor"),
                user_id=(case.user_id or self.env.user).id,
                date_deadline=fields.Date.add(case.sc_request_date, days=15),
            )
        return True

    def _small_claims_dossier(self):
        """The dossier as one PDF: the request, then the invoices, the formal
        notice and the proofs of delivery among the documents."""
        self.ensure_one()
        Report = self.env["ir.actions.report"]
        request, kind = Report._render_qweb_pdf(
            "recouvrement_fidelite.collection_case_small_claims", self.ids
        )
        content = request
        if kind == "pdf":
            parts = [request]
            # One invoice at a time: each keeps its own pages whatever the
            # PDF engine makes of several documents at once.
            for invoice in self.invoice_ids.sorted("name"):
                content, _kind = Report._render_qweb_pdf(
                    "account.account_invoices", invoice.ids
                )
                parts.append(content)
            for attachment in self._dossier_annexes():
                parts.append(attachment.raw)
            content = pdf.merge_pdf(parts)
        return self.env["ir.attachment"].create(
            {
                "name": _(
                    "Simplified procedure dossier %(customer)s %(date)s.pdf",
                    customer=self.partner_id.name,
                    date=self.sc_request_date,
                ),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )

    def _dossier_annexes(self):
        """The PDFs of the case that go with the request: the formal notice,
        then the other documents (proofs of delivery, answers), oldest first."""
        self.ensure_one()
        pdfs = self.document_ids.filtered(
            lambda a: a.mimetype == "application/pdf" and a != self.sc_dossier_id
        )
        notice = pdfs & self.notice_attachment_id
        return notice + (pdfs - notice).sorted("id")

    def write(self, vals):
        result = super().write(vals)
        if vals.get("sc_notified_date"):
            for case in self:
                if not case.sc_request_date:
                    raise UserError(
                        _(
                            "Send the request of %(case)s to the commissaire de "
                            "justice before recording when the debtor was invited.",
                            case=case.name,
                        )
                    )
                if case.sc_notified_date < case.sc_request_date:
                    raise UserError(
                        _(
                            "The debtor cannot be invited before the request was "
                            "sent (%(date)s).",
                            date=case._date(case.sc_request_date),
                        )
                    )
                case._small_claims_wait_answer()
        return result

    def _small_claims_wait_answer(self):
        self.ensure_one()
        self.date_deadline = self.sc_answer_deadline
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_(
                "Answer period over: record the outcome of the simplified procedure"
            ),
            user_id=(self.user_id or self.env.user).id,
            date_deadline=fields.Date.add(self.sc_answer_deadline, days=1),
        )

    def _next_step(self):
        text = super()._next_step()
        if text or self.stage != "small_claims":
            return text
        if self.sc_outcome == "agreement":
            return _("Agreement: payment plan")
        if self.sc_outcome in ("refusal", "silence"):
            return _("Simplified procedure failed: injunction to pay proposed")
        if self.sc_notified_date:
            return _(
                "Debtor invited; answer expected by %(date)s",
                date=self._date(self.sc_answer_deadline),
            )
        if self.sc_request_date:
            return _("Request sent to the commissaire de justice")
        return _("Request to send to a commissaire de justice")

    @api.depends("sc_request_date", "sc_notified_date", "sc_outcome")
    def _compute_next_step(self):
        return super()._compute_next_step()

    # The outcome

    def _check_outcome_possible(self):
        self.ensure_one()
        self._check_user()
        self._check_state("open")
        self._check_stage("small_claims")
        if self.sc_outcome:
            raise UserError(
                _("The outcome of %(case)s is already recorded.", case=self.name)
            )
        if not self.sc_notified_date:
            raise UserError(
                _(
                    "Record when the commissaire de justice invited the debtor "
                    "of %(case)s first.",
                    case=self.name,
                )
            )

    def action_small_claims_refused(self):
        return self._small_claims_failed("refusal")

    def action_small_claims_silence(self):
        today = fields.Date.context_today(self)
        for case in self:
            if case.sc_answer_deadline and today <= case.sc_answer_deadline:
                raise UserError(
                    _(
                        "The debtor has until %(date)s to answer: silence is "
                        "recorded after that date.",
                        date=case._date(case.sc_answer_deadline),
                    )
                )
        return self._small_claims_failed("silence")

    def _small_claims_failed(self, outcome):
        for case in self:
            case._check_outcome_possible()
            case.write(
                {
                    "sc_outcome": outcome,
                    "sc_outcome_date": fields.Date.context_today(case),
                    "date_deadline": False,
                }
            )
            case._close_stage_activities()
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Simplified procedure failed: request an injunction to pay"),
                note=_(
                    "The debtor refused or did not answer. The failed procedure "
                    "counts as the amicable attempt required before going to "
                    "court for claims up to the threshold."
                ),
                user_id=(case.user_id or self.env.user).id,
                date_deadline=fields.Date.context_today(case),
            )
        return True

    def action_small_claims_agreement(self):
        self.ensure_one()
        self._check_outcome_possible()
        return {
            "type": "ir.actions.act_window",
            "name": _("Agreement of the debtor"),
            "res_model": "collection.case.agreement",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _small_claims_agreed(self, title_ref, plan_values):
        """The debtor agreed: record the title and turn the agreed schedule
        into a payment plan (proposed, accepted: active at once for a
        collection manager or when the typology allows it)."""
        self.ensure_one()
        self._check_outcome_possible()
        if not (title_ref or "").strip():
            raise UserError(_("Give the reference of the enforceable title."))
        invoices = self.invoice_ids.filtered(
            lambda m: not m.currency_id.is_zero(m.amount_residual)
        )
        plan = self.env["collection.payment.plan"].create(
            dict(
                plan_values,
                partner_id=self.partner_id.id,
                company_id=self.company_id.id,
                currency_id=self.currency_id.id,
                user_id=(self.user_id or self.env.user).id,
                invoice_ids=[fields.Command.set(invoices.ids)],
            )
        )
        plan.message_post(
            body=_(
                "Schedule agreed in the simplified small-claims procedure of "
                "%(case)s (enforceable title %(title)s).",
                case=self.name,
                title=title_ref,
            )
        )
        plan.action_compute_schedule()
        plan.action_propose()
        plan.action_mark_accepted()
        self.write(
            {
                "sc_outcome": "agreement",
                "sc_outcome_date": fields.Date.context_today(self),
                "sc_title_ref": title_ref,
                "sc_plan_id": plan.id,
                "date_deadline": False,
            }
        )
        self._close_stage_activities()
        # An active plan suspends the case (``_sync``).
        self._sync()
        return plan

    def _close_stage_activities(self):
        self.ensure_one()
        self.activity_ids.filtered(
            lambda a: (
                a.summary
                in (
                    _(
                        "Answer period over: record the outcome of the "
                        "simplified procedure"
                    ),
                    _("Record when the commissaire de justice invites the debtor"),
                )
            )
        ).action_feedback(feedback=_("Outcome recorded"))

    def action_view_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "collection.payment.plan",
            "res_id": self.sc_plan_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_print_small_claims_dossier(self):
        self.ensure_one()
        if self.sc_dossier_id:
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{self.sc_dossier_id.id}?download=true",
                "target": "self",
            }
        return self.env.ref(
            "recouvrement_fidelite.collection_case_small_claims_report"
        ).report_action(self)

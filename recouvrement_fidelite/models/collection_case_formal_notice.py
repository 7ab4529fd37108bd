# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The formal notice (mise en demeure) of an escalation case.

Sent by email and/or printed for registered post (``collection.case.notice``
wizard): the letter (``reports/collection_case_formal_notice_report.xml``)
gives the customer the deadline of their legal profile (8 days by default),
which becomes the case's deadline, followed by an activity on that day. By
post, the letter waits to be posted: the tracking number is recorded then,
and the delivery date once the acknowledgement of receipt comes back.

The notice starts late interest where the law says so (a consumer in
France: the legal interest rate from the notice, Code civil 1344-1, see
``collection.legal.profile.interest_after_formal_notice``).
"""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

NOTICE_STATES = [
    ("to_send", "To send"),
    ("to_post", "To post"),
    ("sent", "Dispatched"),
    ("delivered", "Delivered"),
]


class CollectionCase(models.Model):
    _inherit = "collection.case"

    notice_state = fields.Selection(
        NOTICE_STATES,
        string="Formal notice",
        default="to_send",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    notice_date = fields.Date(
        string="Formal notice dated",
        readonly=True,
        copy=False,
        help="The date of the formal notice: its deadline counts from it.",
    )
    notice_deadline = fields.Date(
        string="Pay by",
        readonly=True,
        copy=False,
        help="The deadline the formal notice gives the customer, from their "
        "legal profile.",
    )
    notice_by_email = fields.Boolean(string="Sent by email", readonly=True, copy=False)
    notice_by_post = fields.Boolean(
        string="Sent by registered post", readonly=True, copy=False
    )
    notice_attachment_id = fields.Many2one(
        "ir.attachment", string="Formal notice letter", readonly=True, copy=False
    )
    notice_posted_date = fields.Date(string="Posted on", copy=False, tracking=True)
    notice_tracking_ref = fields.Char(
        string="Registered letter number",
        copy=False,
        tracking=True,
        help="The number of the registered letter with acknowledgement of "
        "receipt, as the post office gives it.",
    )
    notice_delivery_date = fields.Date(
        string="Delivered on",
        copy=False,
        tracking=True,
        help="The date on the acknowledgement of receipt. Attach its scan to "
        "the documents of the case: it is the proof of delivery.",
    )

    # The claim: interest from the notice where the law says so.

    def _interest_start(self):
        return self.notice_date or False

    def _next_step(self):
        text = super()._next_step()
        if text or self.stage != "formal_notice":
            return text
        if self.notice_state == "to_send":
            return _("Formal notice to send")
        if self.notice_state == "to_post":
            return _("Formal notice to post by registered letter")
        deadline = self._date(self.notice_deadline)
        if self.notice_state == "delivered":
            return _(
                "Formal notice delivered on %(delivery)s; pay by %(deadline)s",
                delivery=self._date(self.notice_delivery_date),
                deadline=deadline,
            )
        return _("Formal notice sent; pay by %(deadline)s", deadline=deadline)

    @api.depends("notice_state", "notice_deadline", "notice_delivery_date")
    def _compute_next_step(self):
        return super()._compute_next_step()

    @api.depends("notice_date")
    def _compute_claim(self):
        return super()._compute_claim()

    # The deadline the profile gives

    def _notice_days(self):
        """Days the formal notice gives: the customer's legal profile's, else
        the company's letter deadline."""
        self.ensure_one()
        return (
            self.legal_profile_id.formal_notice_days
            or self.company_id.collection_letter_deadline_days
        )

    # Buttons

    def action_send_formal_notice(self):
        """Open the sending of the formal notice (email and/or post)."""
        self.ensure_one()
        self._check_user()
        self._check_notice_sendable()
        return {
            "type": "ir.actions.act_window",
            "name": _("Send the formal notice"),
            "res_model": "collection.case.notice",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _check_notice_sendable(self):
        self.ensure_one()
        self._check_state("open")
        self._check_stage("formal_notice")
        if self.notice_date:
            raise UserError(
                _(
                    "The formal notice of %(case)s was sent on %(date)s; it is "
                    "not sent twice.",
                    case=self.name,
                    date=self._date(self.notice_date),
                )
            )

    def action_print_formal_notice(self):
        """The formal notice as a PDF: the letter sent, else a preview."""
        self.ensure_one()
        if self.notice_attachment_id:
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{self.notice_attachment_id.id}?download=true",
                "target": "self",
            }
        return self.env.ref(
            "recouvrement_fidelite.collection_case_formal_notice_report"
        ).report_action(self)

    def action_mark_notice_posted(self):
        """The registered letter left: its number is recorded."""
        self._check_user()
        for case in self:
            if case.notice_state != "to_post":
                raise UserError(
                    _(
                        "%(case)s has no formal notice waiting to be posted.",
                        case=case.name,
                    )
                )
            if not (case.notice_tracking_ref or "").strip():
                raise UserError(
                    _(
                        "Give the number of the registered letter of %(case)s "
                        "before marking it posted.",
                        case=case.name,
                    )
                )
            case.write(
                {
                    "notice_state": "sent",
                    "notice_posted_date": case.notice_posted_date
                    or fields.Date.context_today(case),
                }
            )
        return True

    def write(self, vals):
        result = super().write(vals)
        if vals.get("notice_delivery_date"):
            for case in self.filtered(lambda c: c.notice_state in ("to_post", "sent")):
                if not case.notice_tracking_ref:
                    raise UserError(
                        _(
                            "Record the number of the registered letter of "
                            "%(case)s with its delivery date.",
                            case=case.name,
                        )
                    )
                if case.notice_date and case.notice_delivery_date < case.notice_date:
                    raise UserError(
                        _(
                            "The formal notice of %(case)s cannot be delivered "
                            "before it was sent (%(date)s).",
                            case=case.name,
                            date=self._date(case.notice_date),
                        )
                    )
                case.write(
                    {
                        "notice_state": "delivered",
                        "notice_posted_date": case.notice_posted_date
                        or case.notice_date,
                    }
                )
        return result

    # Sending (called by the wizard)

    def _send_formal_notice(self, by_email, by_post, days, recipient=None):
        """Date the notice today with a deadline ``days`` later, print it,
        attach it to the case, email it to ``recipient`` when ``by_email``,
        and leave it to post when ``by_post``; the deadline is followed by
        an activity. Returns the letter (an attachment)."""
        self.ensure_one()
        self._check_user()
        self._check_notice_sendable()
        if not (by_email or by_post):
            raise UserError(_("Send the formal notice by email, by post, or both."))
        if days < 1:
            raise UserError(_("A formal notice gives at least one day to pay."))
        if by_email and not (recipient and recipient.email):
            raise UserError(
                _(
                    "%(customer)s has no email address: send the formal notice "
                    "by post.",
                    customer=(recipient or self.partner_id).display_name,
                )
            )
        today = fields.Date.context_today(self)
        deadline = fields.Date.add(today, days=days)
        self.write(
            {
                "notice_date": today,
                "notice_deadline": deadline,
                "notice_by_email": by_email,
                "notice_by_post": by_post,
                "notice_state": "to_post" if by_post else "sent",
                "date_deadline": deadline,
            }
        )
        report = self.env.ref(
            "recouvrement_fidelite.collection_case_formal_notice_report"
        )
        content, _format = self.env["ir.actions.report"]._render_qweb_pdf(
            report.report_name, self.ids
        )
        letter = self.env["ir.attachment"].create(
            {
                "name": _(
                    "Formal notice %(customer)s %(date)s.pdf",
                    customer=self.partner_id.name,
                    date=today,
                ),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.write(
            {
                "notice_attachment_id": letter.id,
                "document_ids": [fields.Command.link(letter.id)],
            }
        )
        if by_email:
            template = self.env.ref(
                "recouvrement_fidelite.mail_template_collection_case_formal_notice"
            )
            self.with_context(mail_notify_force_send=False).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipient.ids,
                attachment_ids=letter.ids,
            )
        else:
            self._message_log(
                body=Markup(
                    _("Formal notice printed, to post by registered letter: %s")
                )
                % letter.name,
                attachment_ids=letter.ids,
            )
        self._log_notice_on_invoices(deadline)
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.activity_ids.filtered(
            lambda a: (
                a.activity_type_id == todo and a.summary == _("Send the formal notice")
            )
        ).action_feedback(feedback=_("Formal notice sent"))
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_(
                "Formal notice deadline: check the payment and decide the next step"
            ),
            user_id=(self.user_id or self.env.user).id,
            date_deadline=fields.Date.add(deadline, days=1),
        )
        return letter

    def _log_notice_on_invoices(self, deadline):
        for invoice in self.invoice_ids:
            invoice._message_log(
                body=_(
                    "Formal notice sent in %(case)s: pay by %(deadline)s.",
                    case=self.name,
                    deadline=self._date(deadline),
                )
            )

    def _notice_recipient(self):
        """Whom the notice is addressed to: the customer's collection
        contact, else the customer."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        return customer.collection_contact_id or customer

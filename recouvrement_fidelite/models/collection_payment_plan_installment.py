# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""One installment of a payment plan, with what was paid of it.

What was paid on the plan (see ``collection.payment.plan.paid_amount``) is
allocated to its installments in date order: the earliest installment is
paid first, so an early payment pays the next installments and a partial
payment leaves the earliest unpaid one partly paid.

Each installment of an active plan is reminded as an invoice is: the
collection run plans its reminders through the levels of the customer's
scenario (``collection.action.kind.installment``) and :meth:`_remind` sends
one, with the installment's own wording (email and SMS templates, letter),
on the plan's history.
"""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, format_amount, format_date

#: The installment reminders' templates, before and after the installment's
#: date, by channel (XML ids).
REMINDER_TEMPLATES = {
    "email": (
        "recouvrement_fidelite.mail_template_collection_plan_installment_notice",
        "recouvrement_fidelite.mail_template_collection_plan_installment_late",
    ),
    "sms": (
        "recouvrement_fidelite.sms_template_collection_plan_installment_notice",
        "recouvrement_fidelite.sms_template_collection_plan_installment_late",
    ),
}
REMINDER_LETTER = "recouvrement_fidelite.collection_plan_installment_letter_report"

INSTALLMENT_STATUSES = [
    ("paid", "Paid"),
    ("partial", "Partly paid"),
    ("due", "Due"),
    ("late", "Late"),
]


class CollectionPaymentPlanInstallment(models.Model):
    _name = "collection.payment.plan.installment"
    _description = "Payment plan installment"
    _order = "plan_id, date_due, sequence, id"

    plan_id = fields.Many2one(
        "collection.payment.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    plan_state = fields.Selection(related="plan_id.state", string="Plan state")
    sequence = fields.Integer(default=10)
    is_down_payment = fields.Boolean(string="Down payment")
    date_due = fields.Date(string="Due on", required=True)
    amount = fields.Monetary(required=True)
    paid_amount = fields.Monetary(
        string="Paid",
        compute="_compute_paid_amount",
        store=True,
        help="Share of the payments received on the plan's invoices, given to "
        "the installments in date order.",
    )
    payment_state = fields.Selection(
        [("not_paid", "Not paid"), ("partial", "Partly paid"), ("paid", "Paid")],
        compute="_compute_paid_amount",
        store=True,
        index=True,
    )
    remaining_amount = fields.Monetary(
        string="Left to pay", compute="_compute_remaining_amount"
    )
    action_ids = fields.One2many(
        "collection.action",
        "installment_id",
        string="Reminders",
        help="The reminders of the installment, planned by the collection run "
        "through the levels of the customer's scenario.",
        groups="recouvrement_fidelite.group_collection_user",
    )
    status = fields.Selection(
        INSTALLMENT_STATUSES,
        compute="_compute_status",
        help="Paid; late once its date has passed without being paid in full "
        "(even partly paid); partly paid before its date; due otherwise.",
    )

    @api.depends(
        "amount",
        "date_due",
        "plan_id.paid_amount",
        "plan_id.installment_ids.amount",
        "plan_id.installment_ids.date_due",
    )
    def _compute_paid_amount(self):
        for plan in self.plan_id:
            left = plan.paid_amount
            rounding = plan.currency_id.rounding
            for installment in plan.installment_ids.sorted(
                lambda i: (i.date_due, i.sequence, i.id or 0)
            ):
                paid = plan.currency_id.round(min(max(left, 0.0), installment.amount))
                left -= paid
                installment.paid_amount = paid
                if float_is_zero(paid, precision_rounding=rounding):
                    installment.payment_state = "not_paid"
                elif (
                    float_compare(paid, installment.amount, precision_rounding=rounding)
                    >= 0
                ):
                    installment.payment_state = "paid"
                else:
                    installment.payment_state = "partial"
        for installment in self - self.plan_id.installment_ids:
            installment.paid_amount = 0.0
            installment.payment_state = "not_paid"

    @api.depends("amount", "paid_amount")
    def _compute_remaining_amount(self):
        for installment in self:
            installment.remaining_amount = installment.amount - installment.paid_amount

    @api.depends("plan_id.name", "date_due", "is_down_payment")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for installment in self:
            values = {
                "plan": installment.plan_id.name or "",
                "date": format_date(self.env, installment.date_due),
            }
            if installment.is_down_payment:
                installment.display_name = _(
                    "%(plan)s, down payment of %(date)s", **values
                )
            else:
                installment.display_name = _(
                    "%(plan)s, installment of %(date)s", **values
                )

    @api.depends("payment_state", "date_due")
    @api.depends_context("date")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for installment in self:
            if installment.payment_state == "paid":
                installment.status = "paid"
            elif installment.date_due and installment.date_due < today:
                installment.status = "late"
            elif installment.payment_state == "partial":
                installment.status = "partial"
            else:
                installment.status = "due"

    def _check_plan_draft(self):
        if self.env.su:
            return
        if self.plan_id.filtered(lambda p: p.state != "draft"):
            raise UserError(
                _("The schedule of a plan changes only while the plan is a draft.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        installments = super().create(vals_list)
        installments._check_plan_draft()
        return installments

    def write(self, vals):
        if {"amount", "date_due", "plan_id", "is_down_payment"}.intersection(vals):
            self._check_plan_draft()
        return super().write(vals)

    def unlink(self):
        self._check_plan_draft()
        return super().unlink()

    # Reminders (planned by the collection run, see the module's docstring)

    def _is_past(self, today=None):
        self.ensure_one()
        return self.date_due < (today or fields.Date.context_today(self))

    def _reminder_template(self, channel):
        """The template of this installment's reminder on ``channel`` today:
        the courtesy one until its date, the reminder after it."""
        xmlid = REMINDER_TEMPLATES[channel][1 if self._is_past() else 0]
        template = self.env.ref(xmlid, raise_if_not_found=False)
        if not template:
            raise UserError(
                _("The template of installment reminders (%s) was deleted.", xmlid)
            )
        return template

    def _portal_text(self):
        """The reminder posted to the customer on the portal, in their
        language."""
        self.ensure_one()
        customer = self.plan_id.partner_id
        recipient = customer.collection_contact_id or customer
        return self.with_context(lang=recipient.lang)._portal_text_now()

    def _portal_text_now(self):
        # ``_`` words it in the language of ``self``'s context.
        values = self._text_values()
        if self._is_past():
            return _(
                "The installment of your payment plan %(plan)s due on %(date)s "
                "is not paid yet: %(amount)s remain to be paid.",
                **values,
            )
        return _(
            "The next installment of your payment plan %(plan)s, %(amount)s, "
            "is due on %(date)s.",
            **values,
        )

    def _text_values(self):
        """The plan, date and amount left to pay of this installment, as
        its texts show them in the context's language."""
        self.ensure_one()
        plan = self.plan_id
        return {
            "plan": plan.name,
            "date": format_date(self.env, self.date_due),
            "amount": format_amount(self.env, self.remaining_amount, plan.currency_id),
        }

    def _call_text(self):
        """What the call about this installment is for, in the language of
        the person who calls (the context's)."""
        values = self._text_values()
        if self._is_past():
            return _(
                "Payment plan %(plan)s: the installment due on %(date)s is not "
                "paid yet, %(amount)s remain to be paid.",
                **values,
            )
        return _(
            "Payment plan %(plan)s: the installment of %(amount)s is due on %(date)s.",
            **values,
        )

    def _letter_texts(self):
        """The words of the reminder letter, in the context's language:
        ``subject`` and ``paragraphs`` (whole sentences, so that each
        language orders them its own way)."""
        self.ensure_one()
        plan = self.plan_id
        paragraphs = [self._portal_text_now()]
        if self._is_past():
            paragraphs.append(
                _(
                    "Please pay it as soon as possible, or tell us if something "
                    "prevents you: an installment more than %(days)s days late "
                    "ends the plan, and the remaining amount becomes due at once.",
                    days=plan.company_id.collection_plan_break_days,
                )
            )
        else:
            paragraphs.append(
                _(
                    "If you have already paid it, thank you, and please disregard "
                    "this letter."
                )
            )
        return {
            "subject": _(
                "Subject: installment of your payment plan %(plan)s", plan=plan.name
            ),
            "paragraphs": paragraphs,
        }

    def _remind(self, channel, recipient, author_values=None):
        """Send this installment's reminder to ``recipient`` on ``channel``
        (email, SMS, letter or portal message), on the plan's history, in
        the customer's language. Returns ``(message, letter)``."""
        self.ensure_one()
        plan = self.plan_id.with_context(
            plan_installment_id=self.id, mail_notify_force_send=False
        )
        author_values = author_values or {}
        letter = self.env["ir.attachment"]
        if channel == "email":
            message = plan.message_post_with_source(
                self._reminder_template("email"),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipient.ids,
                **author_values,
            )
        elif channel == "sms":
            template = self._reminder_template("sms").with_context(
                plan_installment_id=self.id
            )
            body = template._render_field("body", plan.ids, compute_lang=True)[plan.id]
            customer = plan.partner_id.commercial_partner_id
            number = recipient.collection_sms_number or customer.collection_sms_number
            message = plan._message_sms(
                body,
                partner_ids=recipient.ids,
                sms_pid_to_number={recipient.id: number},
            )
        elif channel == "letter":
            letter = self._reminder_letter()
            message = plan._message_log(
                body=_(
                    "Installment reminder letter ready to print and post: %s",
                    letter.name,
                ),
                attachment_ids=letter.ids,
            )
        elif channel == "portal":
            message = plan.message_post(
                body=Markup("<p>%s</p>") % self._portal_text(),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipient.ids,
                **author_values,
            )
        else:
            raise UserError(_("Unknown reminder channel %s.", channel))
        return message, letter

    def _reminder_letter(self):
        """The reminder letter of this installment, as a PDF attached to the
        plan."""
        report = self.env.ref(REMINDER_LETTER)
        content, _format = self.env["ir.actions.report"]._render_qweb_pdf(
            report.report_name, self.ids
        )
        return self.env["ir.attachment"].create(
            {
                "name": _(
                    "Installment reminder %(plan)s %(date)s.pdf",
                    plan=self.plan_id.name,
                    date=fields.Date.context_today(self),
                ),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self.plan_id._name,
                "res_id": self.plan_id.id,
            }
        )

    def _reminder_preview(self, channel):
        """``(subject, body)`` of this installment's reminder on ``channel``
        as it would leave today (shown before an approval)."""
        self.ensure_one()
        plan = self.plan_id
        if channel in REMINDER_TEMPLATES:
            template = self._reminder_template(channel).with_context(
                plan_installment_id=self.id
            )
            if channel == "email":
                rendered = (
                    template._render_field("subject", plan.ids, compute_lang=True)[
                        plan.id
                    ],
                    template._render_field("body_html", plan.ids, compute_lang=True)[
                        plan.id
                    ],
                )
                return rendered
            body = template._render_field("body", plan.ids, compute_lang=True)[plan.id]
            return False, Markup("<p>%s</p>") % body
        if channel == "letter":
            url = f"/report/html/{self.env.ref(REMINDER_LETTER).report_name}/{self.id}"
            frame = Markup(
                '<iframe class="w-100 border" style="height: 80vh" src="%s"></iframe>'
            )
            return False, frame % url
        if channel == "phone":
            return False, Markup("<p>%s</p>") % self._call_text()
        return False, Markup("<p>%s</p>") % self._portal_text()

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Customer feedback: why a customer has not paid an invoice, in their words.

Sent from the customer's collection page ("Tell us why", see
``controllers/portal_feedback.py``), or from the "no" of a courtesy
reminder, or recorded by a colleague the customer told (``collection.
feedback.wizard``). Each feedback names a reason (``collection.feedback.reason``),
whose follow-up is applied at once (:meth:`_apply_follow_up`): a dispute
opened on the invoice, reminders paused while someone checks, or a payment
plan and a promise to pay offered; the responsible gets an activity when a
person must act. Credit controllers then take it (in progress) and close it
(done); closing it ends its pause and, for a declared difficulty, what the
rules see of it.

What the customer typed (comment, contact details, file name) is kept as
plain text and escaped wherever it is shown: the back office shows text
fields as text, and the messages and activities built here escape it.
"""

import mimetypes
from datetime import timedelta

from markupsafe import Markup

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, plaintext2html
from odoo.tools.mimetypes import guess_mimetype

from ..engine.concepts import PREFERRED_CHANNELS
from .account_move import ACTIVE_DISPUTE_STATES, COLLECTION_USER_GROUP

FEEDBACK_STATES = [
    ("new", "New"),
    ("in_progress", "In progress"),
    ("done", "Done"),
]
FEEDBACK_SOURCES = [
    ("portal", "Collection page"),
    ("courtesy", "Answer to a courtesy reminder"),
    ("back_office", "Recorded by a colleague"),
]
CONTACT_TIMES = [
    ("any", "Any time"),
    ("morning", "In the morning"),
    ("afternoon", "In the afternoon"),
]
#: The longest texts a customer may send: a guard against a flood of text
#: in the back office, not a business rule.
MAX_COMMENT_LENGTH = 5000
MAX_CONTACT_DETAIL_LENGTH = 120
MAX_FILE_NAME_LENGTH = 120


def _clean_text(value, limit):
    """A customer's text without NUL characters (PostgreSQL refuses them)
    and outer blanks; ``None`` when it is longer than ``limit``."""
    if not isinstance(value, str):
        return ""
    value = value.replace("\x00", "").strip()
    return None if len(value) > limit else value


class CollectionFeedback(models.Model):
    _name = "collection.feedback"
    _description = "Customer feedback"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id", "invoice_id"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
        help="The customer's commercial entity.",
    )
    date = fields.Datetime(
        string="Sent on",
        required=True,
        readonly=True,
        index=True,
        default=fields.Datetime.now,
        copy=False,
    )
    invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        readonly=True,
        check_company=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    amount_residual = fields.Monetary(
        related="invoice_id.amount_residual", string="Left to pay"
    )
    invoice_date_due = fields.Date(related="invoice_id.invoice_date_due")
    reason_id = fields.Many2one(
        "collection.feedback.reason",
        string="Reason",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
        group_expand="_read_group_reason_ids",
    )
    follow_up = fields.Selection(
        related="reason_id.follow_up", string="What follows", store=True
    )
    comment = fields.Text(readonly=True, help="As the customer typed it.")
    attachment_id = fields.Many2one(
        "ir.attachment", string="Attachment", readonly=True, copy=False
    )
    contact_channel = fields.Selection(
        list(PREFERRED_CHANNELS),
        string="Contact by",
        readonly=True,
        help="How the customer wants to be contacted about it (empty: no preference).",
    )
    contact_time = fields.Selection(CONTACT_TIMES, string="Contact when", readonly=True)
    contact_detail = fields.Char(
        string="Phone or email given",
        readonly=True,
        help="Where the customer asked to be reached, as typed.",
    )
    state = fields.Selection(
        FEEDBACK_STATES,
        string="Status",
        required=True,
        default="new",
        tracking=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    source = fields.Selection(
        FEEDBACK_SOURCES, required=True, default="back_office", readonly=True
    )
    submitted_by_id = fields.Many2one(
        "res.partner",
        string="Sent by",
        readonly=True,
        help="The portal user who sent it; empty when sent through the link of "
        "a reminder (the person is not known).",
    )
    access_id = fields.Many2one(
        "collection.portal.access",
        string="Link used",
        readonly=True,
        ondelete="set null",
    )
    pause_until = fields.Date(
        string="Reminders paused until",
        readonly=True,
        help="Reminders on the invoice pause until this date while someone "
        "checks, unless the feedback is done before.",
    )
    dispute_opened = fields.Boolean(
        string="Dispute opened",
        readonly=True,
        help="The feedback opened a dispute on the invoice.",
    )

    @api.depends("reason_id", "invoice_id")
    def _compute_display_name(self):
        for feedback in self:
            feedback.display_name = _(
                "%(reason)s (%(invoice)s)",
                reason=feedback.reason_id.name or "",
                invoice=feedback.invoice_id.name or "",
            )

    @api.model
    def _read_group_reason_ids(self, reasons, domain):
        # Every reason is a column of the kanban, even without feedback.
        return reasons.search([])

    # -- Back office -----------------------------------------------------------

    def action_start(self):
        """The current user takes the feedback (the system keeps whoever
        was responsible)."""
        values = {"state": "in_progress"}
        user = self.env.user
        if not (user.share or user._is_superuser()):
            values["user_id"] = user.id
        self.filtered(lambda f: f.state == "new").write(values)
        return True

    def action_done(self):
        self.write({"state": "done"})
        return True

    def action_reopen(self):
        self.filtered(lambda f: f.state == "done").write({"state": "in_progress"})
        return True

    def action_open_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "views": [(False, "form")],
        }

    @api.model
    def _action_for(self, domain, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_fidelite.collection_feedback_action"
        )
        action["domain"] = domain
        action["context"] = context or {}
        return action

    # -- From the collection page ----------------------------------------------

    @api.model
    def _portal_submit(self, target, invoice, form, upload=None, source="portal"):
        """Record the feedback a customer sent about ``invoice`` (an open
        invoice of ``target``'s customer and company, checked by the
        controller), apply its reason's follow-up and return it.

        ``form`` holds the form's texts as sent; ``upload`` the file
        (werkzeug ``FileStorage``) or nothing. Raises ``UserError`` with a
        message for the customer when something is wrong, before anything is
        written.
        """
        partner, company = target["partner"], target["company"]
        values = self._portal_values(company, form)
        attachment = self._portal_check_upload(company, upload)
        user = self.env.user
        # As the system (OdooBot), not as the public user: the chatter and
        # the activity show the collection, and the customer as the author
        # of what they wrote.
        system = self.with_user(SUPERUSER_ID).with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        )
        feedback = system.create(
            dict(
                values,
                partner_id=partner.id,
                invoice_id=invoice.id,
                company_id=company.id,
                source=source,
                access_id=target["access"].id if target["access"] else False,
                submitted_by_id=(
                    user.partner_id.id if not target["access"] and user.share else False
                ),
            )
        )
        if attachment:
            feedback.attachment_id = system.env["ir.attachment"].create(
                dict(attachment, res_model=self._name, res_id=feedback.id)
            )
        feedback._apply_follow_up()
        return feedback.with_env(self.env)

    @api.model
    def _back_office_record(self, invoice, values):
        """Record the feedback a colleague took from the customer about
        ``invoice`` (an unpaid customer invoice; ``values``: the reason, the
        comment and the contact wishes, checked by ``collection.feedback.
        wizard``), as that colleague, and apply its reason's follow-up."""
        invoice.check_access("read")
        feedback = self.with_context(mail_create_nolog=True).create(
            dict(
                values,
                partner_id=invoice.commercial_partner_id.id,
                invoice_id=invoice.id,
                company_id=invoice.company_id.id,
                source="back_office",
            )
        )
        feedback._apply_follow_up()
        return feedback

    @api.model
    def _portal_values(self, company, form):
        """The feedback's values from the form's texts, or ``UserError``."""
        try:
            reason_id = int(form.get("reason_id") or 0)
        except (TypeError, ValueError):
            reason_id = 0
        reason = (
            self.env["collection.feedback.reason"]
            ._for_company(company)
            .filtered(lambda r: r.id == reason_id)
        )
        if not reason:
            raise UserError(_("Choose why the invoice is not paid."))
        comment = _clean_text(form.get("comment"), MAX_COMMENT_LENGTH)
        if comment is None:
            raise UserError(
                _(
                    "Your comment is too long: %(limit)s characters at most.",
                    limit=MAX_COMMENT_LENGTH,
                )
            )
        if reason.comment_required and not comment:
            raise UserError(
                _(
                    "Please tell us more in the comment (“%(reason)s”).",
                    reason=reason.name,
                )
            )
        detail = _clean_text(form.get("contact_detail"), MAX_CONTACT_DETAIL_LENGTH)
        if detail is None:
            raise UserError(
                _(
                    "The phone number or email is too long: %(limit)s characters "
                    "at most.",
                    limit=MAX_CONTACT_DETAIL_LENGTH,
                )
            )
        channel = form.get("contact_channel") or False
        if channel and channel not in dict(PREFERRED_CHANNELS):
            raise UserError(_("Choose how you want to be contacted from the list."))
        time = form.get("contact_time") or False
        if time and time not in dict(CONTACT_TIMES):
            raise UserError(_("Choose when you want to be contacted from the list."))
        return {
            "reason_id": reason.id,
            "comment": comment or False,
            "contact_channel": channel,
            "contact_time": time,
            "contact_detail": detail or False,
        }

    @api.model
    def _portal_check_upload(self, company, upload):
        """The attachment's values (name, raw, mimetype) of an uploaded file
        the company accepts, ``None`` without a file, else ``UserError``:
        its extension must be one of the company's, its content of that type
        and its size within the company's limit."""
        filename = getattr(upload, "filename", None)
        if not filename or not isinstance(filename, str):
            return None
        name = filename.replace("\x00", "").replace("\\", "/").rsplit("/", 1)[-1]
        name = name.strip()[-MAX_FILE_NAME_LENGTH:] or "attachment"
        extension = name.rsplit(".", 1)[1].lower() if "." in name else ""
        allowed = company._collection_feedback_allowed_extensions()
        if not allowed:
            raise UserError(_("Attachments are not accepted: please describe it."))
        if extension not in allowed:
            raise UserError(
                _(
                    "This type of file is not accepted. You may attach: %(types)s.",
                    types=", ".join(sorted(allowed)),
                )
            )
        limit = company.collection_feedback_attachment_max_mb * 1024 * 1024
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise UserError(
                _(
                    "The file is too large: %(size)s MB at most.",
                    size=company.collection_feedback_attachment_max_mb,
                )
            )
        if not data:
            raise UserError(_("The file is empty."))
        expected = mimetypes.guess_type(f"file.{extension}")[0]
        found = guess_mimetype(data, default="application/octet-stream")
        same = found == expected or (
            expected and expected.startswith("text/") and found == "text/plain"
        )
        if not same:
            raise UserError(
                _(
                    "The content of the file is not a %(type)s file: please "
                    "attach the document itself.",
                    type=extension.upper(),
                )
            )
        return {"name": name, "raw": data, "mimetype": found}

    # -- Follow-up -------------------------------------------------------------

    def _responsible(self):
        """Who acts on the feedback: the reason's person, else the customer's
        collection responsible, else the invoice's salesperson, else the
        company's default contact, else its reminder approver; the first who
        is an active collection user (others could not open it)."""
        self.ensure_one()
        candidates = [
            self.reason_id.user_id,
            self.partner_id.collection_user_id,
            self.invoice_id.invoice_user_id,
            self.company_id.collection_contact_user_id,
            self.company_id.collection_approver_id,
        ]
        for user in candidates:
            user = user.sudo()
            if (
                user
                and user.active
                and not user.share
                and user.has_group(COLLECTION_USER_GROUP)
                and self.company_id in user.company_ids
            ):
                return user
        return self.env["res.users"]

    def _apply_follow_up(self):
        """What the reason says follows: a dispute, a pause, offers; an
        activity for the responsible; a note on the invoice. Written in the
        responsible's language (else the company's): they read it."""
        today = fields.Date.context_today(self)
        for feedback in self.sudo():
            responsible = feedback._responsible()
            lang = (
                responsible.lang or feedback.company_id.partner_id.lang or self.env.lang
            )
            feedback = feedback.with_context(lang=lang)
            reason = feedback.reason_id
            invoice = feedback.invoice_id
            values = {"user_id": responsible.id}
            if reason.follow_up == "dispute":
                if invoice.collection_dispute_state not in ACTIVE_DISPUTE_STATES:
                    # As the system: the chatter shows the dispute opened by
                    # the collection, the customer's words as its note.
                    invoice.with_user(SUPERUSER_ID)._collection_dispute_open(
                        reason.dispute_reason,
                        responsible=responsible or None,
                        note=feedback.comment or None,
                    )
                    values["dispute_opened"] = True
                values["user_id"] = (
                    responsible or invoice.collection_dispute_user_id
                ).id
            elif reason.follow_up == "check" and reason.pause_days:
                values["pause_until"] = today + timedelta(days=reason.pause_days)
            feedback.with_context(mail_notrack=True).write(values)
            feedback._post_on_invoice()
            feedback._schedule_responsible_activity(today)

    def _summary_lines(self):
        """What the customer said, as (label, text) pairs for messages."""
        self.ensure_one()
        labels = dict(self._fields["contact_channel"]._description_selection(self.env))
        times = dict(self._fields["contact_time"]._description_selection(self.env))
        lines = [(_("Reason"), self.reason_id.name)]
        if self.contact_channel or self.contact_time or self.contact_detail:
            contact = ", ".join(
                part
                for part in (
                    labels.get(self.contact_channel),
                    times.get(self.contact_time),
                    self.contact_detail,
                )
                if part
            )
            lines.append((_("Contact"), contact))
        if self.attachment_id:
            lines.append((_("Attachment"), self.attachment_id.name))
        if self.pause_until:
            lines.append(
                (_("Reminders paused until"), format_date(self.env, self.pause_until))
            )
        return lines

    def _summary_html(self):
        """The feedback as HTML: every text escaped (Markup's ``%``)."""
        self.ensure_one()
        body = Markup("<ul>%s</ul>") % Markup().join(
            Markup("<li>%s: %s</li>") % (label, text)
            for label, text in self._summary_lines()
        )
        if self.comment:
            body += Markup("<blockquote>%s</blockquote>") % plaintext2html(self.comment)
        return body

    def _post_on_invoice(self):
        self.ensure_one()
        if self.source == "back_office":
            title = _(
                "%(user)s recorded why the customer has not paid:",
                user=self.create_uid.name,
            )
            author = self.create_uid.partner_id
        else:
            title = _("The customer told us why, on their collection page:")
            author = self.submitted_by_id or self.partner_id
        link = Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>') % (
            self._name,
            self.id,
            self.display_name,
        )
        self.invoice_id.message_post(
            body=Markup("<p>%s %s</p>") % (title, link) + self._summary_html(),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=author.id,
        )

    def _schedule_responsible_activity(self, today):
        self.ensure_one()
        reason, user = self.reason_id, self.user_id
        if not user or not reason.activity_summary:
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=today + timedelta(days=reason.activity_days),
            summary=reason.activity_summary,
            note=Markup("<p>%s</p>")
            % _(
                "%(customer)s, invoice %(invoice)s:",
                customer=self.partner_id.display_name,
                invoice=self.invoice_id.name,
            )
            + self._summary_html(),
            user_id=user.id,
        )

    # -- What the customer reads next ------------------------------------------

    def _next_steps(self):
        """What happens next, in sentences for the customer (in the env's
        language), after the reason's own message."""
        self.ensure_one()
        steps = []
        invoice = self.sudo().invoice_id
        if self.reason_id.customer_message:
            steps.append(self.reason_id.customer_message)
        if self.follow_up == "dispute":
            if self.dispute_opened:
                steps.append(
                    _(
                        "We have opened a dispute on invoice %(invoice)s: we will look "
                        "into it and send you no reminder for this invoice meanwhile.",
                        invoice=invoice.name,
                    )
                )
            else:
                steps.append(
                    _(
                        "A dispute is already open on invoice %(invoice)s: your "
                        "message has been added to it.",
                        invoice=invoice.name,
                    )
                )
        if self.pause_until:
            steps.append(
                _(
                    "We will send you no reminder for invoice %(invoice)s until "
                    "%(date)s, while we check.",
                    invoice=invoice.name,
                    date=format_date(self.env, self.pause_until),
                )
            )
        if self.contact_channel:
            channels = dict(
                self._fields["contact_channel"]._description_selection(self.env)
            )
            steps.append(
                _(
                    "We will contact you as you asked: %(channel)s.",
                    channel=channels[self.contact_channel].lower(),
                )
            )
        return steps

    @api.model
    def _portal_page_values(self, partner, company):
        """What the collection page shows of the customer's feedback and
        ratings (as superuser, within ``partner``'s commercial entity)."""
        partner = partner.commercial_partner_id
        feedback = self.sudo().search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id)],
            limit=5,
        )
        ratings = self.env["collection.satisfaction"]._pending_for(partner, company)
        return {
            "collection_feedback": feedback,
            "collection_feedback_states": dict(
                self._fields["state"]._description_selection(self.env)
            ),
            "collection_ratings_pending": ratings,
        }

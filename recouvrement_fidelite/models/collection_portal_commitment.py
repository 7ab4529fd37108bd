# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a customer commits to, or changes, on their collection page.

The portal controller (``controllers/portal_commitments.py``) checks whose
page a request concerns and which of that customer's records it names; the
methods here take those records (as superuser: the customer has no rights
of their own) and what the customer typed, as text, and do the rest:

- a promise to pay (date, amount, invoices), recorded at once when its date
  is within the latest date the customer may promise (the typology's, else
  the company's setting); later dates are refused with the date to respect;
- a payment-plan request (installments, frequency, first date, optional
  down payment) within the limits of the customer's typology: active at
  once when the typology lets plans be accepted without a manager; proposed
  and accepted, waiting for a manager's approval otherwise; left a draft for
  a manager to review, with the limits it exceeds, when it goes beyond them;
- the acceptance of a plan the back office proposed;
- the contact preferences (channel, days and hours, contact person, monthly
  statement), written on the customer with a trace in its history;
- what an online payment pays: invoices, or the next installment of a plan.

Bad input raises a ``UserError`` whose message the page shows; nothing is
written then (the controller runs each in a savepoint).
"""

import re
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, format_amount, format_date

from ..engine.concepts import PREFERRED_CHANNELS
from .account_move import ACTIVE_DISPUTE_STATES, COLLECTION_MANAGER_GROUP
from .collection_payment_plan import FREQUENCIES
from .res_partner import HOUR_FIELDS, WEEKDAY_FIELDS

#: An amount as a customer types it: digits, then up to two decimals after a
#: point or a comma (spaces between thousands are removed first). Twelve
#: digits: beyond, it is not an amount anyone owes, and floats lose cents.
AMOUNT_PATTERN = re.compile(r"\d{1,12}(?:[.,]\d{1,2})?")
#: A date as browsers send the value of a date field.
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
#: An hour as browsers send the value of a time field.
HOUR_PATTERN = re.compile(r"([01]\d|2[0-3]):([0-5]\d)|24:00")
#: A phone number as typed: digits and the usual separators.
PHONE_PATTERN = re.compile(r"[0-9+()./ -]{4,40}")
#: The longest text a customer may type in one field (a comment, a name):
#: a bound against oversized posts, not a policy.
TEXT_LIMIT = 2000
NAME_LIMIT = 128


def clean_text(value, limit=TEXT_LIMIT):
    """What a customer typed, stripped; refused beyond ``limit`` characters.
    Kept as plain text: every place that shows it escapes it."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if len(text) > limit:
        raise UserError(
            _("Please keep this text under %(limit)s characters.", limit=limit)
        )
    return text


class CollectionPortalCommitment(models.AbstractModel):
    _name = "collection.portal.commitment"
    _description = "Commitments made on the collection page"

    # -- reading what the customer typed --------------------------------------

    @api.model
    def _parse_amount(self, value, label):
        """An amount typed by a customer, or None when left empty."""
        text = value if isinstance(value, str) else ""
        for space in (" ", "\u00a0", "\u202f"):
            text = text.replace(space, "")
        if not text:
            return None
        if text.startswith("-"):
            raise UserError(
                _("%(label)s: please give an amount more than zero.", label=label)
            )
        if not AMOUNT_PATTERN.fullmatch(text):
            raise UserError(
                _(
                    "%(label)s: please give an amount as a number, such as 150.00.",
                    label=label,
                )
            )
        return float(text.replace(",", "."))

    @api.model
    def _parse_date(self, value, label):
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise UserError(_("%(label)s: please choose a date.", label=label))
        try:
            if not DATE_PATTERN.fullmatch(text):
                raise ValueError(text)
            return fields.Date.to_date(text)
        except ValueError:
            raise UserError(
                _("%(label)s: please choose a date from the calendar.", label=label)
            ) from None

    @api.model
    def _parse_count(self, value, label, maximum):
        text = value.strip() if isinstance(value, str) else ""
        if not text.isdigit() or len(text) > 4:
            raise UserError(_("%(label)s: please give a whole number.", label=label))
        count = int(text)
        if not 1 <= count <= maximum:
            raise UserError(
                _(
                    "%(label)s: please choose between 1 and %(maximum)s.",
                    label=label,
                    maximum=maximum,
                )
            )
        return count

    @api.model
    def _parse_hour(self, value, label):
        text = value.strip() if isinstance(value, str) else ""
        match = HOUR_PATTERN.fullmatch(text)
        if not match:
            raise UserError(
                _("%(label)s: please give an hour such as 09:30.", label=label)
            )
        if text == "24:00":
            return 24.0
        return int(match.group(1)) + int(match.group(2)) / 60.0

    @api.model
    def _today(self):
        return fields.Date.context_today(self)

    # -- which invoices -------------------------------------------------------

    @api.model
    def _open_invoices(self, customer, company):
        """The customer's open invoices in ``company`` (the ones the page lists)."""
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("company_id", "=", company.id),
                    ("commercial_partner_id", "=", customer.id),
                ],
                order="invoice_date_due, id",
            )
        )

    @api.model
    def _uncommitted_invoices(self, customer, company):
        """Open invoices a promise or a plan request may cover: not in a
        plan yet (draft, proposed or active), not under a pending promise,
        not in an open dispute (a dispute is settled first)."""
        return self._open_invoices(customer, company).filtered(
            lambda invoice: (
                not invoice.collection_in_plan
                and not invoice.collection_promise_pending
                and invoice.collection_dispute_state not in ACTIVE_DISPUTE_STATES
            )
        )

    @api.model
    def _check_uncommitted(self, invoices, customer, company):
        if not invoices:
            raise UserError(_("Please tick at least one invoice."))
        taken = invoices - self._uncommitted_invoices(customer, company)
        if taken:
            raise UserError(
                _(
                    "%(invoices)s: already covered by a payment plan or a "
                    "promise to pay, or in dispute.",
                    invoices=", ".join(taken.mapped("name")),
                )
            )
        if len(invoices.currency_id) > 1:
            raise UserError(
                _(
                    "These invoices are in several currencies (%(currencies)s): "
                    "please choose invoices of one currency.",
                    currencies=", ".join(invoices.currency_id.mapped("name")),
                )
            )

    @api.model
    def _latest_date(self, customer, company):
        """The latest date the customer may promise, or start a plan on:
        their typology's limit, else the company's (Settings)."""
        typology = customer._collection_typology(company).sudo()
        days = typology.promise_max_days or company.collection_portal_promise_days
        return fields.Date.context_today(self) + timedelta(days=days)

    @api.model
    def _check_date(self, date, customer, company, label):
        today = fields.Date.context_today(self)
        if date < today:
            raise UserError(
                _(
                    "%(label)s: %(date)s is past; please choose today or a later date.",
                    label=label,
                    date=format_date(self.env, date),
                )
            )
        latest = self._latest_date(customer, company)
        if date > latest:
            raise UserError(
                _(
                    "%(label)s: please choose a date on or before %(latest)s. "
                    "If you need more time, ask for a payment plan or contact us.",
                    label=label,
                    latest=format_date(self.env, latest),
                )
            )

    # -- what the page shows --------------------------------------------------

    @api.model
    def _page_values(self, customer, company):
        """What the collection page shows of the customer's commitments."""
        Plan = self.env["collection.payment.plan"].sudo()
        plans = Plan.search(
            [
                ("partner_id", "=", customer.id),
                ("company_id", "=", company.id),
                ("state", "in", ("proposed", "active")),
            ],
            order="state, first_date, id",
        )
        promises = (
            self.env["collection.promise"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", customer.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "pending"),
                ],
                order="date_promised, id",
            )
        )
        uncommitted = self._uncommitted_invoices(customer, company)
        # An invoice in dispute is not offered for payment until settled.
        payable = self._open_invoices(customer, company).filtered(
            lambda invoice: (
                invoice.collection_dispute_state not in ACTIVE_DISPUTE_STATES
                and invoice._has_to_be_paid()
            )
        )
        today = fields.Date.context_today(self)
        return {
            "commitment_plans": plans,
            "commitment_requested_plans": self._requested_plans(customer, company),
            "commitment_promises": promises,
            "commitment_invoices": uncommitted,
            "payable_invoices": payable,
            "overdue_payable": payable.filtered(
                lambda invoice: (
                    (invoice.invoice_date_due or invoice.invoice_date) < today
                )
            ),
            "next_installments": {plan: self._next_installment(plan) for plan in plans},
        }

    @api.model
    def _requested_plans(self, customer, company):
        """Plans the customer asked for on the page that a manager has not
        reviewed yet (still drafts)."""
        events = (
            self.env["collection.portal.event"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", customer.id),
                    ("company_id", "=", company.id),
                    ("event_type", "=", "plan_request"),
                    ("res_model", "=", "collection.payment.plan"),
                ]
            )
        )
        return (
            self.env["collection.payment.plan"]
            .sudo()
            .browse(set(events.mapped("res_id")))
            .exists()
            .filtered(
                lambda plan: plan.state == "draft" and plan.partner_id == customer
            )
        )

    @api.model
    def _next_installment(self, plan):
        """The earliest installment of ``plan`` not fully paid."""
        return plan.installment_ids.filtered(lambda i: i.status != "paid").sorted(
            lambda i: (i.date_due, i.sequence, i.id)
        )[:1]

    # -- promise to pay -------------------------------------------------------

    @api.model
    def _record_promise(self, customer, company, invoices, values, given_by=None):
        """Record the customer's promise to pay ``invoices``; ``values``:
        ``amount`` (empty: everything owed on them), ``date``, ``note``."""
        self._check_uncommitted(invoices, customer, company)
        currency = invoices.currency_id
        owed = sum(invoices.mapped("amount_residual"))
        amount = self._parse_amount(values.get("amount"), _("Amount"))
        if amount is None:
            amount = owed
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise UserError(_("Amount: please promise more than zero."))
        if currency.compare_amounts(amount, owed) > 0:
            raise UserError(
                _(
                    "Amount: %(owed)s is left to pay on these invoices; please "
                    "promise at most that.",
                    owed=format_amount(self.env, owed, currency),
                )
            )
        date = self._parse_date(values.get("date"), _("Date"))
        self._check_date(date, customer, company, _("Date"))
        note = clean_text(values.get("note"))
        promise = (
            self.env["collection.promise"]
            .sudo()
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "invoice_ids": [fields.Command.set(invoices.ids)],
                    "amount": amount,
                    "date_promised": date,
                    "channel": "portal",
                    "given_by_id": given_by.id if given_by else False,
                    "note": note or False,
                }
            )
        )
        promise._message_log(body=self._made_on_page(note))
        return promise

    @api.model
    def _made_on_page(self, note=""):
        body = Markup("<p>%s</p>") % _("Made by the customer on their collection page.")
        if note:
            body += Markup("<p>%s</p>") % _("Their comment: %(note)s", note=note)
        return body

    # -- payment plan request -------------------------------------------------

    @api.model
    def _request_plan(self, customer, company, invoices, values):
        """Make the plan the customer asks for: ``(plan, outcome)``, the
        outcome ``active`` (accepted at once), ``approval`` (within the
        limits, waiting for a manager) or ``review`` (beyond the limits: a
        draft for a manager). ``values``: ``installments``, ``frequency``,
        ``first_date``, ``down_payment`` (optional), ``note``."""
        self._check_uncommitted(invoices, customer, company)
        currency = invoices.currency_id
        total = sum(invoices.mapped("amount_residual"))
        count = self._parse_count(
            values.get("installments"),
            _("Number of installments"),
            company.collection_max_installments,
        )
        frequency = values.get("frequency")
        if frequency not in dict(FREQUENCIES):
            raise UserError(_("Frequency: please choose weekly or monthly."))
        first_date = self._parse_date(values.get("first_date"), _("First payment"))
        self._check_date(first_date, customer, company, _("First payment"))
        down_payment = (
            self._parse_amount(values.get("down_payment"), _("Down payment")) or 0.0
        )
        if currency.compare_amounts(down_payment, total) >= 0:
            raise UserError(
                _(
                    "Down payment: please give less than the %(total)s owed on "
                    "these invoices.",
                    total=format_amount(self.env, total, currency),
                )
            )
        note = clean_text(values.get("note"))
        plan = (
            self.env["collection.payment.plan"]
            .sudo()
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "currency_id": currency.id,
                    "invoice_ids": [fields.Command.set(invoices.ids)],
                    "installment_count": count,
                    "frequency": frequency,
                    "first_date": first_date,
                    "down_payment": down_payment,
                    "user_id": customer._collection_contact_user(invoices, company).id
                    or False,
                    "note": False,
                }
            )
        )
        plan.action_compute_schedule()
        plan._message_log(body=self._made_on_page(note))
        breaches = plan._limit_breaches()
        if breaches:
            self._ask_review(
                plan,
                _("Review the payment plan the customer asked for"),
                Markup("<p>%s</p><ul>%s</ul>")
                % (
                    _("It goes beyond what the customer's typology allows:"),
                    Markup().join(Markup("<li>%s</li>") % b for b in breaches),
                ),
            )
            return plan, "review"
        plan.action_propose()
        plan.date_accepted = fields.Date.context_today(self)
        return plan, self._activate_or_ask(plan)

    @api.model
    def _plan_limits(self, customer, company):
        """The limits of a plan the customer may have at once, as the form
        shows them: ``max_installments``, ``max_months``, ``min_installment``
        (0: none), ``down_payment_required``, ``accept_without_manager``."""
        typology = customer._collection_typology(company).sudo()
        maximum = company.collection_max_installments
        if typology.plan_max_installments:
            maximum = min(maximum, typology.plan_max_installments)
        return {
            "max_installments": maximum,
            "company_max_installments": company.collection_max_installments,
            "max_months": typology.plan_max_months,
            "min_installment": typology.plan_min_installment,
            "down_payment_required": typology.plan_down_payment_required,
            "accept_without_manager": typology.plan_accept_without_manager,
        }

    @api.model
    def _activate_or_ask(self, plan):
        """Activate a plan the customer accepted when the typology lets plans
        be accepted without a manager, or when a manager proposed it beyond
        the limits; otherwise ask a manager to activate it."""
        if plan.typology_id.plan_accept_without_manager or plan.limits_override:
            plan._activate()
            return "active"
        plan._ask_managers_to_activate()
        return "approval"

    @api.model
    def _ask_review(self, plan, summary, note):
        """An activity on ``plan`` for the company's approver, else a
        collection manager, else the plan's responsible."""
        managers = (
            self.env.ref(COLLECTION_MANAGER_GROUP)
            .sudo()
            .users.filtered(lambda user: plan.company_id in user.company_ids)
        )
        user = plan.company_id.collection_approver_id or managers[:1] or plan.user_id
        if user:
            plan.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=user.id,
            )

    # -- a proposed plan, accepted --------------------------------------------

    @api.model
    def _accept_plan(self, plan):
        """The customer accepts the plan the back office proposed:
        ``active`` or ``approval`` (see :meth:`_activate_or_ask`)."""
        if plan.state != "proposed":
            raise UserError(
                _("This payment plan is no longer waiting for your answer.")
            )
        plan.date_accepted = fields.Date.context_today(self)
        plan._message_log(
            body=Markup("<p>%s</p>")
            % _("Accepted by the customer on their collection page.")
        )
        plan.partner_id._message_log(
            body=Markup("<p>%s</p>")
            % _(
                "Payment plan %(plan)s accepted by the customer on their "
                "collection page.",
                plan=plan.name,
            )
        )
        return self._activate_or_ask(plan)

    # -- contact preferences --------------------------------------------------

    @api.model
    def _contacts(self, customer):
        """The people of the customer who may be their collection contact."""
        return (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", customer.id),
                    ("id", "!=", customer.id),
                    ("type", "=", "contact"),
                ],
                order="name, id",
            )
        )

    @api.model
    def _hour_text(self, hour):
        minutes = round((hour or 0.0) * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    @api.model
    def _preference_values(self, customer):
        """The customer's contact preferences as the form shows them."""
        values = {
            "channel": customer.collection_preferred_channel or "",
            "contact_id": customer.collection_contact_id.id or "",
            "monthly_statement": customer.collection_monthly_statement,
        }
        values.update((name, customer[name]) for name in WEEKDAY_FIELDS)
        values.update((name, self._hour_text(customer[name])) for name in HOUR_FIELDS)
        return values

    @api.model
    def _save_preferences(self, customer, form, author=None):
        """Write the contact preferences the customer sent (``form``: the
        form's fields, as text) on the customer, and trace the changes in
        its history. Returns the changes as ``[(label, before, after)]``."""
        channels = dict(PREFERRED_CHANNELS)
        channel = form.get("channel") or ""
        if channel and channel not in channels:
            raise UserError(_("Channel: please choose one from the list."))
        vals = {"collection_preferred_channel": channel or False}
        for name in WEEKDAY_FIELDS:
            vals[name] = bool(form.get(name))
        if not any(vals[name] for name in WEEKDAY_FIELDS):
            raise UserError(_("Days: please tick at least one day."))
        labels = {
            "collection_call_morning_from": _("Morning from"),
            "collection_call_morning_to": _("Morning to"),
            "collection_call_afternoon_from": _("Afternoon from"),
            "collection_call_afternoon_to": _("Afternoon to"),
        }
        for name in HOUR_FIELDS:
            vals[name] = self._parse_hour(form.get(name), labels[name])
        problems = self.env["res.partner"]._collection_call_hour_problems(
            *(vals[name] for name in HOUR_FIELDS)
        )
        if problems:
            raise UserError(_("Hours: %(problems)s.", problems="; ".join(problems)))
        vals["collection_contact_id"] = self._contact_from_form(customer, form).id
        vals["collection_monthly_statement"] = bool(form.get("monthly_statement"))
        changes = self._preference_changes(customer, vals)
        if not changes:
            return changes
        customer.write(vals)
        items = Markup().join(
            Markup("<li>%s: %s → %s</li>") % change for change in changes
        )
        heading = _(
            "Contact preferences changed by the customer on their collection page:"
        )
        customer._message_log(
            body=Markup("<p>%s</p><ul>%s</ul>") % (heading, items),
            author_id=(author or customer).id,
        )
        return changes

    @api.model
    def _contact_from_form(self, customer, form):
        """The collection contact the form names: none (the invoice's
        contact), one of the customer's contacts, or a new one."""
        choice = form.get("contact_id") or ""
        typed = any(
            form.get(name)
            for name in ("contact_name", "contact_email", "contact_phone")
        )
        if not choice and typed:
            # Someone else's details typed without choosing "someone else".
            choice = "new"
        if choice == "new":
            name = clean_text(form.get("contact_name"), NAME_LIMIT)
            email = clean_text(form.get("contact_email"), NAME_LIMIT)
            phone = clean_text(form.get("contact_phone"), NAME_LIMIT)
            if not name:
                raise UserError(_("Contact person: please give their name."))
            if email and not email_normalize(email):
                raise UserError(_("Contact person: this email address looks wrong."))
            if phone and not PHONE_PATTERN.fullmatch(phone):
                raise UserError(_("Contact person: this phone number looks wrong."))
            if not (email or phone):
                raise UserError(
                    _("Contact person: please give their email address or phone.")
                )
            return (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "email": email or False,
                        "phone": phone or False,
                        "parent_id": customer.id,
                        "type": "contact",
                    }
                )
            )
        if not choice:
            return self.env["res.partner"]
        contact = self._contacts(customer).filtered(lambda c: str(c.id) == choice)
        if not contact:
            raise UserError(_("Contact person: please choose one from the list."))
        return contact

    @api.model
    def _preference_changes(self, customer, vals):
        """``[(label, before, after)]`` of what ``vals`` changes on ``customer``."""
        changes = []
        for name, value in vals.items():
            field = customer._fields[name]
            before = customer[name]
            if field.type == "many2one":
                same = before.id == (value or False)
                after_text = (
                    customer.env["res.partner"].browse(value).display_name
                    if value
                    else _("none")
                )
                before_text = before.display_name or _("none")
            elif field.type == "float":
                same = round(before * 60) == round(value * 60)
                before_text, after_text = (
                    self._hour_text(before),
                    self._hour_text(value),
                )
            elif field.type == "boolean":
                same = bool(before) == bool(value)
                before_text = _("yes") if before else _("no")
                after_text = _("yes") if value else _("no")
            else:
                same = (before or False) == (value or False)
                selection = dict(field._description_selection(self.env))
                before_text = selection.get(before) or _("none")
                after_text = selection.get(value) or _("none")
            if not same:
                label = field.get_description(self.env)["string"]
                changes.append((label, before_text, after_text))
        return changes

    # -- online payment -------------------------------------------------------

    @api.model
    def _payment_of_invoices(self, invoices):
        """What paying ``invoices`` online pays: ``invoices``, ``amount``,
        ``currency``, ``reference_prefix`` (None: the invoices' names)."""
        if not invoices:
            raise UserError(_("Please tick the invoices you want to pay."))
        if len(invoices.currency_id) > 1:
            raise UserError(
                _(
                    "These invoices are in several currencies: please pay "
                    "those of one currency at a time."
                )
            )
        not_payable = invoices.filtered(lambda invoice: not invoice._has_to_be_paid())
        if not_payable:
            raise UserError(
                _(
                    "%(invoices)s cannot be paid online now (a payment may "
                    "already be on its way).",
                    invoices=", ".join(not_payable.mapped("name")),
                )
            )
        return {
            "invoices": invoices,
            "amount": sum(invoices.mapped("amount_residual")),
            "currency": invoices.currency_id,
            "reference_prefix": None,
            "installment": self.env["collection.payment.plan.installment"],
        }

    @api.model
    def _payment_of_installment(self, plan):
        """What paying the next installment of ``plan`` online pays: the
        rest of that installment, on the plan's open invoices (payments
        received on them are allocated to the installments in date order)."""
        if plan.state != "active":
            raise UserError(_("This payment plan is not active."))
        installment = self._next_installment(plan)
        invoices = plan.invoice_ids.filtered(
            lambda invoice: invoice.payment_state in ("not_paid", "partial")
        )
        if not installment or not invoices:
            raise UserError(_("Nothing is left to pay on this payment plan."))
        if invoices.filtered(lambda invoice: not invoice._has_to_be_paid()):
            raise UserError(
                _(
                    "This installment cannot be paid online now (a payment "
                    "may already be on its way)."
                )
            )
        amount = plan.currency_id.round(installment.amount - installment.paid_amount)
        return {
            "invoices": invoices,
            "amount": min(amount, sum(invoices.mapped("amount_residual"))),
            "currency": plan.currency_id,
            "reference_prefix": plan.name,
            "installment": installment,
        }

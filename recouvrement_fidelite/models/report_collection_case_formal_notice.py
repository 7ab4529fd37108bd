# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Values of the formal notice (mise en demeure) of an escalation case.

The usual content of a French formal notice (Code civil 1344; no wording is
imposed): the words "formal notice", the date, both parties, the invoices
with their due dates and amounts, late interest and the recovery indemnity
where the customer's legal profile gives them, the total, a deadline, how to
pay (bank transfer, the customer's collection page), the offer of a payment
plan, and what follows without payment. It is a letter of the company,
never made to look like a court or bailiff's document (Code pénal 433-13).

Sentences around amounts and dates are built here in the customer's
language (QWeb cannot translate a sentence around a dynamic value as a
whole); the static wording lives in the template.
"""

from odoo import api, fields, models
from odoo.tools import format_amount, format_date

from .report_collection_letter import IBAN_PATTERN


class ReportCollectionCaseFormalNotice(models.AbstractModel):
    _name = "report.recouvrement_fidelite.collection_case_formal_notice"
    _inherit = "collection.case.report"
    _description = "Formal notice"
    _case_documents_key = "notices"

    @api.model
    def _case_document(self, case):
        return self._notice(case)

    @api.model
    def _notice(self, case):
        """Everything one formal notice shows, in the customer's language."""
        recipient = case._notice_recipient()
        customer = case.partner_id.commercial_partner_id
        lang = recipient.lang or customer.lang or self.env.lang or "en_US"
        env = self.with_context(lang=lang).env
        case = case.with_env(env)
        company = case.company_id.sudo()
        today = fields.Date.context_today(self)
        date = case.notice_date or today
        days = self.env.context.get("collection_notice_days") or case._notice_days()
        deadline = case.notice_deadline or fields.Date.add(date, days=days)
        if case.notice_date:
            days = (case.notice_deadline - case.notice_date).days
        currency = case.currency_id

        def amount(value):
            return format_amount(env, value, currency, lang_code=lang)

        def long_date(day):
            return format_date(env, day, lang_code=lang, date_format="long")

        lines = case._claim_lines(date)
        rows = [
            {
                "invoice": line["invoice"],
                "date": format_date(env, line["invoice"].invoice_date, lang_code=lang),
                "due": format_date(
                    env, line["invoice"].invoice_date_due, lang_code=lang
                ),
                "amount": amount(line["residual"]),
            }
            for line in lines
        ]
        principal = sum(line["residual"] for line in lines)
        interest = sum(line["interest"] for line in lines)
        indemnities = [line["indemnity"] for line in lines if line["indemnity"]]
        extras = []
        if not currency.is_zero(interest):
            extras.append(
                {
                    "label": env._(
                        "Late-payment interest to %(date)s",
                        date=format_date(env, date, lang_code=lang),
                    ),
                    "amount": amount(interest),
                }
            )
        if indemnities:
            same = len(set(indemnities)) == 1
            extras.append(
                {
                    "label": env._(
                        "Fixed indemnity for recovery costs (%(count)s × %(amount)s)",
                        count=len(indemnities),
                        amount=amount(indemnities[0]),
                    )
                    if same and len(indemnities) > 1
                    else env._("Fixed indemnity for recovery costs"),
                    "amount": amount(sum(indemnities)),
                }
            )
        for cost in case.cost_ids.filtered(lambda c: c.borne_by == "debtor"):
            extras.append({"label": cost.name, "amount": amount(cost.amount)})
        costs = sum(
            case.cost_ids.filtered(lambda c: c.borne_by == "debtor").mapped("amount")
        )
        total = currency.round(principal + interest + sum(indemnities) + costs)
        profile = case.legal_profile_id.with_env(env)
        b2b = customer.collection_customer_type == "b2b"
        small_claims = bool(
            profile
            and profile._within_small_claims(
                sum(line["principal_and_interest"] for line in lines), 0.0
            )
        )
        contact = customer._collection_contact_values(case.invoice_ids, company)
        bank = company.partner_id.bank_ids[:1]
        portal_url = customer._collection_portal_url(company)
        values = {
            "total": amount(total),
            "deadline": long_date(deadline),
            "days": days,
        }
        return {
            "case": case,
            "lang": lang,
            "company": company,
            "customer": customer.with_env(env),
            "recipient": recipient.with_env(env),
            "place_date": self._place_date(env, company, date, lang),
            "by_post": case.notice_by_post or not case.notice_date,
            "by_email": case.notice_by_email,
            "email": recipient.email or customer.email or "",
            "rows": rows,
            "extras": extras,
            "total": amount(total),
            "principal": amount(principal),
            "opening": self._opening(env, case, lang, len(rows)),
            "demand": env._(
                "We hereby formally demand that you pay us the sum of %(total)s "
                "within %(days)s days of the date of this letter, that is by "
                "%(deadline)s at the latest.",
                **values,
            ),
            "mentions": [
                text
                for text in (
                    profile._late_payment_mention() if profile and b2b else "",
                    (profile.formal_notice_mention or "").strip() if profile else "",
                )
                if text
            ],
            "plan_offer": env._(
                "If you are facing difficulties, contact us before %(deadline)s: "
                "we are prepared to agree with you on a payment plan. You can "
                "also ask for one on your customer page.",
                **values,
            ),
            "consequences": (
                env._(
                    "Failing payment in full or an agreement within this period, "
                    "we will take without further notice the legal steps open to "
                    "us to recover this debt, in particular the simplified "
                    "small-claims procedure through a commissaire de justice or "
                    "a request for an injunction to pay."
                )
                if small_claims
                else env._(
                    "Failing payment in full or an agreement within this period, "
                    "we will take without further notice the legal steps open to "
                    "us to recover this debt, in particular a request for an "
                    "injunction to pay."
                )
            ),
            "contact_name": contact["name"],
            "contact_phone": contact["phone"],
            "contact_email": contact["email"],
            "responsible": contact["user"],
            "bank": bank,
            "bank_is_iban": bool(
                bank
                and (
                    bank.acc_type == "iban"
                    or IBAN_PATTERN.fullmatch(bank.sanitized_acc_number or "")
                )
            ),
            "portal_url": portal_url,
            "creditor": self._creditor(env, company),
        }

    @api.model
    def _place_date(self, env, company, day, lang):
        """ "Lyon, 3 December 2026": where and when the letter is written."""
        text = format_date(env, day, lang_code=lang, date_format="long")
        if company.city:
            return env._("%(place)s, %(date)s", place=company.city, date=text)
        return env._("On %(date)s", date=text)

    @api.model
    def _creditor(self, env, company):
        """The creditor in one line: name, address, registration and VAT
        numbers (a formal notice names both parties, whatever the layout
        prints in its header)."""
        address = ", ".join(
            part
            for part in (
                company.street,
                company.street2,
                " ".join(p for p in (company.zip, company.city) if p),
            )
            if part
        )
        parts = [company.name, address]
        if company.company_registry:
            parts.append(env._("Registration %s", company.company_registry))
        if company.vat:
            parts.append(env._("VAT %s", company.vat))
        return " - ".join(part for part in parts if part)

    @api.model
    def _opening(self, env, case, lang, count):
        """The first sentence: the reminders already sent, by their dates."""
        reminders = (
            self.env["collection.action"]
            .sudo()
            .search(
                [
                    ("invoice_id", "in", case.invoice_ids.ids),
                    ("kind", "=", "reminder"),
                    ("state", "=", "done"),
                ]
            )
        )
        days = sorted(set(reminders.mapped("date")))[-3:]
        if not days:
            if count == 1:
                return env._(
                    "The invoice below, whose due date has passed, remains unpaid "
                    "to this day."
                )
            return env._(
                "The invoices below, whose due dates have passed, remain unpaid "
                "to this day."
            )
        words = [format_date(env, day, lang_code=lang) for day in days]
        dates = (
            words[0]
            if len(words) == 1
            else env._(
                "%(dates)s and %(last)s", dates=", ".join(words[:-1]), last=words[-1]
            )
        )
        if count == 1:
            return env._(
                "Despite our reminders of %(dates)s, the invoice below remains "
                "unpaid to this day.",
                dates=dates,
            )
        return env._(
            "Despite our reminders of %(dates)s, the invoices below remain "
            "unpaid to this day.",
            dates=dates,
        )

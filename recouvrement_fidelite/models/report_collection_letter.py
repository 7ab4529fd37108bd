# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Values of the reminder letter: one letter per customer.

The letter is printed for invoices (``account.move``); the invoices given may
belong to several customers, and a customer with several invoices gets one
letter listing them all. The tone of the letter (courteous, neutral, firm,
formal) is, in this order: ``data["tone"]``, the context key
``collection_letter_tone``, the tone of ``data["collection_level_id"]``, the
tone of the reminder being sent now for these invoices, the tone of the
highest level the invoices reached, else neutral.

The sentences that embed amounts and dates are built here, in the
customer's language, because QWeb cannot translate a sentence around a
dynamic value as a whole; the static wording lives in the template
(``reports/collection_letter_report.xml``).
"""

import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..engine import concepts

#: Codes of the tones a letter may take.
TONES = concepts.codes(concepts.TONES)
#: The shape of an IBAN, when the IBAN module does not type bank accounts.
IBAN_PATTERN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


class ReportCollectionLetter(models.AbstractModel):
    _name = "report.recouvrement_fidelite.collection_letter"
    _description = "Reminder letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        invoices = self.env["account.move"].browse(docids).exists()
        others = invoices.filtered(lambda move: move.move_type != "out_invoice")
        if others:
            raise UserError(
                _(
                    "Reminder letters are for customer invoices only, not for "
                    "%(documents)s.",
                    documents=", ".join(others.mapped("display_name")),
                )
            )
        today = fields.Date.context_today(self)
        letters = []
        by_customer = {}
        for invoice in invoices:
            by_customer.setdefault(
                invoice.commercial_partner_id, self.env["account.move"]
            )
            by_customer[invoice.commercial_partner_id] |= invoice
        for customer, customer_invoices in by_customer.items():
            letters.append(self._letter(customer, customer_invoices, data, today))
        return {
            "doc_ids": invoices.ids,
            "doc_model": "account.move",
            "docs": invoices,
            "letters": letters,
        }

    @api.model
    def _tone(self, invoices, data):
        tone = data.get("tone") or self.env.context.get("collection_letter_tone")
        if tone in TONES:
            return tone
        level = self.env["collection.level"]
        if data.get("collection_level_id"):
            level = level.browse(data["collection_level_id"]).exists()
        if not level:
            # The collection run renders the letter before it records the new
            # level on the invoices: the reminder being sent is the approved
            # one, not yet done.
            sending = self.env["collection.action"].search(
                [
                    ("invoice_id", "in", invoices.ids),
                    ("state", "=", "approved"),
                    ("kind", "=", "reminder"),
                    ("level_id", "!=", False),
                ]
            )
            level = sending.level_id or invoices.collection_level_id
        level = level.sorted("level_number")[-1:]
        return level.tone if level.tone in TONES else "neutral"

    @api.model
    def _letter(self, customer, invoices, data, today):
        """Everything one letter shows, worded in the customer's language."""
        recipient = customer.collection_contact_id or customer
        lang = recipient.lang or customer.lang or self.env.lang or "en_US"
        env = self.with_context(lang=lang).env
        invoices = invoices.with_env(env).sorted(
            lambda inv: (inv.invoice_date_due or inv.invoice_date or today, inv.name)
        )
        company = invoices.company_id[:1].sudo() or env.company.sudo()
        tone = self._tone(invoices, data)
        rows = [
            {
                "invoice": invoice,
                "days_late": max(
                    (
                        today
                        - (invoice.invoice_date_due or invoice.invoice_date or today)
                    ).days,
                    0,
                ),
                "amount": format_amount(
                    env, invoice.amount_residual, invoice.currency_id, lang_code=lang
                ),
            }
            for invoice in invoices
        ]
        totals = {}
        for invoice in invoices:
            totals[invoice.currency_id] = (
                totals.get(invoice.currency_id, 0.0) + invoice.amount_residual
            )
        total_text = " + ".join(
            format_amount(env, amount, currency, lang_code=lang)
            for currency, amount in totals.items()
        )
        credit = self._credit(env, invoices, lang)
        if credit:
            # The letter asks for what is left once the credit is deducted.
            total_text = credit["to_pay"]
        # The letters that set a deadline give the company's (Settings); the
        # courteous letter sets none.
        deadline = fields.Date.add(
            today,
            days=data.get("deadline_days") or company.collection_letter_deadline_days,
        )
        deadline_text = format_date(env, deadline, lang_code=lang, date_format="long")
        date_text = format_date(env, today, lang_code=lang, date_format="long")
        contact = customer._collection_contact_values(invoices, company)
        main = invoices[:1]
        bank = company.partner_id.bank_ids[:1]
        return {
            "customer": customer.with_env(env),
            "recipient": recipient.with_env(env),
            "lang": lang,
            "invoices": invoices,
            "main": main,
            "company": company,
            "tone": tone,
            "rows": rows,
            "totals": [
                format_amount(env, amount, currency, lang_code=lang)
                for currency, amount in totals.items()
            ],
            "credit": credit,
            "b2b": customer.collection_customer_type == "b2b",
            "late_payment_terms": self._late_payment_terms(env, customer, company),
            "place_date": (
                env._("%(place)s, %(date)s", place=company.city, date=date_text)
                if company.city
                else env._("On %(date)s", date=date_text)
            ),
            "subject": self._subject(env, tone),
            "paragraphs": self._with_credit(
                env,
                self._paragraphs(
                    env,
                    tone,
                    len(invoices),
                    total_text,
                    deadline_text,
                    reminded=all(invoices.mapped("collection_reminder_count")),
                ),
                credit,
            ),
            # A person signs above the company's name; else the company alone.
            "responsible": contact["user"],
            "contact_name": contact["name"],
            "contact_phone": contact["phone"],
            "contact_email": contact["email"],
            "bank": bank,
            "bank_is_iban": bool(
                bank
                and (
                    bank.acc_type == "iban"
                    or IBAN_PATTERN.fullmatch(bank.sanitized_acc_number or "")
                )
            ),
            "portal_url": main.get_base_url() + main.get_portal_url() if main else "",
        }

    @api.model
    def _late_payment_terms(self, env, customer, company):
        """The late-payment mention of the customer's legal profile, in the
        letter's language (empty without a profile or a mention)."""
        profile = env["collection.legal.profile"]._for_partner(customer, company)
        return profile._late_payment_mention() if profile else ""

    @api.model
    def _credit(self, env, invoices, lang):
        """The customer's credit deducted from the invoices, worded for the
        letter; ``None`` when nothing is deducted."""
        amounts = env["collection.engine"]._reminder_amounts(invoices)
        currency = amounts["currency"]
        if currency.is_zero(amounts["deducted"]):
            return None

        def amount(value):
            return format_amount(env, value, currency, lang_code=lang)

        kept = currency.round(amounts["credit_total"] - amounts["deducted"])
        return {
            "rows": [
                {
                    "document": credit["document"],
                    "is_credit_note": credit["is_credit_note"],
                    "date": format_date(env, credit["date"], lang_code=lang),
                    "amount": amount(-credit["amount"]),
                }
                for credit in amounts["credits"]
            ],
            "kept": amount(kept) if not currency.is_zero(kept) else "",
            "deducted": amount(amounts["deducted"]),
            "to_pay": amount(amounts["to_pay"]),
        }

    @api.model
    def _with_credit(self, env, paragraphs, credit):
        """Say, right below the table, what was deducted and what is left."""
        if not credit:
            return paragraphs
        return [
            paragraphs[0],
            env._(
                "We have deducted %(deducted)s of credit notes and payments not "
                "yet matched with your invoices: the net amount to pay is "
                "%(to_pay)s.",
                deducted=credit["deducted"],
                to_pay=credit["to_pay"],
            ),
            *paragraphs[1:],
        ]

    @api.model
    def _subject(self, env, tone):
        return {
            "courteous": env._("Reminder: invoices awaiting payment"),
            "neutral": env._("Reminder: overdue invoices"),
            "firm": env._("Unpaid invoices: payment required without delay"),
            "formal": env._("Last reminder before formal notice"),
        }[tone]

    @api.model
    def _paragraphs(self, env, tone, count, total, deadline, reminded=True):
        """The body of the letter, in the tone of the level.

        The formal letter announces a formal notice; it must never look like
        a court or bailiff's document (Code pénal 433-13). "Our previous
        reminders" only when every invoice of the letter was reminded before
        (``reminded``): a first contact opens as the neutral letter does.
        """
        values = {"total": total, "deadline": deadline}
        if tone in ("firm", "formal") and not reminded:
            paragraphs = self._paragraphs(env, tone, count, total, deadline)
            opening = self._paragraphs(env, "neutral", count, total, deadline)[0]
            return [opening, *paragraphs[1:]]
        if tone == "courteous":
            return [
                env._(
                    "Unless we are mistaken, the invoice below has not been paid yet."
                )
                if count == 1
                else env._(
                    "Unless we are mistaken, the invoices below have not been paid yet."
                ),
                env._(
                    "This is probably an oversight: we would be grateful if you "
                    "could pay the amount of %(total)s at your earliest convenience. "
                    "If your payment has crossed this letter, please disregard it.",
                    **values,
                ),
                env._(
                    "If something prevents the payment (a question about an "
                    "invoice, a delivery, a temporary difficulty), just tell us: "
                    "we will gladly find a solution together."
                ),
            ]
        if tone == "neutral":
            return [
                env._(
                    "According to our records, the invoice below remains unpaid "
                    "although its due date has passed."
                )
                if count == 1
                else env._(
                    "According to our records, the invoices below remain unpaid "
                    "although their due dates have passed."
                ),
                env._(
                    "We ask you to pay the amount of %(total)s by %(deadline)s.",
                    **values,
                ),
                env._(
                    "If you disagree with an amount or cannot pay by then, please "
                    "contact us before that date so that we can find a solution. "
                    "If your payment has crossed this letter, please disregard it."
                ),
            ]
        if tone == "firm":
            return [
                env._(
                    "Despite our previous reminders, the invoice below is still unpaid."
                )
                if count == 1
                else env._(
                    "Despite our previous reminders, the invoices below are still "
                    "unpaid."
                ),
                env._(
                    "We ask you to pay the amount of %(total)s without further "
                    "delay, and by %(deadline)s at the latest.",
                    **values,
                ),
                env._(
                    "If you are facing difficulties, contact us now: a payment "
                    "plan can be discussed. Without payment or news from you, we "
                    "will have to continue the collection of this debt."
                ),
            ]
        return [
            env._("Despite our previous reminders, the invoice below remains unpaid.")
            if count == 1
            else env._(
                "Despite our previous reminders, the invoices below remain unpaid."
            ),
            env._(
                "This letter is our last amicable reminder. Unless the amount of "
                "%(total)s is paid by %(deadline)s, we will send you a formal "
                "notice to pay, and may then take the steps open to us to recover "
                "this debt.",
                **values,
            ),
            env._(
                "If you dispute all or part of this amount, or wish to propose a "
                "payment schedule, please contact us before that date."
            ),
        ]

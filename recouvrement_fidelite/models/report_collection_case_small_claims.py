# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Values of the request to a commissaire de justice for the simplified
small-claims procedure: the first pages of the dossier (the invoices, the
formal notice and the proofs of delivery follow it in the PDF, see
``collection.case._small_claims_dossier``).

The request says who the creditor and the debtor are, the claim (invoices,
interest, indemnity; principal and interest against the threshold), what
was done before (reminders, formal notice and its delivery) and what is
enclosed. It is written in the commissaire's language (the company's when
not known). Sentences around amounts and dates are built here.
"""

from odoo import api, fields, models
from odoo.tools import format_amount, format_date


class ReportCollectionCaseSmallClaims(models.AbstractModel):
    _name = "report.recouvrement_fidelite.collection_case_small_claims"
    _inherit = "collection.case.report"
    _description = "Request for the simplified small-claims procedure"
    _case_documents_key = "requests"

    @api.model
    def _case_document(self, case):
        return self._request(case)

    @api.model
    def _request(self, case, recipient=None):
        """Everything the request shows, in ``recipient``'s language (the
        commissaire de justice by default); the injunction to pay's request
        (``report.recouvrement_fidelite.collection_case_injunction``) says
        the same about the parties and the claim."""
        company = case.company_id.sudo()
        bailiff = recipient if recipient is not None else case.sc_bailiff_id
        lang = bailiff.lang or company.partner_id.lang or self.env.lang or "en_US"
        env = self.with_context(lang=lang).env
        case = case.with_env(env)
        customer = case.partner_id.commercial_partner_id.with_env(env)
        today = fields.Date.context_today(self)
        day = case.sc_request_date or today
        currency = case.currency_id

        def amount(value, in_currency=None):
            return format_amount(env, value, in_currency or currency, lang_code=lang)

        def short(value):
            return format_date(env, value, lang_code=lang) if value else ""

        lines = case._claim_lines(day)
        principal = sum(line["residual"] for line in lines)
        interest = sum(line["interest"] for line in lines)
        indemnity = sum(line["indemnity"] for line in lines)
        profile = case.legal_profile_id
        threshold_currency = profile.indemnity_currency_id or currency
        reminders = (
            self.env["collection.action"]
            .sudo()
            .search(
                [
                    ("invoice_id", "in", case.invoice_ids.ids),
                    ("kind", "=", "reminder"),
                    ("state", "=", "done"),
                ],
                order="date, id",
            )
        )
        channels = dict(reminders._fields["channel"]._description_selection(env))
        steps = {}
        for reminder in reminders:
            steps.setdefault((reminder.date, reminder.channel), set()).add(
                reminder.invoice_id.name
            )
        contact = customer._collection_contact_values(case.invoice_ids, company)
        # The formal notice's helpers: the same place and date, the same
        # creditor line.
        letters = self.env["report.recouvrement_fidelite.collection_case_formal_notice"]
        notice = []
        if case.notice_date:
            notice.append(
                env._(
                    "Formal notice dated %(date)s, giving until %(deadline)s to pay.",
                    date=short(case.notice_date),
                    deadline=short(case.notice_deadline),
                )
            )
            if case.notice_by_post:
                notice.append(
                    env._(
                        "Sent by registered letter with acknowledgement of receipt "
                        "no. %(number)s, delivered on %(delivery)s.",
                        number=case.notice_tracking_ref or "-",
                        delivery=short(case.notice_delivery_date) or "-",
                    )
                )
            if case.notice_by_email:
                notice.append(env._("Also sent by email."))
        annexes = [
            env._(
                "The invoices (%(count)s): %(names)s.",
                count=len(case.invoice_ids),
                names=", ".join(case.invoice_ids.sorted("name").mapped("name")),
            )
        ] + [
            (attachment.name or "").removesuffix(".pdf")
            for attachment in case._dossier_annexes()
        ]
        b2b = customer.collection_customer_type == "b2b"
        return {
            "env": env,
            "case": case,
            "lang": lang,
            "lines": lines,
            "profile": profile,
            "company": company,
            "bailiff": bailiff.with_env(env),
            "customer": customer,
            "place_date": letters._place_date(env, company, day, lang),
            "creditor": letters._creditor(env, company),
            "contact": contact,
            "debtor_kind": env._("business") if b2b else env._("consumer"),
            "debtor_address": ", ".join(
                part
                for part in (
                    customer.street,
                    customer.street2,
                    " ".join(p for p in (customer.zip, customer.city) if p),
                    customer.country_id.name,
                )
                if part
            ),
            "rows": [
                {
                    "invoice": line["invoice"],
                    "date": short(line["invoice"].invoice_date),
                    "due": short(line["invoice"].invoice_date_due),
                    "total": amount(line["invoice"].amount_total),
                    "residual": amount(line["residual"]),
                }
                for line in lines
            ],
            "principal": amount(principal),
            "interest": amount(interest) if not currency.is_zero(interest) else "",
            "indemnity": amount(indemnity) if not currency.is_zero(indemnity) else "",
            "principal_and_interest": env._(
                "Principal and interest: %(claim)s, within the threshold of "
                "%(threshold)s of the simplified procedure.",
                claim=amount(
                    sum(line["principal_and_interest"] for line in lines),
                    threshold_currency,
                ),
                threshold=amount(profile.small_claims_threshold, threshold_currency),
            )
            if profile
            else "",
            "total": amount(principal + interest + indemnity),
            "steps": [
                {
                    "date": short(date),
                    "channel": channels.get(channel, channel),
                    "invoices": ", ".join(sorted(names)),
                }
                for (date, channel), names in sorted(steps.items())
            ],
            "notice": notice,
            "annexes": annexes,
        }

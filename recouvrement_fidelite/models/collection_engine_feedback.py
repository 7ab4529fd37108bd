# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the customer said on the collection page, as rule facts.

The feedback provider adds, for a batch of invoices, in four queries
whatever the batch's size: the reason and age of the latest feedback on
each invoice, whether the customer declared a financial difficulty (in a
feedback not done yet), whether they opened their collection page since
the invoice's last reminder, and their latest rating of the collection.
The reasons' codes are the choices of "Last feedback reason" in the rule
editor.
"""

from odoo import api, models

from ..engine.variables import NO_FEEDBACK_DAYS, NO_RATING


class CollectionEngine(models.AbstractModel):
    _inherit = "collection.engine"

    @api.model
    def _fact_providers(self):
        return super()._fact_providers() + ["_feedback_facts"]

    @api.model
    def _catalogue(self, company=None):
        catalogue = super()._catalogue(company)
        company = company or self.env.company
        # sudo: rules are checked against every reason of the company,
        # archived ones included (a rule naming one stays valid).
        reasons = (
            self.env["collection.feedback.reason"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", [False, company.id])])
        )
        if reasons:
            # The catalogue's variables are the dicts it exports: the rule
            # editor, the validator and the explanations read these choices.
            catalogue.variables["last_feedback_reason"]["options"] = [
                {"name": reason.code, "label": reason.name} for reason in reasons
            ]
        return catalogue

    @api.model
    def _feedback_facts(self, invoices, today):
        """``last_feedback_reason``, ``days_since_last_feedback``,
        ``declared_difficulty``, ``portal_visit_since_last_reminder`` and
        ``last_satisfaction_rating`` of each invoice."""
        if not invoices:
            return []
        company = invoices.company_id[:1] or self.env.company
        customer_ids = list(set(invoices.commercial_partner_id.ids))
        for model in (
            "collection.feedback",
            "collection.feedback.reason",
            "collection.portal.event",
            "collection.satisfaction",
        ):
            self.env[model].flush_model()
        cr = self.env.cr
        cr.execute(
            """
            SELECT DISTINCT ON (feedback.invoice_id)
                   feedback.invoice_id, reason.code, feedback.date
              FROM collection_feedback feedback
              JOIN collection_feedback_reason reason
                ON reason.id = feedback.reason_id
             WHERE feedback.invoice_id = ANY(%s)
             ORDER BY feedback.invoice_id, feedback.date DESC, feedback.id DESC
            """,
            [invoices.ids],
        )
        latest = {invoice_id: (code, date) for invoice_id, code, date in cr.fetchall()}
        cr.execute(
            """
            SELECT DISTINCT feedback.partner_id
              FROM collection_feedback feedback
              JOIN collection_feedback_reason reason
                ON reason.id = feedback.reason_id
             WHERE reason.declares_difficulty
               AND feedback.state != 'done'
               AND feedback.company_id = %s
               AND feedback.partner_id = ANY(%s)
            """,
            [company.id, customer_ids],
        )
        in_difficulty = {row[0] for row in cr.fetchall()}
        cr.execute(
            """
            SELECT partner_id, MAX(create_date)
              FROM collection_portal_event
             WHERE event_type = 'visit'
               AND company_id = %s
               AND partner_id = ANY(%s)
             GROUP BY partner_id
            """,
            [company.id, customer_ids],
        )
        last_visit = dict(cr.fetchall())
        cr.execute(
            """
            SELECT DISTINCT ON (partner_id) partner_id, rating
              FROM collection_satisfaction
             WHERE state = 'answered'
               AND company_id = %s
               AND partner_id = ANY(%s)
             ORDER BY partner_id, date_answered DESC, id DESC
            """,
            [company.id, customer_ids],
        )
        ratings = dict(cr.fetchall())
        facts = []
        for invoice in invoices:
            customer_id = invoice.commercial_partner_id.id
            code, date = latest.get(invoice.id, (None, None))
            reminded = invoice.collection_last_reminder_date
            visit = last_visit.get(customer_id)
            facts.append(
                {
                    "last_feedback_reason": code or "",
                    "days_since_last_feedback": (
                        (today - date.date()).days if date else NO_FEEDBACK_DAYS
                    ),
                    "declared_difficulty": customer_id in in_difficulty,
                    "portal_visit_since_last_reminder": bool(
                        reminded and visit and visit.date() >= reminded
                    ),
                    "last_satisfaction_rating": ratings.get(customer_id) or NO_RATING,
                }
            )
        return facts

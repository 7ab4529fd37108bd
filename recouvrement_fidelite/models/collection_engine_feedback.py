# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the customer said on the collection page, as rule facts.

The feedback provider adds, for a batch of invoices, in one query
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
        ``last_satisfaction_rating`` of each invoice, in one query for the
        batch (the facts of a batch take a constant number of queries)."""
        if not invoices:
            return []
        company = invoices.company_id[:1] or self.env.company
        self.env["account.move"].flush_model(["commercial_partner_id"])
        for model in (
            "collection.feedback",
            "collection.feedback.reason",
            "collection.portal.event",
            "collection.satisfaction",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            """
            SELECT move.id,
                   latest.code,
                   latest.date,
                   EXISTS (
                       SELECT 1
                         FROM collection_feedback feedback
                         JOIN collection_feedback_reason reason
                           ON reason.id = feedback.reason_id
                        WHERE feedback.partner_id = move.commercial_partner_id
                          AND feedback.company_id = %(company)s
                          AND feedback.state != 'done'
                          AND reason.declares_difficulty
                   ),
                   (SELECT MAX(event.create_date)
                      FROM collection_portal_event event
                     WHERE event.partner_id = move.commercial_partner_id
                       AND event.company_id = %(company)s
                       AND event.event_type = 'visit'),
                   (SELECT answer.rating
                      FROM collection_satisfaction answer
                     WHERE answer.partner_id = move.commercial_partner_id
                       AND answer.company_id = %(company)s
                       AND answer.state = 'answered'
                     ORDER BY answer.date_answered DESC, answer.id DESC
                     LIMIT 1)
              FROM account_move move
              LEFT JOIN LATERAL (
                   SELECT reason.code, feedback.date
                     FROM collection_feedback feedback
                     JOIN collection_feedback_reason reason
                       ON reason.id = feedback.reason_id
                    WHERE feedback.invoice_id = move.id
                    ORDER BY feedback.date DESC, feedback.id DESC
                    LIMIT 1
              ) latest ON TRUE
             WHERE move.id = ANY(%(invoices)s)
            """,
            {"company": company.id, "invoices": invoices.ids},
        )
        rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        facts = []
        for invoice in invoices:
            code, date, in_difficulty, visit, rating = rows.get(
                invoice.id, (None, None, False, None, None)
            )
            reminded = invoice.collection_last_reminder_date
            facts.append(
                {
                    "last_feedback_reason": code or "",
                    "days_since_last_feedback": (
                        (today - date.date()).days if date else NO_FEEDBACK_DAYS
                    ),
                    "declared_difficulty": bool(in_difficulty),
                    # Reminders are dated, visits timed: a visit on the day
                    # of the reminder counts as after it.
                    "portal_visit_since_last_reminder": bool(
                        reminded and visit and visit.date() >= reminded
                    ),
                    "last_satisfaction_rating": rating or NO_RATING,
                }
            )
        return facts

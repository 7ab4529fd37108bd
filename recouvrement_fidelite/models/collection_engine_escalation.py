# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer's escalation case, as rule facts.

The escalation provider adds, for a batch of invoices, in one query
whatever the batch's size: the stage of the customer's live (open or
suspended) escalation case in the invoice's company and currency, and the
days since the case entered that stage. The case's own invoices are paused
(they are not evaluated); the customer's other invoices see the case, so
that a rule can add a new overdue invoice to it, or wait.
"""

from odoo import api, models

from ..engine.variables import NO_CASE_DAYS
from .collection_case import LIVE_STATES


class CollectionEngine(models.AbstractModel):
    _inherit = "collection.engine"

    @api.model
    def _fact_providers(self):
        return super()._fact_providers() + ["_escalation_facts"]

    @api.model
    def _escalation_facts(self, invoices, today):
        """``customer_escalation_stage`` and ``days_in_escalation_stage`` of
        each invoice, from its customer's live case in the invoice's company
        and currency (one query for the batch)."""
        if not invoices:
            return []
        # sudo: the rules see every case, whoever runs them.
        cases = (
            self.env["collection.case"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", invoices.commercial_partner_id.ids),
                    ("company_id", "in", invoices.company_id.ids),
                    ("state", "in", LIVE_STATES),
                ],
                ["partner_id", "company_id", "currency_id", "stage", "stage_date"],
            )
        )
        live = {
            (case.partner_id.id, case.company_id.id, case.currency_id.id): case
            for case in cases
        }
        facts = []
        for invoice in invoices:
            case = live.get(
                (
                    invoice.commercial_partner_id.id,
                    invoice.company_id.id,
                    invoice.currency_id.id,
                )
            )
            facts.append(
                {
                    "customer_escalation_stage": case.stage if case else "none",
                    "days_in_escalation_stage": (
                        (today - case.stage_date).days
                        if case and case.stage_date
                        else NO_CASE_DAYS
                    ),
                }
            )
        return facts

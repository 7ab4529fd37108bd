# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Values of the request for an injunction to pay: the parties and the claim
as the simplified procedure's request says them, the court (commercial
between traders, judicial otherwise) and the information of the matching
Cerfa form (12946 or 12948) as an annex to copy from."""

from odoo import api, models


class ReportCollectionCaseInjunction(models.AbstractModel):
    _name = "report.recouvrement_fidelite.collection_case_injunction"
    _inherit = "collection.case.report"
    _description = "Request for an injunction to pay"
    _case_documents_key = "requests"

    @api.model
    def _case_document(self, case):
        return self._request(case)

    @api.model
    def _request(self, case):
        court = case.inj_court_id
        values = self.env[
            "report.recouvrement_fidelite.collection_case_small_claims"
        ]._request(case, recipient=court or case.company_id.partner_id)
        env = values["env"]
        customer = values["customer"]
        commercial = case.inj_court_kind == "commercial"
        town = customer.city or ""
        court_name = (
            env._("Commercial court of %(town)s", town=town)
            if commercial
            else env._("Judicial court of %(town)s", town=town)
        )
        profile = values["profile"]
        interest_terms = ""
        if profile.interest_reference_id:
            terms = {
                "reference": profile.interest_reference_id.with_env(env).name,
                "margin": f"{profile.interest_margin:g}",
            }
            interest_terms = (
                env._(
                    "%(reference)s plus %(margin)s points, from the formal notice",
                    **terms,
                )
                if profile.interest_after_formal_notice
                else env._(
                    "%(reference)s plus %(margin)s points, from the day after each "
                    "due date",
                    **terms,
                )
            )
        values.update(
            {
                "court": court.with_env(env) if court else court,
                "court_name": court_name,
                "addressee": env._(
                    "To the President of the %(court)s", court=court_name
                )
                if commercial
                else env._("To the judge of the %(court)s", court=court_name),
                "cerfa": "12946" if commercial else "12948",
                "interest_terms": interest_terms,
                "costs": [
                    {"label": cost.name, "amount": cost.amount}
                    for cost in case.cost_ids.filtered(lambda c: c.borne_by == "debtor")
                ],
            }
        )
        return values

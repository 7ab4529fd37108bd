# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Values of the collection mandate given to an agency (France: CPCE
R124-1 and following): the parties, the claim broken down, the agency's
pay, how the funds are remitted, what its first letter to the debtor must
contain, the recall and personal data. In the agency's language (the
company's when not known)."""

from odoo import api, models
from odoo.tools import formatLang


class ReportCollectionCaseAgencyMandate(models.AbstractModel):
    _name = "report.recouvrement_fidelite.collection_case_agency_mandate"
    _inherit = "collection.case.report"
    _description = "Collection mandate"
    _case_documents_key = "mandates"

    @api.model
    def _case_document(self, case):
        return self._mandate(case)

    @api.model
    def _mandate(self, case):
        agency = case.agency_id
        values = self.env[
            "report.recouvrement_fidelite.collection_case_small_claims"
        ]._request(case, recipient=agency or case.company_id.partner_id)
        env = values["env"]
        rate = case.agency_commission_rate or agency.collection_agency_commission
        days = case.agency_remit_days or agency.collection_agency_remit_days
        # Worked out before the sentence, in the agency's language.
        rate_text = formatLang(env, rate, digits=2)
        if rate == int(rate):
            rate_text = formatLang(env, rate, digits=0)
        values.update(
            {
                "agency": agency.with_env(env) if agency else agency,
                "object": env._(
                    "The creditor instructs the agency to collect amicably, in "
                    "the creditor's name and on its behalf, the claim described "
                    "below against %(debtor)s.",
                    debtor=values["customer"].name,
                ),
                "pay": env._(
                    "The agency is paid a commission of %(rate)s %% of the sums "
                    "it actually collects, and nothing else.",
                    rate=rate_text,
                ),
                "remittance": env._(
                    "The agency remits the sums it collects, less its commission, "
                    "within %(days)s days of receiving them, with a statement of "
                    "the sums collected for each debtor. It gives the debtor a "
                    "receipt for every payment.",
                    days=days,
                ),
            }
        )
        return values

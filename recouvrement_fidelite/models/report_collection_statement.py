# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class ReportCollectionStatement(models.AbstractModel):
    """The statement of account a customer downloads from their collection
    page: the same data as the page (collection.portal.access._statement_data)."""

    _name = "report.recouvrement_fidelite.report_collection_statement"
    _description = "Customer statement of account"

    @api.model
    def _get_report_values(self, docids, data=None):
        company = self.env["res.company"].browse((data or {}).get("company_id"))
        company = company.exists() or self.env.company
        partners = self.env["res.partner"].browse(docids)
        access = self.env["collection.portal.access"]
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "statements": {
                partner.id: access._statement_data(partner, company)
                for partner in partners
            },
        }

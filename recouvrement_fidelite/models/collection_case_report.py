# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What every document of an escalation case gives its QWeb template.

A case's reports (formal notice, small-claims request, injunction request,
agency mandate) each print one document per case; they differ only in what
one document holds (``_case_document``) and the name the template loops on
(``_case_documents_key``).
"""

from odoo import api, models


class CollectionCaseReport(models.AbstractModel):
    _name = "collection.case.report"
    _description = "Document of an escalation case"

    _case_documents_key = "documents"

    @api.model
    def _get_report_values(self, docids, data=None):
        cases = self.env["collection.case"].browse(docids).exists()
        return {
            "doc_ids": cases.ids,
            "doc_model": "collection.case",
            "docs": cases,
            self._case_documents_key: [self._case_document(case) for case in cases],
        }

    @api.model
    def _case_document(self, case):
        """The values of ``case``'s document, in its reader's language."""
        raise NotImplementedError

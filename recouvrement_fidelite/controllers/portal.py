# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer's collection page on the portal.

Reached without logging in through the link of a reminder
(``/my/collection/<token>``, ``/c/<short token>`` for SMS) or, logged in,
at ``/my/collection`` and from ``/my``. Every wrong, revoked or expired token
gets the same 404; the page shows only the records of the token's (or the
portal user's) commercial entity in the token's company.
"""

from odoo import fields, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class CollectionPortal(CustomerPortal):
    # -- /my home entry ------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "collection_open_count" in counters or "collection_overdue" in counters:
            partner = request.env.user.partner_id
            data = self._collection_statement_data(partner, request.env.company)
            values["collection_open_count"] = len(data["invoices"]) or 0
            values["collection_overdue"] = (
                data["format"](data["overdue"]) if data["overdue"] else 0
            )
        return values

    # -- data ----------------------------------------------------------------

    def _collection_statement_data(self, partner, company):
        return request.env["collection.portal.access"]._statement_data(partner, company)

    def _collection_invoice_status(self, invoice, today):
        """(css class, label key) of an open invoice's collection status.
        Plans and promises will add theirs through the pause sources
        (account.move._collection_pause_sources)."""
        invoice = invoice.sudo()
        if invoice.collection_dispute_state not in (False, "none", "resolved"):
            return "dispute"
        if invoice.collection_paused:
            return "paused"
        if invoice.invoice_date_due and invoice.invoice_date_due < today:
            return "overdue"
        return "due"

    def _collection_page_values(self, access=None):
        env = request.env
        if access:
            partner, company = access.partner_id, access.company_id
        else:
            partner, company = env.user.partner_id, env.company
        data = self._collection_statement_data(partner, company)
        statuses = {
            invoice: self._collection_invoice_status(invoice, data["today"])
            for invoice in data["invoices"]
        }
        token = access.sudo().token if access else None
        pdf_url = (
            f"/my/collection/{token}/statement.pdf"
            if token
            else "/my/collection/statement.pdf"
        )
        return dict(
            data,
            page_name="collection",
            statuses=statuses,
            access=access,
            pdf_url=pdf_url,
            logged_in=not access,
        )

    def _collection_lang(self, partner):
        lang = partner.commercial_partner_id.lang or partner.lang
        installed = dict(request.env["res.lang"].get_installed())
        return lang if lang in installed else None

    def _collection_access(self, token):
        """The link of ``token``, in its customer's language (404 when the
        token is unknown, revoked or expired: the same answer for all)."""
        access = request.env["collection.portal.access"]._find(token)
        if not access:
            raise request.not_found()
        lang = self._collection_lang(access.partner_id)
        if lang:
            request.update_context(lang=lang)
            # Amounts and dates in the customer's language too.
            access = access.with_context(lang=lang)
        return access

    # -- routes --------------------------------------------------------------

    @http.route(
        "/my/collection/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def collection_page_token(self, token, **kw):
        access = self._collection_access(token)
        access.sudo().last_visit = fields.Datetime.now()
        return request.render(
            "recouvrement_fidelite.portal_collection_page",
            self._collection_page_values(access),
        )

    @http.route(
        "/my/collection/<string:token>/statement.pdf",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def collection_statement_token(self, token, **kw):
        access = self._collection_access(token)
        return self._collection_statement_pdf(access.partner_id, access.company_id)

    @http.route(
        "/my/collection", type="http", auth="user", methods=["GET"], website=True
    )
    def collection_page(self, **kw):
        return request.render(
            "recouvrement_fidelite.portal_collection_page",
            self._collection_page_values(),
        )

    @http.route(
        "/my/collection/statement.pdf", type="http", auth="user", methods=["GET"]
    )
    def collection_statement(self, **kw):
        return self._collection_statement_pdf(
            request.env.user.partner_id, request.env.company
        )

    @http.route(
        "/c/<string:short_token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def collection_short_link(self, short_token, **kw):
        access = request.env["collection.portal.access"]._find(short_token, short=True)
        if not access:
            raise request.not_found()
        return request.redirect(f"/my/collection/{access.sudo().token}", 303)

    def _collection_statement_pdf(self, partner, company):
        commercial = partner.commercial_partner_id
        report = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(company)
            .with_context(lang=request.env.context.get("lang"))
        )
        pdf, __ = report._render_qweb_pdf(
            "recouvrement_fidelite.action_report_collection_statement",
            commercial.ids,
            data={"company_id": company.id},
        )
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                (
                    "Content-Disposition",
                    'attachment; filename="statement.pdf"',
                ),
            ],
        )

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
        base_url = self._collection_base_url(access)
        return dict(
            data,
            page_name="collection",
            statuses=statuses,
            access=access,
            base_url=base_url,
            pdf_url=f"{base_url}/statement.pdf",
            logged_in=not access,
        )

    def _collection_base_url(self, access=None):
        """The path of the collection page, under which its forms live:
        the token's page, or the logged-in customer's."""
        return f"/my/collection/{access.sudo().token}" if access else "/my/collection"

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

    def _collection_target(self, token=None):
        """Whose collection page a request concerns, as a dict (``access``,
        ``partner``: the commercial entity, ``company``, ``base_url``).

        With a token: its link's customer and company (404 when the token is
        wrong, revoked or expired). Without: the logged-in portal user's
        commercial entity in the current company (404 for the public user).
        Forms of the collection page (feedback, promises, plans, contact
        preferences) start from here, so they all reach the same records.
        """
        if token:
            access = self._collection_access(token)
            partner, company = access.partner_id, access.company_id
        else:
            if request.env.user._is_public():
                raise request.not_found()
            access = None
            partner, company = request.env.user.partner_id, request.env.company
        return {
            "access": access,
            "partner": partner.commercial_partner_id.sudo(),
            "company": company,
            "base_url": self._collection_base_url(access),
        }

    def _collection_open_invoice(self, target, invoice_id):
        """The posted, open customer invoice ``invoice_id`` of the target's
        commercial entity and company, as superuser; 404 otherwise, the same
        answer whether it does not exist or belongs to someone else."""
        try:
            invoice_id = int(invoice_id)
        except (TypeError, ValueError):
            raise request.not_found() from None
        # Beyond PostgreSQL's integer, the query itself would fail (500).
        if not 0 < invoice_id < 2**31:
            raise request.not_found()
        invoice = (
            request.env["account.move"]
            .sudo()
            .search(
                [
                    ("id", "=", invoice_id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("company_id", "=", target["company"].id),
                    (
                        "commercial_partner_id",
                        "=",
                        target["partner"].id,
                    ),
                ],
                limit=1,
            )
        )
        if not invoice:
            raise request.not_found()
        return invoice

    def _collection_log(self, target, event_type, record=None):
        return request.env["collection.portal.event"]._log(
            target["partner"],
            target["company"],
            event_type,
            access=target["access"],
            record=record,
        )

    def _collection_may_post(self, target):
        """False once the customer has sent the company's limit of forms in
        the last hour (``collection_portal_post_limit``)."""
        events = request.env["collection.portal.event"]
        return events._posts_left(target["partner"], target["company"]) > 0

    def _collection_try_later(self, target):
        """The answer to a form sent over the hourly limit: HTTP 429 with a
        page that says when to try again, nothing recorded."""
        return request.render(
            "recouvrement_fidelite.portal_collection_try_later",
            {"base_url": target["base_url"], "page_name": "collection"},
            status=429,
        )

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
        target = self._collection_target(token)
        target["access"].sudo().last_visit = fields.Datetime.now()
        self._collection_log(target, "visit")
        return request.render(
            "recouvrement_fidelite.portal_collection_page",
            self._collection_page_values(target["access"]),
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
        self._collection_log(self._collection_target(), "visit")
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

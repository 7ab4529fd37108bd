# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a customer commits to on their collection page, and paying online.

Every form exists twice, under the page it belongs to (``base``): the page
of a reminder's link, ``/my/collection/<token>`` (no login), and the
logged-in portal user's, ``/my/collection``:

- ``{base}/promise``: a promise to pay (date, amount, invoices);
- ``{base}/plan``: a payment-plan request (installments, frequency, first
  date, optional down payment);
- ``{base}/contact``: contact preferences (channel, days and hours, contact
  person, monthly statement);
- ``{base}/pay``: online payment of ticked invoices (``invoice_ids``), of
  all overdue ones (``overdue=1``) or of the next installment of a plan
  (``plan_id``), through Odoo's payment form and providers; the form creates
  its transaction at ``{base}/pay/transaction/<what>``, linked to the
  invoices paid, and the customer lands on ``/my/collection/payment``.

A plan the back office proposed is served where its email points
(``/my/payment_plans/<id>?access_token=…``, ``portal.mixin``), and
accepted there.

Forms are GET (show) and POST (send, CSRF checked by Odoo); a POST over the
hourly limit gets the "try again later" page and records nothing; bad input
gets the form again with what is wrong (HTTP 400) and writes nothing;
another customer's or company's record answers 404, as one that does not
exist. What the customer does is recorded as a ``collection.portal.event``.
The work is done by ``collection.portal.commitment``.
"""

import re

from werkzeug.exceptions import BadRequest

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Command
from odoo.http import request

from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment.controllers.portal import PaymentPortal

from ..engine.concepts import PREFERRED_CHANNELS
from ..models.collection_payment_plan import FREQUENCIES
from ..models.res_partner import HOUR_FIELDS, WEEKDAY_FIELDS
from .portal import CollectionPortal

#: What the collection page thanks the customer for after a form (``done``).
DONE_KEYS = (
    "promise",
    "plan_active",
    "plan_approval",
    "plan_review",
    "contact",
    "contact_unchanged",
)
#: Most invoices one form may name: beyond, the request is not a person's.
MAX_INVOICES = 500
#: What the payment route pays: ``inv-<id>-<id>…`` or ``plan-<id>``.
SELECTION_PATTERN = re.compile(r"(inv|plan)((?:-\d{1,12}){1,500})")


class CollectionCommitmentsPortal(CollectionPortal, PaymentPortal):
    # -- the collection page --------------------------------------------------

    def _collection_page_values(self, access=None):
        values = super()._collection_page_values(access)
        values.update(
            request.env["collection.portal.commitment"]._page_values(
                values["partner"], values["company"]
            )
        )
        done = request.params.get("done")
        values["commitment_done"] = done if done in DONE_KEYS else False
        # Plans and promises may be in another currency than the company's.
        company_currency = values["currency"]
        values["format"] = lambda amount, currency=None: (
            currency or company_currency
        ).format(amount)
        return values

    def _collection_invoice_status(self, invoice, today):
        status = super()._collection_invoice_status(invoice, today)
        if status == "dispute":
            return status
        invoice = invoice.sudo()
        if any(plan.state == "active" for plan in invoice.collection_payment_plan_ids):
            return "plan"
        if invoice.collection_promise_pending:
            return "promise"
        return status

    # -- shared by the forms --------------------------------------------------

    def _collection_form_invoices(self, target, names=("invoice_ids", "invoice_id")):
        """The invoices a request names (ticked boxes, or one in the query),
        each an open invoice of the target's customer: 404 otherwise."""
        source = (
            request.httprequest.form
            if request.httprequest.method == "POST"
            else request.httprequest.args
        )
        ids = [value for name in names for value in source.getlist(name)]
        if len(ids) > MAX_INVOICES:
            raise BadRequest()
        invoices = request.env["account.move"].sudo()
        for invoice_id in ids:
            invoices |= self._collection_open_invoice(target, invoice_id)
        return invoices

    def _collection_id(self, value):
        """``value`` as a record id, or 404 (beyond PostgreSQL's integer,
        the query itself would fail)."""
        try:
            record_id = int(value)
        except (TypeError, ValueError):
            raise request.not_found() from None
        if not 0 < record_id < 2**31:
            raise request.not_found()
        return record_id

    def _collection_given_by(self, target):
        """The logged-in person of the customer who sends the form, if any."""
        user = request.env.user
        if user._is_public():
            return request.env["res.partner"]
        partner = user.partner_id
        return partner if partner.commercial_partner_id == target["partner"] else None

    def _collection_form_values(self, target, **values):
        return dict(
            values,
            page_name="collection",
            base_url=target["base_url"],
            partner=target["partner"],
            company=target["company"],
            logged_in=not target["access"],
            format=lambda amount, currency=None: (
                currency or target["company"].currency_id
            ).format(amount),
        )

    def _collection_render_form(self, template, target, errors, **values):
        return request.render(
            template,
            self._collection_form_values(target, errors=errors, **values),
            status=400 if errors else 200,
        )

    def _collection_done(self, target, done):
        return request.redirect(f"{target['base_url']}?done={done}", 303)

    # -- promise to pay -------------------------------------------------------

    @http.route(
        "/my/collection/<string:token>/promise",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def collection_promise_token(self, token, **post):
        return self._collection_promise(self._collection_target(token), post)

    @http.route(
        "/my/collection/promise",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def collection_promise(self, **post):
        return self._collection_promise(self._collection_target(), post)

    def _collection_promise(self, target, post):
        Commitment = request.env["collection.portal.commitment"]
        customer, company = target["partner"], target["company"]
        posting = request.httprequest.method == "POST"
        if posting and not self._collection_may_post(target):
            return self._collection_try_later(target)
        selected = self._collection_form_invoices(target)
        errors = []
        if posting:
            try:
                with request.env.cr.savepoint():
                    promise = Commitment._record_promise(
                        customer,
                        company,
                        selected,
                        post,
                        given_by=self._collection_given_by(target),
                    )
            except (UserError, ValidationError) as error:
                errors.append(error.args[0])
            else:
                self._collection_log(target, "promise", promise)
                return self._collection_done(target, "promise")
        invoices = Commitment._uncommitted_invoices(customer, company)
        if not posting and not selected and len(invoices) == 1:
            selected = invoices
        return self._collection_render_form(
            "recouvrement_fidelite.portal_collection_promise_form",
            target,
            errors,
            invoices=invoices,
            selected=selected,
            latest=Commitment._latest_date(customer, company),
            today=Commitment._today(),
            form=post if posting else {},
        )

    # -- payment plan request -------------------------------------------------

    @http.route(
        "/my/collection/<string:token>/plan",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def collection_plan_request_token(self, token, **post):
        return self._collection_plan_request(self._collection_target(token), post)

    @http.route(
        "/my/collection/plan",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def collection_plan_request(self, **post):
        return self._collection_plan_request(self._collection_target(), post)

    def _collection_plan_request(self, target, post):
        Commitment = request.env["collection.portal.commitment"]
        customer, company = target["partner"], target["company"]
        posting = request.httprequest.method == "POST"
        if posting and not self._collection_may_post(target):
            return self._collection_try_later(target)
        invoices = Commitment._uncommitted_invoices(customer, company)
        selected = self._collection_form_invoices(target)
        errors = []
        if posting:
            try:
                with request.env.cr.savepoint():
                    plan, outcome = Commitment._request_plan(
                        customer, company, selected, post
                    )
            except (UserError, ValidationError) as error:
                errors.append(error.args[0])
            else:
                self._collection_log(target, "plan_request", plan)
                return self._collection_done(target, f"plan_{outcome}")
        return self._collection_render_form(
            "recouvrement_fidelite.portal_collection_plan_form",
            target,
            errors,
            invoices=invoices,
            selected=selected if (selected or posting) else invoices,
            latest=Commitment._latest_date(customer, company),
            today=Commitment._today(),
            limits=Commitment._plan_limits(customer, company),
            frequencies=[
                (code, label)
                for code, label in request.env["collection.payment.plan"]
                ._fields["frequency"]
                ._description_selection(request.env)
                if code in dict(FREQUENCIES)
            ],
            form=post if posting else {"installments": "3", "frequency": "monthly"},
        )

    # -- a plan proposed by the back office -----------------------------------

    def _collection_plan_access(self, plan_id, access_token):
        """The plan of the email's link (its access token), as superuser, in
        its customer's language; 404 for a wrong token or plan."""
        try:
            plan = self._document_check_access(
                "collection.payment.plan", self._collection_id(plan_id), access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        lang = self._collection_lang(plan.partner_id)
        if lang:
            request.update_context(lang=lang)
            plan = plan.with_context(lang=lang)
        return plan

    def _collection_plan_target(self, plan):
        user = request.env.user
        logged_in = (
            not user._is_public()
            and user.partner_id.commercial_partner_id == plan.partner_id
            and plan.company_id in user.company_ids
        )
        return {
            "access": None,
            "partner": plan.partner_id,
            "company": plan.company_id,
            "base_url": "/my/collection"
            if logged_in
            else plan.partner_id._collection_portal_url(plan.company_id),
        }

    @http.route(
        "/my/payment_plans/<int(min=1, max=2147483647):plan_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def collection_plan_page(
        self, plan_id, access_token=None, report_type=None, download=False, **kw
    ):
        plan = self._collection_plan_access(plan_id, access_token)
        if report_type in ("html", "pdf"):
            return self._show_report(
                model=plan,
                report_type=report_type,
                report_ref="recouvrement_fidelite.collection_payment_plan_report",
                download=download,
            )
        return self._collection_render_plan(plan, access_token, [])

    def _collection_render_plan(self, plan, access_token, errors):
        target = self._collection_plan_target(plan)
        accepted = request.params.get("accepted")
        return self._collection_render_form(
            "recouvrement_fidelite.portal_collection_plan_page",
            target,
            errors,
            plan=plan,
            access_token=access_token,
            accepted=accepted if accepted in ("active", "approval") else False,
            next_installment=request.env[
                "collection.portal.commitment"
            ]._next_installment(plan),
        )

    @http.route(
        "/my/payment_plans/<int(min=1, max=2147483647):plan_id>/accept",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def collection_plan_accept(self, plan_id, access_token=None, **post):
        plan = self._collection_plan_access(plan_id, access_token)
        target = self._collection_plan_target(plan)
        if not self._collection_may_post(target):
            return self._collection_try_later(target)
        try:
            with request.env.cr.savepoint():
                outcome = request.env["collection.portal.commitment"]._accept_plan(plan)
        except (UserError, ValidationError) as error:
            return self._collection_render_plan(plan, access_token, [error.args[0]])
        self._collection_log(target, "plan_request", plan)
        return request.redirect(
            plan.get_portal_url(query_string=f"&accepted={outcome}"), 303
        )

    # -- contact preferences --------------------------------------------------

    @http.route(
        "/my/collection/<string:token>/contact",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def collection_contact_token(self, token, **post):
        return self._collection_contact(self._collection_target(token), post)

    @http.route(
        "/my/collection/contact",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def collection_contact(self, **post):
        return self._collection_contact(self._collection_target(), post)

    def _collection_contact(self, target, post):
        Commitment = request.env["collection.portal.commitment"]
        customer = target["partner"]
        posting = request.httprequest.method == "POST"
        if posting and not self._collection_may_post(target):
            return self._collection_try_later(target)
        errors = []
        if posting:
            try:
                with request.env.cr.savepoint():
                    changes = Commitment._save_preferences(
                        customer, post, author=self._collection_given_by(target)
                    )
            except (UserError, ValidationError) as error:
                errors.append(error.args[0])
            else:
                if not changes:
                    return self._collection_done(target, "contact_unchanged")
                self._collection_log(target, "contact_preferences", customer)
                return self._collection_done(target, "contact")
        Partner = request.env["res.partner"]
        return self._collection_render_form(
            "recouvrement_fidelite.portal_collection_contact_form",
            target,
            errors,
            form=post if posting else Commitment._preference_values(customer),
            channels=[
                (code, label)
                for code, label in Partner._fields[
                    "collection_preferred_channel"
                ]._description_selection(request.env)
                if code in dict(PREFERRED_CHANNELS)
            ],
            days=[
                (name, Partner._fields[name].get_description(request.env)["string"])
                for name in WEEKDAY_FIELDS
            ],
            hour_fields=HOUR_FIELDS,
            contacts=Commitment._contacts(customer),
        )

    # -- online payment -------------------------------------------------------

    def _collection_payer(self, target):
        """Who pays: the logged-in user's partner (as Odoo's portal does, so
        that saved payment methods stay theirs), else the customer."""
        user = request.env.user
        return target["partner"] if user._is_public() else user.partner_id

    def _collection_payment(self, target, selection):
        """What ``selection`` (``inv-<ids>`` or ``plan-<id>``) pays, checked
        against the target's records (404 for someone else's)."""
        match = SELECTION_PATTERN.fullmatch(selection or "")
        if not match:
            raise request.not_found()
        kind, ids = match.group(1), match.group(2).split("-")[1:]
        Commitment = request.env["collection.portal.commitment"]
        if kind == "plan":
            if len(ids) != 1:
                raise request.not_found()
            return Commitment._payment_of_installment(
                self._collection_plan_of(target, ids[0])
            )
        invoices = request.env["account.move"].sudo()
        for invoice_id in ids:
            invoices |= self._collection_open_invoice(target, invoice_id)
        return Commitment._payment_of_invoices(invoices)

    def _collection_plan_of(self, target, plan_id):
        """The active plan ``plan_id`` of the target's customer; 404 otherwise."""
        plan_id = self._collection_id(plan_id)
        plan = (
            request.env["collection.payment.plan"]
            .sudo()
            .search(
                [
                    ("id", "=", plan_id),
                    ("partner_id", "=", target["partner"].id),
                    ("company_id", "=", target["company"].id),
                    ("state", "=", "active"),
                ]
            )
        )
        if not plan:
            raise request.not_found()
        return plan

    @http.route(
        "/my/collection/<string:token>/pay",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def collection_pay_token(self, token, **kw):
        return self._collection_pay(self._collection_target(token))

    @http.route(
        "/my/collection/pay", type="http", auth="user", methods=["GET"], website=True
    )
    def collection_pay(self, **kw):
        return self._collection_pay(self._collection_target())

    def _collection_pay(self, target):
        args = request.httprequest.args
        Commitment = request.env["collection.portal.commitment"]
        if args.get("plan_id"):
            plan = self._collection_plan_of(target, args.get("plan_id"))
            selection = f"plan-{plan.id}"
        else:
            if args.get("overdue"):
                invoices = Commitment._page_values(
                    target["partner"], target["company"]
                )["overdue_payable"]
            else:
                invoices = self._collection_form_invoices(target, ("invoice_ids",))
            selection = "inv-" + "-".join(str(i) for i in sorted(invoices.ids))
        try:
            if selection == "inv-":
                raise UserError(_("Please tick the invoices you want to pay."))
            payment = self._collection_payment(target, selection)
        except UserError as error:
            return self._collection_render_form(
                "recouvrement_fidelite.portal_collection_pay_page",
                target,
                [error.args[0]],
                payment=False,
            )
        return self._collection_render_form(
            "recouvrement_fidelite.portal_collection_pay_page",
            target,
            [],
            payment=payment,
            **self._collection_payment_form_values(target, payment, selection),
        )

    def _collection_payment_form_values(self, target, payment, selection):
        """The values of Odoo's payment form (``payment.form``) for ``payment``."""
        company = target["company"]
        payer = self._collection_payer(target)
        logged_in = not request.env.user._is_public()
        amount, currency = payment["amount"], payment["currency"]
        report = {}
        providers = (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                company.id, payer.id, amount, currency_id=currency.id, report=report
            )
        )
        methods = (
            request.env["payment.method"]
            .sudo()
            ._get_compatible_payment_methods(
                providers.ids, payer.id, currency_id=currency.id, report=report
            )
        )
        # Saved payment methods are offered to the logged-in customer only:
        # anyone holding a reminder's link could use them otherwise.
        tokens = (
            request.env["payment.token"]
            .sudo()
            ._get_available_tokens(providers.ids, payer.id)
            if logged_in
            else request.env["payment.token"].sudo()
        )
        tokenize = (
            self._compute_show_tokenize_input_mapping(providers)
            if logged_in
            else dict.fromkeys(providers.ids, False)
        )
        return {
            "amount": amount,
            "currency": currency,
            "partner_id": payer.id,
            "providers_sudo": providers,
            "payment_methods_sudo": methods,
            "tokens_sudo": tokens,
            "availability_report": report,
            "show_tokenize_input_mapping": tokenize,
            "transaction_route": f"{target['base_url']}/pay/transaction/{selection}",
            "landing_route": "/my/collection/payment",
            "access_token": payment_utils.generate_access_token(
                payer.id, amount, currency.id
            ),
            "company_mismatch": not self._can_partner_pay_in_company(payer, company),
            "expected_company": company,
            "res_company": company,
        }

    @http.route(
        "/my/collection/<string:token>/pay/transaction/<string:selection>",
        type="json",
        auth="public",
    )
    def collection_pay_transaction_token(
        self, token, selection, access_token=None, **kwargs
    ):
        return self._collection_pay_transaction(
            self._collection_target(token), selection, access_token, kwargs
        )

    @http.route(
        "/my/collection/pay/transaction/<string:selection>", type="json", auth="user"
    )
    def collection_pay_transaction(self, selection, access_token=None, **kwargs):
        return self._collection_pay_transaction(
            self._collection_target(), selection, access_token, kwargs
        )

    def _collection_pay_transaction(self, target, selection, access_token, kwargs):
        """Create the transaction of the payment form, for the amount the
        server works out (never the one sent), linked to the invoices paid;
        return its processing values (as Odoo's invoice payment does)."""
        if not self._collection_may_post(target):
            raise ValidationError(
                _(
                    "We have received many requests from you in the last hour: "
                    "please try again later."
                )
            )
        try:
            payment = self._collection_payment(target, selection)
        except UserError as error:
            raise ValidationError(error.args[0]) from None
        payer = self._collection_payer(target)
        logged_in = not request.env.user._is_public()
        amount, currency = payment["amount"], payment["currency"]
        if not payment_utils.check_access_token(
            access_token, payer.id, amount, currency.id
        ):
            raise ValidationError(
                _("The amount to pay has changed: please reload the page.")
            )
        self._validate_transaction_kwargs(
            kwargs, additional_allowed_keys=("payment_reference",)
        )
        if kwargs.get("is_validation"):
            raise ValidationError(_("The provided parameters are invalid."))
        flow = kwargs.get("flow")
        provider_id = self._cast_as_int(kwargs.get("provider_id"))
        method_id = self._cast_as_int(kwargs.get("payment_method_id"))
        token_id = self._cast_as_int(kwargs.get("token_id"))
        values = self._collection_payment_form_values(target, payment, selection)
        if flow == "token":
            if not logged_in or token_id not in values["tokens_sudo"].ids:
                raise ValidationError(_("The provided parameters are invalid."))
        elif flow in ("redirect", "direct"):
            if (
                provider_id not in values["providers_sudo"].ids
                or method_id not in values["payment_methods_sudo"].ids
            ):
                raise ValidationError(_("The provided parameters are invalid."))
            token_id = None
        else:
            raise ValidationError(_("The provided parameters are invalid."))
        tx = self._create_transaction(
            provider_id=provider_id,
            payment_method_id=method_id,
            token_id=token_id,
            amount=amount,
            currency_id=currency.id,
            partner_id=payer.id,
            flow=flow,
            tokenization_requested=bool(kwargs.get("tokenization_requested"))
            and logged_in,
            landing_route="/my/collection/payment",
            reference_prefix=payment["reference_prefix"],
            custom_create_values={
                "invoice_ids": [Command.set(payment["invoices"].ids)]
            },
        )
        self._update_landing_route(tx, access_token)
        self._collection_log(target, "payment", tx)
        return tx._get_processing_values()

    @http.route(
        "/my/collection/payment",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def collection_payment_landing(self, tx_id=None, access_token=None, **kw):
        """Where the customer lands after paying: the transaction's state and
        the way back to their collection page."""
        tx_id = self._collection_id(tx_id)
        tx = request.env["payment.transaction"].sudo().browse(tx_id).exists()
        if not tx or not payment_utils.check_access_token(
            access_token, tx.partner_id.id, tx.amount, tx.currency_id.id
        ):
            raise request.not_found()
        customer = tx.partner_id.commercial_partner_id
        company = tx.company_id
        user = request.env.user
        if (
            not user._is_public()
            and user.partner_id.commercial_partner_id == customer
            and company in user.company_ids
        ):
            base_url = "/my/collection"
        else:
            base_url = customer._collection_portal_url(company)
        lang = self._collection_lang(customer)
        if lang:
            request.update_context(lang=lang)
        return request.render(
            "recouvrement_fidelite.portal_collection_payment_done",
            {"tx": tx, "base_url": base_url, "page_name": "collection"},
        )

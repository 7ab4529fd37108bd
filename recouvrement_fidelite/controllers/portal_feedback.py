# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer's feedback on their collection page.

- "Tell us why" on each open invoice (``<page>/feedback/<invoice id>``):
  a form (GET) sent with its CSRF token (POST); the reason's follow-up is
  applied and a confirmation page says what happens next
  (``<page>/feedback-sent/<feedback id>``);
- the answers of a courtesy reminder
  (``/my/collection/courtesy/<invoice id>/<yes|no>/<signature>``, no
  login: the signature is the invoice's): "yes" asks to confirm (GET: mail
  filters open the links of the emails they scan, and must not answer for
  the customer), then is recorded and thanked (POST, with its CSRF token);
  "no" opens the feedback form;
- the rating of the collection once a case ended
  (``<page>/rating/<question id>``).

``<page>`` is ``/my/collection/<token>`` (the link of a reminder) or
``/my/collection`` (logged in). Whose page it is, which invoices are theirs
and the hourly limit of forms come from :class:`CollectionPortal`; the same
404 answers a record that does not exist and one of another customer.
"""

from odoo import _, fields, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import format_amount, format_date

from ..models.collection_satisfaction import MAX_RATING_COMMENT_LENGTH
from .portal import CollectionPortal


class CollectionFeedbackPortal(CollectionPortal):
    # -- The collection page -----------------------------------------------------

    def _collection_page_values(self, access=None):
        values = super()._collection_page_values(access)
        values.update(
            request.env["collection.feedback"]._portal_page_values(
                values["partner"], values["company"]
            )
        )
        return values

    # -- Tell us why -------------------------------------------------------------

    @http.route(
        "/my/collection/<string:token>/feedback/"
        "<int(min=1, max=2147483647):invoice_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def collection_feedback_token(self, token, invoice_id, **post):
        return self._collection_feedback(
            self._collection_target(token), invoice_id, post
        )

    @http.route(
        "/my/collection/feedback/<int(min=1, max=2147483647):invoice_id>",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def collection_feedback(self, invoice_id, **post):
        return self._collection_feedback(self._collection_target(), invoice_id, post)

    def _collection_feedback(self, target, invoice_id, post):
        invoice = self._collection_open_invoice(target, invoice_id)
        if request.httprequest.method != "POST":
            return self._collection_feedback_form(target, invoice, post)
        if not self._collection_may_post(target):
            return self._collection_try_later(target)
        source = "courtesy" if post.get("source") == "courtesy" else "portal"
        try:
            # A savepoint: a refused file or a failed follow-up leaves
            # nothing half-written.
            with request.env.cr.savepoint():
                feedback = request.env["collection.feedback"]._portal_submit(
                    target, invoice, post, post.get("attachment"), source=source
                )
                self._collection_log(target, "feedback", feedback)
        except UserError as error:
            return self._collection_feedback_form(
                target, invoice, post, error=error.args[0], status=400
            )
        return request.redirect(
            f"{target['base_url']}/feedback-sent/{feedback.id}", code=303
        )

    def _collection_invoice_line(self, invoice):
        """The invoice a form is about, in a line."""
        return _(
            "Invoice %(invoice)s: %(amount)s left to pay, due on %(date)s.",
            invoice=invoice.name,
            amount=format_amount(
                request.env, invoice.amount_residual, invoice.currency_id
            ),
            date=format_date(request.env, invoice.invoice_date_due),
        )

    def _collection_feedback_form(self, target, invoice, post, error=None, status=200):
        company = target["company"]
        Feedback = request.env["collection.feedback"]
        allowed = sorted(company._collection_feedback_allowed_extensions())
        values = {
            "page_name": "collection",
            "target": target,
            "base_url": target["base_url"],
            "invoice": invoice,
            "reasons": request.env["collection.feedback.reason"]._for_company(company),
            "channels": Feedback._fields["contact_channel"]._description_selection(
                request.env
            ),
            "times": Feedback._fields["contact_time"]._description_selection(
                request.env
            ),
            "extensions": allowed,
            "accept": ",".join(f".{extension}" for extension in allowed),
            "invoice_line": self._collection_invoice_line(invoice),
            "attachment_hint": _(
                "A proof of payment, a delivery note, a photo: %(types)s, %(size)s MB "
                "at most.",
                types=", ".join(allowed),
                size=company.collection_feedback_attachment_max_mb,
            ),
            "error": error,
            "form": {
                key: value for key, value in post.items() if isinstance(value, str)
            },
            "source": "courtesy" if post.get("source") == "courtesy" else "portal",
        }
        return request.render(
            "recouvrement_fidelite.portal_collection_feedback_form",
            values,
            status=status,
        )

    @http.route(
        "/my/collection/<string:token>/feedback-sent/"
        "<int(min=1, max=2147483647):feedback_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def collection_feedback_sent_token(self, token, feedback_id, **kw):
        return self._collection_feedback_sent(
            self._collection_target(token), feedback_id
        )

    @http.route(
        "/my/collection/feedback-sent/<int(min=1, max=2147483647):feedback_id>",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def collection_feedback_sent(self, feedback_id, **kw):
        return self._collection_feedback_sent(self._collection_target(), feedback_id)

    def _collection_feedback_sent(self, target, feedback_id):
        feedback = (
            request.env["collection.feedback"]
            .sudo()
            .search(
                [
                    ("id", "=", feedback_id),
                    ("partner_id", "=", target["partner"].id),
                    ("company_id", "=", target["company"].id),
                ],
                limit=1,
            )
        )
        if not feedback:
            raise request.not_found()
        feedback = feedback.with_context(lang=request.env.lang)
        return request.render(
            "recouvrement_fidelite.portal_collection_feedback_sent",
            {
                "page_name": "collection",
                "base_url": target["base_url"],
                "feedback": feedback,
                "invoice": feedback.invoice_id,
                "received": _(
                    "We have received your message about invoice %(invoice)s.",
                    invoice=feedback.invoice_id.name,
                ),
                "steps": feedback._next_steps(),
                "offer_plan": feedback.follow_up == "offer"
                and feedback.reason_id.offer_plan,
                "offer_promise": feedback.follow_up == "offer"
                and feedback.reason_id.offer_promise,
            },
        )

    # -- Courtesy reminder: did everything go well? ------------------------------

    @http.route(
        "/my/collection/courtesy/<int(min=1, max=2147483647):invoice_id>/"
        "<string:answer>/<string:signature>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def collection_courtesy_answer(self, invoice_id, answer, signature, **kw):
        invoice = (
            request.env["account.move"]
            .sudo()
            .search(
                [
                    ("id", "=", invoice_id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                ],
                limit=1,
            )
        )
        if (
            answer not in ("yes", "no")
            or not invoice
            or not invoice._collection_courtesy_check(signature)
        ):
            raise request.not_found()
        partner = invoice.commercial_partner_id
        # The customer's link must still be valid: revoking it (or letting
        # it expire) also closes the answers of the emails already sent.
        access = (
            request.env["collection.portal.access"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", invoice.company_id.id),
                    ("revoked", "=", False),
                    ("expiry_date", ">=", fields.Date.context_today(invoice)),
                ],
                limit=1,
            )
        )
        if not access:
            raise request.not_found()
        lang = self._collection_lang(partner)
        if lang:
            request.update_context(lang=lang)
        target = {
            "access": access,
            "partner": partner,
            "company": invoice.company_id,
            "base_url": self._collection_base_url(access),
        }
        if answer == "no":
            if invoice.payment_state not in ("not_paid", "partial"):
                return request.redirect(target["base_url"], code=303)
            return request.redirect(
                f"{target['base_url']}/feedback/{invoice.id}?source=courtesy", code=303
            )
        events = request.env["collection.portal.event"].sudo()
        answered = events.search_count(
            [
                ("partner_id", "=", partner.id),
                ("event_type", "=", "courtesy_answer"),
                ("res_model", "=", "account.move"),
                ("res_id", "=", invoice.id),
            ]
        )
        if not answered and request.httprequest.method != "POST":
            # Opening the link only asks: the answer is the customer's click.
            return request.render(
                "recouvrement_fidelite.portal_collection_courtesy_confirm",
                {
                    "page_name": "collection",
                    "base_url": target["base_url"],
                    "invoice": invoice,
                    "invoice_line": self._collection_invoice_line(invoice),
                    "answer_url": request.httprequest.path,
                    "no_url": invoice._collection_courtesy_url("no"),
                },
            )
        if not answered:
            if not self._collection_may_post(target):
                return self._collection_try_later(target)
            self._collection_log(target, "courtesy_answer", invoice)
            invoice.message_post(
                body=_(
                    "Courtesy reminder: the customer answered that everything went "
                    "well with the delivery or the service."
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=partner.id,
            )
        return request.render(
            "recouvrement_fidelite.portal_collection_courtesy_thanks",
            {
                "page_name": "collection",
                "base_url": target["base_url"],
                "invoice": invoice,
                "glad": _(
                    "We are glad everything went well with invoice %(invoice)s. If "
                    "anything comes up, you can tell us at any time from your account.",
                    invoice=invoice.name,
                ),
            },
        )

    # -- Satisfaction with the collection -----------------------------------------

    @http.route(
        "/my/collection/<string:token>/rating/<int(min=1, max=2147483647):question_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def collection_rating_token(self, token, question_id, **post):
        return self._collection_rating(
            self._collection_target(token), question_id, post
        )

    @http.route(
        "/my/collection/rating/<int(min=1, max=2147483647):question_id>",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def collection_rating(self, question_id, **post):
        return self._collection_rating(self._collection_target(), question_id, post)

    def _collection_rating(self, target, question_id, post):
        question = (
            request.env["collection.satisfaction"]
            .sudo()
            .search(
                [
                    ("id", "=", question_id),
                    ("partner_id", "=", target["partner"].id),
                    ("company_id", "=", target["company"].id),
                    ("state", "in", ("sent", "answered")),
                ],
                limit=1,
            )
        )
        if not question:
            raise request.not_found()
        question = question.with_context(lang=request.env.lang)
        values = {
            "page_name": "collection",
            "base_url": target["base_url"],
            "question": question,
            "question_text": _(
                "How satisfied are you with the way we handled %(case)s?",
                case=question._case_text(),
            ),
            "ratings": question._fields["rating_label"]._description_selection(
                request.env
            ),
            "error": None,
            "form": {},
        }
        if question.state == "answered":
            return request.render(
                "recouvrement_fidelite.portal_collection_rating_thanks",
                dict(values, already=request.httprequest.method == "POST"),
            )
        if request.httprequest.method != "POST":
            return request.render(
                "recouvrement_fidelite.portal_collection_rating", values
            )
        if not self._collection_may_post(target):
            return self._collection_try_later(target)
        rating = post.get("rating")
        comment = post.get("comment") if isinstance(post.get("comment"), str) else ""
        comment = comment.replace("\x00", "").strip()
        error = None
        if rating not in ("1", "2", "3", "4", "5"):
            error = _("Choose a rating from 1 to 5.")
        elif len(comment) > MAX_RATING_COMMENT_LENGTH:
            error = _(
                "Your comment is too long: %(limit)s characters at most.",
                limit=MAX_RATING_COMMENT_LENGTH,
            )
        if error:
            values.update(
                error=error,
                form={"comment": comment[:MAX_RATING_COMMENT_LENGTH], "rating": rating},
            )
            return request.render(
                "recouvrement_fidelite.portal_collection_rating", values, status=400
            )
        question._record_rating(int(rating), comment)
        self._collection_log(target, "rating", question)
        return request.render(
            "recouvrement_fidelite.portal_collection_rating_thanks",
            dict(values, already=False),
        )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer's link to their collection page, without logging in.

One access per commercial entity and company: a long secret token for the
page (``/my/collection/<token>``) and a short one for SMS (``/c/<short>``).
A credit controller revokes it; it expires after the company's delay. The
controller answers 404 alike for a token that does not exist, is revoked or
has expired (see ``controllers/portal.py``).
"""

import re
import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: What a token is made of (``secrets.token_urlsafe``): anything else, such as
#: a NUL byte PostgreSQL refuses, is a forged token and never reaches SQL.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")

#: Aged buckets of the statement: (key, first day late, last day late).
AGED_BUCKETS = [
    ("not_due", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("over_90", 91, None),
]


class CollectionPortalAccess(models.Model):
    _name = "collection.portal.access"
    _description = "Collection page link"
    _order = "create_date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: secrets.token_urlsafe(32),
        groups="base.group_system",
    )
    short_token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: secrets.token_urlsafe(9),
        groups="base.group_system",
    )
    expiry_date = fields.Date(
        string="Valid until",
        required=True,
        default=lambda self: self._default_expiry_date(),
    )
    revoked = fields.Boolean(readonly=True, copy=False)
    last_visit = fields.Datetime(string="Last visit", readonly=True, copy=False)

    _sql_constraints = [
        ("token_unique", "unique(token)", "A collection link token is unique."),
        (
            "short_token_unique",
            "unique(short_token)",
            "A collection short link is unique.",
        ),
    ]

    @api.model
    def _default_expiry_date(self, company=None):
        company = company or self.env.company
        return fields.Date.context_today(self) + timedelta(
            days=company.collection_portal_link_days
        )

    def _is_valid(self):
        self.ensure_one()
        return not self.revoked and self.expiry_date >= fields.Date.context_today(self)

    @api.model
    def _get_valid(self, partner, company):
        """The valid access of ``partner``'s commercial entity in ``company``,
        created when there is none. A batch of reminders looks them up for
        all its customers at once (``_get_valid_many``) and passes them in
        the context (``collection_portal_accesses``)."""
        key = (partner.commercial_partner_id.id, company.id)
        known = self.env.context.get("collection_portal_accesses") or {}
        if key not in known:
            known = self._get_valid_many(partner, company)
        return self.sudo().browse(known[key])

    @api.model
    def _get_valid_many(self, partners, company):
        """``_get_valid`` for the commercial entities of ``partners`` at once:
        ``{(commercial partner id, company id): access id}``."""
        commercials = partners.commercial_partner_id
        found = {}
        # In the model's order (newest first): each customer's newest link.
        for access in self.sudo().search(
            [
                ("partner_id", "in", commercials.ids),
                ("company_id", "=", company.id),
                ("revoked", "=", False),
                ("expiry_date", ">=", fields.Date.context_today(self)),
            ]
        ):
            found.setdefault((access.partner_id.id, company.id), access.id)
        missing = commercials.filtered(lambda p: (p.id, company.id) not in found)
        if missing:
            expiry = self._default_expiry_date(company)
            created = self.sudo().create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "expiry_date": expiry,
                    }
                    for partner in missing
                ]
            )
            found.update(
                {(access.partner_id.id, company.id): access.id for access in created}
            )
        return found

    @api.model
    def _find(self, token, short=False):
        """The valid access of ``token``, else an empty recordset (the same
        answer for a wrong, revoked or expired token)."""
        if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
            return self.sudo().browse()
        access = self.sudo().search(
            [("short_token" if short else "token", "=", token)], limit=1
        )
        if not access or not secrets.compare_digest(
            access.short_token if short else access.token, token
        ):
            return self.sudo().browse()
        return access if access._is_valid() else self.sudo().browse()

    def _url(self, short=False):
        self.ensure_one()
        base = self.company_id.get_base_url()
        if short:
            return f"{base}/c/{self.sudo().short_token}"
        return f"{base}/my/collection/{self.sudo().token}"

    def action_revoke(self):
        if not self.env.user.has_group("recouvrement_fidelite.group_collection_user"):
            raise UserError(_("Only a credit controller may revoke a collection link."))
        self.write({"revoked": True})

    @api.model
    def _statement_data(self, partner, company):
        """The statement of ``partner``'s commercial entity in ``company``:
        its unreconciled receivable lines (invoices, credit notes, payments),
        balance and aged buckets, read as superuser within that entity."""
        env = self.env
        commercial = partner.commercial_partner_id.sudo()
        today = fields.Date.context_today(self)
        lines = (
            env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", commercial.id),
                    ("company_id", "=", company.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", "!=", 0),
                ],
                order="date_maturity, date, id",
            )
        )
        # Only lines whose commercial entity is this customer's (child_of
        # also follows contacts, which share it).
        lines = lines.filtered(
            lambda line: line.partner_id.commercial_partner_id == commercial
        )
        currency = company.currency_id
        buckets = dict.fromkeys((key for key, __, __ in AGED_BUCKETS), 0.0)
        rows = []
        for line in lines:
            move = line.move_id
            due = line.date_maturity or line.date
            late = (today - due).days
            for key, low, high in AGED_BUCKETS:
                if (low is None or late >= low) and (high is None or late <= high):
                    buckets[key] += line.amount_residual
                    break
            if move.move_type == "out_invoice":
                kind = "invoice"
            elif move.move_type == "out_refund":
                kind = "credit_note"
            elif move.origin_payment_id or move.statement_line_id:
                kind = "payment"
            else:
                kind = "entry"
            rows.append(
                {
                    "line": line,
                    "move": move,
                    "kind": kind,
                    "date": line.date,
                    "due": due,
                    "late": late,
                    "residual": line.amount_residual,
                }
            )
        invoices = lines.move_id.filtered(lambda m: m.move_type == "out_invoice")
        overdue = sum(
            row["residual"]
            for row in rows
            if row["kind"] == "invoice" and row["late"] > 0
        )
        return {
            "partner": commercial,
            "company": company,
            "currency": currency,
            "today": today,
            "rows": rows,
            "invoices": invoices,
            "balance": sum(row["residual"] for row in rows),
            "overdue": overdue,
            "buckets": buckets,
            "bucket_keys": [key for key, __, __ in AGED_BUCKETS],
            "format": lambda amount: currency.format(amount),
        }

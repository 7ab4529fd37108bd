# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Why customers pay late: the reasons they give, over time.

One row per reason given: each piece of customer feedback (its reason, as
the customer chose it on their collection page or a colleague recorded it)
and each dispute opened (its reason). By month, the graph shows which
reasons grow; a reason that is your own (a billing error, a delivery) is
the first to fix.
"""

from odoo import api, fields, models, tools

from .account_move import DISPUTE_REASONS

SOURCES = [("feedback", "Customer feedback"), ("dispute", "Dispute")]


class CollectionReportLateReason(models.Model):
    _name = "collection.report.late.reason"
    _description = "Reasons for late payment"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    source = fields.Selection(SOURCES, readonly=True)
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    typology_id = fields.Many2one(
        "collection.typology", string="Typology", readonly=True
    )
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    reason = fields.Selection(
        "_reason_selection",
        readonly=True,
        help="The feedback reason the customer chose, or the dispute's reason.",
    )
    feedback_reason_id = fields.Many2one(
        "collection.feedback.reason", string="Feedback reason", readonly=True
    )
    dispute_reason = fields.Selection(
        DISPUTE_REASONS,
        string="Dispute reason",
        readonly=True,
        help="The dispute's reason, or the one the customer's feedback reason "
        "opens a dispute with.",
    )

    @api.model
    def _reason_selection(self):
        # Feedback reasons are records, dispute reasons a selection: one list
        # of both, in the reader's language, so that a graph stacks them.
        reasons = (
            self.env["collection.feedback.reason"]
            .sudo()
            .with_context(active_test=False)
            .search([])
        )
        labels = dict(
            self.env["account.move"]
            ._fields["collection_dispute_reason"]
            ._description_selection(self.env)
        )
        return [(f"feedback_{reason.id}", reason.name) for reason in reasons] + [
            (f"dispute_{code}", labels.get(code, code))
            for code, _label in DISPUTE_REASONS
        ]

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Ids: feedback rows even, dispute rows odd, so that both stay unique.
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            SELECT feedback.id * 2 AS id,
                   'feedback' AS source,
                   feedback.date::date AS date,
                   feedback.company_id,
                   feedback.partner_id,
                   partner.collection_typology_id AS typology_id,
                   feedback.invoice_id AS move_id,
                   'feedback_' || feedback.reason_id AS reason,
                   feedback.reason_id AS feedback_reason_id,
                   reason.dispute_reason
              FROM collection_feedback feedback
              JOIN res_partner partner ON partner.id = feedback.partner_id
              LEFT JOIN collection_feedback_reason reason
                ON reason.id = feedback.reason_id
            UNION ALL
            SELECT move.id * 2 + 1,
                   'dispute',
                   move.collection_dispute_date_open,
                   move.company_id,
                   move.commercial_partner_id,
                   partner.collection_typology_id,
                   move.id,
                   'dispute_' || move.collection_dispute_reason,
                   NULL,
                   move.collection_dispute_reason
              FROM account_move move
              JOIN res_partner partner ON partner.id = move.commercial_partner_id
             WHERE move.collection_dispute_state != 'none'
               AND move.collection_dispute_date_open IS NOT NULL
            )
            """
        )

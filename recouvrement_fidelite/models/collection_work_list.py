# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The day's work of a credit controller, as tiles of the Collection menu.

Each work list is a filtered list of collection actions (to approve, calls
to make today, letters to post, failures to fix); its tile counts what is
in it, for the user and for everyone, and opens it. The lists are data
(their names and order may be changed), their domains are code: each says
what one list holds, and the tests check what it shows and hides.
"""

from odoo import _, fields, models

WORK_LISTS = [
    ("to_approve", "Actions to approve"),
    ("calls_today", "Calls to make today"),
    ("letters", "Letters to post"),
    ("failures", "Failures to fix"),
]


class CollectionWorkList(models.Model):
    _name = "collection.work.list"
    _description = "Collection work list"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(WORK_LISTS, required=True)
    sequence = fields.Integer(default=10)
    description = fields.Char(translate=True)
    count = fields.Integer(string="In the list", compute="_compute_counts")
    count_mine = fields.Integer(string="Mine", compute="_compute_counts")

    _sql_constraints = [
        ("code_unique", "unique(code)", "There is one work list of each kind."),
    ]

    def _compute_counts(self):
        Action = self.env["collection.action"]
        for work_list in self:
            work_list.count = Action.search_count(work_list._action_domain())
            work_list.count_mine = Action.search_count(
                work_list._action_domain(mine=True)
            )

    def _action_domain(self, mine=False):
        """The collection actions of this list; ``mine``: those the user is
        responsible for (the call's activity, else the action's responsible)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        domain = getattr(self, f"_domain_{self.code}")(today)
        if mine:
            uid = self.env.uid
            domain = domain + [
                "|",
                ("activity_id.user_id", "=", uid),
                "&",
                ("activity_id", "=", False),
                ("user_id", "=", uid),
            ]
        return domain

    def _domain_to_approve(self, today):
        return [("state", "=", "proposed")]

    def _domain_calls_today(self, today):
        # A call is to make while its activity waits and its outcome is not
        # recorded; planned for today or late.
        return [
            ("kind", "=", "call"),
            ("state", "=", "pending"),
            ("activity_id", "!=", False),
            ("activity_id.date_deadline", "<=", today),
        ]

    def _domain_letters(self, today):
        # Printed, not yet marked posted; the oldest first would be lost
        # among the new ones, so none is left out by date.
        return [
            ("kind", "=", "reminder"),
            ("channel", "=", "letter"),
            ("state", "=", "pending"),
        ]

    def _domain_failures(self, today):
        return [("state", "=", "failed")]

    def action_open(self):
        return self._open(mine=False)

    def action_open_mine(self):
        return self._open(mine=True)

    def _open(self, mine):
        self.ensure_one()
        name = self.name
        if mine:
            name = _("%s (mine)", name)
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "collection.action",
            "view_mode": "list,form",
            "views": [
                (self.env.ref(f"recouvrement_fidelite.{view}").id, view_type)
                for view, view_type in (
                    ("collection_action_view_list", "list"),
                    ("collection_action_view_form", "form"),
                )
            ],
            "search_view_id": self.env.ref(
                "recouvrement_fidelite.collection_action_view_search"
            ).id,
            "domain": self._action_domain(mine=mine),
            # The list shows only the buttons that fit this work (no "Retry"
            # on letters to post, no "Print" on actions to approve).
            "context": {"create": False, "collection_work_list": self.code},
        }

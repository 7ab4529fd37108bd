# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The day's work of a credit controller, as tiles of the Collection menu.

Each work list is a filtered list of records: collection actions (to
approve, calls to make today, letters to post, failures to fix), promises
whose date has come, late installments of payment plans, open disputes,
escalation cases with a deadline this week, customer feedback waiting for an
answer. Its tile counts what is in it, for the user and for everyone, splits
the lists that wait by age (three bands of ``age_band_days``), and opens the
list. The lists are data (their names, order and age bands may be changed),
their contents are code: each ``_domain_<code>`` says what one list holds,
``WORK_LIST_TARGETS`` where it is shown, and the tests check both.
"""

from datetime import timedelta

from odoo import _, api, fields, models

WORK_LISTS = [
    ("to_approve", "Actions to approve"),
    ("calls_today", "Calls to make today"),
    ("letters", "Letters to post"),
    ("failures", "Failures to fix"),
    ("promises_due", "Promises due"),
    ("installments_late", "Late installments"),
    ("disputes_open", "Open disputes"),
    ("cases_deadline", "Case deadlines this week"),
    ("feedback_waiting", "Feedback waiting for an answer"),
]

#: For each list: the model it lists, its list and form views, its search
#: view, the field that says whose it is ("mine"), the date its age counts
#: from (``None``: not split by age) and the context the list opens with.
WORK_LIST_TARGETS = {
    "to_approve": ("collection.action", "collection_action", None, None),
    "calls_today": ("collection.action", "collection_action", None, None),
    "letters": ("collection.action", "collection_action", None, None),
    "failures": ("collection.action", "collection_action", None, None),
    "promises_due": (
        "collection.promise",
        "collection_promise",
        "user_id",
        "date_promised",
    ),
    "installments_late": (
        "collection.payment.plan.installment",
        "collection_payment_plan_installment",
        "plan_id.user_id",
        "date_due",
    ),
    "disputes_open": (
        "account.move",
        "account_move_dispute",
        "collection_dispute_user_id",
        "collection_dispute_date_open",
    ),
    "cases_deadline": (
        "collection.case",
        "collection_case",
        "user_id",
        None,
    ),
    "feedback_waiting": (
        "collection.feedback",
        "collection_feedback",
        "user_id",
        "date",
    ),
}
#: The views each list opens with, when they are not the model's own.
WORK_LIST_VIEWS = {
    "disputes_open": (
        ("recouvrement_fidelite.account_move_dispute_view_list", "list"),
        ("account.view_move_form", "form"),
    ),
}
#: The search view each list opens with, when it is not the model's own.
WORK_LIST_SEARCH_VIEWS = {"disputes_open": "account.view_account_invoice_filter"}


class CollectionWorkList(models.Model):
    _name = "collection.work.list"
    _description = "Collection work list"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(WORK_LISTS, required=True)
    sequence = fields.Integer(default=10)
    description = fields.Char(translate=True)
    age_band_days = fields.Integer(
        string="Age bands (days)",
        default=30,
        help="For the lists that wait (promises, installments, disputes, "
        "feedback): the tile splits them into three bands of this many days "
        "— up to it, up to twice it, beyond.",
    )
    count = fields.Integer(string="In the list", compute="_compute_counts")
    count_mine = fields.Integer(string="Mine", compute="_compute_counts")
    is_split_by_age = fields.Boolean(compute="_compute_counts")
    count_age_recent = fields.Integer(compute="_compute_counts")
    count_age_older = fields.Integer(compute="_compute_counts")
    count_age_oldest = fields.Integer(compute="_compute_counts")
    label_age_recent = fields.Char(compute="_compute_age_labels")
    label_age_older = fields.Char(compute="_compute_age_labels")
    label_age_oldest = fields.Char(compute="_compute_age_labels")
    is_readable = fields.Boolean(
        compute="_compute_counts",
        search="_search_is_readable",
        help="The user may read what the list holds (disputes need accounting "
        "rights, for instance).",
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "There is one work list of each kind."),
        (
            "age_band_days_positive",
            "CHECK(age_band_days > 0)",
            "Age bands are at least one day wide.",
        ),
    ]

    @property
    def _target_model(self):
        return self.env[WORK_LIST_TARGETS[self.code][0]]

    def _compute_counts(self):
        for work_list in self:
            Target = work_list._target_model
            readable = Target.has_access("read")
            work_list.is_readable = readable
            work_list.is_split_by_age = bool(WORK_LIST_TARGETS[work_list.code][3])
            counts = {"count": 0, "count_mine": 0}
            counts.update(dict.fromkeys(("recent", "older", "oldest"), 0))
            if readable:
                counts["count"] = Target.search_count(work_list._record_domain())
                counts["count_mine"] = Target.search_count(
                    work_list._record_domain(mine=True)
                )
                if work_list.is_split_by_age:
                    for band in ("recent", "older", "oldest"):
                        counts[band] = Target.search_count(
                            work_list._record_domain(age=band)
                        )
            work_list.count = counts["count"]
            work_list.count_mine = counts["count_mine"]
            work_list.count_age_recent = counts["recent"]
            work_list.count_age_older = counts["older"]
            work_list.count_age_oldest = counts["oldest"]

    def _search_is_readable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Search the readable lists with = or !=."))
        readable = [
            code
            for code, target in WORK_LIST_TARGETS.items()
            if self.env[target[0]].has_access("read")
        ]
        wanted = value if operator == "=" else not value
        return [("code", "in" if wanted else "not in", readable)]

    @api.depends("age_band_days")
    def _compute_age_labels(self):
        for work_list in self:
            band = work_list.age_band_days or 1
            work_list.label_age_recent = _("%s days or less", band)
            work_list.label_age_older = _(
                "%(low)s to %(high)s days", low=band + 1, high=2 * band
            )
            work_list.label_age_oldest = _("over %s days", 2 * band)

    def _record_domain(self, mine=False, age=None):
        """The records of this list; ``mine``: those the user is responsible
        for; ``age``: those of one age band (``recent``, ``older``,
        ``oldest``), by the days since the date the list waits from."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        domain = getattr(self, f"_domain_{self.code}")(today)
        if mine:
            domain = domain + self._mine_domain()
        if age:
            date_field = WORK_LIST_TARGETS[self.code][3]
            band = self.age_band_days or 1
            # Ages in whole days: "recent" is 0 to band days old.
            newest = {"recent": 0, "older": band + 1, "oldest": 2 * band + 1}[age]
            oldest = {"recent": band, "older": 2 * band, "oldest": None}[age]
            domain = domain + [(date_field, "<=", today - timedelta(days=newest))]
            if oldest is not None:
                domain = domain + [(date_field, ">=", today - timedelta(days=oldest))]
        return domain

    def _mine_domain(self):
        uid = self.env.uid
        user_field = WORK_LIST_TARGETS[self.code][2]
        if user_field:
            return [(user_field, "=", uid)]
        # A collection action is mine when its activity is assigned to me, or,
        # without activity, when I am its responsible.
        return [
            "|",
            ("activity_id.user_id", "=", uid),
            "&",
            ("activity_id", "=", False),
            ("user_id", "=", uid),
        ]

    def _domain_to_approve(self, today):
        return [("state", "=", "proposed")]

    def _domain_calls_today(self, today):
        # A call is to make while its activity waits and its outcome is not
        # recorded; planned for today or late.
        return [
            ("channel", "=", "phone"),
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

    def _domain_promises_due(self, today):
        # The promised date has come and the promise is not decided yet: the
        # customer may need a call before the grace period ends.
        return [("state", "=", "pending"), ("date_promised", "<=", today)]

    def _domain_installments_late(self, today):
        # Late as the installment's status says: its date has passed and it
        # is not paid in full, on a plan the customer accepted.
        return [
            ("plan_id.state", "=", "active"),
            ("payment_state", "!=", "paid"),
            ("date_due", "<", today),
        ]

    def _domain_disputes_open(self, today):
        return [
            ("move_type", "=", "out_invoice"),
            ("collection_dispute_state", "in", ["open", "under_review"]),
        ]

    def _domain_cases_deadline(self, today):
        # Deadlines passed or falling before the end of the user's week (its
        # first day as the user's language says: Monday in French).
        lang = self.env["res.lang"]._get_data(code=self.env.user.lang or "en_US")
        week_start = int(lang.week_start or 1) if lang else 1  # 1 Monday, 7 Sunday
        last_weekday = (week_start + 5) % 7  # date.weekday() of the week's last day
        week_end = today + timedelta(days=(last_weekday - today.weekday()) % 7)
        return [
            ("state", "=", "open"),
            ("date_deadline", "!=", False),
            ("date_deadline", "<=", week_end),
        ]

    def _domain_feedback_waiting(self, today):
        return [("state", "in", ["new", "in_progress"])]

    def action_open(self):
        return self._open()

    def action_open_mine(self):
        return self._open(mine=True)

    def action_open_age_recent(self):
        return self._open(age="recent")

    def action_open_age_older(self):
        return self._open(age="older")

    def action_open_age_oldest(self):
        return self._open(age="oldest")

    def _open(self, mine=False, age=None):
        self.ensure_one()
        name = self.name
        if mine:
            name = _("%s (mine)", name)
        elif age:
            name = f"{name} ({self[f'label_age_{age}']})"
        model, view_prefix, _user_field, _date_field = WORK_LIST_TARGETS[self.code]
        views = WORK_LIST_VIEWS.get(self.code) or (
            (f"recouvrement_fidelite.{view_prefix}_view_list", "list"),
            (f"recouvrement_fidelite.{view_prefix}_view_form", "form"),
        )
        search_view = WORK_LIST_SEARCH_VIEWS.get(
            self.code, f"recouvrement_fidelite.{view_prefix}_view_search"
        )
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "views": [(self.env.ref(view).id, view_type) for view, view_type in views],
            "search_view_id": self.env.ref(search_view).id,
            "domain": self._record_domain(mine=mine, age=age),
            # The list shows only the buttons that fit this work (no "Retry"
            # on letters to post, no "Print" on actions to approve).
            "context": {"create": False, "collection_work_list": self.code},
        }

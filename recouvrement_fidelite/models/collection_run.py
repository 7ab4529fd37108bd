# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The collection run: decide for every open invoice, then act.

A run walks the customers who have candidate invoices, in id order and in
batches. For each batch it locks the customers (``SKIP LOCKED``: a customer
another run is processing is left to that run), builds the facts of their
invoices, lets the engine decide, records the decisions as
``collection.action`` (skipping those already recorded: see ``dedup_key``),
dispatches the approved ones, and moves its cursor past the batch. Outside
tests every batch is committed, so a run that crashes keeps its finished
batches and, started again, continues after its cursor.
"""

import logging
import threading
import time

import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.modules import module
from odoo.tools import format_date

_logger = logging.getLogger(__name__)


class CollectionRun(models.Model):
    _name = "collection.run"
    _description = "Collection run"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_names_search = ["company_id.name"]

    # Worded when read, in the reader's language (a stored name would keep
    # the language and date format of whoever started the run).
    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    run_date = fields.Date(required=True, default=fields.Date.context_today)
    trigger = fields.Selection(
        [("cron", "Scheduled"), ("manual", "Manual")], required=True, default="manual"
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done")],
        required=True,
        default="running",
        tracking=True,
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    started_at = fields.Datetime(default=fields.Datetime.now, readonly=True)
    finished_at = fields.Datetime(readonly=True)
    cursor_partner_id = fields.Integer(
        readonly=True, help="Customers up to this id are processed."
    )
    customer_total = fields.Integer(string="Customers to process", readonly=True)
    customer_done = fields.Integer(string="Customers processed", readonly=True)
    invoice_count = fields.Integer(string="Invoices evaluated", readonly=True)
    limit_partner_ids = fields.Many2many(
        "res.partner",
        string="Only these customers",
        readonly=True,
        help="A run started from a dry run with some actions left out: only "
        "these customers are processed.",
    )
    limit_action_keys = fields.Text(
        string="Only these actions",
        readonly=True,
        help="Deduplication keys of the actions kept from the dry run, one a "
        "line; empty: every action the rules decide.",
    )
    action_ids = fields.One2many("collection.action", "run_id", string="Actions")
    action_count = fields.Integer(compute="_compute_counts")
    done_count = fields.Integer(string="Done", compute="_compute_counts")
    waiting_count = fields.Integer(
        string="Waiting for approval", compute="_compute_counts"
    )
    failed_count = fields.Integer(string="Failed", compute="_compute_counts")
    progress = fields.Float(compute="_compute_counts")

    @api.depends("run_date", "company_id")
    @api.depends_context("lang")
    def _compute_name(self):
        # Runs of one company on one day are numbered from the second one.
        groups = self._read_group(
            [
                ("company_id", "in", self.company_id.ids),
                ("run_date", "in", list(set(self.mapped("run_date")))),
            ],
            ["company_id", "run_date:day"],
            ["id:array_agg"],
        )
        ids_of_day = {
            (company.id, str(day)[:10]): sorted(ids) for company, day, ids in groups
        }
        for run in self:
            same_day = ids_of_day.get((run.company_id.id, str(run.run_date)), [])
            rank = same_day.index(run.id) + 1 if run.id in same_day else 1
            values = {
                "date": format_date(self.env, run.run_date),
                "company": run.company_id.name,
                "number": rank,
            }
            run.name = (
                _("Collection run of %(date)s, no. %(number)s (%(company)s)", **values)
                if rank > 1
                else _("Collection run of %(date)s (%(company)s)", **values)
            )

    @api.depends("name")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for run in self:
            run.display_name = run.name

    @api.depends("action_ids.state", "customer_done", "customer_total")
    def _compute_counts(self):
        groups = self.env["collection.action"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        )
        counts = {}
        for run, state, count in groups:
            counts.setdefault(run.id, {})[state] = count
        for run in self:
            by_state = counts.get(run.id, {})
            run.action_count = sum(by_state.values())
            run.done_count = by_state.get("done", 0)
            run.waiting_count = by_state.get("proposed", 0)
            run.failed_count = by_state.get("failed", 0)
            run.progress = (
                100.0 * run.customer_done / run.customer_total
                if run.customer_total
                else 100.0
            )

    # Candidates

    def _remaining_customer_ids(self):
        self.ensure_one()
        query = self.env["account.move"]._search(
            self.env["collection.planner"]._candidate_domain(
                self.company_id, self.run_date
            )
        )
        self.env["account.move"].flush_model()
        # Read before the query below: reading a field may query too.
        limit = set(self.limit_partner_ids.ids)
        cursor = self.cursor_partner_id
        sql = query.select("DISTINCT account_move.commercial_partner_id")
        self.env.cr.execute(sql)
        return sorted(
            row[0]
            for row in self.env.cr.fetchall()
            if row[0] > cursor and (not limit or row[0] in limit)
        )

    # Running

    @api.model
    def _can_commit(self):
        # Tests run in one transaction rolled back at the end; a module
        # install (demo data) commits only once it is complete.
        return self.env.registry.ready and not (
            module.current_test or getattr(threading.current_thread(), "testing", False)
        )

    def _process(self, batch_size=200, time_budget=None):
        """Process customers after the cursor, batch by batch.

        Returns True when the run is finished, False when the time budget
        ran out first (call again to continue).
        """
        self.ensure_one()
        # Explanations and history notes are written in the company's language.
        lang = self.company_id.partner_id.lang
        if lang and self.env.context.get("lang") != lang:
            return self.with_context(lang=lang)._process(batch_size, time_budget)
        started = time.monotonic()
        remaining = self._remaining_customer_ids()
        if not self.customer_total:
            self.customer_total = len(remaining)
        session = self.env["collection.planner"]._session(
            self.company_id, self.run_date
        )
        self.env["collection.engine"]._report_skipped_rule_sets(session.evaluator, self)
        failed_before = self.failed_count
        for start in range(0, len(remaining), batch_size):
            batch_ids = remaining[start : start + batch_size]
            try:
                with self.env.cr.savepoint():
                    self._process_batch(batch_ids, session)
            except psycopg2.IntegrityError as error:
                # Another run recorded the same reminders first: they are its.
                _logger.info("Collection run %s: batch skipped (%s)", self.id, error)
            self.write(
                {
                    "cursor_partner_id": batch_ids[-1],
                    "customer_done": self.customer_done + len(batch_ids),
                }
            )
            # The batch is finished: keep it, even if a later batch fails.
            self.env.flush_all()
            if self._can_commit():
                self.env.cr.commit()
            self.env["ir.cron"]._notify_progress(
                done=self.customer_done,
                remaining=max(self.customer_total - self.customer_done, 0),
            )
            if time_budget and time.monotonic() - started > time_budget:
                return False
        self.write({"state": "done", "finished_at": fields.Datetime.now()})
        self.invalidate_recordset(["failed_count", "waiting_count"])
        if self.failed_count > failed_before:
            self._notify_failures()
        if self.waiting_count:
            self._notify_approver()
        return True

    def _process_batch(self, customer_ids, session):
        cr = self.env.cr
        cr.execute(
            """
            SELECT id FROM res_partner
             WHERE id = ANY(%s)
               FOR NO KEY UPDATE SKIP LOCKED
            """,
            [customer_ids],
        )
        locked = [row[0] for row in cr.fetchall()]
        if not locked:
            return
        invoices = self.env["collection.planner"]._candidates(
            self.company_id, self.run_date, locked
        )
        _results, planned = session.plan_batch(invoices)
        if self.limit_action_keys:
            kept = set(self.limit_action_keys.split("\n"))
            planned = [values for values in planned if values["dedup_key"] in kept]
        actions = self.env["collection.action"].create(
            [dict(values, run_id=self.id) for values in planned]
        )
        self.invoice_count += len(invoices)
        actions._dispatch()

    def _notify_failures(self):
        managers = self.env.ref("recouvrement_fidelite.group_collection_manager").users
        failed = self.action_ids.filtered(lambda a: a.state == "failed")
        # Markup formatting escapes what comes from data (customer names,
        # failure reasons): the list is HTML, the names and reasons are text.
        lines = Markup().join(
            (
                Markup("<li>%s (%s): %s</li>")
                % (
                    action.partner_id.display_name,
                    action.invoice_id.name,
                    action.failure_reason,
                )
                if action.invoice_id
                else Markup("<li>%s: %s</li>")
                % (action.partner_id.display_name, action.failure_reason)
            )
            for action in failed[:50]
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                _(
                    "%(count)s collection actions failed in this run:",
                    count=len(failed),
                ),
                lines,
            ),
            partner_ids=managers.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _notify_approver(self):
        """Tell the company's approver (or the managers) what waits for them."""
        approver = self.company_id.collection_approver_id
        recipients = approver or self.env.ref(
            "recouvrement_fidelite.group_collection_manager"
        ).users.filtered(lambda user: self.company_id in user.company_ids)
        self.message_post(
            body=_(
                "%(count)s collection actions wait for approval in "
                "Collection > Reminders to approve.",
                count=self.waiting_count,
            ),
            partner_ids=recipients.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    @api.model
    def _cron_run(self, time_budget=600):
        """Daily: run the collection of every company that enabled it."""
        companies = self.env["res.company"].search(
            [("collection_run_enabled", "=", True)]
        )
        today = fields.Date.context_today(self)
        finished = True
        for company in companies:
            run = self.search(
                [("company_id", "=", company.id), ("state", "=", "running")],
                order="id",
                limit=1,
            ) or self.create(
                {"company_id": company.id, "run_date": today, "trigger": "cron"}
            )
            finished = (
                run.with_company(company)._process(time_budget=time_budget) and finished
            )
        return finished

    def action_continue(self):
        for run in self.filtered(lambda r: r.state == "running"):
            run._process()
        return True

    def action_view_actions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "collection.action",
            "view_mode": "list,form",
            "domain": [("run_id", "=", self.id)],
        }

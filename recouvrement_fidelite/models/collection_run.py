# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The collection run: decide for every open invoice, then act.

A run walks the customers who have candidate invoices, in id order and in
batches. Each batch is claimed first (``_claim_batch``): the run's row is
locked for a moment to move its cursor past the batch and record it as a
``collection.run.batch``, so that several workers (cron threads, servers)
processing the same run share its customers and never take the same batch.
For each batch the run locks the customers (``SKIP LOCKED``: a customer
another run is processing is left to that run), builds the facts of their
invoices, lets the engine decide, records the decisions as
``collection.action`` (skipping those already recorded: see ``dedup_key``),
dispatches the approved ones, and marks the batch done. Outside tests every
claim and every batch is committed, so a run that crashes keeps its finished
batches and, started again, takes the batch that was interrupted again, then
continues after its cursor.
"""

import logging
import random
import threading
import time
from contextlib import nullcontext

import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
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
        readonly=True,
        help="Customers up to this id are taken: processed, or being processed "
        "by a worker.",
    )
    customer_total = fields.Integer(string="Customers to process", readonly=True)
    # Summed from the batches: workers never write the run's row for them
    # (they would wait for each other on it).
    customer_done = fields.Integer(
        string="Customers processed", compute="_compute_progress"
    )
    invoice_count = fields.Integer(
        string="Invoices evaluated", compute="_compute_progress"
    )
    batch_ids = fields.One2many("collection.run.batch", "run_id", string="Batches")
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
    pending_count = fields.Integer(
        string="To do",
        compute="_compute_counts",
        help="Calls to make and letters to post: carried out on our side, "
        "done once the call is made or the letter posted.",
    )
    waiting_count = fields.Integer(
        string="Waiting for approval", compute="_compute_counts"
    )
    failed_count = fields.Integer(string="Failed", compute="_compute_counts")
    progress = fields.Float(compute="_compute_progress")

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

    @api.depends("action_ids.state")
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
            run.pending_count = by_state.get("pending", 0)
            run.waiting_count = by_state.get("proposed", 0)
            run.failed_count = by_state.get("failed", 0)

    @api.depends(
        "batch_ids.state",
        "batch_ids.customer_count",
        "batch_ids.invoice_count",
        "customer_total",
    )
    def _compute_progress(self):
        done = {
            run.id: (customers, invoices)
            for run, customers, invoices in self.env[
                "collection.run.batch"
            ]._read_group(
                [("run_id", "in", self.ids), ("state", "=", "done")],
                ["run_id"],
                ["customer_count:sum", "invoice_count:sum"],
            )
        }
        for run in self:
            run.customer_done, run.invoice_count = done.get(run.id, (0, 0))
            run.progress = (
                100.0 * run.customer_done / run.customer_total
                if run.customer_total
                else 100.0
            )

    # Candidates

    def _candidate_customer_ids(self):
        """Every customer with a candidate invoice, in id order (only the
        run's customers when it is limited to some)."""
        self.ensure_one()
        query = self.env["account.move"]._search(
            self.env["collection.planner"]._candidate_domain(
                self.company_id, self.run_date
            )
        )
        self.env["account.move"].flush_model()
        # Read before the query below: reading a field may query too.
        limit = set(self.limit_partner_ids.ids)
        sql = query.select("DISTINCT account_move.commercial_partner_id")
        self.env.cr.execute(sql)
        return sorted(
            row[0] for row in self.env.cr.fetchall() if not limit or row[0] in limit
        )

    def _remaining_customer_ids(self):
        self.ensure_one()
        customers = self._candidate_customer_ids()
        return [customer for customer in customers if customer > self.cursor_partner_id]

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

        Several workers may call it on the same run at once: each claims
        its batches (``_claim_batch``). Returns True when this worker finds
        nothing left to take (the run is done, or the other workers are
        finishing its last batches), False when the time budget ran out
        first (call again to continue).
        """
        self.ensure_one()
        # Explanations and history notes are written in the company's language.
        context = {}
        lang = self.company_id.partner_id.lang
        if lang and self.env.context.get("lang") != lang:
            context["lang"] = lang
        if "collection_compiled_templates" not in self.env.context:
            # Each template's body is compiled once for the whole run, not
            # once per batch (see ``ir_qweb`` and ``collection.action.
            # _dispatch``).
            context["collection_compiled_templates"] = {}
        if context:
            return self.with_context(**context)._process(batch_size, time_budget)
        started = time.monotonic()
        customers = self._candidate_customer_ids()
        session = self.env["collection.planner"]._session(
            self.company_id, self.run_date
        )
        self.env["collection.engine"]._report_skipped_rule_sets(session.evaluator, self)
        failed_before = self.failed_count
        commit = self._can_commit()
        worker = self._lock_worker()
        try:
            if commit:
                # The claims are other transactions: they must see this one.
                self.env.cr.commit()
            while True:
                # In tests, everything shares one transaction: a crash takes
                # the batch's claim back with it, as if it never started.
                with self.env.cr.savepoint() if not commit else nullcontext():
                    batch_id, batch_ids, closed = self._claim_batch(
                        customers, batch_size, worker
                    )
                    if not batch_id:
                        break
                    if commit:
                        # A new transaction, whose snapshot sees the claim.
                        self.env.cr.commit()
                    if not self._start_batch(batch_id, worker):
                        continue  # taken again by another worker meanwhile
                    invoice_count = 0
                    try:
                        with self.env.cr.savepoint():
                            invoice_count = self._process_batch(batch_ids, session)
                    except psycopg2.IntegrityError as error:
                        # Another run recorded the same reminders first: they
                        # are its.
                        _logger.info(
                            "Collection run %s: batch skipped (%s)", self.id, error
                        )
                    self._finish_batch(batch_id, len(batch_ids), invoice_count or 0)
                self.invalidate_recordset(["customer_done", "invoice_count"])
                self.env["ir.cron"]._notify_progress(
                    done=self.customer_done,
                    remaining=max(self.customer_total - self.customer_done, 0),
                )
                # The batch is finished: keep it, even if a later batch fails.
                self.env.flush_all()
                if commit:
                    self.env.cr.commit()
                if time_budget and time.monotonic() - started > time_budget:
                    return False
        finally:
            if commit:
                # After an error, what the batch left unfinished goes (its
                # claim stays: the batch is taken again), and the
                # connection may take the unlock.
                self.env.cr.rollback()
            self._unlock_worker(worker)
        if closed:
            # This worker closed the run: it reports, once for all workers.
            self.invalidate_recordset()
            if self.failed_count > failed_before:
                self._notify_failures()
            if self.waiting_count:
                self._notify_approver()
        return True

    # Workers: claiming batches

    #: Namespace of the advisory locks that say a worker is alive (the first
    #: key of PostgreSQL's two-key advisory locks; the second is the worker).
    _WORKER_LOCKS = 0x636F6C6C  # "coll"

    def _lock_worker(self):
        """A key for this worker, locked as long as its connection lives.

        The batches it claims carry the key: a batch whose key nobody holds
        any more was left by a worker that stopped (process killed, server
        down, connection lost) and is taken again.
        """
        worker = random.randint(1, 2**31 - 1)
        self.env.cr.execute(
            "SELECT pg_advisory_lock(%s, %s)", [self._WORKER_LOCKS, worker]
        )
        return worker

    def _unlock_worker(self, worker):
        self.env.cr.execute(
            "SELECT pg_advisory_unlock(%s, %s)", [self._WORKER_LOCKS, worker]
        )

    def _claim_batch(self, customers, batch_size, worker):
        """Take this run's next batch: ``(batch id, customer ids, closed)``.

        A batch claimed by a worker that stopped (see ``_lock_worker``) is
        taken again first. Otherwise the next customers of ``customers``
        (the candidates, in id order) after the run's cursor are claimed,
        and the cursor moves past them. With nothing left: ``(None, [],
        closed)``, ``closed`` True for the one worker that finds no batch
        still being processed and marks the run done.

        Outside tests this is a short transaction of its own, committed at
        once: the run's row stays locked only while the cursor moves.
        """
        self.ensure_one()
        if not self._can_commit():
            return self._claim_batch_in(customers, batch_size, worker)
        for attempt in range(5):
            try:
                with self.env.registry.cursor() as cr:
                    # Read committed: the claim waits for the other workers'
                    # claims, then sees them (instead of failing on them).
                    cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    return self.with_env(self.env(cr=cr))._claim_batch_in(
                        customers, batch_size, worker
                    )
            except psycopg2.errors.SerializationFailure:
                _logger.info("Collection run %s: claim retried", self.id)
                time.sleep(0.1 * (attempt + 1))
        raise UserError(_("Could not claim a batch of the collection run."))

    def _claim_batch_in(self, customers, batch_size, worker):
        cr = self.env.cr
        self.flush_recordset()
        # NO KEY UPDATE: the actions the other workers are inserting refer
        # to the run (a key share lock on its row); claims never wait for
        # their batches to finish.
        cr.execute(
            "SELECT state, cursor_partner_id, customer_total FROM collection_run"
            " WHERE id = %s FOR NO KEY UPDATE",
            [self.id],
        )
        state, cursor, total = cr.fetchone()
        if state != "running":
            return None, [], False
        # A stopped worker's key is free: this transaction may lock it (and
        # lets it go when it ends). Not this worker's own batches: its key
        # would look free when the claim shares its connection (in tests).
        cr.execute(
            """
            SELECT id, after_partner_id, last_partner_id FROM collection_run_batch
             WHERE run_id = %s AND state = 'claimed'
               AND worker_key IS DISTINCT FROM %s
               AND pg_try_advisory_xact_lock(%s, COALESCE(worker_key, 0))
             ORDER BY id LIMIT 1
               FOR UPDATE SKIP LOCKED
            """,
            [self.id, worker, self._WORKER_LOCKS],
        )
        stopped = cr.fetchone()
        if stopped:
            batch_id, after, last = stopped
            cr.execute(
                "UPDATE collection_run_batch SET claim_count = claim_count + 1,"
                " worker_key = %s, write_date = NOW() AT TIME ZONE 'UTC'"
                " WHERE id = %s",
                [worker, batch_id],
            )
            return batch_id, [c for c in customers if after < c <= last], False
        cursor = cursor or 0
        batch_ids = [c for c in customers if c > cursor][:batch_size]
        if not total:
            total = sum(1 for c in customers if c > cursor)
        if batch_ids:
            cr.execute(
                """
                INSERT INTO collection_run_batch (run_id, after_partner_id,
                       last_partner_id, state, worker_key, claim_count,
                       customer_count, invoice_count, create_uid, create_date,
                       write_uid, write_date)
                VALUES (%s, %s, %s, 'claimed', %s, 1, 0, 0, %s,
                        NOW() AT TIME ZONE 'UTC', %s, NOW() AT TIME ZONE 'UTC')
                RETURNING id
                """,
                [self.id, cursor, batch_ids[-1], worker, self.env.uid, self.env.uid],
            )
            batch_id = cr.fetchone()[0]
            cr.execute(
                "UPDATE collection_run SET cursor_partner_id = %s,"
                " customer_total = %s WHERE id = %s",
                [batch_ids[-1], total, self.id],
            )
            self.invalidate_recordset(["cursor_partner_id", "customer_total"])
            return batch_id, batch_ids, False
        cr.execute(
            "SELECT 1 FROM collection_run_batch WHERE run_id = %s"
            " AND state = 'claimed' LIMIT 1",
            [self.id],
        )
        if cr.fetchone():
            return None, [], False  # the last batches are being processed
        self.invalidate_recordset()
        self.write(
            {
                "state": "done",
                "finished_at": fields.Datetime.now(),
                "customer_total": total,
            }
        )
        self.env.flush_all()
        return None, [], True

    def _start_batch(self, batch_id, worker):
        """Hold the claimed batch for this transaction; False when another
        worker took it meanwhile (see ``_claim_batch``)."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM collection_run_batch WHERE id = %s"
                    " AND state = 'claimed' AND worker_key = %s"
                    " FOR UPDATE SKIP LOCKED",
                    [batch_id, worker],
                )
                return bool(self.env.cr.fetchone())
        except psycopg2.errors.SerializationFailure:
            return False  # done by another worker since this transaction began

    def _finish_batch(self, batch_id, customer_count, invoice_count):
        self.env.cr.execute(
            """
            UPDATE collection_run_batch
               SET state = 'done', customer_count = %s, invoice_count = %s,
                   write_date = NOW() AT TIME ZONE 'UTC'
             WHERE id = %s
            """,
            [customer_count, invoice_count, batch_id],
        )
        self.env["collection.run.batch"].browse(batch_id).invalidate_recordset()

    def _process_batch(self, customer_ids, session):
        """Decide and act for these customers; returns the invoices evaluated."""
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
            return 0
        invoices = self.env["collection.planner"]._candidates(
            self.company_id, self.run_date, locked
        )
        _results, planned = session.plan_batch(invoices)
        if self.limit_action_keys:
            kept = set(self.limit_action_keys.split("\n"))
            planned = [values for values in planned if values["dedup_key"] in kept]
        actions = self.env["collection.action"]._record(
            [dict(values, run_id=self.id) for values in planned]
        )
        actions._dispatch()
        return len(invoices)

    def _notify_failures(self):
        managers = self.env.ref("recouvrement_fidelite.group_collection_manager").users
        # Searched, not filtered from the run's actions: a run of many
        # customers would read every one of its actions for the 50 shown.
        domain = [("run_id", "=", self.id), ("state", "=", "failed")]
        Action = self.env["collection.action"]
        count = Action.search_count(domain)
        failed = Action.search(domain, limit=50, order="id")
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
            for action in failed
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                _(
                    "%(count)s collection actions failed in this run:",
                    count=count,
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
                "Collection > Actions to approve.",
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

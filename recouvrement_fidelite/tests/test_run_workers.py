# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Several workers on one collection run: each batch is claimed once, and the
batch of a worker that stopped is taken again (issue 9)."""

import threading
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .test_collection_run import TODAY, CollectionRunCase


@tagged("post_install", "-at_install")
class TestRunResume(CollectionRunCase):
    @freeze_time(TODAY)
    def test_the_batch_of_a_stopped_worker_is_taken_again(self):
        self.invoice(self.alice, 500.0, "2026-03-01")
        self.invoice(self.bob, 100.0, "2026-03-12")
        run = self.env["collection.run"].create({"company_id": self.env.company.id})
        first, second = run._candidate_customer_ids()
        # A worker claimed the first customer (the claim was committed), then
        # stopped before finishing: its batch stays claimed.
        stopped = (
            self.env["collection.run.batch"]
            .sudo()
            .create({"run_id": run.id, "after_partner_id": 0, "last_partner_id": first})
        )
        run.sudo().cursor_partner_id = first
        self.assertTrue(run._process(batch_size=1))
        self.assertEqual(run.state, "done")
        stopped.invalidate_recordset()
        self.assertEqual(stopped.state, "done")
        self.assertEqual(stopped.claim_count, 2, "taken again by the next worker")
        self.assertEqual(run.batch_ids.mapped("state"), ["done", "done"])
        self.assertEqual(run.customer_done, 2)
        self.assertEqual(run.invoice_count, 2)
        actions = self.env["collection.action"].search([("run_id", "=", run.id)])
        self.assertEqual(set(actions.partner_id.ids), {first, second})
        self.assertEqual(
            len(actions), len(set(actions.mapped("dedup_key"))), "each action once"
        )


@tagged("post_install", "-at_install")
class TestRunClaims(TransactionCase):
    """Claims through real transactions, as separate workers make them."""

    def _committed_env(self):
        cr = self.registry.cursor()
        return cr, api.Environment(cr, SUPERUSER_ID, {})

    def setUp(self):
        super().setUp()
        cr, env = self._committed_env()
        with cr:
            self.run_id = (
                env["collection.run"]
                .create({"company_id": env.ref("base.main_company").id})
                .id
            )

        def cleanup():
            cr, env = self._committed_env()
            with cr:
                env["collection.run"].browse(self.run_id).unlink()

        self.addCleanup(cleanup)
        # Outside tests the claims are transactions of their own.
        patcher = patch.object(
            type(self.env["collection.run"]), "_can_commit", return_value=True
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def _worker(self):
        """A worker: its own connection, holding its key (``_lock_worker``)."""
        cr, env = self._committed_env()
        run = env["collection.run"].browse(self.run_id)
        key = run._lock_worker()
        cr.commit()

        def stop():
            if not cr.closed:
                cr.rollback()
                run._unlock_worker(key)
                cr.close()

        self.addCleanup(stop)
        return run, key

    def test_two_claims_never_overlap_and_a_stopped_batch_is_resumed(self):
        customers = list(range(1001, 1011))
        (worker_a, key_a), (worker_b, key_b) = self._worker(), self._worker()
        batch_a, ids_a, _closed = worker_a._claim_batch(customers, 3, key_a)
        batch_b, ids_b, _closed = worker_b._claim_batch(customers, 3, key_b)
        self.assertEqual(ids_a, [1001, 1002, 1003])
        self.assertEqual(ids_b, [1004, 1005, 1006])
        self.assertNotEqual(batch_a, batch_b)
        # Worker A is alive: its batch is not taken again, even before it
        # starts processing it.
        batch_c, ids_c, _closed = worker_b._claim_batch(customers, 3, key_b)
        self.assertEqual(ids_c, [1007, 1008, 1009])
        self.assertFalse(worker_b._start_batch(batch_a, key_b))
        self.assertTrue(worker_a._start_batch(batch_a, key_a))
        for batch in (batch_b, batch_c):
            self.assertTrue(worker_b._start_batch(batch, key_b))
            worker_b._finish_batch(batch, 3, 0)
        worker_b.env.cr.commit()
        # Worker A stops while processing its batch: its transaction ends
        # and its connection with it (its key is free).
        worker_a.env.cr.rollback()
        worker_a._unlock_worker(key_a)
        resumed, ids, _closed = worker_b._claim_batch(customers, 3, key_b)
        self.assertEqual((resumed, ids), (batch_a, ids_a))
        self.assertTrue(worker_b._start_batch(resumed, key_b))
        worker_b._finish_batch(resumed, len(ids), 0)
        worker_b.env.cr.commit()
        last, ids, closed = worker_b._claim_batch(customers, 3, key_b)
        self.assertEqual(ids, [1010])
        self.assertFalse(closed)
        self.assertTrue(worker_b._start_batch(last, key_b))
        worker_b._finish_batch(last, 1, 0)
        worker_b.env.cr.commit()
        self.assertEqual(worker_b._claim_batch(customers, 3, key_b), (None, [], True))
        worker_b.invalidate_recordset()
        self.assertEqual(worker_b.state, "done")
        self.assertEqual(worker_b.customer_done, 10)

    def test_workers_claiming_at_once_share_every_customer_once(self):
        customers = list(range(2001, 2101))
        claimed = []
        errors = []
        barrier = threading.Barrier(3)

        def work():
            try:
                run, key = self._worker()
                barrier.wait(timeout=30)
                while True:
                    batch_id, ids, _closed = run._claim_batch(customers, 7, key)
                    if not batch_id:
                        break
                    if run._start_batch(batch_id, key):
                        claimed.extend(ids)
                        run._finish_batch(batch_id, len(ids), 0)
                    run.env.cr.commit()
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(claimed), customers, "every customer exactly once")
        cr, env = self._committed_env()
        with cr:
            run = env["collection.run"].browse(self.run_id)
            self.assertEqual(run.state, "done")
            self.assertEqual(run.customer_done, len(customers))

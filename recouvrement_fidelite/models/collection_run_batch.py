# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A batch of customers of a collection run, claimed by one worker.

Several Odoo workers (cron threads or servers sharing one database) may
process the same run. Each takes the next batch of customers by advancing
the run's cursor (``collection.run._claim_batch``), which records the batch
here, then processes it in its own transaction, holding the batch's row
locked, and marks it done in that same transaction. A worker that dies
leaves its batch claimed, with a worker key that nobody holds any more: the
next worker takes it again.
"""

from odoo import fields, models


class CollectionRunBatch(models.Model):
    _name = "collection.run.batch"
    _description = "Batch of a collection run"
    _order = "run_id, id"

    run_id = fields.Many2one(
        "collection.run", required=True, ondelete="cascade", index=True
    )
    after_partner_id = fields.Integer(
        string="After customer", readonly=True, help="Customers after this id..."
    )
    last_partner_id = fields.Integer(
        string="Up to customer", readonly=True, help="...up to this id."
    )
    state = fields.Selection(
        [("claimed", "Being processed"), ("done", "Done")],
        required=True,
        default="claimed",
        readonly=True,
    )
    worker_key = fields.Integer(
        readonly=True,
        help="The worker processing the batch (see collection.run._lock_worker).",
    )
    customer_count = fields.Integer(string="Customers", readonly=True)
    invoice_count = fields.Integer(string="Invoices evaluated", readonly=True)
    claim_count = fields.Integer(
        string="Claims",
        default=1,
        readonly=True,
        help="More than one: a worker stopped during this batch and another "
        "took it again.",
    )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Analyses kept between refreshes, as materialized SQL views.

An analysis (``_auto = False``) gives its query (``_report_query``); it
becomes a PostgreSQL materialized view, worked out every night by a
scheduled action (``_cron_refresh_materialized``) and on demand
(``action_refresh``, the "Refresh the figures" button of its list).
Analyses of the history are kept so: worked out at each read, they could
not answer quickly enough on a large one (tens of thousands of customers,
hundreds of thousands of steps). ``refreshed_at`` says as of when the
figures are.
"""

from odoo import api, fields, models, tools
from odoo.tools import SQL


class CollectionReportMaterialized(models.AbstractModel):
    _name = "collection.report.materialized"
    _description = "Collection analysis"

    refreshed_at = fields.Datetime(
        string="Figures as of",
        readonly=True,
        help="When the figures were worked out: every night, or when "
        "someone refreshed them.",
    )

    def _report_query(self):
        """The analysis's SELECT, one row per record with a unique ``id``."""
        raise NotImplementedError

    def init(self):
        if self._abstract:
            return
        cr = self.env.cr
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(
            f"CREATE MATERIALIZED VIEW {self._table} AS ("
            f"SELECT report.*, now() AT TIME ZONE 'UTC' AS refreshed_at"
            f" FROM ({self._report_query()}) report)"
        )
        # Needed to refresh without blocking readers.
        cr.execute(f"CREATE UNIQUE INDEX ON {self._table} (id)")

    def action_refresh(self):
        """Work the figures out again, from the records of now."""
        self.check_access("read")
        self.env.flush_all()
        # Concurrently: readers keep the previous figures until it is done.
        self.env.cr.execute(
            SQL(
                "REFRESH MATERIALIZED VIEW CONCURRENTLY %s",
                SQL.identifier(self._table),
            )
        )
        self.env.invalidate_all()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_refresh_materialized(self):
        """The nightly refresh of every analysis kept between refreshes."""
        for name in self.env.registry.descendants([self._name], "_inherit"):
            model = self.env[name]
            if not model._abstract:
                model.action_refresh()

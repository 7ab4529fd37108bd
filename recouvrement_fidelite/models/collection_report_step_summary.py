# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Step effectiveness by level and channel, beside the previous level.

One row per company, level and channel of the reminder steps done: how many
steps, the shares paid and reacted within the window
(``collection.report.step``), the same shares for the previous level of the
same scenario (all channels), and ``no_reaction`` when at least the
company's ``collection_analysis_min_steps`` steps made nobody react — a
step to rework or to drop. Read from the steps as of their last refresh
(``refreshed_at``).
"""

from odoo import fields, models, tools

from .collection_action import CHANNELS


class CollectionReportStepSummary(models.Model):
    _name = "collection.report.step.summary"
    _description = "Step effectiveness by level"
    _auto = False
    _order = "scenario_id, level_number, channel"
    _rec_name = "level_id"

    company_id = fields.Many2one("res.company", readonly=True)
    scenario_id = fields.Many2one(
        "collection.scenario", string="Scenario", readonly=True
    )
    level_id = fields.Many2one("collection.level", string="Level", readonly=True)
    level_number = fields.Integer(readonly=True, aggregator=False)
    channel = fields.Selection(CHANNELS, readonly=True)
    step_count = fields.Integer(string="Steps", readonly=True)
    paid_rate = fields.Float(
        string="Paid (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    reacted_rate = fields.Float(
        string="Reacted (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    previous_paid_rate = fields.Float(
        string="Previous level: paid (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
    )
    previous_reacted_rate = fields.Float(
        string="Previous level: reacted (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
    )
    refreshed_at = fields.Datetime(
        string="Figures as of",
        readonly=True,
        help="When the step figures were worked out: every night, or when "
        "someone refreshed them.",
    )
    no_reaction = fields.Boolean(
        string="Nobody reacts",
        readonly=True,
        help="Sent at least as many times as the company's 'steps before "
        "judging', and no customer paid or reacted within the window.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            WITH by_channel AS (
                SELECT company_id, scenario_id, level_id, level_number, channel,
                       count(*) AS step_count,
                       avg(paid_rate) AS paid_rate,
                       avg(reacted_rate) AS reacted_rate,
                       max(refreshed_at) AS refreshed_at
                  FROM collection_report_step
                 WHERE level_id IS NOT NULL
                 GROUP BY 1, 2, 3, 4, 5
            ),
            by_level AS (
                SELECT company_id, scenario_id, level_number,
                       sum(paid_rate * step_count) / sum(step_count) AS paid_rate,
                       sum(reacted_rate * step_count) / sum(step_count)
                           AS reacted_rate
                  FROM by_channel
                 GROUP BY 1, 2, 3
            )
            SELECT row_number() OVER (
                       ORDER BY by_channel.company_id, by_channel.level_id,
                                by_channel.channel) AS id,
                   by_channel.company_id,
                   by_channel.scenario_id,
                   by_channel.level_id,
                   by_channel.level_number,
                   by_channel.channel,
                   by_channel.step_count,
                   by_channel.paid_rate,
                   by_channel.reacted_rate,
                   previous.paid_rate AS previous_paid_rate,
                   previous.reacted_rate AS previous_reacted_rate,
                   by_channel.refreshed_at,
                   (by_channel.step_count >= company.collection_analysis_min_steps
                    AND by_channel.paid_rate = 0
                    AND by_channel.reacted_rate = 0) AS no_reaction
              FROM by_channel
              JOIN res_company company ON company.id = by_channel.company_id
              LEFT JOIN by_level previous
                ON previous.company_id = by_channel.company_id
               AND previous.scenario_id = by_channel.scenario_id
               AND previous.level_number = by_channel.level_number - 1
            )
            """
        )

    def action_refresh(self):
        """Work the step figures out again (see ``collection.report.step``)."""
        self.check_access("read")
        return self.env["collection.report.step"].action_refresh()

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The plan loop: from open invoices to the actions the rules decide.

Search the invoices, build their facts, let the engine decide, plan the
actions: this loop exists once, here, and everything that decides calls it —
the collection run (one batch of locked customers at a time), its dry run,
the rule-set preview (which stops at the decisions) and the benchmark.

A planning session (:meth:`CollectionPlanner._session`) holds what stays the
same for every batch of one company and day: the evaluator (the company's
rule sets, checked once), the catalogue's words for explanations, the
handlers of the action kinds and the templates the rules name. The actions
of each decision are planned by the handler of their kind
(``collection.action.kind``); the planner only owns the reminder step: which
level the invoice reaches, and whether its actions wait for approval.

An invoice covered by an active payment plan is reminded through the plan:
its reminders are paused (``account.move._collection_pauses_plan``), but the
run still looks at it so that the plan's installments are reminded
(``remind_installments``); only the kinds that act while a plan is active
(``_while_in_plan``) plan anything for it.
"""

import json

from odoo import _, api, fields, models
from odoo.osv import expression
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

from ..engine.variables import ACTIVE_PLAN_STATUSES
from ..engine.wording import explanation_data
from .engine_texts import CatalogueWords
from .failure_messages import message, render

_lt = LazyTranslate(__name__)


class PlanningSession:
    """What one planning of one company on one day reuses from batch to batch."""

    def __init__(self, planner, company, today, evaluator):
        self.planner = planner
        self.env = planner.env
        self.company = company
        self.today = today
        self.evaluator = evaluator
        # The catalogue is built once per session, with the evaluator.
        self.words = CatalogueWords(self.env, evaluator.catalogue.export())
        # The actions planned by this session word their explanations with
        # the same words while the cursor lives (history notes, the run's
        # notices): the catalogue is built once per run, not once per batch.
        self.env.cr.cache.setdefault("collection_words", {})[
            (company.id, self.env.lang)
        ] = self.words
        self.handlers = self.env["collection.action.kind"]._handlers()
        self._templates = {}
        self._scenarios = {}
        self._rule_ids = None

    def rule_id(self, decision):
        """The rule record behind a decision: the engine knows rules by their
        names (read in this session's language), the actions keep the record
        so that the rule is named in each reader's language."""
        if self._rule_ids is None:
            rules = self.env["collection.rule"].search(
                [("company_id", "=", self.company.id)],
                order="sequence desc, id desc",
            )
            # Of two rules of one name in a set, the first in the set's order
            # (the last one read here) is the one named.
            self._rule_ids = {
                (rule.rule_set_id.name, rule.name): rule.id for rule in rules
            }
        return self._rule_ids.get((decision.rule_set, decision.rule), False)

    def explain(self, explanation):
        """Why a decision was taken, as data to store (worded when shown)."""
        return explanation_data(explanation)

    def template(self, reference):
        if reference not in self._templates:
            self._templates[reference] = self.planner._template(reference)
        return self._templates[reference]

    def scenario(self, customer):
        if customer.id not in self._scenarios:
            self._scenarios[customer.id] = self.env[
                "collection.scenario"
            ]._scenario_for_partner(customer, self.company)
        return self._scenarios[customer.id]

    def decide(self, invoices, batch_size=500):
        """Yield ``(batch, results)``: the engine's results for each batch of
        ``invoices``, in order."""
        engine = self.env["collection.engine"]
        for start in range(0, len(invoices), batch_size):
            batch = invoices[start : start + batch_size]
            yield batch, self.evaluator.evaluate_many(engine._facts(batch))

    def plan(self, invoices, batch_size=500):
        """Yield ``(batch, results, planned)``: the engine's results and the
        values of the actions to record for each batch (without those
        already recorded)."""
        for batch, results in self.decide(invoices, batch_size):
            yield batch, results, self.planner._plan_batch(self, batch, results)

    def plan_batch(self, invoices):
        """``(results, planned)`` for ``invoices`` taken as one batch."""
        results = self.evaluator.evaluate_many(
            self.env["collection.engine"]._facts(invoices)
        )
        return results, self.planner._plan_batch(self, invoices, results)


class InvoicePlanning:
    """The planning of one invoice, as the action kinds' handlers see it."""

    def __init__(self, session, invoice, result, level, level_decision, state):
        self.session = session
        self.today = session.today
        self.invoice = invoice
        self.decisions = result.decisions
        self.facts = result.facts if isinstance(result.facts, dict) else {}
        self.level = level
        self.level_decision = level_decision
        self.state = state
        self.template = session.template

    def decisions_of(self, engine_action):
        return [d for d in self.decisions if d.action == engine_action]

    def action(self, kind, channel, decision, extra="", **values):
        """The values of one action of this invoice for one decision."""
        invoice = self.invoice
        return dict(
            company_id=self.session.company.id,
            invoice_id=invoice.id,
            partner_id=invoice.commercial_partner_id.id,
            date=self.today,
            kind=kind,
            channel=channel,
            level_id=self.level.id,
            state=self.state,
            rule_set=decision.rule_set,
            rule=decision.rule,
            rule_id=self.session.rule_id(decision),
            explanation_data=self.session.explain(decision.explanation),
            params=json.dumps(dict(decision.params), default=str),
            dedup_key=self.session.env["collection.action"]._dedup_key(
                invoice, kind, channel, self.level, extra
            ),
            **values,
        )


class CollectionPlanner(models.AbstractModel):
    _name = "collection.planner"
    _description = "Collection planner"

    # Candidates

    @api.model
    def _horizon(self, company, today):
        """Last due date in the window: the earliest courtesy reminder counts."""
        levels = self.env["collection.level"].search(
            [("company_id", "=", company.id), ("delay_days", "<", 0)],
            order="delay_days",
            limit=1,
        )
        return fields.Date.add(today, days=-levels.delay_days if levels else 0)

    @api.model
    def _candidate_domain(self, company, today):
        """Invoices the collection acts on: open, and either due (or within
        the courtesy window) and not paused, or covered by an active payment
        plan and not paused for another reason (the plan's installments are
        reminded)."""
        Move = self.env["account.move"]
        return self.env["collection.engine"]._open_invoice_domain(
            company
        ) + expression.OR(
            [
                [
                    ("invoice_date_due", "<=", self._horizon(company, today)),
                    ("collection_paused", "=", False),
                ],
                Move._collection_installment_domain(today),
            ]
        )

    @api.model
    def _candidates(self, company, today, customer_ids=None):
        """The candidate invoices, customer by customer, oldest due first."""
        domain = self._candidate_domain(company, today)
        if customer_ids is not None:
            domain += [("commercial_partner_id", "in", list(customer_ids))]
        return self.env["account.move"].search(
            domain, order="commercial_partner_id, invoice_date_due, id"
        )

    # Sessions

    @api.model
    def _session(self, company, today, evaluator=None):
        """A planning session for ``company`` on ``today`` (the company's
        active rule sets unless an evaluator is given)."""
        engine = self.env["collection.engine"].with_company(company)
        evaluator = evaluator or engine._evaluator(company)
        return PlanningSession(self.with_company(company), company, today, evaluator)

    # Planning

    @api.model
    def _plan_batch(self, session, invoices, results):
        """Action values for the engine's results, minus what is already recorded.

        Returns a list of dicts ready for ``collection.action.create``.
        """
        return self._without_recorded(self._planned(session, invoices, results))

    @api.model
    def _planned(self, session, invoices, results):
        """Action values for the engine's results, recorded or not."""
        planned = []
        for invoice, result in zip(invoices, results, strict=True):
            # A customer whose credit notes and payments not yet matched
            # cover everything they owe has nothing to pay: reminding,
            # calling or escalating would claim money that is not due. Their
            # open invoices wait for accounting to match them with the
            # credit, which is not collection's job. Nothing is recorded
            # (a record a day would pile up for as long as the credit is not
            # matched); the engine's facts show why (customer_balance), and
            # are read here rather than queried again.
            if self._owes_nothing(session, result):
                continue
            planned += self._plan_invoice(session, invoice, result)
        return planned

    @api.model
    def _owes_nothing(self, session, result):
        facts = result.facts if isinstance(result.facts, dict) else {}
        return self.env["collection.engine"]._owes_nothing(
            facts.get("customer_balance"), session.company
        )

    @api.model
    def _without_recorded(self, planned):
        """``planned`` without the actions already recorded (or planned twice)."""
        recorded = self.env["collection.action"]._recorded_keys(
            [values.get("dedup_key") for values in planned]
        )
        seen = set()
        kept = []
        for values in planned:
            key = values.get("dedup_key")
            if key and (key in recorded or key in seen):
                continue
            seen.add(key)
            kept.append(values)
        return kept

    @api.model
    def _left_alone_reason(self, invoice, company, today):
        """Why the run does not look at this open invoice today; empty when
        it does (it is one of :meth:`_candidates`)."""
        if invoice.collection_paused:
            return invoice.collection_pause_info or _("Reminders are paused.")
        horizon = self._horizon(company, today)
        due = invoice.invoice_date_due
        if due and due > horizon:
            # An invoice enters the window as many days before its due date
            # as the earliest courtesy reminder (the horizon is that far ahead).
            first_day = fields.Date.subtract(due, days=(horizon - today).days)
            return _(
                "Not in the collection yet: nothing can go out before %s.",
                format_date(self.env, first_day),
            )
        return ""

    @api.model
    def _plan_invoice(self, session, invoice, result):
        """The actions of one invoice: its reminder step, then what each
        kind's handler plans for the decisions it takes."""
        if result.error:
            return self._failure(
                session,
                invoice,
                message(
                    _lt("The rules could not be evaluated: %(error)s"),
                    error=result.error,
                ),
            )
        customer = invoice.commercial_partner_id
        company = session.company
        facts = result.facts if isinstance(result.facts, dict) else {}
        # Covered by an active payment plan: its reminders are the plan's
        # (see the module's docstring); the invoice reaches no level.
        in_plan = facts.get("payment_plan_status") in ACTIVE_PLAN_STATUSES
        level_decisions = [
            d
            for d in result.decisions
            if d.action == "set_reminder_level" and not in_plan
        ]
        level = invoice.collection_level_id
        level_decision = None
        if level_decisions:
            level_decision = max(level_decisions, key=lambda d: d.params["level"])
            number = level_decision.params["level"]
            scenario = session.scenario(customer)
            level = scenario._level_for_number(number) if scenario else level.browse()
            if not level:
                return self._failure(
                    session,
                    invoice,
                    message(
                        _lt(
                            "Level %(number)s does not exist in the scenario "
                            "%(scenario)s."
                        ),
                        number=number,
                        scenario=scenario.display_name or message(_lt("(no scenario)")),
                    ),
                    level_decision,
                )
        waits = bool(
            level.requires_approval
            or customer._collection_typology(company).requires_approval
        )
        planning = InvoicePlanning(
            session,
            invoice,
            result,
            level,
            level_decision,
            "proposed" if waits else "approved",
        )
        planned = []
        for handler in session.handlers.values():
            if in_plan and not handler._while_in_plan:
                continue
            decisions = [
                d for d in result.decisions if d.action in handler._engine_actions
            ]
            planned += handler._plan(decisions, planning)
        return planned

    @api.model
    def _failure(self, session, invoice, reason, decision=None):
        """A failed action that says why nothing could be planned.

        ``reason`` is a message as data (``failure_messages.message``): it is
        kept as such and worded in the reader's language when shown.

        Keyed by what went wrong: the next runs find this failure and do not
        record it again while it waits for someone (see ``collection.action.
        _recorded_keys``); once the cause is fixed, the real action has
        another key, and a new problem another reason.
        """
        Action = self.env["collection.action"]
        values = {
            "company_id": session.company.id,
            "invoice_id": invoice.id,
            "partner_id": invoice.commercial_partner_id.id,
            "date": session.today,
            "kind": "reminder",
            "channel": "none",
            "state": "failed",
            "failure_reason": render(self.env, reason),
            "failure_data": reason,
            "dedup_key": Action._dedup_key(
                invoice,
                "reminder",
                "none",
                self.env["collection.level"],
                "failure-"
                + self.env["collection.action.kind"]._digest(
                    json.dumps(reason, sort_keys=True)
                ),
            ),
        }
        if decision:
            values.update(
                rule_set=decision.rule_set,
                rule=decision.rule,
                rule_id=session.rule_id(decision),
                explanation_data=session.explain(decision.explanation),
            )
        return [values]

    @api.model
    def _template(self, reference):
        """A template named by a rule: an XML id, else a template name."""
        if not reference:
            return None
        record = (
            self.env.ref(reference, raise_if_not_found=False)
            if "." in reference
            else None
        )
        if record is not None and record._name in ("mail.template", "sms.template"):
            return record
        return (
            self.env["mail.template"].search([("name", "=", reference)], limit=1)
            or None
        )

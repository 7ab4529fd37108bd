"""The rule actions: what a triggered rule decides for an invoice.

Each action is a method of :class:`CollectionActions` declared with
business-rules' ``rule_action`` decorator; its parameters carry their field
type plus what the editor and the validator need (choices, bounds, whether
an integer is expected). A parameter without a default value in the method's
signature is required.

The engine never performs side effects: calling an action only records a
:class:`Decision`. The Odoo side reads the decisions and acts (mail, SMS,
letter, activity, escalation...). This recorder is also what
business-rules' ``run_all`` calls, which lets the tests compare both
evaluators decision by decision.
"""

from business_rules.actions import BaseActions, rule_action
from business_rules.fields import FIELD_NUMERIC, FIELD_SELECT, FIELD_TEXT

from . import concepts

REMINDER_CHANNELS = concepts.options(concepts.REMINDER_CHANNELS)
ESCALATION_STAGES = [
    {"name": "formal_notice", "label": "Formal notice"},
    {"name": "small_claims", "label": "Simplified small-claims procedure"},
    {"name": "injunction", "label": "Injunction to pay"},
    {"name": "agency", "label": "Collection agency"},
    {"name": "write_off", "label": "Write-off"},
]


def param(name, label, field_type, **constraints):
    """Describe one action parameter (business-rules' list form, extended)."""
    return dict(name=name, label=label, fieldType=field_type, **constraints)


class Decision:
    """One action decided for one invoice, with the rule that decided it.

    ``explanation`` is shared with the :class:`~.evaluation.TriggeredRule`
    that produced the decision (``None`` when recorded by business-rules).
    """

    __slots__ = ("action", "params", "rule_set", "rule", "explanation")

    def __init__(self, action, params, rule_set=None, rule=None, explanation=None):
        self.action = action
        self.params = params
        self.rule_set = rule_set
        self.rule = rule
        self.explanation = explanation

    def key(self):
        """What was decided, without who decided it: ``(action, params)``."""
        return self.action, tuple(sorted(self.params.items()))

    def as_dict(self):
        return {
            "action": self.action,
            "params": dict(self.params),
            "rule_set": self.rule_set,
            "rule": self.rule,
            "explanation": self.explanation.as_dict() if self.explanation else None,
        }

    def __repr__(self):
        return f"Decision({self.action!r}, {self.params!r}, rule={self.rule!r})"


class CollectionActions(BaseActions):
    """Records the actions business-rules calls; never acts by itself.

    >>> actions = CollectionActions()
    >>> actions.set_reminder_level(level=2)
    >>> actions.send_reminder(channel="sms")
    >>> actions.decisions  # doctest: +NORMALIZE_WHITESPACE
    [Decision('set_reminder_level', {'level': 2}, rule=None),
     Decision('send_reminder', {'channel': 'sms', 'template': ''}, rule=None)]
    >>> actions.decisions[1].key()
    ('send_reminder', (('channel', 'sms'), ('template', '')))
    """

    def __init__(self):
        self.decisions = []

    def _record(self, action, **params):
        self.decisions.append(Decision(action, params))

    @rule_action(
        label="Set the reminder level",
        params=[param("level", "Level", FIELD_NUMERIC, integer=True, min=0)],
    )
    def set_reminder_level(self, level):
        self._record("set_reminder_level", level=level)

    @rule_action(
        label="Send a reminder",
        params=[
            param("channel", "Channel", FIELD_SELECT, options=REMINDER_CHANNELS),
            param(
                "template",
                "Template",
                FIELD_TEXT,
                help="Reference of the template; empty: the level's template.",
            ),
        ],
    )
    def send_reminder(self, channel, template=""):
        self._record("send_reminder", channel=channel, template=template)

    @rule_action(
        label="Schedule a call",
        params=[
            param("within_days", "Within (days)", FIELD_NUMERIC, integer=True, min=0),
            param("note", "Note for the caller", FIELD_TEXT),
        ],
    )
    def schedule_call(self, within_days, note=""):
        self._record("schedule_call", within_days=within_days, note=note)

    @rule_action(
        label="Pause reminders",
        params=[
            param("days", "Days", FIELD_NUMERIC, integer=True, min=1, max=366),
            param("reason", "Reason", FIELD_TEXT, required_text=True),
        ],
    )
    def pause_reminders(self, days, reason):
        self._record("pause_reminders", days=days, reason=reason)

    @rule_action(
        label="Offer a payment plan",
        params=[
            param(
                "max_installments",
                "Maximum installments",
                FIELD_NUMERIC,
                integer=True,
                min=2,
                help="At most the maximum set in the company's settings.",
            )
        ],
    )
    def offer_payment_plan(self, max_installments):
        self._record("offer_payment_plan", max_installments=max_installments)

    @rule_action(
        label="Escalate",
        params=[param("stage", "Stage", FIELD_SELECT, options=ESCALATION_STAGES)],
    )
    def escalate(self, stage):
        self._record("escalate", stage=stage)

    @rule_action(
        label="Notify the person responsible",
        params=[param("message", "Message", FIELD_TEXT, required_text=True)],
    )
    def notify_responsible(self, message):
        self._record("notify_responsible", message=message)

    @rule_action(label="Group into the next statement of account", params=[])
    def group_in_statement(self):
        self._record("group_in_statement")

"""The rule actions: what a triggered rule decides for an invoice.

Each action is a method of :class:`CollectionActions` declared with
business-rules' ``rule_action`` decorator; its parameters carry their field
type plus what the editor and the validator need (choices, bounds, whether
an integer is expected). A parameter without a default value in the method's
signature is required.

Labels and help texts are English, marked with the engine's
:func:`~.errors._lt` where they are declared, so that Odoo's translation
export finds them; :mod:`.wording` puts them into a language.

The engine never performs side effects: calling an action only records a
:class:`Decision`. The Odoo side reads the decisions and acts (mail, SMS,
letter, activity, escalation...). This recorder is also what
business-rules' ``run_all`` calls, which lets the tests compare both
evaluators decision by decision.
"""

from business_rules.actions import BaseActions, rule_action
from business_rules.fields import FIELD_NUMERIC, FIELD_SELECT, FIELD_TEXT

from . import concepts
from .errors import _lt

REMINDER_CHANNELS = concepts.options(concepts.REMINDER_CHANNELS)
ESCALATION_STAGES = [
    {"name": "formal_notice", "label": _lt("Formal notice")},
    {"name": "small_claims", "label": _lt("Simplified small-claims procedure")},
    {"name": "injunction", "label": _lt("Injunction to pay")},
    {"name": "agency", "label": _lt("Collection agency")},
    {"name": "write_off", "label": _lt("Write-off")},
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
        label=_lt("Set the reminder level"),
        params=[param("level", _lt("Level"), FIELD_NUMERIC, integer=True, min=0)],
    )
    def set_reminder_level(self, level):
        self._record("set_reminder_level", level=level)

    @rule_action(
        label=_lt("Send a reminder"),
        params=[
            param("channel", _lt("Channel"), FIELD_SELECT, options=REMINDER_CHANNELS),
            param(
                "template",
                _lt("Template"),
                FIELD_TEXT,
                help=_lt("Reference of the template; empty: the level's template."),
            ),
        ],
    )
    def send_reminder(self, channel, template=""):
        self._record("send_reminder", channel=channel, template=template)

    @rule_action(
        label=_lt("Schedule a call"),
        params=[
            param(
                "within_days", _lt("Within (days)"), FIELD_NUMERIC, integer=True, min=0
            ),
            param("note", _lt("Note for the caller"), FIELD_TEXT),
        ],
    )
    def schedule_call(self, within_days, note=""):
        self._record("schedule_call", within_days=within_days, note=note)

    @rule_action(
        label=_lt("Pause reminders"),
        params=[
            param("days", _lt("Days"), FIELD_NUMERIC, integer=True, min=1, max=366),
            param("reason", _lt("Reason"), FIELD_TEXT, required_text=True),
        ],
    )
    def pause_reminders(self, days, reason):
        self._record("pause_reminders", days=days, reason=reason)

    @rule_action(
        label=_lt("Offer a payment plan"),
        params=[
            param(
                "max_installments",
                _lt("Maximum installments"),
                FIELD_NUMERIC,
                integer=True,
                min=2,
                help=_lt("At most the maximum set in the company's settings."),
            )
        ],
    )
    def offer_payment_plan(self, max_installments):
        self._record("offer_payment_plan", max_installments=max_installments)

    @rule_action(label=_lt("Remind the payment plan's installments"), params=[])
    def remind_installments(self):
        """On an invoice covered by an active payment plan: each installment
        of the plan is reminded through the levels of the customer's
        scenario, counted from the installment's date (a courtesy reminder
        before it, reminders after it), on the levels' channels."""
        self._record("remind_installments")

    @rule_action(
        label=_lt("Escalate"),
        params=[param("stage", _lt("Stage"), FIELD_SELECT, options=ESCALATION_STAGES)],
    )
    def escalate(self, stage):
        self._record("escalate", stage=stage)

    @rule_action(
        label=_lt("Invoice late-payment charges"),
        params=[],
    )
    def charge_late_fees(self):
        """Late interest and the recovery indemnity, by the customer's legal
        profile, invoiced to a business customer (never to a consumer)."""
        self._record("charge_late_fees")

    @rule_action(
        label=_lt("Notify the person responsible"),
        params=[
            param(
                "message",
                _lt("Message (the rule's name when empty)"),
                FIELD_TEXT,
                required_text=True,
            )
        ],
    )
    def notify_responsible(self, message=""):
        self._record("notify_responsible", message=message)

    @rule_action(label=_lt("Group into the next statement of account"), params=[])
    def group_in_statement(self):
        self._record("group_in_statement")

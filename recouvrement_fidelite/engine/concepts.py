"""The addon's shared concepts: channels, tones, customer types and dispute
states, once.

Each concept is a tuple of ``(code, label)`` pairs, declared here and
imported everywhere else: the engine's variables and actions (as
business-rules options, with :func:`options`) and the Odoo models (as
selections, ``list(CHANNELS)``). The labels are English and marked with the
engine's :func:`~.errors._lt`, so that Odoo's translation export finds them;
an Odoo selection translates them through its field's selection terms.

The subsets some places need are derived here, by name, so that a channel
added to :data:`CHANNELS` reaches every place that should offer it:

>>> codes(REMINDER_CHANNELS)
('email', 'sms', 'letter', 'portal')
>>> codes(ACTION_CHANNELS)[-1]
'none'
>>> options(DISPUTE_STATES)[0]
{'name': 'none', 'label': 'No dispute'}
"""

from .errors import _lt

#: Every way of reaching a customer.
CHANNELS = (
    ("email", _lt("Email")),
    ("sms", _lt("SMS")),
    ("letter", _lt("Letter")),
    ("phone", _lt("Phone call")),
    ("portal", _lt("Portal message")),
)
#: The channel a customer asks to be contacted on.
PREFERRED_CHANNELS = CHANNELS
#: Channels a reminder message leaves on: a call is an activity planned for
#: the person responsible, not a message the rules or a campaign can send.
REMINDER_CHANNELS = tuple(channel for channel in CHANNELS if channel[0] != "phone")
#: Where a reminder goes when its own channel cannot reach the customer.
FALLBACK_CHANNELS = REMINDER_CHANNELS
#: Channels an ad-hoc campaign sends its reminders on.
CAMPAIGN_CHANNELS = REMINDER_CHANNELS
#: Channels of a collection action, plus "none" for actions that send nothing
#: (pause, payment plan, escalation...).
ACTION_CHANNELS = CHANNELS + (("none", _lt("None")),)

#: The wording of a reminder letter, from the softest to the strictest.
TONES = (
    ("courteous", _lt("Courteous")),
    ("neutral", _lt("Neutral")),
    ("firm", _lt("Firm")),
    ("formal", _lt("Formal")),
)

#: Whom the law sees in a customer: a business or a consumer.
CUSTOMER_TYPES = (
    ("b2b", _lt("Business (B2B)")),
    ("b2c", _lt("Consumer (B2C)")),
)

#: Where a dispute on an invoice stands.
DISPUTE_STATES = (
    ("none", _lt("No dispute")),
    ("open", _lt("Open")),
    ("under_review", _lt("Under review")),
    ("resolved", _lt("Resolved")),
    ("rejected", _lt("Rejected")),
)


def codes(concept):
    """The codes of a concept, in their order."""
    return tuple(code for code, _label in concept)


def options(concept):
    """A concept as business-rules select options (``name`` and ``label``)."""
    return [{"name": code, "label": label} for code, label in concept]

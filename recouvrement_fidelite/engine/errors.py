"""The engine's errors, and how its messages reach the user's language.

Everything the engine refuses is reported with a subclass of
:class:`EngineError`, never with an ``AssertionError``, ``KeyError`` or
``TypeError`` escaping from business-rules, so that callers (the Odoo models,
the rule editor, the collection run) catch one type and show its message.

Messages meant for people (validation problems, phone number reasons) are
English *templates* with named parameters, declared with :func:`_lt`. The
engine formats them in English; Odoo translates the template and formats it
with the same parameters (``env._(problem.template, **problem.params)``).
"""


def _lt(template):
    """Mark an engine message for translation; returns it unchanged.

    The engine imports nothing from Odoo, yet its messages must reach the
    addon's ``i18n/fr.po``: Odoo's translation export takes the first
    argument of every call to a function named ``_lt`` (or ``_``) in the
    addon's Python files, this package included. Parameters are named
    (``%(value)s``); a literal percent sign is written ``%%``.
    """
    return template


def format_message(template, params):
    """A template formatted with its parameters (none: the template as is)."""
    return template % params if params else template


class EngineError(ValueError):
    """Base class of every error the engine raises on purpose."""


class Problem:
    """One thing wrong in a rule set: where it is and what was expected.

    ``rule`` is the rule's name (``None`` for the rule set itself), ``path``
    the dotted path to the bad element inside the rule set, for example
    ``rules[2].conditions.all[0].operator``. ``template`` and ``params`` are
    the message before formatting (see :func:`_lt`); ``message`` is the
    English text.

    >>> problem = Problem(
    ...     "Firm reminder",
    ...     "rules[0].conditions.value",
    ...     _lt("expected a number, got %(value)s"),
    ...     {"value": "'ten'"},
    ... )
    >>> problem.message
    "expected a number, got 'ten'"
    >>> print(problem)
    rule 'Firm reminder', rules[0].conditions.value: expected a number, got 'ten'
    """

    __slots__ = ("rule", "path", "template", "params")

    def __init__(self, rule, path, template, params=None):
        self.rule = rule
        self.path = path
        self.template = template
        self.params = dict(params or {})

    @property
    def message(self):
        return format_message(self.template, self.params)

    def __str__(self):
        where = f"rule {self.rule!r}, " if self.rule else ""
        return f"{where}{self.path}: {self.message}"

    def __repr__(self):
        return f"Problem({self.rule!r}, {self.path!r}, {self.message!r})"


class RuleValidationError(EngineError):
    """A rule set that cannot be used, with every problem found in it."""

    def __init__(self, rule_set_name, problems):
        self.rule_set_name = rule_set_name
        self.problems = list(problems)
        head = (
            f"Rule set {rule_set_name!r} is invalid"
            if rule_set_name
            else ("The rule set is invalid")
        )
        lines = [f"{head}:"] + [f"- {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


class FactError(EngineError):
    """A fact of one invoice has a value its variable cannot use."""


class ConditionError(EngineError):
    """A condition could not be tested on one invoice's value (see
    :data:`~.evaluation.REGEX_TIMEOUT`): that invoice only is in error."""

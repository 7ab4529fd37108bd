"""The engine's errors.

Everything the engine refuses is reported with a subclass of
:class:`EngineError`, never with an ``AssertionError``, ``KeyError`` or
``TypeError`` escaping from business-rules, so that callers (the Odoo models,
the rule editor, the collection run) catch one type and show its message.
"""


class EngineError(ValueError):
    """Base class of every error the engine raises on purpose."""


class Problem:
    """One thing wrong in a rule set: where it is and what was expected.

    ``rule`` is the rule's name (``None`` for the rule set itself), ``path``
    the dotted path to the bad element inside the rule set, for example
    ``rules[2].conditions.all[0].operator``.
    """

    __slots__ = ("rule", "path", "message")

    def __init__(self, rule, path, message):
        self.rule = rule
        self.path = path
        self.message = message

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

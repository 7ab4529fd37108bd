# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The engine's words in the user's language: Odoo's side.

The engine imports nothing from Odoo. Its texts (catalogue labels, help
texts, choices, operator names and symbols, validation messages) are
English, marked for translation with the engine's own ``_lt`` where they are
declared, and Odoo's translation export finds them there (the engine lives
in the addon's folder). The engine words its results once, in
``engine/wording.py``, through a ``translate`` callable. This module only
provides what is Odoo's:

- :func:`translator`: the addon's translations in an environment's language;
- :func:`translated_catalogue` (for the rule editor) and
  :class:`CatalogueWords` (explanations, decisions, conditions, values):
  the engine's wording with that translator;
- :func:`validation_message`, :func:`problem_text` and
  :func:`phone_reason_text`: the engine's messages (templates with
  parameters, see ``engine/errors.py``) translated and formatted.
"""

from ..engine import wording


def translator(env):
    """The translation of an engine text in ``env``'s language.

    Texts the addon does not translate (typology names, which come from
    Odoo already translated) are returned as they are.
    """

    def translate(text):
        if not isinstance(text, str) or not text:
            return text
        # ``env._`` finds the module's translations from its caller: this
        # module, which belongs to the addon (the engine cannot call it).
        return env._(text)

    return translate


def translated_catalogue(env, data):
    """A copy of a catalogue export with its texts in ``env``'s language."""
    return wording.translated_catalogue(data, translator(env))


class CatalogueWords(wording.Wording):
    """Words engine results in ``env``'s language with a catalogue export.

    The engine's :class:`~..engine.wording.Wording` with the addon's
    translations: ``explanation_text``, ``decision_text``, ``action_text``,
    ``condition_text``, ``check_text``, ``show``; ``variables`` and
    ``actions`` hold the translated catalogue.
    """

    def __init__(self, env, data):
        self.env = env
        super().__init__(data, translator(env))


def problem_text(env, problem):
    """An engine ``Problem`` in ``env``'s language.

    The engine declares its messages as templates marked with its own
    ``_lt`` (so the translation export finds them in ``engine/``); they are
    translated here and formatted with the problem's parameters.
    """
    return _translate_template(env, problem.template, problem.params)


def phone_reason_text(env, check):
    """Why a phone number is not valid (an engine ``PhoneCheck``), translated."""
    return _translate_template(env, check.reason_template, check.reason_params)


def _translate_template(env, template, params):
    if not template:
        return ""
    # ``env._`` finds the module's translations from its caller: this module.
    return env._(template, **params) if params else env._(template)


def validation_message(env, heading, error, strip_path=""):
    """A ``RuleValidationError`` under a translated heading, one problem a line.

    Each problem says where (the rule and the path to the bad element, as
    the engine gives them) and what is wrong, in ``env``'s language;
    ``strip_path`` removes a prefix that the heading already says
    (``rules[0].`` when a single rule is checked).
    """
    lines = [heading]
    for problem in error.problems:
        path = problem.path
        if strip_path and path.startswith(strip_path):
            path = path[len(strip_path) :]
        where = f"{problem.rule!r}, {path}" if problem.rule and not strip_path else path
        lines.append(f"- {where}: {problem_text(env, problem)}")
    return "\n".join(lines)

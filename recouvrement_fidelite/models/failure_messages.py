# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Why an action failed, stored as data and worded in the reader's language.

A failure raised as :class:`CollectionFailure` carries its English template
(marked for translation with ``_lt`` where it is written) and its
parameters; the action keeps them (``failure_data``) beside the text in the
language of the run (``failure_reason``, for notices and searches), and
shows them in the language of whoever reads them (:func:`render`).

A parameter is a plain value, another message (``{"template", "params"}``)
or a choice of a selection field (``{"selection": [model, field, value]}``),
so that every part of the sentence follows the reader's language.
"""

from odoo.exceptions import UserError


def message(template, **params):
    """A message as data: ``template`` is a lazy translation (``_lt``)."""
    return {"template": template._source, "params": params}


def selection(model, field, value):
    """A choice of a selection field, worded with the field's label."""
    return {"selection": [model, field, value]}


def render(env, data):
    """``data`` (see :func:`message`) in ``env``'s language."""
    if isinstance(data, dict) and "template" in data:
        params = {name: render(env, value) for name, value in data["params"].items()}
        source = data["template"]
        # ``env._`` finds this module's translations from its caller.
        return env._(source, **params) if params else env._(source)
    if isinstance(data, dict) and "selection" in data:
        model, field, value = data["selection"]
        labels = dict(env[model]._fields[field]._description_selection(env))
        return labels.get(value, value)
    return data


class CollectionFailure(UserError):
    """A failure of a collection action whose reason is kept as data."""

    def __init__(self, env, data):
        self.data = data
        super().__init__(render(env, data))

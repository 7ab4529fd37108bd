# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Why an action failed, stored as data and worded in the reader's language.

A failure raised as :class:`CollectionFailure` carries its English template
(marked for translation with ``_lt`` where it is written) and its
parameters; the action keeps them (``failure_data``) beside the text in the
language of the run (``failure_reason``, for notices and searches), and
shows them in the language of whoever reads them (:func:`render`).

A parameter is a plain value, another message (``{"template", "params"}``),
a choice of a selection field (``{"selection": [model, field, value]}``), a
date (``{"date": iso}``), a field of records read when shown (``{"records":
[model, ids, field]}``), a sentence (``{"sentence": data}``: capitalised, with
a full stop) or a list of any of these (worded one after the other), so that
every part of the text follows the reader's language.
"""

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import format_date


def message(template, **params):
    """A message as data: ``template`` is a lazy translation (``_lt``)."""
    return {"template": template._source, "params": params}


def selection(model, field, value):
    """A choice of a selection field, worded with the field's label."""
    return {"selection": [model, field, value]}


def date(value):
    """A date, worded in the reader's date format."""
    return {"date": fields.Date.to_string(value)}


def records_field(records, field):
    """What ``field`` of ``records`` says when shown (each distinct text once),
    e.g. why invoices are paused, in the reader's language."""
    return {"records": [records._name, records.ids, field]}


def sentence(data):
    """``data`` as a sentence: first letter capitalised, a full stop at the end."""
    return {"sentence": data}


def render(env, data):
    """``data`` (see :func:`message`) in ``env``'s language."""
    if isinstance(data, list):
        return " ".join(text for text in (render(env, item) for item in data) if text)
    if isinstance(data, dict) and "date" in data:
        return format_date(env, data["date"])
    if isinstance(data, dict) and "records" in data:
        model, ids, field = data["records"]
        texts = env[model].browse(ids).exists().mapped(field)
        return " ".join(dict.fromkeys(text for text in texts if text))
    if isinstance(data, dict) and "sentence" in data:
        text = render(env, data["sentence"])
        return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
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

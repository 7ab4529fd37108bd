"""The catalogue: every variable, operator and action a rule may use.

:class:`Catalogue` assembles what business-rules' ``export_rule_data`` says
about :class:`~.variables.InvoiceFacts` and
:class:`~.actions.CollectionActions`, and completes it with what the rule
editor and the validator need:

- the operators of each variable type, including the ones this engine adds
  (``export_rule_data`` only sees business-rules' own types), each with its
  label marked for translation and a ``symbol`` used in explanations;
- for variables, a ``help`` text; for action parameters, ``required`` (no
  default value in the action's signature), and the choices and bounds
  declared on the action;
- choices known only at run time: the Odoo side passes its typology codes or
  escalation stages as ``options``, keyed ``"<variable>"`` or
  ``"<action>.<parameter>"``; they replace the declared choices;
- bounds that are policy, not logic (the most installments of a payment
  plan): the Odoo side passes them from the company's settings as
  ``bounds``, keyed ``"<action>.<parameter>"``, e.g. ``{"max": 24}``; they
  replace or complete the declared ``min`` and ``max``.

>>> catalogue = Catalogue(bounds={"offer_payment_plan.max_installments": {"max": 12}})
>>> [p["max"] for p in catalogue.actions["offer_payment_plan"]["params"]]
[12]
>>> [p.get("max") for p in Catalogue().actions["offer_payment_plan"]["params"]]
[None]

Export format (JSON-ready, business-rules' format plus the keys above)::

    {"variables": [{"name", "label", "field_type", "options", "help",
                    "value_labels": [{"value", "label"}]}],
     "actions": [{"name", "label", "params": [{"name", "label", "fieldType",
                  "options", "required", ...}]}],
     "variable_type_operators": {"numeric": [{"name", "label", "input_type",
                                              "symbol"}], ...}}
"""

import inspect

from business_rules.utils import export_rule_data

from .actions import CollectionActions
from .operators import OPERATOR_LABELS, OPERATOR_SYMBOLS, OPERATOR_TYPES
from .variables import InvoiceFacts
from .wording import option_label


def _required_params(method):
    signature = inspect.signature(method)
    return {
        name
        for name, parameter in signature.parameters.items()
        if name != "self" and parameter.default is inspect.Parameter.empty
    }


class Catalogue:
    """What rules may use, as exported for the editor and used to validate."""

    def __init__(
        self,
        options=None,
        variables=InvoiceFacts,
        actions=CollectionActions,
        bounds=None,
    ):
        self.variables_class = variables
        self.actions_class = actions
        overrides = options or {}
        bounds = bounds or {}
        data = export_rule_data(variables, actions)
        for variable in data["variables"]:
            method = getattr(variables, variable["name"])
            variable["help"] = getattr(method, "help", "")
            variable["value_labels"] = [
                {"value": value, "label": label}
                for value, label in getattr(method, "value_labels", {}).items()
            ]
            variable["options"] = list(
                overrides.get(variable["name"], variable["options"]) or []
            )
        for action in data["actions"]:
            required = _required_params(getattr(actions, action["name"]))
            action["params"] = [dict(p) for p in action["params"] or []]
            for action_param in action["params"]:
                action_param["required"] = action_param["name"] in required
                key = f"{action['name']}.{action_param['name']}"
                if key in overrides:
                    action_param["options"] = list(overrides[key])
                for bound in ("min", "max"):
                    if (bounds.get(key) or {}).get(bound) is not None:
                        action_param[bound] = bounds[key][bound]
        data["variable_type_operators"] = {
            type_name: [
                dict(
                    operator,
                    label=OPERATOR_LABELS.get(operator["name"], operator["label"]),
                    symbol=OPERATOR_SYMBOLS.get(operator["name"], ""),
                )
                for operator in cls.get_all_operators()
            ]
            for type_name, cls in OPERATOR_TYPES.items()
        }
        self.data = data
        self.variables = {v["name"]: v for v in data["variables"]}
        self.actions = {a["name"]: a for a in data["actions"]}
        self.operators = {
            type_name: {op["name"]: op for op in operators}
            for type_name, operators in data["variable_type_operators"].items()
        }

    def export(self):
        """The catalogue as a JSON-ready dict for the rule editor.

        >>> data = DEFAULT_CATALOGUE.export()
        >>> sorted(data)
        ['actions', 'variable_type_operators', 'variables']
        >>> days = next(v for v in data["variables"] if v["name"] == "days_overdue")
        >>> days["label"], days["field_type"]
        ('Days overdue', 'numeric')
        >>> data["variable_type_operators"]["numeric"][0]
        {'name': 'equal_to', 'label': 'Equal To', 'input_type': 'numeric',
         'symbol': '='}

        Choices known only at run time replace the declared ones:

        >>> catalogue = Catalogue(
        ...     options={"customer_typology": [{"name": "vip", "label": "VIP"}]}
        ... )
        >>> catalogue.variables["customer_typology"]["options"]
        [{'name': 'vip', 'label': 'VIP'}]
        >>> [
        ...     (p["name"], p["required"])
        ...     for p in catalogue.actions["send_reminder"]["params"]
        ... ]
        [('channel', True), ('template', False)]
        """
        return self.data

    def option_label(self, options, value):
        """The label of a choice, or the value itself when it has none.

        Text choices are compared without regard to case:

        >>> options = [{"name": "vip", "label": "VIP"}, "other"]
        >>> DEFAULT_CATALOGUE.option_label(options, "Vip")
        'VIP'
        >>> DEFAULT_CATALOGUE.option_label(options, "unknown")
        'unknown'
        """
        label = option_label(options, value)
        return str(value if label is None else label)

    @staticmethod
    def option_names(options):
        return [o.get("name") if isinstance(o, dict) else o for o in options]


DEFAULT_CATALOGUE = Catalogue()

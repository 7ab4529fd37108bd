"""Operator types: business-rules' own, plus the operators users need.

business-rules gives each variable type a class whose methods decorated with
``type_operator`` are the operators of that type. The subclasses below keep
every original operator and add the ones credit controllers ask for and
business-rules lacks ("not equal to"). They keep the original type names
(``numeric``, ``string``...), so rules written for business-rules stay valid
and business-rules' own ``run_all`` can evaluate our rules: a variable
declared with one of these types hands business-rules an instance of it.

``OPERATOR_TYPES`` maps each type name to its class; the catalogue exports
the operators from there, because business-rules' ``export_rule_data`` only
looks at its own module, with their labels from ``OPERATOR_LABELS`` and their
symbols from ``OPERATOR_SYMBOLS`` (both marked for translation):

>>> OPERATOR_LABELS["greater_than_or_equal_to"], OPERATOR_SYMBOLS["is_contained_by"]
('Greater Than Or Equal To', 'is among')
"""

from business_rules import fields
from business_rules import operators as base

from .errors import _lt

#: What the rule editor calls each operator. business-rules names its own
#: operators after their method ("Greater Than Or Equal To"), in its own
#: package, where Odoo's translation export cannot see them: they are
#: declared again here, with the same English words, marked for translation.
OPERATOR_LABELS = {
    "equal_to": _lt("Equal To"),
    "not_equal_to": _lt("Not Equal To"),
    "greater_than": _lt("Greater Than"),
    "greater_than_or_equal_to": _lt("Greater Than Or Equal To"),
    "less_than": _lt("Less Than"),
    "less_than_or_equal_to": _lt("Less Than Or Equal To"),
    "equal_to_case_insensitive": _lt("Equal To (case insensitive)"),
    "starts_with": _lt("Starts With"),
    "ends_with": _lt("Ends With"),
    "contains": _lt("Contains"),
    "does_not_contain": _lt("Does Not Contain"),
    "matches_regex": _lt("Matches Regex"),
    "non_empty": _lt("Non Empty"),
    "is_true": _lt("Is True"),
    "is_false": _lt("Is False"),
    "contains_all": _lt("Contains All"),
    "is_contained_by": _lt("Is Contained By"),
    "shares_at_least_one_element_with": _lt("Shares At Least One Element With"),
    "shares_exactly_one_element_with": _lt("Shares Exactly One Element With"),
    "shares_no_elements_with": _lt("Shares No Elements With"),
}

#: Symbols used when a condition is explained in words ("days overdue 17 >= 15").
#: Mathematical signs are the same in every language; words are translated.
OPERATOR_SYMBOLS = {
    "equal_to": "=",
    "not_equal_to": "≠",
    "greater_than": ">",
    "greater_than_or_equal_to": ">=",
    "less_than": "<",
    "less_than_or_equal_to": "<=",
    "equal_to_case_insensitive": _lt("= (any case)"),
    "starts_with": _lt("starts with"),
    "ends_with": _lt("ends with"),
    "contains": _lt("contains"),
    "does_not_contain": _lt("does not contain"),
    "matches_regex": _lt("matches"),
    "non_empty": _lt("is not empty"),
    "is_true": _lt("is true"),
    "is_false": _lt("is false"),
    "contains_all": _lt("contains all of"),
    "is_contained_by": _lt("is among"),
    "shares_at_least_one_element_with": _lt("shares one of"),
    "shares_exactly_one_element_with": _lt("shares exactly one of"),
    "shares_no_elements_with": _lt("shares none of"),
}


@base.export_type
class NumericType(base.NumericType):
    @base.type_operator(fields.FIELD_NUMERIC, label=OPERATOR_LABELS["not_equal_to"])
    def not_equal_to(self, other_numeric):
        return abs(self.value - other_numeric) > self.EPSILON


@base.export_type
class StringType(base.StringType):
    @base.type_operator(fields.FIELD_TEXT, label=OPERATOR_LABELS["not_equal_to"])
    def not_equal_to(self, other_string):
        return self.value != other_string


@base.export_type
class BooleanType(base.BooleanType):
    pass


@base.export_type
class SelectType(base.SelectType):
    pass


@base.export_type
class SelectMultipleType(base.SelectMultipleType):
    pass


OPERATOR_TYPES = {
    cls.name: cls
    for cls in (NumericType, StringType, BooleanType, SelectType, SelectMultipleType)
}


def operators_of(type_name):
    """Return ``{operator name: input field type}`` for a variable type.

    >>> sorted(operators_of("numeric"))
    ['equal_to', 'greater_than', 'greater_than_or_equal_to', 'less_than',
     'less_than_or_equal_to', 'not_equal_to']
    >>> operators_of("boolean")
    {'is_false': 'none', 'is_true': 'none'}
    """
    return {
        operator["name"]: operator["input_type"]
        for operator in OPERATOR_TYPES[type_name].get_all_operators()
    }

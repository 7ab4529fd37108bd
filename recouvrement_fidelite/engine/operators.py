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
looks at its own module.
"""

from business_rules import fields
from business_rules import operators as base

#: Symbols used when a condition is explained in words ("days overdue 17 >= 15").
OPERATOR_SYMBOLS = {
    "equal_to": "=",
    "not_equal_to": "≠",
    "greater_than": ">",
    "greater_than_or_equal_to": ">=",
    "less_than": "<",
    "less_than_or_equal_to": "<=",
    "equal_to_case_insensitive": "= (any case)",
    "starts_with": "starts with",
    "ends_with": "ends with",
    "contains": "contains",
    "does_not_contain": "does not contain",
    "matches_regex": "matches",
    "non_empty": "is not empty",
    "is_true": "is true",
    "is_false": "is false",
    "contains_all": "contains all of",
    "is_contained_by": "is among",
    "shares_at_least_one_element_with": "shares one of",
    "shares_exactly_one_element_with": "shares exactly one of",
    "shares_no_elements_with": "shares none of",
}


@base.export_type
class NumericType(base.NumericType):
    @base.type_operator(fields.FIELD_NUMERIC, label="Not Equal To")
    def not_equal_to(self, other_numeric):
        return abs(self.value - other_numeric) > self.EPSILON


@base.export_type
class StringType(base.StringType):
    @base.type_operator(fields.FIELD_TEXT, label="Not Equal To")
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

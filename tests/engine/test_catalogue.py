"""The catalogue exported for the rule editor describes everything."""

import inspect
import json

from business_rules.utils import export_rule_data

from engine import (
    DEFAULT_CATALOGUE,
    Catalogue,
    CollectionActions,
    InvoiceFacts,
    RuleValidationError,
    concepts,
    validate_rule_set,
)

REQUIRED_VARIABLES = {
    "days_overdue",
    "residual_amount",
    "customer_overdue_amount",
    "customer_balance",
    "customer_unapplied_credit",
    "customer_open_invoice_count",
    "customer_overdue_invoice_count",
    "customer_typology",
    "customer_type",
    "dispute_status",
    "reminder_level",
    "reminders_sent",
    "days_since_last_reminder",
    "late_payment_ratio",
    "average_days_late",
    "has_valid_mobile",
    "has_email",
    "preferred_channel",
    "has_broken_promise",
    "has_pending_promise",
    "customer_has_pending_promise",
    "broken_promises",
    "promise_kept_ratio",
    "payment_plan_status",
    "last_feedback_reason",
    "days_since_last_feedback",
    "declared_difficulty",
    "portal_visit_since_last_reminder",
    "last_satisfaction_rating",
    "country",
}
REQUIRED_ACTIONS = {
    "set_reminder_level",
    "send_reminder",
    "schedule_call",
    "pause_reminders",
    "offer_payment_plan",
    "remind_installments",
    "escalate",
    "notify_responsible",
}


def test_business_rules_export_describes_every_variable_and_action():
    data = export_rule_data(InvoiceFacts, CollectionActions)
    assert REQUIRED_VARIABLES <= {v["name"] for v in data["variables"]}
    assert REQUIRED_ACTIONS <= {a["name"] for a in data["actions"]}


def test_catalogue_completes_the_export_for_the_editor():
    data = DEFAULT_CATALOGUE.export()
    json.dumps(data)  # JSON-ready
    declared = {
        name
        for name, member in inspect.getmembers(InvoiceFacts)
        if getattr(member, "is_rule_variable", False)
    }
    assert {v["name"] for v in data["variables"]} == declared
    for variable in data["variables"]:
        assert (
            variable["label"]
            and variable["field_type"] in data["variable_type_operators"]
        )
        if variable["field_type"] in ("select", "select_multiple"):
            assert variable["options"], variable["name"]
    numeric = {op["name"]: op for op in data["variable_type_operators"]["numeric"]}
    string = {op["name"] for op in data["variable_type_operators"]["string"]}
    assert numeric["not_equal_to"]["symbol"] == "≠"
    assert "not_equal_to" in string
    send = next(a for a in data["actions"] if a["name"] == "send_reminder")
    params = {p["name"]: p for p in send["params"]}
    assert params["channel"]["required"] and not params["template"]["required"]
    assert {o["name"] for o in params["channel"]["options"]} == {
        "email",
        "sms",
        "letter",
        "portal",
    }


def test_the_catalogue_offers_the_channels_and_states_of_their_owner():
    """Channels and dispute states come from ``engine.concepts``, labels too."""
    data = DEFAULT_CATALOGUE.export()
    send = next(a for a in data["actions"] if a["name"] == "send_reminder")
    channel = next(p for p in send["params"] if p["name"] == "channel")
    assert channel["options"] == concepts.options(concepts.REMINDER_CHANNELS)
    variables = {v["name"]: v for v in data["variables"]}
    for name in ("preferred_channel", "reachable_channels"):
        assert variables[name]["options"] == concepts.options(concepts.CHANNELS)
    assert variables["dispute_status"]["options"] == concepts.options(
        concepts.DISPUTE_STATES
    )


def test_options_given_at_run_time_are_exported():
    catalogue = Catalogue(
        options={"customer_typology": [{"name": "vip", "label": "VIP"}]}
    )
    assert catalogue.variables["customer_typology"]["options"] == [
        {"name": "vip", "label": "VIP"}
    ]
    # The default catalogue is untouched.
    assert (
        DEFAULT_CATALOGUE.variables["customer_typology"]["options"][0]["name"]
        == "premium"
    )


def test_policy_bounds_come_from_the_caller():
    """The most installments of a plan is policy: Odoo passes it, the engine
    declares none and validates against what it is given."""

    def plan(installments):
        return {
            "name": "Plan",
            "rules": [
                {
                    "name": "Offer",
                    "conditions": {
                        "all": [
                            {
                                "name": "days_overdue",
                                "operator": "greater_than",
                                "value": 0,
                            }
                        ]
                    },
                    "actions": [
                        {
                            "name": "offer_payment_plan",
                            "params": {"max_installments": installments},
                        }
                    ],
                }
            ],
        }

    spec = DEFAULT_CATALOGUE.actions["offer_payment_plan"]["params"][0]
    assert spec.get("max") is None
    bounded = Catalogue(bounds={"offer_payment_plan.max_installments": {"max": 6}})
    validate_rule_set(plan(6), bounded)
    try:
        validate_rule_set(plan(7), bounded)
    except RuleValidationError as error:
        assert "at most 6" in str(error)
    else:
        raise AssertionError("7 installments accepted above a bound of 6")


def test_the_escalation_stage_offers_the_stages_of_the_escalate_action():
    """The customer's escalation stage is one of the stages ``escalate``
    moves a case to, or none: a rule can add an invoice to the case it sees."""
    from engine.actions import ESCALATION_STAGES

    data = DEFAULT_CATALOGUE.export()
    variables = {v["name"]: v for v in data["variables"]}
    stage = variables["customer_escalation_stage"]
    names = [option["name"] for option in stage["options"]]
    assert names == ["none"] + [s["name"] for s in ESCALATION_STAGES]
    escalate = next(a for a in data["actions"] if a["name"] == "escalate")
    offered = next(p for p in escalate["params"] if p["name"] == "stage")
    assert [o["name"] for o in offered["options"]] == names[1:]
    assert variables["days_in_escalation_stage"]["field_type"] == "numeric"
    facts = InvoiceFacts({"customer_escalation_stage": "formal_notice"})
    assert facts.customer_escalation_stage() == ["formal_notice"]
    assert facts.days_in_escalation_stage() == 9999

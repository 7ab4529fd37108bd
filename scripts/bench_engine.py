#!/usr/bin/env python3
"""Benchmark: the engine's evaluator against business-rules' run_all.

Builds a rule set of 20 realistic rules and 100,000 random invoices' facts,
checks that both evaluators take identical decisions, and prints facts per
second for each and their ratio. Usage: ``make bench`` or
``python scripts/bench_engine.py [--facts N]``.
"""

import argparse
import gc
import os
import random
import sys
import time

sys.path.insert(
    0, os.path.join(os.path.dirname(__file__), "..", "recouvrement_fidelite")
)

from business_rules import run_all  # noqa: E402

from engine import (  # noqa: E402
    CollectionActions,
    Evaluator,
    InvoiceFacts,
    validate_rule_set,
)


def leaf(name, operator, value=None):
    return {"name": name, "operator": operator, "value": value}


def rule(name, conditions, *actions):
    return {
        "name": name,
        "conditions": conditions,
        "actions": [{"name": a, "params": p} for a, p in actions],
    }


def twenty_rules():
    rules = [
        rule(
            "Disputed",
            {
                "any": [
                    leaf("dispute_status", "contains", "open"),
                    leaf("dispute_status", "contains", "under_review"),
                ]
            },
        ),
        rule(
            "Payment plan on schedule",
            {"all": [leaf("payment_plan_status", "contains", "active")]},
        ),
        rule(
            "Broken promise",
            {
                "all": [
                    leaf("has_broken_promise", "is_true"),
                    leaf("days_overdue", "greater_than", 0),
                ]
            },
            ("schedule_call", {"within_days": 1, "note": "Promise broken"}),
        ),
    ]
    for level, (days, typology) in enumerate(
        [
            (-5, "premium"),
            (10, "premium"),
            (25, "premium"),
            (45, "premium"),
            (-5, "standard"),
            (5, "standard"),
            (15, "standard"),
            (30, "standard"),
            (0, "late_payer"),
            (7, "late_payer"),
            (15, "late_payer"),
            (30, "late_payer"),
        ]
    ):
        rules.append(
            rule(
                f"{typology} after {days} days",
                {
                    "all": [
                        leaf("customer_typology", "contains", typology),
                        leaf("days_overdue", "greater_than_or_equal_to", days),
                        leaf("days_since_last_reminder", "greater_than_or_equal_to", 7),
                    ]
                },
                ("set_reminder_level", {"level": level % 4 + 1}),
                ("send_reminder", {"channel": "email"}),
            )
        )
    rules += [
        rule(
            "Small amounts grouped",
            {
                "all": [
                    leaf("residual_amount", "less_than", 50),
                    leaf("customer_overdue_amount", "less_than", 200),
                ]
            },
            ("group_in_statement", {}),
        ),
        rule(
            "SMS when mobile",
            {
                "all": [
                    leaf("has_valid_mobile", "is_true"),
                    leaf("preferred_channel", "contains", "sms"),
                    leaf("days_overdue", "greater_than", 3),
                ]
            },
            ("send_reminder", {"channel": "sms"}),
        ),
        rule(
            "No answer: formal notice",
            {
                "all": [
                    leaf("unanswered_calls", "greater_than_or_equal_to", 3),
                    leaf("days_overdue", "greater_than_or_equal_to", 45),
                    leaf("customer_type", "contains", "b2b"),
                ]
            },
            ("escalate", {"stage": "formal_notice"}),
        ),
        rule(
            "Foreign customer",
            {
                "all": [
                    leaf("country", "not_equal_to", "FR"),
                    leaf("late_payment_ratio", "greater_than", 50),
                ]
            },
            ("notify_responsible", {"message": "Foreign late payer"}),
        ),
        rule(
            "Large overdue",
            {
                "any": [
                    leaf("customer_overdue_amount", "greater_than", 10000),
                    leaf("average_days_late", "greater_than", 40),
                ]
            },
            ("offer_payment_plan", {"max_installments": 6}),
        ),
    ]
    assert len(rules) == 20
    return validate_rule_set(
        {
            "name": "Benchmark",
            "priority": 10,
            "stop_on_first_trigger": False,
            "rules": rules,
        }
    )


def random_facts(count, seed=42):
    rng = random.Random(seed)
    typologies = ["premium", "standard", "late_payer", "key_account", "at_risk"]
    facts = []
    for invoice_id in range(count):
        facts.append(
            {
                "invoice_id": invoice_id,
                "days_overdue": rng.randint(-10, 120),
                "residual_amount": round(rng.uniform(5, 20000), 2),
                "customer_overdue_amount": round(rng.uniform(0, 50000), 2),
                "customer_open_invoice_count": rng.randint(1, 30),
                "customer_overdue_invoice_count": rng.randint(0, 20),
                "customer_typology": rng.choice(typologies),
                "customer_type": rng.choice(["b2b", "b2c"]),
                "dispute_status": rng.choice(["none"] * 9 + ["open"]),
                "reminder_level": rng.randint(0, 4),
                "reminders_sent": rng.randint(0, 6),
                "days_since_last_reminder": rng.choice([None, rng.randint(0, 60)]),
                "late_payment_ratio": rng.uniform(0, 100),
                "average_days_late": rng.uniform(0, 60),
                "has_valid_mobile": rng.random() < 0.6,
                "has_email": rng.random() < 0.9,
                "preferred_channel": rng.choice(
                    ["email", "sms", "letter", "phone", False]
                ),
                "unanswered_calls": rng.randint(0, 5),
                "has_broken_promise": rng.random() < 0.1,
                "payment_plan_status": rng.choice(["none"] * 8 + ["active", "broken"]),
                "country": rng.choice(["FR"] * 8 + ["BE", "DE"]),
            }
        )
    return facts


def best_of(repeat, run):
    """The shortest time of ``repeat`` runs, and the last run's result."""
    best = float("inf")
    for _ in range(repeat):
        result = None
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each evaluator; the best counts"
    )
    args = parser.parse_args()
    rule_set = twenty_rules()
    facts = random_facts(args.facts)
    rules = rule_set.business_rules()

    def business_rules_run():
        # The evaluator turns the cycle collector off while it works; run_all
        # runs under the same conditions so that the ratio compares evaluators.
        gc.disable()
        try:
            decisions = []
            for fact in facts:
                recorder = CollectionActions()
                run_all(
                    rules, InvoiceFacts(fact), recorder, stop_on_first_trigger=False
                )
                decisions.append(recorder.decisions)
            return decisions
        finally:
            gc.enable()

    def engine_run():
        return Evaluator([rule_set]).evaluate_many(facts)

    run_all_seconds, reference = best_of(args.repeat, business_rules_run)
    engine_seconds, results = best_of(args.repeat, engine_run)
    reference = [[d.key() for d in decisions] for decisions in reference]

    start = time.perf_counter()
    texts = sum(len(d.explanation.text()) > 0 for r in results for d in r.decisions)
    explain_seconds = time.perf_counter() - start

    mismatches = sum(
        [d.key() for d in result.decisions] != expected
        for result, expected in zip(results, reference, strict=True)
    )
    decisions = sum(len(r.decisions) for r in results)
    print(f"rules: {len(rules)}, facts: {len(facts)}, decisions: {decisions}")
    print(
        f"business-rules run_all: {len(facts) / run_all_seconds:12,.0f} facts/s "
        f"({run_all_seconds:.2f} s)"
    )
    print(
        f"engine evaluate_many:   {len(facts) / engine_seconds:12,.0f} facts/s "
        f"({engine_seconds:.2f} s)"
    )
    print(
        f"explanation texts of all {texts:,} decisions: {explain_seconds:.2f} s "
        f"(worked out on demand; engine + texts: "
        f"{len(facts) / (engine_seconds + explain_seconds):,.0f} facts/s)"
    )
    print(f"ratio: {run_all_seconds / engine_seconds:.1f}x faster")
    print(f"identical decisions: {'yes' if not mismatches else f'NO ({mismatches})'}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Test data shared by the collection tests."""

from datetime import timedelta

from odoo import Command
from odoo.tests import new_test_user


class InvoiceMixin:
    """Posted customer invoices with a given amount and due date."""

    @classmethod
    def invoice(
        cls,
        partner,
        amount,
        due_date,
        invoice_date="2026-01-15",
        move_type="out_invoice",
        label="Service",
    ):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due_date,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": label,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [],
                        },
                    )
                ],
            }
        )
        move.action_post()
        return move

    # Days between an invoice of ``invoice_due_in`` and its due date's
    # reference day: old enough for the ages a test needs.
    invoice_issued_days_ago = 60
    invoice_label = "Service"

    @classmethod
    def invoice_due_in(
        cls, partner, amount, due_in, move_type="out_invoice", company=None
    ):
        """A posted invoice of ``company`` (the current one by default), due
        ``due_in`` days from ``cls.today`` (negative: overdue)."""
        company = company or cls.env.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "invoice_date": cls.today
                    - timedelta(days=cls.invoice_issued_days_ago),
                    "invoice_date_due": cls.today + timedelta(days=due_in),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": cls.invoice_label,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move


def give_default_configuration(env, company):
    """Give ``company`` what the module's default data gives the main company.

    The tests run in a company of their own, which the default data (noupdate,
    for the main company) knows nothing about: copies of the default
    scenarios with their levels, the Standard one as default, the shared
    typologies pointing to the copies as they point to the originals, and a
    copy of the default rule set. Returns ``{xml id of the original: copy}``
    for the scenarios, levels and rule set.
    """
    copies = {}
    # sudo: the defaults belong to the main company, which the test user
    # may not read.
    main = env.ref("base.main_company")
    for name in ("standard", "premium", "late_payer"):
        scenario = env.ref(f"recouvrement_fidelite.collection_scenario_{name}").sudo()
        scenario_copy = scenario.copy({"company_id": company.id, "name": scenario.name})
        copies[f"collection_scenario_{name}"] = scenario_copy
        for level in scenario.level_ids:
            copies[f"collection_level_{name}_{level.level_number}"] = level.copy(
                {"scenario_id": scenario_copy.id, "name": level.name}
            )
        for typology in scenario.typology_ids:
            typology.scenario_id = scenario_copy
    company.sudo().collection_default_scenario_id = copies[
        "collection_scenario_standard"
    ]
    rule_set = env.ref("recouvrement_fidelite.collection_rule_set_default").sudo()
    rule_set_copy = rule_set.copy({"company_id": company.id, "name": rule_set.name})
    for rule in rule_set.rule_ids:
        rule.copy({"rule_set_id": rule_set_copy.id, "name": rule.name})
    copies["collection_rule_set_default"] = rule_set_copy
    assert main.collection_default_scenario_id, "the main company keeps its own"
    return {xml_id: record.sudo(False) for xml_id, record in copies.items()}


def analysis(env, model, user, refresh=True):
    """The analysis ``model`` as ``user`` reads it, after what the test
    wrote: an analysis kept between refreshes is first refreshed by the
    user, as with the "Refresh the figures" button."""
    env.flush_all()
    report = env[model].with_user(user)
    if refresh and hasattr(report, "action_refresh"):
        report.action_refresh()
    report.invalidate_model()
    return report


def collection_user(env, login, company):
    """A credit controller (collection user) of ``company`` only."""
    return new_test_user(
        env,
        login=login,
        groups="base.group_user,recouvrement_fidelite.group_collection_user",
        company_id=company.id,
        company_ids=[Command.set(company.ids)],
    )

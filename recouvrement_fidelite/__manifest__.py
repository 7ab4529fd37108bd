# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
{
    "name": "Collection & Customer Loyalty",
    "summary": "Collect unpaid customer invoices without losing the customer: "
    "typologies, declarative reminder rules, disputes, portal feedback, "
    "payment plans and escalation",
    "version": "18.0.1.0.0",
    "category": "Accounting",
    "license": "LGPL-3",
    "author": "recouvrement_fidelite contributors",
    "depends": ["account", "account_payment", "portal", "mail", "sms"],
    "external_dependencies": {"python": ["business_rules", "phonenumbers"]},
    "data": [
        "security/recouvrement_fidelite_security.xml",
        "security/ir.model.access.csv",
        "views/collection_menus.xml",
    ],
    "demo": [],
    "installable": True,
    "application": True,
}

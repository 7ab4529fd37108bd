# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Test data shared by the collection tests."""


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

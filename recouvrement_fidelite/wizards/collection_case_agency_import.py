# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Importing what collection agencies collected, from their CSV report.

One line per amount: the case (our reference, ESC/…, or the agency's
reference of the file), the date, the amount and, optionally, the agency's
reference of the payment. Columns are found by their header, in English or
French (reference/référence, date, amount/montant, payment/paiement); the
separator is a comma or a semicolon; amounts may use a decimal comma and
dates may be written 2026-03-20 or 20/03/2026. A file with one bad line
imports nothing: every problem is listed with its line number.
"""

import base64
import csv
import io
from datetime import datetime

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..models.collection_case import LIVE_STATES

HEADERS = {
    "reference": ("reference", "référence", "reference dossier", "dossier", "case"),
    "date": ("date",),
    "amount": ("amount", "montant"),
    "payment": ("payment", "paiement", "payment reference", "référence paiement"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


class CollectionCaseAgencyImport(models.TransientModel):
    _name = "collection.case.agency.import"
    _description = "Import amounts collected by agencies"

    file = fields.Binary(string="CSV file", required=True)
    filename = fields.Char()
    agency_id = fields.Many2one(
        "res.partner",
        string="Agency",
        domain="[('collection_is_agency', '=', True)]",
        help="Only the files handed over to this agency; empty: any agency.",
    )

    def action_import(self):
        self.ensure_one()
        rows = self._rows()
        problems = []
        by_case = {}
        Case = self.env["collection.case"]
        for number, row in rows:
            reference = (row.get("reference") or "").strip()
            domain = [
                ("state", "in", LIVE_STATES),
                ("agency_state", "=", "transferred"),
                "|",
                ("name", "=", reference),
                ("agency_reference", "=", reference),
            ]
            if self.agency_id:
                domain.append(("agency_id", "=", self.agency_id.id))
            case = Case.search(domain, limit=2) if reference else Case
            if len(case) != 1:
                problems.append(
                    _(
                        "Line %(line)s: no file handed over to an agency has the "
                        "reference %(reference)s.",
                        line=number,
                        reference=reference or _("(empty)"),
                    )
                )
                continue
            day = self._date(row.get("date"))
            amount = self._amount(row.get("amount"))
            if not day:
                problems.append(
                    _(
                        "Line %(line)s: %(value)s is not a date (2026-03-20 or "
                        "20/03/2026).",
                        line=number,
                        value=row.get("date") or _("(empty)"),
                    )
                )
            if amount is None or amount <= 0:
                problems.append(
                    _(
                        "Line %(line)s: %(value)s is not a positive amount.",
                        line=number,
                        value=row.get("amount") or _("(empty)"),
                    )
                )
            if day and amount and amount > 0:
                by_case.setdefault(case, []).append(
                    {
                        "date": day,
                        "amount": amount,
                        "reference": (row.get("payment") or "").strip() or False,
                    }
                )
        if problems:
            raise UserError(
                _("Nothing was imported:\n%(problems)s", problems="\n".join(problems))
            )
        if not by_case:
            raise UserError(_("The file has no amount to import."))
        count = 0
        for case, values_list in by_case.items():
            count += len(case._agency_record(values_list))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Agency report imported"),
                "message": _(
                    "%(count)s amounts collected recorded on %(cases)s cases.",
                    count=count,
                    cases=len(by_case),
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _rows(self):
        """``[(line number, {column: value})]`` of the file."""
        try:
            text = base64.b64decode(self.file).decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError) as error:
            raise UserError(_("The file is not a CSV file in UTF-8.")) from error
        first = text.splitlines()[0] if text.strip() else ""
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        header = [cell.strip().lower() for cell in next(reader, [])]
        columns = {}
        for key, names in HEADERS.items():
            for index, name in enumerate(header):
                if name in names:
                    columns[key] = index
                    break
        missing = [key for key in ("reference", "date", "amount") if key not in columns]
        if missing:
            raise UserError(
                _(
                    "The file needs the columns reference, date and amount; "
                    "missing: %(missing)s.",
                    missing=", ".join(missing),
                )
            )
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            rows.append(
                (
                    number,
                    {
                        key: cells[index] if index < len(cells) else ""
                        for key, index in columns.items()
                    },
                )
            )
        return rows

    def _date(self, value):
        value = (value or "").strip()
        for pattern in DATE_FORMATS:
            try:
                return fields.Date.to_date(datetime.strptime(value, pattern).date())
            except ValueError:
                continue
        return None

    def _amount(self, value):
        value = (value or "").strip().replace("\xa0", "").replace(" ", "")
        if "," in value and "." in value:
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", ".")
        try:
            return float(value)
        except ValueError:
            return None

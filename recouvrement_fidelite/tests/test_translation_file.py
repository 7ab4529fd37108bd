# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The French translation file reads as Odoo reads it.

Merging branches that each append to ``fr.po`` has dropped entry headers:
Odoo's reader then fails on the whole file (no French at all in Python
messages), or an entry loses its ``odoo-python`` marker and silently stays
English. These checks fail on such a file, whatever test ran before.
"""

from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import PoFileReader

PO_FILE = Path(__file__).parents[1] / "i18n" / "fr.po"


@tagged("post_install", "-at_install")
class TestTranslationFile(TransactionCase):
    def test_odoo_reads_every_entry(self):
        entries = polib.pofile(str(PO_FILE))
        with PO_FILE.open("rb") as file:
            rows = list(PoFileReader(file))
        self.assertTrue(rows)
        self.assertFalse(
            [entry.msgid for entry in entries if "module:" not in entry.comment],
            "entries without their '#. module:' header",
        )

    def test_python_messages_are_marked_as_such(self):
        entries = polib.pofile(str(PO_FILE))
        unmarked = [
            entry.msgid
            for entry in entries
            if any(path.endswith(".py") for path, _line in entry.occurrences)
            and "odoo-python" not in entry.comment.split("\n")
        ]
        self.assertFalse(unmarked, "Python messages Odoo would not translate")

    def test_every_entry_is_translated(self):
        entries = polib.pofile(str(PO_FILE))
        self.assertFalse([entry.msgid for entry in entries.untranslated_entries()])
        self.assertFalse([entry.msgid for entry in entries.fuzzy_entries()])

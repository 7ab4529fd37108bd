# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import re

from odoo import _, api, models
from odoo.exceptions import ValidationError

#: What PostgreSQL cannot store in a text: NUL, and lone UTF-16 surrogates
#: (they have no UTF-8 form). Checked before a row is inserted, so that the
#: user gets a message instead of a database error.
UNSTORABLE_CHARACTER = re.compile("[\x00\ud800-\udfff]")


class CollectionStorableTextMixin(models.AbstractModel):
    """Refuse, with a message, texts the database would refuse.

    Rules and rule sets hold text typed or pasted by administrators (and
    raw JSON); a NUL character would otherwise surface as a database error.
    """

    _name = "collection.storable.text.mixin"
    _description = "Texts the database can store"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_storable_texts(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_storable_texts(vals)
        return super().write(vals)

    @api.model
    def _check_storable_texts(self, vals):
        for field_name, value in vals.items():
            bad = UNSTORABLE_CHARACTER.search(value) if isinstance(value, str) else None
            if not bad:
                continue
            field = self._fields.get(field_name)
            label = field.get_description(self.env)["string"] if field else field_name
            # Worded apart: the translation export reads the arguments of _().
            character = f"U+{ord(bad.group()):04X}"
            raise ValidationError(
                _(
                    "%(field)s: the text holds a character that cannot be "
                    "stored (%(character)s).",
                    field=label,
                    character=character,
                )
            )

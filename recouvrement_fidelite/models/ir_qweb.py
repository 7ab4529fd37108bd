# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A batch of reminders compiles each email template once.

Odoo compiles the body of a mail template again for every email it renders
(a template given as source has no cache of its own), which is most of the
time a run spends sending. While the run dispatches, the context holds a
dictionary (``collection_compiled_templates``, see ``collection.action.
_dispatch``) where each body is compiled once, for the options that shape
the compiled code, and reused for every email of the batch.
"""

from lxml import etree

from odoo import models

# What, besides ``_get_template_cache_keys``, changes the code QWeb generates.
COMPILE_OPTIONS = ("preserve_comments", "dev_mode")


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        compiled = self.env.context.get("collection_compiled_templates")
        if compiled is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        context = self.env.context
        key = (
            "compile",
            etree.tostring(template),
            tuple(
                context.get(option)
                for option in (*self._get_template_cache_keys(), *COMPILE_OPTIONS)
            ),
        )
        if key not in compiled:
            compiled[key] = super()._compile(template)
        return compiled[key]

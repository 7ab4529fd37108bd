# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A batch of reminders checks each email template's expressions once.

Before rendering a body, Odoo generates its code once more only to check
that it uses no expression a template editor may not write. The answer
depends on the body and the model alone: while the run dispatches, it is
kept for the batch with the compiled bodies (see ``ir_qweb``).
"""

from odoo import api, models


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _has_unsafe_expression_template_qweb(self, template_src, model):
        compiled = self.env.context.get("collection_compiled_templates")
        if compiled is None:
            return super()._has_unsafe_expression_template_qweb(template_src, model)
        key = ("unsafe", str(template_src), model)
        if key not in compiled:
            compiled[key] = super()._has_unsafe_expression_template_qweb(
                template_src, model
            )
        return compiled[key]

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Company settings of the customer feedback and the satisfaction survey.

What a customer may attach to their feedback (file types and size) and how
often they may be asked to rate the collection are the company's choices,
shown in Settings > Accounting > Collection: customer feedback.
"""

import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: Bounds of the numbers of these settings: outside them a value is a typing
#: mistake rather than a policy.
FEEDBACK_SETTING_BOUNDS = {
    "collection_feedback_attachment_max_mb": (1, 50),
    "collection_satisfaction_interval_days": (1, 3650),
}
#: File types a browser may run as a page (scripts): never accepted from a
#: customer, whatever the setting, since a credit controller opens them in
#: the back office. A guard, not a policy.
SCRIPTABLE_EXTENSIONS = frozenset(
    {"htm", "html", "xhtml", "shtml", "svg", "svgz", "xml", "xsl", "js", "mjs"}
)


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_feedback_attachment_types = fields.Char(
        string="File types customers may attach",
        default="pdf,jpg,jpeg,png",
        help="Extensions, separated by commas, of the files a customer may "
        "attach to their feedback on the collection page (a proof of payment, a "
        "delivery note, a photo). The content must match the extension. Empty: "
        "no attachment. Web pages and SVG images are never accepted.",
    )
    collection_feedback_attachment_max_mb = fields.Integer(
        string="Largest attachment (MB)",
        default=5,
        help="The largest file a customer may attach to their feedback.",
    )
    collection_satisfaction_enabled = fields.Boolean(
        string="Ask customers to rate the collection",
        default=True,
        help="Once a collection case ends (an invoice paid after a reminder, a "
        "dispute resolved, a payment plan completed), the customer gets an "
        "email asking them to rate, from 1 to 5, how the collection went.",
    )
    collection_satisfaction_interval_days = fields.Integer(
        string="Ask a customer at most every (days)",
        default=180,
        help="A customer asked to rate the collection is not asked again before "
        "this many days, whatever cases end in between: those are not asked "
        "about.",
    )
    collection_satisfaction_since = fields.Date(
        string="Rate cases ended since",
        default=fields.Date.today,
        help="Only cases ended on or after this date are asked about: the date "
        "the survey was switched on, so that customers are never asked about "
        "old cases.",
    )

    @api.model
    def _collection_feedback_extensions(self, text):
        """The extensions of a setting's text, lower case, without dots."""
        return [
            extension
            for extension in re.split(r"[\s,;]+", (text or "").lower())
            if extension.strip(".")
        ]

    def _collection_feedback_allowed_extensions(self):
        self.ensure_one()
        return {
            extension.strip(".")
            for extension in self._collection_feedback_extensions(
                self.collection_feedback_attachment_types
            )
        } - SCRIPTABLE_EXTENSIONS

    @api.constrains("collection_feedback_attachment_types")
    def _check_collection_feedback_attachment_types(self):
        for company in self:
            extensions = self._collection_feedback_extensions(
                company.collection_feedback_attachment_types
            )
            wrong = [
                extension
                for extension in extensions
                if not re.fullmatch(r"\.?[a-z0-9]{1,10}", extension)
            ]
            if wrong:
                raise ValidationError(
                    _(
                        "File types customers may attach: %(wrong)s is not a file "
                        "extension (write them like pdf,jpg,png).",
                        wrong=", ".join(wrong),
                    )
                )
            scriptable = sorted(
                {e.strip(".") for e in extensions} & SCRIPTABLE_EXTENSIONS
            )
            if scriptable:
                raise ValidationError(
                    _(
                        "File types customers may attach: %(types)s files can run "
                        "scripts when opened and are never accepted from customers.",
                        types=", ".join(scriptable),
                    )
                )

    @api.constrains(*FEEDBACK_SETTING_BOUNDS)
    def _check_collection_feedback_setting_bounds(self):
        for company in self:
            for name, (low, high) in FEEDBACK_SETTING_BOUNDS.items():
                if not low <= company[name] <= high:
                    raise ValidationError(
                        _(
                            "%(setting)s of %(company)s must be between %(low)s "
                            "and %(high)s, not %(value)s.",
                            setting=self._fields[name].get_description(self.env)[
                                "string"
                            ],
                            company=company.name,
                            low=low,
                            high=high,
                            value=company[name],
                        )
                    )

    def write(self, vals):
        # Switched on again: cases that ended while it was off are not asked
        # about.
        if vals.get("collection_satisfaction_enabled"):
            switched_on = self.filtered(lambda c: not c.collection_satisfaction_enabled)
            if switched_on and "collection_satisfaction_since" not in vals:
                super(ResCompany, switched_on).write(
                    {"collection_satisfaction_since": fields.Date.today()}
                )
        return super().write(vals)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.tests import TransactionCase, tagged

from ..engine import concepts


@tagged("post_install", "-at_install")
class TestConcepts(TransactionCase):
    """Every selection of a shared concept offers what its owner declares,
    with the owner's labels (``engine/concepts.py``)."""

    def assertSelectionIs(self, model, field, concept):
        selection = self.env[model]._fields[field].selection
        self.assertEqual(selection, list(concept), f"{model}.{field}")
        # What the database knows, as the translations are keyed on it.
        values = self.env["ir.model.fields.selection"].search(
            [("field_id.model", "=", model), ("field_id.name", "=", field)]
        )
        self.assertEqual(
            [(value.value, value.with_context(lang="en_US").name) for value in values],
            list(concept),
            f"{model}.{field}",
        )

    def test_channels(self):
        self.assertSelectionIs("collection.action", "channel", concepts.ACTION_CHANNELS)
        self.assertSelectionIs(
            "collection.run.wizard.line", "channel", concepts.ACTION_CHANNELS
        )
        self.assertSelectionIs(
            "collection.level", "fallback_channel", concepts.FALLBACK_CHANNELS
        )
        self.assertSelectionIs(
            "collection.campaign", "channel", concepts.CAMPAIGN_CHANNELS
        )
        self.assertSelectionIs(
            "res.partner", "collection_preferred_channel", concepts.PREFERRED_CHANNELS
        )

    def test_tones(self):
        self.assertSelectionIs("collection.level", "tone", concepts.TONES)
        self.assertSelectionIs("collection.campaign", "letter_tone", concepts.TONES)

    def test_dispute_states(self):
        self.assertSelectionIs(
            "account.move", "collection_dispute_state", concepts.DISPUTE_STATES
        )

    def test_the_preferred_portal_channel_is_translated(self):
        """The customer's portal channel took the label of the other channel
        fields: its French translation follows."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        labels = dict(
            self.env["res.partner"]
            .with_context(lang="fr_FR")
            ._fields["collection_preferred_channel"]
            ._description_selection(self.env(context={"lang": "fr_FR"}))
        )
        self.assertEqual(labels["portal"], "Message sur le portail")

from odoo.tests import HttpCase, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The module installs with its security groups and menus."""

    def test_module_installed(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "recouvrement_fidelite")]
        )
        self.assertEqual(module.state, "installed")

    def test_groups(self):
        user_group = self.env.ref("recouvrement_fidelite.group_collection_user")
        manager_group = self.env.ref("recouvrement_fidelite.group_collection_manager")
        self.assertIn(
            self.env.ref("account.group_account_invoice"), user_group.implied_ids
        )
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertEqual(
            manager_group.category_id,
            self.env.ref("recouvrement_fidelite.module_category_collection"),
        )

    def test_account_manager_gets_collection_manager(self):
        user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Accounting Admin",
                    "login": "accounting_admin_rf",
                    "groups_id": [
                        (6, 0, [self.env.ref("account.group_account_manager").id])
                    ],
                }
            )
        )
        self.assertTrue(
            user.has_group("recouvrement_fidelite.group_collection_manager")
        )
        self.assertTrue(user.has_group("recouvrement_fidelite.group_collection_user"))

    def test_invoicing_user_is_not_collection_user(self):
        user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Billing Clerk",
                    "login": "billing_clerk_rf",
                    "groups_id": [
                        (6, 0, [self.env.ref("account.group_account_invoice").id])
                    ],
                }
            )
        )
        self.assertFalse(user.has_group("recouvrement_fidelite.group_collection_user"))

    def test_menus(self):
        menu = self.env.ref("recouvrement_fidelite.collection_menu")
        config_menu = self.env.ref("recouvrement_fidelite.collection_config_menu")
        self.assertEqual(menu.parent_id, self.env.ref("account.menu_finance"))
        self.assertEqual(
            config_menu.parent_id, self.env.ref("account.menu_finance_configuration")
        )
        self.assertEqual(
            menu.groups_id, self.env.ref("recouvrement_fidelite.group_collection_user")
        )
        self.assertEqual(
            config_menu.groups_id,
            self.env.ref("recouvrement_fidelite.group_collection_manager"),
        )


@tagged("post_install", "-at_install")
class TestInstallHttp(HttpCase):
    """The web server of the test run answers (HttpCase tests need it)."""

    def test_login_page(self):
        response = self.url_open("/web/login")
        self.assertEqual(response.status_code, 200)

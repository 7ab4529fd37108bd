"""pytest configuration shared by the engine and Odoo suites.

pytest-odoo imports ``odoo.tests`` before Odoo's test mode is on, and Odoo 18
logs that import as an ERROR with a stack trace ("Importing test framework,
avoid importing from business modules..."). The import is the plugin's, not
this addon's (the module install run by scripts/run-tests would still report
it), so that one record is dropped to keep real errors visible.
"""

import logging


class _DropPluginTestImportError(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework, avoid")


logging.getLogger("odoo.tests.common").addFilter(_DropPluginTestImportError())

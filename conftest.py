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


import threading  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _odoo_testing_thread():
    """Flag the thread as testing, as Odoo's own test runner does.

    Odoo code (this addon's collection run included) checks
    ``threading.current_thread().testing`` to never commit inside a test;
    pytest-odoo does not set it for Odoo 18.
    """
    thread = threading.current_thread()
    previous = getattr(thread, "testing", False)
    thread.testing = True
    yield
    thread.testing = previous

"""scripts/run-tests without Odoo: skipped with the reason, or failed when an
Odoo 18 was asked for (a green run that tested nothing of the addon would lie)."""

import json
import os
import subprocess

import pytest
from fakes import ROOT, make_venv

REASON = (
    "the Odoo 18.0 source cannot be had from https://example.invalid/odoo.tar.gz"
    " (Name or service not known); set ODOO_SOURCE to a local copy"
)


def run_odoo_suite(tmp_path, asked):
    """scripts/run-tests odoo with a venv built without Odoo."""
    venv = tmp_path / "venv"
    make_venv(venv)
    (venv / "odoo-setup.json").write_text(
        json.dumps({"asked": asked, "odoo": {"state": "missing", "message": REASON}})
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "PYTEST"))}
    env["PYTHON"] = str(venv / "bin" / "python")
    return subprocess.run(
        [str(ROOT / "scripts" / "run-tests"), "odoo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("asked", [False, True], ids=["not-asked", "asked"])
def test_odoo_suite_without_odoo(tmp_path, asked):
    result = run_odoo_suite(tmp_path, asked)

    lines = result.stdout.splitlines()
    summary = lines[lines.index("== summary ==") + 1 :]
    if asked:
        assert result.returncode == 1
        assert summary[0] == (
            "odoo suite:   FAILED — an Odoo 18 was asked for (ODOO_PYTHON or"
            f" ODOO_SOURCE), but {REASON}"
        )
    else:
        assert result.returncode == 0
        assert summary[0] == f"odoo suite:   SKIPPED — {REASON}"
    assert summary[-1] == "total: 0 passed, 0 failed"

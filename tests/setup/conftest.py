"""Fixtures of the set-up tests, which import scripts/setup_odoo.py and
scripts/pg.py as modules (helpers: fakes.py)."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))


@pytest.fixture
def fake_pythons(tmp_path):
    """Makes fake interpreters in a folder; returns (factory, env with that
    folder alone on PATH). Each answers the probe with a canned Python version,
    without Odoo unless told where it is."""
    folder = tmp_path / "bin"
    folder.mkdir()

    def make(name, version, odoo_location=None, failing=None):
        path = folder / name
        if failing:
            path.write_text(f"#!/bin/sh\necho '{failing}' >&2\nexit 127\n")
        else:
            info = {
                "executable": str(path),
                "version": list(version),
                "prefix": str(folder),
                "base_prefix": str(folder),
                "path": [],
                "site_dirs": [],
            }
            if odoo_location:
                info["odoo"] = {
                    "version": "18.0",
                    "major": 18,
                    "location": odoo_location,
                }
            else:
                info["odoo_error"] = "ModuleNotFoundError: No module named 'odoo'"
            path.write_text(f"#!/bin/sh\necho '@@probe@@{json.dumps(info)}'\n")
        path.chmod(0o755)
        return path

    return make, {"PATH": str(folder)}

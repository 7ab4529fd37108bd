"""Helpers of the set-up tests: small fake Odoo trees and bare virtualenvs.

A fake Odoo is a folder with ``odoo/__init__.py`` and ``odoo/release.py``; a
bare virtualenv (``--without-pip``) takes a fraction of a second to make.
"""

import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The interpreter this venv was made from: a plain (non-virtualenv) Python.
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)


def write_fake_odoo(parent, version_info=(18, 0, 0, "final", 0, "")):
    """Writes a fake Odoo package ``parent/odoo``; returns that folder."""
    package = Path(parent) / "odoo"
    (package / "addons").mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("# fake Odoo for the set-up tests\n")
    (package / "addons" / "__init__.py").write_text("")
    (package / "release.py").write_text(
        f"version_info = {tuple(version_info)!r}\n"
        "version = '.'.join(str(part) for part in version_info[:2]) + '-fake'\n"
    )
    return package


def write_fake_source(root, version_info=(18, 0, 0, "final", 0, ""), requirements=""):
    """A fake Odoo source tree: the package and a requirements.txt."""
    root = Path(root)
    write_fake_odoo(root, version_info)
    (root / "requirements.txt").write_text(requirements)
    (root / "setup.py").write_text("# not used\n")
    return root


def make_venv(path, python=BASE_PYTHON):
    """A bare virtualenv (no pip) at ``path``; returns its site-packages."""
    subprocess.run([python, "-m", "venv", "--without-pip", str(path)], check=True)
    return site_packages_of(path)


def site_packages_of(venv):
    version = sysconfig.get_python_version()
    return Path(venv) / "lib" / f"python{version}" / "site-packages"

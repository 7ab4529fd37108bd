"""Finding the Odoo that is there, and the venv seeing exactly that one.

Each case builds a small fake Odoo where a real one would live, looks for it as
``make venv`` does, then checks that a new venv linked to that interpreter
(scripts/setup_odoo.py's odoo_python_path module) imports that very Odoo, not
the machine's.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import setup_odoo
from fakes import (
    BASE_PYTHON,
    make_venv,
    write_fake_odoo,
)


def imported_odoo(venv, env=None):
    """Where the Python of ``venv`` imports Odoo from (probe of setup_odoo)."""
    info, reason = setup_odoo.probe(str(venv / "bin" / "python"), env)
    assert info is not None, reason
    return info


def link_and_check(tmp_path, info, expected_location):
    """Links a new bare venv to ``info``'s interpreter; checks what it sees."""
    target = tmp_path / "project-venv"
    make_venv(target, info["executable"])
    state = setup_odoo.link_found_odoo(target, info)
    seen = imported_odoo(target, env=clean_env())
    assert seen["odoo"]["location"] == str(expected_location)
    assert seen["odoo"]["major"] == 18
    assert state["state"] == "found"
    # The message names the interpreter and the path it found.
    assert info["executable"] in state["message"]
    assert str(expected_location) in state["message"]
    return seen


def clean_env(**extra):
    """The environment without what would change what Python imports."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONUSERBASE", "PYTHONNOUSERSITE", "PYTHONHOME"}
    }
    env.update(extra)
    return env


def test_odoo_in_a_virtualenv(tmp_path):
    """The issue's case: Odoo in its own virtualenv, not in the base Python."""
    odoo_venv = tmp_path / "odoo-venv"
    fake = write_fake_odoo(make_venv(odoo_venv))
    python = str(odoo_venv / "bin" / "python")

    info, found, notes = setup_odoo.find_odoo_python(python, env=clean_env())

    assert found and notes == []
    assert info["odoo"]["location"] == str(fake)
    seen = link_and_check(tmp_path, info, fake)
    # Built from the virtualenv's Python, the venv runs on its base, and still
    # imports the virtualenv's packages: the bug of --system-site-packages.
    assert seen["base_prefix"] == info["base_prefix"]


def test_odoo_in_a_system_install(tmp_path):
    """Odoo in a site directory of a Python that is not a virtualenv (here the
    user site of the base Python, as pip install --user puts it)."""
    user_base = tmp_path / "userbase"
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    fake = write_fake_odoo(user_base / "lib" / version / "site-packages")
    env = clean_env(PYTHONUSERBASE=str(user_base))

    info, found, _ = setup_odoo.find_odoo_python(BASE_PYTHON, env=env)

    assert found
    assert info["prefix"] == info["base_prefix"]  # not a virtualenv
    assert info["odoo"]["location"] == str(fake)
    # The linked venv sees it without PYTHONUSERBASE set.
    link_and_check(tmp_path, info, fake)


def test_odoo_in_an_editable_install(tmp_path):
    """pip install -e of Odoo's source (as on this project's CI machine):
    Odoo is found by an import hook that a .pth file of the site directory
    installs, not through sys.path; copying sys.path alone would miss it."""
    source = tmp_path / "odoo-src"
    fake = write_fake_odoo(source)
    odoo_venv = tmp_path / "odoo-venv"
    site_dir = make_venv(odoo_venv)
    (site_dir / "__editable___odoo_finder.py").write_text(
        "import importlib.util, sys\n"
        f"MAPPING = {{'odoo': {str(fake)!r}}}\n"
        "class Finder:\n"
        "    @classmethod\n"
        "    def find_spec(cls, name, path=None, target=None):\n"
        "        if name in MAPPING:\n"
        "            return importlib.util.spec_from_file_location(\n"
        "                name, MAPPING[name] + '/__init__.py',\n"
        "                submodule_search_locations=[MAPPING[name]])\n"
        "def install():\n"
        "    sys.meta_path.append(Finder)\n"
    )
    (site_dir / "__editable__.odoo-18.0.pth").write_text(
        "import __editable___odoo_finder; __editable___odoo_finder.install()\n"
    )
    python = str(odoo_venv / "bin" / "python")

    info, found, _ = setup_odoo.find_odoo_python(python, env=clean_env())

    assert found
    assert str(source) not in info["path"]
    link_and_check(tmp_path, info, fake)


def test_odoo_from_a_source_folder_on_pythonpath(tmp_path):
    """A source checkout made importable through PYTHONPATH."""
    source = tmp_path / "odoo-src"
    fake = write_fake_odoo(source)
    bare = tmp_path / "bare"
    make_venv(bare)
    env = clean_env(PYTHONPATH=str(source))

    info, found, _ = setup_odoo.find_odoo_python(str(bare / "bin" / "python"), env=env)

    assert found
    link_and_check(tmp_path, info, fake)


def test_a_python_without_odoo_is_said_so(tmp_path):
    bare = tmp_path / "bare"
    make_venv(bare)
    python = str(bare / "bin" / "python")

    info, found, notes = setup_odoo.find_odoo_python(python, env=clean_env())

    assert not found  # Odoo is to be installed into a venv built from it
    assert info["executable"] == python
    assert len(notes) == 1
    assert notes[0].startswith(f"{python} (Python ")
    missing = "does not import Odoo (ModuleNotFoundError: No module named 'odoo')"
    assert missing in notes[0]


def test_another_odoo_version_is_said_so(tmp_path):
    odoo_venv = tmp_path / "odoo17-venv"
    fake = write_fake_odoo(make_venv(odoo_venv), (17, 0, 0, "final", 0, ""))

    _, found, notes = setup_odoo.find_odoo_python(
        str(odoo_venv / "bin" / "python"), env=clean_env()
    )

    assert not found
    assert f"imports Odoo 17.0-fake from {fake}, not Odoo 18" in notes[0]


def test_odoo_python_that_does_not_exist(tmp_path):
    with pytest.raises(setup_odoo.SetupError) as error:
        setup_odoo.find_odoo_python(str(tmp_path / "nowhere" / "python"))
    assert str(error.value) == f"ODOO_PYTHON={tmp_path}/nowhere/python not found."


def test_the_first_python_that_imports_odoo_wins(tmp_path, fake_pythons):
    make, env = fake_pythons
    make("python3", (3, 11, 2))
    make("python3.12", (3, 12, 1), odoo_location="/opt/odoo18/odoo")

    info, found, notes = setup_odoo.find_odoo_python(env=env)

    assert found and info["command"] == "python3.12"
    assert "python3 (" in notes[0] and "does not import Odoo" in notes[0]


def test_without_odoo_python3_is_the_base_if_3_10_to_3_12(tmp_path, fake_pythons):
    make, env = fake_pythons
    make("python3", (3, 11, 2))
    make("python3.12", (3, 12, 1))

    info, found, _ = setup_odoo.find_odoo_python(env=env)

    assert not found and info["command"] == "python3"


def test_a_python_3_10_to_3_12_is_picked_among_several(tmp_path, fake_pythons):
    make, env = fake_pythons
    make("python3", (3, 13, 0))
    make("python3.12", None, failing="pyenv: python3.12: command not found")
    make("python3.11", (3, 11, 9))
    make("python3.10", (3, 10, 14))

    info, found, notes = setup_odoo.find_odoo_python(env=env)

    assert not found and info["command"] == "python3.11"
    assert "python3.12: cannot be run (pyenv: python3.12: command not found)" in notes
    assert setup_odoo.find_python(env=env)["command"] == "python3.11"


def test_no_python_3_10_to_3_12(tmp_path, fake_pythons):
    make, env = fake_pythons
    make("python3", (3, 13, 0))
    make("python3.10", (3, 9, 18))  # a wrongly named one is still asked

    with pytest.raises(setup_odoo.SetupError) as error:
        setup_odoo.find_odoo_python(env=env)

    message = str(error.value)
    assert message.startswith(
        "No Python 3.10 to 3.12 found, and Odoo 18 runs on those only."
    )
    assert "python3 (" in message and "Python 3.13.0) does not import Odoo" in message
    assert "python3.12: not found" in message
    assert "ODOO_PYTHON=/path/to/python3.11" in message
    with pytest.raises(setup_odoo.SetupError, match="No Python 3.10 to 3.12 found"):
        setup_odoo.find_python(env=env)


def test_odoo_python_outside_3_10_to_3_12_without_odoo(tmp_path, fake_pythons):
    make, env = fake_pythons
    python = make("python3.13", (3, 13, 0))

    with pytest.raises(setup_odoo.SetupError) as error:
        setup_odoo.find_odoo_python(str(python), env=env)

    assert str(error.value).startswith(
        f"ODOO_PYTHON={python} is Python 3.13.0: Odoo 18 needs Python 3.10 to 3.12"
    )


def test_the_venv_is_not_rebuilt_under_a_running_demo(tmp_path, monkeypatch):
    """Changing ODOO_PYTHON while make demo serves must not delete .venv."""
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / "kept").write_text("")
    server = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "odoo"],
    )
    # Right after exec, /proc/<pid>/cmdline reads empty for a moment: wait
    # until the process shows its command line, as a running demo does.
    cmdline = Path(f"/proc/{server.pid}/cmdline")
    for _attempt in range(100):
        if not cmdline.exists() or b"odoo" in cmdline.read_bytes():
            break
        time.sleep(0.05)
    try:
        pidfile = tmp_path / "demo.pid"
        pidfile.write_text(f"{server.pid}\n")
        monkeypatch.setattr(setup_odoo, "DEMO_PIDFILE", pidfile)
        monkeypatch.setenv("ODOO_PYTHON", "/some/other/python")

        with pytest.raises(setup_odoo.SetupError) as error:
            setup_odoo.build_venv(venv)

        assert f"The demo server (pid {server.pid}) runs from .venv" in str(error.value)
        assert (venv / "kept").exists()
    finally:
        server.kill()
        server.wait()
    # Once the server is gone, the guard lets a rebuild through.
    assert setup_odoo.demo_running(pidfile) is None

#!/usr/bin/env python3
"""Builds the project's .venv around an Odoo 18: the one that is there, or one
installed from Odoo's official 18.0 source.

    scripts/setup_odoo.py venv          build .venv, or check it is up to date
                                        (every make target runs this first)
    scripts/setup_odoo.py status        Odoo's state in the venv of the Python
                                        running this, as shell assignments
    scripts/setup_odoo.py find-python   the Python 3.10-3.12 .venv is built from
                                        when no Odoo is found
    scripts/setup_odoo.py guard         fail when a demo server runs from .venv

Finding Odoo. ``ODOO_PYTHON`` names an interpreter; when it is unset,
``python3``, ``python3.12``, ``python3.11`` and ``python3.10`` are tried in
turn. The first that imports Odoo 18 is used: .venv is built from it, and a
module in .venv's site-packages (``odoo_python_path.py``, loaded at start-up by
``odoo_python_path.pth``) appends that interpreter's ``sys.path`` to .venv's,
in the same order, running the ``.pth`` files of its site directories as that
interpreter does. So .venv imports exactly the Odoo, and the packages, that
this interpreter imports, wherever they live: a virtualenv, a system or user
install, an editable install (``pip install -e``), a folder on PYTHONPATH.

Bringing Odoo. When none imports Odoo 18, .venv is built from ``ODOO_PYTHON``
(or the first Python 3.10 to 3.12 found) and Odoo is installed into it from
``ODOO_SOURCE``: a local source folder (linked where it is, as ``pip install
-e`` would link it: keep the folder), a local archive (.tar.gz, .tgz, .tar,
.zip) or the URL of one, extracted into .venv/src/ (a downloaded archive is
kept in var/cache/ for the next build). The default is the official nightly
source archive of the 18.0 branch. Odoo's pinned requirements for the Python
of .venv are installed first, with the replacements of ``PIN_OVERRIDES`` where
a pin does not build on that Python, then the project's requirements.

When the source cannot be had, .venv is still built (the engine tests need no
Odoo) and the one-line reason is recorded for scripts/run-tests to report.

Only the standard library is used: this runs before .venv exists, with any
``python3`` from 3.8 on.
"""

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STATE_NAME = "odoo-setup.json"
LINK_MODULE = "odoo_python_path"
SOURCE_PTH = "odoo_source.pth"
DEMO_PIDFILE = ROOT / "var" / "demo.pid"
DOWNLOAD_CACHE = ROOT / "var" / "cache"
REQUIREMENTS = ("requirements.txt", "requirements-test.txt", "requirements-dev.txt")
# What .venv gets on top of Odoo: the addon's, the tests' and the tools' packages.
PROJECT_REQUIREMENTS = ROOT / "requirements-dev.txt"

DEFAULT_SOURCE = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
ODOO_MAJOR = 18
SUPPORTED_PYTHONS = ((3, 10), (3, 11), (3, 12))
PYTHON_CANDIDATES = ("python3", "python3.12", "python3.11", "python3.10")
# Changing what this script writes into .venv changes this, so .venv is rebuilt.
SETUP_VERSION = "1"

# Pins of Odoo's requirements.txt that do not build on some Python, and the
# release used there instead: (package, pinned version, replacement, from
# which Python on, why). Only an exact "==" pin on a line whose markers hold
# for the Python of .venv is replaced.
PIN_OVERRIDES = (
    (
        "cbor2",
        "5.4.2",
        "5.6.2",
        (3, 11),
        "5.4.2 has no wheel for Python 3.11 and its C extension does not build there",
    ),
)
# Replaced when the tool needed to build them from source is missing: (package,
# the tool, the replacement package with the same version, why).
BUILD_TOOL_OVERRIDES = (
    (
        "psycopg2",
        "pg_config",
        "psycopg2-binary",
        "psycopg2 builds against libpq and needs pg_config (Debian: libpq-dev)",
    ),
)
# Installed after the others, and only said to be missing when they do not
# build: no module this project uses needs them.
OPTIONAL_REQUIREMENTS = {
    "python-ldap": "only Odoo's auth_ldap module uses it; it builds with the "
    "headers of libldap2-dev and libsasl2-dev",
}

# Run by the interpreter being looked at: what it is, what it imports.
PROBE = r"""
import json, os, sys
info = {
    "executable": sys.executable,
    "version": list(sys.version_info[:3]),
    "prefix": sys.prefix,
    "base_prefix": getattr(sys, "base_prefix", sys.prefix),
    "path": [p for p in sys.path if p],
}
try:
    import site
    dirs = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    if getattr(site, "ENABLE_USER_SITE", False):
        dirs.insert(0, site.getusersitepackages())
    info["site_dirs"] = dirs
except Exception:
    info["site_dirs"] = []
try:
    import odoo.release as release
    import odoo
    info["odoo"] = {
        "version": release.version,
        "major": release.version_info[0],
        "location": os.path.dirname(os.path.abspath(odoo.__file__)),
    }
except BaseException as exc:
    info["odoo_error"] = (type(exc).__name__ + ": " + str(exc)).splitlines()[0]
print("@@probe@@" + json.dumps(info))
"""

LINK_TEMPLATE = '''"""Written by scripts/setup_odoo.py: this venv imports what
{python} imports.

Loaded at start-up by {module}.pth. The entries of that interpreter's sys.path
come after this venv's own, in the same order; its site directories are added
with site.addsitedir, which also runs their .pth files (an editable install of
Odoo, pip install -e, lives in one).
"""

import site
import sys

ODOO_PYTHON = {python!r}
SITE_DIRS = {site_dirs!r}
PATH = {path!r}


def _extend():
    for entry in PATH:
        if entry in sys.path:
            continue
        if entry in SITE_DIRS:
            site.addsitedir(entry)
        else:
            sys.path.append(entry)


_extend()
'''


class SetupError(Exception):
    """A problem the user must fix: the message says what and how."""


class SourceUnavailable(Exception):
    """The Odoo source cannot be had (no network, no such file): one line."""


def say(message):
    print(message, flush=True)


def version_text(version):
    return ".".join(str(part) for part in version)


def supported(version):
    return tuple(version[:2]) in SUPPORTED_PYTHONS


# --- Looking at interpreters ------------------------------------------------


def probe(python, env=None):
    """What ``python`` is and whether it imports Odoo: a dict, or None with
    the reason when it cannot be run (``(info, None)`` or ``(None, reason)``)."""
    command = shutil.which(python, path=(env or os.environ).get("PATH"))
    if command is None:
        return None, "not found"
    try:
        # A neutral working directory: sys.path[0] must not be this repository.
        result = subprocess.run(
            [command, "-c", PROBE],
            capture_output=True,
            text=True,
            env=env,
            cwd=tempfile.gettempdir(),
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"cannot be run ({exc})"
    for line in result.stdout.splitlines():
        if line.startswith("@@probe@@"):
            info = json.loads(line[len("@@probe@@") :])
            info["command"] = python
            return info, None
    error = (result.stderr.strip().splitlines() or ["no output"])[0]
    return None, f"cannot be run ({error})"


def describe(info):
    """``python3 (/usr/bin/python3, Python 3.11.2)``."""
    name = info["command"]
    where = info["executable"]
    text = f"Python {version_text(info['version'])}"
    if os.path.abspath(name) != where:
        text = f"{where}, {text}"
    return f"{name} ({text})"


def odoo_problem(info):
    """Why ``info``'s interpreter is no use as is, or None when it imports Odoo 18."""
    odoo = info.get("odoo")
    if odoo is None:
        return f"{describe(info)} does not import Odoo ({info.get('odoo_error')})"
    if odoo["major"] != ODOO_MAJOR:
        return (
            f"{describe(info)} imports Odoo {odoo['version']} from {odoo['location']},"
            f" not Odoo {ODOO_MAJOR}"
        )
    return None


def find_odoo_python(odoo_python=None, candidates=PYTHON_CANDIDATES, env=None):
    """Looks for the interpreter to build .venv from.

    Returns ``(info, found, notes)``: the probe of that interpreter, whether it
    imports Odoo 18 (else Odoo is to be installed into .venv), and one line per
    interpreter looked at. Raises SetupError when there is no usable Python.
    """
    notes = []
    if odoo_python:
        info, reason = probe(odoo_python, env)
        if info is None:
            raise SetupError(f"ODOO_PYTHON={odoo_python} {reason}.")
        problem = odoo_problem(info)
        if problem is None:
            return info, True, notes
        notes.append(problem)
        if not supported(info["version"]):
            raise SetupError(
                f"ODOO_PYTHON={odoo_python} is Python {version_text(info['version'])}:"
                f" Odoo {ODOO_MAJOR} needs Python 3.10 to 3.12, so it cannot be"
                " installed for it either. Name a Python 3.10 to 3.12 with"
                " ODOO_PYTHON=/path/to/python3.11."
            )
        return info, False, notes

    usable = []
    for candidate in candidates:
        info, reason = probe(candidate, env)
        if info is None:
            notes.append(f"{candidate}: {reason}")
            continue
        if odoo_problem(info) is None:
            return info, True, notes
        notes.append(odoo_problem(info))
        if supported(info["version"]) and info["executable"] not in {
            other["executable"] for other in usable
        }:
            usable.append(info)
    if not usable:
        raise SetupError(no_python_message(notes))
    return usable[0], False, notes


def no_python_message(notes):
    return (
        "No Python 3.10 to 3.12 found, and Odoo 18 runs on those only."
        f" Looked at: {'; '.join(notes)}. Install one (e.g. Debian/Ubuntu:"
        " apt-get install python3.11 python3.11-venv; or pyenv install 3.12)"
        " and name it if it is not on PATH: ODOO_PYTHON=/path/to/python3.11."
    )


def find_python(candidates=PYTHON_CANDIDATES, env=None):
    """The first of ``candidates`` that is a Python 3.10 to 3.12 (its probe)."""
    notes = []
    for candidate in candidates:
        info, reason = probe(candidate, env)
        if info is None:
            notes.append(f"{candidate}: {reason}")
        elif supported(info["version"]):
            return info
        else:
            notes.append(f"{candidate}: Python {version_text(info['version'])}")
    raise SetupError(no_python_message(notes))


# --- Building the venv -------------------------------------------------------


def run(command, **kwargs):
    return subprocess.run([str(part) for part in command], **kwargs)


def create_venv(python, venv, with_pip=True):
    """A new venv at ``venv`` from ``python`` (a venv's Python gives its base)."""
    if venv.exists():
        shutil.rmtree(venv)
    command = [python, "-m", "venv", venv]
    if not with_pip:
        command.insert(3, "--without-pip")
    result = run(command, capture_output=True, text=True)
    if result.returncode:
        output = (result.stderr or result.stdout).strip()
        raise SetupError(
            f"{python} -m venv {venv} failed: {output}\n"
            "On Debian and Ubuntu the venv module comes apart: apt-get install"
            " python3-venv (or python3.X-venv for the Python named above)."
        )


def venv_python(venv):
    return venv / "bin" / "python"


def site_packages(venv):
    output = run(
        [
            venv_python(venv),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Path(output.strip())


def write_link(venv, info):
    """Makes ``venv`` import what the probed interpreter imports (see LINK_TEMPLATE)."""
    target = site_packages(venv)
    (target / f"{LINK_MODULE}.py").write_text(
        LINK_TEMPLATE.format(
            python=info["executable"],
            module=LINK_MODULE,
            site_dirs=info["site_dirs"],
            path=info["path"],
        )
    )
    (target / f"{LINK_MODULE}.pth").write_text(f"import {LINK_MODULE}\n")
    return target / f"{LINK_MODULE}.pth"


def odoo_in_venv(venv):
    """Probe of the venv's Python: does it import Odoo 18, and from where."""
    info, reason = probe(str(venv_python(venv)))
    if info is None:
        raise SetupError(f"{venv_python(venv)} {reason}.")
    return info


def pip_install(venv, *args):
    command = [venv_python(venv), "-m", "pip", "install", "--disable-pip-version-check"]
    return run(command + list(args))


# --- The Odoo source ---------------------------------------------------------


def is_url(source):
    return re.match(r"^[a-z][a-z0-9+.-]*://", source) is not None


def read_release(root):
    """The variables of ``root/odoo/release.py`` (as Odoo's setup.py reads them)."""
    namespace = {}
    path = Path(root) / "odoo" / "release.py"
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace


def source_root(folder):
    """The folder holding ``odoo/release.py``: ``folder`` or one level down."""
    folder = Path(folder)
    if (folder / "odoo" / "release.py").is_file():
        return folder
    found = [
        child
        for child in sorted(folder.iterdir())
        if child.is_dir() and (child / "odoo" / "release.py").is_file()
    ]
    if len(found) == 1:
        return found[0]
    return None


def download(url, cache_dir):
    """Downloads ``url`` into ``cache_dir`` once; returns the file."""
    name = url.rstrip("/").rsplit("/", 1)[-1] or "odoo-source"
    target = Path(cache_dir) / name
    if target.is_file():
        say(f"Using the Odoo source archive downloaded before: {target}")
        return target
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    say(f"Downloading the Odoo 18.0 source from {url} ...")
    try:
        response = urllib.request.urlopen(url, timeout=30)
        with response, open(partial, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = shown = 0
            while True:
                chunk = response.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                if total and done * 10 // total > shown:
                    shown = done * 10 // total
                    say(f"  {done >> 20} of {total >> 20} MB")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        partial.unlink(missing_ok=True)
        reason = getattr(exc, "reason", None) or exc
        raise SourceUnavailable(
            f"the Odoo 18.0 source cannot be had from {url} ({reason});"
            " set ODOO_SOURCE to a local copy (a folder or an archive)"
        ) from None
    partial.rename(target)
    return target


def extract(archive, into):
    """Extracts ``archive`` into the new folder ``into``; returns the source root."""
    archive = Path(archive)
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    say(f"Extracting {archive} into {into} ...")
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(into)
        else:
            with tarfile.open(archive) as tarred:
                if hasattr(tarfile, "data_filter"):
                    tarred.extractall(into, filter="data")
                else:
                    tarred.extractall(into)
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SetupError(f"{archive} is not a readable archive ({exc}).") from None
    root = source_root(into)
    if root is None:
        raise SetupError(f"{archive} holds no Odoo source (no odoo/release.py inside).")
    return root


def obtain_source(source, src_dir, cache_dir):
    """The root folder of the Odoo source named by ODOO_SOURCE, extracted into
    ``src_dir`` when it is an archive; raises SourceUnavailable or SetupError."""
    if is_url(source):
        if source.startswith("file://"):
            source = urllib.request.url2pathname(source[len("file://") :])
        else:
            return extract(download(source, cache_dir), Path(src_dir) / "odoo")
    path = Path(source).expanduser()
    if path.is_dir():
        root = source_root(path)
        if root is None:
            raise SetupError(
                f"ODOO_SOURCE={source} is a folder without Odoo's source in it"
                " (no odoo/release.py)."
            )
        return root.resolve()
    if path.is_file():
        return extract(path, Path(src_dir) / "odoo")
    raise SourceUnavailable(
        f"the Odoo 18.0 source cannot be had: ODOO_SOURCE={source} is neither"
        " a folder, an archive nor a URL"
    )


# --- Odoo's requirements -----------------------------------------------------

REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<rest>.*)$")


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirements(text):
    """``(requirement, marker)`` for each line of a requirements file, without
    comments; marker is '' when the line has none."""
    lines = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        requirement, _, marker = line.partition(";")
        lines.append((requirement.strip(), marker.strip()))
    return lines


# Run by the Python of the venv: the values environment markers are read
# against, as the packaging library computes them.
MARKER_ENVIRONMENT = r"""
import json, os, platform, sys
def version(info):
    text = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        text += info.releaselevel[0] + str(info.serial)
    return text
print(json.dumps({
    "implementation_name": sys.implementation.name,
    "implementation_version": version(sys.implementation.version),
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_python_implementation": platform.python_implementation(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
}))
"""


def marker_class():
    """packaging's Marker: the installed library's, else the copy inside pip."""
    try:
        from packaging.markers import Marker
    except ImportError:
        try:
            from pip._vendor.packaging.markers import Marker
        except ImportError:
            raise SetupError(
                f"{sys.executable} has neither packaging nor pip to read the"
                " environment markers of Odoo's requirements; run this with a"
                " Python that has pip (SETUP_PYTHON=...)."
            ) from None
    return Marker


def evaluate_markers(python, markers):
    """Whether each environment marker ('' for none) holds for ``python``."""
    result = run([python, "-c", MARKER_ENVIRONMENT], capture_output=True, text=True)
    if result.returncode:
        raise SetupError(f"{python} cannot be run: {result.stderr.strip()}")
    environment = json.loads(result.stdout)
    Marker = marker_class()
    return [not marker or Marker(marker).evaluate(environment) for marker in markers]


def odoo_requirements(text, python, python_version, which=shutil.which):
    """The requirements of Odoo's requirements.txt (``text``) for ``python``.

    Returns ``(required, optional, notes)``: requirement strings, optional
    ones (see OPTIONAL_REQUIREMENTS), and one line per replaced pin.
    """
    parsed = parse_requirements(text)
    holds = evaluate_markers(python, [marker for _, marker in parsed])
    required, optional, notes = [], [], []
    for index, (requirement, _) in enumerate(parsed):
        if not holds[index]:
            continue
        match = REQUIREMENT.match(requirement)
        name = canonical(match.group("name")) if match else ""
        pin = re.match(r"^==\s*(\S+)$", match.group("rest").strip()) if match else None
        for package, pinned, replacement, since, why in PIN_OVERRIDES:
            if name == package and pin and pin.group(1) == pinned:
                if tuple(python_version[:2]) >= since:
                    requirement = f"{match.group('name')}=={replacement}"
                    notes.append(f"{package} {pinned} -> {replacement}: {why}")
        for package, tool, replacement, why in BUILD_TOOL_OVERRIDES:
            if name == package and which(tool) is None:
                requirement = replacement + match.group("rest")
                notes.append(f"{package} -> {replacement} ({tool} not found): {why}")
        if name in OPTIONAL_REQUIREMENTS:
            optional.append(requirement)
        else:
            required.append(requirement)
    return required, optional, notes


def install_odoo(venv, source, cache_dir=None, install_requirements=True):
    """Installs Odoo 18 into ``venv`` from ``source``; returns its root folder.

    Raises SourceUnavailable when the source cannot be had, SetupError when
    it is not Odoo 18 or its requirements do not install.
    """
    root = obtain_source(source, venv / "src", cache_dir or DOWNLOAD_CACHE)
    release = read_release(root)
    if release.get("version_info", (None,))[0] != ODOO_MAJOR:
        raise SetupError(
            f"ODOO_SOURCE={source} is Odoo {release.get('version')},"
            f" not Odoo {ODOO_MAJOR}."
        )
    python = venv_python(venv)
    if install_requirements:
        info = odoo_in_venv(venv)
        text = (root / "requirements.txt").read_text()
        required, optional, notes = odoo_requirements(text, python, info["version"])
        say(
            f"Installing Odoo {release['version']}'s {len(required) + len(optional)}"
            f" pinned requirements for Python {version_text(info['version'])}"
            " into .venv (a few minutes the first time) ..."
        )
        for note in notes:
            say(f"  {note}")
        if required:
            pinned = venv / "odoo-requirements.txt"
            pinned.write_text("".join(line + "\n" for line in required))
            if pip_install(venv, "--quiet", "-r", pinned).returncode:
                raise SetupError(
                    "Odoo's requirements did not install (pip's messages are above)."
                    " Odoo's documentation lists the system packages they build with"
                    " (Debian: libldap2-dev libsasl2-dev libpq-dev, and"
                    " build-essential python3-dev)."
                )
        for requirement in optional:
            if pip_install(venv, "--quiet", requirement).returncode:
                name = canonical(REQUIREMENT.match(requirement).group("name"))
                say(f"  {requirement} left out: {OPTIONAL_REQUIREMENTS[name]}.")
    (site_packages(venv) / SOURCE_PTH).write_text(f"{root}\n")
    return root


# --- State of the venv --------------------------------------------------------


def inputs():
    """What .venv is built from: ODOO_PYTHON, ODOO_SOURCE, the requirements."""
    return {
        "odoo_python": os.environ.get("ODOO_PYTHON", ""),
        "odoo_source": os.environ.get("ODOO_SOURCE", ""),
    }


def build_key(given):
    digest = hashlib.sha256(SETUP_VERSION.encode())
    digest.update(json.dumps(given, sort_keys=True).encode())
    for name in REQUIREMENTS:
        path = ROOT / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def read_state(venv):
    try:
        return json.loads((venv / STATE_NAME).read_text())
    except (OSError, ValueError):
        return None


def write_state(venv, state):
    (venv / STATE_NAME).write_text(json.dumps(state, indent=1) + "\n")


def demo_running(pidfile):
    """The pid of the demo server written in ``pidfile`` when it still runs."""
    try:
        pid = int(Path(pidfile).read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid  # no /proc: trust the pid file
    return pid if b"odoo" in cmdline else None


def guard(action="rebuilt", pidfile=None):
    pid = demo_running(pidfile or DEMO_PIDFILE)
    if pid:
        raise SetupError(
            f"The demo server (pid {pid}) runs from .venv, which is not {action}"
            " under it."
            " Stop it first (Ctrl-C where it runs, or make demo-stop), then run"
            " this again."
        )


def link_found_odoo(venv, info):
    """Makes ``venv`` see the Odoo 18 of ``info``'s interpreter; its state."""
    pth = write_link(venv, info)
    seen = odoo_in_venv(venv)
    if odoo_problem(seen):
        raise SetupError(
            f"{describe(info)} imports Odoo from {info['odoo']['location']},"
            f" but {venv} does not see it through {pth}: {odoo_problem(seen)}."
        )
    shown = pth.relative_to(ROOT) if ROOT in pth.parents else pth
    return {
        "state": "found",
        "version": seen["odoo"]["version"],
        "location": seen["odoo"]["location"],
        "message": (
            f"Odoo {seen['odoo']['version']} found: {info['executable']} imports it"
            f" from {seen['odoo']['location']}; {venv.name} sees the same packages"
            f" through {shown}"
        ),
    }


def install_from_source(venv, state):
    """Installs Odoo into ``venv`` from ODOO_SOURCE and records the outcome."""
    source = state["odoo_source"] or DEFAULT_SOURCE
    try:
        root = install_odoo(venv, source)
    except SourceUnavailable as exc:
        state["odoo"] = {"state": "missing", "message": str(exc)}
        say(f"Odoo 18: {exc}.")
        return
    info = odoo_in_venv(venv)
    if odoo_problem(info):
        raise SetupError(f"Odoo installed from {root}, but {odoo_problem(info)}.")
    state["odoo"] = {
        "state": "installed",
        "version": info["odoo"]["version"],
        "location": info["odoo"]["location"],
        "message": (
            f"Odoo {info['odoo']['version']} installed into .venv from {source}"
            f" (.venv/bin/python imports it from {info['odoo']['location']})"
        ),
    }
    say(state["odoo"]["message"] + ".")


def build_venv(venv=VENV):
    given = inputs()
    key = build_key(given)
    state = read_state(venv)
    if state and state.get("key") == key and venv_python(venv).exists():
        if state["odoo"]["state"] == "missing" and state["base"]["found"] is False:
            # The source could not be had last time: try again, the venv stays.
            install_from_source(venv, state)
            write_state(venv, state)
        return state
    if venv.exists():
        guard()

    info, found, notes = find_odoo_python(given["odoo_python"] or None)
    for note in notes:
        say(f"Odoo 18: {note}.")
    say(f"Building .venv from {describe(info)} ...")
    create_venv(info["executable"], venv)
    state = {
        "key": key,
        **given,
        "asked": bool(given["odoo_python"] or given["odoo_source"]),
        "base": {"python": info["executable"], "found": found},
    }
    if found:
        state["odoo"] = link_found_odoo(venv, info)
        say(state["odoo"]["message"] + ".")
    else:
        say(
            "Odoo 18: none found; installing it into .venv from"
            f" {given['odoo_source'] or DEFAULT_SOURCE}."
        )
        install_from_source(venv, state)
    say("Installing the project's requirements (requirements-dev.txt) ...")
    if pip_install(venv, "--quiet", "-r", PROJECT_REQUIREMENTS).returncode:
        raise SetupError(
            "The project's requirements did not install (see pip's messages above)."
        )
    write_state(venv, state)
    return state


def shell_status(prefix=None):
    """Shell assignments telling the state of Odoo in the venv at ``prefix``."""
    prefix = Path(prefix or sys.prefix)
    state = read_state(prefix)
    if state is None:
        values = {
            "ODOO_STATE": "unknown",
            "ODOO_MESSAGE": f"{prefix} was not built by scripts/setup_odoo.py",
            "ODOO_ASKED": "0",
        }
    else:
        values = {
            "ODOO_STATE": state["odoo"]["state"],
            "ODOO_MESSAGE": state["odoo"]["message"],
            "ODOO_ASKED": "1" if state.get("asked") else "0",
        }
    return "".join(f"{name}={shlex.quote(value)}\n" for name, value in values.items())


def main(argv):
    command = argv[1] if len(argv) > 1 else "venv"
    try:
        if command == "venv":
            build_venv()
        elif command == "status":
            sys.stdout.write(shell_status())
        elif command == "find-python":
            info = find_python()
            say(describe(info))
        elif command == "guard":
            guard(argv[2] if len(argv) > 2 else "removed")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except SetupError as exc:
        print(f"setup: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

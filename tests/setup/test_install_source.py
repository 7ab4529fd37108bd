"""Installing Odoo into a venv from ODOO_SOURCE, and its pinned requirements."""

import socket
import sys
import tarfile
import zipfile

import pytest
import setup_odoo
from fakes import make_venv, write_fake_source

# Lines as Odoo 18.0's requirements.txt writes them.
ODOO_REQUIREMENTS = """\
# The officially supported versions of the following packages are their
Babel==2.9.1 ; python_version < '3.11'  # min version = 2.6.0
Babel==2.10.3 ; python_version >= '3.11'
cbor2==5.4.2 ; python_version < '3.12'
cbor2==5.6.2 ; python_version >= '3.12'
gevent==21.8.0 ; sys_platform != 'win32' and python_version == '3.10'  # (Jammy)
gevent==22.10.2; sys_platform != 'win32' and python_version > '3.10' and python_version < '3.12'
gevent==24.2.1 ; sys_platform != 'win32' and python_version >= '3.12'  # (Noble)
psycopg2==2.9.2 ; python_version == '3.10' # (Jammy)
psycopg2==2.9.5 ; python_version == '3.11'
psycopg2==2.9.9 ; python_version >= '3.12' # (Noble) Mostly to have a wheel package
pypiwin32 ; sys_platform == 'win32'
python-ldap==3.4.0 ; sys_platform != 'win32' and python_version < '3.12' # min version
python-ldap==3.4.4 ; sys_platform != 'win32' and python_version >= '3.12'  # (Noble)
pytz  # no version pinning to avoid OS perturbations
"""  # noqa: E501 (the lines as Odoo writes them)

# Every line is for another Python: nothing to install, no network needed.
NO_REQUIREMENT = "nothing-to-install==1.0 ; python_version < '3'\n"


def with_pg_config(tool):
    return f"/usr/bin/{tool}"


def without_tools(tool):
    return None


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A bare venv to install into (shared: each install rewrites its link)."""
    path = tmp_path_factory.mktemp("install") / "venv"
    make_venv(path)
    return path


def odoo_location(venv):
    info, reason = setup_odoo.probe(str(venv / "bin" / "python"))
    assert info is not None, reason
    assert "odoo" in info, info.get("odoo_error")
    return info["odoo"]["location"]


@pytest.mark.skipif(
    sys.version_info[:2] != (3, 11), reason="the expected pins are Python 3.11's"
)
def test_odoo_requirements_for_python_3_11():
    required, optional, notes = setup_odoo.odoo_requirements(
        ODOO_REQUIREMENTS, sys.executable, (3, 11, 7), which=with_pg_config
    )

    assert required == [
        "Babel==2.10.3",
        "cbor2==5.6.2",  # 5.4.2 does not build on Python 3.11
        "gevent==22.10.2",
        "psycopg2==2.9.5",
        "pytz",
    ]
    assert optional == ["python-ldap==3.4.0"]
    assert notes == [
        "cbor2 5.4.2 -> 5.6.2: 5.4.2 has no wheel for Python 3.11"
        " and its C extension does not build there"
    ]


def test_a_pin_is_replaced_only_from_the_python_it_fails_on():
    required, _, notes = setup_odoo.odoo_requirements(
        "cbor2==5.4.2\n", sys.executable, (3, 10, 13), which=with_pg_config
    )
    assert required == ["cbor2==5.4.2"] and notes == []


def test_psycopg2_from_a_wheel_without_pg_config():
    required, _, notes = setup_odoo.odoo_requirements(
        "psycopg2==2.9.5\n", sys.executable, (3, 11, 7), which=without_tools
    )
    assert required == ["psycopg2-binary==2.9.5"]
    assert notes[0].startswith("psycopg2 -> psycopg2-binary (pg_config not found)")


def test_install_from_a_local_folder(tmp_path, venv):
    source = write_fake_source(tmp_path / "odoo-18.0", requirements=NO_REQUIREMENT)

    root = setup_odoo.install_odoo(venv, str(source), cache_dir=tmp_path / "cache")

    assert root == source.resolve()
    # Linked where it is, as pip install -e links it.
    assert odoo_location(venv) == str(source / "odoo")
    assert not (venv / "src").exists()


def test_install_from_a_folder_holding_the_source(tmp_path, venv):
    """A folder where an archive was extracted: the source is one level down."""
    source = write_fake_source(tmp_path / "dl" / "odoo-18.0.post1", requirements="")

    setup_odoo.install_odoo(venv, str(tmp_path / "dl"), cache_dir=tmp_path / "cache")

    assert odoo_location(venv) == str(source / "odoo")


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_install_from_a_local_archive(tmp_path, venv, kind):
    source = write_fake_source(
        tmp_path / "odoo-18.0.post2", requirements=NO_REQUIREMENT
    )
    archive = tmp_path / f"odoo_18.0.latest.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as zipped:
            for path in sorted(source.rglob("*")):
                zipped.write(path, path.relative_to(tmp_path))
    else:
        with tarfile.open(archive, "w:gz") as tarred:
            tarred.add(source, arcname=source.name)

    root = setup_odoo.install_odoo(venv, str(archive), cache_dir=tmp_path / "cache")

    # Extracted into the venv: it goes with it.
    assert root == venv / "src" / "odoo" / "odoo-18.0.post2"
    assert odoo_location(venv) == str(root / "odoo")


def test_install_from_a_file_url(tmp_path, venv):
    source = write_fake_source(tmp_path / "odoo-18.0.post3", requirements="")
    archive = tmp_path / "odoo.tar.gz"
    with tarfile.open(archive, "w:gz") as tarred:
        tarred.add(source, arcname=source.name)

    setup_odoo.install_odoo(venv, archive.as_uri(), cache_dir=tmp_path / "cache")

    assert odoo_location(venv).endswith("/src/odoo/odoo-18.0.post3/odoo")


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_source_that_cannot_be_had_says_so_in_one_line(tmp_path, venv):
    url = f"http://127.0.0.1:{closed_port()}/odoo_18.0.latest.tar.gz"

    with pytest.raises(setup_odoo.SourceUnavailable) as error:
        setup_odoo.install_odoo(venv, url, cache_dir=tmp_path / "cache")

    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"the Odoo 18.0 source cannot be had from {url} (")
    assert message.endswith("set ODOO_SOURCE to a local copy (a folder or an archive)")
    assert not list((tmp_path / "cache").glob("*"))  # no half download left


def test_a_missing_source_path_says_so(tmp_path, venv):
    with pytest.raises(setup_odoo.SourceUnavailable, match="is neither a folder"):
        setup_odoo.install_odoo(venv, str(tmp_path / "nowhere"))


def test_a_source_of_another_odoo_is_refused(tmp_path, venv):
    source = write_fake_source(tmp_path / "odoo-17", (17, 0, 0, "final", 0, ""))
    with pytest.raises(setup_odoo.SetupError, match="is Odoo 17.0-fake, not Odoo 18"):
        setup_odoo.install_odoo(venv, str(source), install_requirements=False)


def test_a_folder_without_odoo_is_refused(tmp_path, venv):
    (tmp_path / "empty").mkdir()
    with pytest.raises(setup_odoo.SetupError, match="without Odoo's source in it"):
        setup_odoo.install_odoo(venv, str(tmp_path / "empty"))


def test_unavailable_source_is_recorded_for_the_test_run(tmp_path, monkeypatch, venv):
    url = f"http://127.0.0.1:{closed_port()}/odoo.tar.gz"
    monkeypatch.setattr(setup_odoo, "DOWNLOAD_CACHE", tmp_path / "cache")
    state = {"odoo_source": url}

    setup_odoo.install_from_source(venv, state)

    assert state["odoo"]["state"] == "missing"
    assert "cannot be had" in state["odoo"]["message"]

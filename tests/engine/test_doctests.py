"""The engine's documented examples are doctests, run with the engine suite.

The engine is documented like a library: the examples in its docstrings are
real sessions, and this module runs them (as OCA queue_job runs the examples
of ``jobrunner/channels.py`` with ``load_doctests``), so an example that no
longer tells the truth fails the suite. Every engine module is collected,
imported as ``engine.<module>`` (the addon's ``__init__`` needs Odoo; the
engine does not).
"""

import doctest
import importlib
import io
import pkgutil

import pytest

import engine

MODULES = ["engine"] + sorted(
    f"engine.{module.name}" for module in pkgutil.iter_modules(engine.__path__)
)
#: Long expected outputs may be wrapped; "..." stands for a traceback's middle.
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
#: Modules whose documentation shows examples: each must keep at least one.
DOCUMENTED = {
    "engine",
    "engine.actions",
    "engine.catalogue",
    "engine.concepts",
    "engine.errors",
    "engine.evaluation",
    "engine.legal",
    "engine.operators",
    "engine.phone",
    "engine.validation",
    "engine.variables",
    "engine.wording",
}


def run_doctests(name):
    """Run the examples of one module; return (attempted, failed, report)."""
    module = importlib.import_module(name)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=report.write)
    results = runner.summarize(verbose=False)
    return results.attempted, results.failed, report.getvalue()


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_of_each_engine_module_are_true(name):
    attempted, failed, report = run_doctests(name)
    assert not failed, f"{failed} of {attempted} examples of {name} failed:\n{report}"
    if name in DOCUMENTED:
        assert attempted > 0, f"{name} lost its examples"


def test_every_engine_module_is_collected():
    assert set(DOCUMENTED) <= set(MODULES)
    assert sum(run_doctests(name)[0] for name in MODULES) > 40

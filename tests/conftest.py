import warnings

import pytest

# durable_rules 2.0.28 on Python 3.12 warns about datetime.utcfromtimestamp on every action.
warnings.filterwarnings("ignore", message=r".*utcfromtimestamp.*", category=DeprecationWarning)


COVERAGE = pytest.StashKey[tuple]()


def pytest_deselected(items):
    from tests import coverage_rules

    if any(item.path.name == "test_features.py" for item in items):
        coverage_rules.SEEN.partial = True


def pytest_collection_modifyitems(session, config, items):
    """The rule-coverage check runs after the feature scenarios whose coverage it judges."""
    items.sort(key=lambda item: item.path.name == "test_rule_coverage.py")


COVERAGE_SHARE = "rule_coverage"


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist controller: each worker's share of the feature coverage joins this session's."""
    from tests import coverage_rules

    share = getattr(node, "workeroutput", {}).get(COVERAGE_SHARE)
    if share is not None:
        coverage_rules.SEEN.merge(share)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """A complete run of the features that leaves a rule, clause or indicator uncovered fails.

    Under pytest-xdist a worker saw only its share of the scenarios: it hands that share to the
    controller (``pytest_testnodedown``), and the controller judges the whole.
    """
    from tests import coverage_rules

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[COVERAGE_SHARE] = coverage_rules.SEEN.export()
        return
    if not coverage_rules.SEEN.runs:
        return
    coverage = coverage_rules.report()
    judged = not coverage_rules.features_partial(session)
    session.config.stash[COVERAGE] = (coverage, judged)
    if judged and coverage.missing and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """After the feature files ran: one line of rule coverage, and what is not covered (file:line)."""
    if COVERAGE not in config.stash:
        return
    coverage, judged = config.stash[COVERAGE]
    terminalreporter.write_line(coverage.line)
    for item in coverage.missing:
        terminalreporter.write_line(f"  tidak tercakup: {item}")
    if coverage.missing and judged:
        terminalreporter.write_line("GAGAL: skenario di features/ belum mencakup semua aturan, klausa dan indikator",
                                    red=True)


# Fuzzing: bounded in CI; `HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_*.py` for a long run.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))

import warnings

# durable_rules 2.0.28 on Python 3.12 warns about datetime.utcfromtimestamp on every action.
warnings.filterwarnings("ignore", message=r".*utcfromtimestamp.*", category=DeprecationWarning)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """After the feature files ran: one line of rule coverage, and what is not covered."""
    from tests import coverage_rules

    if not coverage_rules.SEEN.runs:
        return
    line, missing = coverage_rules.report()
    terminalreporter.write_line(line)
    for item in missing:
        terminalreporter.write_line(f"  tidak tercakup: {item}")


def pytest_sessionfinish(session, exitstatus):
    """A complete, unfiltered run of the features with a rule or clause left uncovered fails."""
    from tests import coverage_rules

    options = session.config.option
    filtered = options.keyword or options.markexpr or any("::" in arg for arg in session.config.args)
    if coverage_rules.SEEN.runs and not filtered and exitstatus == 0:
        _, missing = coverage_rules.report()
        if missing:
            session.exitstatus = 1


# Fuzzing: bounded in CI; `HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_*.py` for a long run.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))

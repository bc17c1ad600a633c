"""The feature files in features/ are executable regulations: each scenario runs the real rules."""

from pytest_bdd import scenarios

from tests.steps.common import *  # noqa: F401,F403 — the step library

scenarios(".")

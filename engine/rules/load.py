"""The one way into a rules folder for every command: read it, check it, compile it.

``iku rules check``, ``iku run``, ``iku rules diff``, ``iku explain`` and the feature steps all
load rules here, so that they all see the same problems: a folder that loads here runs.
Dependencies run one way: model → yamlfile → rulebook (reading) → compiler → checks → load.
"""

from __future__ import annotations

from pathlib import Path

from engine.rules.checks import check_rulebook
from engine.rules.rulebook import RuleBook, RulesInvalid, read_rulebook


def load_rulebook(directory: Path) -> RuleBook:
    """Read, check and compile every rule version for every year it is in force; raise
    ``RulesInvalid`` with every problem found."""
    book = read_rulebook(directory)
    problems = check_rulebook(book)
    if problems:
        raise RulesInvalid(problems)
    return book


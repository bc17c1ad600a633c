"""iku's engine: IKU regulations as executable, auditable rules on durable_rules.

The public API, in the order data flows::

    book = load_rulebook(Path("rules"))                 # rules, parameters, profiles (validated)
    dataset = load_dataset(Path("samples/jatim"))       # records + rejected rows, every row counted
    entities = build_entities(dataset, "koperasi")      # one bundle of facts per entity
    decisions = LeanEvaluator(book, "koperasi", 2024).evaluate_all(entities)  # tags with provenance
    result = run(Path("samples/jatim"), "jatim", 2024)  # all of the above plus the indicators
    series = run_series(Path("samples/jatim"), "jatim", (2022, 2023, 2024))  # one reading, every year

Decisions come in a deterministic order: entities as in the input, rules as in the rules folder.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Each public name and the module it lives in. They are imported on first use (PEP 562): a reader
# command (`iku explain --run`, `iku serve`, `iku --help`) imports the package without paying for
# polars, openpyxl and durable_rules, which only a run needs.
_WHERE = {
    "ClauseResult": "engine.decisions",
    "Decision": "engine.decisions",
    "DecisionTable": "engine.decisions",
    "Evaluator": "engine.evaluate",  # the clause-level path the bench compares against
    "EntityFacts": "engine.facts",
    "build_entities": "engine.facts",
    "IndicatorResult": "engine.indicators.compute",
    "TagIndex": "engine.indicators.compute",
    "compute_indicators": "engine.indicators.compute",
    "Dataset": "engine.ingest.dataset",
    "Reject": "engine.ingest.dataset",
    "load_dataset": "engine.ingest.dataset",
    "LeanEvaluator": "engine.lean_evaluate",
    "RunResult": "engine.pipeline",
    "SeriesResult": "engine.pipeline",
    "run": "engine.pipeline",
    "run_series": "engine.pipeline",
    "load_rulebook": "engine.rules.load",
    "RuleBook": "engine.rules.rulebook",
    "RulesInvalid": "engine.rules.rulebook",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value  # once found, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


if TYPE_CHECKING:
    from engine.decisions import ClauseResult, Decision, DecisionTable
    from engine.evaluate import Evaluator
    from engine.facts import EntityFacts, build_entities
    from engine.indicators.compute import IndicatorResult, TagIndex, compute_indicators
    from engine.ingest.dataset import Dataset, Reject, load_dataset
    from engine.lean_evaluate import LeanEvaluator
    from engine.pipeline import RunResult, SeriesResult, run, run_series
    from engine.rules.load import load_rulebook
    from engine.rules.rulebook import RuleBook, RulesInvalid

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

from engine.decisions import ClauseResult, Decision, DecisionTable
from engine.evaluate import Evaluator  # the clause-level path the bench compares against
from engine.facts import EntityFacts, build_entities
from engine.indicators.compute import IndicatorResult, TagIndex, compute_indicators
from engine.ingest.dataset import Dataset, Reject, load_dataset
from engine.lean_evaluate import LeanEvaluator
from engine.pipeline import RunResult, SeriesResult, run, run_series
from engine.rules.load import load_rulebook
from engine.rules.rulebook import RuleBook, RulesInvalid

__all__ = [
    "ClauseResult",
    "Dataset",
    "Decision",
    "DecisionTable",
    "EntityFacts",
    "Evaluator",
    "IndicatorResult",
    "LeanEvaluator",
    "Reject",
    "RuleBook",
    "RulesInvalid",
    "RunResult",
    "SeriesResult",
    "TagIndex",
    "build_entities",
    "compute_indicators",
    "load_dataset",
    "load_rulebook",
    "run",
    "run_series",
]

"""iku's engine: IKU regulations as executable, auditable rules on durable_rules.

The public API, in the order data flows::

    book = load_rulebook(Path("rules"))                 # rules, parameters, profiles (validated)
    dataset = load_dataset(Path("samples/jatim"))       # records + rejected rows, every row counted
    entities = build_entities(dataset, "koperasi")      # one bundle of facts per entity
    decisions = Evaluator(book, "koperasi", 2024).evaluate_all(entities)  # tags with provenance
    result = run(Path("samples/jatim"), "jatim", 2024)  # all of the above plus the indicators

Decisions come in a deterministic order: entities as in the input, rules as in the rules folder.
"""

from engine.decisions import ClauseResult, Decision, DecisionTable
from engine.evaluate import Evaluator
from engine.facts import EntityFacts, build_entities
from engine.indicators.compute import IndicatorResult, TagIndex, compute_indicators
from engine.ingest.dataset import Dataset, Reject, load_dataset
from engine.pipeline import RunResult, run
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
    "Reject",
    "RuleBook",
    "RulesInvalid",
    "RunResult",
    "TagIndex",
    "build_entities",
    "compute_indicators",
    "load_dataset",
    "load_rulebook",
    "run",
]

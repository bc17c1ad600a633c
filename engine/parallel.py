"""Evaluation across processes: entities sharded over workers, each with its own durable_rules host.

durable_rules holds the GIL in every call, so threads give no parallelism; processes do. Each
worker loads the same rules folder once (its version is checked against the parent's), keeps one
``Evaluator`` per entity type, and evaluates ordered chunks; the parent keeps chunk order, so
the result is exactly that of the single-process path.

What crosses a process boundary is plain tuples, not objects: pickling a pydantic ``Decision``
(with its clause results) cost about half as much as evaluating it in the worker, and unpickling
it as much again in the parent, serially. A worker gets each entity's id and facts (not its
record, which evaluation does not read) and answers with each decision's values; the parent
rebuilds the decisions without validating again (they were validated in the worker) and shares
the clause results that are the same for many entities.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from engine.durable_host import EngineError
from engine.evaluate import ClauseResult, Decision, Evaluator, check_complete
from engine.facts import EntityFacts
from engine.rules.rulebook import RuleBook, load_rulebook

CHUNK = 500
PARALLEL_FROM = 4000  # below this many entities, starting processes costs more than it saves

_book: RuleBook | None = None
_evaluators: dict[str, Evaluator] = {}


def default_workers(entity_count: int) -> int:
    return 1 if entity_count < PARALLEL_FROM else max(1, min(os.cpu_count() or 1, 8))


def _exit_with_parent(parent: int) -> None:
    """A worker whose run was killed has nothing left to do: it ends instead of lingering."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="iku-parent-watch").start()


def _start_worker(rules: Path, version: str, parent: int) -> None:
    global _book
    _exit_with_parent(parent)
    _book = load_rulebook(rules)
    if _book.version != version:
        raise EngineError(f"aturan berubah selama run (versi {version} menjadi {_book.version})")


# What a worker gets per entity, and answers per decision (see the module's docstring).
EntityTuple = tuple[str, list[dict[str, Any]]]  # entity_id, facts
ClauseTuple = tuple[str, bool, tuple[str, ...]]  # node, held, evidence
# entity_id, rule_id, rule version, tag, given, clauses
DecisionTuple = tuple[str, str, int, str, bool, tuple[ClauseTuple, ...]]


def _evaluate_chunk(entity_type: str, year: int, chunk: list[EntityTuple]) -> list[DecisionTuple]:
    assert _book is not None
    evaluator = _evaluators.get(entity_type)
    if evaluator is None or evaluator.year != year:
        evaluator = _evaluators[entity_type] = Evaluator(_book, entity_type, year)
    return [
        (decision.entity_id, decision.rule_id, decision.rule_version, decision.tag, decision.given,
         tuple((clause.node, clause.held, clause.evidence) for clause in decision.clauses))
        for entity_id, facts in chunk
        # Evaluation reads the entity's type, id and facts only; the record stays in the parent.
        for decision in evaluator.evaluate(EntityFacts(entity_type, entity_id, None, facts))  # type: ignore[arg-type]
    ]


def _chunks(entities: list[EntityFacts]) -> Iterator[list[EntityTuple]]:
    for start in range(0, len(entities), CHUNK):
        yield [(entity.entity_id, entity.facts) for entity in entities[start:start + CHUNK]]


class _Rebuilder:
    """Decisions from a worker's tuples, built as the worker built them, without validating again.

    Strings are the parent's own (entity ids, rule ids, tags, node names), and a clause result
    whose evidence names no input fact (a failed clause, or one that held on other clauses or
    tags) is one shared frozen object: at a million entities these are most of the memory.
    """

    _DECISION_FIELDS = set(Decision.model_fields)
    _CLAUSE_FIELDS = set(ClauseResult.model_fields)

    def __init__(self, evaluator: Evaluator):
        self.entity_type = evaluator.entity_type
        self.year = evaluator.year
        self.rules = {compiled.rule.id: (compiled.rule.id, compiled.version.version, compiled.rule.tag,
                                         {node: node for node in compiled.nodes})
                      for compiled in evaluator.compiled.rules}
        self.shared: dict[ClauseTuple, ClauseResult] = {}

    def decisions(self, chunk: list[EntityFacts], answered: list[DecisionTuple]) -> list[Decision]:
        ids = {entity.entity_id: entity.entity_id for entity in chunk}
        return [self._decision(ids, *values) for values in answered]

    def _decision(self, ids: dict[str, str], entity_id: str, rule_id: str, version: int, tag: str, given: bool,
                  clauses: tuple[ClauseTuple, ...]) -> Decision:
        known = self.rules.get(rule_id)
        if known is None or known[1] != version or known[2] != tag or entity_id not in ids:
            raise EngineError(f"pekerja mengembalikan keputusan yang tidak dikenal: {entity_id} {rule_id} v{version}")
        return Decision.model_construct(
            self._DECISION_FIELDS, entity_type=self.entity_type, entity_id=ids[entity_id], year=self.year,
            rule_id=known[0], rule_version=version, tag=known[2], given=given,
            clauses=tuple(self._clause(known[3], clause) for clause in clauses),
        )

    def _clause(self, nodes: dict[str, str], clause: ClauseTuple) -> ClauseResult:
        node, held, evidence = clause
        shareable = all(item.startswith("$") for item in evidence)  # no input fact: the same for many entities
        if shareable and (shared := self.shared.get(clause)) is not None:
            return shared
        if node not in nodes:
            raise EngineError(f"pekerja mengembalikan klausa yang tidak dikenal: {node}")
        result = ClauseResult.model_construct(self._CLAUSE_FIELDS, node=nodes[node], held=held, evidence=evidence)
        if shareable:
            self.shared[clause] = result
        return result


def evaluate_in_workers(
    book: RuleBook, entities: dict[str, list[EntityFacts]], year: int, workers: int,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Decision]:
    decisions: list[Decision] = []
    # "spawn": a worker shares nothing with the parent (a forked one would hold the output folder's
    # lock and outlive a killed run).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(book.directory, book.version, os.getpid())) as pool:
        # Every chunk of every entity type is queued at once, so that no worker waits at the turn
        # from one type to the next; answers are taken in order.
        queued: dict[str, list[Future[list[DecisionTuple]] | None]] = {
            entity_type: [pool.submit(_evaluate_chunk, entity_type, year, chunk) for chunk in _chunks(group)]
            for entity_type, group in entities.items()
        }
        for entity_type, group in entities.items():
            rebuilder = _Rebuilder(Evaluator(book, entity_type, year))
            rule_ids = list(rebuilder.rules)
            futures = queued[entity_type]
            produced: list[Decision] = []
            for index, future in enumerate(futures):
                assert future is not None
                futures[index] = None  # a chunk's answer is freed once its decisions are rebuilt
                produced.extend(rebuilder.decisions(group[index * CHUNK:(index + 1) * CHUNK], future.result()))
                if progress is not None:
                    progress(entity_type, min(len(produced) // max(len(rule_ids), 1), len(group)), len(group))
            check_complete(produced, group, rule_ids)
            decisions.extend(produced)
    return decisions

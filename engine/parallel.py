"""Evaluation across processes: entities sharded over workers, each with its own durable_rules host.

durable_rules holds the GIL in every call, so threads give no parallelism; processes do. Each
worker loads the same rules folder once (its version is checked against the parent's), keeps one
``Evaluator`` per entity type, and evaluates ordered chunks; the parent keeps chunk order, so
the result is exactly that of the single-process path.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from engine.durable_host import EngineError
from engine.evaluate import Decision, Evaluator, check_complete
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


def _evaluate_chunk(entity_type: str, year: int, chunk: list[EntityFacts]) -> list[Decision]:
    assert _book is not None
    evaluator = _evaluators.get(entity_type)
    if evaluator is None or evaluator.year != year:
        evaluator = _evaluators[entity_type] = Evaluator(_book, entity_type, year)
    return [decision for entity in chunk for decision in evaluator.evaluate(entity)]


def _chunks(entities: list[EntityFacts]) -> Iterator[list[EntityFacts]]:
    for start in range(0, len(entities), CHUNK):
        yield entities[start:start + CHUNK]


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
        for entity_type, group in entities.items():
            rule_ids = [compiled.rule.id for compiled in Evaluator(book, entity_type, year).compiled.rules]
            futures = [pool.submit(_evaluate_chunk, entity_type, year, chunk) for chunk in _chunks(group)]
            produced: list[Decision] = []
            for future in futures:
                produced.extend(future.result())
                if progress is not None:
                    progress(entity_type, min(len(produced) // max(len(rule_ids), 1), len(group)), len(group))
            check_complete(produced, group, rule_ids)
            decisions.extend(produced)
    return decisions

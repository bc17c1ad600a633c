"""Evaluation across processes: entities sharded over workers, each with its own durable_rules host.

durable_rules holds the GIL in every call, so threads give no parallelism; processes do. Each
worker loads the same rules folder once (its version is checked against the parent's), keeps one
evaluator per entity type (``lean_evaluate.LeanEvaluator``, a durable_rules session per entity,
deleted after it; ``RULES_PATH`` "today": ``evaluate.Evaluator``, for the benchmark's comparison),
and evaluates ordered chunks; the parent keeps chunk order, so the result is exactly that of the
single-process path. A run's first year gets its workers while the data is read (``worker_pool``,
``start_workers``, from ``pipeline.WorkersAhead``), and each chunk as soon as the facts stage has made
it (``WorkerRules.give``, from ``pipeline.run_series``): the facts stage's one core and the workers'
run side by side.

What crosses a process boundary is plain tuples, not objects: pickling a pydantic ``Decision``
(with its clause results) cost about half as much as evaluating it in the worker, and unpickling
it as much again in the parent, serially. A worker gets a chunk's entity ids and their fact rows
as one pickled list (not their records, which evaluation does not read): in a large run, the
block the facts stage wrote to the spool, passed on without being read here. It answers with
each entity's outcome: where durable_rules decides by terms, which record leaves held (a mask) and
their evidence (``Outcomes``); else each decision's values as a row, equal parts of a chunk's
answers being one object (``_Sharing``: pickled once per chunk, one object in the parent). The
parent checks each answer against its own compiled rules and keeps it in a ``DecisionTable`` as it
came: an outcome as the worker's compact pair, its rows made only when read (making ≈ ten rows per
entity here was most of the parent's CPU in this stage), a row as a row; it does not rebuild
decision objects (that cost it a third of the stage's CPU).
"""

from __future__ import annotations

import gc
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import NamedTuple, TypeVar

from engine.decisions import ClauseResult, ClauseRow, DecisionRow, DecisionTable, clause_row, decision_row
from engine.durable_host import EngineError
from engine.evaluate import Evaluator, check_complete
from engine.facts import EntityFacts
from engine.lean_evaluate import LeanEvaluator, Outcome, OutcomeTree, evaluate_rows
from engine.processes import answer_of, process_pool, submitted
from engine.rules.compiler import CompiledRuleset, CompileError, compile_ruleset
from engine.rules.load import load_rulebook
from engine.rules.rulebook import RuleBook
from engine.spool import BlockSpool

CHUNK = 500
IN_FLIGHT_PER_WORKER = 4
PARALLEL_FROM = 4000  # below this many entities, starting processes costs more than it saves
# Which evaluator decides: "lean" (engine.lean_evaluate) or "today" (engine.evaluate.Evaluator, the
# path before it, kept so that the benchmark can compare the two in one run until the lean one lands).
RULES_PATH = "lean"

_book: RuleBook | None = None
_evaluators: dict[tuple[str, str], Evaluator | LeanEvaluator] = {}
T = TypeVar("T")


def default_workers(entity_count: int) -> int:
    return 1 if entity_count < PARALLEL_FROM else max(1, min(os.cpu_count() or 1, 8))


def _start_worker(rules: Path, version: str) -> None:
    global _book
    _book = load_rulebook(rules)
    if _book.version != version:
        raise EngineError(f"aturan berubah selama run (versi {version} menjadi {_book.version})")


_common_clauses: dict[ClauseRow, ClauseRow] = {}  # a few hundred at most: clause nodes × outcomes


class Outcomes(NamedTuple):
    """A chunk's answer where durable_rules decides by terms: per entity, in the chunk's order, the
    record leaves that held (a mask over ``leaves``) and their evidence (``lean_evaluate.Outcome``);
    the parent keeps them so (``DecisionTable.append_outcomes``). A tenth of the bytes of the rows,
    and no rows made in the worker or the parent."""

    leaves: tuple[str, ...]
    outcomes: list[Outcome]


def _evaluate_chunk(entity_type: str, year: int, ids: list[str], fact_rows: bytes, path: str = "lean",
                    texts: bool = False) -> list[DecisionRow] | Outcomes:
    """Decisions of a chunk of entities: their ids, and their fact rows as one pickled list — or, with
    ``texts`` (the lean path only), their facts' ready texts, one per entity, and the year they were
    made for (``fact_chunks.FactTexts``)."""
    assert _book is not None
    evaluator = _evaluators.get((entity_type, path))
    if evaluator is None or evaluator.year != year:
        make = LeanEvaluator if path == "lean" else Evaluator
        evaluator = _evaluators[entity_type, path] = make(_book, entity_type, year)
    given = pickle.loads(fact_rows)
    if texts:  # which facts and values a text holds depend on the year's rules
        made_for, given = given
        if made_for != year or not isinstance(evaluator, LeanEvaluator):
            raise EngineError(f"teks fakta untuk tahun {made_for} tidak dapat dinilai untuk {year} ({path})")
    if isinstance(evaluator, LeanEvaluator):  # each entity's fact rows, or its facts' text: the same outcome
        if evaluator.compact:
            return Outcomes(evaluator.leaf_order, [evaluator.outcome(entity_id, rows) for entity_id, rows
                                                   in zip(ids, given, strict=True)])
        return evaluate_rows(evaluator, ids, given)
    sharing = _Sharing()
    return [
        decision_row(decision, clauses=sharing.clause_rows)
        for entity_id, rows in zip(ids, given, strict=True)
        # Evaluation reads the entity's type, id and facts only; the record stays in the parent.
        for decision in evaluator.evaluate(EntityFacts(entity_type, entity_id, None, rows))  # type: ignore[arg-type]
    ]


class _Sharing:
    """One object for equal parts of a chunk's answers: pickled once, and one object in the parent.

    A clause result whose evidence names no input fact is the same for many entities and is shared
    across chunks; fact ids, evidence and whole clause lists are shared within a chunk (a fact that
    several clauses matched, a rule that failed the same way for many entities). At 30,000 entities
    this keeps the decisions in 59 MB instead of 85.
    """

    def __init__(self) -> None:
        self._seen: dict[object, object] = {}

    def _one(self, value: T) -> T:
        return self._seen.setdefault(value, value)  # type: ignore[return-value]

    def clause_rows(self, results: tuple[ClauseResult, ...]) -> tuple[ClauseRow, ...]:
        return self._one(tuple(map(self._clause_row, results)))

    def _clause_row(self, result: ClauseResult) -> ClauseRow:
        evidence = result.evidence
        if all(item.startswith("$") for item in evidence):
            row = clause_row(result)
            return _common_clauses.setdefault(row, row)
        return self._one((result.node, result.held, self._one(tuple(map(self._one, evidence)))))


# The facts of a chunk as sent, made in the parent only. ``engine.fact_chunks`` is imported when first
# used, not at the top: a worker imports this module, and the facts' chunks bring the readers, polars
# and openpyxl (≈ 0.35 CPU-s per worker, for nothing it does).
def pickled_fact_rows(chunk: list[EntityFacts]) -> bytes:
    from engine.fact_chunks import pickled_fact_rows as pickled
    return pickled(chunk)


def pickled_fact_texts(chunk: list[EntityFacts]) -> bytes | None:
    from engine.fact_chunks import pickled_fact_texts as pickled
    return pickled(chunk)


def _chunks(entities: dict[str, list[EntityFacts]]) -> Iterator[tuple[str, list[EntityFacts]]]:
    """Every chunk of every entity type, in order."""
    for entity_type, group in entities.items():
        for start in range(0, len(group), CHUNK):
            yield entity_type, group[start:start + CHUNK]


class _Receiver:
    """Takes a worker's answers into the table, after checking them against the parent's own rules."""

    def __init__(self, ruleset: CompiledRuleset, table: DecisionTable):
        self.entity_type = ruleset.entity_type
        self.year = ruleset.year
        self.table = table
        self.entities = 0  # whose decisions were taken
        # rule id → (rule id, version, tag, clause nodes in order), all the parent's own strings
        self.rules = {compiled.rule.id: (compiled.rule.id, compiled.version.version, compiled.rule.tag,
                                         tuple(compiled.nodes))
                      for compiled in ruleset.rules}
        self.tree = OutcomeTree(ruleset, ruleset.terms) if ruleset.terms is not None else None
        self.tree_number = table.tree_number(self.tree) if self.tree is not None else -1

    def take(self, chunk: list[EntityFacts], answered: list[DecisionRow] | Outcomes) -> None:
        if isinstance(answered, Outcomes):
            self._take_outcomes(chunk, answered)
            return
        ids = {entity.entity_id: entity.entity_id for entity in chunk}
        rows = []
        for entity_type, entity_id, year, rule_id, version, tag, given, clauses in answered:
            known = self.rules.get(rule_id)
            if (known is None or known[1] != version or known[2] != tag or entity_id not in ids
                    or (entity_type, year) != (self.entity_type, self.year)
                    or tuple(clause[0] for clause in clauses) != known[3]):
                raise EngineError(f"pekerja mengembalikan keputusan yang tidak dikenal: {entity_id} {rule_id} v{version}")
            rows.append((self.entity_type, ids[entity_id], self.year, known[0], version, known[2], given, clauses))
        # Checked a chunk at a time: a whole type at once would hold a key per decision (≈ 0.4 GB at 1M entities).
        check_complete(DecisionTable(rows), chunk, list(self.rules))
        for row in rows:
            self.table.append_row(row)
        self.entities += len(chunk)

    def _take_outcomes(self, chunk: list[EntityFacts], answered: Outcomes) -> None:
        """The chunk's outcomes kept as answered, each checked by the parent's own compiled tree (its
        rows, one per rule in force and entity, are made from it only when read: complete by construction)."""
        tree = self.tree
        if tree is None or answered.leaves != tree.order or len(answered.outcomes) != len(chunk):
            raise EngineError(f"pekerja mengembalikan hasil yang tidak dikenal untuk {self.entity_type}")
        self.table.append_outcomes(self.tree_number, self.entity_type, [entity.entity_id for entity in chunk],
                                   answered.outcomes)
        self.entities += len(chunk)


@contextmanager
def _frozen() -> Iterator[bool]:
    """The objects alive before, out of the garbage collector's full passes while the parent takes
    the answers: it keeps objects for every entity, which start those passes, and each pass would walk
    the whole data set the run holds (millions of objects) to free none of it (measured at 100k: 5
    full passes, ≈ 0.7 of the parent's 5.5 CPU-s in this stage). Left as found if frozen already;
    says whether it froze them."""
    if gc.get_freeze_count():
        yield False
        return
    gc.freeze()
    try:
        yield True
    finally:
        gc.unfreeze()


Chunk = tuple[str, list[EntityFacts]]  # an entity type, and entities of it (a chunk of the facts stage)


class WorkerRules:
    """A year's decisions, evaluated by the workers of ``pool`` chunk by chunk, as the chunks are given.

    The chunks are given in order (every chunk of the first entity type of ``ENTITY_ORDER``, then
    the next type's): while the facts stage makes them (``give``, an answer already there taken
    meanwhile, nothing waited for), or all at once when the facts are made (``finish``). A few
    chunks per worker are in flight at any time, across the turn from one entity type to the next
    (no worker waits there), and answers are taken in order. Each chunk sent carries its fact
    rows as one pickle (the spool's block as written, in a large run): queuing every chunk at once
    held all the facts of a run in the queue, ≈ 0.5 GB at a million entities. A chunk given while
    that many are in flight waits here, as the entities it names (kept by the facts stage anyway).
    """

    def __init__(self, receivers: dict[str, _Receiver], decisions: DecisionTable, year: int, workers: int,
                 totals: dict[str, int], progress: Callable[[str, int, int], None] | None):
        self.receivers = receivers
        self.decisions = decisions
        self.year = year
        self.totals = totals  # entities of each type, for ``progress``
        self.progress = progress
        self.bound = IN_FLIGHT_PER_WORKER * workers + 1  # chunks sent and not yet taken
        self.pool: ProcessPoolExecutor | None = None
        self.froze = False  # whether the objects alive before were frozen (``_frozen``)
        self.waiting: deque[Chunk] = deque()  # given, not yet sent
        self.in_flight: deque[tuple[str, list[EntityFacts], Future[list[DecisionRow] | Outcomes]]] = deque()

    def give(self, entity_type: str, chunk: list[EntityFacts]) -> None:
        """A chunk whose facts are made (and spooled): sent if fewer than the bound are in flight;
        the answers already come are taken, none is waited for."""
        self.waiting.append((entity_type, chunk))
        self._move(iter(()), wait=False)

    def finish(self, rest: Iterable[Chunk] = ()) -> DecisionTable:
        """Every decision, once the chunks given and then ``rest`` (read as they are sent) are answered."""
        if self.froze:  # the objects made since (the facts stage's), out of the full passes too
            gc.freeze()
        self._move(iter(rest), wait=True)
        return self.decisions

    def _move(self, rest: Iterator[Chunk], wait: bool) -> None:
        """Sends chunks waiting (then those of ``rest``) while fewer than the bound are in flight, and
        takes the answers in order: each as it comes (``wait``) or those already come."""
        while True:
            while len(self.in_flight) < self.bound:
                following = self.waiting.popleft() if self.waiting else next(rest, None)
                if following is None:
                    break
                self.in_flight.append(self._send(*following))
            if not self.in_flight or not (wait or self.in_flight[0][2].done()):
                return
            entity_type, chunk, future = self.in_flight.popleft()
            receiver = self.receivers[entity_type]
            receiver.take(chunk, answer_of(future))
            if self.progress is not None:
                self.progress(entity_type, receiver.entities, self.totals[entity_type])

    def _send(self, entity_type: str, chunk: list[EntityFacts]
              ) -> tuple[str, list[EntityFacts], Future[list[DecisionRow] | Outcomes]]:
        assert self.pool is not None
        ids = [entity.entity_id for entity in chunk]
        # the facts' ready texts where the run made them (the lean path asserts them as they are), else the rows
        texts = pickled_fact_texts(chunk) if RULES_PATH == "lean" else None
        facts = texts if texts is not None else pickled_fact_rows(chunk)
        return entity_type, chunk, submitted(self.pool, _evaluate_chunk, entity_type, self.year, ids, facts,
                                             RULES_PATH, texts is not None)


def worker_pool(book: RuleBook, workers: int) -> AbstractContextManager[ProcessPoolExecutor]:
    """``workers`` processes for ``rules_in_workers``, each with ``book``'s rules folder loaded (its version checked)."""
    return process_pool(workers, _start_worker, (book.directory, book.version))


def rules_compile(book: RuleBook, year: int, entity_types: Iterable[str]) -> bool:
    """Whether ``year``'s rules of each of ``entity_types`` compile, as ``rules_in_workers`` compiles them
    before it takes any worker (milliseconds)."""
    try:
        for entity_type in entity_types:
            compile_ruleset(book, entity_type, year)
    except CompileError:
        return False
    return True


def start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """The pool's ``workers`` processes started now, not with the first chunk sent: a pool of spawned
    processes starts one for each task given while none is idle."""
    for _ in range(workers):
        pool.submit(_started)


def _started() -> None:
    """A worker's first task: nothing, once its rules folder is loaded (``start_workers``)."""


@contextmanager
def rules_in_workers(
    book: RuleBook, year: int, workers: int, totals: dict[str, int],
    progress: Callable[[str, int, int], None] | None = None, spool: BlockSpool | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> Iterator[WorkerRules]:
    """``workers`` processes, ready to evaluate the chunks of ``totals``' entity types (how many entities
    each has, in ``ENTITY_ORDER``) for ``year``; the decisions kept in ``spool`` when one is given.

    The rules are compiled here before any process starts (a rule that does not compile stops the run
    here). The processes start with the first chunk sent; when the block ends with an exception
    (a worker's failure, a bad fact, Ctrl-C while the facts are still made) they are killed at once.
    ``pool``: the ``worker_pool`` of ``workers`` processes to use, started earlier (its owner ends it).
    """
    decisions = DecisionTable(spool=spool)
    receivers = {entity_type: _Receiver(compile_ruleset(book, entity_type, year), decisions)  # no durable_rules host
                 for entity_type in totals}
    rules = WorkerRules(receivers, decisions, year, workers, totals, progress)
    with ExitStack() as stack:
        rules.pool = pool if pool is not None else stack.enter_context(worker_pool(book, workers))
        rules.froze = stack.enter_context(_frozen())
        yield rules


def evaluate_in_workers(
    book: RuleBook, entities: dict[str, list[EntityFacts]], year: int, workers: int,
    progress: Callable[[str, int, int], None] | None = None, spool: BlockSpool | None = None,
) -> DecisionTable:
    """Decisions of every entity, evaluated by ``workers`` processes (``WorkerRules``); kept in
    ``spool`` when one is given."""
    with rules_in_workers(book, year, workers, {kind: len(group) for kind, group in entities.items()},
                          progress, spool) as rules:
        return rules.finish(_chunks(entities))

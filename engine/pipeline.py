"""One run, one direction: read → validate → facts → rules → tags → indicators.

A run covers one year or a series of years (``run_series``): the data is read and turned into facts
once, then each year is evaluated with the rules and parameters in force on its 31 December.

No output is written here (see ``engine.outputs``); the CLI wires the two together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from operator import itemgetter
from pathlib import Path

import structlog

from engine.decisions import DecisionTable, Given, TagTriple
from engine.evaluate import Evaluator
from engine.fact_chunks import FactChunks, chunked_entities
from engine.fact_places import RowOwners
from engine.fact_projection import YearProjections, projections_of
from engine.facts import ENTITY_ORDER, ENTITY_TABLES, EntityFacts, build_entities
from engine.indicators.compute import IndicatorResult, TagIndex, compute_indicators, tables_read
from engine.indicators.model import Profile
from engine.indicators.scope import ProvinceScope, province_scope
from engine.indicators.targets import Capaian, capaian_of
from engine.ingest.dataset import Dataset, load_dataset
from engine.ingest.policy import DataPolicy
from engine import parallel
from engine.lean_evaluate import LeanEvaluator
from engine.parallel import (CHUNK, WorkerRules, default_workers, evaluate_in_workers, rules_compile, rules_in_workers,
                             start_workers, worker_pool)
from engine.rules import DEFAULT_RULES
from engine.rules.compiler import CompileError, compile_ruleset
from engine.rules.load import load_rulebook
from engine.rules.rulebook import RuleBook
from engine.spool import BlockSpool

log = structlog.get_logger("iku.pipeline")
Progress = Callable[[str, int, int], None]


class UnknownProfile(Exception):
    pass


@dataclass(frozen=True, slots=True)
class TagRow:
    entity_type: str
    entity_id: str
    tag: str
    rule_id: str
    year: int


@dataclass
class RunResult:
    book: RuleBook
    profile: Profile
    year: int
    dataset: Dataset
    entities: dict[str, list[EntityFacts]]
    decisions: DecisionTable
    indicators: list[IndicatorResult]
    started: datetime
    finished: datetime
    scope: ProvinceScope  # which entities lie outside the profile's province (out of every indicator)
    timings: dict[str, float] = field(default_factory=dict)
    owners: RowOwners | None = None  # the related rows' owners as read (``fact_places``), for the record's citations

    @property
    def outside_province(self) -> dict[str, int]:
        """Per table (koperasi, ukm), how many entities lie outside the profile's province."""
        return self.scope.counts()

    def in_scope(self, entity_type: str, entity_id: str) -> bool:
        return self.scope.in_scope(entity_type, entity_id)

    def tag_rows(self) -> Iterator[TagRow]:
        """Every tag given, by entity type (in ``ENTITY_ORDER``), entity id and tag; made as they are read."""
        return tag_rows(self.decisions.given())


def tag_rows(given: Iterable[Given]) -> Iterator[TagRow]:
    """Every tag of ``given`` (``DecisionTable.given``, ``decisions.given_in``), by entity type (in
    ``ENTITY_ORDER``), entity id and tag (``tags_by_entity``)."""
    for entity_type, entity_id, triples in tags_by_entity(given):
        for tag_name, rule_id, year in triples:
            yield TagRow(entity_type, entity_id, tag_name, rule_id, year)


def tags_by_entity(given: Iterable[Given]) -> Iterator[tuple[str, str, Sequence[TagTriple]]]:
    """Each entity's tags of ``given``, by entity type (in ``ENTITY_ORDER``), entity id and tag (equal
    tags of an entity in the order given; all are read before the first entity is given). An
    entity's tags given at once (a compact outcome's, sorted already) are kept as the one tuple of its mask."""
    by_type: dict[str, dict[str, tuple[TagTriple, ...] | list[TagTriple]]] = {kind: {} for kind in ENTITY_ORDER}
    for entity_type, entity_id, triples in given:
        of_type = by_type[entity_type]
        earlier = of_type.get(entity_id)
        if earlier is None:
            of_type[entity_id] = triples
        elif isinstance(earlier, list):
            earlier.extend(triples)
        else:
            of_type[entity_id] = [*earlier, *triples]
    tag = itemgetter(0)
    for entity_type, by_entity in by_type.items():
        for entity_id in sorted(by_entity):
            held = by_entity[entity_id]
            yield entity_type, entity_id, (sorted(held, key=tag) if isinstance(held, list) else held)


@dataclass(frozen=True)
class Decided:
    """Every year of a run decided: the rules, each year's decisions and the entities the years share.
    What the outputs that read no indicator are made from (tags.csv, the record's source rows and
    outcomes): they can start before the last year's indicators are counted (``run_series``)."""

    book: RuleBook
    years: tuple[int, ...]
    decisions: tuple[DecisionTable, ...]  # a year's, in ``years`` order
    entities: dict[str, list[EntityFacts]]

    @classmethod
    def of(cls, run: RunResult | SeriesResult | Decided) -> Decided:
        """What a year, a series or a run being decided decided."""
        return run if isinstance(run, Decided) else SeriesResult.of(run).decided


@dataclass
class SeriesResult:
    """The years of one run, in ascending order, sharing one data set, its facts and the rules folder."""

    results: tuple[RunResult, ...]
    started: datetime
    finished: datetime
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, run: RunResult | SeriesResult) -> SeriesResult:
        """A series as it is, or one year as a series of one."""
        return run if isinstance(run, SeriesResult) else cls((run,), run.started, run.finished, run.timings)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(result.year for result in self.results)

    @property
    def last(self) -> RunResult:
        """The last year: what a single-year reader (and the top-level fields) shows."""
        return self.results[-1]

    @property
    def book(self) -> RuleBook:
        return self.last.book

    @property
    def profile(self) -> Profile:
        return self.last.profile

    @property
    def dataset(self) -> Dataset:
        return self.last.dataset

    def year(self, year: int) -> RunResult:
        return next(result for result in self.results if result.year == year)

    @property
    def decided(self) -> Decided:
        return Decided(self.book, self.years, tuple(result.decisions for result in self.results), self.last.entities)

    def capaian(self) -> list[Capaian]:
        """The LKjIP table: per indicator (the profile's order) and year, target, realisasi, capaian."""
        targets = self.book.targets.get(self.profile.id)
        rows = []
        for definition in self.profile.indicators:
            for result in self.results:
                value = next(i for i in result.indicators if i.id == definition.id)
                target = targets.value_for(definition.id, result.year) if targets is not None else None
                rows.append(capaian_of(definition.id, definition.name, definition.unit, result.year, value.nilai,
                                       definition.direction, target))
        return rows


def profile_of(book: RuleBook, profile_id: str) -> Profile:
    if profile_id not in book.profiles:
        known = ", ".join(sorted(book.profiles))
        raise UnknownProfile(f"profil '{profile_id}' tidak dikenal; yang ada: {known}")
    return book.profiles[profile_id]


def evaluate_entities(
    book: RuleBook, entities: dict[str, list[EntityFacts]], year: int, progress: Progress | None = None,
    workers: int = 0, spool: BlockSpool | None = None,
) -> DecisionTable:
    """Decisions for every entity; ``workers`` processes (0: one per core for large inputs), which
    keep the decisions in ``spool`` if one is given."""
    workers = workers or default_workers(sum(len(group) for group in entities.values()))
    if workers > 1:
        return evaluate_in_workers(book, entities, year, workers, progress, spool)
    decisions = DecisionTable()
    for entity_type, group in entities.items():
        if parallel.RULES_PATH == "lean":
            decisions.extend(LeanEvaluator(book, entity_type, year).evaluate_all(group, progress))
        else:
            decisions.extend(DecisionTable.of(Evaluator(book, entity_type, year).evaluate_all(group, progress)))
    return decisions


def registered_ids(entities: dict[str, list[EntityFacts]], scope: ProvinceScope) -> dict[str, list[str]]:
    """The ids the indicators count: every entity inside the profile's province."""
    return {entity_type: [entity.entity_id for entity in group if scope.in_scope(entity_type, entity.entity_id)]
            for entity_type, group in entities.items()}


def entities_of(
    dataset: Dataset, chunks: FactChunks | None = None, spooled: Callable[[str, list[EntityFacts]], None] | None = None,
) -> dict[str, list[EntityFacts]]:
    """Every entity of every type with its facts, in the order outputs list them; with ``chunks``
    (the sink the data set was read into), the facts gathered there, kept in the run's spool, each
    chunk then given to ``spooled`` if given (in order: ``parallel.WorkerRules.give``)."""
    if chunks is None:
        return {entity_type: build_entities(dataset, entity_type) for entity_type in ENTITY_ORDER}
    return {entity_type: chunked_entities(dataset, entity_type, chunks, spooled) for entity_type in ENTITY_ORDER}


def rules_alongside_facts(
    stack: ExitStack, book: RuleBook, year: int, workers: int, dataset: Dataset, progress: Progress | None,
    spool: BlockSpool, pool: ProcessPoolExecutor | None = None,
) -> WorkerRules | None:
    """The workers that evaluate ``year`` while the facts stage makes the chunks, kept by ``stack`` (closed:
    the workers end; an exception meanwhile: they are killed); None for a run in this process alone, or
    rules that do not compile (the rules stage says why, after the facts, as it always did).
    ``pool``: their processes, started while the data was read (``WorkersAhead``)."""
    if workers <= 1:
        return None
    totals = {entity_type: len(dataset.table(table)) for entity_type, (table, _, _) in ENTITY_TABLES.items()}
    try:
        return stack.enter_context(rules_in_workers(book, year, workers, totals, progress, spool, pool))
    except CompileError:
        return None


class WorkersAhead:
    """The first year's rules workers, started while the data is still read, as soon as the entity tables
    read so far (``TABLES`` reads them first) make the run one for several processes: their start (an
    interpreter, the imports, the rules folder: ≈ 0.7 CPU-s each) then takes the core the reading leaves
    idle, not the facts stage's, where the workers begin evaluating at once. None start for rules that
    do not compile (``rules_alongside_facts`` takes no worker then). Kept by ``stack``, as the workers
    ``rules_alongside_facts`` makes."""

    def __init__(self, stack: ExitStack, book: RuleBook, year: int, workers: int):
        self.stack = stack
        self.book = book
        self.year = year  # the first year's
        self.workers = workers  # as asked: 0 for one per core in a large run
        self.pool: ProcessPoolExecutor | None = None
        self.settled = workers == 1  # whether it is known that none start here, or they have started

    def read(self, dataset: Dataset) -> None:
        """Told the data set after each table read: starts the workers once it is large enough."""
        if self.settled:
            return
        workers = self.workers or default_workers(entity_count(dataset))
        if workers > 1:
            self.settled = True
            if rules_compile(self.book, self.year, ENTITY_TABLES):
                self.pool = self.stack.enter_context(worker_pool(self.book, workers))
                start_workers(self.pool, workers)


def entity_count(dataset: Dataset) -> int:
    return sum(len(dataset.table(table)) for table, _, _ in ENTITY_TABLES.values())


def scope_of(profile: Profile, dataset: Dataset) -> ProvinceScope:
    return province_scope(dataset, profile.province.code, profile.province.name)


def data_policy(book: RuleBook, year: int | Sequence[int]) -> DataPolicy:
    """The rules folder's known regions and the legality kinds counted in ``year`` (31 December);
    for a series, the kinds counted in any of its years (a row is rejected only if no year counts it)."""
    parameter = book.parameters.get("jenis_legalitas_dihitung")
    years = [year] if isinstance(year, int) else list(year)
    # None (no kind checked): no such parameter, or none in force in a year before the legality rule
    versions = [parameter.version_for(date(one, 12, 31)) for one in years] if parameter is not None else []
    values = [version.value for version in versions if version is not None]
    kinds = list(dict.fromkeys(kind for value in values for kind in value)) if values else None
    return DataPolicy.of(book.regions, kinds, book.provinces)


def indicators_of(
    book: RuleBook, profile: Profile, dataset: Dataset, entities: dict[str, list[EntityFacts]],
    decisions: DecisionTable, year: int, scope: ProvinceScope | None = None,
) -> list[IndicatorResult]:
    """The profile's indicators over the entities inside its province (``scope``, worked out if not given)."""
    scope = scope if scope is not None else scope_of(profile, dataset)
    return compute_indicators(book, profile, dataset, TagIndex(decisions, registered_ids(entities, scope)), year)


def fact_projections(book: RuleBook, years: Sequence[int]) -> YearProjections | None:
    """How the facts of each entity type with related tables are given to durable_rules, so that their
    texts are made while the data is read (``fact_texts``); None for a series of years (which values
    and rows are given depend on the year's rules) or rules that do not compile (the rules stage says why)."""
    if len(years) != 1:
        return None
    try:
        return YearProjections(years[0], {entity_type: projections_of(compile_ruleset(book, entity_type, years[0]))
                                          for entity_type, (_, _, related) in ENTITY_TABLES.items() if related})
    except CompileError:
        return None


def tables_still_read(profile: Profile) -> set[str]:
    """Input tables read after the facts are built: the entities' own (names, regions) and the indicators'."""
    return {table for table, _, _ in ENTITY_TABLES.values()} | tables_read(profile)


def run(
    data: Path, profile_id: str, year: int, rules: Path = DEFAULT_RULES, progress: Progress | None = None,
    workers: int = 0, spool_dir: Path | None = None,
) -> RunResult:
    """One year: the series of that year alone."""
    return run_series(data, profile_id, (year,), rules, progress, workers, spool_dir).last


def run_series(
    data: Path, profile_id: str, years: Sequence[int], rules: Path = DEFAULT_RULES, progress: Progress | None = None,
    workers: int = 0, spool_dir: Path | None = None, decided: Callable[[Decided], None] | None = None,
    sized: Callable[[int], None] | None = None,
) -> SeriesResult:
    """Every year of ``years`` (ascending, distinct) from ONE reading of the data: the facts are made
    once, each year is evaluated with the rules and parameters in force on its 31 December.
    ``sized``: told how many entities the data holds so far after each table read (the entities' own
    tables come first), the last time before the facts are made.
    ``decided``: told every year's decisions once the last year's are made, before its indicators."""
    if not years or list(years) != sorted(set(years)):
        raise ValueError(f"tahun seri harus naik dan berbeda: {list(years)}")  # engine.years makes them so
    started = datetime.now(timezone.utc)
    clock = Stopwatch()
    book = load_rulebook(rules)
    profile = profile_of(book, profile_id)
    # Facts, and a large run's decisions, are kept in a scratch file in spool_dir (the system's
    # temporary folder if None), unlinked at once, gone with the run; read back a block at a time.
    # The tables that only give facts are not kept as records: their rows go to the chunks as facts.
    spool = BlockSpool(spool_dir)
    chunks = FactChunks(spool, CHUNK, kept=tables_still_read(profile),
                        projections=fact_projections(book, years) if workers != 1 else None)
    with ExitStack() as alongside:
        ahead = WorkersAhead(alongside, book, years[0], workers)

        def read(dataset: Dataset) -> None:  # after each table
            ahead.read(dataset)
            if sized is not None:
                sized(entity_count(dataset))

        with clock("ingest"):
            dataset = load_dataset(data, chunks, data_policy(book, years), read=read).with_records(chunks.set_aside)
        log.info("data dibaca", tabel=len(dataset.counts), ditolak=len(dataset.rejects))
        workers = workers or default_workers(entity_count(dataset))
        # The first year's workers evaluate each chunk as soon as the facts stage has made it. "facts":
        # until the last chunk is made (and sent, the answers come meanwhile taken); "rules": from
        # then until the last answer is taken and the workers have ended.
        early = rules_alongside_facts(alongside, book, years[0], workers, dataset, progress, spool, ahead.pool)
        with clock("facts"):
            entities = entities_of(dataset, chunks, early.give if early is not None else None)
        owners = chunks.owners
        del chunks  # what it gathered is in the spool now; its index of a million ids is not needed
        scope = scope_of(profile, dataset)
        log.info("cakupan provinsi", provinsi=profile.province.code, di_luar_provinsi=scope.counts())
        results = []
        for year in years:
            year_clock = Stopwatch()
            # the first year's run starts with the reading of the data, the others when their rules do
            year_started = started if not results else datetime.now(timezone.utc)
            with clock("rules"), year_clock("rules"):
                if early is not None:
                    decisions = early.finish()
                    alongside.close()  # the workers end with the year's rules, as the later years' do
                    early = None
                else:
                    decisions = evaluate_entities(book, entities, year, progress, workers,
                                                  spool if workers > 1 else None)
            if decided is not None and year == years[-1]:
                decided(Decided(book, tuple(years), (*(result.decisions for result in results), decisions), entities))
            with clock("indicators"), year_clock("indicators"):
                indicators = indicators_of(book, profile, dataset, entities, decisions, year, scope)
            decisions.forget_given_tags()
            for indicator in indicators:
                if indicator.not_in_force:
                    log.warning("aturan belum berlaku", tahun=year, indikator=indicator.id, alasan=indicator.catatan)
            # the shared stages (reading, facts) are counted in each year's timings as they were spent once
            timings = {**{k: v for k, v in clock.seconds.items() if k in ("ingest", "facts")}, **year_clock.seconds}
            results.append(RunResult(book, profile, year, dataset, entities, decisions, indicators, year_started,
                                     datetime.now(timezone.utc), scope, timings, owners))
    return SeriesResult(tuple(results), started, datetime.now(timezone.utc), clock.seconds)


class Stopwatch:
    """Seconds spent per stage, for the benchmark and the run record."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start

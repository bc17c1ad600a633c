"""One run, one direction: read → validate → facts → rules → tags → indicators.

No output is written here (see ``engine.outputs``); the CLI wires the two together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from operator import itemgetter
from pathlib import Path

import structlog

from engine.decisions import DecisionTable
from engine.evaluate import Evaluator
from engine.fact_chunks import FactChunks, chunked_entities
from engine.facts import ENTITY_ORDER, ENTITY_TABLES, EntityFacts, build_entities
from engine.indicators.compute import IndicatorResult, TagIndex, compute_indicators, tables_read
from engine.indicators.model import Profile
from engine.indicators.scope import ProvinceScope, province_scope
from engine.ingest.dataset import Dataset, load_dataset
from engine.ingest.policy import DataPolicy
from engine import parallel
from engine.lean_evaluate import LeanEvaluator
from engine.parallel import CHUNK, default_workers, evaluate_in_workers
from engine.rules.load import load_rulebook
from engine.rules.rulebook import RuleBook
from engine.spool import BlockSpool

log = structlog.get_logger("iku.pipeline")
Progress = Callable[[str, int, int], None]
DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules"


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

    @property
    def outside_province(self) -> dict[str, int]:
        """Per table (koperasi, ukm), how many entities lie outside the profile's province."""
        return self.scope.counts()

    def in_scope(self, entity_type: str, entity_id: str) -> bool:
        return self.scope.in_scope(entity_type, entity_id)

    def tag_rows(self) -> Iterator[TagRow]:
        """Every tag given, by entity type (in ``ENTITY_ORDER``), entity id and tag; made as they are read."""
        given: dict[str, dict[str, list[tuple[str, str, int]]]] = {entity_type: {} for entity_type in ENTITY_ORDER}
        shared: dict[tuple[str, str, int], tuple[str, str, int]] = {}  # a few per rule: one object each
        for entity_type, entity_id, year, rule_id, _, tag, is_given, _ in self.decisions.rows():
            if is_given:
                triple = (tag, rule_id, year)
                given[entity_type].setdefault(entity_id, []).append(shared.setdefault(triple, triple))
        for entity_type, by_entity in given.items():
            for entity_id in sorted(by_entity):
                for tag, rule_id, year in sorted(by_entity[entity_id], key=itemgetter(0)):
                    yield TagRow(entity_type, entity_id, tag, rule_id, year)


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


def entities_of(dataset: Dataset, chunks: FactChunks | None = None) -> dict[str, list[EntityFacts]]:
    """Every entity of every type with its facts, in the order outputs list them; with ``chunks``
    (the sink the data set was read into), the facts gathered there, kept in the run's spool."""
    if chunks is None:
        return {entity_type: build_entities(dataset, entity_type) for entity_type in ENTITY_ORDER}
    return {entity_type: chunked_entities(dataset, entity_type, chunks) for entity_type in ENTITY_ORDER}


def entity_count(dataset: Dataset) -> int:
    return sum(len(dataset.table(table)) for table, _, _ in ENTITY_TABLES.values())


def scope_of(profile: Profile, dataset: Dataset) -> ProvinceScope:
    return province_scope(dataset, profile.province.code, profile.province.name)


def data_policy(book: RuleBook, year: int) -> DataPolicy:
    """The rules folder's known regions and the legality kinds counted in ``year`` (31 December)."""
    parameter = book.parameters.get("jenis_legalitas_dihitung")
    # None (no kind checked): no such parameter, or none in force in a year before the legality rule
    version = parameter.version_for(date(year, 12, 31)) if parameter is not None else None
    return DataPolicy.of(book.regions, version.value if version is not None else None, book.provinces)


def indicators_of(
    book: RuleBook, profile: Profile, dataset: Dataset, entities: dict[str, list[EntityFacts]],
    decisions: DecisionTable, year: int, scope: ProvinceScope | None = None,
) -> list[IndicatorResult]:
    """The profile's indicators over the entities inside its province (``scope``, worked out if not given)."""
    scope = scope if scope is not None else scope_of(profile, dataset)
    return compute_indicators(book, profile, dataset, TagIndex(decisions, registered_ids(entities, scope)), year)


def tables_still_read(profile: Profile) -> set[str]:
    """Input tables read after the facts are built: the entities' own (names, regions) and the indicators'."""
    return {table for table, _, _ in ENTITY_TABLES.values()} | tables_read(profile)


def run(
    data: Path, profile_id: str, year: int, rules: Path = DEFAULT_RULES, progress: Progress | None = None,
    workers: int = 0, spool_dir: Path | None = None,
) -> RunResult:
    started = datetime.now(timezone.utc)
    clock = Stopwatch()
    book = load_rulebook(rules)
    profile = profile_of(book, profile_id)
    # Facts, and a large run's decisions, are kept in a scratch file in spool_dir (the system's
    # temporary folder if None), unlinked at once, gone with the run; read back a block at a time.
    # The tables that only give facts are not kept as records: their rows go to the chunks as facts.
    spool = BlockSpool(spool_dir)
    chunks = FactChunks(spool, CHUNK, kept=tables_still_read(profile))
    with clock("ingest"):
        dataset = load_dataset(data, chunks, data_policy(book, year)).with_records(chunks.set_aside)
    log.info("data dibaca", tabel=len(dataset.counts), ditolak=len(dataset.rejects))
    workers = workers or default_workers(entity_count(dataset))
    with clock("facts"):
        entities = entities_of(dataset, chunks)
    del chunks  # what it gathered is in the spool now; its index of a million ids is not needed
    with clock("rules"):
        decisions = evaluate_entities(book, entities, year, progress, workers, spool if workers > 1 else None)
    with clock("indicators"):
        scope = scope_of(profile, dataset)
        indicators = indicators_of(book, profile, dataset, entities, decisions, year, scope)
    log.info("cakupan provinsi", provinsi=profile.province.code, di_luar_provinsi=scope.counts())
    for indicator in indicators:
        if indicator.not_in_force:
            log.warning("aturan belum berlaku", indikator=indicator.id, alasan=indicator.catatan)
    return RunResult(book, profile, year, dataset, entities, decisions, indicators, started,
                     datetime.now(timezone.utc), scope, clock.seconds)


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

"""Writes a run's record, ``run.sqlite``, into the folder it is given (the run's own folder, switched
in whole by ``engine.outputs.folder``; readers open ``DIR/run.sqlite`` through its link).

Built in a temporary file beside it, in ONE transaction (schema and rows), and moved into place in
one step, so the file is complete or absent, never half of one. Not copied packed (``VACUUM INTO``,
as it was): the copy cost ≈ 0.4 CPU-s at the national registry's size for ≈ 4 % fewer bytes.

A large run's source rows (``src_<table>``) and outcomes (``OUTCOME_TABLES``) are built by another
process meanwhile, in a file of their own (``engine.runstore.sources``); the transaction copies them
from there (``SourceRows``). Either way the outcomes are made by ``OutcomeTables``: only where the places
of the cited rows come from differs (``fact_places``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, groupby, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import NamedTuple

from engine.decisions import COMPACT, ClauseRow, DecisionRow, Item, OutcomeRows, expand_item
from engine.explain.indicator import indicator_header
from engine.explain.ruleview import RuleView, known_tags
from engine.explain.source import rule_views_in
from engine.fact_places import CitedRows, Places, split
from engine.facts import ENTITY_ORDER, FactRow, fact_layout
from engine.indicators.compute import IndicatorResult
from engine.outputs.entities import EntityInfo, EntityKey, entity_directory
from engine.outputs.files import atomic_path
from engine.pipeline import Decided, RunResult, SeriesResult
from engine.runstore.layout import SQL_TYPES, SourceLayout, source_layouts
from engine.runstore.rulecodec import encode_rule
from engine.runstore.schema import (INDEXES, MAX_BITS, ROLES, SCHEMA, SCHEMA_VERSION, evidence_view,
                                    source_table_name)
from engine.runstore.strata import sample_frame
from engine.runstore.values import insert_columns, insert_rows, insert_values

Row = tuple[object, ...]
BATCH = 20_000  # entities whose rows are gathered before one executemany per table
NODE, HELD = itemgetter(0), itemgetter(1)  # of a clause row
ENTITY, RULE_ID, GIVEN, CLAUSES = itemgetter(0, 1), itemgetter(3), itemgetter(6), itemgetter(7)  # of a decision row
ENTITY_ID, ENTITY_TYPE = attrgetter("entity_id"), attrgetter("entity_type")  # of an entity's facts, a member
NILAI_SEBELUM, NILAI = attrgetter("nilai_sebelum"), attrgetter("nilai")  # of an indicator's member
NAMA, REGION_CODE, SOURCE_ROW = attrgetter("nama"), attrgetter("region.code"), attrgetter("row")  # of an EntityInfo


@dataclass(frozen=True)
class _TypeRules:
    """The rules of one entity type in force in one year, in position order: their keys in the
    record and ids, every clause node of them in order (rule by rule, each rule's in bit order),
    where each rule's nodes start in that order, and the clauses whose leaf reads a table
    (position, bit, table, rule key)."""

    keys: tuple[int, ...]
    rule_ids: tuple[str, ...]
    nodes: tuple[str, ...]
    starts: tuple[int, ...]  # one more than the rules: the last is the number of nodes
    on_tables: tuple[tuple[int, int, str, int], ...]

    def held_on_tables(self, count: int, flags: bytes) -> tuple[tuple[int, int, str, int], ...]:
        """Of the clauses on a table of the first ``count`` rules, those whose flag (one byte per
        clause, in ``nodes`` order) is set: (index in that order, bit, table, rule key)."""
        return tuple((self.starts[position] + bit, bit, table, rule) for position, bit, table, rule in self.on_tables
                     if position < count and flags[self.starts[position] + bit])

    @classmethod
    def of(cls, keys: list[int], views: list[RuleView]) -> _TypeRules:
        starts = [0]
        for view in views:
            starts.append(starts[-1] + len(view.nodes))
        return cls(tuple(keys), tuple(view.rule_id for view in views),
                   tuple(node for view in views for node in view.nodes), tuple(starts),
                   tuple((position, bit, node.leaf.table, key)
                         for position, (key, view) in enumerate(zip(keys, views))
                         for bit, node in enumerate(view.nodes.values())
                         if node.leaf is not None and node.leaf.table is not None))


class _Rules:
    """The rules in force in each year of the run with their keys in the record (numbered across
    the years), each rule's position among its entity type's rules of that year (its bit in a
    verdict's ``given`` mask) and each clause's bit in a rule's ``held`` mask."""

    def __init__(self, decided: Decided):
        self.years: list[int] = []
        self.views: list[RuleView] = []
        for year in decided.years:
            for kind in ENTITY_ORDER:
                for view in rule_views_in(decided.book, year, kind):
                    self.years.append(year)
                    self.views.append(view)
        grouped: dict[tuple[int, str], list[int]] = {}
        for key, (year, view) in enumerate(zip(self.years, self.views)):
            grouped.setdefault((year, view.entity_type), []).append(key)
        self.position = [0] * len(self.views)
        self.of: dict[tuple[int, str], _TypeRules] = {}
        for (year, kind), keys in grouped.items():
            _check_width(f"{kind} tahun {year}", "aturan", len(keys))
            for position, key in enumerate(keys):
                self.position[key] = position
                _check_width(self.views[key].rule_id, "klausa", len(self.views[key].nodes))
            self.of[(year, kind)] = _TypeRules.of(keys, [self.views[key] for key in keys])
        self.layouts = source_layouts(self.views)  # source columns any year's clauses compare
        # the tables a clause cites rows of (the places of an entity's rows in them: ``fact_places``)
        self.cited = frozenset(table for plan in self.of.values() for _, _, table, _ in plan.on_tables)

    def rows(self) -> Iterator[Row]:
        for key, view in enumerate(self.views):
            yield (key, self.years[key], view.entity_type, self.position[key], view.rule_id, view.version, view.tag,
                   view.name, encode_rule(view).decode())

    def clause_rows(self) -> Iterator[Row]:
        for key, view in enumerate(self.views):
            for bit, node in enumerate(view.nodes.values()):
                leaf = node.leaf
                yield (key, bit, node.node, node.kind, leaf.table if leaf else None,
                       leaf.text if leaf else node.text, leaf.failed_text if leaf else None)


def _check_width(what: str, items: str, count: int) -> None:
    if count > MAX_BITS:
        raise ValueError(f"{what}: {count} {items}, catatan run menyimpan paling banyak {MAX_BITS} {items} "
                         "sebagai bit satu bilangan")


class _Outcomes:
    """Each entity's outcome in a year as the keys of its verdict (how its rules came out) and its
    citation (which of its source rows the held clauses cite), each distinct one numbered once.

    An entity kept as a compact outcome (a mask of the record leaves that held and their evidence)
    takes the plan of its mask (``_Plan``), worked out once per tree and mask: only its evidence is
    its own. An entity kept as rows is read a whole entity at a time (its clauses as one flat
    sequence), not clause by clause: a run makes millions of clause results."""

    def __init__(self, rules: _Rules):
        self.rules = rules
        # (year, type, given flags, held flags of every clause in order) → key
        self.verdicts: dict[tuple[int, str, bytes, bytes], int] = {}
        self.citations: dict[tuple[object, ...], int] = {}  # ((rule key, bit, places), …) → key
        # per verdict, its held clauses on a table (as ``_TypeRules.held_on_tables``): worked out once
        # for each distinct verdict, not for each entity
        self.cites: list[tuple[tuple[int, int, str, int], ...]] = []
        self.plans: dict[tuple[OutcomeRows, int], _Plan] = {}  # (tree, mask) → its plan
        # (plan number, how many rows each evidence the plan cites names, their places) → the citation's key
        # (None: cites none)
        self.planned: dict[tuple[int, tuple[int, ...], tuple[int, ...]], int | None] = {}

    def row(self, year: int, entity: int, decisions: list[DecisionRow] | _Compact, nths: Places) -> Row:
        """An entity's decisions (in rule order, or its compact outcome); ``nths`` finds the places of
        the rows its evidence names among the entity's (what a citation names them by)."""
        if isinstance(decisions, _Compact):
            plan = self.plans.get((decisions.tree, decisions.mask))
            if plan is None:
                plan = self._plan(year, decisions)
            verdict, number, tables, constants, picks, cites = plan
            evidence = tuple(map((constants + decisions.found).__getitem__, picks))
            # the places, flat, with how many each source has: as distinct as the places per source
            known = (number, tuple(map(len, evidence)), nths(tables, evidence))
            citation = self.planned.get(known, -1)
            if citation == -1:
                places = split(known[2], known[1])
                citation = self.planned[known] = self._key(
                    tuple((rule, bit, places[index]) for rule, bit, index in cites if places[index]))
            return (year, entity, verdict, citation)
        else:
            verdict, clauses = self._verdict(year, decisions)
            cited = [(rule, bit, table, clauses[clause][2]) for clause, bit, table, rule in self.cites[verdict]]
        return (year, entity, verdict, self._citation(cited, nths))

    def _verdict(self, year: int, decisions: Sequence[DecisionRow]) -> tuple[int, tuple[ClauseRow, ...]]:
        """The key of the verdict of an entity's decisions (in rule order), and their clauses as one sequence."""
        kind = decisions[0][0]
        plan = self.rules.of[(year, kind)]
        count = len(decisions)
        clauses = tuple(chain.from_iterable(map(CLAUSES, decisions)))
        if (tuple(map(RULE_ID, decisions)) != plan.rule_ids[:count]
                or tuple(map(NODE, clauses)) != plan.nodes[:plan.starts[count]]):
            raise ValueError(f"keputusan {kind} {decisions[0][1]} tidak dalam urutan aturan dan klausanya")
        flags = bytes(map(HELD, clauses))
        key = (year, kind, bytes(map(GIVEN, decisions)), flags)
        verdict = self.verdicts.get(key)
        if verdict is None:
            verdict = self.verdicts[key] = len(self.verdicts)
            self.cites.append(plan.held_on_tables(count, flags))
        return verdict, clauses

    def _plan(self, year: int, outcome: _Compact) -> _Plan:
        """The plan of a compact outcome's mask, from the rows its tree makes of it with a marker for
        each held leaf's evidence: the verdict, and for each cited clause where its evidence comes
        from (the place of a held leaf's among the entity's, or the clause's own, the same for all)."""
        tree, mask = outcome.tree, outcome.mask
        markers = tuple((f"\0{place}",) for place in range(len(outcome.found)))
        decisions = tree.rows(outcome.entity_type, outcome.entity_id, year, mask, markers)
        verdict, clauses = self._verdict(year, decisions)
        place = {id(marker): number for number, marker in enumerate(markers)}
        # each distinct (table, evidence source) once: its places are looked up once per entity
        sources: dict[tuple[str, int | tuple[str, ...]], int] = {}
        cites = tuple((rule, bit, sources.setdefault((table, place.get(id(clauses[clause][2]), clauses[clause][2])),
                                                     len(sources)))
                      for clause, bit, table, rule in self.cites[verdict])
        # an entity's evidence, picked from the clauses' own evidence followed by its held leaves'
        constants = tuple(source for _, source in sources if source.__class__ is not int)
        picks = tuple(len(constants) + source if source.__class__ is int else constants.index(source)
                      for _, source in sources)
        plan = self.plans[(tree, mask)] = (verdict, len(self.plans), tuple(table for table, _ in sources), constants,
                                           picks, cites)
        return plan

    def _citation(self, cited: list[tuple[int, int, str, Sequence[str]]], nths: Places) -> int | None:
        """The key of the citation of an entity's held clauses on a table (rule key, bit, table, evidence):
        a citation names rows by their place among the entity's (the same few places recur across
        entities; row numbers do not)."""
        kept = [clause for clause in cited if clause[3]]
        evidence = tuple(evidence for *_, evidence in kept)
        places = split(nths(tuple(table for _, _, table, _ in kept), evidence), map(len, evidence))
        return self._key(tuple((rule, bit, clause_places) for (rule, bit, _, _), clause_places in zip(kept, places)))

    def _key(self, citation: tuple[tuple[int, int, tuple[int, ...]], ...]) -> int | None:
        return self.citations.setdefault(citation, len(self.citations)) if citation else None

    def verdict_parts(self) -> tuple[list[Row], list[Row]]:
        """The verdicts (key, year, type, given mask) and their rules' held masks (verdict, rule, mask)."""
        verdicts, held = [], []
        for (year, kind, given, flags), key in self.verdicts.items():
            plan = self.rules.of[(year, kind)]
            verdicts.append((key, year, kind, _mask(given)))
            held += [(key, rule, _mask(flags[plan.starts[position]:plan.starts[position + 1]]))
                     for position, rule in enumerate(plan.keys[:len(given)])]
        return verdicts, held

    def citation_rows(self) -> Iterator[Row]:
        for items, key in self.citations.items():
            for rule, bit, nths in items:
                for seq, nth in enumerate(nths):
                    yield (key, rule, bit, seq, nth)


def _mask(flags: bytes) -> int:
    """Flags (one byte each, 0 or 1) as bits, the first the lowest."""
    return sum(1 << bit for bit, flag in enumerate(flags) if flag)


class _Compact(NamedTuple):
    """An entity's compact outcome in a year, with the tree that makes its rows."""

    tree: OutcomeRows
    entity_type: str
    entity_id: str
    mask: int
    found: tuple[tuple[str, ...], ...]


# A compact outcome's plan: its verdict's key, its number, the evidence it cites (its sources': each one's
# table, the clauses' own evidence, where each source's evidence is among that followed by the outcome's
# evidence of its held leaves), and per cited clause (rule key, bit, the index of its evidence's source)
_Plan = tuple[int, int, tuple[str, ...], tuple[tuple[str, ...], ...], tuple[int, ...], tuple[tuple[int, int, int], ...]]


class _Decided:
    """A year's decisions taken entity by entity, in the order of the run's entities (the order
    they were evaluated in): its table's items and trees (``DecisionTable``), or the same handed over
    to another process (``engine.runstore.sources``)."""

    def __init__(self, year: int, items: Iterable[Item], trees: Sequence[OutcomeRows]):
        self.year = year
        self._trees = trees
        self._groups = groupby(items, key=ENTITY)
        self._next = next(self._groups, None)

    @classmethod
    def of(cls, result: RunResult) -> _Decided:
        return cls(result.year, result.decisions.items(), result.decisions.trees)

    def take(self, kind: str, entity_id: str) -> list[DecisionRow] | _Compact:
        """The entity's decisions (its compact outcome if kept as one), or none if it has none this year."""
        if self._next is None or self._next[0] != (kind, entity_id):
            return []
        items = list(self._next[1])
        self._next = next(self._groups, None)
        if len(items) == 1 and len(items[0]) == COMPACT:
            _, _, number, mask, found = items[0]
            return _Compact(self._trees[number], kind, entity_id, mask, found)  # type: ignore[arg-type]
        return [row for item in items for row in expand_item(item, self._trees)]

    def finish(self) -> None:
        if self._next is not None:
            kind, entity_id = self._next[0]
            raise ValueError(f"keputusan {kind} {entity_id} tahun {self.year} tidak dalam urutan entitas run")


def _insert(db: sqlite3.Connection, table: str, rows: Iterable[Row]) -> None:
    insert_rows(db, table, rows)


OUTCOME_TABLES = ("outcome", "verdict", "verdict_rule", "citation")  # what ``OutcomeTables`` fills


class OutcomeTables:
    """The record's outcomes (``OUTCOME_TABLES``) of entities given one after another in the record's
    order (``add``), each with its places: each year's decisions taken from ``decided`` (one per year
    of the run, in its order) as the entities come, the outcome rows inserted a batch of entities at a
    time (``flush``), the verdicts and citations once every entity is in (``finish``). The record's
    transaction makes them (``_fill_entities``), or for a large run the output stage's other process
    (``engine.runstore.sources``): the same rows, numbered the same."""

    def __init__(self, db: sqlite3.Connection, rules: _Rules, decided: Sequence[_Decided]):
        self.db = db
        self.outcomes = _Outcomes(rules)
        self.decided = decided
        self.rows: list[Row] = []

    def add(self, key: int, kind: str, entity_id: str, nths: Places) -> None:
        """The entity's outcome in each year it has decisions (``nths``: its places)."""
        for year in self.decided:
            decisions = year.take(kind, entity_id)
            if decisions:
                self.rows.append(self.outcomes.row(year.year, key, decisions, nths))

    def flush(self) -> None:
        _insert(self.db, "outcome", self.rows)
        self.rows.clear()

    def finish(self) -> None:
        for year in self.decided:
            year.finish()
        self.flush()
        verdicts, held = self.outcomes.verdict_parts()
        _insert(self.db, "verdict", verdicts)
        _insert(self.db, "verdict_rule", held)
        _insert(self.db, "citation", self.outcomes.citation_rows())


@dataclass(frozen=True)
class RecordParts:
    """What another process needs, besides the run's fact rows and decisions handed over to it, to
    build the record's source rows and outcomes as the record would (``engine.runstore.sources``):
    the rules (keys, layouts), the entities in the record's order (type, ids) and each year's trees."""

    rules: _Rules
    entities: tuple[tuple[str, tuple[str, ...]], ...]
    years: tuple[tuple[int, tuple[OutcomeRows, ...]], ...]  # each year of the run: the year, its table's trees

    @classmethod
    def of(cls, run: RunResult | SeriesResult | Decided) -> RecordParts:
        decided = Decided.of(run)
        return cls(_Rules(decided),
                   tuple((kind, tuple(map(ENTITY_ID, group))) for kind, group in decided.entities.items()),
                   tuple((year, tuple(decisions.trees)) for year, decisions in zip(decided.years, decided.decisions)))

    def keyed(self) -> Iterator[tuple[str, str]]:
        """Each entity's type and id, in the record's order (its key: its place in it)."""
        return ((kind, entity_id) for kind, ids in self.entities for entity_id in ids)

    def outcome_tables(self, db: sqlite3.Connection, items: Sequence[Iterable[Item]]) -> OutcomeTables:
        """The outcome tables into ``db`` of each year's ``items`` (in the order of ``years``)."""
        return OutcomeTables(db, self.rules, [_Decided(year, of_year, trees)
                                              for (year, trees), of_year in zip(self.years, items, strict=True)])


def _run_row(result: RunResult, data: Path, run: str, series: SeriesResult) -> Row:
    return (run, result.profile.id, result.year, result.book.version, str(result.book.directory.resolve()),
            str(data.resolve()), series.started.isoformat(), series.finished.isoformat(), json.dumps(series.timings),
            result.scope.province, result.scope.province_name)


class SourceRowsError(Exception):
    """The source rows built beside the record could not be copied into it."""


@dataclass(frozen=True)
class SourceRows:
    """The record's source rows come from ``path``: an SQLite file holding the ``src_<table>`` tables
    of the record, filled by another process (``engine.runstore.sources.build_sources``) while this
    one writes the rest. ``wait`` returns once the file is complete, or raises why it is not."""

    path: Path
    wait: Callable[[], object]


def create_source_tables(db: sqlite3.Connection, layouts: Mapping[str, SourceLayout], view: bool = True) -> None:
    """The record's ``src_<table>`` tables (and, with ``view``, the evidence view over them): in the
    record, or in the side file the other output process fills (``engine.runstore.sources``)."""
    for table, layout in layouts.items():
        typed = "".join(f', "{name}" {SQL_TYPES[kind]}' for name, kind in zip(layout.stored, layout.kinds))
        db.execute(f"CREATE TABLE {source_table_name(table)} (entity INTEGER NOT NULL, row INTEGER NOT NULL{typed}, "
                   "PRIMARY KEY (entity, row)) WITHOUT ROWID")
    if view:
        db.execute(evidence_view(layouts))


def create_side_tables(db: sqlite3.Connection, layouts: Mapping[str, SourceLayout]) -> None:
    """The tables of the side file the other output process fills (``engine.runstore.sources``): the
    record's ``src_<table>`` tables and its outcome tables, as the record defines them."""
    create_source_tables(db, layouts, view=False)
    for statement in SCHEMA.split(";\n"):
        if statement.strip().startswith(tuple(f"CREATE TABLE {table} (" for table in OUTCOME_TABLES)):
            db.execute(statement)


def _copy_sources(db: sqlite3.Connection, layouts: Mapping[str, SourceLayout], path: Path) -> None:
    """The source rows and outcomes of the file at ``path``, copied into the record's (empty) tables of
    the same definition: SQLite copies such a table's records as they are (its transfer optimisation)."""
    try:
        db.execute("ATTACH DATABASE ? AS sources", (str(path),))
        for name in (*map(source_table_name, layouts), *OUTCOME_TABLES):
            db.execute(f"INSERT INTO main.{name} SELECT * FROM sources.{name}")
    except sqlite3.Error as error:
        raise SourceRowsError(f"baris sumber dan keputusan dari {path.name} tidak dapat disalin ke catatan run: "
                              f"{error}") from None


class SourceRowsBuilder:
    """The ``src_<table>`` rows of entities given one after another (numbered as the record numbers
    them), inserted a batch of entities at a time (``flush``), many rows to a statement
    (``values.insert_values``): each table's rows wait as one flat list of their values."""

    def __init__(self, db: sqlite3.Connection, layouts: Mapping[str, SourceLayout]):
        self.db = db
        # table → (its width, the values of its waiting rows), in the record's order of tables
        self.pending: dict[str, tuple[int, list[object]]] = {
            source_table_name(table): (2 + len(layout.stored), []) for table, layout in layouts.items()}
        # a fact row's table → where its stored row's values go and how they are made (a run has millions of fact rows)
        self.routes = {table: (self.pending[source_table_name(table)][1].extend, _row_getter(table, layout))
                       for table, layout in layouts.items()}

    def add(self, key: int, facts: Iterable[FactRow]) -> None:
        routes = self.routes
        if not routes:  # built elsewhere
            return
        for fact in facts:
            route = routes.get(fact[0])
            if route is not None:
                route[0]((key, *route[1](fact)))

    def flush(self) -> None:
        for table, (width, values) in self.pending.items():
            insert_values(self.db, table, width, values)
            values.clear()


def _row_getter(table: str, layout: SourceLayout) -> Callable[[FactRow], tuple[object, ...]]:
    """A fact row's number and stored values, as a tuple."""
    positions = [2 + fact_layout(table).index(name) for name in layout.stored]
    if not positions:
        return lambda fact: (fact[1],)
    return itemgetter(1, *positions)


def _fill_entities(db: sqlite3.Connection, series: SeriesResult, rules: _Rules,
                   directory: Mapping[EntityKey, EntityInfo], built: bool = False) -> dict[str, dict[str, int]]:
    """Entities, their source rows (the kept columns of the tables a clause reads) and their outcomes
    in each year (the outcome names source rows by their place among the entity's), the last two
    not if ``built`` elsewhere; their keys, by entity type and id. Rows go in a batch of entities at
    a time: the writer's memory does not grow with the run."""
    result = series.last  # the entities every year shares
    keys: dict[str, dict[str, int]] = {}
    sources = SourceRowsBuilder(db, {} if built else rules.layouts)
    outcomes, cited = None, None
    if not built:
        outcomes = OutcomeTables(db, rules, [_Decided.of(year) for year in series.results])
        cited = CitedRows.of(result.entities, result.owners, rules.cited)
    key = 0
    for kind, group in result.entities.items():
        numbered = keys.setdefault(kind, {})
        outside = result.scope.outside_of(kind).__contains__  # not a Python call per entity (``in_scope``)
        for first in range(0, len(group), BATCH):
            batch = group[first:first + BATCH]
            ids = list(map(ENTITY_ID, batch))
            numbers = range(key, key + len(ids))
            numbered.update(zip(ids, numbers))
            infos = list(map(directory.__getitem__, zip(repeat(kind), ids)))
            if outcomes is not None and cited is not None:  # a large run's facts are in the spool: read only here
                for number, entity in zip(numbers, batch):
                    sources.add(number, entity.fact_rows)
                for position, number, entity_id in zip(range(first, first + len(ids)), numbers, ids):
                    outcomes.add(number, kind, entity_id, cited.of_entity(kind, position))
                outcomes.flush()
            key += len(ids)
            insert_columns(db, "entity", (numbers, repeat(kind, len(ids)), ids, map(NAMA, infos),
                                          map(REGION_CODE, infos), map(SOURCE_ROW, infos), map(int, map(outside, ids))),
                           len(ids))
            sources.flush()
    if outcomes is not None:
        outcomes.finish()
        sources.flush()
    return keys


def _regions(directory: Mapping[EntityKey, EntityInfo]) -> dict[str, str]:
    """The region table: each region code of the run's entities and its kabupaten/kota."""
    return {info.region.code: info.region.name for info in directory.values() if info.region.code}


def _insert_sample_frame(db: sqlite3.Connection, series: SeriesResult, rules: _Rules,
                         directory: Mapping[EntityKey, EntityInfo], keys: Mapping[str, Mapping[str, int]],
                         regions: Mapping[str, str]) -> None:
    """``stratum`` and ``stratum_member``, from the last year's tags given (``strata``)."""
    result = series.last
    positions = {kind: {rule_id: position for position, rule_id in enumerate(plan.rule_ids)}
                 for (year, kind), plan in rules.of.items() if year == result.year}
    placed = ((kind, entity.entity_id, keys[kind][entity.entity_id], directory[(kind, entity.entity_id)].region.code)
              for kind, group in result.entities.items() for entity in group)
    frame = sample_frame(result.decisions.given(), positions, placed, regions)
    _insert(db, "stratum", frame.strata)
    _insert(db, "stratum_member", frame.members())


def _numbered(series: SeriesResult) -> Iterator[tuple[int, RunResult, IndicatorResult]]:
    """Every indicator of every year with its key in the record (year after year, the profile's order)."""
    numbered = ((result, indicator) for result in series.results for indicator in result.indicators)
    for number, (result, indicator) in enumerate(numbered):
        yield number, result, indicator


def _insert_members(db: sqlite3.Connection, series: SeriesResult, keys: Mapping[str, Mapping[str, int]]) -> None:
    """``indicator_member``'s rows, ``BATCH`` members of a role at a time, given column by column
    (``values.insert_columns``): a national run lists 623,000 members, and a row tuple made per member,
    then taken apart again for the statements, cost ≈ 0.1–0.2 CPU-s more (bench/README.md, "Output
    stage's main process")."""
    for number, _, indicator in _numbered(series):
        for code, role in enumerate(ROLES):
            members = getattr(indicator, role)
            for first in range(0, len(members), BATCH):
                part = members[first:first + BATCH]
                # the members' keys, a run of one entity type at a time
                entities = chain.from_iterable(map(keys[kind].__getitem__, map(ENTITY_ID, run))
                                               for kind, run in groupby(part, key=ENTITY_TYPE))
                insert_columns(db, "indicator_member", (repeat(number, len(part)), repeat(code, len(part)),
                                                        range(first, first + len(part)), entities,
                                                        map(NILAI_SEBELUM, part), map(NILAI, part)), len(part))


def _indicator_rows(series: SeriesResult) -> Iterator[Row]:
    for number, result, i in _numbered(series):
        *header, notes = indicator_header(result, i.id).model_dump().values()  # in HEADER_COLUMNS' order
        yield (number, result.year, i.id, i.nama, i.nilai, i.satuan, i.pembilang, i.penyebut, i.catatan, *header,
               json.dumps(notes, ensure_ascii=False))


def _fill(db: sqlite3.Connection, series: SeriesResult, data: Path, directory: Mapping[EntityKey, EntityInfo],
          run: str, built: bool = False) -> _Rules:
    """Every row the record's Python makes (not the source rows if ``built`` elsewhere); the rules of the record."""
    result = series.last  # the data, entities and scope every year shares
    rules = _Rules(series.decided)
    create_source_tables(db, rules.layouts)
    _insert(db, "schema_version", [(SCHEMA_VERSION,)])
    _insert(db, "run", [_run_row(result, data, run, series)])
    _insert(db, "run_year", ((year,) for year in series.years))
    _insert(db, "input_file", ((source.name, source.sha256) for source in result.dataset.sources))
    _insert(db, "table_count", ((c.table, c.source, c.read, c.used, c.rejected, c.blank) for c in result.dataset.counts))
    _insert(db, "outside_province", ((table, result.scope.province, count)
                                     for table, count in result.outside_province.items()))
    _insert(db, "reject", ((r.table, r.row, r.column, r.value, r.reason) for r in result.dataset.rejects))
    _insert(db, "rule", rules.rows())
    _insert(db, "clause", rules.clause_rows())
    _insert(db, "known_tag", ((tag,) for tag in known_tags(result.book)))
    keys = _fill_entities(db, series, rules, directory, built=built)
    regions = _regions(directory)
    _insert(db, "region", sorted(regions.items()))
    _insert_sample_frame(db, series, rules, directory, keys, regions)
    _insert(db, "indicator", _indicator_rows(series))
    _insert(db, "capaian", ((row.year, row.indicator_id, row.target, row.realisasi, row.capaian, row.catatan,
                             row.sumber) for row in series.capaian()))
    _insert(db, "member_role", enumerate(ROLES))
    _insert_members(db, series, keys)
    return rules


def _script(db: sqlite3.Connection, statements: str) -> None:
    for statement in statements.split(";\n"):
        if statement.strip():
            db.execute(statement)


def _build(path: str, series: SeriesResult, data: Path, directory: Mapping[EntityKey, EntityInfo], run: str,
           sources: SourceRows | None = None, meanwhile: Callable[[], object] | None = None) -> None:
    # isolation_level=None: the module opens no transaction of its own; the one BEGIN … COMMIT here
    # holds the schema and every row, so the file is complete or empty.
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # A temporary file, moved into place only when complete: a crash leaves it behind unused,
        # so it needs no rollback journal and no fsync per page (atomic_path syncs it once).
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        _script(db, SCHEMA)
        rules = _fill(db, series, data, directory, run, built=sources is not None)
        with _alongside(meanwhile):
            _finish(db, rules, sources)
    finally:
        db.close()


def _finish(db: sqlite3.Connection, rules: _Rules, sources: SourceRows | None) -> None:
    """The record's last statements, all SQLite's own work: the indexes (of the rows made here: built
    while the other process may still be building its rows, off the stage's critical path), the side
    file's source rows and outcomes copied in (last: the other process has had all this time to build
    them); committed."""
    _script(db, INDEXES)
    if sources is not None:
        sources.wait()
        _copy_sources(db, rules.layouts, sources.path)
    db.execute("COMMIT")
    if sources is not None:
        db.execute("DETACH DATABASE sources")


@contextmanager
def _alongside(work: Callable[[], object] | None) -> Iterator[None]:
    """``work`` done in a thread while the block runs, and waited for (its exception raised) when the
    block ends. SQLite lets go of Python's lock while it runs a statement, so Python work beside the
    record's last statements (an index, a copy: seconds at national scale) takes the other core."""
    if work is None:
        yield
        return
    with ThreadPoolExecutor(1, thread_name_prefix="iku-record-meanwhile") as side:
        done = side.submit(work)
        yield
        done.result()


def write_run_record(run: RunResult | SeriesResult, out: Path, data: Path,
                     directory: Mapping[EntityKey, EntityInfo] | None = None, sources: SourceRows | None = None,
                     meanwhile: Callable[[], object] | None = None) -> Path:
    """The record of one year (a ``RunResult``) or of a series. The record's run id is the name of the folder it is written into: ``engine.outputs.folder``
    names each run's folder (``DIR/runs/<id>``), so the id an explanation or a sample names is the
    folder ``DIR/current`` points to. Its source rows are copied from ``sources`` if given, made here if not.
    ``meanwhile``: other work of the caller's, done in a thread while the record's last statements run
    (``_alongside``); the record is written once both have ended well."""
    series = SeriesResult.of(run)
    target = out / "run.sqlite"
    with atomic_path(target) as temporary:
        _build(temporary, series, data, directory or entity_directory(series.last), out.name, sources, meanwhile)
    return target

"""Writes a run's record, ``run.sqlite``, into the folder it is given (the run's own folder, switched
in whole by ``engine.outputs.folder``; readers open ``DIR/run.sqlite`` through its link).

Built in a temporary file beside it, in ONE transaction (schema and rows), and moved into place in
one step, so the file is complete or absent, never half of one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import orjson

from engine.explain.indicator import indicator_header
from engine.explain.ruleview import RuleView, known_tags
from engine.decisions import DecisionRow
from engine.explain.source import rule_views
from engine.facts import ENTITY_ORDER, fact_layout
from engine.outputs.entities import EntityInfo, EntityKey, entity_directory
from engine.outputs.files import atomic_path
from engine.pipeline import RunResult
from engine.runstore.layout import SQL_TYPES, shown_columns, value_kind
from engine.runstore.rulecodec import encode_rule
from engine.runstore.schema import INDEXES, ROLES, SCHEMA, SCHEMA_VERSION, source_table_name

Row = tuple[object, ...]
BATCH = 20_000  # source rows gathered per table before one executemany


class _Rules:
    """The rules of the run with their keys in the record, each rule's position among its entity
    type's rules (its bit in an entity's ``given`` mask, its place in the ``held`` list) and each
    clause's bit in a decision's mask."""

    def __init__(self, result: RunResult):
        self.views: list[RuleView] = [view for kind in ENTITY_ORDER for view in rule_views(result, kind)]
        self.key = {(view.entity_type, view.rule_id): key for key, view in enumerate(self.views)}
        self.position = [sum(1 for other in self.views[:key] if other.entity_type == view.entity_type)
                         for key, view in enumerate(self.views)]
        self.bits = [{node: bit for bit, node in enumerate(view.nodes)} for view in self.views]
        self.columns = shown_columns(self.views)

    def rows(self) -> Iterator[Row]:
        for key, view in enumerate(self.views):
            yield (key, view.entity_type, self.position[key], view.rule_id, view.version, view.tag, view.name,
                   encode_rule(view).decode())

    def clause_rows(self) -> Iterator[Row]:
        for key, view in enumerate(self.views):
            for bit, node in enumerate(view.nodes.values()):
                leaf = node.leaf
                yield (key, bit, node.node, node.kind, leaf.table if leaf else None,
                       leaf.text if leaf else node.text, leaf.failed_text if leaf else None)

    def outcome_row(self, entity: int, decisions: Iterable[DecisionRow]) -> Row:
        """One entity's decisions: the rules given as a mask, each rule's held clauses as a mask (in
        rule order), and the source rows of each held clause on a table as [rule, clause bit, row, …]."""
        given, held, evidence = 0, [], []
        for entity_type, _, _, rule_id, _, _, is_given, clauses in decisions:
            rule = self.key[(entity_type, rule_id)]
            position, view, bits = self.position[rule], self.views[rule], self.bits[rule]
            if position != len(held):
                raise ValueError(f"keputusan {entity_type} tidak dalam urutan aturan: {rule_id}")
            given |= int(is_given) << position
            mask = 0
            for node, is_held, facts in clauses:
                if not is_held:
                    continue
                mask |= 1 << bits[node]
                leaf = view.nodes[node].leaf
                if leaf is not None and leaf.table is not None and facts:
                    evidence.append([position, bits[node], *(_source_row(leaf.table, fact) for fact in facts)])
            held.append(mask)
        return (entity, given, orjson.dumps(held).decode(), orjson.dumps(evidence).decode() if evidence else None)


def _source_row(table: str, fact: str) -> int:
    """``rat:12`` → 12; a clause on a table matches only that table's rows."""
    prefix, _, number = fact.partition(":")
    if prefix != table:
        raise ValueError(f"bukti {fact} bukan baris tabel {table}")
    return int(number)


def _insert(db: sqlite3.Connection, table: str, rows: Iterable[Row]) -> None:
    iterator = iter(rows)
    first = next(iterator, None)
    if first is not None:
        marks = ", ".join("?" for _ in first)
        db.executemany(f'INSERT INTO "{table}" VALUES ({marks})', _chain(first, iterator))


def _chain(first: Row, rest: Iterable[Row]) -> Iterable[Row]:
    yield first
    yield from rest


def _run_row(result: RunResult, data: Path, run: str) -> Row:
    return (run, result.profile.id, result.year, result.book.version, str(result.book.directory.resolve()),
            str(data.resolve()), result.started.isoformat(), result.finished.isoformat(), json.dumps(result.timings),
            result.scope.province, result.scope.province_name)


def _source_tables(db: sqlite3.Connection, columns: Mapping[str, tuple[str, ...]]) -> None:
    for table, names in columns.items():
        typed = "".join(f', "{name}" {SQL_TYPES[value_kind(table, name)]}' for name in names)
        db.execute(f"CREATE TABLE {source_table_name(table)} (entity INTEGER NOT NULL, row INTEGER NOT NULL{typed}, "
                   "PRIMARY KEY (entity, row)) WITHOUT ROWID")


def _fill_entities(db: sqlite3.Connection, result: RunResult, directory: Mapping[EntityKey, EntityInfo],
                   columns: Mapping[str, tuple[str, ...]]) -> dict[EntityKey, int]:
    """Entities and their source rows (the kept columns of the tables a clause reads); their keys."""
    keys: dict[EntityKey, int] = {}
    positions = {table: [2 + fact_layout(table).index(name) for name in names] for table, names in columns.items()}
    pending: dict[str, list[Row]] = {table: [] for table in columns}  # inserted a batch at a time
    entity_rows: list[Row] = []
    for kind, group in result.entities.items():
        for entity in group:
            key = len(keys)
            keys[(kind, entity.entity_id)] = key
            info = directory[(kind, entity.entity_id)]
            entity_rows.append((key, kind, entity.entity_id, info.nama, info.region.code, info.row,
                                int(not result.in_scope(kind, entity.entity_id))))
            for fact in entity.fact_rows:
                where = positions.get(fact[0])
                if where is not None:
                    rows = pending[fact[0]]
                    rows.append((key, fact[1], *(fact[position] for position in where)))
                    if len(rows) >= BATCH:
                        _insert(db, source_table_name(fact[0]), rows)
                        rows.clear()
    for table, rows in pending.items():
        _insert(db, source_table_name(table), rows)
    _insert(db, "entity", entity_rows)
    regions = {info.region.code: info.region.name for info in directory.values() if info.region.code}
    _insert(db, "region", sorted(regions.items()))
    return keys


def _member_rows(result: RunResult, keys: Mapping[EntityKey, int]) -> Iterator[Row]:
    for number, indicator in enumerate(result.indicators):
        for code, role in enumerate(ROLES):
            for seq, m in enumerate(getattr(indicator, role)):
                yield (number, code, seq, keys[(m.entity_type, m.entity_id)], m.nilai_sebelum, m.nilai)


def _indicator_rows(result: RunResult) -> Iterator[Row]:
    for number, i in enumerate(result.indicators):
        *header, notes = indicator_header(result, i.id).model_dump().values()  # in HEADER_COLUMNS' order
        yield (number, i.id, i.nama, i.nilai, i.satuan, i.pembilang, i.penyebut, i.catatan, *header,
               json.dumps(notes, ensure_ascii=False))


def _outcome_rows(result: RunResult, rules: _Rules, keys: Mapping[EntityKey, int]) -> Iterator[Row]:
    """An entity's decisions are consecutive rows of the decision table, in rule order."""
    for entity, decisions in groupby(result.decisions.rows(), key=itemgetter(0, 1)):
        yield rules.outcome_row(keys[entity], decisions)


def _fill(db: sqlite3.Connection, result: RunResult, data: Path, directory: Mapping[EntityKey, EntityInfo],
          run: str) -> None:
    rules = _Rules(result)
    _source_tables(db, rules.columns)
    _insert(db, "schema_version", [(SCHEMA_VERSION,)])
    _insert(db, "run", [_run_row(result, data, run)])
    _insert(db, "input_file", ((source.name, source.sha256) for source in result.dataset.sources))
    _insert(db, "table_count", ((c.table, c.source, c.read, c.used, c.rejected, c.blank) for c in result.dataset.counts))
    _insert(db, "outside_province", ((table, result.scope.province, count)
                                     for table, count in result.outside_province.items()))
    _insert(db, "reject", ((r.table, r.row, r.column, r.value, r.reason) for r in result.dataset.rejects))
    _insert(db, "rule", rules.rows())
    _insert(db, "clause", rules.clause_rows())
    _insert(db, "known_tag", ((tag,) for tag in known_tags(result.book)))
    keys = _fill_entities(db, result, directory, rules.columns)
    _insert(db, "outcome", _outcome_rows(result, rules, keys))
    _insert(db, "indicator", _indicator_rows(result))
    _insert(db, "member_role", enumerate(ROLES))
    _insert(db, "indicator_member", _member_rows(result, keys))


def _script(db: sqlite3.Connection, statements: str) -> None:
    for statement in statements.split(";\n"):
        if statement.strip():
            db.execute(statement)


def _build(path: str, result: RunResult, data: Path, directory: Mapping[EntityKey, EntityInfo], run: str) -> None:
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
        _fill(db, result, data, directory, run)
        _script(db, INDEXES)
        db.execute("COMMIT")
    finally:
        db.close()


def write_run_record(result: RunResult, out: Path, data: Path,
                     directory: Mapping[EntityKey, EntityInfo] | None = None) -> Path:
    """The record's run id is the name of the folder it is written into: ``engine.outputs.folder``
    names each run's folder (``DIR/runs/<id>``), so the id an explanation or a sample names is the
    folder ``DIR/current`` points to."""
    target = out / "run.sqlite"
    with atomic_path(target) as temporary:
        _build(temporary, result, data, directory or entity_directory(result), out.name)
    return target

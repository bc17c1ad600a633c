"""The run record: one SQLite database per output folder (``run.sqlite``), for auditors' queries.

The folder holds one run: each run replaces the database. It is built in a temporary file beside
it, in ONE transaction (schema and rows), and moved into place in one step, so a killed run
leaves the previous record or none, never half of one.

Tables (``schema_version`` holds 2)::

    schema_version(version)
    run(id, profile, year, rules_version, data, started, finished, counts_json, timings_json)
        -- counts_json: [{"table", "source", "read", "used", "rejected", "blank"}, ...]
    input_file(name, sha256)
    table_count("table", source, read, used, rejected, blank)     -- read = used + rejected
    reject("table", row, "column", value, reason)                 -- row as the user sees it, header = 1
    outside_province("table", province, entities)                -- entities outside the profile's province,
        -- out of every indicator (not rejected); their ids: entity rows whose kode_wilayah is in another province
    entity(entity_type, entity_id, nama, kode_wilayah, kab_kota, source_row)
        -- nama is empty for peserta_diklat (personal data); kab_kota from rules/regions.yaml
    tag(entity_type, entity_id, tag, rule_id, rule_version, year) -- the tags given, as tags.csv
    decision(entity_type, entity_id, rule_id, rule_version, tag, given, clauses_json)
        -- every rule in force for every entity, given or not; clauses_json:
        -- [{"node", "held", "evidence": ["rat:12", ...]}, ...] (evidence = "table:row" fact ids)
    explanation(entity_type, entity_id, text)                     -- as `iku explain` prints it
    indicator(id, nama, nilai, satuan, pembilang, penyebut, catatan)   -- as indicators.json
    indicator_member(indicator_id, role, entity_type, entity_id, nilai_sebelum, nilai)
        -- role: numerator, denominator or excluded; the values n-1 and n for growth indicators
    VIEW indicator_member_named: indicator_member joined with entity (nama, kode_wilayah, kab_kota)

For example, the koperasi counted in the numerator of jatim-1, with their names::

    SELECT entity_id, nama, kab_kota FROM indicator_member_named
     WHERE indicator_id = 'jatim-1' AND role = 'numerator' AND entity_type = 'koperasi';

and why a koperasi did or did not get a tag::

    SELECT rule_id, given, clauses_json FROM decision WHERE entity_id = '3578000000000001';
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

import orjson

from engine.outputs.entities import EntityInfo, EntityKey, entity_directory
from engine.outputs.files import atomic_path
from engine.pipeline import RunResult

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE run (id INTEGER PRIMARY KEY, profile TEXT NOT NULL, year INTEGER NOT NULL, rules_version TEXT NOT NULL,
                  data TEXT NOT NULL, started TEXT NOT NULL, finished TEXT NOT NULL, counts_json TEXT NOT NULL,
                  timings_json TEXT NOT NULL);
CREATE TABLE input_file (name TEXT NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE table_count ("table" TEXT NOT NULL, source TEXT, read INTEGER NOT NULL, used INTEGER NOT NULL,
                          rejected INTEGER NOT NULL, blank INTEGER NOT NULL);
CREATE TABLE outside_province ("table" TEXT NOT NULL, province TEXT NOT NULL, entities INTEGER NOT NULL);
CREATE TABLE reject ("table" TEXT NOT NULL, row INTEGER NOT NULL, "column" TEXT, value TEXT, reason TEXT NOT NULL);
CREATE TABLE entity (entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, nama TEXT, kode_wilayah TEXT, kab_kota TEXT,
                     source_row INTEGER, PRIMARY KEY (entity_type, entity_id));
CREATE TABLE tag (entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, tag TEXT NOT NULL, rule_id TEXT NOT NULL,
                  rule_version INTEGER NOT NULL, year INTEGER NOT NULL);
CREATE TABLE decision (entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, rule_id TEXT NOT NULL,
                       rule_version INTEGER NOT NULL, tag TEXT NOT NULL, given INTEGER NOT NULL, clauses_json TEXT NOT NULL);
CREATE TABLE explanation (entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE indicator (id TEXT PRIMARY KEY, nama TEXT NOT NULL, nilai REAL, satuan TEXT NOT NULL, pembilang REAL,
                        penyebut REAL, catatan TEXT NOT NULL);
CREATE TABLE indicator_member (indicator_id TEXT NOT NULL REFERENCES indicator (id), role TEXT NOT NULL
                               CHECK (role IN ('numerator', 'denominator', 'excluded')), entity_type TEXT NOT NULL,
                               entity_id TEXT NOT NULL, nilai_sebelum REAL, nilai REAL);
CREATE VIEW indicator_member_named AS
  SELECT m.indicator_id, m.role, m.entity_type, m.entity_id, e.nama, e.kode_wilayah, e.kab_kota, m.nilai_sebelum, m.nilai
    FROM indicator_member AS m LEFT JOIN entity AS e USING (entity_type, entity_id);
"""
# Indexes are built after the rows are in: one sort per index instead of a B-tree update per row.
INDEXES = """
CREATE INDEX tag_entity ON tag (entity_id);
CREATE INDEX tag_tag ON tag (tag, entity_type);
CREATE INDEX decision_entity ON decision (entity_id);
CREATE INDEX explanation_entity ON explanation (entity_id);
CREATE INDEX member_indicator ON indicator_member (indicator_id, role);
CREATE INDEX member_entity ON indicator_member (entity_id);
"""
ROLES = ("numerator", "denominator", "excluded")


def _insert(db: sqlite3.Connection, table: str, rows: Iterable[tuple[object, ...]]) -> None:
    iterator = iter(rows)
    first = next(iterator, None)
    if first is not None:
        marks = ", ".join("?" for _ in first)
        db.executemany(f'INSERT INTO "{table}" VALUES ({marks})', _chain(first, iterator))


def _chain(first: tuple[object, ...], rest: Iterable[tuple[object, ...]]) -> Iterable[tuple[object, ...]]:
    yield first
    yield from rest


def _run_row(result: RunResult, data: Path) -> tuple[object, ...]:
    counts = json.dumps([count.model_dump() for count in result.dataset.counts], ensure_ascii=False)
    return (1, result.profile.id, result.year, result.book.version, str(data), result.started.isoformat(),
            result.finished.isoformat(), counts, json.dumps(result.timings))


def _entity_rows(directory: Mapping[EntityKey, EntityInfo]) -> Iterable[tuple[object, ...]]:
    for info in directory.values():
        code = info.region.code
        yield (info.entity_type, info.entity_id, info.nama, code, info.region.name if code else None, info.row)


def _decision_rows(result: RunResult) -> Iterable[tuple[object, ...]]:
    for entity_type, entity_id, _, rule_id, version, tag, given, clauses in result.decisions.rows():
        listed = orjson.dumps([{"node": node, "held": held, "evidence": evidence} for node, held, evidence in clauses])
        yield (entity_type, entity_id, rule_id, version, tag, int(given), listed.decode())


def _member_rows(result: RunResult) -> Iterable[tuple[object, ...]]:
    for indicator in result.indicators:
        for role in ROLES:
            for m in getattr(indicator, role):
                yield (indicator.id, role, m.entity_type, m.entity_id, m.nilai_sebelum, m.nilai)


def _fill(db: sqlite3.Connection, result: RunResult, data: Path, explanations: Mapping[EntityKey, str],
          directory: Mapping[EntityKey, EntityInfo]) -> None:
    _insert(db, "schema_version", [(SCHEMA_VERSION,)])
    _insert(db, "run", [_run_row(result, data)])
    _insert(db, "input_file", ((source.name, source.sha256) for source in result.dataset.sources))
    _insert(db, "table_count", ((c.table, c.source, c.read, c.used, c.rejected, c.blank) for c in result.dataset.counts))
    _insert(db, "outside_province", ((table, result.profile.province.code, count)
                                     for table, count in result.outside_province.items()))
    _insert(db, "reject", ((r.table, r.row, r.column, r.value, r.reason) for r in result.dataset.rejects))
    _insert(db, "entity", _entity_rows(directory))
    _insert(db, "tag", ((entity_type, entity_id, tag, rule_id, version, year)  # tags.csv's rows, with the rule version
                        for entity_type, entity_id, year, rule_id, version, tag, given, _ in result.decisions.rows()
                        if given))
    _insert(db, "decision", _decision_rows(result))
    _insert(db, "explanation", ((kind, entity_id, text) for (kind, entity_id), text in explanations.items()))
    _insert(db, "indicator", ((i.id, i.nama, i.nilai, i.satuan, i.pembilang, i.penyebut, i.catatan)
                              for i in result.indicators))
    _insert(db, "indicator_member", _member_rows(result))


def _script(db: sqlite3.Connection, statements: str) -> None:
    for statement in statements.split(";"):
        if statement.strip():
            db.execute(statement)


def _build(path: str, result: RunResult, data: Path, explanations: Mapping[EntityKey, str],
           directory: Mapping[EntityKey, EntityInfo]) -> None:
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
        _fill(db, result, data, explanations, directory)
        _script(db, INDEXES)
        db.execute("COMMIT")
    finally:
        db.close()


def write_run_record(
    result: RunResult, out: Path, data: Path, explanations: Mapping[EntityKey, str] | None = None,
    directory: Mapping[EntityKey, EntityInfo] | None = None,
) -> Path:
    target = out / "run.sqlite"
    with atomic_path(target) as temporary:
        _build(temporary, result, data, explanations or {}, directory or entity_directory(result))
    return target

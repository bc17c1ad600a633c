"""The run record: one SQLite database per output folder (``run.sqlite``), for auditors' queries.

Tables (schema version 1)::

    schema_version(version)
    run(id, profile, year, rules_version, data, started, finished, timings_json)
    input_file(name, sha256)
    table_count("table", source, read, used, rejected, blank)
    reject("table", row, "column", value, reason)
    tag(entity_type, entity_id, tag, rule_id, rule_version, year)
    decision(entity_type, entity_id, rule_id, rule_version, tag, given, clauses_json)
    explanation(entity_type, entity_id, text)
    indicator(id, nama, nilai, satuan, pembilang, penyebut, catatan)
    indicator_member(indicator_id, role, entity_type, entity_id)   -- role: numerator, denominator, excluded

For example, the koperasi counted in the numerator of jatim-1::

    SELECT entity_id FROM indicator_member WHERE indicator_id = 'jatim-1' AND role = 'numerator';

The database is built in a temporary file in one transaction and moved into place, so a killed
run leaves the previous record or none, never half of one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from engine.outputs.files import file_mode
from engine.pipeline import RunResult

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE run (id INTEGER PRIMARY KEY, profile TEXT, year INTEGER, rules_version TEXT, data TEXT,
                  started TEXT, finished TEXT, timings_json TEXT);
CREATE TABLE input_file (name TEXT, sha256 TEXT);
CREATE TABLE table_count ("table" TEXT, source TEXT, read INTEGER, used INTEGER, rejected INTEGER, blank INTEGER);
CREATE TABLE reject ("table" TEXT, row INTEGER, "column" TEXT, value TEXT, reason TEXT);
CREATE TABLE tag (entity_type TEXT, entity_id TEXT, tag TEXT, rule_id TEXT, rule_version INTEGER, year INTEGER);
CREATE TABLE decision (entity_type TEXT, entity_id TEXT, rule_id TEXT, rule_version INTEGER, tag TEXT,
                       given INTEGER, clauses_json TEXT);
CREATE TABLE explanation (entity_type TEXT, entity_id TEXT, text TEXT);
CREATE TABLE indicator (id TEXT PRIMARY KEY, nama TEXT, nilai REAL, satuan TEXT, pembilang REAL, penyebut REAL,
                        catatan TEXT);
CREATE TABLE indicator_member (indicator_id TEXT, role TEXT, entity_type TEXT, entity_id TEXT);
CREATE INDEX tag_entity ON tag (entity_id);
CREATE INDEX decision_entity ON decision (entity_id);
CREATE INDEX member_indicator ON indicator_member (indicator_id, role);
"""


def _insert(db: sqlite3.Connection, table: str, rows: Iterable[tuple[object, ...]]) -> None:
    rows = list(rows)
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        db.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)


def _fill(db: sqlite3.Connection, result: RunResult, data: Path, explanations: Mapping[tuple[str, str], str]) -> None:
    _insert(db, "schema_version", [(SCHEMA_VERSION,)])
    _insert(db, "run", [(1, result.profile.id, result.year, result.book.version, str(data), result.started.isoformat(),
                         result.finished.isoformat(), json.dumps(result.timings))])
    _insert(db, "input_file", ((source.name, source.sha256) for source in result.dataset.sources))
    _insert(db, "table_count", ((c.table, c.source, c.read, c.used, c.rejected, c.blank) for c in result.dataset.counts))
    _insert(db, "reject", ((r.table, r.row, r.column, r.value, r.reason) for r in result.dataset.rejects))
    _insert(db, "tag", ((d.entity_type, d.entity_id, d.tag, d.rule_id, d.rule_version, d.year)
                        for d in result.decisions if d.given))
    _insert(db, "decision", (
        (d.entity_type, d.entity_id, d.rule_id, d.rule_version, d.tag, int(d.given),
         json.dumps([clause.model_dump() for clause in d.clauses], ensure_ascii=False))
        for d in result.decisions
    ))
    _insert(db, "explanation", ((kind, entity_id, text) for (kind, entity_id), text in explanations.items()))
    _insert(db, "indicator", ((i.id, i.nama, i.nilai, i.satuan, i.pembilang, i.penyebut, i.catatan)
                              for i in result.indicators))
    _insert(db, "indicator_member", (
        (indicator.id, role, member.entity_type, member.entity_id)
        for indicator in result.indicators
        for role in ("numerator", "denominator", "excluded")
        for member in getattr(indicator, role)
    ))


def write_run_record(
    result: RunResult, out: Path, data: Path, explanations: Mapping[tuple[str, str], str] | None = None
) -> Path:
    target = out / "run.sqlite"
    handle, temporary = tempfile.mkstemp(dir=out, prefix=".run.sqlite.", suffix=".tmp")
    os.close(handle)
    try:
        os.chmod(temporary, file_mode())
        db = sqlite3.connect(temporary)
        try:
            db.executescript(SCHEMA)
            with db:  # every row in one transaction
                _fill(db, result, data, explanations or {})
        finally:
            db.close()
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target

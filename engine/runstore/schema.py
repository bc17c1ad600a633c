"""The tables of ``run.sqlite`` (schema version 6) and the check that a store is of this version.

A run covers one year or a series (``run_year``); the rules in force, the decisions and the
indicators are per year (``rule.year``, ``outcome.year``, ``indicator.year``), while the data, its
entities and source rows are recorded once. ``run.year`` is the last year.

What is decided is stored once: the compiled rules of the run (``rule``, with each clause's bit in
``clause``); each distinct way an entity type's rules came out in a year once (``verdict``: the
rules given as a mask, and per rule the held clauses as a mask in ``verdict_rule``); each distinct
set of cited source rows once (``citation``: per held clause on a table, the n-th of the entity's
rows of that table in row order); per entity and year one ``outcome`` row naming its verdict and
citation. Most entities share both with many others, so an entity costs a few bytes. Each source
row an explanation may cite is stored once (``src_<table>``: only the dates and the columns a rule
compares); indicator members as entity keys; which entities lie outside the profile's province
(``entity.outside``, counted per table in ``outside_province``); what the IKU documents say of each
indicator; the auditor's sample frame of the last year (``stratum``: per entity type, rules given and
kabupaten/kota the number of entities; ``stratum_member``: its entities, in key order; worked out by
``engine.runstore.strata``), so that ``iku sample`` reads a few rows instead of a million. Explanations are
rendered from these on demand (``iku explain --run``), never stored as text. Views give an auditor the
readable form: ``decision``, ``tag``, ``clause_outcome``, ``evidence``, ``entity_named``,
``indicator_member_named``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

SCHEMA_VERSION = 6
ROLES = ("numerator", "denominator", "excluded")
# The indicator table's columns for ``IndicatorHeader``'s fields, in its order (the last one as JSON).
HEADER_COLUMNS = ("rumus", "definisi_pembilang", "definisi_penyebut", "statistik", "sasaran", "formulasi_dokumen",
                  "rumus_disimpulkan", "sumber_data", "penanggung_jawab", "dokumen", "catatan_interpretasi_json")
SOURCE_PREFIX = "src_"
MAX_BITS = 63  # rules per entity type, clauses per rule: a mask is one SQLite INTEGER

SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE run (id TEXT PRIMARY KEY, profile TEXT NOT NULL, year INTEGER NOT NULL, rules_version TEXT NOT NULL,
                  rules TEXT NOT NULL, data TEXT NOT NULL, started TEXT NOT NULL, finished TEXT NOT NULL,
                  timings_json TEXT NOT NULL, province TEXT NOT NULL, province_name TEXT NOT NULL);
CREATE TABLE run_year (year INTEGER PRIMARY KEY);
CREATE TABLE input_file (name TEXT NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE table_count ("table" TEXT NOT NULL, source TEXT, read INTEGER NOT NULL, used INTEGER NOT NULL,
                          rejected INTEGER NOT NULL, blank INTEGER NOT NULL);
CREATE TABLE outside_province ("table" TEXT NOT NULL, province TEXT NOT NULL, entities INTEGER NOT NULL);
CREATE TABLE reject ("table" TEXT NOT NULL, row INTEGER NOT NULL, "column" TEXT, value TEXT, reason TEXT NOT NULL);
CREATE TABLE region (kode_wilayah TEXT PRIMARY KEY, kab_kota TEXT NOT NULL);
CREATE TABLE entity (key INTEGER PRIMARY KEY, entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, nama TEXT,
                     kode_wilayah TEXT, source_row INTEGER NOT NULL, outside INTEGER NOT NULL);
CREATE TABLE rule (key INTEGER PRIMARY KEY, year INTEGER NOT NULL, entity_type TEXT NOT NULL,
                   position INTEGER NOT NULL, rule_id TEXT NOT NULL, version INTEGER NOT NULL, tag TEXT NOT NULL,
                   name TEXT NOT NULL, definition_json TEXT NOT NULL, UNIQUE (year, entity_type, position));
CREATE TABLE clause (rule INTEGER NOT NULL REFERENCES rule (key), bit INTEGER NOT NULL, node TEXT NOT NULL,
                     kind TEXT NOT NULL, source_table TEXT, text TEXT, failed_text TEXT,
                     PRIMARY KEY (rule, bit)) WITHOUT ROWID;
CREATE TABLE known_tag (tag TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE verdict (key INTEGER PRIMARY KEY, year INTEGER NOT NULL, entity_type TEXT NOT NULL,
                      given INTEGER NOT NULL);
CREATE TABLE verdict_rule (verdict INTEGER NOT NULL REFERENCES verdict (key), rule INTEGER NOT NULL REFERENCES rule (key),
                           held INTEGER NOT NULL, PRIMARY KEY (verdict, rule)) WITHOUT ROWID;
CREATE TABLE citation (citation INTEGER NOT NULL, rule INTEGER NOT NULL REFERENCES rule (key), bit INTEGER NOT NULL,
                       seq INTEGER NOT NULL, nth INTEGER NOT NULL, PRIMARY KEY (citation, rule, bit, seq)) WITHOUT ROWID;
CREATE TABLE outcome (year INTEGER NOT NULL, entity INTEGER NOT NULL REFERENCES entity (key),
                      verdict INTEGER NOT NULL REFERENCES verdict (key), citation INTEGER,
                      PRIMARY KEY (year, entity)) WITHOUT ROWID;
CREATE TABLE indicator (key INTEGER PRIMARY KEY, year INTEGER NOT NULL, id TEXT NOT NULL, nama TEXT NOT NULL, nilai,
                        satuan TEXT NOT NULL, pembilang, penyebut, catatan TEXT NOT NULL, rumus TEXT NOT NULL,
                        definisi_pembilang TEXT NOT NULL, definisi_penyebut TEXT NOT NULL, statistik TEXT,
                        sasaran TEXT NOT NULL, formulasi_dokumen TEXT NOT NULL, rumus_disimpulkan TEXT,
                        sumber_data TEXT NOT NULL, penanggung_jawab TEXT NOT NULL, dokumen TEXT NOT NULL,
                        catatan_interpretasi_json TEXT NOT NULL, UNIQUE (year, id));
CREATE TABLE capaian (year INTEGER NOT NULL, id TEXT NOT NULL, target REAL, realisasi REAL, capaian REAL,
                      catatan TEXT NOT NULL, sumber_target TEXT, PRIMARY KEY (year, id)) WITHOUT ROWID;
CREATE TABLE member_role (code INTEGER PRIMARY KEY, role TEXT NOT NULL);
CREATE TABLE indicator_member (indicator INTEGER NOT NULL REFERENCES indicator (key),
                               role INTEGER NOT NULL REFERENCES member_role (code), seq INTEGER NOT NULL,
                               entity INTEGER NOT NULL REFERENCES entity (key), nilai_sebelum, nilai,
                               PRIMARY KEY (indicator, role, seq)) WITHOUT ROWID;
CREATE TABLE stratum (key INTEGER PRIMARY KEY, entity_type TEXT NOT NULL, given INTEGER NOT NULL,
                      kab_kota TEXT NOT NULL, population INTEGER NOT NULL);
CREATE TABLE stratum_member (stratum INTEGER NOT NULL REFERENCES stratum (key),
                             entity INTEGER NOT NULL REFERENCES entity (key), PRIMARY KEY (stratum, entity)) WITHOUT ROWID;
CREATE VIEW entity_named AS
  SELECT e.key, e.entity_type, e.entity_id, e.nama, e.kode_wilayah, r.kab_kota, e.source_row, e.outside
    FROM entity AS e LEFT JOIN region AS r USING (kode_wilayah);
CREATE VIEW decision AS
  SELECT o.year, e.key AS entity, e.entity_type, e.entity_id, r.key AS rule, r.rule_id, r.version AS rule_version,
         r.tag, (v.given >> r.position) & 1 AS given, h.held
    FROM outcome AS o JOIN entity AS e ON e.key = o.entity JOIN verdict AS v ON v.key = o.verdict
    JOIN verdict_rule AS h ON h.verdict = o.verdict JOIN rule AS r ON r.key = h.rule;
CREATE VIEW tag AS
  SELECT entity_type, entity_id, tag, rule_id, rule_version, year
    FROM decision WHERE given = 1;
CREATE VIEW clause_outcome AS
  SELECT d.year, d.entity_type, d.entity_id, d.rule_id, d.given, c.node, c.text, (d.held >> c.bit) & 1 AS held
    FROM decision AS d JOIN clause AS c ON c.rule = d.rule;
CREATE VIEW indicator_member_named AS
  SELECT i.year, i.id AS indicator_id, r.role, e.entity_type, e.entity_id, e.nama, e.kode_wilayah, e.kab_kota,
         m.nilai_sebelum, m.nilai
    FROM indicator_member AS m JOIN indicator AS i ON i.key = m.indicator JOIN member_role AS r ON r.code = m.role
    JOIN entity_named AS e ON e.key = m.entity;
"""
# Built after the rows are in: one sort instead of a B-tree update per row. By id: explain; by region
# and by member entity: the pages of `iku serve` (a kabupaten/kota, the lists an entity is in);
# entity_name, a trigram index of the names (no copy of them): its search by part of a name.
INDEXES = """
CREATE INDEX entity_id ON entity (entity_id);
CREATE INDEX entity_region ON entity (kode_wilayah);
CREATE INDEX indicator_member_entity ON indicator_member (entity);
CREATE VIRTUAL TABLE entity_name USING fts5(nama, content='entity', content_rowid='key', tokenize='trigram',
                                           detail='none', columnsize=0);
INSERT INTO entity_name (entity_name) VALUES ('rebuild');
"""

# A cited row is stored as its place among the entity's rows of the table (``citation.nth``): the
# view finds the row by numbering them, one index range read per cited row.
_CITED_ROW = ("WHEN '{table}' THEN (SELECT row FROM (SELECT row, row_number() OVER (ORDER BY row) - 1 AS nth "
              "FROM {source} WHERE entity = o.entity) WHERE nth = x.nth)")


def evidence_view(tables: Iterable[str]) -> str:
    """The ``evidence`` view over the run's ``src_<table>`` tables: one row per cited source row."""
    cases = "\n           ".join(_CITED_ROW.format(table=table, source=source_table_name(table)) for table in tables)
    row = f"CASE c.source_table\n           {cases}\n         END" if cases else "NULL"
    return f"""CREATE VIEW evidence AS
  SELECT o.year, e.entity_type, e.entity_id, r.rule_id, c.node, c.source_table,
         {row} AS row
    FROM outcome AS o JOIN entity AS e ON e.key = o.entity JOIN citation AS x ON x.citation = o.citation
    JOIN rule AS r ON r.key = x.rule JOIN clause AS c ON c.rule = x.rule AND c.bit = x.bit"""


class StoreError(Exception):
    """A run record that cannot be read: missing, not a run record, or of another schema version."""


def open_store(out: Path) -> sqlite3.Connection:
    """``out/run.sqlite`` (or ``out`` itself, a .sqlite file) opened read-only, of this schema version."""
    path = out if out.is_file() else out / "run.sqlite"
    if not path.is_file():
        raise StoreError(f"catatan run tidak ditemukan: {path} (jalankan dulu `iku run --out {out}`)")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        raise StoreError(f"{path} tidak dapat dibuka untuk dibaca (izin berkas atau foldernya?)") from None
    try:
        found = [version for (version,) in db.execute("SELECT version FROM schema_version")]
    except sqlite3.DatabaseError:
        db.close()
        raise StoreError(f"{path} bukan catatan run iku") from None
    if found != [SCHEMA_VERSION]:  # one row, this version: a second row (another version, or a copy) is not believed
        db.close()
        version = ", ".join(map(str, found)) or "tidak diketahui"
        raise StoreError(f"{path} ditulis dengan skema catatan run versi {version}; versi ini membaca versi "
                         f"{SCHEMA_VERSION}. Jalankan ulang `iku run` untuk membuat catatan run yang baru.")
    return db


class DamagedRecord(sqlite3.DatabaseError):
    """Rows of the record that contradict each other (an entity without its decision): damaged as a bad page is."""


def damaged_text(error: sqlite3.DatabaseError, out: Path | None = None) -> str:
    """What a reader says of a record that opened and then failed where it was read (a page overwritten,
    a copy cut short, rows missing): ``out`` named where a path may be shown."""
    where, rerun = (f" {out}", f" --out {out}") if out is not None else ("", "")
    detail = error if isinstance(error, DamagedRecord) else f"SQLite: {error}"
    return f"catatan run{where} rusak atau tidak dapat dibaca ({detail}); jalankan ulang `iku run{rerun}`"


def source_table_name(table: str) -> str:
    return SOURCE_PREFIX + table

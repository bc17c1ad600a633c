"""The tables of ``run.sqlite`` (schema version 3) and the check that a store is of this version.

What is decided is stored once: the compiled rules of the run (``rule``, with each clause's bit in
``clause``); per entity one ``outcome`` row — the rules given as a mask, each rule's held clauses
as a mask, and the evidence of held clauses as source row numbers; each source row an explanation
may cite once (``src_<table>``: only the dates and the columns a rule compares); indicator members
as entity keys; which entities lie outside the profile's province (``entity.outside``, counted per
table in ``outside_province``); what the IKU documents say of each indicator. Explanations are
rendered from these on demand (``iku explain --run``), never stored as text. Views give an auditor the readable form: ``decision``, ``tag``, ``clause_outcome``,
``evidence``, ``entity_named``, ``indicator_member_named``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_VERSION = 3
ROLES = ("numerator", "denominator", "excluded")
# The indicator table's columns for ``IndicatorHeader``'s fields, in its order (the last one as JSON).
HEADER_COLUMNS = ("rumus", "definisi_pembilang", "definisi_penyebut", "statistik", "sasaran", "formulasi_dokumen",
                  "rumus_disimpulkan", "sumber_data", "penanggung_jawab", "dokumen", "catatan_interpretasi_json")
SOURCE_PREFIX = "src_"

SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE run (id TEXT PRIMARY KEY, profile TEXT NOT NULL, year INTEGER NOT NULL, rules_version TEXT NOT NULL,
                  rules TEXT NOT NULL, data TEXT NOT NULL, started TEXT NOT NULL, finished TEXT NOT NULL,
                  timings_json TEXT NOT NULL, province TEXT NOT NULL, province_name TEXT NOT NULL);
CREATE TABLE input_file (name TEXT NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE table_count ("table" TEXT NOT NULL, source TEXT, read INTEGER NOT NULL, used INTEGER NOT NULL,
                          rejected INTEGER NOT NULL, blank INTEGER NOT NULL);
CREATE TABLE outside_province ("table" TEXT NOT NULL, province TEXT NOT NULL, entities INTEGER NOT NULL);
CREATE TABLE reject ("table" TEXT NOT NULL, row INTEGER NOT NULL, "column" TEXT, value TEXT, reason TEXT NOT NULL);
CREATE TABLE region (kode_wilayah TEXT PRIMARY KEY, kab_kota TEXT NOT NULL);
CREATE TABLE entity (key INTEGER PRIMARY KEY, entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, nama TEXT,
                     kode_wilayah TEXT, source_row INTEGER NOT NULL, outside INTEGER NOT NULL);
CREATE TABLE rule (key INTEGER PRIMARY KEY, entity_type TEXT NOT NULL, position INTEGER NOT NULL,
                   rule_id TEXT NOT NULL, version INTEGER NOT NULL, tag TEXT NOT NULL, name TEXT NOT NULL,
                   definition_json TEXT NOT NULL, UNIQUE (entity_type, position));
CREATE TABLE clause (rule INTEGER NOT NULL REFERENCES rule (key), bit INTEGER NOT NULL, node TEXT NOT NULL,
                     kind TEXT NOT NULL, source_table TEXT, text TEXT, failed_text TEXT,
                     PRIMARY KEY (rule, bit)) WITHOUT ROWID;
CREATE TABLE known_tag (tag TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE outcome (entity INTEGER PRIMARY KEY REFERENCES entity (key), given INTEGER NOT NULL,
                      held TEXT NOT NULL, evidence TEXT);
CREATE TABLE indicator (key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, nama TEXT NOT NULL, nilai,
                        satuan TEXT NOT NULL, pembilang, penyebut, catatan TEXT NOT NULL, rumus TEXT NOT NULL,
                        definisi_pembilang TEXT NOT NULL, definisi_penyebut TEXT NOT NULL, statistik TEXT,
                        sasaran TEXT NOT NULL, formulasi_dokumen TEXT NOT NULL, rumus_disimpulkan TEXT,
                        sumber_data TEXT NOT NULL, penanggung_jawab TEXT NOT NULL, dokumen TEXT NOT NULL,
                        catatan_interpretasi_json TEXT NOT NULL);
CREATE TABLE member_role (code INTEGER PRIMARY KEY, role TEXT NOT NULL);
CREATE TABLE indicator_member (indicator INTEGER NOT NULL REFERENCES indicator (key),
                               role INTEGER NOT NULL REFERENCES member_role (code), seq INTEGER NOT NULL,
                               entity INTEGER NOT NULL REFERENCES entity (key), nilai_sebelum, nilai,
                               PRIMARY KEY (indicator, role, seq)) WITHOUT ROWID;
CREATE VIEW entity_named AS
  SELECT e.key, e.entity_type, e.entity_id, e.nama, e.kode_wilayah, r.kab_kota, e.source_row, e.outside
    FROM entity AS e LEFT JOIN region AS r USING (kode_wilayah);
CREATE VIEW decision AS
  SELECT e.key AS entity, e.entity_type, e.entity_id, r.key AS rule, r.rule_id, r.version AS rule_version, r.tag,
         (o.given >> r.position) & 1 AS given, CAST(h.value AS INTEGER) AS held
    FROM outcome AS o JOIN entity AS e ON e.key = o.entity, json_each(o.held) AS h
    JOIN rule AS r ON r.entity_type = e.entity_type AND r.position = h.key;
CREATE VIEW tag AS
  SELECT entity_type, entity_id, tag, rule_id, rule_version, (SELECT year FROM run) AS year
    FROM decision WHERE given = 1;
CREATE VIEW clause_outcome AS
  SELECT d.entity_type, d.entity_id, d.rule_id, d.given, c.node, c.text, (d.held >> c.bit) & 1 AS held
    FROM decision AS d JOIN clause AS c ON c.rule = d.rule;
CREATE VIEW evidence AS
  SELECT e.entity_type, e.entity_id, r.rule_id, c.node, c.source_table, CAST(x.value AS INTEGER) AS row
    FROM outcome AS o JOIN entity AS e ON e.key = o.entity, json_each(o.evidence) AS item, json_each(item.value) AS x
    JOIN rule AS r ON r.entity_type = e.entity_type AND r.position = json_extract(item.value, '$[0]')
    JOIN clause AS c ON c.rule = r.key AND c.bit = json_extract(item.value, '$[1]')
   WHERE x.key >= 2;
CREATE VIEW indicator_member_named AS
  SELECT i.id AS indicator_id, r.role, e.entity_type, e.entity_id, e.nama, e.kode_wilayah, e.kab_kota,
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


class StoreError(Exception):
    """A run record that cannot be read: missing, not a run record, or of another schema version."""


def open_store(out: Path) -> sqlite3.Connection:
    """``out/run.sqlite`` (or ``out`` itself, a .sqlite file) opened read-only, of this schema version."""
    path = out if out.is_file() else out / "run.sqlite"
    if not path.is_file():
        raise StoreError(f"catatan run tidak ditemukan: {path} (jalankan dulu `iku run --out {out}`)")
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        found = db.execute("SELECT version FROM schema_version").fetchone()
    except sqlite3.DatabaseError:
        db.close()
        raise StoreError(f"{path} bukan catatan run iku") from None
    if found is None or found[0] != SCHEMA_VERSION:
        db.close()
        version = found[0] if found else "tidak diketahui"
        raise StoreError(f"{path} ditulis dengan skema catatan run versi {version}; versi ini membaca versi "
                         f"{SCHEMA_VERSION}. Jalankan ulang `iku run` untuk membuat catatan run yang baru.")
    return db


def source_table_name(table: str) -> str:
    return SOURCE_PREFIX + table

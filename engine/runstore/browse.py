"""Read-only queries for browsing a run's record page by page (``iku serve``).

Every query that a page makes per request is an index lookup or a range of the members' primary
key read in order with a LIMIT (keyset pagination: ``after`` is the last ``seq`` shown), so a page
answers in the same time at 10,000 or 1,000,000 entities. The one query that reads every member
(counts per kabupaten/kota, for the charts) is made once per served run and kept by the caller.
A run of several years is browsed in its last year (``run.year``), as ``StoreSource(DIR)`` reads it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from engine.runstore.schema import ROLES


@dataclass(frozen=True)
class IndicatorRow:
    key: int
    id: str
    nama: str
    nilai: float | None
    satuan: str
    pembilang: float | None
    penyebut: float | None
    catatan: str
    rumus: str
    definisi_pembilang: str
    definisi_penyebut: str
    statistik: str | None


@dataclass(frozen=True)
class MemberRow:
    seq: int
    entity_type: str
    entity_id: str
    nama: str
    kode_wilayah: str | None
    kab_kota: str | None
    nilai_sebelum: float | None
    nilai: float | None


@dataclass(frozen=True)
class RegionCount:
    """Members of one indicator list in one kabupaten/kota, with the sums of their yearly values."""

    indicator: str
    role: str
    kode_wilayah: str | None
    count: int
    sum_before: float | None
    sum_now: float | None


@dataclass(frozen=True)
class TableCount:
    table: str
    source: str | None
    read: int
    used: int
    rejected: int
    blank: int


@dataclass(frozen=True)
class RejectRow:
    table: str
    row: int
    column: str | None
    value: str | None
    reason: str


def indicators(db: sqlite3.Connection) -> list[IndicatorRow]:
    return [IndicatorRow(*row) for row in db.execute(
        "SELECT key, id, nama, nilai, satuan, pembilang, penyebut, catatan, rumus, definisi_pembilang, "
        "definisi_penyebut, statistik FROM indicator WHERE year = (SELECT year FROM run) ORDER BY key")]


def regions(db: sqlite3.Connection) -> dict[str, str]:
    """Kabupaten/kota of the run by code, in name order."""
    return dict(db.execute("SELECT kode_wilayah, kab_kota FROM region ORDER BY kab_kota, kode_wilayah"))


def member_count(db: sqlite3.Connection, indicator_key: int, role: str) -> int:
    return db.execute("SELECT count(*) FROM indicator_member WHERE indicator = ? AND role = ?",
                      (indicator_key, ROLES.index(role))).fetchone()[0]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


NAME_INDEX_MIN = 3  # characters: the trigram index finds parts of names this long
FEW_NAMES = 2_000  # names matching a search below which the name index leads; above, reading the list does


def _name_keys(db: sqlite3.Connection, name_part: str) -> list[int] | None:
    """Keys of the entities whose name contains ``name_part``, from the trigram index, when they are
    few; None when the record has no such index, the text is too short, or the names are many (a
    page of the list then fills quickly by reading it in order)."""
    # the index answers a plain LIKE only (with ESCAPE it reads every name): text with LIKE's own
    # characters is searched along the list instead
    if len(name_part) < NAME_INDEX_MIN or _like(name_part) != name_part or not db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'entity_name'").fetchone():
        return None
    keys = [key for (key,) in db.execute("SELECT rowid FROM entity_name WHERE nama LIKE ? LIMIT ?",
                                         ("%" + name_part + "%", FEW_NAMES + 1))]
    return keys if len(keys) <= FEW_NAMES else None


def members(db: sqlite3.Connection, indicator_key: int, role: str, *, after: int = -1, limit: int = 50,
            id_prefix: str = "", name_part: str = "", region: str | None = None) -> list[MemberRow]:
    """One page of a list in the run's order: members after ``seq`` ``after``, optionally only those
    of a kabupaten/kota, those whose id starts with ``id_prefix`` (found through the id index, then
    the member index: as fast at a million entities) and those whose name contains ``name_part``
    (through the names' trigram index when they are few, else read along the list until the page
    is full)."""
    where = ["m.indicator = ?", "m.role = ?", "m.seq > ?"]
    values: list[object] = [indicator_key, ROLES.index(role), after]
    names = _name_keys(db, name_part) if name_part else None
    # CROSS JOIN fixes the order: from the few entities found by id or name to their memberships
    joined = ("entity AS e CROSS JOIN indicator_member AS m ON m.entity = e.key" if id_prefix or names is not None
              else "indicator_member AS m JOIN entity AS e ON e.key = m.entity")
    if id_prefix:
        where.append("e.entity_id >= ? AND e.entity_id < ?")
        values += [id_prefix, id_prefix + "\U0010ffff"]
    if region is not None:
        where.append("e.kode_wilayah = ?")
        values.append(region)
    if names is not None:
        where.append("e.key IN (SELECT value FROM json_each(?))")
        values.append(json.dumps(names))
    elif name_part:
        where.append("e.nama LIKE ? ESCAPE '\\'")
        values.append("%" + _like(name_part) + "%")
    query = ("SELECT m.seq, e.entity_type, e.entity_id, coalesce(e.nama, ''), e.kode_wilayah, r.kab_kota, "
             f"m.nilai_sebelum, m.nilai FROM {joined} LEFT JOIN region AS r ON r.kode_wilayah = e.kode_wilayah "
             f"WHERE {' AND '.join(where)} ORDER BY m.seq LIMIT ?")
    return [MemberRow(*row) for row in db.execute(query, (*values, limit))]


def region_counts(db: sqlite3.Connection) -> list[RegionCount]:
    """Per indicator, list and kabupaten/kota: how many members and the sums of their values (one pass)."""
    rows = db.execute(
        "SELECT i.id, m.role, e.kode_wilayah, count(*), sum(m.nilai_sebelum), sum(m.nilai) "
        "FROM indicator_member AS m JOIN entity AS e ON e.key = m.entity JOIN indicator AS i ON i.key = m.indicator "
        "WHERE i.year = (SELECT year FROM run) GROUP BY m.indicator, m.role, e.kode_wilayah")
    return [RegionCount(indicator, ROLES[role], region, count, before, now)
            for indicator, role, region, count, before, now in rows]


def table_counts(db: sqlite3.Connection) -> list[TableCount]:
    return [TableCount(*row) for row in db.execute(
        'SELECT "table", source, read, used, rejected, blank FROM table_count ORDER BY rowid')]


def rejects(db: sqlite3.Connection, table: str, limit: int) -> list[RejectRow]:
    return [RejectRow(*row) for row in db.execute(
        'SELECT "table", row, "column", value, reason FROM reject WHERE "table" = ? ORDER BY rowid LIMIT ?',
        (table, limit))]


def entity_lists(db: sqlite3.Connection, entity_type: str, entity_id: str) -> list[tuple[str, str]]:
    """The indicator lists an entity is in: (indicator id, role)."""
    return [(indicator, ROLES[role]) for indicator, role in db.execute(
        "SELECT i.id, m.role FROM entity AS e JOIN indicator_member AS m ON m.entity = e.key "
        "JOIN indicator AS i ON i.key = m.indicator WHERE e.entity_id = ? AND e.entity_type = ? AND i.year = (SELECT year FROM run) "
        "ORDER BY i.key, m.role", (entity_id, entity_type))]


def given_tags(db: sqlite3.Connection) -> Iterator[tuple[str, str, frozenset[str]]]:
    """Every entity with the tags it was given, in (type, id) order: what two runs are compared by."""
    tags: dict[str, dict[int, str]] = {}
    for entity_type, position, tag in db.execute("SELECT entity_type, position, tag FROM rule WHERE year = (SELECT year FROM run)"):
        tags.setdefault(entity_type, {})[position] = tag
    rows = db.execute("SELECT e.entity_type, e.entity_id, v.given FROM entity AS e JOIN outcome AS o ON o.entity = e.key "
                      "JOIN verdict AS v ON v.key = o.verdict WHERE o.year = (SELECT year FROM run) "
                      "ORDER BY e.entity_type, e.entity_id")
    for entity_type, entity_id, given in rows:
        by_position = tags.get(entity_type, {})
        yield entity_type, entity_id, frozenset(tag for position, tag in by_position.items() if given >> position & 1)


def document_wording(db: sqlite3.Connection) -> dict[str, str]:
    """Each indicator's formulasi as the source document writes it (empty where it says none)."""
    return {key: text for key, text in db.execute("SELECT id, formulasi_dokumen FROM indicator WHERE year = (SELECT year FROM run)") if text}


def indicator_key(db: sqlite3.Connection, indicator_id: str) -> int | None:
    found = db.execute("SELECT key FROM indicator WHERE id = ? AND year = (SELECT year FROM run)", (indicator_id,)).fetchone()
    return found[0] if found else None

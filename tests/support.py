"""Test data the way a dinas would hand it in: tables of strings, written as CSV, read by ingest.

Tests and feature steps build their data with these helpers so that every value goes through the
real reader, validator, facts, compiler and durable_rules — no mocks.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from engine.fact_places import RowOwners
from engine.pipeline import DEFAULT_RULES, RunResult, run

RULES = DEFAULT_RULES
REPO = RULES.parent
SAMPLES = REPO / "samples"


def write_tables(folder: Path, tables: Mapping[str, Sequence[Mapping[str, object]]]) -> Path:
    """Write each table as ``<name>.csv`` (header from the first row's keys, all as text)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = list(dict.fromkeys(column for row in rows for column in row)) if rows else []
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(column) is None else str(row.get(column)) for column in columns])
    return folder


def koperasi(nik: str, tanggal_badan_hukum: str = "2010-01-01", **extra: object) -> dict[str, object]:
    row: dict[str, object] = {"nik": nik, "nama": f"Koperasi {nik[-4:]}", "kode_wilayah": "35.78",
                              "kab_kota": "Kota Surabaya", "tanggal_badan_hukum": tanggal_badan_hukum,
                              "tanggal_bubar": ""}
    row.update(extra)
    return row


def named_koperasi(names: Sequence[str]) -> dict[str, list[dict[str, object]]]:
    """One active cooperative per name, with a RAT in 2024: hostile names travel to every output."""
    return {
        "koperasi": [koperasi(nik(index), nama=name) for index, name in enumerate(names)],
        "rat": [{"nik": nik(index), "tanggal_rat": "2024-03-01"} for index in range(len(names))],
    }


def nik(number: int) -> str:
    return f"{3578000000000000 + number:016d}"


def nib(number: int) -> str:
    return f"{1200000000000 + number:013d}"


def run_tables(
    tmp_path: Path, tables: Mapping[str, Sequence[Mapping[str, object]]], year: int = 2024,
    profile: str = "jatim", rules: Path = RULES,
) -> RunResult:
    data = write_tables(tmp_path / "data", tables)
    return run(data=data, profile_id=profile, year=year, rules=rules)


def tags_of(result: RunResult, entity_id: str) -> set[str]:
    return {decision.tag for decision in result.decisions if decision.entity_id == entity_id and decision.given}


def decision_of(result: RunResult, entity_id: str, tag: str):
    return next(d for d in result.decisions if d.entity_id == entity_id and d.tag == tag)


def rat_rows_of_the_next_koperasi(result: RunResult) -> RowOwners:
    """The owners of ``result``'s related rows as noted, but every RAT row noted as the next
    koperasi's: evidence the rules found then names rows not of the entity the record cites them for."""
    kind = "koperasi"
    count = len(result.entities[kind])
    assert result.owners is not None
    moved = RowOwners()  # the other tables' owners as noted
    moved.parts.update((key, parts) for key, parts in result.owners.parts.items() if key[1] != "rat")
    moved.records.update((key, rows) for key, rows in result.owners.records.items() if key[1] != "rat")
    for position, entity in enumerate(result.entities[kind]):
        for fact in entity.fact_rows:
            if fact[0] == "rat":
                moved.note(kind, "rat", fact[1], (position + 1) % count)
    return moved


def traced_statements(monkeypatch: Any) -> list[str]:
    """Every SQL statement run from now on by the SQLite connections opened from now on, in order."""
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = connect(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(sqlite3, "connect", traced)
    return statements


def damage_table(record: Path, table: str) -> None:
    """Overwrite the first page of ``table`` in the SQLite file ``record`` (a disk's damage, a bad copy):
    the header and schema still read, so the record opens, and reading that table fails."""
    db = sqlite3.connect(record)
    page_size, = db.execute("PRAGMA page_size").fetchone()
    root, = db.execute("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    db.close()
    with record.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xff" * page_size)

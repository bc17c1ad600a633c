"""Rows inserted many to a statement (engine.runstore.values) hold what row-by-row inserts hold."""

from __future__ import annotations

import sqlite3

import pytest

from engine.runstore import values
from engine.runstore.values import insert_columns, insert_values

DEFINITION = ("(entity INTEGER NOT NULL, row INTEGER NOT NULL, n REAL, t TEXT, b INTEGER, "
              "PRIMARY KEY (entity, row)) WITHOUT ROWID")


def _rows(count: int) -> list[tuple[object, ...]]:
    kinds = [1.5, 2.0, None, 0.1 + 0.2, -7, 1e300]
    return [(entity, entity * 3 % 7, kinds[entity % len(kinds)], None if entity % 5 == 0 else f"teks {entity}'\"",
             entity % 2 == 0) for entity in range(count)]


def _both(rows: list[tuple[object, ...]], width: int = 5) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE one {DEFINITION}")
    db.execute(f"CREATE TABLE many {DEFINITION}")
    db.executemany("INSERT INTO one VALUES (?, ?, ?, ?, ?)", rows)
    insert_values(db, "many", width, [value for row in rows for value in row])
    query = "SELECT entity, row, n, typeof(n), t, typeof(t), b, typeof(b) FROM {} ORDER BY entity, row"
    return db.execute(query.format("one")).fetchall(), db.execute(query.format("many")).fetchall()


@pytest.mark.parametrize("count", [0, 1, 2, 3, 1599, 1600, 1601, 4801, 5000])
def test_many_rows_a_statement_store_what_one_row_a_statement_stores(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "VALUES_PER_STATEMENT", 8_000)  # 1600 rows of 5 a statement: whole ones and a rest
    one, many = _both(_rows(count))
    assert len(many) == count
    assert many == one


def test_a_row_wider_than_a_statement_goes_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "VALUES_PER_STATEMENT", 3)
    one, many = _both(_rows(7))
    assert many == one


def test_values_not_whole_rows_are_refused() -> None:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE many {DEFINITION}")
    with pytest.raises(ValueError, match="bukan baris-baris 5 kolom"):
        insert_values(db, "many", 5, [1, 2, 3])
    assert db.execute("SELECT count(*) FROM many").fetchone() == (0,)


@pytest.mark.parametrize("count", [0, 1, 1601, 5000])
def test_rows_given_column_by_column_store_what_the_rows_store(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "VALUES_PER_STATEMENT", 8_000)
    rows = _rows(count)
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE one {DEFINITION}")
    db.execute(f"CREATE TABLE columns {DEFINITION}")
    db.executemany("INSERT INTO one VALUES (?, ?, ?, ?, ?)", rows)
    # iterators, as the record gives them (one made in C per column)
    insert_columns(db, "columns", [iter([row[column] for row in rows]) for column in range(5)], count)
    query = "SELECT entity, row, n, typeof(n), t, typeof(t), b, typeof(b) FROM {} ORDER BY entity, row"
    assert db.execute(query.format("columns")).fetchall() == db.execute(query.format("one")).fetchall()
    assert db.execute("SELECT count(*) FROM columns").fetchone() == (count,)


def test_a_column_of_another_length_is_refused() -> None:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE columns {DEFINITION}")
    with pytest.raises(ValueError):
        insert_columns(db, "columns", [range(3), range(3), range(2), range(3), range(3)], 3)
    assert db.execute("SELECT count(*) FROM columns").fetchone() == (0,)

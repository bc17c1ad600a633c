"""Rows inserted many to a statement: ``INSERT INTO t VALUES (?, ?), (?, ?), …`` with the rows' values
given as one flat list.

Python's ``executemany`` binds, steps and resets the statement once per row: for a national run's
1.8 million source rows that took 2.0 CPU-s, of which SQLite's own inserting is a quarter. A
statement of ``VALUES_PER_STATEMENT`` values (rows of them) is bound and stepped once for them all:
0.9 CPU-s for the same rows (bench/README.md, "The other output process: source rows and
report.xlsx"). SQLite stores what it stores for single-row inserts: the same values in the same order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice

VALUES_PER_STATEMENT = 2_000  # SQLite allows 32,766; more gains nothing measurable, and each statement SQLite holds grows with it


def insert_values(db: sqlite3.Connection, table: str, width: int, values: Sequence[object]) -> None:
    """The rows of ``width`` columns whose values are ``values``, row after row, inserted into ``table``
    in their order."""
    if len(values) % width:
        raise ValueError(f"{len(values)} nilai bukan baris-baris {width} kolom untuk {table}")
    step = max(VALUES_PER_STATEMENT // width, 1) * width
    whole = len(values) - len(values) % step
    if whole:
        db.executemany(_statement(table, width, step // width),
                       (values[start:start + step] for start in range(0, whole, step)))
    if whole < len(values):
        db.execute(_statement(table, width, (len(values) - whole) // width), values[whole:])


def insert_columns(db: sqlite3.Connection, table: str, columns: Sequence[Iterable[object]], count: int) -> None:
    """``count`` rows given column by column (``columns``: the table's, in its order, each ``count``
    values long), laid out into one flat list in C and inserted as ``insert_values`` inserts them: no
    tuple is made per row (a national run's 623,000 indicator members, 250,000 entities)."""
    values: list[object] = [None] * (len(columns) * count)
    for position, cells in enumerate(columns):
        values[position::len(columns)] = cells  # refused (ValueError) unless the column holds ``count`` values
    insert_values(db, table, len(columns), values)


def insert_rows(db: sqlite3.Connection, table: str, rows: Iterable[Sequence[object]]) -> None:
    """``rows`` (tuples of one width, read as they come: a run inserts millions) inserted into ``table``
    in their order, as many to a statement as ``insert_values`` puts in one."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return
    width = len(first)
    per_statement = max(VALUES_PER_STATEMENT // width, 1)
    every = chain((first,), iterator)
    rest: list[Sequence[object]] = []

    def statements() -> Iterator[tuple[object, ...]]:
        while True:
            chunk = list(islice(every, per_statement))
            if len(chunk) < per_statement:
                rest.extend(chunk)
                return
            yield tuple(chain.from_iterable(chunk))

    db.executemany(_statement(table, width, per_statement), statements())
    if rest:
        db.executemany(_statement(table, width, 1), rest)


def _statement(table: str, width: int, rows: int) -> str:
    row = "(" + ", ".join("?" * width) + ")"
    return f'INSERT INTO "{table}" VALUES ' + ", ".join([row] * rows)

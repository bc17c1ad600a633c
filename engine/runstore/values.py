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
from collections.abc import Sequence

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


def _statement(table: str, width: int, rows: int) -> str:
    row = "(" + ", ".join("?" * width) + ")"
    return f'INSERT INTO "{table}" VALUES ' + ", ".join([row] * rows)

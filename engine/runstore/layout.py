"""Which source rows and columns the record keeps, and how a stored row becomes a fact again.

An explanation cites, for a clause on table T, the rows of T behind it with their dates and the
columns the clause compares. So the record keeps, for every table some clause of the run reads,
each entity's rows of that table with those columns only (``src_<table>``); a fact rebuilt from
such a row shows exactly what the fact of the run showed.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from datetime import date
from typing import Any

from engine.explain.ruleview import RuleView
from engine.facts import DERIVED_YEARS, fact_id, fact_layout
from engine.ingest.tables import TABLE_BY_NAME

SQL_TYPES = {"bool": "INTEGER", "int": "INTEGER", "date": "INTEGER", "float": "REAL", "text": "TEXT"}


def shown_columns(views: Iterable[RuleView]) -> dict[str, tuple[str, ...]]:
    """Per table read by a clause: its date columns and every column a clause compares, in the fact's order."""
    wanted: dict[str, set[str]] = {}
    for view in views:
        for leaf in view.leaves:
            if leaf.table is not None:
                wanted.setdefault(leaf.table, set()).update(test.field for test in leaf.tests)
    return {table: tuple(column for column in fact_layout(table) if column.startswith("tanggal") or column in fields)
            for table, fields in sorted(wanted.items())}


def _base_type(annotation: Any) -> type:
    arguments = [argument for argument in typing.get_args(annotation) if argument is not type(None)]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return _base_type(arguments[0])
    return annotation


def value_kind(table: str, column: str) -> str:
    """bool, int, date (kept as the fact keeps it, yyyymmdd), float or text."""
    if column in DERIVED_YEARS.get(table, {}):
        return "int"
    base = _base_type(TABLE_BY_NAME[table].model_fields[column].annotation)
    for kind, python in (("bool", bool), ("date", date), ("int", int), ("float", float)):
        if base is python:
            return kind
    return "text"


def fact_from_row(table: str, columns: tuple[str, ...], kinds: tuple[str, ...], row: tuple[Any, ...]) -> dict[str, Any]:
    """A stored ``(row, *values)`` as the fact dict durable_rules had (only the kept columns)."""
    number, *values = row
    fact: dict[str, Any] = {"t": table, "id": fact_id(table, number), "row": number}
    for column, kind, value in zip(columns, kinds, values):
        if value is not None:
            fact[column] = bool(value) if kind == "bool" else value
    return fact

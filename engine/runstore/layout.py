"""Which source rows and columns the record keeps, and how a stored row becomes a fact again.

An explanation cites, for a clause on table T, the rows of T behind it with their dates and the
columns the clause compares. So the record keeps, for every table some clause of the run reads,
each entity's rows of that table with those columns only (``src_<table>``); a fact rebuilt from
such a row shows exactly what the fact of the run showed. A year derived from a date
(``tahun_rat`` from ``tanggal_rat``) is not stored: the date is, and the year is its first digits.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class SourceLayout:
    """A kept table's columns: those a fact shows (``shown``, in the fact's order), those stored
    (``stored``: every shown column but the derived years) with their kinds, and each derived
    year shown with the date column it comes from."""

    table: str
    shown: tuple[str, ...]
    stored: tuple[str, ...]
    kinds: tuple[str, ...]
    derived: tuple[tuple[str, str], ...]


def source_layout(table: str, shown: tuple[str, ...]) -> SourceLayout:
    """``shown`` holds every date column (``shown_columns``), so a derived year's date is stored."""
    years = DERIVED_YEARS.get(table, {})
    derived = tuple((name, years[name]) for name in shown if name in years)
    stored = tuple(name for name in shown if name not in years)
    return SourceLayout(table, shown, stored, tuple(value_kind(table, name) for name in stored), derived)


def source_layouts(views: Iterable[RuleView]) -> dict[str, SourceLayout]:
    return {table: source_layout(table, shown) for table, shown in shown_columns(views).items()}


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


def fact_from_row(layout: SourceLayout, row: tuple[Any, ...]) -> dict[str, Any]:
    """A stored ``(row, *values)`` as the fact dict durable_rules had (only the kept columns)."""
    number, *values = row
    fact: dict[str, Any] = {"t": layout.table, "id": fact_id(layout.table, number), "row": number}
    for column, kind, value in zip(layout.stored, layout.kinds, values):
        if value is not None:
            fact[column] = bool(value) if kind == "bool" else value
    for year, source in layout.derived:  # after the stored columns, as in the fact's order
        if source in fact:
            fact[year] = fact[source] // 10_000  # the date as the fact keeps it, yyyymmdd
    return fact

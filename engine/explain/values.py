"""Values as an auditor reads them: dates as dd-mm-yyyy, amounts as 1.500.000,5, ya/tidak, comparisons in words."""

from __future__ import annotations

from datetime import date

from engine.facts import day_from_number
from engine.numbers import format_number
from engine.rules.nodes import Test

_SYMBOLS = {"=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "salah satu dari",
            "not in": "bukan salah satu dari", "exists": "terisi", "missing": "kosong"}


def format_day(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def shown_value(column: str, value: object) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if column.startswith("tanggal") and isinstance(value, int):
        return format_day(day_from_number(value))
    if isinstance(value, float):  # amounts and scores; whole numbers (years, counts) stay as written
        return format_number(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def describe_test(test: Test) -> str:
    if test.op in ("exists", "missing"):
        return f"{test.field} {_SYMBOLS[test.op]}"
    return f"{test.field} {_SYMBOLS[test.op]} {shown_value(test.field, test.value)}"

"""Values as an auditor reads them: dates as dd-mm-yyyy, booleans as ya/tidak, comparisons in words."""

from __future__ import annotations

from engine.facts import day_from_number
from engine.rules.compiler import Test

_SYMBOLS = {"=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "salah satu dari",
            "not in": "bukan salah satu dari", "exists": "terisi", "missing": "kosong"}


def shown_value(column: str, value: object) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if column.startswith("tanggal") and isinstance(value, int):
        return day_from_number(value).strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def describe_test(test: Test) -> str:
    if test.op in ("exists", "missing"):
        return f"{test.field} {_SYMBOLS[test.op]}"
    return f"{test.field} {_SYMBOLS[test.op]} {shown_value(test.field, test.value)}"

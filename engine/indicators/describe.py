"""An indicator's machine definition in words, shown beside the document's own formulasi.

The report, report.xlsx and ``iku explain`` all show it, so an auditor reads what the IKU document
says and what iku computes side by side.
"""

from __future__ import annotations

from engine.indicators.model import Count, Denominator, EntitySet, Growth, Indicator, Percentage


def set_text(entity_set: EntitySet) -> str:
    tags = ", ".join(entity_set.tags)
    return f"{entity_set.entity} dengan tag {tags}" if tags else f"semua {entity_set.entity} terdaftar"


def formula_text(indicator: Indicator) -> str:
    formula = indicator.formula
    if isinstance(formula, Percentage):
        return "pembilang ÷ penyebut × 100"
    if isinstance(formula, Count):
        return "jumlah entitas berbeda"
    return "(Σ tahun n − Σ tahun n-1) ÷ Σ tahun n-1 × 100, atas anggota kohort yang punya nilai di kedua tahun"


def part_text(indicator: Indicator, which: str) -> str:
    """What the ``pembilang`` or the ``penyebut`` counts or sums."""
    formula = indicator.formula
    if isinstance(formula, Percentage):
        part = formula.numerator if which == "pembilang" else formula.denominator
        if isinstance(part, Denominator):
            options = " + ".join(set_text(entity_set) for entity_set in part.otherwise)
            return f"statistik {part.statistic} tahun n bila ada, selain itu {options}" if part.statistic else options
        return set_text(part)
    if isinstance(formula, Count):
        return set_text(formula.count) if which == "pembilang" else "-"
    assert isinstance(formula, Growth)
    measures = ", ".join(f"{kind}: {m.table}.{m.field}" for kind, m in formula.measure.items())
    total = "Σn − Σ(n-1)" if which == "pembilang" else "Σ(n-1)"
    return f"{total} atas {set_text(formula.cohort)} ({measures})"


def machine_definition(indicator: Indicator) -> str:
    """The whole definition on one line: formula, then numerator and denominator."""
    text = f"{formula_text(indicator)}; pembilang: {part_text(indicator, 'pembilang')}"
    if not isinstance(indicator.formula, Count):
        text += f"; penyebut: {part_text(indicator, 'penyebut')}"
    return text

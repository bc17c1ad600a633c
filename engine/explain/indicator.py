"""How an indicator's numerator and denominator were formed, and which entities are in each.

Everything comes from the profile's definition and the computed ``IndicatorResult``; nothing is
counted again here.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.explain.model import IndicatorExplanation, IndicatorHeader, MemberLine
from engine.explain.values import shown_value
from engine.indicators.compute import IndicatorResult, Member, declared_statistic
from engine.indicators.model import (
    Count,
    Denominator,
    EntitySet,
    Growth,
    Indicator,
    Percentage,
)
from engine.pipeline import RunResult

NameOf = Callable[[str, str], str]


def _set_text(entity_set: EntitySet) -> str:
    tags = ", ".join(entity_set.tags)
    return f"{entity_set.entity} dengan tag {tags}" if tags else f"semua {entity_set.entity} terdaftar"


def _formula(indicator: Indicator) -> str:
    formula = indicator.formula
    if isinstance(formula, Percentage):
        return "pembilang ÷ penyebut × 100"
    if isinstance(formula, Count):
        return "jumlah entitas berbeda"
    return "(Σ tahun n − Σ tahun n-1) ÷ Σ tahun n-1 × 100, atas anggota kohort yang punya nilai di kedua tahun"


def _part(indicator: Indicator, which: str) -> str:
    formula = indicator.formula
    if isinstance(formula, Percentage):
        part = formula.numerator if which == "pembilang" else formula.denominator
        if isinstance(part, Denominator):
            options = " + ".join(_set_text(entity_set) for entity_set in part.otherwise)
            return f"statistik {part.statistic} tahun n bila ada, selain itu {options}" if part.statistic else options
        return _set_text(part)
    if isinstance(formula, Count):
        return _set_text(formula.count) if which == "pembilang" else "-"
    assert isinstance(formula, Growth)
    measures = ", ".join(f"{kind}: {m.table}.{m.field}" for kind, m in formula.measure.items())
    total = "Σn − Σ(n-1)" if which == "pembilang" else "Σ(n-1)"
    return f"{total} atas {_set_text(formula.cohort)} ({measures})"


def _statistic(result: RunResult, indicator: Indicator) -> str | None:
    """Whether the declared statistic gave the denominator; the entities listed are then only a comparison."""
    formula = indicator.formula
    if not isinstance(formula, Percentage) or not isinstance(formula.denominator, Denominator):
        return None
    name = formula.denominator.statistic
    if not name:
        return None
    declared = declared_statistic(result.dataset, name, result.year)
    if declared is None:
        return f"statistik {name} tahun {result.year} tidak ada; penyebut dihitung dari entitas di bawah"
    return (f"statistik {name} tahun {result.year} = {shown_value(name, declared)} dipakai sebagai penyebut; "
            f"entitas penyebut di bawah hanya pembanding")


def _lines(members: tuple[Member, ...], name_of: NameOf) -> list[MemberLine]:
    return [MemberLine(jenis=m.entity_type, id=m.entity_id, nama=name_of(m.entity_type, m.entity_id),
                       nilai_sebelum=m.nilai_sebelum, nilai=m.nilai) for m in members]


def indicator_header(result: RunResult, indicator_id: str) -> IndicatorHeader:
    """What the profile says of an indicator: formula, numerator, denominator, statistic, notes."""
    definition = next(item for item in result.profile.indicators if item.id == indicator_id)
    return IndicatorHeader(
        rumus=_formula(definition), pembilang=_part(definition, "pembilang"), penyebut=_part(definition, "penyebut"),
        statistik=_statistic(result, definition), catatan_interpretasi=[*result.profile.notes, *definition.notes],
    )


def explain_indicator(result: RunResult, indicator_id: str, name_of: NameOf) -> IndicatorExplanation:
    computed: IndicatorResult = next(item for item in result.indicators if item.id == indicator_id)
    return IndicatorExplanation(
        id=computed.id, nama=computed.nama, tahun=result.year, nilai=computed.nilai, satuan=computed.satuan,
        **dict(indicator_header(result, indicator_id)), catatan=computed.catatan,
        anggota_pembilang=_lines(computed.numerator, name_of), anggota_penyebut=_lines(computed.denominator, name_of),
        dikecualikan=_lines(computed.excluded, name_of),
    )

"""How an indicator's numerator and denominator were formed, and which entities are in each.

Everything comes from the profile's definition and the computed ``IndicatorResult``; nothing is
counted again here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.explain.model import IndicatorExplanation, IndicatorHeader, MemberLine
from engine.indicators.describe import formula_text, part_text
from engine.indicators.model import Denominator, Indicator, Percentage

if TYPE_CHECKING:  # a run's record is explained without the pipeline's modules
    from engine.indicators.compute import IndicatorResult, Member
    from engine.pipeline import RunResult

NameOf = Callable[[str, str], str]


def _statistic(result: RunResult, indicator: Indicator, computed: IndicatorResult) -> str | None:
    """Whether the declared statistic gave the denominator; it then has no member list of its own."""
    formula = indicator.formula
    if not isinstance(formula, Percentage) or not isinstance(formula.denominator, Denominator):
        return None
    name = formula.denominator.statistic
    if not name:
        return None
    if computed.denominator_source is None:
        return f"statistik {name} tahun {result.year} tidak ada; penyebut dihitung dari entitas di bawah"
    return (f"penyebut dari {computed.denominator_source}; angka yang dinyatakan, bukan hitungan entitas: "
            "entitas terdaftar tidak didaftar sebagai anggota penyebut")


def _lines(members: tuple[Member, ...], name_of: NameOf) -> list[MemberLine]:
    return [MemberLine(jenis=m.entity_type, id=m.entity_id, nama=name_of(m.entity_type, m.entity_id),
                       nilai_sebelum=m.nilai_sebelum, nilai=m.nilai) for m in members]


def indicator_header(result: RunResult, indicator_id: str) -> IndicatorHeader:
    """What the profile says of an indicator: formula, numerator, denominator, statistic, the IKU
    document's own words, notes."""
    definition = next(item for item in result.profile.indicators if item.id == indicator_id)
    computed = next(item for item in result.indicators if item.id == indicator_id)
    return IndicatorHeader(
        rumus=formula_text(definition), pembilang=part_text(definition, "pembilang"),
        penyebut=part_text(definition, "penyebut"), statistik=_statistic(result, definition, computed),
        sasaran=definition.quoted("goal"), formulasi_dokumen=definition.quoted("document_formula"),
        rumus_disimpulkan=definition.formula_inferred, sumber_data=definition.quoted("data_source"),
        penanggung_jawab=definition.quoted("responsible"),
        dokumen=result.profile.document.cite() if result.profile.document else result.profile.source_document,
        catatan_interpretasi=[*result.profile.notes, *definition.notes],
    )


def explain_indicator(result: RunResult, indicator_id: str, name_of: NameOf) -> IndicatorExplanation:
    computed: IndicatorResult = next(item for item in result.indicators if item.id == indicator_id)
    return IndicatorExplanation(
        id=computed.id, nama=computed.nama, tahun=result.year, nilai=computed.nilai, satuan=computed.satuan,
        **dict(indicator_header(result, indicator_id)), catatan=computed.catatan,
        anggota_pembilang=_lines(computed.numerator, name_of), anggota_penyebut=_lines(computed.denominator, name_of),
        dikecualikan=_lines(computed.excluded, name_of),
    )

"""Steps for executable regulations: data as Gherkin tables with the contract's column names, a
run of the real rules through the real engine, and checks on tags, indicators, rejected rows and
explanations. A failing check says in words which entity got which tag and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, then, when

from engine.explain import explain, render
from engine.pipeline import RunResult
from tests import coverage_rules
from tests.support import run_tables


@dataclass
class Dinas:
    """What a scenario has handed in so far, and the result of assessing it."""

    folder: Path
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    result: RunResult | None = None

    def assessed(self) -> RunResult:
        assert self.result is not None, "skenario belum menilai data (langkah 'Ketika dinilai ...' belum ada)"
        return self.result


@pytest.fixture
def dinas(tmp_path) -> Dinas:
    return Dinas(tmp_path)


def _rows(datatable: list[list[str]]) -> list[dict[str, str]]:
    header = [cell.strip() for cell in datatable[0]]
    return [dict(zip(header, (cell.strip() for cell in row))) for row in datatable[1:]]


@given(parsers.parse("tabel {table}:"))
def given_table(dinas: Dinas, table: str, datatable: list[list[str]]) -> None:
    dinas.tables.setdefault(table, []).extend(_rows(datatable))


@when(parsers.parse("dinilai untuk tahun {year:d} dengan profil {profile}"))
def assess(dinas: Dinas, year: int, profile: str) -> None:
    dinas.result = run_tables(dinas.folder, dinas.tables, year=year, profile=profile)
    coverage_rules.record(dinas.result)


def why(result: RunResult, entity_id: str, tag: str) -> str:
    explanations = explain(result, entity_id, tag)
    return "\n".join(render(item) for item in explanations)


def _given(result: RunResult, kind: str, entity_id: str, tag: str) -> bool:
    decisions = [d for d in result.decisions if d.entity_type == kind and d.entity_id == entity_id and d.tag == tag]
    assert decisions, f"{kind} {entity_id} tidak dinilai untuk tag {tag} (id tidak ada, ditolak, atau aturan tidak berlaku)"
    return decisions[0].given


TAG_STEP = r"(?P<kind>koperasi|ukm|peserta_diklat) (?P<entity_id>\S+) (?P<verdict>mendapat|tidak mendapat) tag (?P<tag>\w+)"


@then(parsers.re(TAG_STEP))
def tag_verdict(dinas: Dinas, kind: str, entity_id: str, verdict: str, tag: str) -> None:
    result = dinas.assessed()
    given = _given(result, kind, entity_id, tag)
    if verdict == "mendapat":
        assert given, f"{kind} {entity_id} tidak mendapat tag {tag} karena:\n{why(result, entity_id, tag)}"
    else:
        assert not given, f"{kind} {entity_id} mendapat tag {tag} karena:\n{why(result, entity_id, tag)}"


def _indicator(result: RunResult, indicator_id: str):
    found = [item for item in result.indicators if item.id == indicator_id]
    assert found, f"indikator {indicator_id} tidak ada di profil {result.profile.id}"
    return found[0]


def _number(text: str) -> float:
    return float(text.strip().replace(".", "").replace(",", ".")) if "," in text else float(text)


@then(parsers.parse("indikator {indicator_id} bernilai {value}"))
def indicator_value(dinas: Dinas, indicator_id: str, value: str) -> None:
    indicator = _indicator(dinas.assessed(), indicator_id)
    assert indicator.nilai is not None, f"indikator {indicator_id} tidak terdefinisi: {indicator.catatan}"
    assert indicator.nilai == pytest.approx(_number(value)), \
        f"indikator {indicator_id} bernilai {indicator.nilai}, bukan {value}: {indicator.catatan}"


@then(parsers.parse('indikator {indicator_id} tidak terdefinisi dengan alasan "{reason}"'))
def indicator_undefined(dinas: Dinas, indicator_id: str, reason: str) -> None:
    indicator = _indicator(dinas.assessed(), indicator_id)
    assert indicator.nilai is None, f"indikator {indicator_id} bernilai {indicator.nilai}: {indicator.catatan}"
    assert reason in indicator.catatan, f"alasan '{reason}' tidak ada dalam catatan: {indicator.catatan}"


@then(parsers.parse("{part} indikator {indicator_id} adalah {value}"))
def indicator_part(dinas: Dinas, part: str, indicator_id: str, value: str) -> None:
    assert part in ("pembilang", "penyebut"), f"bagian '{part}' tidak dikenal: tulis pembilang atau penyebut"
    indicator = _indicator(dinas.assessed(), indicator_id)
    actual = getattr(indicator, part)
    assert actual is not None and actual == pytest.approx(_number(value)), \
        f"{part} indikator {indicator_id} adalah {actual}, bukan {value}: {indicator.catatan}"


@then("baris ditolak:")
def rejected_rows(dinas: Dinas, datatable: list[list[str]]) -> None:
    expected = {(row["table"], int(row["row"]), row["column"]) for row in _rows(datatable)}
    actual = {(reject.table, reject.row, reject.column) for reject in dinas.assessed().dataset.rejects}
    assert actual == expected, f"baris ditolak berbeda: {sorted(actual)}; alasan: " + "; ".join(
        f"{r.table} baris {r.row} {r.column}: {r.reason}" for r in dinas.assessed().dataset.rejects)


@then(parsers.parse('penjelasan untuk {entity_id} tentang tag {tag} memuat "{text}"'))
def explanation_contains(dinas: Dinas, entity_id: str, tag: str, text: str) -> None:
    explanation = why(dinas.assessed(), entity_id, tag)
    assert text in explanation, f"penjelasan tidak memuat '{text}':\n{explanation}"

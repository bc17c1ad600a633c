"""Steps for executable regulations (features/*.feature, Gherkin in Bahasa Indonesia).

Data are given as Gherkin tables with the data contract's table and column names; they are written
as CSV and go through the real ingest, facts, rules (durable_rules) and indicators
(``engine.pipeline.run``). Checks read tags, indicators, rejected rows and the explanation text
``iku explain`` prints. A failing check says in words which entity got which tag and why.

Steps (the words policy staff write; <...> is filled in):
  Dengan tabel <tabel>:                      + a table whose header row is the contract's columns
  Ketika dinilai untuk tahun <n> dengan profil <jatim|jambi>
  Maka <koperasi|ukm|peserta_diklat> <id> mendapat tag <tag>   (or: tidak mendapat tag <tag>)
  Maka indikator <id> bernilai <angka>
  Maka indikator <id> tidak terdefinisi dengan alasan "<teks dalam catatan>"
  Maka pembilang indikator <id> adalah <angka>                 (or: penyebut ...)
  Maka baris ditolak:                        + a table: table | row | column [| alasan]
  Maka tidak ada baris ditolak
  Maka penjelasan untuk <jenis> <id> [tentang tag <tag>] memuat "<teks>"   (or: tidak memuat)
  Maka penjelasan indikator <id> memuat "<teks>"
  Maka <n> entitas tabel <koperasi|ukm> di luar provinsi
  Dengan target Renstra:                     + a table: indicator | year | value | document | page
  Ketika dinilai untuk tahun <n-m atau n,m> dengan profil <jatim|jambi>   (a series: one run, every year)
  Maka indikator <id> tahun <n> bernilai <angka>        (or: tidak terdefinisi dengan alasan "<teks>")
  Maka capaian indikator <id> tahun <n> adalah <angka>
  Maka capaian indikator <id> tahun <n> kosong dengan alasan "<teks>"
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import pytest
from pytest_bdd import given, parsers, then, when

from engine.indicators.compute import IndicatorResult
from engine.ingest.tables import TABLE_BY_NAME
from engine.names import closest
from engine.indicators.targets import Capaian
from engine.pipeline import RunResult, SeriesResult, run_series
from engine.years import parse_years
from tests import coverage_rules
from tests.steps.reasons import because, decision_for, explanation_text, indicator_text
from tests.support import RULES, run_tables, write_tables

KIND = r"(?P<kind>koperasi|ukm|peserta_diklat)"


@dataclass
class Assessment:
    """The tables a scenario has handed in so far, and the result of assessing them."""

    folder: Path
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    result: RunResult | None = None
    targets: list[dict[str, object]] = field(default_factory=list)
    series: SeriesResult | None = None

    def done(self) -> RunResult:
        assert self.result is not None, "skenario belum menilai data: langkah 'Ketika dinilai untuk tahun ...' belum ada"
        return self.result

    def done_series(self) -> SeriesResult:
        assert self.series is not None, "skenario belum menilai seri: langkah 'Ketika dinilai untuk tahun 2023-2024 ...' belum ada"
        return self.series

    def rules_for(self, profile: str) -> Path:
        """The shipped rules, or a copy of them holding the scenario's Renstra targets for ``profile``."""
        if not self.targets:
            return RULES
        folder = self.folder / "rules"
        shutil.copytree(RULES, folder, dirs_exist_ok=True)
        document = {"profile": profile, "targets": self.targets}
        (folder / "targets" / f"{profile}.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        return folder


@pytest.fixture
def assessment(tmp_path: Path) -> Assessment:
    return Assessment(tmp_path)


def table_rows(datatable: list[list[str]]) -> list[dict[str, str]]:
    header = [cell.strip() for cell in datatable[0]]
    return [dict(zip(header, (cell.strip() for cell in row))) for row in datatable[1:]]


def number(text: str) -> float:
    """A number as policy staff write it: decimal comma (33,33), dots between thousands (1.000.000)."""
    cleaned = text.strip()
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        return float(cleaned)
    except ValueError:
        raise AssertionError(f"angka '{text}' tidak terbaca: tulis misalnya 33,33 atau 1.000.000") from None


# -- Dengan: data ---------------------------------------------------------------------------------

def _contract_columns(table: str, columns: list[str]) -> None:
    """A misspelt table or column would be ignored by ingest and the scenario pass for nothing."""
    known = ", ".join(TABLE_BY_NAME)
    assert table in TABLE_BY_NAME, (f"tabel '{table}' tidak ada dalam kontrak data{closest(table, TABLE_BY_NAME)}; "
                                     f"yang ada: {known}")
    allowed = TABLE_BY_NAME[table].columns()
    for column in columns:
        assert column.lower() in allowed, (f"kolom '{column}' tidak ada di tabel {table}{closest(column, allowed)}; "
                                           f"yang ada: {', '.join(allowed)}")


@given(parsers.re(r"tabel (?P<table>\w+):"))
def given_table(assessment: Assessment, table: str, datatable: list[list[str]]) -> None:
    rows = table_rows(datatable)
    _contract_columns(table, [cell.strip() for cell in datatable[0]])
    assessment.tables.setdefault(table, []).extend(rows)


# -- Ketika: the assessment -----------------------------------------------------------------------

@given("target Renstra:")
def given_targets(assessment: Assessment, datatable: list[list[str]]) -> None:
    for row in table_rows(datatable):
        assessment.targets.append({"indicator": row["indicator"], "year": int(row["year"]), "value": number(row["value"]),
                                   "source": {"document": row["document"], "page": int(row["page"])}})


@when(parsers.re(r"dinilai untuk tahun (?P<year>\d{4}) dengan profil (?P<profile>\w+)"))
def assess(assessment: Assessment, year: str, profile: str) -> None:
    assessment.result = run_tables(assessment.folder, assessment.tables, year=int(year), profile=profile,
                                   rules=assessment.rules_for(profile))
    coverage_rules.record(assessment.result)


@when(parsers.re(r"dinilai untuk tahun (?P<years>\d{4}(?:[-,]\d{4})+) dengan profil (?P<profile>\w+)"))
def assess_series(assessment: Assessment, years: str, profile: str) -> None:
    data = write_tables(assessment.folder / "data", assessment.tables)
    assessment.series = run_series(data, profile, parse_years(years), assessment.rules_for(profile))
    assessment.result = assessment.series.last
    for result in assessment.series.results:
        coverage_rules.record(result)


# -- Maka: tags -----------------------------------------------------------------------------------

@then(parsers.re(KIND + r" (?P<entity_id>\S+) (?P<verdict>mendapat|tidak mendapat) tag (?P<tag>\w+)"))
def tag_verdict(assessment: Assessment, kind: str, entity_id: str, verdict: str, tag: str) -> None:
    result = assessment.done()
    decision = decision_for(result, kind, entity_id, tag)
    if decision.given == (verdict == "mendapat"):
        return
    got = "mendapat" if decision.given else "tidak mendapat"
    raise AssertionError(
        f"{kind} {entity_id} {got} tag {tag} karena: {because(result, decision)}\n"
        f"(skenario mengharapkan: {verdict} tag {tag})\n\n"
        f"Penjelasan lengkap:\n{explanation_text(result, kind, entity_id, tag)}"
    )


# -- Maka: indicators -----------------------------------------------------------------------------

def _indicator(result: RunResult, indicator_id: str) -> IndicatorResult:
    found = [item for item in result.indicators if item.id == indicator_id]
    known = ", ".join(item.id for item in result.indicators)
    assert found, f"indikator {indicator_id} tidak ada di profil {result.profile.id}; yang ada: {known}"
    return found[0]


def _in_year(assessment: Assessment, year: str) -> RunResult:
    series = assessment.done_series()
    assert int(year) in series.years, f"tahun {year} tidak dinilai; yang dinilai: {', '.join(map(str, series.years))}"
    return series.year(int(year))


@then(parsers.re(r"indikator (?P<indicator_id>\S+) tahun (?P<year>\d{4}) bernilai (?P<value>-?[\d.,]+)"))
def indicator_value_in_year(assessment: Assessment, indicator_id: str, year: str, value: str) -> None:
    indicator = _indicator(_in_year(assessment, year), indicator_id)
    assert indicator.nilai is not None, f"indikator {indicator_id} tahun {year} tidak terdefinisi: {indicator.catatan}"
    assert indicator.nilai == pytest.approx(number(value)), \
        f"indikator {indicator_id} tahun {year} bernilai {indicator.nilai}, bukan {value}: {indicator.catatan}"


@then(parsers.re(r'indikator (?P<indicator_id>\S+) tahun (?P<year>\d{4}) tidak terdefinisi dengan alasan "(?P<reason>.+)"'))
def indicator_undefined_in_year(assessment: Assessment, indicator_id: str, year: str, reason: str) -> None:
    indicator = _indicator(_in_year(assessment, year), indicator_id)
    assert indicator.nilai is None, f"indikator {indicator_id} tahun {year} bernilai {indicator.nilai}, bukan kosong"
    assert reason in indicator.catatan, f"alasan '{reason}' tidak ada dalam catatan: {indicator.catatan}"


def _capaian(assessment: Assessment, indicator_id: str, year: str) -> Capaian:
    series = assessment.series or SeriesResult.of(assessment.done())
    found = [row for row in series.capaian() if row.indicator_id == indicator_id and row.year == int(year)]
    assert found, f"capaian {indicator_id} tahun {year} tidak ada; tahun yang dinilai: {series.years}"
    return found[0]


@then(parsers.re(r"capaian indikator (?P<indicator_id>\S+) tahun (?P<year>\d{4}) adalah (?P<value>-?[\d.,]+)"))
def capaian_value(assessment: Assessment, indicator_id: str, year: str, value: str) -> None:
    row = _capaian(assessment, indicator_id, year)
    assert row.capaian is not None and row.capaian == pytest.approx(number(value)), \
        f"capaian {indicator_id} tahun {year} adalah {row.capaian}, bukan {value} ({row.catatan})"


@then(parsers.re(r'capaian indikator (?P<indicator_id>\S+) tahun (?P<year>\d{4}) kosong dengan alasan "(?P<reason>.+)"'))
def capaian_empty(assessment: Assessment, indicator_id: str, year: str, reason: str) -> None:
    row = _capaian(assessment, indicator_id, year)
    assert row.capaian is None, f"capaian {indicator_id} tahun {year} adalah {row.capaian}, bukan kosong"
    assert reason in row.catatan, f"alasan '{reason}' tidak ada dalam catatan capaian: {row.catatan}"


@then(parsers.re(r"indikator (?P<indicator_id>\S+) bernilai (?P<value>-?[\d.,]+)"))
def indicator_value(assessment: Assessment, indicator_id: str, value: str) -> None:
    indicator = _indicator(assessment.done(), indicator_id)
    assert indicator.nilai is not None, f"indikator {indicator_id} tidak terdefinisi, bukan {value}: {indicator.catatan}"
    assert indicator.nilai == pytest.approx(number(value)), \
        f"indikator {indicator_id} bernilai {indicator.nilai}, bukan {value}: {indicator.catatan}"


@then(parsers.re(r'indikator (?P<indicator_id>\S+) tidak terdefinisi dengan alasan "(?P<reason>.+)"'))
def indicator_undefined(assessment: Assessment, indicator_id: str, reason: str) -> None:
    indicator = _indicator(assessment.done(), indicator_id)
    assert indicator.nilai is None, f"indikator {indicator_id} bernilai {indicator.nilai}: {indicator.catatan}"
    assert reason in indicator.catatan, f"alasan '{reason}' tidak ada dalam catatan: {indicator.catatan}"


@then(parsers.re(r"(?P<part>pembilang|penyebut) indikator (?P<indicator_id>\S+) adalah (?P<value>-?[\d.,]+)"))
def indicator_part(assessment: Assessment, part: str, indicator_id: str, value: str) -> None:
    indicator = _indicator(assessment.done(), indicator_id)
    actual = getattr(indicator, part)
    assert actual is not None and actual == pytest.approx(number(value)), \
        f"{part} indikator {indicator_id} adalah {actual}, bukan {value}: {indicator.catatan}"


@then(parsers.re(r'penjelasan indikator (?P<indicator_id>\S+) memuat "(?P<text>.+)"'))
def indicator_explanation(assessment: Assessment, indicator_id: str, text: str) -> None:
    result = assessment.done()
    _indicator(result, indicator_id)
    explanation = indicator_text(result, indicator_id)
    assert text in explanation, f"penjelasan indikator {indicator_id} tidak memuat '{text}':\n{explanation}"


# -- Maka: rejected rows --------------------------------------------------------------------------

def _rejects_in_words(result: RunResult) -> str:
    lines = [f"  {r.table} baris {r.row} kolom {r.column} (nilai '{r.value}'): {r.reason}" for r in result.dataset.rejects]
    return "\n".join(lines) or "  (tidak ada)"


@then("baris ditolak:")
def rejected_rows(assessment: Assessment, datatable: list[list[str]]) -> None:
    result = assessment.done()
    expected = table_rows(datatable)
    actual = {(r.table, r.row, r.column): r.reason for r in result.dataset.rejects}
    wanted = {(row["table"], int(row["row"]), row["column"]) for row in expected}
    assert set(actual) == wanted, (
        f"baris yang ditolak berbeda.\nkurang: {sorted(wanted - set(actual))}\nlebih: {sorted(set(actual) - wanted)}\n"
        f"yang ditolak:\n{_rejects_in_words(result)}"
    )
    for row in expected:
        reason = row.get("alasan", "")
        key = (row["table"], int(row["row"]), row["column"])
        assert reason in actual[key], f"alasan penolakan {key} bukan '{reason}', melainkan: {actual[key]}"


@then(parsers.re(r"(?P<count>\d+) entitas tabel (?P<table>\w+) di luar provinsi"))
def outside_province(assessment: Assessment, count: str, table: str) -> None:
    counts = assessment.done().outside_province
    assert table in counts, f"tabel {table} tidak punya kode wilayah; yang punya: {', '.join(counts)}"
    assert counts[table] == int(count), f"di luar provinsi pada tabel {table}: {counts[table]}, bukan {count}"


@then("tidak ada baris ditolak")
def nothing_rejected(assessment: Assessment) -> None:
    result = assessment.done()
    assert not result.dataset.rejects, f"ada baris yang ditolak:\n{_rejects_in_words(result)}"


# -- Maka: explanations ---------------------------------------------------------------------------

@then(parsers.re(
    r"penjelasan untuk (?:" + KIND + r" )?(?P<entity_id>\S+)(?: tentang tag (?P<tag>\w+))?"
    r' (?P<verdict>memuat|tidak memuat) "(?P<text>.+)"'
))
def explanation_contains(assessment: Assessment, kind: str | None, entity_id: str, tag: str | None,
                         verdict: str, text: str) -> None:
    explanation = explanation_text(assessment.done(), kind, entity_id, tag)
    if verdict == "memuat":
        assert text in explanation, f"penjelasan tidak memuat '{text}':\n{explanation}"
    else:
        assert text not in explanation, f"penjelasan memuat '{text}':\n{explanation}"

"""report.xlsx: a summary sheet and one sheet per indicator, numeric cells with number formats,
frozen headers, autofilters, fitted widths, and no text a spreadsheet would run as a formula."""

from __future__ import annotations

import json
import pickle
import zipfile

import pytest
from openpyxl import load_workbook

from engine.outputs import report_xlsx, workbook
from engine.outputs.report_xlsx import write_report_xlsx
from engine.outputs.run import execute_run
from engine.pipeline import run
from tests.support import RULES, SAMPLES, koperasi, named_koperasi, nik, write_tables

HOSTILE = ['=HYPERLINK("http://x","klik")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "Kop\x1fkontrol"]


@pytest.fixture(scope="module")
def jambi(tmp_path_factory):
    out = tmp_path_factory.mktemp("jambi")
    result = execute_run(SAMPLES / "jambi" / "data.xlsx", "jambi", 2024, out, RULES)
    return result, out, load_workbook(out / "report.xlsx")


def test_one_summary_sheet_and_one_sheet_per_indicator(jambi):
    result, _, book = jambi
    assert book.sheetnames == ["Ringkasan", "Capaian", "Dokumen IKU", *[indicator.id for indicator in result.indicators]]


def test_the_summary_says_which_run_and_holds_the_indicator_values(jambi):
    result, out, book = jambi
    sheet = book["Ringkasan"]
    title = [cell.value for cell in sheet[1]]
    assert title[:4] == [f"IKU {result.profile.name}", "profil jambi", "tahun penilaian 2024",
                         f"versi aturan {result.book.version}"]
    assert [cell.value for cell in sheet[2]] == ["id", "indikator", "nilai", "satuan", "pembilang", "penyebut",
                                                 "catatan", "catatan interpretasi"]
    document = json.loads((out / "indicators.json").read_text())
    rows = [[cell.value for cell in row][:7] for row in sheet.iter_rows(min_row=3)]
    expected = [[item[key] for key in ("id", "nama", "nilai", "satuan", "pembilang", "penyebut", "catatan")]
                for item in document["indicators"]]
    assert rows == expected


def test_numbers_are_numeric_cells_with_number_formats(jambi):
    result, _, book = jambi
    sheet = book["Ringkasan"]
    for row, indicator in zip(sheet.iter_rows(min_row=3), result.indicators):
        nilai, pembilang = row[2], row[4]
        assert isinstance(nilai.value, float) and nilai.number_format == "#,##0.00"  # percentages: 2 decimals
        assert isinstance(pembilang.value, (int, float))
        integral = float(pembilang.value).is_integer()
        assert pembilang.number_format == ("#,##0" if integral else "#,##0.00"), indicator.id


def test_every_sheet_has_a_frozen_header_an_autofilter_and_fitted_widths(jambi):
    _, _, book = jambi
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A3", sheet.title
        last = sheet.max_column
        assert sheet.auto_filter.ref.startswith("A2:"), sheet.title
        widths = [sheet.column_dimensions[chr(64 + index)].width for index in range(1, last + 1)]
        assert all(10 <= width <= 62 for width in widths), (sheet.title, widths)


def test_a_percentage_sheet_lists_each_entity_once_with_its_role(jambi):
    result, _, book = jambi
    indicator = result.indicators[0]  # jambi-1: berkualitas ÷ aktif 25/2015
    sheet = book["jambi-1"]
    header = [cell.value for cell in sheet[2]]
    assert header == ["jenis entitas", "id", "nama", "kode wilayah", "kabupaten/kota", "dalam pembilang", "dalam penyebut"]
    rows = [dict(zip(header, [cell.value for cell in row])) for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == len({row["id"] for row in rows}) == len(indicator.denominator)
    assert sum(row["dalam pembilang"] == "ya" for row in rows) == indicator.pembilang
    assert all(row["dalam penyebut"] == "ya" for row in rows)
    assert all(row["kode wilayah"].startswith("15.") and row["nama"] for row in rows)


def test_a_growth_sheet_has_the_values_of_both_years_and_the_excluded(jambi):
    result, _, book = jambi
    indicator = next(indicator for indicator in result.indicators if indicator.id == "jambi-2")
    sheet = book["jambi-2"]
    header = [cell.value for cell in sheet[2]]
    assert header[7:] == ["nilai 2023", "nilai 2024", "pertumbuhan (%)", "dikecualikan", "alasan dikecualikan"]
    rows = [dict(zip(header, [cell.value for cell in row])) for row in sheet.iter_rows(min_row=3)]
    used = [row for row in rows if row["dikecualikan"] == "tidak"]
    excluded = [row for row in rows if row["dikecualikan"] == "ya"]
    assert len(excluded) == len(indicator.excluded) and all(row["alasan dikecualikan"] for row in excluded)
    assert round(sum(row["nilai 2023"] for row in used), 2) == indicator.penyebut
    assert round(sum(row["nilai 2024"] - row["nilai 2023"] for row in used), 2) == indicator.pembilang


def test_training_participants_are_listed_without_names(jambi):
    _, _, book = jambi
    rows = list(book["jambi-6"].iter_rows(min_row=3, values_only=True))
    assert rows and all(row[0] == "peserta_diklat" and row[2] is None for row in rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    tables = named_koperasi(HOSTILE)
    result = run(data=write_tables(folder / "data", tables), profile_id="jatim", year=2024, rules=RULES)
    write_report_xlsx(result, folder / "out")
    return folder / "out" / "report.xlsx"


def test_hostile_names_are_plain_text(hostile):
    book = load_workbook(hostile)
    names = [row[2] for row in book["jatim-1"].iter_rows(min_row=3, values_only=True)]
    assert "'=HYPERLINK(\"http://x\",\"klik\")" in names and "'@SUM(1)" in names and "'-2+3" in names
    assert not any(ord(char) < 32 for name in names for char in name)  # .xlsx cannot hold control characters
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    with zipfile.ZipFile(hostile) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets)


def test_names_that_look_like_links_or_numbers_stay_text(tmp_path):
    # xlsxwriter's write() would turn such strings into hyperlinks or numbers; they are written as text
    names = ["https://contoh.id/koperasi", "00123", "1e5", "mailto:kop@contoh.id"]
    result = run(data=write_tables(tmp_path / "data", named_koperasi(names)), profile_id="jatim", year=2024,
                 rules=RULES)
    write_report_xlsx(result, tmp_path / "out")
    sheet = load_workbook(tmp_path / "out" / "report.xlsx")["jatim-1"]
    cells = [row[2] for row in sheet.iter_rows(min_row=3)]
    assert sorted(cell.value for cell in cells) == sorted(names)
    assert all(cell.data_type == "s" and cell.hyperlink is None for cell in cells)


def test_the_workbook_is_replaced_whole(tmp_path, hostile):
    result = run(data=write_tables(tmp_path / "data", {"koperasi": [koperasi(nik(1))]}), profile_id="jatim",
                 year=2024, rules=RULES)
    out = tmp_path / "out"
    (out).mkdir()
    (out / "report.xlsx").write_bytes(b"lama")
    write_report_xlsx(result, out)
    assert load_workbook(out / "report.xlsx").sheetnames[0] == "Ringkasan"
    assert [path.name for path in out.iterdir()] == ["report.xlsx"]


def test_a_list_longer_than_excel_allows_is_cut_and_says_where_the_rest_is(jambi, tmp_path, monkeypatch):
    result, _, _ = jambi
    indicator = result.indicators[0]
    monkeypatch.setattr(report_xlsx, "SHEET_ROWS", report_xlsx.HEADER_ROW + 3)
    write_report_xlsx(result, tmp_path)
    sheet = load_workbook(tmp_path / "report.xlsx")[indicator.id]
    assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == [
        member.entity_id for member in indicator.denominator[:3]]
    caption = [cell.value for cell in sheet[1]]
    assert caption[2] == (f"hanya 3 dari {len(indicator.denominator)} entitas ditampilkan (batas baris Excel); "
                          "daftar lengkap: tabel indicator_member di run.sqlite")


def _cells(path):
    book = load_workbook(path)
    return {name: [list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def test_the_workbook_process_gets_the_rows_a_few_at_a_time_and_writes_the_same_workbook(jambi, tmp_path, monkeypatch):
    result, _, _ = jambi
    monkeypatch.setattr(workbook, "ROWS_PER_PICKLE", 2)
    monkeypatch.setattr(report_xlsx, "SHEET_ROWS", report_xlsx.HEADER_ROW + 5)  # cut, as a long list is
    laid_out = report_xlsx.lay_out(result, report_xlsx.entity_directory(result), tmp_path)
    with laid_out.open("rb") as stream:
        pickles = []
        while stream.peek(1):
            pickles.append(pickle.load(stream))
    assert all(len(item.rows if isinstance(item, workbook.Sheet) else item) <= 2 for item in pickles if item)
    lengths = {item.title: item.length for item in pickles if isinstance(item, workbook.Sheet)}
    assert lengths[result.indicators[0].id] == 5 < len(result.indicators[0].denominator)
    (tmp_path / "whole").mkdir()
    workbook.write_workbook_from(laid_out, tmp_path)
    write_report_xlsx(result, tmp_path / "whole")
    assert not laid_out.exists()
    assert _cells(tmp_path / "report.xlsx") == _cells(tmp_path / "whole" / "report.xlsx")

"""A workbook that is damaged, hostile or filled in ways openpyxl reads as empty: a message naming the
file (and row), never a traceback, never "kosong" for a cell Excel shows filled."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path
from unittest.mock import patch

import pytest
from openpyxl import Workbook, load_workbook

from engine.ingest import columnar as columnar_module
from engine.ingest import xlsx_guard
from engine.ingest.dataset import load_dataset
from engine.ingest.readers import DataError
from engine.ingest.xlsx_blanks import formula_reason, merged_reason
from tests.support import koperasi, nik

SHEET = "xl/worksheets/sheet1.xml"


def workbook(path: Path, rows: list[dict[str, object]], merge: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "koperasi"
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def rewritten(source: Path, target: Path, part: str, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info.filename, change(data) if info.filename == part else data)
    return target


@pytest.fixture
def book(tmp_path) -> Path:
    return workbook(tmp_path / "asli.xlsx", [koperasi(nik(1)), koperasi(nik(2))])


def test_a_malformed_sheet_is_a_message_naming_the_sheet(tmp_path, book):
    broken = rewritten(book, tmp_path / "data.xlsx", SHEET, lambda data: data[:-40])
    with pytest.raises(DataError) as caught:
        load_dataset(broken)
    message = str(caught.value)
    assert message.startswith("data.xlsx#koperasi sekitar baris") and "rusak" in message


def test_a_sheet_with_entities_is_refused_before_it_is_parsed(tmp_path, book):
    doctype = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'

    def with_entities(data: bytes) -> bytes:
        return data.replace(b"<worksheet", doctype + b"<worksheet", 1).replace(b">Koperasi 0001<", b">&b;<")

    hostile = rewritten(book, tmp_path / "data.xlsx", SHEET, with_entities)
    with pytest.raises(DataError, match=r"^data.xlsx: bagian xl/worksheets/sheet1.xml memuat deklarasi DOCTYPE"):
        load_dataset(hostile)


PADDING = b" " * (8 * 1024**2)  # valid XML whitespace that compresses a thousandfold


def test_a_sheet_that_inflates_a_thousandfold_is_refused_naming_the_file(tmp_path, book):
    bomb = rewritten(book, tmp_path / "bom.xlsx", SHEET, lambda data: data.replace(b"</worksheet>",
                                                                                  PADDING + b"</worksheet>"))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(DataError) as caught:
        load_dataset(bomb)
    message = str(caught.value)
    assert message.startswith("bom.xlsx: bagian xl/worksheets/sheet1.xml membengkak") and "bom dekompresi" in message


def test_a_shared_strings_bomb_is_refused_naming_the_file(tmp_path, book):
    bomb = tmp_path / "bom.xlsx"
    bomb.write_bytes(book.read_bytes())
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main">' + PADDING + b"</sst>")
    with pytest.raises(DataError, match=r"^bom.xlsx: bagian xl/sharedStrings.xml membengkak"):
        load_dataset(bomb)


def test_a_workbook_inflating_beyond_the_limit_is_refused(tmp_path, book, monkeypatch):
    monkeypatch.setattr(xlsx_guard, "MAX_UNCOMPRESSED", 4096)  # stands for 4 GB: a test writes kilobytes
    with pytest.raises(DataError, match=r"^asli.xlsx: isinya membengkak .* berikan datanya sebagai berkas CSV"):
        load_dataset(book)


def test_the_sample_workbook_passes_the_guard():
    assert xlsx_guard.workbook_problem(Path(__file__).parent.parent / "samples" / "jambi" / "data.xlsx") is None


def test_a_formula_without_a_saved_value_is_named_as_a_formula(tmp_path):
    path = workbook(tmp_path / "data.xlsx", [koperasi(nik(1)), koperasi(nik(2), nama="=CONCAT(\"Kop \",A3)")])
    (reject,) = load_dataset(path).rejects
    assert (reject.table, reject.row, reject.column) == ("koperasi", 3, "nama")
    assert reject.reason.startswith('sel berisi rumus (=CONCAT("Kop ",A3)) tanpa nilai tersimpan')
    assert "wajib diisi tetapi kosong" not in reject.reason


def test_a_merged_cell_is_named_as_a_merge(tmp_path):
    rows = [koperasi(nik(1)), koperasi(nik(2)), koperasi(nik(3))]
    path = workbook(tmp_path / "data.xlsx", rows, merge="C2:C4")  # kode_wilayah of rows 2-4 merged
    rejects = {reject.row: reject for reject in load_dataset(path).rejects}
    assert sorted(rejects) == [3, 4]
    assert all(reject.column == "kode_wilayah" for reject in rejects.values())
    assert rejects[3].reason.startswith("sel ini bagian dari sel gabungan (merge) C2:C4")
    assert "C2" in rejects[4].reason


def test_a_truly_empty_cell_in_a_workbook_is_still_kosong(tmp_path):
    path = workbook(tmp_path / "data.xlsx", [koperasi(nik(1)), koperasi(nik(2), nama=None)])
    (reject,) = load_dataset(path).rejects
    assert reject.reason == "nilai wajib diisi tetapi kosong"


def merged_workbook(path: Path, rows: list[dict[str, object]], merges: list[str]) -> Path:
    workbook(path, rows)
    book = load_workbook(path)
    for merge in merges:
        book.active.merge_cells(merge)
    book.save(path)
    return path


def rejects_both_ways(path: Path) -> list[tuple[str, int, str, str, str]]:
    """The rejects of the columnar and of the row-by-row ingest, which must be the same; the columnar
    ones also with a sheet's rows checked two at a time."""
    found = [[(r.table, r.row, r.column, r.value, r.reason) for r in load_dataset(path, columnar=columnar).rejects]
             for columnar in (True, False)]
    with patch.object(columnar_module, "SLICE", 2):
        found.append([(r.table, r.row, r.column, r.value, r.reason) for r in load_dataset(path).rejects])
    assert found[0] == found[1] == found[2]
    return found[0]


def test_a_formula_without_a_saved_value_in_an_optional_column_rejects_its_row(tmp_path):
    # read as empty, the cooperative would count as not dissolved
    rows = [koperasi(nik(1)), koperasi(nik(2), tanggal_bubar="=DATE(2023,6,30)"), koperasi(nik(3))]
    (reject,) = rejects_both_ways(workbook(tmp_path / "data.xlsx", rows))
    table, row, column, value, reason = reject
    assert (table, row, column, value) == ("koperasi", 3, "tanggal_bubar", "")
    assert reason == formula_reason("DATE(2023,6,30)")


def test_a_vertically_merged_optional_column_rejects_the_rows_below_its_top_left(tmp_path):
    rows = [koperasi(nik(1)), koperasi(nik(2), kab_kota=None), koperasi(nik(3), kab_kota=None), koperasi(nik(4))]
    path = merged_workbook(tmp_path / "data.xlsx", rows, ["D2:D4"])  # kab_kota of rows 2-4
    rejects = rejects_both_ways(path)
    assert [(row, column, reason) for _, row, column, _, reason in rejects] == [
        (3, "kab_kota", merged_reason("D2:D4", "D2")), (4, "kab_kota", merged_reason("D2:D4", "D2"))]
    (kept,) = [record for record in load_dataset(path).table("koperasi") if record.row == 2]
    assert kept.kab_kota == "Kota Surabaya"


def test_formulas_and_merges_outside_the_data_rows_or_columns_change_nothing(tmp_path):
    rows = [koperasi(nik(1), catatan="a"), koperasi(nik(2), catatan=None), koperasi(nik(3), catatan="=1+1")]
    merges = ["G1:H1",  # over the header row only: a title
              "G2:G4",  # a column that is no column of the table
              "I2:K3",  # beyond the header
              "A6:B7"]  # below the last data row; made as large as a sheet: never enumerated
    made = merged_workbook(tmp_path / "made.xlsx", rows, merges)
    path = rewritten(made, tmp_path / "data.xlsx", SHEET, lambda data: data.replace(b'"A6:B7"', b'"A6:XFD1048576"'))
    assert rejects_both_ways(path) == []
    assert len(load_dataset(path).table("koperasi")) == 3


def test_a_merge_and_a_formula_in_one_row_are_both_named(tmp_path):
    rows = [koperasi(nik(1)), koperasi(nik(2), nama=None, tanggal_bubar="=TODAY()")]
    (reject,) = rejects_both_ways(merged_workbook(tmp_path / "data.xlsx", rows, ["B2:B3"]))
    assert reject[1:3] == (3, "nama")
    assert reject[4] == merged_reason("B2:B3", "B2") + "; juga kolom tanggal_bubar: " + formula_reason("TODAY()")


def test_a_row_of_formulas_without_saved_values_is_rejected_not_counted_blank(tmp_path):
    # a sheet written by a program that does not calculate: every cell of the row is a formula
    formulas = {column: f"=Sheet2!A{index}" for index, column in enumerate(koperasi(nik(2)), start=1)}
    path = workbook(tmp_path / "data.xlsx", [koperasi(nik(1)), formulas, koperasi(nik(3))])
    rejects = rejects_both_ways(path)
    assert {row for _, row, _, _, _ in rejects} == {3}
    assert rejects[0][4].startswith("sel berisi rumus (=Sheet2!A")
    (count,) = [c for c in load_dataset(path).counts if c.table == "koperasi"]
    assert (count.read, count.rejected, count.blank) == (3, 1, 0)


def test_a_blank_row_under_a_merged_value_is_rejected_an_empty_merge_is_blank(tmp_path):
    # kab_kota merged down over row 3 (otherwise empty): Excel shows the value there. A merge over
    # the empty rows 4-5 shows nothing: they stay blank.
    blank = dict.fromkeys(koperasi(nik(9)))
    rows = [koperasi(nik(1)), blank, blank, blank, koperasi(nik(5))]
    path = merged_workbook(tmp_path / "data.xlsx", rows, ["D2:D3", "A4:B5"])
    rejects = rejects_both_ways(path)
    assert [(row, column) for _, row, column, _, _ in rejects] == [(3, "kab_kota")]
    (count,) = [c for c in load_dataset(path).counts if c.table == "koperasi"]
    assert (count.rejected, count.blank) == (1, 2)


@pytest.mark.parametrize("dimension", [b"A1", b"A1:C4", b"A1:F1"])
def test_a_sheet_whose_dimension_understates_its_cells_is_read_whole(tmp_path, dimension):
    # <dimension> is a hint some programs write wrong ("A1", or only the first rows or columns);
    # openpyxl's read-only mode stops at it, so rows and columns beyond it would be silently lost
    rows = [koperasi(nik(number)) for number in range(1, 11)]
    made = workbook(tmp_path / "made.xlsx", rows)
    path = rewritten(made, tmp_path / "data.xlsx", SHEET,
                     lambda data: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + dimension + b'"/>', data))
    assert rejects_both_ways(path) == []
    dataset = load_dataset(path)
    assert [record.row for record in dataset.table("koperasi")] == list(range(2, 12))
    assert all(record.tanggal_badan_hukum.year == 2010 for record in dataset.table("koperasi"))
    (count,) = dataset.counts
    assert (count.read, count.used, count.blank) == (10, 10, 0)


@pytest.mark.filterwarnings("ignore::UserWarning")  # the same reading in this process (rejects_both_ways) warns under pytest's own filters
def test_what_openpyxl_warns_about_never_reaches_the_terminal(tmp_path):
    # A workbook without a default style (written by many programs other than Excel) and a date-formatted
    # cell holding a serial beyond any date: openpyxl warns in English with its own source lines; the
    # rows are judged by the ingest, which names the cell's row and column.
    rows = [koperasi(nik(1)), koperasi(nik(2)), koperasi(nik(3))]
    made = workbook(tmp_path / "made.xlsx", rows)
    book = load_workbook(made)
    book.active["E3"] = 99999999
    book.active["E3"].number_format = "yyyy-mm-dd"
    book.save(made)
    path = rewritten(made, tmp_path / "data.xlsx", "xl/styles.xml",
                     lambda data: re.sub(rb"<cellStyles.*?</cellStyles>", b"", data))
    command = [sys.executable, "-c", "from engine.cli import main; main()", "check-data", "--data", str(path),
               "--out", str(tmp_path / "periksa"), "--year", "2024"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    shown = run.stdout + run.stderr
    assert "Warning" not in shown and "site-packages" not in shown and "warn(" not in shown, shown
    (reject,) = rejects_both_ways(path)
    assert reject[:3] == ("koperasi", 3, "tanggal_badan_hukum")


@pytest.mark.parametrize("change", [(b'<row r="3"', b'<row r="9"'),  # rows 4 and 5 come after row 9
                                    (b'<row r="4"', b'<row r="3"')])  # row 3 given twice
def test_rows_stored_out_of_order_refuse_the_sheet_instead_of_losing_rows(tmp_path, change):
    # openpyxl reads a sheet's rows forward and passes over a row numbered below one it has read
    rows = [koperasi(nik(number)) for number in range(1, 5)]
    made = workbook(tmp_path / "made.xlsx", rows)
    path = rewritten(made, tmp_path / "data.xlsx", SHEET, lambda data: data.replace(*change))
    for columnar in (True, False):
        with pytest.raises(DataError) as caught:
            load_dataset(path, columnar=columnar)
        message = str(caught.value)
        assert message.startswith("data.xlsx#koperasi sekitar baris") and "tidak berurutan" in message, message


def test_a_chart_sheet_named_as_a_table_is_a_message_naming_it(tmp_path):
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    book.active.title = "koperasi"
    book.active.append(list(koperasi(nik(1))))
    book.active.append(list(koperasi(nik(1)).values()))
    chart = BarChart()
    chart.add_data(Reference(book.active, min_col=1, min_row=1, max_row=2))
    book.create_chartsheet("rat").add_chart(chart)
    book.save(tmp_path / "data.xlsx")
    with pytest.raises(DataError, match=r"^data.xlsx#rat sekitar baris 1: isi sheet rusak"):
        load_dataset(tmp_path / "data.xlsx")

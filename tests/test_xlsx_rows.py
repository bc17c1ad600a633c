"""A row written whole by ``RowSheet.write_cells`` is the XML xlsxwriter writes for it cell by cell."""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlsxwriter
from hypothesis import event, given, settings
from hypothesis import strategies as st

from engine.outputs.files import FORMULA_STARTS, neutralise
from engine.outputs.workbook import _text
from engine.outputs.xlsx_rows import _CHANGED, RowSheet, Texts

OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False, "nan_inf_to_errors": True}

ROWS: list[list[object]] = [
    ["koperasi", "3578010000000001", "Koperasi Maju", "35.78", "Kota Surabaya (35.78)", "ya", "tidak"],
    ["ukm", "", None, "a & b < c > d \"e\"", "baris\nbaru", " spasi depan", "spasi belakang "],
    ["_x0041_ bukan escape", "kontrol \x01\x1f\r tab\t", "\u00a0nbsp", "emoji 😀", "'=1+1", "<r>bukan rich</r>", "é"],
    [1, 2.5, 0.1, -0.0, 1e20, 123456789012345678, 3],
    [None, "", 7, None, 1.0, "", "akhir"],
    ["x" * 16_384, "boleh", 1, 2, 3, 4, 5],  # too long: xlsxwriter's write_string checks and truncates
    [True, "ya", None, None, None, None, None],  # a boolean: xlsxwriter's own path
    [float("nan"), float("inf"), None, None, None, None, None],
    ["<r>x</r>", "rich?", None, None, None, None, None],
    [None, None, None, None, None, None, None],
    ["setelah baris kosong", 4, None, None, None, None, None],
]


def _formats(book: xlsxwriter.Workbook) -> list[tuple[object, object]]:
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    decimal = book.add_format({"num_format": "#,##0.00"})
    wrapped_decimal = book.add_format({"num_format": "#,##0.00", "text_wrap": True, "valign": "top"})
    return [(None, None), (None, decimal), (wrap, wrapped_decimal), (None, None), (wrap, None), (None, decimal),
            (None, None)]


def _cell_by_cell(sheet, row: int, values: list[object], formats: list[tuple[object, object]]) -> None:
    for column, (value, (text_format, number_format)) in enumerate(zip(values, formats)):
        if isinstance(value, bool):
            sheet.write_boolean(row, column, value, text_format)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, column, value, number_format)
        elif value is None or value == "":
            if text_format is not None:
                sheet.write_blank(row, column, None, text_format)
        else:
            sheet.write_string(row, column, value, text_format)


def _workbook(path: Path, whole_rows: bool) -> dict[str, bytes]:
    book = xlsxwriter.Workbook(str(path), OPTIONS)
    sheet = book.add_worksheet("Daftar", worksheet_class=RowSheet)
    formats = _formats(book)
    sheet.set_column_pixels(0, 6, 80)
    sheet.write_string(0, 0, "judul", book.add_format({"bold": True}))
    for row, values in enumerate(ROWS, start=2):
        if not (whole_rows and sheet.write_cells(row, values, formats)):
            _cell_by_cell(sheet, row, values, formats)
    book.close()
    return _parts(path)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def _assert_same_parts(whole: dict[str, bytes], cell_by_cell: dict[str, bytes]) -> None:
    assert whole.keys() == cell_by_cell.keys()
    for name in whole:
        assert whole[name] == cell_by_cell[name], name


def test_rows_written_whole_are_the_cells_xlsxwriter_writes(tmp_path):
    _assert_same_parts(_workbook(tmp_path / "whole.xlsx", whole_rows=True),
                       _workbook(tmp_path / "cells.xlsx", whole_rows=False))


def test_a_row_it_cannot_write_is_handed_back_untouched(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "b.xlsx"), OPTIONS)
    sheet = book.add_worksheet("Daftar", worksheet_class=RowSheet)
    formats = [(None, None)] * 2
    assert sheet.write_cells(1, ["teks", 1], formats)
    assert not sheet.write_cells(2, [True, "ya"], formats)  # a boolean
    assert not sheet.write_cells(2, ["lagi"], formats)  # a row not after the last one written
    sheet.write_boolean(2, 0, True)
    book.close()


PLAIN_ROWS: list[list[object]] = [
    ["koperasi", "3578010000000001", "Koperasi Maju 100% (Jaya)", "35.78", "Kota Surabaya", "ya", "tidak"],
    ["ukm", "U-0001", "Toko {nama} 'satu'", "35.07", "Kabupaten Malang", "tidak", "ya"],
    ["peserta_diklat", "P-2024-00001", "emoji 😀 é", "35.01", "Kabupaten Pacitan", "ya", "ya"],
    ["ukm", "U-0002", "Simpan & Pinjam \"Maju\" > 1", "&amp;", "a=b+c-d@e", "x_y", "_X123_"],
]
# each makes a batch that write_rows hands back: the texts need a look each, or are no texts
NOT_PLAIN: list[object] = ["", " depan", "belakang ", "a < b", "&lt<", "_x0041_", "a_x00aF_b",
                           "=1+1", "+62", "-5", "@nama", "baris\nbaru", "tab\t", "\x01", "\u00a0nbsp", "x" * 16_384,
                           None, 1, 2.5, True]


def _plain_workbook(path: Path, batches: list[list[list[object]]], whole: bool) -> dict[str, bytes]:
    book = xlsxwriter.Workbook(str(path), OPTIONS)
    sheet = book.add_worksheet("Daftar", worksheet_class=RowSheet)
    formats = [(None, None)] * 7
    sheet.set_column_pixels(0, 6, 80)
    sheet.write_string(0, 0, "judul", book.add_format({"bold": True}))
    first = 2
    for batch in batches:
        if whole:
            assert sheet.write_rows(first, batch, formats, Texts())
        else:
            for row, values in enumerate(batch, start=first):
                _cell_by_cell(sheet, row, values, formats)
        first += len(batch)
    book.close()
    return _parts(path)


def test_plain_rows_written_together_are_the_cells_xlsxwriter_writes(tmp_path):
    batches = [PLAIN_ROWS, PLAIN_ROWS[:1], [[f"teks {n}", str(n), "%s %d %%", "{0}", "b", "c", "d"] for n in range(1200)],
               PLAIN_ROWS[1:], PLAIN_ROWS[-1:], [PLAIN_ROWS[-1], ["a"] * 7, ["&"] * 7]]
    _assert_same_parts(_plain_workbook(tmp_path / "whole.xlsx", batches, whole=True),
                       _plain_workbook(tmp_path / "cells.xlsx", batches, whole=False))


def test_rows_with_a_text_needing_a_look_are_handed_back_untouched(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "b.xlsx"), OPTIONS)
    sheet = book.add_worksheet("Daftar", worksheet_class=RowSheet)
    formats = [(None, None)] * 7
    texts = Texts(neutralise, kept_unless_starting=FORMULA_STARTS)
    for value in NOT_PLAIN:
        batch = [list(row) for row in PLAIN_ROWS]
        batch[1][2] = value
        assert not sheet.write_rows(1, batch, formats, texts), value
    assert not sheet.write_rows(1, [PLAIN_ROWS[0], PLAIN_ROWS[1][:6]], formats, texts)  # not every row as wide
    assert not sheet.write_rows(1, PLAIN_ROWS, formats, Texts(neutralise))  # what clean changes is not known
    wrapped = [(book.add_format({"text_wrap": True}), None)] + formats[1:]
    assert not sheet.write_rows(1, PLAIN_ROWS, wrapped, texts)  # a column with a text format
    assert sheet.write_rows(1, PLAIN_ROWS, formats, texts)
    assert not sheet.write_rows(3, PLAIN_ROWS, formats, texts)  # not after the last row written
    book.close()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(["=x", "_x00ff_", " a", "a&b", "x>", '"q"']),
                min_size=1, max_size=3))
def test_texts_written_together_are_those_the_workbook_finds_plain(tmp_path_factory, values):
    """What write_rows writes as it is, report.xlsx's Texts (``_text``) would write as it is: the text
    unchanged and plain."""
    book = xlsxwriter.Workbook(str(tmp_path_factory.mktemp("t") / "t.xlsx"), OPTIONS)
    sheet = book.add_worksheet("Daftar", worksheet_class=RowSheet)
    texts = Texts(_text, kept_unless_starting=FORMULA_STARTS)
    written = sheet.write_rows(1, [values], [(None, None)] * len(values), texts)
    if written:  # plain, or plain but for XML's escapes (& > and quotes, which xlsxwriter leaves)
        for value in values:
            text, plain = Texts(_text).learn(value)
            assert text == value
            assert plain or (not _CHANGED.search(value.replace("&", "").replace(">", "").replace('"', "")))
    event(f"written together: {written}")
    book.close()

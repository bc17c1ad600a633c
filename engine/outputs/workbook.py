"""report.xlsx written from sheets laid out as plain values (``Sheet``), by whichever process writes it.

The workbook is streamed (xlsxwriter's constant-memory mode: a row is on disk once the next begins,
so a sheet of a million members stays small in memory; about twice as fast per cell as openpyxl's
write-only mode) into a file beside report.xlsx and moved into place in one step. The rows of a table
are written whole (``xlsx_rows.RowSheet``: xlsxwriter's XML for the same cells, ``ROWS_AT_ONCE`` rows of
plain texts at a time, else a row at a time), a row it cannot write cell by cell with xlsxwriter's own
methods. Every text cell that a spreadsheet would run as a formula (= + - @) is neutralised, as in the
CSV outputs.

A large run hands the sheets over through a temporary file (``hand_over``) to a process of its own
(``write_workbook_from``). That process imports this module only: no pipeline, no polars, so it adds
little memory beside the run (``engine.outputs.report_xlsx`` lays the sheets out).
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from engine.outputs.files import FORMULA_STARTS, atomic_path, neutralise
from engine.outputs.xlsx_rows import LeveledWorkbook, RowSheet, Texts

INTEGER = "#,##0"
DECIMAL = "#,##0.00"
PERCENT = "#,##0.00"  # the value is already × 100; Excel's "0.00%" would multiply it again
HEADER_ROW = 2  # row 1 says what the sheet is; it is frozen together with the header
SHEET_ROWS = 1_048_576  # Excel opens no sheet longer than this (LibreOffice: the same since 7.4)
HEADER_FILL = "#DDEBF7"
DIGIT_PIXELS = 7  # a digit of the default font (Calibri 11) is 7 pixels wide: the unit of a column's width
CHART_WIDTH_PIXELS, CHART_HEIGHT_PIXELS = 529, 227  # 14 × 6 cm at 96 dpi
# Text is text: never a formula, a link or a number, whatever it starts with (the values are neutralised
# as well); a row is written out as soon as the next begins, so a sheet of a million rows stays small.
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False, "nan_inf_to_errors": True}
MAX_WIDTH = 60
WIDTH_SAMPLE = 2_000  # rows looked at to fit column widths; enough for a readable sheet
ROWS_PER_PICKLE = 10_000  # rows of a sheet handed to the workbook's process at a time
ROWS_AT_ONCE = 500  # rows of a sheet written together when they are plain texts (``RowSheet.write_rows``)


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Formatted:
    """A number whose format depends on the row (a percentage and a count share a column)."""

    value: int | float | None
    number_format: str

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


def _text(value: object) -> object:
    """Text as text: no formula, and no control character (which .xlsx cannot hold)."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return neutralise(value)


def _widths(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> list[float]:
    widths = [len(column.header) for column in columns]
    for row in islice(rows, WIDTH_SAMPLE):
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
    return [min(max(width, 8), MAX_WIDTH) + 2 for width in widths]


@dataclass(frozen=True)
class Sheet:
    """A sheet laid out as plain values: what it says, its columns and its rows."""

    title: str
    caption: list[object]
    columns: list[Column]
    rows: Iterable[Sequence[object]]  # a list, or (a member sheet) made as they are written: ``count`` of them
    charts: tuple[tuple[str, int, int, int], ...] = ()  # line charts: title, data row, first and last value column
    count: int | None = None

    @property
    def length(self) -> int:
        return self.count if self.count is not None else len(self.rows)  # type: ignore[arg-type]


class _Formats:
    """xlsxwriter's cell formats, one per combination used (a workbook holds each style once)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.made: dict[tuple[str | None, bool, bool, bool], Format | None] = {}

    def get(self, number_format: str | None = None, wrap: bool = False, bold: bool = False,
            header: bool = False) -> Format | None:
        key = (number_format, wrap, bold, header)
        if key not in self.made:
            properties: dict[str, object] = {}
            if number_format:
                properties["num_format"] = number_format
            if wrap:
                properties.update(text_wrap=True, valign="top")
            if bold:
                properties["bold"] = True
            if header:
                properties.update(pattern=1, fg_color=HEADER_FILL)
            self.made[key] = self.book.add_format(properties) if properties else None
        return self.made[key]


def _write(sheet: Worksheet, row: int, column: int, value: object, formats: _Formats, number_format: str | None = None,
           wrap: bool = False, bold: bool = False) -> None:
    """One cell: text as text (never a formula or a link), numbers with their format, nothing for None."""
    if isinstance(value, Formatted):
        value, number_format = value.value, value.number_format
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, formats.get(None, wrap, bold))
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value, formats.get(number_format, wrap, bold))
    elif value is None or value == "":  # an empty text is an empty cell, as openpyxl wrote it
        if wrap or bold:
            sheet.write_blank(row, column, None, formats.get(None, wrap, bold))
    else:
        sheet.write_string(row, column, str(_text(value)), formats.get(None, wrap, bold))


def _table(book: xlsxwriter.Workbook, formats: _Formats, layout: Sheet, texts: Texts) -> RowSheet:
    """A sheet: a caption row, a frozen header with an autofilter, then the rows (their texts made by
    ``texts``, the workbook's: ``_text`` of each distinct text, once)."""
    columns, rows = layout.columns, iter(layout.rows)
    head = list(islice(rows, WIDTH_SAMPLE))
    sheet = book.add_worksheet(layout.title[:31], worksheet_class=RowSheet)
    for index, width in enumerate(_widths(columns, head)):
        # in pixels of the default font's digit: the file then holds exactly ``width`` characters
        sheet.set_column_pixels(index, index, width * DIGIT_PIXELS)
    sheet.freeze_panes(HEADER_ROW, 0)
    sheet.autofilter(HEADER_ROW - 1, 0, HEADER_ROW - 1 + max(layout.length, 1), len(columns) - 1)
    for index, value in enumerate(layout.caption):
        _write(sheet, 0, index, value, formats, bold=index == 0)
    header = formats.get(None, wrap=True, bold=True, header=True)
    for index, column in enumerate(columns):
        sheet.write_string(HEADER_ROW - 1, index, str(_text(column.header)), header)
    styled = [(column.number_format, column.wrap) for column in columns]
    cell_formats = [(formats.get(None, wrap), formats.get(number_format, wrap)) for number_format, wrap in styled]
    every, first = chain(head, rows), HEADER_ROW
    while batch := list(islice(every, ROWS_AT_ONCE)):
        if not sheet.write_rows(first, batch, cell_formats, texts):
            for number, row in enumerate(batch, start=first):
                if not sheet.write_cells(number, row, cell_formats, texts):
                    for index, (value, (number_format, wrap)) in enumerate(zip(row, styled)):
                        _write(sheet, number, index, value, formats, number_format, wrap)
        first += len(batch)
    _add_charts(book, sheet, layout, HEADER_ROW + layout.length + 2)
    return sheet


def _add_charts(book: xlsxwriter.Workbook, sheet: Worksheet, layout: Sheet, below: int) -> None:
    """One native line chart per charted row (a year with no value is a gap, not 0), under the table."""
    name = sheet.get_name()
    for index, (title, row, first, last) in enumerate(layout.charts):
        chart = book.add_chart({"type": "line"})
        chart.add_series({"values": [name, row - 1, first - 1, row - 1, last - 1],
                          "categories": [name, HEADER_ROW - 1, first - 1, HEADER_ROW - 1, last - 1]})
        chart.set_title({"name": title[:80]})
        chart.set_y_axis({"name": "nilai"})
        chart.set_x_axis({"name": "tahun"})
        chart.set_legend({"none": True})
        chart.show_blanks_as("gap")
        chart.set_size({"width": CHART_WIDTH_PIXELS, "height": CHART_HEIGHT_PIXELS})
        sheet.insert_chart(below - 1 + (index // 2) * 13, (index % 2) * 9, chart)


def write_workbook(layouts: Iterable[Sheet], out: Path) -> None:
    with atomic_path(out / "report.xlsx") as temporary:  # streamed to disk, a row at a time
        book = LeveledWorkbook(temporary, WORKBOOK_OPTIONS | {"tmpdir": str(out)})
        formats = _Formats(book)
        texts = Texts(_text, kept_unless_starting=FORMULA_STARTS)  # _text changes a printable text no other way
        try:
            for layout in layouts:
                _table(book, formats, layout, texts)
        finally:
            book.close()


# -- written by another process -------------------------------------------------


def hand_over(layouts: Iterable[Sheet], out: Path) -> Path:
    """The sheets in a temporary file in ``out``: for another process to write the workbook from
    (``write_workbook_from``, which removes the file). Each sheet is a pickle of its first rows, then
    its other rows ``ROWS_PER_PICKLE`` at a time and None: only that many rows are ever held here
    (a national run's largest member sheet, held and pickled whole, was the run's peak of memory)."""
    handle, name = tempfile.mkstemp(dir=out, prefix=".report.xlsx.", suffix=".sheets.tmp")
    path = Path(name)
    try:
        with open(handle, "wb") as stream:
            for layout in layouts:
                rows = iter(layout.rows)
                head = list(islice(rows, ROWS_PER_PICKLE))
                pickle.dump(replace(layout, rows=head, count=layout.length), stream, protocol=pickle.HIGHEST_PROTOCOL)
                while part := list(islice(rows, ROWS_PER_PICKLE)):
                    pickle.dump(part, stream, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(None, stream)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _laid_out(path: Path) -> Iterator[Sheet]:
    with path.open("rb") as stream:
        while stream.peek(1):
            layout = pickle.load(stream)  # written by ``lay_out`` of this run, in the output folder
            rest = _parts(stream)
            yield replace(layout, rows=chain(layout.rows, chain.from_iterable(rest)))
            for _ in rest:  # a sheet not written to its end: the next one starts after its rows
                pass


def _parts(stream: BinaryIO) -> Iterator[list[Sequence[object]]]:
    while (part := pickle.load(stream)) is not None:
        yield part


def write_workbook_from(path: Path, out: Path) -> None:
    try:
        write_workbook(_laid_out(path), out)
    finally:
        path.unlink(missing_ok=True)


def lowered(niceness: int) -> None:
    """The workbook's process started: no cyclic collector (its rows make no cycles) and ``niceness`` lower a
    priority. Given as the pool's initializer, it imports this module there, all that process needs."""
    gc.disable()
    os.nice(niceness)

"""Raw rows out of a data folder of CSV files or one .xlsx workbook.

A reader knows nothing of the tables' meaning: it finds each table by name, normalises the
header (lower case, no surrounding spaces) and yields ``(row_number, {column: raw value})`` with
the row number a person sees in a spreadsheet (header = 1). Fully blank rows are counted and
skipped, never passed on as data — except a sheet's row whose empty cells Excel shows filled (a
formula without a saved value, a merged value from a row above), which goes on to be rejected.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import warnings
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from engine.ingest.csv_lines import (MAX_VALUE_LINES, SwallowedRows, decoded_lines, ends_in_quote, remembered,
                                     swallowed_rows)
from engine.ingest.table_names import candidates, given_twice
from engine.ingest.xlsx_blanks import HiddenCells, SheetUnreadable, hidden_cells
from engine.ingest.xlsx_guard import workbook_problem
from engine.numbers import format_number

FIELD_LIMIT = 16 * 1024 * 1024  # characters of one CSV cell: more is a stray quote, not a value
csv.field_size_limit(FIELD_LIMIT)
# openpyxl warns in English, with its own source lines, about what it changes as it reads a workbook (no
# default style, a date-formatted cell beyond any date read as the error #VALUE!, an extension left out):
# not for the person running iku, whose rows the ingest judges and names.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")


class DataError(Exception):
    """An unusable input as a whole (missing file or column, unreadable file): exit code 2."""


RawRow = tuple[int, dict[str, Any]]
# The key of a sheet row's cells that read as empty though Excel shows them filled (a formula never
# calculated, a merged cell): {column: reason}. The row is rejected for them, never read with them empty.
HIDDEN = "__hidden__"


@dataclass
class TableStream:
    """One table's rows, with the name of the file (or file#sheet) they come from."""

    table: str
    source: str
    header: list[str]
    rows: Iterator[RawRow]
    blank_rows: list[int] = field(default_factory=list)
    # A text file's lines after the header once its rows are read (None for a sheet), and of them the
    # lines that continue a quoted value holding a line break.
    lines: int | None = None
    continued: int = 0


def normalise_header(cells: list[Any]) -> list[str]:
    return [("" if cell is None else str(cell)).strip().lower() for cell in cells]


def _is_blank_row(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _rows_as_dicts(
    header: list[str], rows: Iterator[tuple[int, list[Any]]], blank_rows: list[int],
    shows_filled: Callable[[int], bool] | None = None,
) -> Iterator[RawRow]:
    """Each row as {column: raw value}; a blank row is counted, and passed on only if ``shows_filled``
    says a person sees something in it (a sheet's cells that read as empty: ``_SheetMarks``)."""
    for number, cells in rows:
        if _is_blank_row(cells) and (shows_filled is None or not shows_filled(number)):
            blank_rows.append(number)
            continue
        padded = list(cells) + [None] * (len(header) - len(cells))
        record = {name: padded[index] for index, name in enumerate(header) if name}
        extra = [cell for cell in padded[len(header):] if cell not in (None, "")]
        if extra:
            record["__extra__"] = extra
        yield number, record


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _detect_encoding(head: bytes) -> str:
    """UTF-16 and UTF-8 by their BOM; anything else is read as UTF-8, line by line, so a byte that is
    not UTF-8 is reported on its row wherever it is in the file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def detect_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _where(row: int, line: int) -> str:
    """The row a spreadsheet shows, and the line of the text file when a value with a line break
    earlier in the file makes them differ."""
    return f"baris {row}" if row == line else f"baris {row} (baris ke-{line} dalam berkas teks)"


def _undecodable(source: str, row: int, line: int, error: UnicodeDecodeError) -> DataError:
    if not error.encoding.startswith("utf-8"):  # UTF-16 is decoded by the codec in blocks: no exact line
        return DataError(f"{source} sekitar baris {row}: tidak dapat dibaca sebagai UTF-16 ({error.reason})")
    return DataError(
        f"{source} {_where(row, line)}: byte 0x{error.object[error.start]:02X} bukan UTF-8 — berkas tampaknya disimpan "
        "sebagai ANSI/Windows-1252; simpan ulang sebagai 'CSV UTF-8' (Excel: Simpan Sebagai → CSV UTF-8)"
    )


def _unreadable(source: str, row: int, line: int, error: csv.Error) -> DataError:
    if str(error).startswith("field larger than field limit"):
        return DataError(
            f"{source} {_where(row, line)}: satu sel lebih panjang dari {format_number(FIELD_LIMIT)} karakter "
            "(batas pembacaan CSV); biasanya tanda kutip (\") yang dibuka dan tidak ditutup — periksa baris itu"
        )
    return DataError(f"{source} {_where(row, line)}: tidak dapat dibaca sebagai CSV ({error})")


def _column_name(header: list[str], index: int) -> str:
    return header[index] if index < len(header) and header[index] else f"ke-{index + 1}"


def _swallowed(source: str, header: list[str], row: int, lines: range, found: SwallowedRows) -> DataError:
    return DataError(
        f"{source} {_where(row, lines.start)}: tanda kutip (\") di kolom {_column_name(header, found.column)} dibuka "
        f"tetapi tidak ditutup; {format_number(len(lines) - 1)} baris teks berikutnya (sampai baris ke-{lines[-1]}) "
        "terbaca sebagai isi satu sel. Perbaiki atau hapus tanda kutip itu lalu jalankan lagi"
    )


def _open_at_end(source: str, header: list[str], row: int, line: int, column: int) -> DataError:
    return DataError(
        f"{source} {_where(row, line)}: tanda kutip (\") di kolom {_column_name(header, column)} dibuka tetapi "
        "tidak ditutup sampai akhir berkas, sehingga sisa baris itu terbaca sebagai isi satu sel. Perbaiki atau "
        "hapus tanda kutip itu lalu jalankan lagi"
    )


def _csv_rows(reader: Any, stream: TableStream, delimiter: str, recent: deque[str]
              ) -> Iterator[tuple[int, list[Any]]]:
    """Each record with its row number; a record spanning several lines is checked for a stray quote,
    the last one (whose lines are among ``recent``, the lines last read) for a quote the file ended in,
    and the stream learns how many lines it had."""
    source, header = stream.source, stream.header
    row, taken = 1, reader.line_num
    after_header = start = taken
    cells: list[Any] = []
    try:
        for row, cells in enumerate(reader, start=2):
            lines = reader.line_num - taken
            if lines > 1:
                if found := swallowed_rows(cells, len(header), delimiter):
                    raise _swallowed(source, header, row, range(taken + 1, reader.line_num + 1), found)
                stream.continued += lines - 1
            start, taken = taken, reader.line_num
            yield row, cells
        last = taken - start  # the last record's lines (one longer than ``recent`` is left: swallowed_rows refuses it)
        if cells and 0 < last <= len(recent) and ends_in_quote(list(recent)[-last:], delimiter):
            raise _open_at_end(source, header, row, start + 1, len(cells) - 1)
        stream.lines = reader.line_num - after_header
    except UnicodeDecodeError as error:  # UTF-8 is decoded a line at a time: the line after those taken
        raise _undecodable(source, row + 1, reader.line_num + 1, error) from None
    except csv.Error as error:
        raise _unreadable(source, row + 1, taken + 1, error) from None


def _text_lines(path: Path) -> Iterator[str]:
    with path.open("rb") as handle:
        encoding = _detect_encoding(handle.read(4))
    if encoding == "utf-16":  # two bytes a character: lines cannot be split as bytes
        return path.open("r", encoding=encoding, newline="")
    return decoded_lines(path.open("rb"), encoding)


def read_csv_table(table: str, path: Path) -> TableStream:
    try:
        lines = _text_lines(path)
        first_line = next(lines, "")
        delimiter = detect_delimiter(first_line)
        recent: deque[str] = deque(maxlen=MAX_VALUE_LINES + 1)
        reader = csv.reader(remembered(chain([first_line], lines), recent), delimiter=delimiter)
        header = normalise_header(next(reader, []))
    except UnicodeDecodeError as error:
        raise _undecodable(path.name, 1, 1, error) from None
    except (UnicodeError, csv.Error) as error:
        raise DataError(f"{path.name}: baris judul tidak terbaca ({error})") from None
    stream = TableStream(table, path.name, header, iter(()))
    stream.rows = _rows_as_dicts(header, _csv_rows(reader, stream, delimiter, recent), stream.blank_rows)
    return stream


def _damaged_sheet(source: str, row: int, error: Exception) -> DataError:
    return DataError(f"{source} sekitar baris {row}: isi sheet rusak dan tidak dapat dibaca ({type(error).__name__}: {error}); "
                     "buka dan simpan ulang workbook di Excel, atau berikan tabelnya sebagai CSV")


def _sheet_rows(sheet: Any, source: str) -> Iterator[tuple[int, list[Any]]]:
    index = 1
    try:
        for index, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            yield index, list(cells)
    except Exception as error:  # the sheet's XML is parsed as it is read: openpyxl raises many kinds
        raise _damaged_sheet(source, index + 1, error) from None


def _counted(rows: list[int], row: int) -> bool:
    """Whether ``row`` is among ``rows``, which are in increasing order (a sheet's blank rows)."""
    at = bisect_left(rows, row)
    return at < len(rows) and rows[at] == row


class _SheetMarks:
    """A sheet's cells that read as empty though Excel shows them filled, in the header's named
    columns: found in one pass over the sheet's XML when the first row is asked about."""

    def __init__(self, header: list[str], find: Callable[[set[int]], HiddenCells], source: str):
        self._named = {index + 1: name for index, name in enumerate(header) if name}
        self._find = find
        self._source = source
        self._cells: HiddenCells | None = None

    def _found(self) -> HiddenCells:
        if self._cells is None:
            try:
                self._cells = self._find(set(self._named))
            except SheetUnreadable as error:
                raise _damaged_sheet(self._source, error.row + 1, error.error) from None
        return self._cells

    def fill_blank(self, row: int, blank_rows: list[int]) -> bool:
        """Whether a row whose cells all read as empty shows something (it is then rejected, not blank)."""
        return self._found().fill_blank(row, partial(_counted, blank_rows))

    def marked(self, rows: Iterator[RawRow]) -> Iterator[RawRow]:
        """Each row with its cells that read as empty though Excel shows them filled (under HIDDEN)."""
        for number, record in rows:
            if found := self._found().of(number):
                record[HIDDEN] = {self._named[column]: found[column] for column in sorted(found)}
            yield number, record


class CsvFolder:
    """A folder holding `<table>.csv` files (names compared without case, spaces or copy marks)."""

    def __init__(self, folder: Path):
        self.folder = folder
        paths = sorted(path for path in folder.glob("*") if path.suffix.lower() == ".csv")
        self._files = candidates(paths, lambda path: path.stem)

    def has(self, table: str) -> bool:
        return table in self._files

    def path(self, table: str) -> Path:
        return self._files[table][0]

    def open(self, table: str) -> TableStream:
        return read_csv_table(table, self.path(table))

    def given_twice(self, tables: Iterable[str]) -> dict[str, list[str]]:
        """The tables more than one file stands for, with the files' names."""
        return {table: [path.name for path in paths] for table, paths in given_twice(self._files, tables).items()}

    def files(self) -> list[Path]:
        return sorted(path for paths in self._files.values() for path in paths)

    def not_read(self, tables: Iterable[str]) -> dict[str, str]:
        """The folder's files no table is read from, each with why: a CSV file whose name is no table's, a
        workbook beside the CSV files (the folder's tables are its CSV files)."""
        known = set(tables)
        strays = {path.name: "namanya bukan nama tabel" for key, paths in self._files.items() if key not in known
                  for path in paths}
        beside = {path.name: "workbook di samping berkas CSV; untuk membacanya, sebutkan workbook itu dengan --data"
                  for path in _workbooks_in(self.folder)}
        return dict(sorted({**strays, **beside}.items()))


class Workbook:
    """One .xlsx workbook with a sheet per table (names compared without case, spaces or copy marks)."""

    def __init__(self, path: Path):
        self.path = path
        if problem := workbook_problem(path):
            raise DataError(f"{path.name}: {problem}")
        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise DataError(f"{path.name}: bukan workbook .xlsx yang dapat dibaca ({error})") from None
        self._sheets = candidates(self._book.sheetnames, str)

    def has(self, table: str) -> bool:
        return table in self._sheets

    def given_twice(self, tables: Iterable[str]) -> dict[str, list[str]]:
        """The tables more than one sheet stands for, with the sheets' names as written."""
        return {table: [f"{self.path.name}#{name}" for name in names]
                for table, names in given_twice(self._sheets, tables).items()}

    def open(self, table: str) -> TableStream:
        name = self._sheets[table][0]
        source = f"{self.path.name}#{name}"
        sheet = self._book[name]
        try:
            # The sheet's <dimension> is a hint some programs write wrong ("A1", the first rows only): read
            # as openpyxl's read-only mode reads it, rows and columns beyond it would be silently lost.
            sheet.reset_dimensions()
            first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        except Exception as error:  # as in _sheet_rows
            raise _damaged_sheet(source, 1, error) from None
        header = normalise_header(list(first))
        stream = TableStream(table, source, header, iter(()))
        marks = _SheetMarks(header, partial(hidden_cells, self.path, sheet._worksheet_path), source)
        rows = _rows_as_dicts(header, _sheet_rows(sheet, source), stream.blank_rows,
                              partial(marks.fill_blank, blank_rows=stream.blank_rows))
        stream.rows = marks.marked(rows)
        return stream

    def files(self) -> list[Path]:
        return [self.path]

    def not_read(self, tables: Iterable[str]) -> dict[str, str]:
        """None: a sheet that is no table's is the workbook's own (the template's guide and lists)."""
        return {}

    def close(self) -> None:
        self._book.close()


def _workbooks_in(folder: Path) -> list[Path]:
    # "~$data.xlsx" is the lock file Excel leaves beside an open workbook, not data.
    return sorted(p for p in folder.glob("*") if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$"))


def open_data(path: Path) -> CsvFolder | Workbook:
    """A folder of CSV files; a workbook; or a folder holding one workbook and no CSV file."""
    if path.is_dir():
        folder = CsvFolder(path)
        if folder.files():
            return folder
        workbooks = _workbooks_in(path)
        if len(workbooks) == 1:
            return Workbook(workbooks[0])
        if workbooks:
            names = ", ".join(workbook.name for workbook in workbooks)
            raise DataError(f"{path}: tidak ada berkas CSV dan ada {len(workbooks)} workbook ({names}); "
                            "sebutkan satu workbook dengan --data")
        return folder  # no table at all: the missing tables are reported by name
    if path.is_file() and path.suffix.lower() == ".xlsx":
        return Workbook(path)
    if path.exists():
        raise DataError(f"{path}: data harus berupa folder berisi berkas CSV atau satu workbook .xlsx")
    raise DataError(f"{path}: folder atau berkas data tidak ditemukan")

"""Which workbook cells read as empty though Excel shows them filled.

openpyxl, reading saved values, gives nothing for two kinds of cell a person sees filled: a
formula whose value was never saved (a workbook written by a program that does not calculate),
and a cell inside a merged range other than its top-left one. Read as empty, such a cell in an
optional column would silently drop a value the person sees (a ``tanggal_bubar`` computed by a
formula, a merged ``kab_kota``), so every such cell of a data row is found here, in one streaming
pass over the sheet's XML, and its row is rejected with the formula or the merge named.

A sheet may have a million rows and hostile merged ranges: only formula cells without a value are
kept, and a merged range is only ever intersected with the columns read and asked about the rows
read, never enumerated cell by cell.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from openpyxl.utils.cell import coordinate_from_string, column_index_from_string, range_boundaries

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL, _FORMULA, _VALUE, _ROW, _MERGE = (f"{_MAIN}{name}" for name in ("c", "f", "v", "row", "mergeCell"))
FIRST_DATA_ROW = 2  # row 1 is the header: a merged title above the data changes nothing


def formula_reason(formula: str) -> str:
    return (f"sel berisi rumus (={formula}) tanpa nilai tersimpan, bukan sel kosong: workbook disimpan tanpa "
            "dihitung; buka di Excel lalu simpan ulang, atau salin dan tempel sebagai nilai")


def merged_reason(merged: str, top_left: str) -> str:
    return (f"sel ini bagian dari sel gabungan (merge) {merged}, bukan sel kosong: nilainya hanya tersimpan di "
            f"{top_left}; batalkan penggabungan (unmerge) lalu isi nilai di setiap baris")


class SheetUnreadable(Exception):
    """The sheet's XML cannot be parsed; ``row``: the last row read before the damage."""

    def __init__(self, row: int, error: Exception):
        super().__init__(str(error))
        self.row = row
        self.error = error


@dataclass(frozen=True)
class _Merge:
    ref: str
    first_row: int
    last_row: int
    top_left: tuple[int, int]  # (row, column)


class _MergedColumn:
    """The merged ranges over one column, asked about rows in increasing order: each range is looked at
    once, whatever its height (the one reaching furthest down covers every row any started one covers)."""

    def __init__(self, column: int, merges: list[_Merge]):
        self._column = column
        self._merges = sorted(merges, key=lambda merge: merge.first_row)
        self._next = 0
        self._reach: _Merge | None = None

    def merge_at(self, row: int) -> _Merge | None:
        """The range whose value ``row``'s cell shows though it holds none (not its top-left cell)."""
        while self._next < len(self._merges) and self._merges[self._next].first_row <= row:
            merge = self._merges[self._next]
            self._next += 1
            if self._reach is None or self._reach.last_row < row or merge.last_row > self._reach.last_row:
                self._reach = merge
        merge = self._reach
        if merge is None or merge.last_row < row or merge.top_left == (row, self._column):
            return None
        return merge

    def reason_at(self, row: int) -> str | None:
        merge = self.merge_at(row)
        return None if merge is None else merged_reason(merge.ref, merge.ref.split(":")[0])


class HiddenCells:
    """A sheet's cells, in the columns read, that read as empty though Excel shows them filled."""

    def __init__(self, formulas: dict[int, dict[int, str]], merges: dict[int, list[_Merge]]):
        self._formulas = formulas
        self._merged = {column: _MergedColumn(column, ranges) for column, ranges in merges.items()}

    def fill_blank(self, row: int, blank: Callable[[int], bool]) -> bool:
        """Whether Excel shows something in ``row``, whose cells all read as empty: a formula without a
        saved value, or a merged range whose top-left cell lies in an earlier data row that is not
        ``blank`` (an empty merge, or one hanging from the header, shows nothing). Rows in increasing order."""
        if row in self._formulas:
            return True
        for merged in self._merged.values():
            merge = merged.merge_at(row)
            if merge is not None and FIRST_DATA_ROW <= merge.first_row < row and not blank(merge.first_row):
                return True
        return False

    def of(self, row: int) -> dict[int, str]:
        """Column (1-based) -> reason for the cells of ``row``; rows are asked in increasing order."""
        found = dict(self._formulas.get(row, {}))
        for column, merged in self._merged.items():
            if (reason := merged.reason_at(row)) is not None:
                found.setdefault(column, reason)
        return found


def hidden_cells(path: Path, part: str, columns: set[int]) -> HiddenCells:
    """The formula cells without a saved value and the merged ranges of the sheet stored in ``part``,
    kept only where they meet a data row and one of ``columns`` (1-based)."""
    formulas: dict[int, dict[int, str]] = {}  # row -> column -> reason
    merges: dict[int, list[_Merge]] = {}
    row = 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
            for _, element in iterparse(stream):
                if element.tag == _CELL:
                    _formula_cell(element, columns, formulas)
                elif element.tag == _MERGE:
                    _merged_range(element.get("ref", ""), columns, merges)
                elif element.tag == _ROW:
                    row = _next_row(element.get("r"), row)
                    element.clear()  # a sheet may have a million rows: keep none of them
    except (SyntaxError, ValueError) as error:  # ParseError is a SyntaxError
        raise SheetUnreadable(row, error) from None
    return HiddenCells(formulas, merges)


def _next_row(number: str | None, last: int) -> int:
    """The number of a ``<row>`` after row ``last``. openpyxl reads rows forward and passes over one numbered
    at or below a row already read (Excel never writes such a sheet): its rows would be lost unseen."""
    row = int(number or last + 1)
    if row <= last:
        raise SheetUnreadable(row - 1, ValueError(f"baris {row} tersimpan sesudah baris {last}; baris sheet tidak "
                                                  "berurutan sehingga sebagian baris akan terlewat"))
    return row


def _formula_cell(element: Any, columns: set[int], formulas: dict[int, dict[int, str]]) -> None:
    formula = element.find(_FORMULA)
    if formula is None or element.findtext(_VALUE):
        return  # the usual cell, found without parsing its reference
    try:
        letters, row = coordinate_from_string(element.get("r") or "")
        column = column_index_from_string(letters)
    except ValueError:
        return
    if row >= FIRST_DATA_ROW and column in columns:
        formulas.setdefault(row, {})[column] = formula_reason(formula.text or "…")  # a shared formula's text is on its first cell


def _merged_range(ref: str, columns: set[int], merges: dict[int, list[_Merge]]) -> None:
    try:
        first_column, first_row, last_column, last_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return
    if first_column is None or first_row is None or last_column is None or last_row is None:
        return  # a whole row or column: not something Excel saves as a merge
    if last_row < FIRST_DATA_ROW:
        return
    merge = _Merge(ref, first_row, last_row, (first_row, first_column))
    for column in columns:  # the columns read, never the range's own width
        if first_column <= column <= last_column:
            merges.setdefault(column, []).append(merge)

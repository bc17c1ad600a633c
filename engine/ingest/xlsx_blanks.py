"""Why a workbook cell reads as empty when it does not look empty in Excel.

openpyxl, reading saved values, gives nothing for two kinds of cell a person sees filled: a
formula whose value was never saved (a workbook written by a program that does not calculate),
and a cell inside a merged range other than its top-left one. Telling "kosong" to someone looking
at a filled cell helps nobody, so the rows rejected for an empty cell are looked up here, in one
pass over the sheet's XML, and their reason names the formula or the merge.
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection
from pathlib import Path
from xml.etree.ElementTree import iterparse

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL, _FORMULA, _VALUE, _ROW, _MERGE = (f"{_MAIN}{name}" for name in ("c", "f", "v", "row", "mergeCell"))


def formula_reason(formula: str) -> str:
    return (f"sel berisi rumus (={formula}) tanpa nilai tersimpan, bukan sel kosong: workbook disimpan tanpa "
            "dihitung; buka di Excel lalu simpan ulang, atau salin dan tempel sebagai nilai")


def merged_reason(merged: str, top_left: str) -> str:
    return (f"sel ini bagian dari sel gabungan (merge) {merged}, bukan sel kosong: nilainya hanya tersimpan di "
            f"{top_left}; batalkan penggabungan (unmerge) lalu isi nilai di setiap baris")


def blank_cell_reasons(path: Path, part: str, cells: Collection[str]) -> dict[str, str]:
    """For each wanted cell reference (``"B5"``) of the sheet stored in ``part`` that is a formula with
    no saved value or a non-first cell of a merged range, the reason; other cells are left out."""
    wanted = set(cells)
    reasons: dict[str, str] = {}
    if not wanted:
        return reasons
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        for _, element in iterparse(stream):
            if element.tag == _CELL:
                _formula_cell(element, wanted, reasons)
            elif element.tag == _MERGE:
                _merged_cells(element.get("ref", ""), wanted, reasons)
            elif element.tag == _ROW:
                element.clear()  # a sheet may have a million rows: keep none of them
    return reasons


def _formula_cell(element: object, wanted: set[str], reasons: dict[str, str]) -> None:
    reference = element.get("r")  # type: ignore[attr-defined]
    if reference not in wanted:
        return
    formula = element.find(_FORMULA)  # type: ignore[attr-defined]
    value = element.findtext(_VALUE)  # type: ignore[attr-defined]
    if formula is not None and not value:
        reasons[reference] = formula_reason(formula.text or "…")  # a shared formula's text is on its first cell


def _merged_cells(merged: str, wanted: set[str], reasons: dict[str, str]) -> None:
    try:
        first_column, first_row, last_column, last_row = range_boundaries(merged)
    except (ValueError, TypeError):
        return
    top_left = merged.split(":")[0]
    for reference in wanted:
        column_letters, row = coordinate_from_string(reference)
        column = column_index_from_string(column_letters)
        inside = first_column <= column <= last_column and first_row <= row <= last_row  # type: ignore[operator]
        if inside and reference != top_left:
            reasons.setdefault(reference, merged_reason(merged, top_left))

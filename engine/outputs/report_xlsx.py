"""report.xlsx: a summary sheet and one sheet per indicator listing the entities counted."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.indicators.compute import IndicatorResult, Member
from engine.outputs.entities import EntityInfo, entity_directory
from engine.outputs.files import neutralise, write_atomic
from engine.pipeline import RunResult

NUMBER = "#,##0.##"
PERCENT = "0.00"
BOLD = Font(bold=True)


def _cell(value: object) -> object:
    """Text as text: no formula, and no control character (which .xlsx cannot hold)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return neutralise(value)


def _append(sheet: Worksheet, values: Iterable[object]) -> None:
    sheet.append([_cell(value) for value in values])


def _header(sheet: Worksheet, names: list[str], row: int = 2) -> None:
    _append(sheet, names)
    for cell in sheet[row]:
        cell.font = BOLD


def _finish(sheet: Worksheet, header_row: int, widths: list[int]) -> None:
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(widths))}{sheet.max_row}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _summary(book: Workbook, result: RunResult) -> None:
    sheet = book.active
    sheet.title = "Ringkasan"
    _append(sheet, [f"IKU {result.profile.name}", f"tahun {result.year}", f"versi aturan {result.book.version}"])
    sheet["A1"].font = BOLD
    _header(sheet, ["id", "indikator", "nilai", "satuan", "pembilang", "penyebut", "catatan"])
    for row, indicator in enumerate(result.indicators, start=3):
        _append(sheet, [indicator.id, indicator.nama, indicator.nilai, indicator.satuan, indicator.pembilang,
                        indicator.penyebut, indicator.catatan])
        sheet.cell(row, 3).number_format = PERCENT if indicator.satuan == "%" else NUMBER
        for column in (5, 6):
            sheet.cell(row, column).number_format = NUMBER
    _finish(sheet, 2, [10, 48, 12, 8, 18, 18, 100])


def _member_rows(indicator: IndicatorResult, directory: dict[tuple[str, str], EntityInfo]) -> list[list[object]]:
    numerator = {(m.entity_type, m.entity_id) for m in indicator.numerator}
    members: dict[tuple[str, str], tuple[Member, str]] = {}
    for role, group in (("penyebut", indicator.denominator), ("pembilang", indicator.numerator),
                        ("dikecualikan", indicator.excluded)):
        for member in group:
            members.setdefault((member.entity_type, member.entity_id), (member, role))
    rows = []
    for key, (member, role) in members.items():
        info = directory.get(key)
        rows.append([member.entity_type, member.entity_id, info.nama if info else "", info.wilayah if info else "",
                     "ya" if key in numerator else "tidak", "tidak" if role == "dikecualikan" else "ya",
                     member.nilai_sebelum, member.nilai])
    return rows


def _indicator_sheet(book: Workbook, indicator: IndicatorResult, directory: dict, year: int) -> None:
    sheet = book.create_sheet(indicator.id[:31])
    _append(sheet, [indicator.nama, indicator.catatan])
    sheet["A1"].font = BOLD
    _header(sheet, ["jenis entitas", "id", "nama", "kabupaten/kota", "dalam pembilang", "dalam penyebut",
                    f"nilai {year - 1}", f"nilai {year}"])
    # openpyxl's max_row scans the sheet; counting rows here keeps a large sheet linear
    for number, row in enumerate(_member_rows(indicator, directory), start=3):
        _append(sheet, row)
        for column in (7, 8):
            sheet.cell(number, column).number_format = NUMBER
    _finish(sheet, 2, [16, 20, 40, 34, 16, 16, 18, 18])


def workbook_bytes(result: RunResult) -> bytes:
    book = Workbook()
    _summary(book, result)
    directory = entity_directory(result)
    for indicator in result.indicators:
        _indicator_sheet(book, indicator, directory, result.year)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_report_xlsx(result: RunResult, out: Path) -> None:
    write_atomic(out / "report.xlsx", workbook_bytes(result))

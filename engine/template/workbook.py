"""The input workbook written with openpyxl: Petunjuk first, a sheet per table, a hidden list sheet.

A table sheet holds only its header row, so a filled workbook is read by ``iku run`` as it is;
the Petunjuk and list sheets are not tables and the reader passes them by. Column formats are set
on the columns, not on empty cells, so no blank rows are written for the reader to count.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from engine.outputs.files import atomic_path
from engine.template.choices import Choices
from engine.template.columns import TemplateColumn, TemplateTable
from engine.template.guide import GuideRow
from engine.template.spec import Template

GUIDE_SHEET = "Petunjuk"
LIST_SHEET = "daftar"
LAST_ROW = 1_048_576  # Excel's last row: validations and formats cover the whole column
PROMPT_LIMIT = 255  # Excel's limit on an input message
TITLE_LIMIT = 32  # and on its title
REQUIRED_FILL = PatternFill("solid", fgColor="F4B183")
OPTIONAL_FILL = PatternFill("solid", fgColor="D9D9D9")
BOLD = Font(bold=True)
GUIDE_WIDTHS = (20, 22, 14, 60, 26, 60)
GUIDE_CHARS_PER_LINE = 180  # characters of a merged guide line before it wraps


def write_template(template: Template, path: Path) -> None:
    """Written whole beside ``path`` and moved into place."""
    book = build_workbook(template)
    with atomic_path(path) as temporary:
        book.save(temporary)


def build_workbook(template: Template) -> Workbook:
    book = Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    _write_guide(guide, template.guide)
    lists = book.create_sheet(LIST_SHEET)
    references = _write_lists(lists, template.choices)
    for table in template.tables:
        _write_table(book.create_sheet(table.name), table, references)
    book.move_sheet(lists, offset=len(template.tables))  # last, after the tables
    lists.sheet_state = "hidden"
    book.active = 0
    return book


def _write_lists(sheet: Worksheet, choices: dict[tuple[str, str], Choices]) -> dict[str, str]:
    """One column per list; returns each list's cell range, as a validation formula."""
    references: dict[str, str] = {}
    for item in choices.values():
        if item.name in references:
            continue
        column = len(references) + 1
        letter = get_column_letter(column)
        sheet.cell(row=1, column=column, value=item.name).font = BOLD
        for row, value in enumerate(item.values, start=2):
            sheet.cell(row=row, column=column, value=value).number_format = "@"
        last = len(item.values) + 1
        references[item.name] = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${last}"
    return references


def _write_table(sheet: Worksheet, table: TemplateTable, references: dict[str, str]) -> None:
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        cell.comment = Comment(_hint(column), "iku", height=140, width=320)
        dimension = sheet.column_dimensions[letter]
        dimension.width = min(max(len(column.name), len(column.example), 12) + 3, 40)
        dimension.number_format = column.kind.number_format
        sheet.add_data_validation(_validation(column, letter, references))
    sheet.freeze_panes = "A2"


def _hint(column: TemplateColumn) -> str:
    return (f"{column.name} ({column.obligation})\n{column.description}\n"
            f"Format: {column.format}\nContoh: {column.example}")


def _prompt(column: TemplateColumn) -> str:
    text = f"{column.obligation.capitalize()}. {column.format}. Contoh: {column.example}"
    return text if len(text) <= PROMPT_LIMIT else text[: PROMPT_LIMIT - 1] + "…"


def _validation(column: TemplateColumn, letter: str, references: dict[str, str]) -> DataValidation:
    """The column's check, or only its input message when nothing fits (free text)."""
    first = f"{letter}2"
    validation = DataValidation(
        allow_blank=True, showInputMessage=True, promptTitle=f"{column.name} ({column.obligation})"[:TITLE_LIMIT],
        prompt=_prompt(column), showErrorMessage=True, errorTitle=f"Nilai {column.name} tidak sah"[:TITLE_LIMIT],
    )
    if column.choices is not None:
        validation.type = "list"
        validation.formula1 = references[column.choices.name]
        validation.errorStyle = "stop" if column.choices.closed else "warning"
        validation.error = ("Pilih salah satu nilai di daftar." if column.choices.closed
                            else "Nilai ini tidak ada di daftar. Tetap dipakai?")
    elif column.kind.validation is not None:
        check = column.kind.validation
        validation.type = check.check
        validation.operator = check.operator
        validation.formula1, validation.formula2 = check.formulas_for(first)
        validation.errorStyle = "stop"
        validation.error = check.error
    validation.add(f"{first}:{letter}{LAST_ROW}")
    return validation


def _write_guide(sheet: Worksheet, rows: list[GuideRow]) -> None:
    for index, width in enumerate(GUIDE_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row.cells, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if row.style in ("title", "heading", "head") or (row.style == "table" and column == 1):
                cell.font = Font(bold=True, size=14 if row.style == "title" else 11)
        if row.style in ("title", "note", "heading", "text"):
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=len(GUIDE_WIDTHS))
            lines = 1 + len(row.cells[0]) // GUIDE_CHARS_PER_LINE
            sheet.row_dimensions[number].height = 15 * lines + (8 if row.style == "title" else 0)

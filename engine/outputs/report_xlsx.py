"""report.xlsx: a summary sheet "Ringkasan", the LKjIP table "Capaian" (target, realisasi, capaian
per indicator and year), for a run of several years "Tren" (each indicator's value per year with a
native line chart per indicator) and "Kab-Kota per tahun", and one sheet per indicator listing the
entities counted (of the last year).

Numbers are numeric cells with number formats (Excel and LibreOffice show them with the reader's
own separators, so an Indonesian installation shows 1.234,56); percentages with two decimals.
Every text cell that a spreadsheet would run as a formula (= + - @) is neutralised, as in the CSV
outputs. The workbook is streamed (xlsxwriter's constant-memory mode: a row is on disk once the
next begins, so a sheet of a million members stays small in memory; about twice as fast per cell as
openpyxl's write-only mode) into a file beside report.xlsx and moved into place in one step. A member
list longer than a sheet can hold is cut at Excel's row limit, and the sheet says so (the full list is in run.sqlite).
The rows of a table are written whole (``xlsx_rows.RowSheet``: xlsxwriter's XML for the same cells,
``ROWS_AT_ONCE`` rows of plain texts at a time, else a row at a time), a row it cannot write cell by
cell with xlsxwriter's own methods.

Sheets are laid out as plain values first (``Sheet``); a large run hands them, through a temporary
file, to a process of its own that writes the workbook while the run writes its other outputs.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from itertools import chain, islice
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from engine.indicators.compute import IndicatorResult, Member, growth_percent
from engine.indicators.describe import machine_definition
from engine.indicators.model import Growth, Indicator, Profile
from engine.numbers import format_number
from engine.outputs.entities import EntityInfo, EntityKey, entity_directory
from engine.outputs.files import FORMULA_STARTS, atomic_path, neutralise
from engine.outputs.region_bars import entity_regions
from engine.outputs.series import IndicatorSeries, indicator_series
from engine.outputs.xlsx_rows import LeveledWorkbook, RowSheet, Texts
from engine.pipeline import RunResult, SeriesResult

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


# -- Ringkasan ----------------------------------------------------------------------------------


def _summary_caption(result: RunResult) -> list[object]:
    generated = datetime.now(timezone.utc).strftime("%d-%m-%Y %H:%M UTC")
    outside = ", ".join(f"{table} {format_number(count)}" for table, count in result.outside_province.items())
    return [f"IKU {result.profile.name}", f"profil {result.profile.id}", f"tahun penilaian {result.year}",
            f"versi aturan {result.book.version}", f"dibuat {generated}",
            f"di luar provinsi {result.profile.province.name} (tidak dihitung, tidak ditolak): {outside}"]


SUMMARY_COLUMNS = [Column("id"), Column("indikator", wrap=True), Column("nilai"), Column("satuan"),
                   Column("pembilang"), Column("penyebut"), Column("catatan", wrap=True),
                   Column("catatan interpretasi", wrap=True)]


def _amount(value: int | float | None) -> Formatted:
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return Formatted(value, INTEGER if integral else DECIMAL)


def _summary_row(indicator: IndicatorResult, definition: Indicator) -> list[object]:
    nilai = Formatted(indicator.nilai, PERCENT) if indicator.satuan == "%" else _amount(indicator.nilai)
    return [indicator.id, indicator.nama, nilai, indicator.satuan, _amount(indicator.pembilang),
            _amount(indicator.penyebut), indicator.catatan, " ".join(definition.notes)]


def _summary(result: RunResult) -> Sheet:
    rows = [_summary_row(indicator, definition)
            for indicator, definition in zip(result.indicators, result.profile.indicators, strict=True)]
    return Sheet("Ringkasan", _summary_caption(result), SUMMARY_COLUMNS, rows)


# -- Dokumen IKU: the document's words beside iku's definition ---------------------------------

DOCUMENT_COLUMNS = [Column("id"), Column("nama indikator (dokumen)", wrap=True), Column("sasaran (dokumen)", wrap=True),
                    Column("formulasi (dokumen)", wrap=True), Column("rumus disimpulkan (tidak ada dalam dokumen)", wrap=True),
                    Column("rumus iku", wrap=True), Column("sumber data (dokumen)", wrap=True),
                    Column("penanggung jawab (dokumen)", wrap=True)]


def _document_caption(profile: Profile) -> list[object]:
    document = profile.document
    if document is None:
        return [profile.source_document]
    return [profile.source_document, f"instansi: {document.institution}",
            f"tanggal: {document.date or 'tidak disebutkan dalam dokumen IKU'}",
            f"penandatangan: {document.signatory or 'tidak disebutkan dalam dokumen IKU'}"]


def _document(profile: Profile) -> Sheet:
    rows = [[indicator.id, indicator.quoted("name"), indicator.quoted("goal"), indicator.quoted("document_formula"),
             indicator.formula_inferred or "", machine_definition(indicator), indicator.quoted("data_source"),
             indicator.quoted("responsible")] for indicator in profile.indicators]
    return Sheet("Dokumen IKU", _document_caption(profile), DOCUMENT_COLUMNS, rows)


# -- one sheet per indicator --------------------------------------------------------------------

MEMBER_COLUMNS = [Column("jenis entitas"), Column("id"), Column("nama"), Column("kode wilayah"),
                  Column("kabupaten/kota"), Column("dalam pembilang"), Column("dalam penyebut")]


def _growth_columns(year: int) -> list[Column]:
    return [Column(f"nilai {year - 1}", DECIMAL), Column(f"nilai {year}", DECIMAL),
            Column("pertumbuhan (%)", DECIMAL), Column("dikecualikan"), Column("alasan dikecualikan")]


def _growth_cells(member: Member, excluded: bool, year: int) -> list[object]:
    before, now = member.nilai_sebelum, member.nilai
    growth = growth_percent(before, now)
    reason = ""
    if excluded:
        missing = [str(y) for y, value in ((year - 1, before), (year, now)) if value is None]
        reason = f"tidak ada nilai tahun {' dan '.join(missing)}"
    return [before, now, growth, "ya" if excluded else "tidak", reason]


NUMERATOR, DENOMINATOR, EXCLUDED = 1, 2, 4  # an entity's roles in an indicator, as bits


def _roles(indicator: IndicatorResult) -> dict[EntityKey, int]:
    """Every entity once, with its roles: the denominator's order, then numerator-only members, then
    the excluded. One dict, no set per role: a national run's largest sheet lists a million entities."""
    roles: dict[EntityKey, int] = dict.fromkeys(map(_member_key, indicator.denominator), DENOMINATOR)
    get = roles.get
    for role, group in ((NUMERATOR, indicator.numerator), (EXCLUDED, indicator.excluded)):
        for key in map(_member_key, group):
            roles[key] = get(key, 0) | role
    return roles


_member_key = attrgetter("entity_type", "entity_id")  # a member's EntityKey


def _first_members(indicator: IndicatorResult) -> dict[EntityKey, Member]:
    """Each entity's member as first listed (in ``_roles``' order): its values of both years."""
    members: dict[EntityKey, Member] = {}
    for group in (indicator.denominator, indicator.numerator, indicator.excluded):
        for member in group:
            members.setdefault((member.entity_type, member.entity_id), member)
    return members


# each role's two cells, "dalam pembilang" and "dalam penyebut"
_ROLE_CELLS = tuple(("ya" if role & NUMERATOR else "tidak", "ya" if role & DENOMINATOR else "tidak")
                    for role in range(2 * (NUMERATOR | DENOMINATOR | EXCLUDED)))


class EntityCells:
    """Each entity's first five cells of a member sheet (jenis, id, nama, kode wilayah, kabupaten/kota).
    Made each time asked for, not kept: kept, a million entities' tuples added ≈ 200 MB to the run's
    peak (measured at 1M entities), to save making a five-item tuple."""

    def __init__(self, directory: Mapping[EntityKey, EntityInfo]):
        self.directory = directory

    def __getitem__(self, key: EntityKey) -> tuple[object, ...]:
        info = self.directory.get(key)
        return (key[0], key[1], info.nama, info.region.code, info.region.name) if info else (key[0], key[1], "", None, "")


def member_rows(indicator: IndicatorResult, roles: Mapping[EntityKey, int], entity_cells: EntityCells,
                growth: bool, year: int) -> Iterator[tuple[object, ...]]:
    """The sheet's row of each entity of ``roles`` (``_roles``), made as they are asked for."""
    if not growth:
        for key, role in roles.items():
            yield entity_cells[key] + _ROLE_CELLS[role]
        return
    first = _first_members(indicator)
    for key, role in roles.items():
        yield entity_cells[key] + _ROLE_CELLS[role] + tuple(_growth_cells(first[key], bool(role & EXCLUDED), year))


def _indicator_sheet(indicator: IndicatorResult, definition: Indicator, entity_cells: EntityCells, year: int) -> Sheet:
    growth = isinstance(definition.formula, Growth)
    columns = MEMBER_COLUMNS + (_growth_columns(year) if growth else [])
    members = _roles(indicator)
    caption: list[object] = [indicator.nama, indicator.catatan]
    if indicator.denominator_source:
        caption.append(f"penyebut dari {indicator.denominator_source}: tanpa daftar anggota penyebut")
    room = SHEET_ROWS - HEADER_ROW
    if len(members) > room:
        caption.append(f"hanya {format_number(room)} dari {format_number(len(members))} entitas ditampilkan (batas "
                       "baris Excel); daftar lengkap: tabel indicator_member di run.sqlite")
    shown = min(len(members), room)
    rows = islice(member_rows(indicator, members, entity_cells, growth, year), shown)
    return Sheet(indicator.id, caption, columns, rows, count=shown)


# -- the series: capaian (LKjIP), trend, year × kabupaten/kota ----------------------------------

CAPAIAN_COLUMNS = [Column("id"), Column("indikator", wrap=True), Column("tahun"), Column("satuan"),
                   Column("target", DECIMAL), Column("realisasi", DECIMAL), Column("capaian (%)", PERCENT),
                   Column("catatan", wrap=True), Column("sumber target", wrap=True)]


def _capaian(series: SeriesResult) -> Sheet:
    rows = [[row.indicator_id, row.nama, row.year, row.satuan, row.target, row.realisasi, row.capaian, row.catatan,
             row.sumber or ""] for row in series.capaian()]
    caption = ["Capaian (LKjIP): indikator | target | realisasi | capaian per tahun",
               "target dari rules/targets/<profil>.yaml (Renstra); tanpa target: \"target belum diisi\""]
    return Sheet("Capaian", caption, CAPAIAN_COLUMNS, rows)


def _trend(series: SeriesResult, trends: list[IndicatorSeries]) -> Sheet:
    years = list(series.years)
    columns = [Column("id"), Column("indikator", wrap=True), Column("satuan"),
               *(Column(str(year), DECIMAL) for year in years), Column("tahun tanpa nilai (alasan)", wrap=True)]
    rows, charts = [], []
    for number, item in enumerate(trends):
        reasons = "; ".join(f"{v.year}: {v.catatan}" for v in item.values if v.nilai is None)
        rows.append([item.definition.id, item.definition.name, item.definition.unit,
                     *(v.nilai for v in item.values), reasons])
        charts.append((f"{item.definition.id} {item.definition.name}", HEADER_ROW + 1 + number, 4, 3 + len(years)))
    caption = [f"Tren {years[0]}–{years[-1]}", "sel kosong: tidak dapat dihitung pada tahun itu (alasan di kolom terakhir)"]
    return Sheet("Tren", caption, columns, rows, tuple(charts))


def _regions_by_year(series: SeriesResult, trends: list[IndicatorSeries]) -> Sheet:
    columns = [Column("id"), Column("kabupaten/kota", wrap=True), *(Column(str(year)) for year in series.years)]
    rows = [[item.definition.id, region.wilayah, *region.values]
            for item in trends if item.regions for region in item.regions]
    return Sheet("Kab-Kota per tahun", ["Nilai per kabupaten/kota dan tahun (— : tidak ada entitas atau tidak dapat dihitung)"],
                 columns, rows)


def sheets(result: RunResult, directory: Mapping[EntityKey, EntityInfo],
           series: SeriesResult | None = None) -> Iterator[Sheet]:
    """The workbook's sheets in order, each laid out when it is asked for."""
    series = series if series is not None else SeriesResult.of(result)
    yield _summary(result)
    yield _capaian(series)
    if len(series.results) > 1:
        trends = indicator_series(series, entity_regions(directory))  # the two sheets' values, worked out once
        yield _trend(series, trends)
        yield _regions_by_year(series, trends)
        del trends
    yield _document(result.profile)
    entity_cells = EntityCells(directory)
    for indicator, definition in zip(result.indicators, result.profile.indicators, strict=True):
        yield _indicator_sheet(indicator, definition, entity_cells, result.year)


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


def write_report_xlsx(result: RunResult, out: Path, directory: Mapping[EntityKey, EntityInfo] | None = None,
                      series: SeriesResult | None = None) -> None:
    write_workbook(sheets(result, directory if directory is not None else entity_directory(result), series), out)


# -- written by another process -----------------------------------------------------------------


def lay_out(result: RunResult, directory: Mapping[EntityKey, EntityInfo], out: Path,
            series: SeriesResult | None = None) -> Path:
    """The sheets in a temporary file in ``out``: for another process to write the workbook from
    (``write_workbook_from``, which removes the file). Each sheet is a pickle of its first rows, then
    its other rows ``ROWS_PER_PICKLE`` at a time and None: only that many rows are ever held here
    (a national run's largest member sheet, held and pickled whole, was the run's peak of memory)."""
    handle, name = tempfile.mkstemp(dir=out, prefix=".report.xlsx.", suffix=".sheets.tmp")
    path = Path(name)
    try:
        with open(handle, "wb") as stream:
            for layout in sheets(result, directory, series):
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

"""report.xlsx's sheets laid out: a summary sheet "Ringkasan", the LKjIP table "Capaian" (target, realisasi,
capaian per indicator and year), for a run of several years "Tren" (each indicator's value per year with
a native line chart per indicator) and "Kab-Kota per tahun", and one sheet per indicator listing the
entities counted (of the last year).

Numbers are numeric cells with number formats (Excel and LibreOffice show them with the reader's
own separators, so an Indonesian installation shows 1.234,56); percentages with two decimals. A member
list longer than a sheet can hold is cut at Excel's row limit, and the sheet says so (the full list is
in run.sqlite).

Sheets are laid out as plain values (``workbook.Sheet``) and written by ``engine.outputs.workbook``: here,
or, for a large run, handed over through a temporary file to a process of its own that writes the
workbook while the run writes its other outputs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from itertools import islice
from operator import attrgetter
from pathlib import Path

from engine.indicators.compute import IndicatorResult, Member, growth_percent
from engine.indicators.describe import machine_definition
from engine.indicators.model import Growth, Indicator, Profile
from engine.numbers import format_number
from engine.outputs.entities import EntityInfo, EntityKey, entity_directory
from engine.outputs.region_bars import entity_regions
from engine.outputs.series import IndicatorSeries, indicator_series
from engine.outputs.workbook import (DECIMAL, HEADER_ROW, INTEGER, PERCENT, SHEET_ROWS, Column, Formatted, Sheet,
                                     hand_over, write_workbook)
from engine.pipeline import RunResult, SeriesResult


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


def write_report_xlsx(result: RunResult, out: Path, directory: Mapping[EntityKey, EntityInfo] | None = None,
                      series: SeriesResult | None = None) -> None:
    write_workbook(sheets(result, directory if directory is not None else entity_directory(result), series), out)


# -- handed over to another process ---------------------------------------------------------


def lay_out(result: RunResult, directory: Mapping[EntityKey, EntityInfo], out: Path,
            series: SeriesResult | None = None) -> Path:
    """The sheets of ``result`` handed over to the workbook's process (``workbook.hand_over``)."""
    return hand_over(sheets(result, directory, series), out)

"""Ringkasan: the run's indicators (value, numerator, denominator, definitions), a chart per
kabupaten/kota for each, and the rows read, used and rejected per table."""

from __future__ import annotations

from collections import defaultdict

from engine.names import closest_names
from engine.outputs.regions import NO_REGION
from engine.outputs.report_html import Bar, Chart, count_bar, growth_bar, layout_chart, percentage_bar
from engine.runstore import browse
from engine.runstore.schema import ROLES
from engine.serve.errors import NotFound
from engine.serve.model import Frozen
from engine.serve.runs import ServedRun

REJECTS_SHOWN = 100  # per table on the page; all are in rejects.csv and the record's reject table


class IndicatorSummary(Frozen):
    id: str
    nama: str
    nilai: float | int | None
    satuan: str
    pembilang: float | int | None
    penyebut: float | int | None
    catatan: str
    rumus: str
    definisi_pembilang: str
    definisi_penyebut: str
    statistik: str | None
    formulasi_dokumen: str | None  # the source document's own words, where the record keeps them
    jumlah_pembilang: int
    jumlah_penyebut: int
    jumlah_dikecualikan: int


class RegionBar(Frozen):
    wilayah: str
    nilai: float | None
    label: str


class TableSummary(Frozen):
    tabel: str
    sumber: str | None
    dibaca: int
    dipakai: int
    ditolak: int
    kosong: int
    baris_ditolak: list[dict[str, object]]


class Summary(Frozen):
    run: str
    profil: str
    tahun: int
    versi_aturan: str
    dijalankan: str
    indikator: list[IndicatorSummary]
    grafik: dict[str, list[RegionBar]]
    keterangan_grafik: dict[str, str]
    tabel: list[TableSummary]


def _kind(row: browse.IndicatorRow, counts: list[browse.RegionCount]) -> str:
    """count, growth or percentage, as the record shows it: growth members carry their yearly values."""
    if any(count.sum_now is not None or count.sum_before is not None for count in counts):
        return "growth"
    return "count" if row.satuan == "unit" else "percentage"


def _region_name(code: str | None, regions: dict[str, str]) -> str:
    if not code:
        return NO_REGION
    name = regions.get(code, code)
    return f"{name} ({code})" if name != code else name


def region_bars(row: browse.IndicatorRow, counts: list[browse.RegionCount], regions: dict[str, str]) -> list[Bar]:
    """One bar per kabupaten/kota, as report.html draws them: the count, the growth of the sums, or
    numerator ÷ denominator × 100 in that kabupaten/kota."""
    kind = _kind(row, counts)
    by_region: dict[str | None, dict[str, browse.RegionCount]] = defaultdict(dict)
    for count in counts:
        by_region[count.kode_wilayah][count.role] = count
    bars = []
    for code in sorted(by_region, key=lambda code: (code is None, code or "")):
        roles, name = by_region[code], _region_name(code, regions)
        numerator = roles.get("numerator")
        if kind == "count" and numerator:
            bars.append(count_bar(name, numerator.count))
        elif kind == "growth" and numerator:
            bars.append(growth_bar(name, numerator.sum_before or 0, numerator.sum_now or 0, numerator.count))
        elif kind == "percentage" and (numerator or "denominator" in roles):
            whole = roles["denominator"].count if "denominator" in roles else 0
            bars.append(percentage_bar(name, numerator.count if numerator else 0, whole))
    return bars


CAPTIONS = {
    "count": "Jumlah entitas yang dihitung, per kabupaten/kota.",
    "growth": "Pertumbuhan Σ per kabupaten/kota = (Σ n − Σ n-1) ÷ Σ n-1 × 100, atas anggota yang punya nilai di "
              "kedua tahun; merah = turun.",
    "percentage": "Persentase per kabupaten/kota = pembilang ÷ penyebut di kabupaten/kota itu × 100 (entitas "
                  "terdaftar; bila penyebut provinsi berasal dari statistik, rata-ratanya tidak sama dengan nilai "
                  "provinsi).",
}


def charts(run: ServedRun) -> dict[str, Chart]:
    """The SVG layout of each indicator's chart (report.html's layout)."""
    rows = browse.indicators(run.source.db)
    counts: dict[str, list[browse.RegionCount]] = defaultdict(list)
    for count in run.region_counts:
        counts[count.indicator].append(count)
    return {row.id: layout_chart(region_bars(row, counts[row.id], run.regions), CAPTIONS[_kind(row, counts[row.id])])
            for row in rows}


def _indicator(row: browse.IndicatorRow, totals: dict[str, int], wording: dict[str, str]) -> IndicatorSummary:
    return IndicatorSummary(
        id=row.id, nama=row.nama, nilai=row.nilai, satuan=row.satuan, pembilang=row.pembilang, penyebut=row.penyebut,
        catatan=row.catatan, rumus=row.rumus, definisi_pembilang=row.definisi_pembilang,
        definisi_penyebut=row.definisi_penyebut, statistik=row.statistik, formulasi_dokumen=wording.get(row.id),
        jumlah_pembilang=totals.get("numerator", 0), jumlah_penyebut=totals.get("denominator", 0),
        jumlah_dikecualikan=totals.get("excluded", 0))


def summary_of(run: ServedRun, indicator_id: str) -> IndicatorSummary:
    """One indicator (its lists counted through the index), or NotFound with the closest ids."""
    db = run.source.db
    rows = {row.id: row for row in browse.indicators(db)}
    if indicator_id not in rows:
        raise NotFound("indikator", indicator_id, closest_names(indicator_id, rows))
    row = rows[indicator_id]
    totals = {role: browse.member_count(db, row.key, role) for role in ROLES}
    return _indicator(row, totals, browse.document_wording(db))


def summary(run: ServedRun) -> Summary:
    db = run.source.db
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for count in run.region_counts:
        totals[count.indicator][count.role] += count.count
    wording = browse.document_wording(db)
    indicators = [_indicator(row, totals[row.id], wording) for row in browse.indicators(db)]
    laid_out = charts(run)
    tables = [TableSummary(tabel=count.table, sumber=count.source, dibaca=count.read, dipakai=count.used,
                           ditolak=count.rejected, kosong=count.blank,
                           baris_ditolak=[{"baris": r.row, "kolom": r.column, "nilai": r.value, "alasan": r.reason}
                                          for r in browse.rejects(db, count.table, REJECTS_SHOWN)])
              for count in browse.table_counts(db)]
    info = run.info
    return Summary(
        run=info.id, profil=info.profile, tahun=info.year, versi_aturan=info.rules_version,
        dijalankan=info.started[:19].replace("T", " ") + " UTC", indikator=indicators,
        grafik={key: [RegionBar(wilayah=r.bar.wilayah, nilai=r.bar.value, label=r.bar.label) for r in chart.rows]
                for key, chart in laid_out.items()},
        keterangan_grafik={key: chart.caption for key, chart in laid_out.items()}, tabel=tables)

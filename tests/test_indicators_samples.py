"""The indicators of both samples equal values computed here by hand from the raw files.

The expected values do not use the engine: the files are read with csv/openpyxl, values parsed by
small local helpers, the documented bad rows (samples/README.md) skipped, and each indicator's
definition from the data contract applied directly.
"""

import csv
import re
from collections import defaultdict
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from engine.ingest.dataset import load_dataset
from engine.outputs.run import execute_run
from engine.pipeline import indicators_of, tables_still_read
from tests.support import SAMPLES

N = 2024
MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "mei": 5, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "agustus": 8,
          "sep": 9, "okt": 10, "nov": 11, "des": 12}
BAD_ROWS = {  # samples/README.md: (table, row) rejected in both samples, plus each sample's own duplicates
    "common": {("koperasi", 59), ("koperasi", 146), ("rat", 232), ("rat", 413), ("kinerja_koperasi", 90),
               ("kinerja_koperasi", 308), ("fasilitasi", 47), ("pembiayaan", 22), ("standardisasi", 11),
               ("diklat", 152)},
    "jatim": {("koperasi", 304), ("kinerja_ukm", 692)},
    "jambi": {("koperasi", 204), ("kinerja_ukm", 421)},
}


def number(text) -> float:
    if isinstance(text, (int, float)):
        return float(text)
    text = str(text).replace("Rp", "").replace(" ", "").strip()
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = text.replace(".", "").replace(",", "")
    return float(text.replace(",", "."))


def year_of(value) -> int:
    if isinstance(value, (date, datetime)):
        return value.year
    text = str(value).strip()
    match = re.search(r"(\d{4})", text)
    return int(match.group(1))


def read_tables(profile: str) -> dict[str, list[dict]]:
    skip = BAD_ROWS["common"] | BAD_ROWS[profile]
    tables: dict[str, list[dict]] = {}
    if profile == "jatim":
        for path in (SAMPLES / "jatim").glob("*.csv"):
            text = path.read_text(encoding="utf-8-sig")
            delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
            rows = list(csv.DictReader(text.splitlines(), delimiter=delimiter))
            tables[path.stem] = [dict(row, _row=index) for index, row in enumerate(rows, start=2)]
    else:
        book = load_workbook(SAMPLES / "jambi" / "data.xlsx", read_only=True)
        for sheet in book.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            header = [str(cell).strip().lower() for cell in rows[0]]
            tables[sheet.title.lower()] = [dict(zip(header, row), _row=index) for index, row in enumerate(rows[1:], 2)]
    return {name: [row for row in rows if (name, row["_row"]) not in skip and any(
        value not in (None, "") for key, value in row.items() if key != "_row")] for name, rows in tables.items()}


def blank(value) -> bool:
    return value is None or str(value).strip() == ""


Expected = tuple[float | None, float, float | None]  # nilai, pembilang, penyebut


def expected_indicators(profile: str) -> dict[str, Expected]:
    t = read_tables(profile)
    koperasi = {row["nik"]: row for row in t["koperasi"]}
    population = {nik for nik, row in koperasi.items()
                  if year_of(row["tanggal_badan_hukum"]) <= N
                  and (blank(row.get("tanggal_bubar")) or year_of(row["tanggal_bubar"]) > N)}
    rat_years = defaultdict(set)
    for row in t["rat"]:
        rat_years[row["nik"]].add(year_of(row["tanggal_rat"]))
    kinerja = {(row["nik"], int(number(row["tahun"]))): row for row in t["kinerja_koperasi"]}
    ukm_figures = {(row["nib"], int(number(row["tahun"]))): row for row in t["kinerja_ukm"]}
    ukm = {row["nib"] for row in t["ukm"]}
    dibina = {row["id_kukm"] for row in t["fasilitasi"] if int(number(row["tahun"])) == N}
    pemasaran = {row["id_kukm"] for row in t["fasilitasi"]
                 if int(number(row["tahun"])) == N and str(row["bidang"]).strip().lower() == "pemasaran"}
    pembiayaan = {row["id_kukm"] for row in t["pembiayaan"] if year_of(row["tanggal_pengajuan"]) == N}
    participants = [row for row in t["diklat"] if int(number(row["tahun"])) == N]
    good = [row for row in participants if number(row["skor"]) >= 75]

    def yes(value) -> bool:
        return str(value).strip().lower() in ("ya", "y", "yes", "true", "1")

    def business(nik: str) -> bool:
        row = kinerja.get((nik, N))
        return bool(row) and not blank(row.get("volume_usaha")) and number(row["volume_usaha"]) > 0 \
            and yes(row.get("melayani_anggota"))

    aktif_25 = {nik for nik in population if {N - 2, N - 1, N} <= rat_years[nik] and business(nik)}

    def health(nik: str) -> float | None:
        row = kinerja.get((nik, N))
        return None if not row or blank(row.get("skor_kesehatan")) else number(row["skor_kesehatan"])

    berkualitas = {nik for nik in aktif_25 if (health(nik) or 0) >= 66}

    def growth(members, value) -> Expected:
        """(Σn − Σn-1) ÷ Σn-1 × 100 over the members with a value in both years."""
        pairs = [(value(key, N - 1), value(key, N)) for key in members]
        pairs = [(before, now) for before, now in pairs if before is not None and now is not None]
        before = sum(before for before, _ in pairs)
        change = sum(now for _, now in pairs) - before
        return (None if not pairs or before == 0 else round(change / before * 100, 2), change, before)

    def figure(table, column):
        def value(key, year):
            row = table.get((key, year))
            return None if row is None or blank(row.get(column)) else number(row[column])
        return value

    def omset(key, year):
        return figure(kinerja, "volume_usaha")(key, year) if key in koperasi else figure(ukm_figures, "omset")(key, year)

    statistic = next((number(row["nilai"]) for row in t["statistik"]
                      if str(row["nama"]).strip().lower() == "jumlah_kukm" and int(number(row["tahun"])) == N), None)
    kukm_total = statistic if statistic is not None else len(population) + len(ukm)
    standard = {row["id_kukm"] for row in t["standardisasi"]
                if year_of(row["tanggal_terbit"]) == N and not blank(row.get("lembaga"))
                and str(row["standar"]).strip().lower() in ("iso 9001", "iso 22000", "halal")}
    def pct(part, whole: float) -> Expected:
        return (round(len(part) / whole * 100, 2) if whole else None, len(part), whole)

    def count(members) -> Expected:
        return (len(members), len(members), None)

    ukm_dibina = dibina & ukm
    return {
        "jatim-1": pct({nik for nik in population if N in rat_years[nik]}, len(population)),
        "jatim-2": count({row["id_kukm"] for row in t["legalitas"] if year_of(row["tanggal"]) == N}),
        "jatim-3": count(standard),
        "jatim-4": pct(dibina, kukm_total),
        "jatim-5": pct(dibina & pembiayaan, len(dibina)),
        "jatim-6": growth(sorted(pemasaran), omset),
        "jatim-7": pct(good, len(participants)),
        "jambi-1": pct(berkualitas, len(aktif_25)),
        "jambi-2": growth(sorted(population), figure(kinerja, "volume_usaha")),
        "jambi-3": growth(sorted(ukm_dibina), figure(ukm_figures, "omset")),
        "jambi-4": growth(sorted(ukm_dibina), figure(ukm_figures, "aset")),
        "jambi-5": growth(sorted(ukm_dibina), figure(ukm_figures, "tenaga_kerja")),
        "jambi-6": pct(good, len(participants)),
    }


DATA = {"jatim": SAMPLES / "jatim", "jambi": SAMPLES / "jambi" / "data.xlsx"}


@pytest.fixture(scope="module", params=["jatim", "jambi"])
def sample_run(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param)
    result = execute_run(DATA[request.param], request.param, N, out, SAMPLES.parent / "rules")
    return request.param, result, out


def test_indicator_values_match_an_independent_computation(sample_run):
    profile, result, _ = sample_run
    expected = expected_indicators(profile)
    assert [indicator.id for indicator in result.indicators] == [key for key in expected if key.startswith(profile)]
    for indicator in result.indicators:
        nilai, pembilang, penyebut = expected[indicator.id]
        assert nilai is not None, indicator.id  # the samples are made so that every indicator is computable
        assert indicator.nilai == pytest.approx(nilai), (indicator.id, indicator.catatan)
        assert indicator.pembilang == pytest.approx(pembilang, abs=0.01), (indicator.id, indicator.catatan)
        assert indicator.penyebut == pytest.approx(penyebut, abs=0.01), (indicator.id, indicator.catatan)


def test_the_samples_reject_exactly_the_documented_rows(sample_run):
    profile, result, _ = sample_run
    rejected = {(reject.table, reject.row) for reject in result.dataset.rejects}
    assert rejected == BAD_ROWS["common"] | BAD_ROWS[profile]


def test_two_runs_give_identical_indicators_and_tags(sample_run, tmp_path):
    profile, _, out = sample_run
    again = tmp_path / "again"
    execute_run(DATA[profile], profile, N, again, SAMPLES.parent / "rules")
    for name in ("indicators.json", "tags.csv", "rejects.csv"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_the_run_keeps_only_the_tables_read_after_the_facts_and_loses_nothing_by_it(sample_run):
    profile, result, _ = sample_run
    full = load_dataset(DATA[profile])
    assert set(result.dataset.records) == set(full.records) & tables_still_read(result.profile)
    assert "rat" not in result.dataset.records  # the RAT history lives on as facts only
    assert result.dataset.counts == full.counts and result.dataset.rejects == full.rejects
    assert indicators_of(result.book, result.profile, full, result.entities, result.decisions, N) == result.indicators

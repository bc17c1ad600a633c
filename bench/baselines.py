"""Two hand-written evaluators of the same criteria, the measuring sticks of the benchmark.

Both start from the CSV files of a data folder, as a user without a rules engine would: the plain
one with the ``csv`` module and a loop, the vectorised one with polars. Each has a *read* step
(parse the columns the criteria need) and an *evaluate* step (the criteria for year n), timed
apart so that the rules stage of iku can be compared with evaluation alone.

They cover every rule in rules/criteria and must give exactly the (entity_type, entity_id, tag)
rows of iku's tags.csv on the benchmark's data; bench/run.py and tests/test_bench_baselines.py
check it, so a changed rule or parameter shows up as "tag identik: tidak", not as a wrong ratio.

Limits, on purpose: no validation and no rejects (the generated data is clean — the benchmark
checks that rejects.csv is empty), only the value formats the generator writes, one .csv per table
(not .xlsx), and the parameter values in force in 2024 written in as constants. The rules in
rules/ stay the only definition the program applies; nothing here is used by iku.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

Tag = tuple[str, str, str]  # entity_type, entity_id, tag

# rules/parameters/parameters.yaml, versions in force on 31 December 2024.
BATAS_SEHAT = 80.0
BATAS_CUKUP_SEHAT = 66.0
BATAS_DALAM_PENGAWASAN = 51.0
BATAS_PREDIKAT_BAIK = 75.0
JENDELA_TAHUN_AKTIF = 3
STANDAR_ISO_DIAKUI = ("iso 9001", "iso 22000")  # as labels: case-folded, "_" read as " "
STANDAR_HALAL = ("halal",)
# Halal counts from these issuers; MUI's certificates count only before 17-10-2019, never in 2024.
PENERBIT_HALAL_DIAKUI = ("BPJPH", "Badan Penyelenggara Jaminan Produk Halal")
BIDANG_PEMASARAN = ("pemasaran",)

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "maret": 3, "mar": 3, "april": 4,
    "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8, "agt": 8,
    "ags": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "nop": 11, "desember": 12, "des": 12,
}

# The columns the criteria read, per table (both baselines read only these).
COLUMNS = {
    "koperasi": ("nik", "tanggal_badan_hukum", "tanggal_bubar"),
    "ukm": ("nib",),
    "rat": ("nik", "tanggal_rat"),
    "kinerja_koperasi": ("nik", "tahun", "volume_usaha", "melayani_anggota", "skor_kesehatan"),
    "fasilitasi": ("id_kukm", "tahun", "bidang"),
    "pembiayaan": ("id_kukm", "tanggal_pengajuan"),
    "legalitas": ("id_kukm", "tanggal"),
    "standardisasi": ("id_kukm", "standar", "lembaga", "tanggal_terbit"),
    "diklat": ("id_peserta", "tahun", "skor"),
}
TRUE_WORDS = {"ya", "y", "yes", "true", "1", "benar"}


# ---------------------------------------------------------------------------------------------
# Plain Python


@dataclass
class PlainTables:
    """The columns the criteria read, typed; rows in file order."""

    koperasi: list[tuple[str, date, date | None]] = field(default_factory=list)  # nik, badan hukum, bubar
    ukm: list[str] = field(default_factory=list)  # nib
    rat: list[tuple[str, int]] = field(default_factory=list)  # nik, year of tanggal_rat
    kinerja: list[tuple[str, int, float | None, bool | None, float | None]] = field(default_factory=list)
    fasilitasi: list[tuple[str, int, str]] = field(default_factory=list)  # id_kukm, tahun, bidang
    pembiayaan: list[tuple[str, int]] = field(default_factory=list)  # id_kukm, year of tanggal_pengajuan
    legalitas: list[tuple[str, int]] = field(default_factory=list)  # id_kukm, year of tanggal
    standardisasi: list[tuple[str, str, str, int]] = field(default_factory=list)  # id, standar, lembaga, year
    diklat: list[tuple[int, str, int, float]] = field(default_factory=list)  # row, id_peserta, tahun, skor


def _separator(path: Path) -> str:
    """The delimiter of a CSV file: ``;`` where its header has more of them than of ``,``."""
    with path.open(encoding="utf-8-sig") as handle:
        first = handle.readline()
    return ";" if first.count(";") > first.count(",") else ","


def _rows(folder: Path, table: str, columns: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """(row as the user sees it, the named cells) of one CSV file; [] when the file is absent."""
    path = folder / f"{table}.csv"
    if not path.exists():
        return []
    delimiter = _separator(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = [cell.strip().lower() for cell in next(csv.reader(handle, delimiter=delimiter))]
        at = [header.index(column) for column in columns]
        return [(number, [cells[i] for i in at])
                for number, cells in enumerate(csv.reader(handle, delimiter=delimiter), start=2) if cells]


def parse_date(text: str) -> date:
    text = text.strip()
    if len(text) == 10 and text[4] == "-":
        return date(int(text[:4]), int(text[5:7]), int(text[8:]))
    parts = re.split(r"[/\- ]+", text)
    month = int(parts[1]) if parts[1].isdigit() else MONTHS[parts[1].casefold().rstrip(".")]
    return date(int(parts[2]), month, int(parts[0]))


def optional_date(text: str) -> date | None:
    return parse_date(text) if text.strip() else None


def parse_amount(text: str) -> float | None:
    """Rupiah as offices write it; a lone separator before exactly three digits groups thousands."""
    text = re.sub(r"^(rp\.?|idr)", "", text.strip(), flags=re.IGNORECASE).replace(" ", "")
    if not text:
        return None
    last_dot, last_comma = text.rfind("."), text.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal = "," if last_comma > last_dot else "."
        grouping = "." if decimal == "," else ","
        return float(text.replace(grouping, "").replace(decimal, "."))
    separator = "." if last_dot >= 0 else "," if last_comma >= 0 else ""
    if separator and (text.count(separator) > 1 or len(text) - text.rfind(separator) - 1 == 3):
        return float(text.replace(separator, ""))
    return float(text.replace(",", "."))


def parse_score(text: str) -> float | None:
    text = text.strip()
    return float(text.replace(",", ".")) if text else None


def parse_bool(text: str) -> bool | None:
    text = text.strip().casefold()
    return (text in TRUE_WORDS) if text else None


def label(text: str) -> str:
    return " ".join(text.split()).casefold().replace("_", " ")


def plain_read(folder: Path) -> PlainTables:
    def rows(table: str) -> list[tuple[int, list[str]]]:
        return _rows(folder, table, COLUMNS[table])

    t = PlainTables()
    t.koperasi = [(nik.strip(), parse_date(berdiri), optional_date(bubar))
                  for _, (nik, berdiri, bubar) in rows("koperasi")]
    t.ukm = [nib.strip() for _, (nib,) in rows("ukm")]
    t.rat = [(nik.strip(), parse_date(day).year) for _, (nik, day) in rows("rat")]
    t.kinerja = [(nik.strip(), int(tahun), parse_amount(volume), parse_bool(melayani), parse_score(skor))
                 for _, (nik, tahun, volume, melayani, skor) in rows("kinerja_koperasi")]
    t.fasilitasi = [(kukm.strip(), int(tahun), label(bidang)) for _, (kukm, tahun, bidang) in rows("fasilitasi")]
    t.pembiayaan = [(kukm.strip(), parse_date(day).year) for _, (kukm, day) in rows("pembiayaan")]
    t.legalitas = [(kukm.strip(), parse_date(day).year) for _, (kukm, day) in rows("legalitas")]
    t.standardisasi = [(kukm.strip(), label(standar), lembaga.strip(), parse_date(day).year)
                       for _, (kukm, standar, lembaga, day) in rows("standardisasi")]
    t.diklat = [(row, " ".join(peserta.split()), int(tahun), float(parse_score(skor) or 0.0))
                for row, (peserta, tahun, skor) in rows("diklat")]
    return t


def health_tag(score: float) -> str:
    if score >= BATAS_SEHAT:
        return "sehat"
    if score >= BATAS_CUKUP_SEHAT:
        return "cukup_sehat"
    return "dalam_pengawasan" if score >= BATAS_DALAM_PENGAWASAN else "dalam_pengawasan_khusus"


def plain_evaluate(t: PlainTables, n: int) -> set[Tag]:
    tags: set[Tag] = set()
    _koperasi_plain(t, n, tags)
    _kukm_plain(t, n, tags)
    repeated = Counter(peserta for _, peserta, _, _ in t.diklat)
    for row, peserta, tahun, skor in t.diklat:
        if tahun == n:
            entity = peserta if repeated[peserta] == 1 else f"{peserta}#{row}"
            tags.add(("peserta_diklat", entity, "peserta_tahun_n"))
            if skor >= BATAS_PREDIKAT_BAIK:
                tags.add(("peserta_diklat", entity, "predikat_baik"))
    return tags


def _koperasi_plain(t: PlainTables, n: int, tags: set[Tag]) -> None:
    end = date(n, 12, 31)
    window = set(range(n - JENDELA_TAHUN_AKTIF + 1, n + 1))
    rat_years: dict[str, set[int]] = {}
    for nik, year in t.rat:
        rat_years.setdefault(nik, set()).add(year)
    figures = {nik: (volume, melayani, skor) for nik, tahun, volume, melayani, skor in t.kinerja if tahun == n}
    for nik, berdiri, bubar in t.koperasi:
        volume, melayani, skor = figures.get(nik, (None, None, None))
        business = volume is not None and volume > 0
        if skor is not None:
            tags.add(("koperasi", nik, health_tag(skor)))
        if not (berdiri <= end and (bubar is None or bubar > end)):
            continue
        tags.add(("koperasi", nik, "populasi"))
        years = rat_years.get(nik, set())
        if n in years:
            tags.add(("koperasi", nik, "aktif_22_2007"))
        if window <= years and business and melayani is True:
            tags.add(("koperasi", nik, "aktif_25_2015"))
            tags.add(("koperasi", nik, "aktif_peraturan_berlaku"))  # version 2 (from 2015-09-17)
            if skor is not None and skor >= BATAS_CUKUP_SEHAT:
                tags.add(("koperasi", nik, "berkualitas"))
        if not (window & years) or not business:
            tags.add(("koperasi", nik, "tidak_aktif_25_2015"))


def _kukm_plain(t: PlainTables, n: int, tags: set[Tag]) -> None:
    kinds = {nik: "koperasi" for nik, _, _ in t.koperasi} | {nib: "ukm" for nib in t.ukm}
    for kukm, tahun, bidang in t.fasilitasi:
        if tahun == n:
            tags.add((kinds[kukm], kukm, "dibina"))
            if bidang in BIDANG_PEMASARAN:
                tags.add((kinds[kukm], kukm, "difasilitasi_pemasaran"))
    for rows, tag in ((t.pembiayaan, "mengajukan_pembiayaan"), (t.legalitas, "memperoleh_legalitas")):
        for kukm, year in rows:
            if year == n:
                tags.add((kinds[kukm], kukm, tag))
    for kukm, standar, lembaga, year in t.standardisasi:
        if year == n and lembaga and (standar in STANDAR_ISO_DIAKUI
                                      or (standar in STANDAR_HALAL and lembaga in PENERBIT_HALAL_DIAKUI)):
            tags.add((kinds[kukm], kukm, "terstandardisasi"))


def plain_python(folder: Path, n: int) -> set[Tag]:
    return plain_evaluate(plain_read(folder), n)


# ---------------------------------------------------------------------------------------------
# Vectorised (polars)

_NAMED_DATE = r"^(\d{1,2})[\s-]+([A-Za-z]+)\.?[\s-]+(\d{4})$"


def date_expr(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    named = text.str.extract_groups(_NAMED_DATE)
    month = named.struct.field("2").str.to_lowercase().replace_strict(MONTHS, default=None, return_dtype=pl.Int8)
    return pl.coalesce(
        text.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        text.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
        text.str.strptime(pl.Date, "%d-%m-%Y", strict=False),
        pl.date(named.struct.field("3").cast(pl.Int32), month, named.struct.field("1").cast(pl.Int8)),
    ).alias(column)


def amount_expr(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars().str.replace(r"(?i)^(rp\.?|idr)", "").str.replace_all(" ", "")
    both = text.str.contains(".", literal=True) & text.str.contains(",", literal=True)
    comma_decimal = text.str.contains(r",\d*$") & both
    dots, commas = text.str.count_matches(".", literal=True), text.str.count_matches(",", literal=True)
    grouped_dot = ~both & ((dots > 1) | ((dots == 1) & text.str.contains(r"\.\d{3}$")))
    grouped_comma = ~both & ((commas > 1) | ((commas == 1) & text.str.contains(r",\d{3}$")))
    normalised = (
        pl.when(comma_decimal).then(text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(both).then(text.str.replace_all(",", "", literal=True))
        .when(grouped_dot).then(text.str.replace_all(".", "", literal=True))
        .when(grouped_comma).then(text.str.replace_all(",", "", literal=True))
        .otherwise(text.str.replace(",", ".", literal=True))
    )
    return pl.when(text == "").then(None).otherwise(normalised).cast(pl.Float64).alias(column)


def score_expr(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().str.replace(",", ".", literal=True).cast(pl.Float64).alias(column)


def label_expr(column: str) -> pl.Expr:
    return (pl.col(column).str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()
            .str.replace_all("_", " ", literal=True).alias(column))


def _frame(folder: Path, table: str) -> pl.DataFrame | None:
    path = folder / f"{table}.csv"
    if not path.exists():
        return None
    frame = pl.read_csv(path, separator=_separator(path), infer_schema=False)
    frame = frame.rename({name: name.strip().lower() for name in frame.columns})
    return frame.select(COLUMNS[table]).with_row_index("row", offset=2)


def polars_read(folder: Path) -> dict[str, pl.DataFrame]:
    frames = {table: frame for table in COLUMNS if (frame := _frame(folder, table)) is not None}
    parse = {
        "koperasi": [pl.col("nik").str.strip_chars(), date_expr("tanggal_badan_hukum"),
                     date_expr("tanggal_bubar")],
        "ukm": [pl.col("nib").str.strip_chars()],
        "rat": [pl.col("nik").str.strip_chars(), date_expr("tanggal_rat").dt.year().alias("tahun")],
        "kinerja_koperasi": [pl.col("nik").str.strip_chars(), pl.col("tahun").cast(pl.Int32),
                             amount_expr("volume_usaha"), score_expr("skor_kesehatan"),
                             pl.col("melayani_anggota").str.strip_chars().str.to_lowercase().is_in(list(TRUE_WORDS))],
        "fasilitasi": [pl.col("id_kukm").str.strip_chars(), pl.col("tahun").cast(pl.Int32), label_expr("bidang")],
        "pembiayaan": [pl.col("id_kukm").str.strip_chars(), date_expr("tanggal_pengajuan").dt.year().alias("tahun")],
        "legalitas": [pl.col("id_kukm").str.strip_chars(), date_expr("tanggal").dt.year().alias("tahun")],
        "standardisasi": [pl.col("id_kukm").str.strip_chars(), label_expr("standar"),
                          pl.col("lembaga").str.strip_chars().fill_null(""),
                          date_expr("tanggal_terbit").dt.year().alias("tahun")],
        "diklat": [pl.col("row"), pl.col("id_peserta").str.strip_chars().str.replace_all(r"\s+", " "),
                   pl.col("tahun").cast(pl.Int32), score_expr("skor")],
    }
    return {table: frame.select(parse[table]) for table, frame in frames.items()}


def _tagged(frame: pl.DataFrame, entity_type: str, id_column: str, tag: str) -> pl.DataFrame:
    return frame.select(pl.lit(entity_type).alias("entity_type"), pl.col(id_column).alias("entity_id"),
                        pl.lit(tag).alias("tag"))


def polars_evaluate(f: dict[str, pl.DataFrame], n: int) -> pl.DataFrame:
    """Every (entity_type, entity_id, tag) of year n, as one frame."""
    return pl.concat([*_koperasi_polars(f, n), *_kukm_polars(f, n), *_peserta_polars(f, n)]).unique()


def _koperasi_polars(f: dict[str, pl.DataFrame], n: int) -> list[pl.DataFrame]:
    end = date(n, 12, 31)
    rat = f["rat"].filter(pl.col("tahun").is_between(n - JENDELA_TAHUN_AKTIF + 1, n)).unique()
    window = rat.group_by("nik").agg(pl.len().alias("years"), (pl.col("tahun") == n).any().alias("rat_n"))
    figures = f["kinerja_koperasi"].filter(pl.col("tahun") == n).drop("tahun")
    population = f["koperasi"].filter((pl.col("tanggal_badan_hukum") <= end)
                                      & (pl.col("tanggal_bubar").is_null() | (pl.col("tanggal_bubar") > end)))
    k = (population.select("nik").join(window, on="nik", how="left").join(figures, on="nik", how="left")
         .with_columns(business=pl.col("volume_usaha").fill_null(0) > 0, years=pl.col("years").fill_null(0))
         .with_columns(aktif=(pl.col("years") == JENDELA_TAHUN_AKTIF) & pl.col("business")
                       & pl.col("melayani_anggota").fill_null(False)))
    assessed = figures.filter(pl.col("skor_kesehatan").is_not_null())
    score = pl.col("skor_kesehatan")
    health = assessed.select(pl.lit("koperasi").alias("entity_type"), pl.col("nik").alias("entity_id"),
                             pl.when(score >= BATAS_SEHAT).then(pl.lit("sehat"))
                             .when(score >= BATAS_CUKUP_SEHAT).then(pl.lit("cukup_sehat"))
                             .when(score >= BATAS_DALAM_PENGAWASAN).then(pl.lit("dalam_pengawasan"))
                             .otherwise(pl.lit("dalam_pengawasan_khusus")).alias("tag"))
    aktif = k.filter(pl.col("aktif"))
    return [
        _tagged(k, "koperasi", "nik", "populasi"),
        _tagged(k.filter(pl.col("rat_n").fill_null(False)), "koperasi", "nik", "aktif_22_2007"),
        _tagged(aktif, "koperasi", "nik", "aktif_25_2015"),
        _tagged(aktif, "koperasi", "nik", "aktif_peraturan_berlaku"),
        _tagged(k.filter((pl.col("years") == 0) | ~pl.col("business")), "koperasi", "nik", "tidak_aktif_25_2015"),
        health,
        _tagged(aktif.filter(score >= BATAS_CUKUP_SEHAT), "koperasi", "nik", "berkualitas"),
    ]


def _kukm_polars(f: dict[str, pl.DataFrame], n: int) -> list[pl.DataFrame]:
    kinds = pl.concat([f["koperasi"].select(pl.col("nik").alias("id_kukm"), pl.lit("koperasi").alias("entity_type")),
                       f["ukm"].select(pl.col("nib").alias("id_kukm"), pl.lit("ukm").alias("entity_type"))])
    in_n = {table: frame.filter(pl.col("tahun") == n) for table, frame in f.items()
            if table in ("fasilitasi", "pembiayaan", "legalitas", "standardisasi")}
    parts = []
    if "fasilitasi" in in_n:
        parts += [in_n["fasilitasi"].select("id_kukm", tag=pl.lit("dibina")),
                  in_n["fasilitasi"].filter(pl.col("bidang").is_in(BIDANG_PEMASARAN))
                  .select("id_kukm", tag=pl.lit("difasilitasi_pemasaran"))]
    for table, tag in (("pembiayaan", "mengajukan_pembiayaan"), ("legalitas", "memperoleh_legalitas")):
        if table in in_n:
            parts.append(in_n[table].select("id_kukm", tag=pl.lit(tag)))
    if "standardisasi" in in_n:
        iso = pl.col("standar").is_in(STANDAR_ISO_DIAKUI) & (pl.col("lembaga") != "")
        halal = pl.col("standar").is_in(STANDAR_HALAL) & pl.col("lembaga").is_in(PENERBIT_HALAL_DIAKUI)
        recognised = in_n["standardisasi"].filter(iso | halal)
        parts.append(recognised.select("id_kukm", tag=pl.lit("terstandardisasi")))
    if not parts:
        return []
    joined = pl.concat(parts).join(kinds, on="id_kukm")
    return [joined.select("entity_type", pl.col("id_kukm").alias("entity_id"), "tag")]


def _peserta_polars(f: dict[str, pl.DataFrame], n: int) -> list[pl.DataFrame]:
    if "diklat" not in f:
        return []
    d = f["diklat"].with_columns(
        entity_id=pl.when(pl.len().over("id_peserta") == 1).then(pl.col("id_peserta"))
        .otherwise(pl.format("{}#{}", "id_peserta", "row"))).filter(pl.col("tahun") == n)
    return [_tagged(d, "peserta_diklat", "entity_id", "peserta_tahun_n"),
            _tagged(d.filter(pl.col("skor") >= BATAS_PREDIKAT_BAIK), "peserta_diklat", "entity_id", "predikat_baik")]


def as_tag_set(frame: pl.DataFrame) -> set[Tag]:
    return set(frame.select("entity_type", "entity_id", "tag").iter_rows())


def vectorised(folder: Path, n: int) -> set[Tag]:
    return as_tag_set(polars_evaluate(polars_read(folder), n))


def tags_csv(out: Path) -> set[Tag]:
    """The (entity_type, entity_id, tag) rows of iku's tags.csv."""
    with (out / "tags.csv").open(encoding="utf-8", newline="") as handle:
        return {(row["entity_type"], row["entity_id"], row["tag"]) for row in csv.DictReader(handle)}

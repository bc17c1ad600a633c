"""Hand-written baselines of the same criteria, for the benchmark's ratios: what a user could write
without a rules engine. Both read the validated records (ingest is shared and timed separately)
and must produce exactly the (entity, tag) pairs of the durable_rules path; bench/run.py checks it.

These are measuring sticks, not a second implementation in use: the rules in rules/ stay the
only definition the program applies.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import polars as pl

from engine.facts import peserta_ids
from engine.ingest.dataset import Dataset

Tag = tuple[str, str, str]  # entity_type, entity_id, tag
RECOGNISED = {"iso 9001", "iso 22000", "halal"}


def plain_python(dataset: Dataset, n: int) -> set[Tag]:
    tags: set[Tag] = set()
    end = date(n, 12, 31)
    rat_years: dict[str, set[int]] = defaultdict(set)
    for rat in dataset.table("rat"):
        rat_years[rat.nik].add(rat.tanggal_rat.year)
    figures = {(row.nik, row.tahun): row for row in dataset.table("kinerja_koperasi")}
    for kop in dataset.table("koperasi"):
        if not (kop.tanggal_badan_hukum <= end and (kop.tanggal_bubar is None or kop.tanggal_bubar > end)):
            continue
        tags.add(("koperasi", kop.nik, "populasi"))
        years = rat_years[kop.nik]
        if n in years:
            tags.add(("koperasi", kop.nik, "aktif_22_2007"))
        row = figures.get((kop.nik, n))
        volume = row is not None and (row.volume_usaha or 0) > 0
        serving = row is not None and row.melayani_anggota is True
        all_three = {n - 2, n - 1, n} <= years
        if all_three and volume and serving:
            tags.add(("koperasi", kop.nik, "aktif_25_2015"))
            tags.add(("koperasi", kop.nik, "aktif_peraturan_berlaku"))
        if not ({n - 2, n - 1, n} & years) or not volume:
            tags.add(("koperasi", kop.nik, "tidak_aktif_25_2015"))
    for (nik, year), row in figures.items():
        if year != n or row.skor_kesehatan is None:
            continue
        score = row.skor_kesehatan
        tag = "sehat" if score >= 80 else "cukup_sehat" if score >= 66 else "dalam_pengawasan" if score >= 51 \
            else "dalam_pengawasan_khusus"
        tags.add(("koperasi", nik, tag))
        if tag in ("sehat", "cukup_sehat") and ("koperasi", nik, "aktif_25_2015") in tags:
            tags.add(("koperasi", nik, "berkualitas"))
    _kukm_plain(dataset, n, tags)
    ids = peserta_ids(dataset.table("diklat"))
    for row in dataset.table("diklat"):
        if row.tahun == n:
            tags.add(("peserta_diklat", ids[row.row], "peserta_tahun_n"))
            if row.skor >= 75:
                tags.add(("peserta_diklat", ids[row.row], "predikat_baik"))
    return tags


def _kukm_plain(dataset: Dataset, n: int, tags: set[Tag]) -> None:
    kinds = {row.nik: "koperasi" for row in dataset.table("koperasi")} | {row.nib: "ukm" for row in dataset.table("ukm")}
    for row in dataset.table("fasilitasi"):
        if row.tahun == n:
            tags.add((kinds[row.id_kukm], row.id_kukm, "dibina"))
            if row.bidang == "pemasaran":
                tags.add((kinds[row.id_kukm], row.id_kukm, "difasilitasi_pemasaran"))
    for row in dataset.table("pembiayaan"):
        if row.tanggal_pengajuan.year == n:
            tags.add((kinds[row.id_kukm], row.id_kukm, "mengajukan_pembiayaan"))
    for row in dataset.table("legalitas"):
        if row.tanggal.year == n:
            tags.add((kinds[row.id_kukm], row.id_kukm, "memperoleh_legalitas"))
    for row in dataset.table("standardisasi"):
        if row.tanggal_terbit.year == n and row.standar in RECOGNISED and row.lembaga:
            tags.add((kinds[row.id_kukm], row.id_kukm, "terstandardisasi"))


def frames(dataset: Dataset) -> dict[str, pl.DataFrame]:
    """The records as polars frames (timed with the polars baseline)."""
    return {
        name: pl.DataFrame([record.model_dump() for record in dataset.table(name)], infer_schema_length=None)
        for name in ("koperasi", "ukm", "rat", "kinerja_koperasi", "fasilitasi", "pembiayaan", "legalitas",
                     "standardisasi", "diklat")
        if dataset.table(name)
    }


def vectorised(dataset: Dataset, n: int) -> set[Tag]:
    f = frames(dataset)
    end = date(n, 12, 31)
    kop = f["koperasi"].filter((pl.col("tanggal_badan_hukum") <= end)
                               & (pl.col("tanggal_bubar").is_null() | (pl.col("tanggal_bubar") > end)))
    rat = f["rat"].with_columns(pl.col("tanggal_rat").dt.year().alias("y")).select("nik", "y").unique()
    window = rat.filter(pl.col("y").is_between(n - 2, n)).group_by("nik").agg(pl.len().alias("years"))
    in_n = rat.filter(pl.col("y") == n).select("nik").with_columns(pl.lit(True).alias("rat_n"))
    fig = f["kinerja_koperasi"].filter(pl.col("tahun") == n).select("nik", "volume_usaha", "melayani_anggota",
                                                                    "skor_kesehatan")
    k = (kop.select("nik").join(window, on="nik", how="left").join(in_n, on="nik", how="left")
         .join(fig, on="nik", how="left")
         .with_columns(business=pl.col("volume_usaha").fill_null(0) > 0,
                       serving=pl.col("melayani_anggota").fill_null(False),
                       years=pl.col("years").fill_null(0)))
    k = k.with_columns(aktif_25=(pl.col("years") == 3) & pl.col("business") & pl.col("serving"))
    out: list[pl.DataFrame] = [
        k.select("nik").with_columns(tag=pl.lit("populasi")),
        k.filter(pl.col("rat_n").fill_null(False)).select("nik").with_columns(tag=pl.lit("aktif_22_2007")),
        k.filter(pl.col("aktif_25")).select("nik").with_columns(tag=pl.lit("aktif_25_2015")),
        k.filter(pl.col("aktif_25")).select("nik").with_columns(tag=pl.lit("aktif_peraturan_berlaku")),
        k.filter((pl.col("years") == 0) | ~pl.col("business")).select("nik").with_columns(tag=pl.lit("tidak_aktif_25_2015")),
    ]
    health = fig.filter(pl.col("skor_kesehatan").is_not_null()).with_columns(
        tag=pl.when(pl.col("skor_kesehatan") >= 80).then(pl.lit("sehat"))
        .when(pl.col("skor_kesehatan") >= 66).then(pl.lit("cukup_sehat"))
        .when(pl.col("skor_kesehatan") >= 51).then(pl.lit("dalam_pengawasan"))
        .otherwise(pl.lit("dalam_pengawasan_khusus")))
    out.append(health.select("nik", "tag"))
    good = health.filter(pl.col("tag").is_in(["sehat", "cukup_sehat"])).join(k.filter(pl.col("aktif_25")), on="nik")
    out.append(good.select("nik").with_columns(tag=pl.lit("berkualitas")))
    tags = {("koperasi", nik, tag) for nik, tag in pl.concat(out).iter_rows()}
    tags |= _kukm_vectorised(f, n)
    diklat = f["diklat"].filter(pl.col("tahun") == n)
    ids = peserta_ids(dataset.table("diklat"))
    for row, skor in diklat.select("row", "skor").iter_rows():
        tags.add(("peserta_diklat", ids[row], "peserta_tahun_n"))
        if skor >= 75:
            tags.add(("peserta_diklat", ids[row], "predikat_baik"))
    return tags


def _kukm_vectorised(f: dict[str, pl.DataFrame], n: int) -> set[Tag]:
    kinds = pl.concat([f["koperasi"].select(pl.col("nik").alias("id_kukm")).with_columns(kind=pl.lit("koperasi")),
                       f["ukm"].select(pl.col("nib").alias("id_kukm")).with_columns(kind=pl.lit("ukm"))])
    parts = []
    if "fasilitasi" in f:
        fas = f["fasilitasi"].filter(pl.col("tahun") == n)
        parts += [fas.select("id_kukm").with_columns(tag=pl.lit("dibina")),
                  fas.filter(pl.col("bidang") == "pemasaran").select("id_kukm").with_columns(tag=pl.lit("difasilitasi_pemasaran"))]
    for table, column, tag in (("pembiayaan", "tanggal_pengajuan", "mengajukan_pembiayaan"),
                               ("legalitas", "tanggal", "memperoleh_legalitas")):
        if table in f:
            parts.append(f[table].filter(pl.col(column).dt.year() == n).select("id_kukm").with_columns(tag=pl.lit(tag)))
    if "standardisasi" in f:
        std = f["standardisasi"].filter((pl.col("tanggal_terbit").dt.year() == n) & pl.col("standar").is_in(list(RECOGNISED)))
        parts.append(std.select("id_kukm").with_columns(tag=pl.lit("terstandardisasi")))
    joined = pl.concat(parts).unique().join(kinds, on="id_kukm")
    return {(kind, entity_id, tag) for entity_id, tag, kind in joined.select("id_kukm", "tag", "kind").iter_rows()}

#!/usr/bin/env python3
"""Seeded generator of realistic sample data for iku: the eleven tables of the data contract.

    python samples/generate.py --profile jatim --seed 35 --format csv --out samples/jatim --bad-rows

Rows go to their files as they are made (nothing is collected in memory), so a benchmark set of
500,000 koperasi needs no more memory than a sample of 300. Every random choice comes from a
seeded ``random.Random``, so the same command writes the same bytes. Only the standard library and
openpyxl (for .xlsx) are used, so the script runs without installing the package.

With ``--bad-rows`` a fixed handful of extra rows, each wrong in its own way, is mixed in and listed
on stdout (table, row as the user sees it, column, value, reason) for samples/README.md.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

# --------------------------------------------------------------------------------------------
# The contract: table and column names, in the contract's order.

COLUMNS: dict[str, tuple[str, ...]] = {
    "koperasi": ("nik", "nama", "kode_wilayah", "kab_kota", "jenis", "tanggal_badan_hukum",
                 "tanggal_bubar"),
    "rat": ("nik", "tanggal_rat", "tahun_buku"),
    "kinerja_koperasi": ("nik", "tahun", "volume_usaha", "melayani_anggota", "skor_kesehatan"),
    "ukm": ("nib", "nama", "kode_wilayah", "kab_kota"),
    "kinerja_ukm": ("nib", "tahun", "omset", "aset", "tenaga_kerja"),
    "fasilitasi": ("id_kukm", "tahun", "bidang"),
    "pembiayaan": ("id_kukm", "tanggal_pengajuan", "lembaga", "nilai"),
    "legalitas": ("id_kukm", "tanggal", "jenis"),
    "standardisasi": ("id_kukm", "standar", "lembaga", "nomor_sertifikat", "tanggal_terbit"),
    "diklat": ("id_peserta", "nama", "tahun", "program", "skor"),
    "statistik": ("nama", "tahun", "nilai", "sumber"),
}

# CSV dialect per file: offices export from Excel with an Indonesian locale (`;`, BOM, CRLF) or
# from other tools (`,`, LF); the reader must take both, so the samples mix them.
CSV_STYLE: dict[str, tuple[str, bool, str]] = {  # delimiter, BOM, line end
    "koperasi": (";", True, "\r\n"),
    "rat": (",", False, "\n"),
    "kinerja_koperasi": (";", False, "\r\n"),
    "ukm": (",", True, "\n"),
    "kinerja_ukm": (",", False, "\n"),
    "fasilitasi": (";", False, "\n"),
    "pembiayaan": (";", False, "\r\n"),
    "legalitas": (",", False, "\n"),
    "standardisasi": (",", False, "\n"),
    "diklat": (";", True, "\r\n"),
    "statistik": (",", False, "\n"),
}

# --------------------------------------------------------------------------------------------
# Profiles: regions (Kemendagri codes, with a rough weight for how many KUKM each has) and the
# local flavour of names.


@dataclass(frozen=True)
class Wilayah:
    kode: str
    nama: str
    bobot: float
    ejaan_lain: str = ""  # a spelling offices also use, e.g. "Kabupaten Tanjab Timur"

    @property
    def tempat(self) -> str:
        return self.nama.removeprefix("Kabupaten ").removeprefix("Kota ")


def _jatim_wilayah() -> tuple[Wilayah, ...]:
    kabupaten = (
        "Pacitan 6,Ponorogo 9,Trenggalek 7,Tulungagung 11,Blitar 12,Kediri 16,Malang 27,"
        "Lumajang 11,Jember 25,Banyuwangi 17,Bondowoso 8,Situbondo 7,Probolinggo 12,Pasuruan 16,"
        "Sidoarjo 21,Mojokerto 11,Jombang 13,Nganjuk 11,Madiun 7,Magetan 7,Ngawi 9,Bojonegoro 13,"
        "Tuban 12,Lamongan 13,Gresik 13,Bangkalan 10,Sampang 10,Pamekasan 9,Sumenep 11"
    )
    kota = ("Kediri 3,Blitar 2,Malang 8,Probolinggo 2,Pasuruan 2,Mojokerto 1,Madiun 2,"
            "Surabaya 29,Batu 2")
    result = []
    for number, item in enumerate(kabupaten.split(","), start=1):
        name, weight = item.rsplit(" ", 1)
        result.append(Wilayah(f"35.{number:02d}", f"Kabupaten {name}", float(weight)))
    for number, item in enumerate(kota.split(","), start=71):
        name, weight = item.rsplit(" ", 1)
        result.append(Wilayah(f"35.{number:02d}", f"Kota {name}", float(weight)))
    return tuple(result)


JAMBI_WILAYAH = (
    Wilayah("15.01", "Kabupaten Kerinci", 3),
    Wilayah("15.02", "Kabupaten Merangin", 4),
    Wilayah("15.03", "Kabupaten Sarolangun", 3),
    Wilayah("15.04", "Kabupaten Batang Hari", 3, "Kabupaten Batanghari"),
    Wilayah("15.05", "Kabupaten Muaro Jambi", 4, "Kabupaten Muarojambi"),
    Wilayah("15.06", "Kabupaten Tanjung Jabung Timur", 2, "Kabupaten Tanjab Timur"),
    Wilayah("15.07", "Kabupaten Tanjung Jabung Barat", 3, "Kabupaten Tanjab Barat"),
    Wilayah("15.08", "Kabupaten Tebo", 3),
    Wilayah("15.09", "Kabupaten Bungo", 4),
    Wilayah("15.71", "Kota Jambi", 6),
    Wilayah("15.72", "Kota Sungai Penuh", 1),
)


@dataclass(frozen=True)
class Profile:
    provinsi: str
    kode: str
    wilayah: tuple[Wilayah, ...]
    komoditas: tuple[str, ...]  # what producer and marketing cooperatives deal in
    produk: tuple[str, ...]  # what UKM make
    pemilik: tuple[str, ...]  # "Keripik Tempe Bu Sri"
    nama_depan: tuple[str, ...]
    nama_belakang: tuple[str, ...]
    lembaga_pembiayaan: tuple[tuple[str, float], ...]
    lsp_sni: str
    jumlah_kukm_tahun_terakhir: bool  # is the declared Σ KUKM there for the last year?


PROFILES = {
    "jatim": Profile(
        provinsi="Jawa Timur",
        kode="35",
        wilayah=_jatim_wilayah(),
        komoditas=("Susu Sapi Perah", "Tebu", "Tembakau", "Kopi", "Garam", "Batik", "Tahu Tempe",
                   "Ikan", "Sayur Mayur", "Mebel"),
        produk=("Batik Tulis", "Keripik Tempe", "Bordir", "Kopi Bubuk", "Sambal Pecel",
                "Kerupuk Ikan", "Tas Kulit", "Mebel Jati", "Dodol", "Tenun Ikat", "Kue Kering",
                "Madu", "Emping Melinjo", "Gerabah", "Bakpao"),
        pemilik=("Bu Sri", "Pak Darmo", "Mbok Yem", "Bu Ani", "Cak Man", "Pak Haji Usman",
                 "Bu Tini", "Mak Ijah"),
        nama_depan=("Budi", "Siti", "Agus", "Dwi", "Sri", "Eko", "Rina", "Wahyu", "Ahmad", "Nur",
                    "Dewi", "Bambang", "Endang", "Hadi", "Yuliana", "Rizky", "Putri", "Fajar",
                    "Indah", "Slamet", "Suparman", "Lilik", "Mochamad", "Anik"),
        nama_belakang=("Santoso", "Wibowo", "Rahayu", "Lestari", "Hidayat", "Setiawan",
                       "Kurniawan", "Susanti", "Prasetyo", "Handayani", "Saputra", "Wulandari",
                       "Nugroho", "Fitriani", "Purnomo"),
        lembaga_pembiayaan=(("BRI", 35), ("Bank Jatim", 20), ("BNI", 10), ("Bank Mandiri", 8),
                            ("BSI", 7), ("LPDB-KUMKM", 8), ("Pegadaian", 6), ("PNM", 6)),
        lsp_sni="LSPro Baristand Industri Surabaya",
        jumlah_kukm_tahun_terakhir=False,
    ),
    "jambi": Profile(
        provinsi="Jambi",
        kode="15",
        wilayah=JAMBI_WILAYAH,
        komoditas=("Kelapa Sawit", "Karet", "Kopi", "Kayu Manis", "Pinang", "Ikan", "Kelapa",
                   "Batik Jambi"),
        produk=("Batik Jambi", "Dodol Kentang", "Kopi Kerinci", "Kerupuk Ikan Patin",
                "Lempok Durian", "Anyaman Pandan", "Madu Hutan", "Kue Padamaran", "Songket",
                "Kayu Manis Olahan", "Keripik Pisang"),
        pemilik=("Bu Yanti", "Pak Syamsul", "Mak Inah", "Bu Ros", "Pak Rizal", "Bu Erna"),
        nama_depan=("M. Yusuf", "Rahmat", "Nurhayati", "Syafrudin", "Dedi", "Fitri", "Hendra",
                    "Yanti", "Zulkifli", "Rosmawati", "Irwan", "Sari", "Ahmad", "Erna", "Rudi"),
        nama_belakang=("Saputra", "Hasibuan", "Nasution", "Harahap", "Siregar", "Yusuf",
                       "Effendi", "Lubis", "Hamzah", "Syahputra", "Rahman"),
        lembaga_pembiayaan=(("BRI", 35), ("Bank Jambi", 25), ("BNI", 10), ("Bank Mandiri", 8),
                            ("BSI", 8), ("LPDB-KUMKM", 8), ("Pegadaian", 6)),
        lsp_sni="LSPro Baristand Industri Palembang",
        jumlah_kukm_tahun_terakhir=True,
    ),
}

KATA = ("Artha Mandiri", "Sejahtera Bersama", "Sumber Makmur", "Mitra Usaha", "Rukun Makmur",
        "Bina Sejahtera", "Karya Abadi", "Sumber Rejeki", "Tunas Harapan", "Mekar Sari",
        "Berkah Sejahtera", "Makmur Sentosa", "Jaya Abadi", "Harapan Baru", "Bina Usaha",
        "Maju Bersama", "Sido Makmur", "Guyub Rukun", "Manunggal Jaya", "Setia Kawan", "Amanah",
        "Al Ikhlas", "Nur Hidayah", "Sinar Harapan", "Tri Dharma", "Eka Karya", "Citra Mandiri")
INSTANSI = ("Dinas Pendidikan", "Dinas Kesehatan", "RSUD", "Kantor Kementerian Agama",
            "Sekretariat Daerah", "Dinas Pekerjaan Umum", "Pengadilan Negeri", "Dinas Pertanian",
            "Puskesmas")
JASA = ("Angkutan", "Transportasi", "Wisata", "Kebersihan", "Perparkiran")
SIFAT = ("Lestari", "Jaya", "Makmur", "Abadi", "Sejahtera", "Barokah", "Mandiri", "Sentosa",
         "Indah", "Berkah", "Sari Rasa", "Sumber Rejeki")
PROGRAM = ("Diklat Manajemen Koperasi", "Pelatihan Akuntansi Koperasi",
           "Diklat Perkoperasian Dasar", "Pelatihan Pemasaran Digital UMKM",
           "Pelatihan Pengawasan Koperasi", "Diklat Penilaian Kesehatan KSP",
           "Pelatihan Kewirausahaan", "Pelatihan Pendampingan Sertifikasi Halal",
           "Diklat Pengelolaan Keuangan UMKM")
JENIS_KOPERASI = (("KSP", 45), ("Konsumen", 25), ("Produsen", 15), ("Pemasaran", 7), ("Jasa", 8))
BIDANG = (("pemasaran", 30), ("usaha", 25), ("sdm", 15), ("pembiayaan", 12), ("legalitas", 10),
          ("standardisasi", 8))
ISO_9001_LEMBAGA = ("Sucofindo", "TUV Nord Indonesia", "SGS Indonesia", "BSI Group Indonesia",
                    "Mutu Agung Lestari")
ISO_22000_LEMBAGA = ("SGS Indonesia", "TUV Nord Indonesia", "Sucofindo", "Mutu Agung Lestari")

# --------------------------------------------------------------------------------------------
# Ids. i -> (a*i + b) mod 10^d with a coprime to 10 is a bijection on d-digit numbers, and so is
# reversing the digits; two such steps with a reversal between them make ids that are unique
# without a set in memory, look scattered at both ends, and start with 0 about one time in ten
# (as real ones can).

ID_STEP = 6_180_339_887_498_949  # near the golden ratio of 10^16; ends in 9, so coprime with 10


@cache
def _offsets(seed: int, digits: int) -> tuple[int, int]:
    rng = random.Random(f"{seed}:id:{digits}")
    return rng.randrange(10**digits), rng.randrange(10**digits)


def _scrambled_id(seed: int, index: int, digits: int) -> str:
    space = 10**digits
    first, second = _offsets(seed, digits)
    spread = f"{(ID_STEP * index + first) % space:0{digits}d}"
    return f"{(ID_STEP * int(spread[::-1]) + second) % space:0{digits}d}"


def nik_of(seed: int, index: int) -> str:
    return _scrambled_id(seed, index, 16)


def nib_of(seed: int, index: int) -> str:
    return _scrambled_id(seed, index, 13)


# --------------------------------------------------------------------------------------------
# Typed values. Row builders say what a value is; the Styler decides how an office wrote it.


@dataclass(frozen=True)
class Rupiah:
    rupiah: int
    sen: int = 0


@dataclass(frozen=True)
class Skor:
    """A score with at most two decimals, kept in hundredths so 79.99 stays exact."""

    hundredths: int


def skor(value: float) -> Skor:
    return Skor(round(value * 100))


BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember")
BULAN_SINGKAT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def _grouped(number: int, separator: str) -> str:
    return f"{number:,}".replace(",", separator)


def _sen(value: Rupiah, decimal: str, always: bool) -> str:
    return f"{decimal}{value.sen:02d}" if value.sen or always else ""


# Each format writes a value the way some office does; all are read back by engine/ingest.
# Amounts are integers or have exactly two decimals: never a lone separator before three digits
# that could mean either thousands or a fraction.
RUPIAH_FORMATS = (
    lambda v: f"{v.rupiah}{_sen(v, '.', False)}",  # 1234567.89
    lambda v: f"{_grouped(v.rupiah, '.')}{_sen(v, ',', False)}",  # 1.234.567,89
    lambda v: f"Rp {_grouped(v.rupiah, '.')}{_sen(v, ',', False)}",  # Rp 1.500.000
    lambda v: f"Rp{_grouped(v.rupiah, '.')}{_sen(v, ',', True)}",  # Rp5.000,00
    lambda v: f"{_grouped(v.rupiah, ',')}{_sen(v, '.', True)}",  # 1,234,567.00
)


def _skor_text(value: Skor, decimal: str, fixed: bool) -> str:
    text = f"{value.hundredths // 100}.{value.hundredths % 100:02d}"
    if not fixed:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", decimal)


SKOR_FORMATS = (
    lambda v: _skor_text(v, ".", False),  # 75.5
    lambda v: _skor_text(v, ",", False),  # 75,5
    lambda v: _skor_text(v, ".", True),  # 75.50
    lambda v: _skor_text(v, ",", True),  # 75,50
)
BOOL_FORMATS = (("ya", "tidak"), ("Ya", "Tidak"), ("Y", "T"), ("true", "false"), ("1", "0"))


def _bulan_singkat(day: date, rng: random.Random) -> str:
    # August is written both ways in the field.
    return "Agt" if day.month == 8 and rng.random() < 0.5 else BULAN_SINGKAT[day.month - 1]


DATE_FORMATS = (
    lambda d, rng: d.isoformat(),  # 2024-03-12
    lambda d, rng: f"{d.day:02d}/{d.month:02d}/{d.year}",  # 12/03/2024
    lambda d, rng: f"{d.day:02d}-{d.month:02d}-{d.year}",  # 12-03-2024
    lambda d, rng: f"{d.day} {BULAN[d.month - 1]} {d.year}",  # 12 Maret 2024
    lambda d, rng: f"{d.day} {_bulan_singkat(d, rng)} {d.year}",  # 12 Mar 2024, 5 Agt 2023
    lambda d, rng: f"{d.day}/{d.month}/{d.year}",  # 5/8/2023
)


# The format each table's office mostly uses (indexes into the *_FORMATS above), chosen so that
# every format appears in every sample whatever the seed: date, rupiah, skor, bool.
HOUSE_STYLE: dict[str, tuple[int, int, int, int]] = {
    "koperasi": (1, 0, 0, 0),  # 12/03/2024
    "rat": (3, 0, 0, 0),  # 12 Maret 2024
    "kinerja_koperasi": (0, 1, 1, 1),  # 1.234.567,89; 75,5; Ya/Tidak
    "ukm": (0, 0, 0, 0),
    "kinerja_ukm": (0, 2, 0, 0),  # Rp 1.500.000
    "fasilitasi": (0, 0, 0, 0),
    "pembiayaan": (4, 3, 0, 0),  # 12 Mar 2024 (5 Agu / 5 Agt); Rp5.000,00
    "legalitas": (0, 0, 0, 0),  # 2024-03-12
    "standardisasi": (2, 0, 0, 0),  # 12-03-2024
    "diklat": (0, 0, 0, 0),  # 75.5
    "statistik": (0, 0, 0, 0),
}


class Styler:
    """Writes typed values as one office would.

    Each table has a house style per kind of value (HOUSE_STYLE) and about one value in six strays
    from it (picked from the seed), as when sheets from several staff members are pasted together.
    In .xlsx most dates and numbers are real cells and the rest text; ids are always text.
    """

    STRAY = 0.17

    def __init__(self, table: str, rng: random.Random, xlsx: bool) -> None:
        self.rng = rng
        self.xlsx = xlsx
        self.house = dict(zip(("date", "rupiah", "skor", "bool"), HOUSE_STYLE[table]))

    def _pick(self, kind: str, count: int) -> int:
        return self.rng.randrange(count) if self.rng.random() < self.STRAY else self.house[kind]

    def _native(self, share: float) -> bool:
        return self.xlsx and self.rng.random() < share

    def cell(self, value: object) -> object:
        if value is None:
            return None if self.xlsx else ""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):  # before int: bool is an int
            if self._native(0.1):
                return value
            return BOOL_FORMATS[self._pick("bool", len(BOOL_FORMATS))][0 if value else 1]
        if isinstance(value, int):
            return value if self.xlsx else str(value)
        if isinstance(value, date):
            if self._native(0.85):
                return value
            return DATE_FORMATS[self._pick("date", len(DATE_FORMATS))](value, self.rng)
        if isinstance(value, Rupiah):
            if self._native(0.85):
                return value.rupiah + value.sen / 100 if value.sen else value.rupiah
            return RUPIAH_FORMATS[self._pick("rupiah", len(RUPIAH_FORMATS))](value)
        if isinstance(value, Skor):
            if self._native(0.9):
                return value.hundredths / 100
            return SKOR_FORMATS[self._pick("skor", len(SKOR_FORMATS))](value)
        raise TypeError(f"no style for {value!r}")


# --------------------------------------------------------------------------------------------
# Writing: one sink per table (a CSV file or a write-only sheet), wrapped by a TableWriter that
# counts rows and slips the bad rows in at fixed places.


@dataclass(frozen=True)
class BadRow:
    table: str
    values: tuple[str | None, ...]  # exactly as written; None = empty cell
    column: str  # the column at fault; for a duplicate, the key's columns ("nib, tahun")
    alasan: str  # may name {baris_asli}: the row the duplicate repeats
    after: int | None = None  # goes after this many good rows; None = at the end of the table
    duplicate_of: tuple = ()  # for a duplicate: the key of the good row it repeats


@dataclass(frozen=True)
class Reported:
    table: str
    baris: int  # as the user sees it: header = 1
    column: str
    value: str
    alasan: str


class CsvSink:
    def __init__(self, path: Path, table: str) -> None:
        delimiter, bom, line_end = CSV_STYLE[table]
        self.file = path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="")
        self.writer = csv.writer(self.file, delimiter=delimiter, lineterminator=line_end)

    def write(self, cells: list[object]) -> None:
        self.writer.writerow(cells)

    def close(self) -> None:
        self.file.close()


class SheetSink:
    def __init__(self, sheet) -> None:
        self.sheet = sheet

    def write(self, cells: list[object]) -> None:
        self.sheet.append(cells)

    def close(self) -> None:
        pass  # the workbook is saved once all sheets are done


class TableWriter:
    def __init__(self, table: str, sink, styler: Styler, bad_rows: list[BadRow]) -> None:
        self.table = table
        self.sink = sink
        self.styler = styler
        self.pending = sorted(bad_rows, key=lambda bad: (bad.after is None, bad.after or 0))
        self.good = 0
        self.written = 0  # data rows, good and bad
        self.reported: list[Reported] = []
        # Where the rows that the duplicates repeat are, to name them in the reason.
        self.seen_at = {bad.duplicate_of: 0 for bad in bad_rows if bad.duplicate_of}
        sink.write(list(COLUMNS[table]))

    def write(self, values: list[object]) -> None:
        self.sink.write([self.styler.cell(value) for value in values])
        self.written += 1
        self.good += 1
        for key, row in self.seen_at.items():
            if not row and tuple(values[: len(key)]) == key:
                self.seen_at[key] = self.written + 1
        while self.pending and self.pending[0].after == self.good:
            self._write_bad(self.pending.pop(0))

    def _write_bad(self, bad: BadRow) -> None:
        # Bad rows are written verbatim (no styler), so they don't shift the good rows' styles.
        cells = [value if value is not None or self.styler.xlsx else "" for value in bad.values]
        self.sink.write(cells)
        self.written += 1
        columns = COLUMNS[self.table]
        value = " / ".join(bad.values[columns.index(c)] or "" for c in bad.column.split(", "))
        alasan = bad.alasan.format(baris_asli=self.seen_at.get(bad.duplicate_of))
        self.reported.append(Reported(self.table, self.written + 1, bad.column, value, alasan))

    def close(self) -> None:
        for bad in self.pending:
            self._write_bad(bad)
        self.pending = []
        self.sink.close()


# --------------------------------------------------------------------------------------------
# Settings and per-entity random streams.


@dataclass(frozen=True)
class Settings:
    profile: str
    koperasi: int
    ukm: int
    peserta: int
    first: int
    last: int
    history: int
    seed: int
    format: str
    out: Path
    bad_rows: bool

    @property
    def years(self) -> range:
        return range(self.first, self.last + 1)

    @property
    def rat_years(self) -> range:
        return range(self.first - self.history, self.last + 1)

    @property
    def p(self) -> Profile:
        return PROFILES[self.profile]

    def rng(self, stream: str, index: int = 0) -> random.Random:
        # One stream per entity: an entity's rows don't depend on how many others there are.
        return random.Random(f"{self.seed}:{stream}:{index}")


def _weighted(rng: random.Random, pairs) -> str:
    return rng.choices([name for name, _ in pairs], [weight for _, weight in pairs])[0]


def _day(rng: random.Random, year: int, first_month: int = 1, last_month: int = 12) -> date:
    start = date(year, first_month, 1).toordinal()
    end = (date(year, last_month + 1, 1) if last_month < 12 else date(year + 1, 1, 1)).toordinal()
    return date.fromordinal(rng.randrange(start, end))


def _lognormal_rupiah(rng: random.Random, median: float, spread: float) -> int:
    # Round to thousands: offices report whole thousands of Rupiah.
    return max(1000, int(round(rng.lognormvariate(0, spread) * median, -3)))


def _kab_kota(rng: random.Random, wilayah: Wilayah) -> str:
    roll = rng.random()
    if wilayah.ejaan_lain and roll < 0.15:
        return wilayah.ejaan_lain
    if wilayah.nama.startswith("Kabupaten ") and roll > 0.95:
        return "Kab. " + wilayah.tempat
    return wilayah.nama


# --------------------------------------------------------------------------------------------
# Koperasi: traits first (drawn first from the entity's stream, so they can be replayed), then
# its rows in rat, kinerja_koperasi and the activity tables.


@dataclass(frozen=True)
class Koperasi:
    nik: str
    nama: str
    wilayah: Wilayah
    kab_kota: str
    jenis: str
    berdiri: date
    bubar: date | None
    rajin_rat: float  # chance of holding the RAT in a given year
    lesu: bool  # little or no business

    def hidup(self, year: int) -> bool:
        """Registered at some point in the year."""
        return self.berdiri.year <= year and (self.bubar is None or self.bubar.year >= year)


def _nama_koperasi(rng: random.Random, p: Profile, jenis: str, tempat: str) -> str:
    kata = rng.choice(KATA)
    templates = {
        "KSP": (f"KSP {kata}", f"Koperasi Simpan Pinjam {kata}", f"Koperasi Wanita {kata}",
                f"KSPPS Baitul Maal wat Tamwil {kata}"),
        "Konsumen": (f"Koperasi Konsumen Pegawai Negeri {rng.choice(INSTANSI)} {tempat}",
                     f"KPRI {rng.choice(INSTANSI)} {tempat}", f"Koperasi Karyawan {kata}",
                     f"Koperasi Serba Usaha {kata}",
                     f"Koperasi Konsumen Sekolah SMA Negeri {rng.randint(1, 9)} {tempat}"),
        "Produsen": (f"Koperasi Produsen {rng.choice(p.komoditas)} {kata}", f"KUD {kata}",
                     f"Koperasi Serba Usaha {kata}"),
        "Pemasaran": (f"Koperasi Pemasaran {rng.choice(p.komoditas)} {kata}",),
        "Jasa": (f"Koperasi Jasa {rng.choice(JASA)} {kata}",),
    }
    return rng.choice(templates[jenis])


def _berdiri(rng: random.Random, s: Settings) -> date:
    roll = rng.random()
    if roll < 0.025:  # registered after the last assessed year (data pulled in mid-year)
        return _day(rng, s.last + 1, 1, 6)
    if roll < 0.06:  # new in the last year: in the population, no RAT yet
        return _day(rng, s.last)
    oldest = min(1995, s.first - 10)
    if roll < 0.35:
        return _day(rng, rng.randint(oldest, s.last))
    # Most of the rest from the 2000s and early 2010s, when registrations peaked.
    return _day(rng, int(rng.triangular(oldest, s.last, min(2011, s.last))))


def _bubar(rng: random.Random, s: Settings, berdiri: date) -> date | None:
    if berdiri.year > s.last or rng.random() >= 0.05:
        return None
    roll = rng.random()
    if roll < 0.45:
        year = rng.randint(s.first, s.last)
    elif roll < 0.75:
        year = s.last + 1
    else:
        year = rng.randint(s.first - 6, s.first - 1)
    return _day(rng, max(year, berdiri.year + 1))


def make_koperasi(s: Settings, index: int) -> tuple[Koperasi, random.Random]:
    rng = s.rng("koperasi", index)
    wilayah = rng.choices(s.p.wilayah, [w.bobot for w in s.p.wilayah])[0]
    jenis = _weighted(rng, JENIS_KOPERASI)
    berdiri = _berdiri(rng, s)
    rajin = rng.choices((0.0, 0.5, 0.8, 0.97), (7, 10, 13, 70))[0]
    koperasi = Koperasi(
        nik=nik_of(s.seed, index),
        nama=_nama_koperasi(rng, s.p, jenis, wilayah.tempat),
        wilayah=wilayah,
        kab_kota=_kab_kota(rng, wilayah),
        jenis=jenis,
        berdiri=berdiri,
        bubar=_bubar(rng, s, berdiri),
        rajin_rat=rajin,
        lesu=rng.random() < (0.6 if rajin == 0.0 else 0.06),
    )
    return koperasi, rng


def _tanggal_rat(rng: random.Random, year: int) -> list[date]:
    roll = rng.random()
    if roll < 0.012:  # on the last day of the year: counts for this year, not the next
        return [date(year, 12, 31)]
    if roll < 0.024:  # on New Year's Day: counts for the new year
        return [date(year, 1, 1)]
    main = _day(rng, year, 2, 6) if rng.random() < 0.88 else _day(rng, year, 7, 11)
    if rng.random() < 0.03:  # a second meeting (e.g. RAT Perubahan) in the same year
        later = min(main.toordinal() + rng.randint(30, 150), date(year, 12, 20).toordinal())
        return [main, date.fromordinal(later)]
    return [main]


def rat_rows(s: Settings, kop: Koperasi, rng: random.Random) -> Iterator[list[object]]:
    for year in s.rat_years:
        # First RAT the year after founding; some cooperatives skip a year (or always do).
        if kop.berdiri.year >= year or rng.random() >= kop.rajin_rat:
            continue
        for tanggal in _tanggal_rat(rng, year):
            if kop.bubar is None or tanggal < kop.bubar:
                tahun_buku = None if rng.random() < 0.05 else year - 1
                yield [kop.nik, tanggal, tahun_buku]


def _skor_kesehatan(rng: random.Random, kop: Koperasi) -> Skor | None:
    # The health assessment is made mainly for savings and loans (KSP/USP); others are more
    # often not assessed. About 30 % empty overall.
    if rng.random() < (0.2 if kop.jenis == "KSP" else 0.4):
        return None
    if rng.random() < 0.06:  # exactly at or just under a predicate threshold
        return skor(rng.choice((80, 66, 51, 79.99, 65.99, 50.99)))
    return skor(min(99.9, max(10.0, rng.gauss(58 if kop.lesu else 71, 13))))


def kinerja_koperasi_rows(s: Settings, kop: Koperasi, rng: random.Random):
    volume = _lognormal_rupiah(rng, 1.2e9 if kop.jenis == "KSP" else 6e8, 1.2)
    for year in s.years:
        volume = int(round(volume * rng.uniform(0.85, 1.3), -3))
        if not kop.hidup(year) or rng.random() < 0.05:
            continue  # not reported that year
        nol = rng.random() < (0.7 if kop.lesu else 0.02)
        nilai = Rupiah(0) if nol else Rupiah(volume, rng.choice((0, 0, 0, 50, 25, 75)))
        melayani = rng.random() < (0.1 if nol else 0.95)
        volume_usaha = None if rng.random() < 0.02 else nilai
        yield [kop.nik, year, volume_usaha, melayani, _skor_kesehatan(rng, kop)]


# --------------------------------------------------------------------------------------------
# UKM


@dataclass(frozen=True)
class Ukm:
    nib: str
    nama: str
    wilayah: Wilayah
    kab_kota: str
    tahun_kinerja: tuple[int, ...]  # years with a kinerja_ukm row


def _nama_ukm(rng: random.Random, p: Profile) -> str:
    produk, sifat = rng.choice(p.produk), rng.choice(SIFAT)
    return rng.choice((
        f"UD {sifat}",
        f"CV {produk} {sifat}",
        f"UD {produk} {sifat}",
        f"{produk} {rng.choice(p.pemilik)}",
        f"Toko {produk} {sifat}",
        f"CV {rng.choice(KATA)}",
    ))


def make_ukm(s: Settings, index: int) -> tuple[Ukm, random.Random]:
    rng = s.rng("ukm", index)
    wilayah = rng.choices(s.p.wilayah, [w.bobot for w in s.p.wilayah])[0]
    ukm = Ukm(
        nib=nib_of(s.seed, index),
        nama=_nama_ukm(rng, s.p),
        wilayah=wilayah,
        kab_kota=_kab_kota(rng, wilayah),
        tahun_kinerja=tuple(year for year in s.years if rng.random() >= 0.08),
    )
    return ukm, rng


def kinerja_ukm_rows(s: Settings, ukm: Ukm, rng: random.Random):
    omset = _lognormal_rupiah(rng, 3e8, 1.1)
    aset_ratio = rng.uniform(0.4, 1.6)
    pekerja = max(1, round(rng.lognormvariate(1.5, 0.8)))
    for year in s.years:
        omset = int(round(omset * rng.uniform(0.85, 1.35), -3))
        pekerja = max(1, pekerja + rng.choice((-1, 0, 0, 0, 1, 2)))
        if year not in ukm.tahun_kinerja:
            continue
        aset = None if rng.random() < 0.03 else Rupiah(int(round(omset * aset_ratio, -3)))
        tenaga = None if rng.random() < 0.02 else pekerja
        yield [ukm.nib, year, Rupiah(omset), aset, tenaga]


# --------------------------------------------------------------------------------------------
# Activities of one KUKM: fasilitasi, pembiayaan, legalitas, standardisasi.


def _bidang(rng: random.Random) -> list[str]:
    count = rng.choices((1, 2, 3), (75, 20, 5))[0]
    chosen: list[str] = []
    while len(chosen) < count:
        bidang = _weighted(rng, BIDANG)
        if bidang not in chosen:
            chosen.append(bidang)
    # Some offices capitalise; the reader compares case-insensitively.
    return [b.upper() if b == "sdm" and rng.random() < 0.5 else
            b.capitalize() if rng.random() < 0.2 else b for b in chosen]


def fasilitasi_rows(id_kukm: str, years, chance: float, rng: random.Random):
    for year in years:
        if rng.random() < chance:
            for bidang in _bidang(rng):
                yield [id_kukm, year, bidang]


def pembiayaan_rows(s: Settings, id_kukm: str, years, chance: float, rng: random.Random):
    for year in years:
        if rng.random() < chance:
            lembaga = _weighted(rng, s.p.lembaga_pembiayaan)
            if lembaga == "LPDB-KUMKM":
                rupiah = rng.randint(10, 400) * 5_000_000
            else:  # KUR-sized loans
                rupiah = rng.randint(5, 100) * 1_000_000
            nilai = None if rng.random() < 0.03 else Rupiah(rupiah)
            yield [id_kukm, _day(rng, year), lembaga, nilai]


def _jenis_legalitas(rng: random.Random, code: str) -> str:
    # Mostly the code; sometimes typed as words ("Koperasi Baru"), which reads the same.
    return code if rng.random() < 0.85 else code.replace("_", " ").title().replace("Ukm", "UKM")


def legalitas_koperasi_rows(s: Settings, kop: Koperasi, rng: random.Random):
    if kop.berdiri.year in s.years and rng.random() < 0.85:
        yield [kop.nik, kop.berdiri, _jenis_legalitas(rng, "koperasi_baru")]
    for year in s.years:
        if kop.hidup(year) and kop.berdiri.year < year and rng.random() < 0.04:
            yield [kop.nik, _day(rng, year), _jenis_legalitas(rng, "tambah_unit_usaha")]


def legalitas_ukm_rows(s: Settings, ukm: Ukm, rng: random.Random):
    for year in s.years:
        if rng.random() < 0.02:
            yield [ukm.nib, _day(rng, year), _jenis_legalitas(rng, "ukm_menjadi_koperasi")]


def _sertifikat(s: Settings, rng: random.Random, standar: str, wilayah: Wilayah, year: int):
    """(standar as written, lembaga, nomor) for one certificate."""
    nomor = rng.randrange(10**5)
    if standar == "Halal":
        return ("HALAL" if rng.random() < 0.1 else "Halal", "BPJPH",
                f"ID{s.p.kode}{rng.randrange(10**12):012d}")
    if standar == "ISO 9001":
        return standar, rng.choice(ISO_9001_LEMBAGA), f"QMS/{year}/{nomor:05d}"
    if standar == "ISO 22000":
        return standar, rng.choice(ISO_22000_LEMBAGA), f"FSMS/{year}/{nomor:05d}"
    if standar == "SNI":
        return standar, s.p.lsp_sni, f"SPPT-SNI/{nomor:05d}/{year}"
    # PIRT: a home-industry food permit, not a standard the indicator counts.
    nomor_pirt = f"P-IRT {rng.randrange(10**15):015d}-{year % 100 + 5}"
    return standar, f"Dinas Kesehatan {wilayah.nama}", nomor_pirt


STANDAR_KOPERASI = (("ISO 9001", 80), ("ISO 22000", 10), ("SNI", 10))
STANDAR_UKM = (("Halal", 45), ("PIRT", 15), ("ISO 9001", 12), ("ISO 22000", 10), ("SNI", 18))


def standardisasi_rows(s: Settings, id_kukm: str, wilayah: Wilayah, mix, chance: float,
                       rng: random.Random):
    # One year of history before the first assessed year: old certificates don't count in n.
    for year in range(s.first - 1, s.last + 1):
        if rng.random() < chance:
            standar, lembaga, nomor = _sertifikat(s, rng, _weighted(rng, mix), wilayah, year)
            nomor = None if rng.random() < 0.1 else nomor
            yield [id_kukm, standar, lembaga, nomor, _day(rng, year)]


# --------------------------------------------------------------------------------------------
# One entity at a time, into all its tables.


def write_koperasi(s: Settings, index: int, out: dict[str, TableWriter]) -> None:
    kop, rng = make_koperasi(s, index)
    out["koperasi"].write([kop.nik, kop.nama, kop.wilayah.kode, kop.kab_kota, kop.jenis,
                           kop.berdiri, kop.bubar])
    for row in rat_rows(s, kop, rng):
        out["rat"].write(row)
    for row in kinerja_koperasi_rows(s, kop, rng):
        out["kinerja_koperasi"].write(row)
    alive = [year for year in s.years if kop.hidup(year)]
    for row in fasilitasi_rows(kop.nik, alive, 0.2, rng):
        out["fasilitasi"].write(row)
    for row in pembiayaan_rows(s, kop.nik, alive, 0.08, rng):
        out["pembiayaan"].write(row)
    for row in legalitas_koperasi_rows(s, kop, rng):
        out["legalitas"].write(row)
    if kop.berdiri.year < s.first:
        for row in standardisasi_rows(s, kop.nik, kop.wilayah, STANDAR_KOPERASI, 0.02, rng):
            out["standardisasi"].write(row)


def write_ukm(s: Settings, index: int, out: dict[str, TableWriter]) -> None:
    ukm, rng = make_ukm(s, index)
    out["ukm"].write([ukm.nib, ukm.nama, ukm.wilayah.kode, ukm.kab_kota])
    for row in kinerja_ukm_rows(s, ukm, rng):
        out["kinerja_ukm"].write(row)
    for row in fasilitasi_rows(ukm.nib, s.years, 0.3, rng):
        out["fasilitasi"].write(row)
    for row in pembiayaan_rows(s, ukm.nib, s.years, 0.12, rng):
        out["pembiayaan"].write(row)
    for row in legalitas_ukm_rows(s, ukm, rng):
        out["legalitas"].write(row)
    for row in standardisasi_rows(s, ukm.nib, ukm.wilayah, STANDAR_UKM, 0.06, rng):
        out["standardisasi"].write(row)


def _skor_diklat(rng: random.Random) -> Skor:
    roll = rng.random()
    if roll < 0.03:
        return skor(75)  # exactly the pass mark
    if roll < 0.05:
        return skor(74.99)  # just under it
    value = min(100.0, max(20.0, rng.gauss(77, 9)))
    return skor(round(value, rng.choice((0, 1, 2))))


def write_diklat(s: Settings, out: TableWriter) -> None:
    for year in s.years:
        rng = s.rng("diklat", year)
        for number in range(1, s.peserta + 1):
            nama = f"{rng.choice(s.p.nama_depan)} {rng.choice(s.p.nama_belakang)}"
            out.write([f"P-{year}-{number:05d}", nama, year, rng.choice(PROGRAM),
                       _skor_diklat(rng)])


def write_statistik(s: Settings, out: TableWriter) -> None:
    # The declared Σ KUKM: a little above the registered count (not every KUKM is registered).
    # One profile leaves the last year out, so the fallback (counting registrations) is exercised.
    last = s.last if s.p.jumlah_kukm_tahun_terakhir else s.last - 1
    for year in range(s.first, last + 1):
        nilai = round((s.koperasi + s.ukm) * 1.12 * 1.03 ** (year - s.first))
        out.write(["jumlah_kukm", year, nilai, f"BPS Provinsi {s.p.provinsi}"])
    for year in s.years:  # another figure offices keep in the same sheet; not used by any rule
        nilai = round(s.ukm * 1.4 * 1.02 ** (year - s.first))
        out.write(["jumlah_umkm_binaan", year, nilai,
                   f"Dinas Koperasi dan UKM Provinsi {s.p.provinsi}"])


# --------------------------------------------------------------------------------------------
# Bad rows: each wrong in exactly one way, added to (never replacing) good rows, and pointing
# only at good rows, so nothing else is rejected because of them.


def bad_rows(s: Settings) -> list[BadRow]:
    n, m = s.koperasi, s.ukm
    kop_dup, _ = make_koperasi(s, min(3, n - 1))
    ukm_dup = _ukm_with_kinerja(s, s.last)
    wil = s.p.wilayah[0]
    return [
        BadRow("koperasi", (nik_of(s.seed, n), None, wil.kode, wil.nama, "KSP", "2015-06-01",
                            None), "nama", "nama wajib diisi tetapi kosong", after=57),
        BadRow("koperasi", ("3.57801E+15", "Koperasi Serba Usaha Sumber Makmur", wil.kode,
                            wil.nama, "Konsumen", "2010-03-15", None), "nik",
               "NIK tertulis dalam notasi ilmiah (ulah Excel); digit aslinya hilang", after=143),
        BadRow("koperasi", (kop_dup.nik, kop_dup.nama.upper(), kop_dup.wilayah.kode,
                            kop_dup.kab_kota, kop_dup.jenis, kop_dup.berdiri.isoformat(), None),
               "nik", "NIK ganda: sudah ada di baris {baris_asli}; baris kedua ditolak",
               duplicate_of=(kop_dup.nik,)),
        BadRow("rat", (nik_of(s.seed, min(5, n - 1)), f"31/02/{s.last}", str(s.last - 1)),
               "tanggal_rat", "tanggal tidak ada di kalender (31 Februari)", after=230),
        BadRow("rat", (nik_of(s.seed, n + 1), f"{s.last}-04-15", str(s.last - 1)), "nik",
               "NIK tidak terdaftar di tabel koperasi", after=410),
        BadRow("kinerja_koperasi", (nik_of(s.seed, min(10, n - 1)), str(s.first - 1), "sejuta",
                                    "ya", "72,5"), "volume_usaha", "angka tidak terbaca",
               after=88),
        BadRow("kinerja_koperasi", (nik_of(s.seed, min(20, n - 1)), str(s.first - 2),
                                    "Rp 150.000.000", "ya", "-3"), "skor_kesehatan",
               "skor di luar 0–100", after=305),
        BadRow("kinerja_ukm", (ukm_dup.nib, str(s.last), "Rp 250.000.000", "400000000", "5"),
               "nib, tahun", "pasangan NIB dan tahun ganda: sudah ada di baris {baris_asli}; "
               "baris kedua ditolak", duplicate_of=(ukm_dup.nib, s.last)),
        BadRow("fasilitasi", (nib_of(s.seed, m), str(s.last), "pemasaran"), "id_kukm",
               "id_kukm tidak terdaftar sebagai koperasi maupun UKM", after=45),
        BadRow("pembiayaan", (nib_of(s.seed, min(7, m - 1)), "kemarin", "BRI", "25.000.000"),
               "tanggal_pengajuan", "tanggal tidak terbaca", after=20),
        BadRow("standardisasi", (nib_of(s.seed, min(12, m - 1)), "Halal", None,
                                 f"ID{s.p.kode}000000012345", f"{s.last}-05-20"), "lembaga",
               "lembaga wajib diisi tetapi kosong", after=9),
        BadRow("diklat", (f"P-{s.last}-{s.peserta + 1:05d}", "Andi Wijaya", str(s.last),
                          PROGRAM[0], "105"), "skor", "skor di luar 0–100", after=150),
    ]


def _ukm_with_kinerja(s: Settings, year: int) -> Ukm:
    for index in range(s.ukm):
        ukm, _ = make_ukm(s, index)
        if year in ukm.tahun_kinerja:
            return ukm
    raise SystemExit(f"--bad-rows needs at least one UKM with figures for {year}")


# --------------------------------------------------------------------------------------------
# Output containers.


@contextmanager
def open_tables(s: Settings, bad: list[BadRow]) -> Iterator[dict[str, TableWriter]]:
    xlsx = s.format == "xlsx"
    workbook = None
    if xlsx:
        from openpyxl import Workbook  # only needed for .xlsx

        workbook = Workbook(write_only=True)
        s.out.parent.mkdir(parents=True, exist_ok=True)
    else:
        s.out.mkdir(parents=True, exist_ok=True)
    writers = {}
    for table in COLUMNS:
        if xlsx:
            sink = SheetSink(workbook.create_sheet(table))
        else:
            sink = CsvSink(s.out / f"{table}.csv", table)
        styler = Styler(table, s.rng("style", list(COLUMNS).index(table)), xlsx)
        writers[table] = TableWriter(table, sink, styler, [b for b in bad if b.table == table])
    try:
        yield writers
    finally:
        for writer in writers.values():
            writer.close()
    if workbook is not None:
        workbook.properties.created = FIXED_TIME
        workbook.properties.creator = "samples/generate.py"
        workbook.save(s.out)
        _make_reproducible(s.out)


FIXED_TIME = datetime(2025, 1, 1)


def _make_reproducible(path: Path) -> None:
    """Rewrite the .xlsx with fixed zip timestamps and save time, so a seed gives the same bytes."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    temporary = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            if info.filename == "docProps/core.xml":
                xml = source.read(info).decode()
                xml = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", rf"\g<1>{stamp}", xml)
                target.writestr(entry, xml)
                continue
            big = info.file_size >= zipfile.ZIP64_LIMIT  # only huge sheets need zip64 headers
            with source.open(info) as reader, target.open(entry, "w", force_zip64=big) as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
    temporary.replace(path)


def generate(s: Settings) -> list[Reported]:
    """Write all eleven tables; return the bad rows as written (empty without --bad-rows)."""
    bad = bad_rows(s) if s.bad_rows else []
    with open_tables(s, bad) as out:
        # Koperasi and UKM interleaved, so the activity tables mix both kinds of id.
        for index in range(max(s.koperasi, s.ukm)):
            if index < s.koperasi:
                write_koperasi(s, index, out)
            if index < s.ukm:
                write_ukm(s, index, out)
        write_diklat(s, out["diklat"])
        write_statistik(s, out["statistik"])
    return [item for table in COLUMNS for item in out[table].reported]


def markdown_table(reported: list[Reported]) -> str:
    lines = ["| tabel | baris | kolom | nilai | alasan |", "|---|---|---|---|---|"]
    for r in reported:
        value = f"`{r.value}`" if r.value else "(kosong)"
        lines.append(f"| `{r.table}` | {r.baris} | `{r.column}` | {value} | {r.alasan} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Command line.

DEFAULT_SIZES = {"jatim": (300, 250, 200), "jambi": (200, 150, 120)}


def _years(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{4})", text.strip())
    if not match or int(match[1]) > int(match[2]):
        raise argparse.ArgumentTypeError("tulis rentang tahun seperti 2022-2024")
    return int(match[1]), int(match[2])


def parse_args(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), required=True)
    parser.add_argument("--koperasi", type=int, help="number of koperasi (default per profile)")
    parser.add_argument("--ukm", type=int, help="number of UKM (default per profile)")
    parser.add_argument("--peserta", type=int, help="diklat participants per year")
    parser.add_argument("--years", type=_years, default=(2022, 2024), help="e.g. 2022-2024")
    parser.add_argument("--history-years", type=int, default=2,
                        help="RAT history before the first year (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--out", type=Path, required=True,
                        help="folder for csv, file ending .xlsx for xlsx")
    parser.add_argument("--bad-rows", action="store_true",
                        help="add a fixed handful of rejectable rows and list them on stdout")
    args = parser.parse_args(argv)
    sizes = DEFAULT_SIZES[args.profile]
    s = Settings(args.profile, _size(args.koperasi, sizes[0]), _size(args.ukm, sizes[1]),
                 _size(args.peserta, sizes[2]), args.years[0], args.years[1],
                 max(0, args.history_years), args.seed, args.format, args.out, args.bad_rows)
    if s.format == "xlsx" and s.out.suffix.lower() != ".xlsx":
        parser.error("--format xlsx needs --out ending in .xlsx")
    if s.bad_rows and (s.koperasi < 1 or s.ukm < 1):
        parser.error("--bad-rows needs at least one koperasi and one UKM")
    return s


def _size(value: int | None, default: int) -> int:
    return default if value is None else max(0, value)


def main(argv: list[str] | None = None) -> None:
    settings = parse_args(argv)
    reported = generate(settings)
    if settings.bad_rows:
        print(markdown_table(reported))


if __name__ == "__main__":
    main()

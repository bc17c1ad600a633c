"""The eleven tables of the data contract as typed, immutable records.

A record class is the single place that says which columns a table has, which are required (no
default), how each value is read (the annotated parser), which columns identify a row (``key``)
and which column points to another table (``references``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict

from engine.ingest import values


@dataclass(frozen=True)
class CellParser:
    """A column's parser (``values.parse_*``) and whether a blank cell is refused or read as None; the
    columnar checks read both."""

    parse: Callable[[Any], Any]
    required: bool

    def __call__(self, raw: Any) -> Any:
        if values.is_blank(raw):
            if self.required:
                raise ValueError(values.EMPTY)
            return None
        return self.parse(raw)


def _required(parse: Callable[[Any], Any]) -> BeforeValidator:
    return BeforeValidator(CellParser(parse, required=True))


def _optional(parse: Callable[[Any], Any]) -> BeforeValidator:
    return BeforeValidator(CellParser(parse, required=False))


Nik = Annotated[str, _required(values.parse_nik)]
Nib = Annotated[str, _required(values.parse_nib)]
IdKukm = Annotated[str, _required(values.parse_id_kukm)]
IdText = Annotated[str, _required(values.parse_id_text)]
Text = Annotated[str, _required(values.parse_text)]
Label = Annotated[str, _required(values.parse_label)]
KodeWilayah = Annotated[str, _required(values.parse_kode_wilayah)]
Tanggal = Annotated[date, _required(values.parse_date)]
Tahun = Annotated[int, _required(values.parse_year)]
Skor = Annotated[float, _required(values.parse_score)]
Amount = Annotated[float, _required(values.parse_amount)]
OptText = Annotated[str | None, _optional(values.parse_text)]
OptTanggal = Annotated[date | None, _optional(values.parse_date)]
OptTahun = Annotated[int | None, _optional(values.parse_year)]
OptAmount = Annotated[float | None, _optional(values.parse_amount)]
OptCount = Annotated[int | None, _optional(values.parse_count)]
OptSkor = Annotated[float | None, _optional(values.parse_score)]
OptBool = Annotated[bool | None, _optional(values.parse_bool)]

KOPERASI = "koperasi"
UKM = "ukm"
KUKM = (KOPERASI, UKM)


class Record(BaseModel):
    """One accepted input row; ``row`` is the row number the user sees (header = 1)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    table: ClassVar[str]
    key: ClassVar[tuple[str, ...]] = ()
    # column -> the tables whose key it must name (any of them)
    references: ClassVar[dict[str, tuple[str, ...]]] = {}

    row: int

    @classmethod
    def columns(cls) -> list[str]:
        return [name for name in cls.model_fields if name != "row"]

    @classmethod
    def required_columns(cls) -> list[str]:
        return [name for name in cls.columns() if cls.model_fields[name].is_required()]

    @classmethod
    def cell_parser(cls, column: str) -> CellParser:
        return next(item.func for item in cls.model_fields[column].metadata
                    if isinstance(item, BeforeValidator) and isinstance(item.func, CellParser))

    def key_value(self) -> tuple[Any, ...]:
        return tuple(getattr(self, column) for column in self.key)


class Koperasi(Record):
    table: ClassVar[str] = KOPERASI
    key: ClassVar[tuple[str, ...]] = ("nik",)
    nik: Nik
    nama: Text
    kode_wilayah: KodeWilayah
    kab_kota: OptText = None
    jenis: OptText = None
    tanggal_badan_hukum: Tanggal
    tanggal_bubar: OptTanggal = None


class Rat(Record):
    table: ClassVar[str] = "rat"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"nik": (KOPERASI,)}
    nik: Nik
    tanggal_rat: Tanggal
    tahun_buku: OptTahun = None


class KinerjaKoperasi(Record):
    table: ClassVar[str] = "kinerja_koperasi"
    key: ClassVar[tuple[str, ...]] = ("nik", "tahun")
    references: ClassVar[dict[str, tuple[str, ...]]] = {"nik": (KOPERASI,)}
    nik: Nik
    tahun: Tahun
    volume_usaha: OptAmount = None
    melayani_anggota: OptBool = None
    skor_kesehatan: OptSkor = None


class Ukm(Record):
    table: ClassVar[str] = UKM
    key: ClassVar[tuple[str, ...]] = ("nib",)
    nib: Nib
    nama: Text
    kode_wilayah: KodeWilayah
    kab_kota: OptText = None


class KinerjaUkm(Record):
    table: ClassVar[str] = "kinerja_ukm"
    key: ClassVar[tuple[str, ...]] = ("nib", "tahun")
    references: ClassVar[dict[str, tuple[str, ...]]] = {"nib": (UKM,)}
    nib: Nib
    tahun: Tahun
    omset: OptAmount = None
    aset: OptAmount = None
    tenaga_kerja: OptCount = None


class Fasilitasi(Record):
    table: ClassVar[str] = "fasilitasi"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"id_kukm": KUKM}
    id_kukm: IdKukm
    tahun: Tahun
    bidang: Label


class Pembiayaan(Record):
    table: ClassVar[str] = "pembiayaan"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"id_kukm": KUKM}
    id_kukm: IdKukm
    tanggal_pengajuan: Tanggal
    lembaga: OptText = None
    nilai: OptAmount = None


class Legalitas(Record):
    table: ClassVar[str] = "legalitas"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"id_kukm": KUKM}
    id_kukm: IdKukm
    tanggal: Tanggal
    jenis: Label


class Standardisasi(Record):
    table: ClassVar[str] = "standardisasi"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"id_kukm": KUKM}
    id_kukm: IdKukm
    standar: Label
    lembaga: Text
    nomor_sertifikat: OptText = None
    tanggal_terbit: Tanggal


class Diklat(Record):
    table: ClassVar[str] = "diklat"
    id_peserta: IdText
    nama: OptText = None
    tahun: Tahun
    program: OptText = None
    skor: Skor


class Statistik(Record):
    table: ClassVar[str] = "statistik"
    key: ClassVar[tuple[str, ...]] = ("nama", "tahun")
    nama: Label
    tahun: Tahun
    nilai: Amount
    sumber: OptText = None


# Parents before the tables that point to them, so references can be checked while streaming.
TABLES: tuple[type[Record], ...] = (
    Koperasi,
    Ukm,
    Rat,
    KinerjaKoperasi,
    KinerjaUkm,
    Fasilitasi,
    Pembiayaan,
    Legalitas,
    Standardisasi,
    Diklat,
    Statistik,
)
# The tables other tables refer to: their keys are kept while the tables after them are read.
REFERENCED = frozenset(target for model in TABLES for targets in model.references.values() for target in targets)
TABLE_BY_NAME: dict[str, type[Record]] = {model.table: model for model in TABLES}
REQUIRED_TABLES = (KOPERASI,)

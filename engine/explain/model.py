"""What an explanation says, as data: rendered as text for a working paper or as JSON for tools."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourceFact(Frozen):
    """One input row, as the user can find it: file and row, and the values that mattered."""

    fact_id: str
    sumber: str
    baris: int
    nilai: dict[str, str]


class ClauseExplanation(Frozen):
    klausa: str
    terpenuhi: bool
    teks: str
    dibandingkan: list[str]
    fakta: list[SourceFact]
    catatan: str | None = None


class ParameterUsed(Frozen):
    id: str
    nilai: str
    berlaku_dari: date
    berlaku_sampai: date | None


class RuleExplanation(Frozen):
    aturan: str
    nama: str
    tag: str
    diberikan: bool
    ringkasan: str
    versi: int
    berlaku_dari: date
    berlaku_sampai: date | None
    dasar_hukum: list[str]
    klausa: list[ClauseExplanation]
    parameter: list[ParameterUsed]
    catatan_interpretasi: list[str]


class EntityExplanation(Frozen):
    jenis: str
    id: str
    nama: str
    tahun: int
    profil: str
    versi_aturan: str
    sumber: str
    aturan: list[RuleExplanation]
    catatan: list[str]


class MemberLine(Frozen):
    jenis: str
    id: str
    nama: str


class IndicatorExplanation(Frozen):
    id: str
    nama: str
    tahun: int
    nilai: float | int | None
    satuan: str
    rumus: str
    pembilang: str
    penyebut: str
    catatan: str
    catatan_interpretasi: list[str]
    anggota_pembilang: list[MemberLine]
    anggota_penyebut: list[MemberLine]
    dikecualikan: list[MemberLine]

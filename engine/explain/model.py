"""What an explanation says, as data: rendered as text for a working paper or as JSON for tools.

Field names are Indonesian because the JSON is read by the dinas' own tools and auditors; the
field order is the key order of the JSON and is part of its contract.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourceFact(Frozen):
    """One input row, as the user can find it: file and row, and the values that mattered."""

    fact_id: str
    sumber: str
    baris: int
    nilai: dict[str, str]

    def text(self) -> str:
        """``sumber baris N: column value, …`` — how the text explanation cites the row."""
        values = ", ".join(f"{column} {value}" for column, value in self.nilai.items())
        return f"{self.sumber} baris {self.baris}" + (f": {values}" if values else "")


class ClauseExplanation(Frozen):
    """A line of a rule's condition: a clause (leaf), a named negation, or a group (all/any).

    ``tingkat`` is its depth in the condition as shown (0 = top); ``penentu`` marks the clauses
    that decided the verdict (why not, for a tag not given; why, for a tag given).
    """

    klausa: str
    jenis: Literal["klausa", "bukan", "kelompok"] = "klausa"
    tingkat: int = 0
    terpenuhi: bool
    penentu: bool = False
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
    syarat: Literal["semua", "salah satu"]
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
    catatan: list[str]
    aturan: list[RuleExplanation]


class MemberLine(Frozen):
    jenis: str
    id: str
    nama: str
    nilai_sebelum: float | None = None
    nilai: float | None = None


class IndicatorIdentity(Frozen):
    id: str
    nama: str
    tahun: int
    nilai: float | int | None
    satuan: str


class IndicatorHeader(Frozen):
    """What the profile says of an indicator (kept in the run record beside the computed value)."""

    rumus: str
    pembilang: str
    penyebut: str
    statistik: str | None
    sasaran: str
    formulasi_dokumen: str  # the IKU document's own words, beside iku's ``rumus``
    rumus_disimpulkan: str | None  # why the formula is iku's inference where the document gives none
    sumber_data: str
    penanggung_jawab: str
    dokumen: str
    catatan_interpretasi: list[str]


class IndicatorExplanation(IndicatorHeader, IndicatorIdentity):
    """Fields in order: the indicator and its value, what the profile says of it, then the computed
    note and members (pydantic takes the bases' fields last base first)."""

    catatan: str
    anggota_pembilang: list[MemberLine]
    anggota_penyebut: list[MemberLine]
    dikecualikan: list[MemberLine]

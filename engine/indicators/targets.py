"""Targets (Renstra) per indicator and year, and capaian as the LKjIP computes it.

A profile's targets live in ``rules/targets/<profile>.yaml``, filled by policy staff from their
Renstra, each with its source (document, page). capaian for a "higher is better" indicator is
realisasi ÷ target × 100; for "lower is better" the inverse formula (2 × target − realisasi) ÷
target × 100, the reading of PermenPANRB 53/2014 that LKjIP documents commonly apply (see the
profiles' notes). Without a target, capaian is null with "target belum diisi" — never invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from pydantic import Field, field_validator

from engine.rules.model import Strict

FIRST_TARGET_YEAR, LAST_TARGET_YEAR = 1900, 2100
NO_TARGET = "target belum diisi"
HIGHER, LOWER = "higher_is_better", "lower_is_better"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class TargetSource(Strict):
    document: str = Field(min_length=1)
    page: int | str  # a page number, or a page as the document numbers it ("iii", "Lampiran 2")


class Target(Strict):
    indicator: str
    year: int
    value: float
    source: TargetSource

    @field_validator("year", mode="before")
    @classmethod
    def _sane_year(cls, value: object) -> object:
        if not isinstance(value, int) or isinstance(value, bool) or not FIRST_TARGET_YEAR <= value <= LAST_TARGET_YEAR:
            raise ValueError(f"tahun target harus bilangan bulat antara {FIRST_TARGET_YEAR} dan {LAST_TARGET_YEAR}, "
                             f"tertulis {value!r}")
        return value

    @field_validator("value", mode="before")
    @classmethod
    def _positive_number(cls, value: object) -> object:
        # a quoted "75" or a bool is a slip in the file, not a number to guess; capaian divides by it
        if not _is_number(value) or not value > 0:  # type: ignore[operator]
            raise ValueError(f"target harus angka lebih dari 0 (capaian dibagi target), tertulis {value!r}")
        return value


class TargetFile(Strict):
    """One profile's targets (empty for the shipped profiles: the IKU documents state none)."""

    profile: str
    notes: list[str] = []
    targets: list[Target] = []

    def value_for(self, indicator_id: str, year: int) -> Target | None:
        return next((t for t in self.targets if t.indicator == indicator_id and t.year == year), None)


@dataclass(frozen=True, slots=True)
class Capaian:
    """One line of the LKjIP table: indikator | target | realisasi | capaian, for one year."""

    indicator_id: str
    nama: str
    year: int
    satuan: str
    target: float | None
    realisasi: float | None
    capaian: float | None
    catatan: str
    sumber: str | None

    def public(self) -> dict[str, object]:
        return {"id": self.indicator_id, "year": self.year, "target": self.target, "realisasi": self.realisasi,
                "capaian": self.capaian, "catatan": self.catatan, "sumber_target": self.sumber}


def capaian_percent(realisasi: float, target: float, direction: str) -> float:
    """capaian in percent, two decimals (target > 0, checked when the targets are loaded)."""
    if direction == LOWER:
        return round((2 * target - realisasi) / target * 100, 2)
    return round(realisasi / target * 100, 2)


def capaian_of(indicator_id: str, nama: str, satuan: str, year: int, realisasi: float | None, direction: str,
               target: Target | None) -> Capaian:
    if target is None:
        return Capaian(indicator_id, nama, year, satuan, None, realisasi, None, NO_TARGET, None)
    source = f"{target.source.document}, hlm. {target.source.page}"
    if realisasi is None:
        return Capaian(indicator_id, nama, year, satuan, target.value, None, None,
                       "realisasi tidak dapat dihitung (lihat catatan indikator)", source)
    formula = ("(2 × target − realisasi) ÷ target × 100 (makin rendah makin baik)" if direction == LOWER
               else "realisasi ÷ target × 100 (makin tinggi makin baik)")
    return Capaian(indicator_id, nama, year, satuan, target.value, realisasi,
                   capaian_percent(realisasi, target.value, direction), formula, source)

"""Targets (Renstra) per indicator and year, and capaian as the LKjIP computes it.

A profile's targets live in ``rules/targets/<profile>.yaml``, filled by policy staff from their
Renstra, each with its source (document, page). capaian for a "higher is better" indicator is
realisasi ÷ target × 100; for "lower is better" the inverse formula (2 × target − realisasi) ÷
target × 100, the reading of PermenPANRB 53/2014 that LKjIP documents commonly apply (see the
profiles' notes). Without a target, capaian is null with "target belum diisi" — never invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from engine.rules.model import Strict

FIRST_TARGET_YEAR, LAST_TARGET_YEAR = 1900, 2100
NO_TARGET = "target belum diisi"
HIGHER, LOWER = "higher_is_better", "lower_is_better"


class TargetSource(Strict):
    document: str = Field(min_length=1)
    page: Annotated[int, Field(strict=True, ge=1)] | str


class Target(Strict):
    indicator: str
    year: Annotated[int, Field(strict=True, ge=FIRST_TARGET_YEAR, le=LAST_TARGET_YEAR)]
    # strict: a quoted "75" or a bool is a slip in the file, not a number to guess
    value: Annotated[float, Field(strict=True, gt=0)]
    source: TargetSource


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

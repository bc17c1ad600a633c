"""The years of a run as ``--year`` writes them: one year (``2024``), a range (``2020-2024``) or a
list (``2022,2024``; a list may hold ranges: ``2019,2022-2024``). Each within 1900–2100, the series
in ascending order, at most ``MAX_YEARS`` of them; anything else is a clear message (exit 2)."""

from __future__ import annotations

import re

from engine.ingest.values import FIRST_YEAR, LAST_YEAR

MAX_YEARS = 30  # a Renstra spans five years; thirty is a generous history, not a typo like 2020-20240
_PART = re.compile(r"^\s*(-?\d{1,6})\s*(?:[-–]\s*(\d{1,6})\s*)?$")  # "-1": a year out of range, not a range


class YearsError(ValueError):
    pass


def _checked(year: int, written: str) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearsError(f"tahun harus antara {FIRST_YEAR} dan {LAST_YEAR}: '{written}'")
    return year


def parse_years(text: str) -> tuple[int, ...]:
    years: list[int] = []
    for part in text.split(","):
        match = _PART.match(part)
        if match is None:
            raise YearsError(f"tahun '{part.strip()}' tidak terbaca; tulis 2024, rentang 2020-2024 atau daftar 2022,2024")
        first = _checked(int(match[1]), part.strip())
        last = _checked(int(match[2]), part.strip()) if match[2] else first
        if last < first:
            raise YearsError(f"rentang tahun {first}-{last} terbalik; tulis {last}-{first}")
        if last - first + 1 > MAX_YEARS:
            raise YearsError(f"rentang {first}-{last} berisi {last - first + 1} tahun; paling banyak {MAX_YEARS} tahun")
        years.extend(range(first, last + 1))
    repeated = sorted({year for year in years if years.count(year) > 1})
    if repeated:
        raise YearsError(f"tahun {', '.join(map(str, repeated))} disebut lebih dari sekali")
    if len(years) > MAX_YEARS:
        raise YearsError(f"{len(years)} tahun disebut; paling banyak {MAX_YEARS} tahun dalam satu run")
    return tuple(sorted(years))

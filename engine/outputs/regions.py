"""Kode wilayah (Kemendagri, ``NN.NN``) → kabupaten/kota name, for the reports and the run record.

The names come from ``regions.yaml`` in the rules folder (loaded and checked with the rules, see
``RuleBook.regions``), so policy staff keep them with the rules: a new kabupaten after pemekaran
is one line there. A region is identified by its code, never by how a row spells ``kab_kota``
(``Kab. Malang``, ``Kabupaten Batanghari``): a code missing from the file is shown with the name the
data most often writes beside it, else as the bare code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import total_ordering

NO_REGION = "(tanpa wilayah)"


@total_ordering
@dataclass(frozen=True)
class Region:
    code: str | None
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.code and self.name != self.code else self.name

    def __lt__(self, other: Region) -> bool:
        # Kemendagri order (kabupaten 01-69, then kota 71-99); entities without a code last.
        return (self.code is None, self.code or "", self.name) < (other.code is None, other.code or "", other.name)


class RegionNames:
    """Names by code: the official list first, then what the data writes, then the code itself."""

    def __init__(self, official: Mapping[str, str], written: Mapping[str, str] | None = None):
        self.official = dict(official)
        self.written = dict(written or {})

    def region(self, code: str | None) -> Region:
        if not code:
            return Region(None, NO_REGION)
        return Region(code, self.official.get(code) or self.written.get(code) or code)


def most_written(pairs: Iterable[tuple[str | None, str | None]]) -> dict[str, str]:
    """For each code, the ``kab_kota`` spelling written most often beside it (ties: alphabetical)."""
    by_code: dict[str, list[tuple[int, str]]] = defaultdict(list)
    # the pairs counted in C (a national run's 250,000 are a few dozen distinct ones), then each code's told apart
    for (code, name), times in Counter(pairs).items():
        if code and name:
            by_code[code].append((-times, name))
    return {code: min(named)[1] for code, named in by_code.items()}

"""Bandingkan: two runs side by side — each indicator with its delta, and the entities whose tags
differ (given in one run and not in the other), each linked to both explanations."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from engine.runstore import browse
from engine.serve.errors import BadParameter
from engine.serve.model import Frozen
from engine.serve.runs import ServedRun, ServedRuns

PAGE = 100


class IndicatorDelta(Frozen):
    id: str
    nama: str
    nilai_a: float | int | None
    nilai_b: float | int | None
    selisih: float | None


class TagDifference(Frozen):
    jenis: str
    id: str
    hanya_a: list[str]  # tags given in run A only ("entitas tidak ada" when the entity is not in B)
    hanya_b: list[str]
    ada_di_a: bool
    ada_di_b: bool


class Comparison(Frozen):
    a: str
    b: str
    indikator: list[IndicatorDelta]
    jumlah_berbeda: int
    entitas: list[TagDifference]
    dari: int
    berikutnya: int | None


def _indicator_deltas(a: ServedRun, b: ServedRun) -> list[IndicatorDelta]:
    before = {row.id: row for row in browse.indicators(a.source.db)}
    after = {row.id: row for row in browse.indicators(b.source.db)}
    deltas = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        value_a, value_b = old.nilai if old else None, new.nilai if new else None
        delta = None if value_a is None or value_b is None else round(value_b - value_a, 2)
        deltas.append(IndicatorDelta(id=key, nama=(new or old).nama, nilai_a=value_a, nilai_b=value_b, selisih=delta))
    return deltas


def _differences(a: ServedRun, b: ServedRun) -> Iterator[TagDifference]:
    """Both runs' entities in (type, id) order, merged: one pass, whatever the size."""
    left, right = browse.given_tags(a.source.db), browse.given_tags(b.source.db)
    x, y = next(left, None), next(right, None)
    while x is not None or y is not None:
        if y is None or (x is not None and x[:2] < y[:2]):
            yield TagDifference(jenis=x[0], id=x[1], hanya_a=sorted(x[2]), hanya_b=[], ada_di_a=True, ada_di_b=False)
            x = next(left, None)
        elif x is None or y[:2] < x[:2]:
            yield TagDifference(jenis=y[0], id=y[1], hanya_a=[], hanya_b=sorted(y[2]), ada_di_a=False, ada_di_b=True)
            y = next(right, None)
        else:
            if x[2] != y[2]:
                yield TagDifference(jenis=x[0], id=x[1], hanya_a=sorted(x[2] - y[2]), hanya_b=sorted(y[2] - x[2]),
                                    ada_di_a=True, ada_di_b=True)
            x, y = next(left, None), next(right, None)


class Comparer:
    """Differences of a pair of runs, found once and kept (records never change)."""

    def __init__(self, runs: ServedRuns):
        self.runs = runs
        self._found: dict[tuple[str, str], list[TagDifference]] = {}
        self._lock = threading.Lock()

    def compare(self, a: str, b: str, dari: int = 0, banyak: int = PAGE) -> Comparison:
        first, second = self.runs.get(a), self.runs.get(b)
        if a == b:
            raise BadParameter("pilih dua run yang berbeda untuk dibandingkan")
        if dari < 0 or not 1 <= banyak <= 1000:
            raise BadParameter("'dari' tidak boleh negatif dan 'banyak' harus 1 sampai 1000")
        with self._lock:
            if (a, b) not in self._found:
                self._found[(a, b)] = list(_differences(first, second))
        found = self._found[(a, b)]
        return Comparison(a=a, b=b, indikator=_indicator_deltas(first, second), jumlah_berbeda=len(found),
                          entitas=found[dari:dari + banyak], dari=dari,
                          berikutnya=dari + banyak if dari + banyak < len(found) else None)

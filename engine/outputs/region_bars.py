"""Per kabupaten/kota values of one indicator in one year: the bars of report.html's chart and the
cells of the year × kabupaten/kota table (``engine.outputs.series``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engine.indicators.compute import IndicatorResult, Member, growth_percent, percent_of
from engine.indicators.model import Count, Growth, Indicator
from engine.numbers import format_number as angka
from engine.numbers import format_percent as persen
from engine.outputs.entities import EntityInfo, EntityKey
from engine.outputs.regions import NO_REGION, Region


@dataclass(frozen=True)
class Bar:
    wilayah: str
    value: float | None
    label: str


NOWHERE = Region(None, NO_REGION)


EntityRegions = Mapping[str, Mapping[str, Region]]  # each entity's region, by entity type and then id


def entity_regions(directory: Mapping[EntityKey, EntityInfo]) -> EntityRegions:
    """Each entity's region, looked up by its id (a text that keeps its hash): the directory takes a fresh
    (type, id) tuple, hashed and compared anew, and a national run's charts place ≈ 600,000 members a year
    (measured there: placed in 0.46 CPU-s this made included, against 0.71 through the directory).
    An entity type the directory does not hold reads as an empty one."""
    regions: defaultdict[str, dict[str, Region]] = defaultdict(dict)
    for (entity_type, entity_id), info in directory.items():
        regions[entity_type][entity_id] = info.region
    return regions


def _by_region(members: Iterable[Member], regions: EntityRegions) -> dict[Region, list[Member]]:
    # grouped by code, not by Region: a dataclass hashes in Python, a code (one Region per code in a
    # directory) in C, and a national run's indicators list millions of members
    groups: dict[str | None, tuple[Region, list[Member]]] = {}
    for member in members:
        region = regions[member.entity_type].get(member.entity_id, NOWHERE)
        group = groups.get(region.code)
        if group is None:
            group = groups[region.code] = (region, [])
        group[1].append(member)
    return dict(groups.values())


def count_bar(wilayah: str, count: int) -> Bar:
    return Bar(wilayah, count, angka(count))


def growth_bar(wilayah: str, before: float, now: float, count: int) -> Bar:
    value = growth_percent(before, now)
    members = f"{angka(count)} entitas"
    label = f"{persen(value)} % ({members})" if value is not None else f"tidak terdefinisi: Σ n-1 = 0 ({members})"
    return Bar(wilayah, value, label)


def percentage_bar(wilayah: str, part: int, whole: int) -> Bar:
    value = percent_of(part, whole)
    return Bar(wilayah, value, f"{persen(value)} % ({angka(part)}/{angka(whole)})")


def _count_bars(result: IndicatorResult, regions: EntityRegions) -> list[Bar]:
    groups = _by_region(result.numerator, regions)
    return [count_bar(region.label, len(groups[region])) for region in sorted(groups)]


def _growth_bars(result: IndicatorResult, regions: EntityRegions) -> list[Bar]:
    groups = _by_region(result.numerator, regions)
    return [growth_bar(region.label, sum(member.nilai_sebelum or 0 for member in groups[region]),
                       sum(member.nilai or 0 for member in groups[region]), len(groups[region]))
            for region in sorted(groups)]


def _percentage_bars(result: IndicatorResult, regions: EntityRegions) -> list[Bar]:
    numerator, denominator = _by_region(result.numerator, regions), _by_region(result.denominator, regions)
    return [percentage_bar(region.label, len(numerator.get(region, [])), len(denominator.get(region, [])))
            for region in sorted(set(numerator) | set(denominator))]


def region_bars(indicator: Indicator, result: IndicatorResult, regions: EntityRegions) -> list[Bar]:
    """One bar per kabupaten/kota: the count, the growth of the sums, or numerator ÷ denominator × 100."""
    if isinstance(indicator.formula, Count) or result.denominator_source:
        return _count_bars(result, regions)  # a declared denominator has no split by kabupaten/kota
    if isinstance(indicator.formula, Growth):
        return _growth_bars(result, regions)
    return _percentage_bars(result, regions)


def entity_types(indicator: Indicator) -> set[str]:
    formula = indicator.formula
    sets = [getattr(formula, name) for name in ("numerator", "count", "cohort") if hasattr(formula, name)]
    return {kind for entity_set in sets for kind in entity_set.entity_types()}

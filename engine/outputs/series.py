"""The series of a run as the reports show it: per indicator, its value each year (a trend chart laid
out for the page's inline SVG), a year × kabupaten/kota table, and the LKjIP table (target,
realisasi, capaian per year). Pure data; report.html and report.xlsx render it.

A year whose value is null (a rule not in force, no data, Σ(n-1) = 0) is a gap in the line with its
reason beside it, never a point at 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from engine.indicators.model import Indicator
from engine.numbers import format_number, format_percent
from engine.outputs.region_bars import EntityRegions, entity_types, region_bars
from engine.pipeline import SeriesResult


@dataclass(frozen=True)
class YearValue:
    year: int
    nilai: float | None
    catatan: str
    label: str  # the value as the page writes it, or "—"


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    value: YearValue


@dataclass(frozen=True)
class TrendChart:
    """A line chart of one indicator over the years, laid out for an inline SVG (no script)."""

    width: int
    height: int
    left: int
    bottom: int
    ticks: list[tuple[float, str]]  # y position, label of the value axis
    years: list[tuple[float, int]]  # x position, year
    segments: list[list[TrendPoint]]  # consecutive computable years; a null year breaks the line
    gaps: list[tuple[float, YearValue]]  # x position of each null year, with its reason


@dataclass(frozen=True)
class RegionRow:
    wilayah: str
    values: list[str]  # per year, as written


@dataclass(frozen=True)
class IndicatorSeries:
    definition: Indicator
    values: list[YearValue]
    chart: TrendChart
    regions: list[RegionRow] | None  # None: entities without a region (training participants)


WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 70, 30, 20, 40


def written(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{format_percent(value)} %" if unit == "%" else format_number(value)


TICKS = 4  # intervals of the value axis


def _scale(values: Sequence[float], unit: str) -> tuple[float, float]:
    """The value axis from 0 (or the lowest negative growth) to the highest value; a count's axis
    ends on a multiple of the tick count, so every tick is a whole number of entities."""
    low, high = min([0.0, *values]), max([0.0, *values])
    if unit != "%":
        low, high = -math.ceil(-low / TICKS) * TICKS, max(math.ceil(high / TICKS) * TICKS, TICKS)
    return (low, high) if high > low else (low, low + 1)


def layout_trend(values: Sequence[YearValue], unit: str) -> TrendChart:
    known = [v.nilai for v in values if v.nilai is not None]
    low, high = _scale(known, unit)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values) - 1, 1)

    def x_of(index: int) -> float:
        return round(LEFT + (index * step if len(values) > 1 else plot_w / 2), 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_h - (value - low) / (high - low) * plot_h, 1)

    segments: list[list[TrendPoint]] = [[]]
    gaps = []
    for index, value in enumerate(values):
        if value.nilai is None:
            gaps.append((x_of(index), value))
            segments.append([])
        else:
            segments[-1].append(TrendPoint(x_of(index), y_of(value.nilai), value))
    ticks = [(y_of(value), written(value, unit))
             for value in (round(low + (high - low) * k / TICKS, 2) for k in range(TICKS + 1))]
    return TrendChart(WIDTH, HEIGHT, LEFT, HEIGHT - BOTTOM, ticks, [(x_of(i), v.year) for i, v in enumerate(values)],
                      [segment for segment in segments if segment], gaps)


def _region_rows(series: SeriesResult, definition: Indicator, regions: EntityRegions) -> list[RegionRow] | None:
    if "peserta_diklat" in entity_types(definition):
        return None
    per_year = []
    for result in series.results:
        computed = next(i for i in result.indicators if i.id == definition.id)
        per_year.append({bar.wilayah: bar.label for bar in region_bars(definition, computed, regions)})
    # each year's bars come in Kemendagri order; a region first seen in a later year follows those before it
    names = dict.fromkeys(name for year in per_year for name in year)
    return [RegionRow(name, [year.get(name, "—") for year in per_year]) for name in names]


def indicator_series(series: SeriesResult, regions: EntityRegions) -> list[IndicatorSeries]:
    """Each indicator's value per year, its trend chart and its row per kabupaten/kota (``regions``:
    ``region_bars.entity_regions`` of the run's directory)."""
    out = []
    for definition in series.profile.indicators:
        values = []
        for result in series.results:
            computed = next(i for i in result.indicators if i.id == definition.id)
            values.append(YearValue(result.year, computed.nilai, computed.catatan, written(computed.nilai, computed.satuan)))
        out.append(IndicatorSeries(definition, values, layout_trend(values, definition.unit),
                                   _region_rows(series, definition, regions)))
    return out

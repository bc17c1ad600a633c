"""report.html: one self-contained page (no external asset, opens offline) in Bahasa Indonesia.

The indicator table, a bar chart per indicator by kabupaten/kota (inline SVG drawn by the
template from the numbers computed here), for each indicator the entities in its numerator and
denominator, the per-table accounting and the rejected rows. Jinja2 escapes every value.

Per-entity explanations: ``render_report(..., explanations)`` takes plain text per
``(entity_type, entity_id)``. The first row of an entity in the page carries the anchor
``id="entitas-<entity_type>-<entity_id>"`` and shows the explanation inside that row (macro
``penjelasan_entitas`` in the template); the entity's later rows link to it. With no explanations
the page has no explanation column at all. Explained entities that no list shows (outside every
population, say) get their own section "Entitas lain", with the same anchor and row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from babel.dates import format_datetime
from jinja2 import Environment, PackageLoader, select_autoescape

from engine.indicators.compute import IndicatorResult, Member
from engine.indicators.describe import machine_definition
from engine.indicators.model import Count, Growth, Indicator
from engine.numbers import LOCALE
from engine.numbers import format_number as angka
from engine.numbers import format_percent as persen
from engine.outputs.entities import EntityInfo, EntityKey, entity_directory
from engine.outputs.files import write_atomic
from engine.outputs.region_bars import Bar, EntityRegions, entity_regions, entity_types, region_bars
from engine.outputs.series import indicator_series
from engine.pipeline import RunResult, SeriesResult

LISTED = 300  # members listed per list in the page; all of them are in report.xlsx and run.sqlite
# Members explained per list in the page of a large run: an explanation of a koperasi is ≈ 16 KB, so
# explaining every listed member made a 37 MB page at 30,000 entities; the rest: iku explain --run.
EXPLAINED_PER_LIST = 8
REJECTS_LISTED = 1_000  # rejected rows shown; all of them are in rejects.csv
Explanations = Mapping[EntityKey, str]


# -- charts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartRow:
    y: int
    bar: Bar
    length: float
    colour: str


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart laid out for the template's inline SVG."""

    width: int
    height: int
    label_width: int
    rows: list[ChartRow]
    caption: str


CHART_WIDTH, LABEL_WIDTH, ROW_HEIGHT, TEXT_ROOM = 760, 300, 22, 170


def layout_chart(bars: Sequence[Bar], caption: str) -> Chart:
    scale = max((abs(bar.value) for bar in bars if bar.value is not None), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - TEXT_ROOM
    rows = [ChartRow(y=index * ROW_HEIGHT + 4, bar=bar,
                     length=round(0 if bar.value is None else abs(bar.value) / scale * room, 1),
                     colour="#c0392b" if (bar.value or 0) < 0 else "#2e86c1")
            for index, bar in enumerate(bars)]
    return Chart(CHART_WIDTH, ROW_HEIGHT * len(bars) + 8, LABEL_WIDTH, rows, caption)


def chart_caption(indicator: Indicator, result: IndicatorResult) -> str:
    if isinstance(indicator.formula, Count):
        return "Jumlah entitas yang dihitung, per kabupaten/kota."
    if isinstance(indicator.formula, Growth):
        return ("Pertumbuhan Σ per kabupaten/kota = (Σ n − Σ n-1) ÷ Σ n-1 × 100, atas anggota yang punya nilai "
                "di kedua tahun; merah = turun.")
    if result.denominator_source:
        return (f"Jumlah entitas pembilang per kabupaten/kota. Penyebut provinsi berasal dari {result.denominator_source} "
                "dan tidak dirinci per kabupaten/kota, sehingga persentase per kabupaten/kota tidak ada.")
    return "Persentase per kabupaten/kota = pembilang ÷ penyebut di kabupaten/kota itu × 100."


# -- entity lists -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityRow:
    member: Member
    info: EntityInfo | None
    anchor: str  # "entitas-<entity_type>-<entity_id>": the target of the entity's explanation
    first: bool  # the entity's first row in the page carries the anchor and the explanation


@dataclass(frozen=True)
class EntityList:
    label: str
    rows: list[EntityRow]
    total: int
    query: str = ""  # the whole list from run.sqlite, for a list longer than the page shows


def _list_labels(indicator: Indicator, result: IndicatorResult) -> list[tuple[str, str, tuple[Member, ...]]]:
    """Each list the page shows: its label, its role in run.sqlite's indicator_member, its members."""
    if isinstance(indicator.formula, Count):
        return [("Dihitung (pembilang)", "numerator", result.numerator)]
    if isinstance(indicator.formula, Growth):
        return [("Pembilang dan penyebut (punya nilai di kedua tahun)", "numerator", result.numerator),
                ("Dikecualikan (nilai salah satu tahun tidak ada)", "excluded", result.excluded)]
    if result.denominator_source:  # a declared figure: no entity is its member
        return [("Pembilang", "numerator", result.numerator)]
    return [("Pembilang", "numerator", result.numerator), ("Penyebut", "denominator", result.denominator)]


def _query(indicator_id: str, role: str) -> str:
    return (f"SELECT entity_type, entity_id, nama, kab_kota FROM indicator_member_named "
            f"WHERE indicator_id = '{indicator_id}' AND role = '{role}';")


class _Anchors:
    """Hands out each entity's anchor to its first row in the page, in page order."""

    def __init__(self) -> None:
        self.seen: set[EntityKey] = set()

    def row(self, member: Member, directory: Mapping[EntityKey, EntityInfo]) -> EntityRow:
        key = (member.entity_type, member.entity_id)
        first = key not in self.seen
        self.seen.add(key)
        return EntityRow(member, directory.get(key), f"entitas-{member.entity_type}-{member.entity_id}", first)


def _entity_lists(indicator: Indicator, result: IndicatorResult, directory: Mapping, anchors: _Anchors) -> list[EntityList]:
    return [EntityList(label, [anchors.row(member, directory) for member in members[:LISTED]], len(members),
                       _query(result.id, role))
            for label, role, members in _list_labels(indicator, result)]


def listed_keys(result: RunResult, per_list: int = LISTED) -> set[EntityKey]:
    """The entities the page lists (the first ``per_list`` of each list of each indicator)."""
    return {
        (member.entity_type, member.entity_id)
        for definition, indicator in zip(result.profile.indicators, result.indicators, strict=True)
        for _, _, members in _list_labels(definition, indicator)
        for member in members[:per_list]
    }


# -- page ---------------------------------------------------------------------------------------


def _section(definition: Indicator, computed: IndicatorResult, directory: Mapping, anchors: _Anchors,
             regions: EntityRegions) -> dict[str, object]:
    has_region = "peserta_diklat" not in entity_types(definition)
    return {
        "definition": definition,
        "result": computed,
        "machine": machine_definition(definition),
        "growth": isinstance(definition.formula, Growth),
        "chart": layout_chart(region_bars(definition, computed, regions), chart_caption(definition, computed))
        if has_region else None,
        "lists": _entity_lists(definition, computed, directory, anchors),
    }


def sections(result: RunResult, directory: Mapping[EntityKey, EntityInfo], anchors: _Anchors,
             regions: EntityRegions) -> list[dict[str, object]]:
    return [_section(definition, computed, directory, anchors, regions)
            for definition, computed in zip(result.profile.indicators, result.indicators, strict=True)]


def other_entities(explanations: Explanations, directory: Mapping[EntityKey, EntityInfo], anchors: _Anchors) -> EntityList:
    """Explained entities that no indicator list shows (outside every population, say): why not, too."""
    rest = [Member(entity_type=kind, entity_id=entity_id) for kind, entity_id in explanations
            if (kind, entity_id) not in anchors.seen]
    return EntityList("Entitas lain yang dijelaskan", [anchors.row(member, directory) for member in rest], len(rest))


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("engine.outputs", "templates"), autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True, lstrip_blocks=True,
    )
    environment.filters["angka"] = angka
    environment.filters["persen"] = persen
    return environment


def _generated(now: datetime | None = None) -> str:
    return format_datetime(now or datetime.now(timezone.utc), "d MMMM y, HH.mm 'UTC'", tzinfo=timezone.utc, locale=LOCALE)


def render_report(result: RunResult, explanations: Explanations | None = None,
                  directory: Mapping[EntityKey, EntityInfo] | None = None, explained_per_list: int | None = None,
                  series: SeriesResult | None = None) -> str:
    return "".join(report_pieces(result, explanations, directory, explained_per_list, series))


def report_pieces(result: RunResult, explanations: Explanations | None = None,
                  directory: Mapping[EntityKey, EntityInfo] | None = None,
                  explained_per_list: int | None = None, series: SeriesResult | None = None) -> Iterator[str]:
    """The page in the pieces the template makes them: written as they come, it is never whole in memory
    (tens of MB with a few thousand explanations; rendered whole, it cost several times that)."""
    directory = directory if directory is not None else entity_directory(result)
    explanations = explanations or {}
    anchors = _Anchors()
    series = series if series is not None else SeriesResult.of(result)
    regions = entity_regions(directory)  # made once for the charts of every indicator and year
    indicator_sections = sections(result, directory, anchors, regions)
    template = _environment().get_template("report.html.j2")
    return template.generate(
        result=result, profile=result.profile, dataset=result.dataset, sections=indicator_sections,
        outside=result.outside_province,
        others=other_entities(explanations, directory, anchors), explanations=explanations,
        rejects=result.dataset.rejects[:REJECTS_LISTED], generated=_generated(),
        explained_per_list=explained_per_list, years=series.years, capaian=series.capaian(),
        trends=indicator_series(series, regions) if len(series.results) > 1 else [],
    )


def write_report_html(result: RunResult, out: Path, explanations: Explanations | None = None,
                      directory: Mapping[EntityKey, EntityInfo] | None = None,
                      explained_per_list: int | None = None, series: SeriesResult | None = None) -> None:
    """``explained_per_list``: only that many members of each list are explained (a large run);
    ``series``: the run's years (the page details ``result``, the last, and charts every year)."""
    pieces = report_pieces(result, explanations, directory, explained_per_list, series)
    write_atomic(out / "report.html", (piece.encode("utf-8") for piece in pieces))


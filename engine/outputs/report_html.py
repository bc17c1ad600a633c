"""report.html: one self-contained page (no external asset) in Bahasa Indonesia.

The indicator table, a bar chart per indicator by kabupaten/kota (inline SVG drawn here), and
for each indicator the entities in its numerator and denominator, each with its explanation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from babel.numbers import format_decimal
from jinja2 import Environment, PackageLoader, select_autoescape

from engine.indicators.compute import IndicatorResult, Member
from engine.indicators.model import Count, Growth, Indicator
from engine.outputs.entities import NO_REGION, EntityInfo, entity_directory
from engine.outputs.files import write_atomic
from engine.pipeline import RunResult

LISTED = 300  # members listed per indicator in the page; all of them are in report.xlsx and run.sqlite


def angka(value: float | int | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return format_decimal(value, format=f"#,##0.{'#' * digits}", locale="id_ID")


@dataclass(frozen=True)
class Bar:
    wilayah: str
    value: float | None
    label: str


def _by_region(members: tuple[Member, ...], directory: Mapping[tuple[str, str], EntityInfo]) -> dict[str, list[Member]]:
    groups: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        info = directory.get((member.entity_type, member.entity_id))
        groups[info.wilayah if info else NO_REGION].append(member)
    return groups


def region_bars(indicator: Indicator, result: IndicatorResult, directory: Mapping) -> list[Bar]:
    formula = indicator.formula
    if isinstance(formula, Count):
        return [Bar(w, len(m), angka(len(m))) for w, m in sorted(_by_region(result.numerator, directory).items())]
    if isinstance(formula, Growth):
        bars = []
        for wilayah, members in sorted(_by_region(result.numerator, directory).items()):
            before = sum(member.nilai_sebelum or 0 for member in members)
            now = sum(member.nilai or 0 for member in members)
            value = (now - before) / before * 100 if before else None
            bars.append(Bar(wilayah, value, f"{angka(value)} %" if value is not None else "tidak terdefinisi"))
        return bars
    numerator = _by_region(result.numerator, directory)
    bars = []
    for wilayah, members in sorted(_by_region(result.denominator, directory).items()):
        count = len(numerator.get(wilayah, []))
        value = count / len(members) * 100
        bars.append(Bar(wilayah, value, f"{angka(value)} % ({count}/{len(members)})"))
    return bars


def listed_keys(result: RunResult) -> set[tuple[str, str]]:
    """The entities the page lists (the first ``LISTED`` of each list of each indicator)."""
    return {
        (member.entity_type, member.entity_id)
        for indicator in result.indicators
        for members in (indicator.numerator, indicator.denominator, indicator.excluded)
        for member in members[:LISTED]
    }


def svg_chart(bars: list[Bar]) -> str:
    """A horizontal bar chart as inline SVG; negative growth is drawn in red."""
    width, label_width, row = 760, 300, 22
    scale = max((abs(bar.value) for bar in bars if bar.value is not None), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(bars) + 10}" '
             f'role="img" aria-label="grafik per kabupaten/kota">']
    for index, bar in enumerate(bars):
        y = index * row + 5
        length = 0 if bar.value is None else abs(bar.value) / scale * (width - label_width - 160)
        colour = "#c0392b" if (bar.value or 0) < 0 else "#2e86c1"
        parts.append(f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" font-size="12">{_xml(bar.wilayah)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{row - 6}" fill="{colour}"/>')
        parts.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 14}" font-size="12">{_xml(bar.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _environment() -> Environment:
    environment = Environment(loader=PackageLoader("engine.outputs", "templates"), autoescape=select_autoescape(["html", "j2"]))
    environment.filters["angka"] = angka
    return environment


def _sections(result: RunResult, directory: Mapping) -> list[dict[str, object]]:
    sections = []
    for definition, computed in zip(result.profile.indicators, result.indicators):
        has_region = "peserta_diklat" not in _entity_types(definition)
        sections.append({
            "definition": definition,
            "result": computed,
            "chart": svg_chart(region_bars(definition, computed, directory)) if has_region else None,
            "lists": [(label, members[:LISTED], len(members)) for label, members in (
                ("Pembilang", computed.numerator), ("Penyebut", computed.denominator),
                ("Dikecualikan", computed.excluded)) if members or label != "Dikecualikan"],
        })
    return sections


def _entity_types(indicator: Indicator) -> set[str]:
    formula = indicator.formula
    sets = [getattr(formula, name) for name in ("numerator", "count", "cohort") if hasattr(formula, name)]
    return {kind for entity_set in sets for kind in entity_set.entity_types()}


def render_report(result: RunResult, explanations: Mapping[tuple[str, str], str] | None = None) -> str:
    from markupsafe import Markup

    directory = entity_directory(result)
    template = _environment().get_template("report.html.j2")
    return template.render(
        result=result, profile=result.profile, dataset=result.dataset, directory=directory,
        sections=[{**section, "chart": Markup(section["chart"]) if section["chart"] else None}
                  for section in _sections(result, directory)],
        explanations=explanations or {}, listed=LISTED,
        generated=datetime.now(timezone.utc).strftime("%d-%m-%Y %H:%M UTC"),
    )


def write_report_html(result: RunResult, out: Path, explanations: Mapping[tuple[str, str], str] | None = None) -> None:
    write_atomic(out / "report.html", render_report(result, explanations).encode("utf-8"))

"""Why, and why not: explanations of entities' tags and of indicators, from a run's decisions.

``explain(source, wanted, tag)`` answers ``iku explain`` from a run in memory (``ResultSource``) or
from a run's record (``engine.runstore.reader.StoreSource``) — one explainer, one renderer.
``explanation_texts(result)`` gives the text explanation of every entity (all its rules), keyed by
``(entity_type, entity_id)``, for the HTML report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.explain.build import Explainer
from engine.explain.model import EntityExplanation, IndicatorExplanation
from engine.explain.render import render_entity, render_indicator
from engine.explain.source import ResultSource, RunSource, seen
from engine.explain.suggest import UnknownId, UnknownTag

if TYPE_CHECKING:  # a run's record is explained without the pipeline's modules
    from engine.pipeline import RunResult

Explanation = EntityExplanation | IndicatorExplanation


def explain(source: RunSource | RunResult, wanted: str, tag: str | None = None) -> list[Explanation]:
    """The explanations of an indicator id and of every entity with that id (of any type)."""
    explainer = Explainer(source)
    indicators: list[Explanation] = [explainer.indicator(wanted) for item in explainer.source.indicator_ids()
                                     if item == wanted]
    keys = explainer.entity_keys(wanted)
    if not indicators and not keys:
        raise UnknownId(wanted, explainer.suggestions(wanted))
    if tag is not None and keys:
        explainer.check_tag(tag)
    return [*indicators, *(explainer.entity(kind, entity_id, tag) for kind, entity_id in keys)]


def render(explanation: Explanation) -> str:
    if isinstance(explanation, IndicatorExplanation):
        return render_indicator(explanation)
    return render_entity(explanation)


def explanation_texts(
    result: RunResult, only: set[tuple[str, str]] | None = None
) -> dict[tuple[str, str], str]:
    """The text explanation of every entity (or of ``only`` these), for the report."""
    explainer = Explainer(result)
    return {
        (kind, entity.entity_id): render_entity(explainer.of(seen(entity)))
        for kind, group in result.entities.items()
        for entity in group
        if only is None or (kind, entity.entity_id) in only
    }


__all__ = ["Explainer", "Explanation", "ResultSource", "RunSource", "UnknownId", "UnknownTag", "explain",
           "explanation_texts", "render"]

"""Where an explanation's material comes from: a run in memory, or a run's record.

The explainer asks a ``RunSource`` for the rules in force, an entity's decisions and source rows,
and an indicator's explanation; ``ResultSource`` answers from a ``RunResult`` (``iku explain``
without ``--run``, the report), ``engine.runstore.reader.StoreSource`` from ``run.sqlite``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from engine.decisions import Decision
from engine.explain.model import IndicatorExplanation
from engine.explain.ruleview import RuleView, known_tags, rule_view
from engine.names import closest_names

if TYPE_CHECKING:  # a run's record is explained without the pipeline's modules
    from engine.facts import EntityFacts
    from engine.pipeline import RunResult
    from engine.rules.rulebook import RuleBook

EntityKey = tuple[str, str]


@dataclass(frozen=True)
class EntitySeen:
    """An entity as an explanation shows it: who, where its own row is, and its facts (as durable_rules had them)."""

    entity_type: str
    entity_id: str
    nama: str
    table: str
    row: int
    facts: list[dict[str, Any]]


@runtime_checkable  # the explainer tells a source from a RunResult (which it wraps in a ResultSource)
class RunSource(Protocol):
    year: int
    profile: str
    rules_version: str

    def source_name(self, table: str) -> str: ...
    def outside_note(self, entity_type: str, entity_id: str) -> str | None: ...
    def rules(self, entity_type: str) -> list[RuleView]: ...
    def decisions(self, entity_type: str, entity_id: str) -> list[Decision]: ...
    def entity_keys(self, entity_id: str) -> list[EntityKey]: ...
    def entity(self, entity_type: str, entity_id: str) -> EntitySeen: ...
    def tags(self) -> list[str]: ...
    def suggestions(self, wanted: str) -> list[str]: ...
    def indicator_ids(self) -> list[str]: ...
    def indicator(self, indicator_id: str) -> IndicatorExplanation: ...


def rule_views(result: RunResult, entity_type: str) -> list[RuleView]:
    """The rules in force for ``entity_type`` in the run's year, in the order they are evaluated."""
    return rule_views_in(result.book, result.year, entity_type)


def rule_views_in(book: RuleBook, year: int, entity_type: str) -> list[RuleView]:
    """The rules of ``book`` in force for ``entity_type`` in ``year``, in the order they are evaluated."""
    from engine.rules.compiler import compile_ruleset  # here: a record's reader imports this module, not the compiler

    return [rule_view(entity_type, compiled) for compiled in compile_ruleset(book, entity_type, year).rules]


def seen(entity: EntityFacts) -> EntitySeen:
    return EntitySeen(entity.entity_type, entity.entity_id, entity.nama, entity.record.table, entity.record.row,
                      entity.facts)


class ResultSource:
    """A run in memory."""

    def __init__(self, result: RunResult):
        self.result = result
        self.year = result.year
        self.profile = result.profile.id
        self.rules_version = result.book.version
        self._sources = {count.table: count.source for count in result.dataset.counts}
        self._rules: dict[str, list[RuleView]] = {}
        self._decisions: tuple[EntityKey, list[Decision]] | None = None  # of the entity being explained

    @cached_property
    def _entities(self) -> dict[EntityKey, EntityFacts]:
        """Every entity by type and id, made when an entity is looked up by id (a million keys in a
        national run; the report's explanations go through the entities in order instead)."""
        return {(kind, entity.entity_id): entity for kind, group in self.result.entities.items() for entity in group}

    def source_name(self, table: str) -> str:
        return self._sources.get(table, table)

    def outside_note(self, entity_type: str, entity_id: str) -> str | None:
        return self.result.scope.note(entity_type, entity_id)

    def rules(self, entity_type: str) -> list[RuleView]:
        if entity_type not in self._rules:
            self._rules[entity_type] = rule_views(self.result, entity_type)
        return self._rules[entity_type]

    def decisions(self, entity_type: str, entity_id: str) -> list[Decision]:
        key = (entity_type, entity_id)
        if self._decisions is None or self._decisions[0] != key:
            self._decisions = (key, self.result.decisions.of_entity(entity_type, entity_id))
        return self._decisions[1]

    def entity_keys(self, entity_id: str) -> list[EntityKey]:
        return [key for key in self._entities if key[1] == entity_id]

    def entity(self, entity_type: str, entity_id: str) -> EntitySeen:
        return seen(self._entities[(entity_type, entity_id)])

    def tags(self) -> list[str]:
        return known_tags(self.result.book)

    def suggestions(self, wanted: str) -> list[str]:
        known = [key[1] for key in self._entities] + self.indicator_ids()
        return closest_names(wanted, known)

    def indicator_ids(self) -> list[str]:
        return [indicator.id for indicator in self.result.indicators]

    def indicator(self, indicator_id: str) -> IndicatorExplanation:
        from engine.explain.indicator import explain_indicator  # a record's reader explains indicators itself

        return explain_indicator(self.result, indicator_id, self._name_of)

    def _name_of(self, entity_type: str, entity_id: str) -> str:
        entity = self._entities.get((entity_type, entity_id))
        return entity.nama if entity else ""

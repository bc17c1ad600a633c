"""A compiled rule as an explanation reads it: texts, legal basis, period, parameters, clause tree.

Explanations are made from a run in memory and from a run's record (``run.sqlite``); both give
the explainer this one shape, so that one explainer and one renderer serve both. The record
stores it as it is here (``engine.runstore.rulecodec``); the clause tree's nodes are the
compiler's own ``Node``/``Leaf``/``Test`` (``engine.rules.nodes``: a record is read without the compiler).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from engine.rules.nodes import Leaf, Node, UsedParameter

if TYPE_CHECKING:  # made from them in a run; a record's reader has neither
    from engine.rules.compiler import CompiledRule
    from engine.rules.rulebook import RuleBook


@dataclass(frozen=True)
class Neither:
    """Said when an entity meets a rule's prerequisites but gets neither its tag nor ``tag``."""

    tag: str
    text: str


@dataclass(frozen=True)
class RuleView:
    entity_type: str
    rule_id: str
    name: str
    tag: str
    version: int
    effective_from: date
    effective_to: date | None
    legal_basis: tuple[str, ...]
    notes: tuple[str, ...]  # the rule's interpretation notes, then its version's
    neither: Neither | None
    root: str
    nodes: dict[str, Node]  # in the compiler's order: a decision's clause outcomes follow it
    parameters: tuple[UsedParameter, ...]

    @property
    def leaves(self) -> list[Leaf]:
        return [node.leaf for node in self.nodes.values() if node.leaf is not None]


def rule_view(entity_type: str, compiled: CompiledRule) -> RuleView:
    rule, version = compiled.rule, compiled.version
    return RuleView(
        entity_type=entity_type, rule_id=rule.id, name=rule.name, tag=rule.tag, version=version.version,
        effective_from=version.effective.start, effective_to=version.effective.end,
        legal_basis=tuple(basis.cite() for basis in rule.legal_basis), notes=(*rule.notes, *version.notes),
        neither=Neither(rule.neither.tag, rule.neither.text) if rule.neither else None,
        root=compiled.root, nodes=dict(compiled.nodes), parameters=tuple(compiled.parameters.values()),
    )


def known_tags(book: RuleBook) -> list[str]:
    """Every tag some rule of the book gives (in force or not): what ``--tag`` may name."""
    return sorted({rule.tag for rule in book.rules})

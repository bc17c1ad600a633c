"""A rule's condition as an auditor reads it, and which of its clauses decided a verdict.

Composite nodes (``#all1``, ``#any2``) are structure, not clauses: an ``all`` inside an ``all`` (or
an ``any`` inside an ``any``) says nothing new and is flattened; a change of kind is shown as a
group line ("salah satu dari yang berikut"); what sits under a named ``not`` is shown beneath it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from engine.decisions import Decision
from engine.explain.ruleview import RuleView
from engine.rules.nodes import Node


def _why(compiled: RuleView, decision: Decision, node_id: str, held: bool) -> list[str]:
    """The nodes that made ``node_id`` hold (``held``) or fail; nothing when it did the other.

    An ``all`` holds through all its children and fails through the failed ones; an ``any`` holds
    through the children that held and fails through all of them — one rule for both, because a
    child that went the other way is no reason. A named ``not`` that held is itself the reason (its
    text says it positively); one that failed fails through what made its child hold, which is
    concrete ("Menyelenggarakan RAT pada tahun 2022") where a negated text would not be.
    """
    node = compiled.nodes[node_id]
    if decision.clause(node_id).held != held:
        return []
    if node.kind == "leaf":
        return [node_id]
    if node.kind == "not":
        if held and node.text:
            return [node_id]
        return _why(compiled, decision, node.children[0], not held)
    return [reason for child in node.children for reason in _why(compiled, decision, child, held)]


def deciding_nodes(compiled: RuleView, decision: Decision) -> list[str]:
    """Why not for a tag not given, why for a tag given."""
    return _why(compiled, decision, compiled.root, decision.given)


@dataclass(frozen=True)
class Shown:
    """One line of a rule's condition as displayed."""

    node: str
    depth: int
    kind: str  # klausa, bukan, kelompok


def _flattened(compiled: RuleView, node: Node) -> list[str]:
    children: list[str] = []
    for child_id in node.children:
        child = compiled.nodes[child_id]
        children.extend(_flattened(compiled, child) if child.kind == node.kind else [child_id])
    return children


def _lines(compiled: RuleView, node_id: str, depth: int) -> Iterator[Shown]:
    node = compiled.nodes[node_id]
    if node.kind == "leaf":
        yield Shown(node_id, depth, "klausa")
        return
    if node.kind == "not":
        yield Shown(node_id, depth, "bukan")
        child = compiled.nodes[node.children[0]]
        # the negation's own text says what its child means together; the child's clauses follow
        below = _flattened(compiled, child) if child.kind in ("all", "any") else [child.node]
        for grandchild in below:
            yield from _lines(compiled, grandchild, depth + 1)
        return
    yield Shown(node_id, depth, "kelompok")
    for child in _flattened(compiled, node):
        yield from _lines(compiled, child, depth + 1)


def top_level(compiled: RuleView) -> tuple[str, list[list[Shown]]]:
    """How the top-level clauses combine ("semua" or "salah satu"), and each with what is beneath it."""
    root = compiled.nodes[compiled.root]
    if root.kind not in ("all", "any"):
        return "semua", [list(_lines(compiled, compiled.root, 0))]
    blocks = [list(_lines(compiled, child, 0)) for child in _flattened(compiled, root)]
    return ("semua" if root.kind == "all" else "salah satu"), blocks


def group_text(node: Node, held: bool) -> str:
    if node.kind == "any":
        return "salah satu dari yang berikut terpenuhi" if held else "tidak satu pun dari yang berikut terpenuhi"
    return "semua yang berikut terpenuhi" if held else "tidak semua yang berikut terpenuhi"

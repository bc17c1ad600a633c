"""The compiled clause tree's nodes (``Node``, ``Leaf``, ``Test``) and the parameters a rule used.

Plain data, kept apart from the compiler: explanations read them from a run's record
(``engine.runstore.rulecodec``) without loading the compiler, the rule schema or durable_rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Test:
    """A resolved comparison: field, operator and the constant it is compared with."""

    field: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class Leaf:
    node: str
    rule_id: str
    clause_id: str
    text: str
    failed_text: str
    table: str | None = None
    tests: tuple[Test, ...] = ()
    min_count: int = 1
    tag: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Node:
    node: str
    kind: str  # leaf, all, any, not
    children: tuple[str, ...] = ()
    leaf: Leaf | None = None
    text: str | None = None


@dataclass(frozen=True)
class UsedParameter:
    id: str
    value: Any
    version_from: date
    version_to: date | None

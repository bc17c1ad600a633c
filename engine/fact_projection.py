"""A table's facts as durable_rules is given them: which values they carry, in which order, and
their compact JSON text — one description that the evaluator (``lean_evaluate``, a fact row at a
time) and the facts stage (``fact_texts``, column-wise with polars) both follow, so that a fact's
text is the same byte for byte whichever made it.

Kept apart from the evaluator so that what reads the data need not import durable_rules, and apart
from polars so that the evaluator need not import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from engine.facts import ENTITY_TABLES, FactRow, fact_id, fact_layout

if TYPE_CHECKING:  # the compiler imports durable_rules' host; only its type is needed here
    from engine.rules.compiler import CompiledRuleset
    from engine.rules.nodes import Test

# The session of the entity being evaluated; one at a time, deleted after each entity (trap 17), so
# its id can be constant.
SID = "w"
TAIL = '"w"}'  # closes a fact's JSON head: ,"sid": + this


def json_head(fact: dict[str, Any]) -> str:
    """The fact as compact JSON text without its closing brace, ready for ``,"sid":…}``."""
    return orjson.dumps(fact).decode()[:-1] + ',"sid":'


class Projection:
    """A table's facts as durable_rules is given them: ``t``, ``id`` and only the values some leaf
    reads (``row`` among them when a leaf counts records), then ``sid``. durable_rules parses, stores
    and sends back in each action's message every property of a fact; the ones no leaf reads change
    no match, no decision and no evidence (the evidence is the facts' ids)."""

    __slots__ = ("table", "relevant", "year_tests", "names", "places", "row", "prefix")

    def __init__(self, table: str, read: set[str], relevant: Callable[[FactRow], bool] | None,
                 year_tests: list[tuple[Test, ...]] | None = None):
        self.table = table
        self.relevant = relevant  # None: every row is relevant
        self.year_tests = year_tests  # what ``relevant`` tests (``CompiledRuleset.year_tests``), for polars
        self.row = "row" in read
        self.prefix = fact_id(table, "")
        # the values read, in the layout's order, and their places in a fact row: (table, row, *values)
        self.names = tuple(name for name in fact_layout(table) if name in read)
        self.places = tuple((name, 2 + index) for index, name in enumerate(fact_layout(table)) if name in read)

    def fact(self, row: FactRow) -> dict[str, Any] | None:
        """The fact of ``row``; None if no leaf can match it (``CompiledRuleset.relevant_rows``)."""
        relevant = self.relevant
        if relevant is not None and not relevant(row):
            return None
        number = row[1]
        fact: dict[str, Any] = {"t": self.table, "id": f"{self.prefix}{number}"}
        if self.row:
            fact["row"] = number
        for name, place in self.places:
            value = row[place]
            if value is not None:
                fact[name] = value
        fact["sid"] = SID
        return fact


def fact_text(projection: Projection, row: FactRow) -> str | None:
    """The compact JSON text of ``row``'s fact, as the evaluator asserts it; None if no leaf can match it."""
    fact = projection.fact(row)
    return None if fact is None else orjson.dumps(fact).decode()


def projection_of(compiled: CompiledRuleset, table: str) -> Projection | None:
    """How a fact of ``table`` is handed to durable_rules under ``compiled``; None: no leaf reads the table."""
    leaves = [leaf for rule in compiled.rules for leaf in rule.leaves if leaf.table == table]
    if not leaves:
        return None
    read = {test.field for leaf in leaves for test in leaf.tests}
    if any(leaf.min_count > 1 for leaf in leaves):
        read.add("row")  # k distinct records are told apart by their rows (compiler._leaf_pattern)
    return Projection(table, read, compiled.relevant_rows(table), compiled.year_tests.get(table))


def projections_of(compiled: CompiledRuleset) -> dict[str, Projection | None]:
    """The projection of each table an entity of ``compiled``'s type has facts of: its own, then its related ones."""
    own, _, related = ENTITY_TABLES[compiled.entity_type]
    return {table: projection_of(compiled, table) for table in (own, *related)}


@dataclass(frozen=True)
class YearProjections:
    """How the facts of each entity type are given to durable_rules in ``year`` (by the rules in force
    then): entity type → ``projections_of`` its compiled ruleset."""

    year: int
    by_type: dict[str, dict[str, Projection | None]]

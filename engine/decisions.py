"""Decisions: the model of one, and the table of a run's, held as compact rows.

A decision says whether an entity got a rule's tag in year n, which clauses held and which facts
each clause matched. A run of 100,000 entities makes about a million of them. As pydantic objects
(with their clause results) they took most of the parent process's memory and, rebuilt from the
workers' answers, about a third of the rules stage's CPU. So the run keeps them as plain tuples
in a ``DecisionTable``: the outputs read the rows (audit log, run.sqlite, tags), and a
``Decision`` object is built only when one is read as such (explanations, tests, ``rules diff``).
"""

from __future__ import annotations

import pickle
from operator import itemgetter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import overload

from pydantic import BaseModel, ConfigDict

from engine.spool import BlockSpool, SpooledList


class ClauseResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    node: str
    held: bool
    evidence: tuple[str, ...] = ()


class Decision(BaseModel):
    model_config = ConfigDict(frozen=True)

    entity_type: str
    entity_id: str
    year: int
    rule_id: str
    rule_version: int
    tag: str
    given: bool
    clauses: tuple[ClauseResult, ...]

    def clause(self, node: str) -> ClauseResult:
        return next(result for result in self.clauses if result.node == node)


ClauseRow = tuple[str, bool, tuple[str, ...]]  # node, held, evidence
# entity_type, entity_id, year, rule_id, rule_version, tag, given, clauses
DecisionRow = tuple[str, str, int, str, int, str, bool, tuple[ClauseRow, ...]]
DecisionKey = tuple[str, str, str]  # entity_type, entity_id, rule_id

_DECISION_FIELDS = set(Decision.model_fields)
_CLAUSE_FIELDS = set(ClauseResult.model_fields)


def clause_row(clause: ClauseResult) -> ClauseRow:
    return (clause.node, clause.held, clause.evidence)


def clause_rows(results: Iterable[ClauseResult]) -> tuple[ClauseRow, ...]:
    return tuple(map(clause_row, results))


def decision_row(
    decision: Decision, clauses: Callable[[tuple[ClauseResult, ...]], tuple[ClauseRow, ...]] = clause_rows
) -> DecisionRow:
    """The decision as a row; ``clauses`` makes its clause rows (the workers share equal ones)."""
    return (decision.entity_type, decision.entity_id, decision.year, decision.rule_id, decision.rule_version,
            decision.tag, decision.given, clauses(decision.clauses))


def decision_of(row: DecisionRow) -> Decision:
    """The row as a ``Decision``, without validating again (every row was made from a validated one)."""
    entity_type, entity_id, year, rule_id, rule_version, tag, given, clauses = row
    return Decision.model_construct(
        _DECISION_FIELDS, entity_type=entity_type, entity_id=entity_id, year=year, rule_id=rule_id,
        rule_version=rule_version, tag=tag, given=given,
        clauses=tuple(ClauseResult.model_construct(_CLAUSE_FIELDS, node=node, held=held, evidence=evidence)
                      for node, held, evidence in clauses),
    )


_ENTITY = itemgetter(0, 1)  # a decision row's entity: (entity type, entity id)


class GivenTags:
    """The tags given to each entity, by entity type and id, gathered as the decisions are appended.

    The indicators ask which entities hold which tags; gathered here, a large run's decisions need
    not be read back from the spool for it (≈ 3 million rows for the national registry). An entity's
    tags are one of a few combinations: each is one frozenset, shared.
    """

    def __init__(self) -> None:
        self.by_type: dict[str, dict[str, frozenset[str]]] = {}
        self._shared: dict[frozenset[str], frozenset[str]] = {}

    def add(self, entity_type: str, entity_id: str, tags: Iterable[str]) -> None:
        held = frozenset(tags)
        if not held:
            return
        of_type = self.by_type.setdefault(entity_type, {})
        earlier = of_type.get(entity_id)
        if earlier is not None:  # an entity whose decisions did not come in one run still adds up
            held |= earlier
        of_type[entity_id] = self._shared.setdefault(held, held)

    def add_row(self, row: DecisionRow) -> None:
        if row[6]:
            self.add(row[0], row[1], (row[5],))


class DecisionTable(Sequence[Decision]):
    """Every decision of a run, in evaluation order; reads as a sequence of ``Decision``.

    Given a ``spool``, the table holds only its newest rows in memory: every ``BLOCK`` rows or so,
    at an entity's first row (an entity's decisions stay in one block), it writes them to the spool
    and remembers which block holds which entity. A run of a million entities makes about ten
    million decisions, 1.4 KB per entity in memory; spooled, they are written once and read back a
    block at a time by each output that reads them.
    """

    BLOCK = 20_000

    def __init__(self, rows: Iterable[DecisionRow] = (), spool: BlockSpool | None = None):
        self._list: SpooledList[DecisionRow] = SpooledList(spool)
        self._blocks = self._list.blocks  # the spool's numbers of this table's blocks
        self._block_of: dict[str, dict[str, int]] = {}  # entity type → entity id → its block in the spool
        self._by_entity: dict[tuple[str, str], list[int]] | None = None  # entity → positions in the held rows
        self._given: GivenTags | None = GivenTags()  # None once forgotten (``forget_given_tags``)
        for row in rows:
            self.append_row(row)

    @classmethod
    def of(cls, decisions: Iterable[Decision]) -> DecisionTable:
        return cls(decision_row(decision) for decision in decisions)

    @property
    def spooled(self) -> bool:
        """Whether some rows are in the spool, not in memory."""
        return bool(self._blocks)

    def append_row(self, row: DecisionRow) -> None:
        held = self._list.held
        if self._list.spool is not None and len(held) >= self.BLOCK and held[-1][:2] != row[:2]:
            self._write_block()
        self._list.append(row)
        self._by_entity = None
        if self._given is not None:
            self._given.add_row(row)

    def append_entity(self, rows: list[DecisionRow]) -> None:
        """One entity's rows (all of the same entity), at once: what ``append_row`` does per row, once."""
        if not rows:
            return
        held = self._list.held
        if self._list.spool is not None and len(held) >= self.BLOCK and held[-1][:2] != rows[0][:2]:
            self._write_block()
            held = self._list.held
        held.extend(rows)
        self._by_entity = None
        if self._given is not None:
            self._given.add(rows[0][0], rows[0][1], [row[5] for row in rows if row[6]])

    def extend(self, other: DecisionTable) -> None:
        for row in other.rows():
            self.append_row(row)

    def given_tags(self) -> dict[str, dict[str, frozenset[str]]]:
        """The tags given to each entity, by entity type and id (entities given none are absent);
        gathered anew from the rows once ``forget_given_tags`` has let them go."""
        if self._given is None:
            self._given = GivenTags()
            for row in self.rows():
                self._given.add_row(row)
        return self._given.by_type

    def forget_given_tags(self) -> None:
        """Lets the tags gathered for the indicators go: at a million entities they hold ≈ 100 MB,
        and the outputs that follow do not read them."""
        self._given = None

    def rows(self) -> Iterator[DecisionRow]:
        return iter(self._list)

    def pickled(self) -> Iterator[bytes]:
        """The rows in order as pickled lists, for another process: the spool's blocks as written (not
        read into objects here), then the rows held in memory."""
        spool = self._list.spool
        for number in self._blocks:
            assert spool is not None
            yield spool.raw(number)
        yield pickle.dumps(self._list.held, protocol=pickle.HIGHEST_PROTOCOL)

    def keys(self) -> Iterator[DecisionKey]:
        return ((row[0], row[1], row[3]) for row in self.rows())

    def of_entity(self, entity_type: str, entity_id: str) -> list[Decision]:
        """The decisions of one entity, in rule order (an index of the rows in memory is built on the first call)."""
        number = self._block_of.get(entity_type, {}).get(entity_id)
        if number is not None:
            assert self._list.spool is not None
            return [decision_of(row) for row in self._list.spool.read(number)
                    if row[1] == entity_id and row[0] == entity_type]
        held = self._list.held
        if self._by_entity is None:
            self._by_entity = {}
            for position, row in enumerate(held):
                self._by_entity.setdefault((row[0], row[1]), []).append(position)
        return [decision_of(held[position]) for position in self._by_entity.get((entity_type, entity_id), [])]

    def _write_block(self) -> None:
        rows = self._list.held
        # the block's entities, each once: the per-row work in C (a block is 20,000 rows of ≈ 2,000 entities)
        entities = dict.fromkeys(map(_ENTITY, rows))
        number = self._list.write()
        for entity_type, entity_id in entities:
            if self._block_of.setdefault(entity_type, {}).setdefault(entity_id, number) != number:
                raise ValueError(f"keputusan {entity_type} {entity_id} tidak berurutan: sebuah tabel dengan spool "
                                 "menerima keputusan satu entitas secara berturut-turut")

    def __len__(self) -> int:
        return len(self._list)

    @overload
    def __getitem__(self, index: int) -> Decision: ...

    @overload
    def __getitem__(self, index: slice) -> list[Decision]: ...

    def __getitem__(self, index: int | slice) -> Decision | list[Decision]:
        if isinstance(index, slice):
            return [decision_of(row) for row in list(self.rows())[index]]
        position = index + len(self) if index < 0 else index
        spool = self._list.spool
        for number in self._blocks:
            assert spool is not None
            if position < spool.items(number):
                return decision_of(spool.read(number)[position])
            position -= spool.items(number)
        held = self._list.held
        if not 0 <= position < len(held):
            raise IndexError("indeks keputusan di luar tabel")
        return decision_of(held[position])

    def __iter__(self) -> Iterator[Decision]:
        return map(decision_of, self.rows())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DecisionTable):
            return len(self) == len(other) and all(mine == theirs for mine, theirs in zip(self.rows(), other.rows()))
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list


def decision_keys(decisions: Iterable[Decision] | DecisionTable) -> list[DecisionKey]:
    if isinstance(decisions, DecisionTable):
        return list(decisions.keys())
    return [(decision.entity_type, decision.entity_id, decision.rule_id) for decision in decisions]


__all__ = ["ClauseResult", "ClauseRow", "Decision", "DecisionKey", "DecisionRow", "DecisionTable", "GivenTags",
           "decision_keys",
           "decision_of", "decision_row"]

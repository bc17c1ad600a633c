"""Decisions: the model of one, and the table of a run's, held as compact outcomes or rows.

A decision says whether an entity got a rule's tag in year n, which clauses held and which facts
each clause matched. A run of 100,000 entities makes about a million of them. As pydantic objects
(with their clause results) they took most of the parent process's memory and, rebuilt from the
workers' answers, about a third of the rules stage's CPU; made as rows (≈ ten per entity) from
those answers, they were still most of the parent's CPU in that stage and most of the spool. So a
``DecisionTable`` keeps, where the workers decided by terms, each entity's outcome as they answered
it: which record leaves held (a mask) and their evidence, with the number of the tree
(``lean_evaluate.OutcomeTree``) that turns it into the entity's rows. What follows from a mask is
worked out once per mask, not per entity: the tags it gives (the indicators, tags.csv) and the
record's verdict (run.sqlite). Rows are made only where one entity's are read (explanations,
``of_entity``) or every row is (``rows()``, tests, ``rules diff``). Elsewhere (a small run in one
process, the clause-level evaluator) the table holds plain rows, and a ``Decision`` object is built
only when one is read as such.
"""

from __future__ import annotations

import pickle
from operator import itemgetter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from typing import Protocol, overload

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
# An entity's outcome as the workers answer it (``lean_evaluate.Outcome``), kept with whose it is:
# entity type, entity id, the number of its tree in the table, the mask of the record leaves that
# held, their evidence in bit order. Told from a row by its length (5, a row has 8).
CompactOutcome = tuple[str, str, int, int, tuple[tuple[str, ...], ...]]
Item = DecisionRow | CompactOutcome  # what a table keeps: one row, or one entity's outcome
COMPACT = 5  # the length of a ``CompactOutcome``
TagTriple = tuple[str, str, int]  # tag, rule id, year: a tag given, as tags.csv lists it
# per tree number of a table: a mask → the tags it gives as ``TagTriple``s, sorted by tag (rule order among equal tags)
TagTables = list[dict[int, tuple[TagTriple, ...]]]
Given = tuple[str, str, tuple[TagTriple, ...]]  # entity type, entity id, tags given (``given_in``)

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


_ENTITY = itemgetter(0, 1)  # a decision row's or a compact outcome's entity: (entity type, entity id)


class OutcomeRows(Protocol):
    """What turns a compact outcome into rows: ``lean_evaluate.OutcomeTree`` (of one entity type and year)."""

    year: int
    size: int  # rows per entity: the rules in force

    def rows(self, entity_type: str, entity_id: str, year: int, mask: int,
             found: tuple[tuple[str, ...], ...]) -> list[DecisionRow]: ...

    def tags_of(self, entity_id: str, mask: int, found: tuple[tuple[str, ...], ...]) -> frozenset[str]: ...

    def tag_table(self) -> dict[int, tuple[TagTriple, ...]]: ...


def given_in(items: Iterable[Item], tables: Sequence[Mapping[int, tuple[TagTriple, ...]]]) -> Iterator[Given]:
    """The tags each item gives (items giving none left out): a compact outcome's from its tree's
    table (``DecisionTable.tag_tables``: worked out once per mask), a row's if it gives its tag."""
    for item in items:
        if len(item) == COMPACT:
            triples = tables[item[2]][item[3]]  # type: ignore[index]
            if triples:
                yield item[0], item[1], triples
        elif item[6]:  # type: ignore[misc]
            yield item[0], item[1], ((item[5], item[3], item[2]),)  # type: ignore[misc]


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

    It keeps items: an entity's compact outcome (``append_outcomes``: the workers' answer where
    durable_rules decides by terms, with the tree that makes its rows, ``trees``) or one row
    (``append_row``, ``append_entity``); an entity's decisions are one outcome or consecutive rows.
    ``rows()`` makes an outcome's rows as they are read. Given a ``spool``, the table holds only its
    newest items in memory: every ``BLOCK`` decisions or so, at an entity's first item (an entity's
    decisions stay in one block), it writes them to the spool and remembers which block holds which
    entity. A run of a million entities makes about ten million decisions; spooled, their items are
    written once and read back a block at a time by each output that reads them.
    """

    BLOCK = 20_000

    def __init__(self, rows: Iterable[DecisionRow] = (), spool: BlockSpool | None = None):
        self._list: SpooledList[Item] = SpooledList(spool)
        self._blocks = self._list.blocks  # the spool's numbers of this table's blocks
        self._sizes: list[int] = []  # decisions in each of those blocks
        self._held_size = 0  # decisions in the items held in memory
        self.trees: list[OutcomeRows] = []  # what makes the rows of compact outcomes, by their number
        self._block_of: dict[str, dict[str, int]] = {}  # entity type → entity id → its block in the spool
        self._by_entity: dict[tuple[str, str], list[int]] | None = None  # entity → positions in the held items
        self._given: GivenTags | None = GivenTags()  # None once forgotten (``forget_given_tags``)
        for row in rows:
            self.append_row(row)

    @classmethod
    def of(cls, decisions: Iterable[Decision]) -> DecisionTable:
        return cls(decision_row(decision) for decision in decisions)

    @property
    def spooled(self) -> bool:
        """Whether some items are in the spool, not in memory."""
        return bool(self._blocks)

    def _full(self, entity: tuple[str, str]) -> bool:
        """Whether the held items make a block before ``entity``'s first one."""
        held = self._list.held
        return self._list.spool is not None and self._held_size >= self.BLOCK and held[-1][:2] != entity

    def append_row(self, row: DecisionRow) -> None:
        if self._full(row[:2]):
            self._write_block()
        self._list.held.append(row)
        self._held_size += 1
        self._by_entity = None
        if self._given is not None:
            self._given.add_row(row)

    def append_entity(self, rows: list[DecisionRow]) -> None:
        """One entity's rows (all of the same entity), at once: what ``append_row`` does per row, once."""
        if not rows:
            return
        if self._full(rows[0][:2]):
            self._write_block()
        self._list.held.extend(rows)
        self._held_size += len(rows)
        self._by_entity = None
        if self._given is not None:
            self._given.add(rows[0][0], rows[0][1], [row[5] for row in rows if row[6]])

    def tree_number(self, tree: OutcomeRows) -> int:
        """The number compact outcomes made by ``tree`` are kept with (given once per tree)."""
        for number, known in enumerate(self.trees):
            if known is tree:
                return number
        self.trees.append(tree)
        return len(self.trees) - 1

    def append_outcomes(self, number: int, entity_type: str, entity_ids: Iterable[str],
                        outcomes: Iterable[tuple[int, tuple[tuple[str, ...], ...]]]) -> None:
        """Entities' compact outcomes (``lean_evaluate.Outcome``: mask, evidence) made by tree
        ``number``, each checked by the tree; an entity's rows are made only when read."""
        tree = self.trees[number]
        size, tags_of = tree.size, tree.tags_of
        given = self._given
        for entity_id, (mask, found) in zip(entity_ids, outcomes, strict=True):
            tags = tags_of(entity_id, mask, found)
            if self._held_size >= self.BLOCK and self._full((entity_type, entity_id)):
                self._write_block()
            self._list.held.append((entity_type, entity_id, number, mask, found))
            self._held_size += size
            if given is not None and tags:
                given.add(entity_type, entity_id, tags)
        self._by_entity = None

    def extend(self, other: DecisionTable) -> None:
        for row in other.rows():
            self.append_row(row)

    def given_tags(self) -> dict[str, dict[str, frozenset[str]]]:
        """The tags given to each entity, by entity type and id (entities given none are absent);
        gathered anew from the items once ``forget_given_tags`` has let them go."""
        if self._given is None:
            self._given = GivenTags()
            for entity_type, entity_id, triples in self.given():
                self._given.add(entity_type, entity_id, (tag for tag, _, _ in triples))
        return self._given.by_type

    def forget_given_tags(self) -> None:
        """Lets the tags gathered for the indicators go: at a million entities they hold ≈ 100 MB,
        and the outputs that follow do not read them."""
        self._given = None

    def tag_tables(self) -> TagTables:
        """Per tree number, the tags each mask met so far gives (for ``given_in``)."""
        return [tree.tag_table() for tree in self.trees]

    def given(self) -> Iterator[Given]:
        """Each entity's tags given (entities given none left out), item by item in order: an
        entity of rows once per row that gives a tag."""
        return given_in(self._list, self.tag_tables())

    def items(self) -> Iterator[Item]:
        """What the table keeps, in order: compact outcomes (rows made by ``trees``) and rows."""
        return iter(self._list)

    def expand(self, item: Item) -> list[DecisionRow] | tuple[DecisionRow]:
        """An item's rows: a compact outcome's, made by its tree, or the row itself."""
        return expand_item(item, self.trees)

    def rows(self) -> Iterator[DecisionRow]:
        return chain.from_iterable(map(self.expand, self._list))

    def pickled(self) -> Iterator[bytes]:
        """The items in order as pickled lists, for another process: the spool's blocks as written
        (not read into objects here), then the items held in memory. A compact outcome's tree stays
        here: what the other process needs of it goes with it (``tag_tables``)."""
        spool = self._list.spool
        for number in self._blocks:
            assert spool is not None
            yield spool.raw(number)
        yield pickle.dumps(self._list.held, protocol=pickle.HIGHEST_PROTOCOL)

    def keys(self) -> Iterator[DecisionKey]:
        return ((row[0], row[1], row[3]) for row in self.rows())

    def of_entity(self, entity_type: str, entity_id: str) -> list[Decision]:
        """The decisions of one entity, in rule order (an index of the items in memory is built on the first call)."""
        number = self._block_of.get(entity_type, {}).get(entity_id)
        if number is not None:
            assert self._list.spool is not None
            items = [item for item in self._list.spool.read(number) if item[1] == entity_id and item[0] == entity_type]
        else:
            held = self._list.held
            if self._by_entity is None:
                self._by_entity = {}
                for position, item in enumerate(held):
                    self._by_entity.setdefault((item[0], item[1]), []).append(position)
            items = [held[position] for position in self._by_entity.get((entity_type, entity_id), [])]
        return [decision_of(row) for item in items for row in self.expand(item)]

    def _write_block(self) -> None:
        items = self._list.held
        # the block's entities, each once: the per-item work in C (a block is 20,000 decisions of ≈ 2,000 entities)
        entities = dict.fromkeys(map(_ENTITY, items))
        number = self._list.write()
        self._sizes.append(self._held_size)
        self._held_size = 0
        for entity_type, entity_id in entities:
            if self._block_of.setdefault(entity_type, {}).setdefault(entity_id, number) != number:
                raise ValueError(f"keputusan {entity_type} {entity_id} tidak berurutan: sebuah tabel dengan spool "
                                 "menerima keputusan satu entitas secara berturut-turut")

    def __len__(self) -> int:
        return sum(self._sizes) + self._held_size

    @overload
    def __getitem__(self, index: int) -> Decision: ...

    @overload
    def __getitem__(self, index: slice) -> list[Decision]: ...

    def __getitem__(self, index: int | slice) -> Decision | list[Decision]:
        if isinstance(index, slice):
            return [decision_of(row) for row in list(self.rows())[index]]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError("indeks keputusan di luar tabel")
        spool = self._list.spool
        items: list[Item] = self._list.held
        for number, size in zip(self._blocks, self._sizes):
            if position < size:
                assert spool is not None
                items = spool.read(number)
                break
            position -= size
        for item in items:
            size = self.trees[item[2]].size if len(item) == COMPACT else 1  # type: ignore[index]
            if position < size:
                return decision_of(self.expand(item)[position])
            position -= size
        raise IndexError("indeks keputusan di luar tabel")

    def __iter__(self) -> Iterator[Decision]:
        return map(decision_of, self.rows())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DecisionTable):
            return len(self) == len(other) and all(mine == theirs for mine, theirs in zip(self.rows(), other.rows()))
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list


def expand_item(item: Item, trees: Sequence[OutcomeRows]) -> list[DecisionRow] | tuple[DecisionRow]:
    """An item's rows: a compact outcome's, made by its tree (``trees``: its table's, by number), or the row itself."""
    if len(item) == COMPACT:
        entity_type, entity_id, number, mask, found = item  # type: ignore[misc]
        tree = trees[number]
        return tree.rows(entity_type, entity_id, tree.year, mask, found)
    return (item,)  # type: ignore[return-value]


def decision_keys(decisions: Iterable[Decision] | DecisionTable) -> list[DecisionKey]:
    if isinstance(decisions, DecisionTable):
        return list(decisions.keys())
    return [(decision.entity_type, decision.entity_id, decision.rule_id) for decision in decisions]


__all__ = ["COMPACT", "ClauseResult", "ClauseRow", "CompactOutcome", "Decision", "DecisionKey", "DecisionRow",
           "DecisionTable", "Given", "GivenTags", "Item", "OutcomeRows", "TagTables", "TagTriple", "decision_keys", "given_in",
           "decision_of", "decision_row", "expand_item"]

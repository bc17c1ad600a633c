"""A run's facts gathered and kept per chunk of entities, in the run's spool.

The records of the tables that only give facts (the RAT history, facilitation, financing,
legality, certificates) are not kept: while the data is read, ``FactChunks`` (the data set's record
sink) turns each into its fact row and puts it with the chunk of the entity it belongs to,
writing what it holds to the spool every ``FLUSH`` rows. Read column-wise, a table's rows come as
parsed columns (``take_rows``): their fact rows are made from the columns, ``FLUSH`` rows at a time,
with no record made for a clean row. The facts stage then makes each chunk's
entities from those rows with ``facts.build_entities`` (``chunked_entities``: own row, then the
related rows table by table in input order) and writes their rows to the spool as one block; an
entity keeps only where its rows are (``SpooledRows``). The workers get that block as
written (``pickled_fact_rows``). A run thus never holds more than a chunk of facts and
``FLUSH`` gathered rows, whatever its size.
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from functools import partial
from itertools import count

from engine.fact_columns import fact_rows_of
from engine.facts import ENTITY_TABLES, EntityFacts, FactRow, build_entities, to_fact_row
from engine.ingest.columnar import AcceptedRows
from engine.ingest.dataset import Dataset
from engine.ingest.spooled import SpooledRecords
from engine.ingest.tables import TABLE_BY_NAME, Record
from engine.spool import BlockSpool, SpooledList

ChunkKey = tuple[str, str, int]  # entity type, related table, chunk number


class FactChunks:
    """The record sink of a large run: related rows' facts, gathered per chunk of entities."""

    FLUSH = 100_000

    def __init__(self, spool: BlockSpool, chunk: int, kept: Collection[str]):
        self.spool = spool
        self.chunk = chunk
        # Of the related tables read again later (by the indicators), the records wait in the spool.
        self.set_aside = {table: SpooledRecords(TABLE_BY_NAME[table], spool)
                          for _, _, related in ENTITY_TABLES.values() for table in related if table in kept}
        # own table → (entity type, id column), for the entities other tables refer to
        self._own = {table: (entity_type, column) for entity_type, (table, column, related) in ENTITY_TABLES.items()
                     if related}
        self._owners: dict[str, list[tuple[str, str]]] = defaultdict(list)  # related table → (entity type, column)
        for entity_type, (_, _, related) in ENTITY_TABLES.items():
            for table, column in related.items():
                self._owners[table].append((entity_type, column))
        self._positions: dict[str, dict[str, int]] = {entity_type: {} for entity_type, _ in self._own.values()}
        self._gathered: dict[ChunkKey, SpooledList[FactRow]] = {}
        self._count = 0  # rows held in memory

    def takes(self, table: str) -> bool:
        return table in self._own or table in self._owners

    def keeps(self, table: str) -> bool:
        return table in self._own

    def take(self, record: Record) -> None:
        own = self._own.get(record.table)
        if own is not None:  # accepted in input order, the order of the data set's records
            positions = self._positions[own[0]]
            positions[getattr(record, own[1])] = len(positions)
            return
        aside = self.set_aside.get(record.table)
        if aside is not None:
            aside.append(record)
        row = None
        for entity_type, column in self._owners[record.table]:
            position = self._positions[entity_type].get(getattr(record, column))
            if position is not None:
                row = row or to_fact_row(record)
                key = (entity_type, record.table, position // self.chunk)
                gathered = self._gathered.get(key) or self._gathered.setdefault(key, SpooledList(self.spool))
                gathered.append(row)
                self._count += 1
        if self._count >= self.FLUSH:
            self._write()

    def take_rows(self, rows: AcceptedRows) -> None:
        """A table's accepted rows at once, as ``take`` takes them one by one, from their parsed columns."""
        table = rows.model.table
        own = self._own.get(table)
        if own is not None:
            positions = self._positions[own[0]]
            positions.update(zip(rows.column(own[1]), count(len(positions))))
            return
        aside = self.set_aside.get(table)
        for part in rows.parts(self.FLUSH):  # a part's rows in memory at a time, as ``take`` holds them
            if aside is not None:
                aside.extend(part)
            facts = fact_rows_of(part)
            for entity_type, column in self._owners[table]:
                self._gather(entity_type, table, facts, part.column(column))
            if self._count >= self.FLUSH:
                self._write()

    def _gather(self, entity_type: str, table: str, facts: list[FactRow], owners: list[str]) -> None:
        """Each fact row with the chunk of the entity its owner id names (none: not an entity of this type)."""
        positions, chunk = self._positions[entity_type], self.chunk
        parts: dict[int, list[FactRow]] = defaultdict(list)
        for row, position in zip(facts, map(positions.get, owners)):
            if position is not None:
                parts[position // chunk].append(row)
        for number, part in parts.items():
            key = (entity_type, table, number)
            gathered = self._gathered.get(key) or self._gathered.setdefault(key, SpooledList(self.spool))
            gathered.held.extend(part)
            self._count += len(part)

    def _write(self) -> None:
        for gathered in self._gathered.values():
            if gathered.held:
                gathered.write()
        self._count = 0

    def rows(self, entity_type: str, table: str, chunk: int) -> Iterator[FactRow]:
        """The fact rows of ``table`` for the entities of a chunk, in input order."""
        return iter(self._gathered.get((entity_type, table, chunk), ()))


def chunked_entities(dataset: Dataset, entity_type: str, chunks: FactChunks) -> list[EntityFacts]:
    """``facts.build_entities`` from the rows gathered in ``chunks``; each chunk's facts kept in the spool."""
    return build_entities(dataset, entity_type, partial(chunks.rows, entity_type), chunks.chunk,
                          made=partial(spool_facts, spool=chunks.spool))


def spool_facts(entities: list[EntityFacts], spool: BlockSpool) -> None:
    """Writes the entities' fact rows to the spool as one block; each keeps where its rows are."""
    number = spool.write([entity.fact_rows for entity in entities])
    for index, entity in enumerate(entities):
        entity.fact_rows = SpooledRows(spool, number, index)


class SpooledRows(Sequence[FactRow]):
    """An entity's fact rows, kept in a block of the run's spool; read back when they are read."""

    __slots__ = ("spool", "block", "index")

    def __init__(self, spool: BlockSpool, block: int, index: int):
        self.spool = spool
        self.block = block
        self.index = index

    def _rows(self) -> list[FactRow]:
        return self.spool.read(self.block)[self.index]

    def __len__(self) -> int:
        return len(self._rows())

    def __getitem__(self, index):  # type: ignore[no-untyped-def,override]
        return self._rows()[index]

    def __iter__(self) -> Iterator[FactRow]:
        return iter(self._rows())


def pickled_fact_rows(entities: list[EntityFacts]) -> bytes:
    """The fact rows of ``entities`` as one pickled list, for a worker: the spool's block as it was
    written when the entities are exactly one block (nothing to read into objects here)."""
    first = entities[0].fact_rows
    if isinstance(first, SpooledRows) and first.index == 0 and first.spool.items(first.block) == len(entities) \
            and all(isinstance(entity.fact_rows, SpooledRows) and entity.fact_rows.block == first.block
                    for entity in entities):
        return first.spool.raw(first.block)
    return pickle.dumps([list(entity.fact_rows) for entity in entities], protocol=pickle.HIGHEST_PROTOCOL)

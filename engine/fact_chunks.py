"""A run's facts gathered and kept per chunk of entities, in the run's spool.

The records of the tables that only give facts (the RAT history, facilitation, financing,
legality, certificates) are not kept: while the data is read, ``FactChunks`` (the data set's record
sink) puts each row's facts with the band of chunks of the entity it belongs to, writing what it
holds to the spool every ``FLUSH`` rows. Read column-wise, a table's rows come as parsed columns
(``take_rows``): their facts stay columns (a frame of the fact values with the owner's position, as
the fact texts are kept), with no record and no Python row made for a clean row; a row taken row by
row (``take``), or accepted by the row-by-row check, is kept as its fact row. The facts stage then
makes each band's fact rows once, from the frames, in each entity's order (own row, then the related
rows table by table in input order: one sort by owner, table and row), and each chunk's entities
from them (``facts.build_entities``, ``chunked_entities``), and writes their rows to the spool as one
block; an entity keeps only where its rows are (``SpooledRows``). The workers get that block as
written (``pickled_fact_rows``). A run thus never holds more than a band of facts and ``FLUSH``
gathered rows, whatever its size.

In a one-year run (``projections`` given), the rows read column-wise also get their facts' ready
JSON texts, made with polars from the same columns (``fact_texts``): gathered beside the rows, joined
per entity by the facts stage and written as a second block per chunk (with the year they were made
for), which the workers get instead of the rows (``pickled_fact_texts``). An entity type any of whose tables came row by row
(``take``), or a value JSON cannot write, keeps the rows alone: the workers then make the texts.
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import partial
from itertools import count, repeat
from operator import attrgetter

from engine.fact_places import RowOwners
from engine.fact_projection import Projection, YearProjections
from engine.fact_texts import OWNER, TEXT, NotFinite, fact_frame, owned_texts
from engine.facts import (DERIVED_YEARS, ENTITY_TABLES, EntityFacts, FactRow, build_entities, fact_layout, fact_rows,
                          to_fact_row)
from engine.collector import collector_paused
from engine.ingest.columnar import ROW, AcceptedRows, present_or_null
from engine.ingest.dataset import Dataset
from engine.ingest.polars_setup import pl
from engine.ingest.spooled import SpooledRecords
from engine.ingest.tables import TABLE_BY_NAME, Record
from engine.spool import BlockSpool, SpooledList

ChunkKey = tuple[str, str, int]  # entity type, related table, band number
_POSITION, _NUMBER, _AT = "position", "number", "at"
_OWNER_AT = "__position__"  # beside a fact frame's values (no table has such a column)
Placed = tuple[int, FactRow]  # a fact row kept as a row, with its owner's position


_KEY = "__key__"


def _sort_key(place: pl.Expr | pl.Series, table: int, row: pl.Expr | int) -> pl.Expr | pl.Series:
    """A related fact row's place in its band's order, as one number: its owner's place in the band,
    then its table's place among the entity type's, then its row number (below 2**32: at most the
    rows of a sheet or a file polars reads, far fewer)."""
    return (place.cast(pl.Int64) * (1 << 36) + table * (1 << 32) + row).alias(_KEY)  # type: ignore[union-attr,operator]


class FactChunks:
    """The record sink of a large run: related rows' facts, gathered per chunk of entities."""

    FLUSH = 100_000
    BAND = 32

    def __init__(self, spool: BlockSpool, chunk: int, kept: Collection[str],
                 projections: YearProjections | None = None):
        self.spool = spool
        self.chunk = chunk
        # how each entity type's facts are given to durable_rules in a year, for their texts; None: no texts
        self.year = projections.year if projections is not None else None
        self.projections = dict(projections.by_type) if projections is not None else None
        # (entity type, table, band number) → frames of (entity position, fact text) of the rows with a
        # text, in input order: a band is ``BAND`` chunks (the texts joined per entity a band at a time)
        self._texts: dict[ChunkKey, SpooledList[pl.DataFrame]] = {}
        self._places: dict[str, pl.DataFrame] = {}  # entity type → (id, position) of its entities, as ``_positions``
        self._band: tuple[str, int, list[str]] | None = None  # the last band's texts joined per entity
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
        # (entity type, table, band number) → the related rows' facts, in input order: frames of the
        # clean rows' fact values (``fact_columns``) with their owner's position (``_OWNER_AT``), and
        # the rows taken row by row or accepted by the row-by-row check, as fact rows with theirs
        self._frames: dict[ChunkKey, SpooledList[pl.DataFrame]] = {}
        self._placed: dict[ChunkKey, SpooledList[Placed]] = {}
        self._rows_band: tuple[str, int, list[FactRow], list[int]] | None = None  # the last band's rows (``_band_rows``)
        self._ids: dict[str, list[str]] = {}  # entity type → its entities' ids by position, for ``_band_rows``
        self._count = 0  # rows held in memory
        self.owners = RowOwners()  # each related row's number and owner's position, for the record's citations

    def takes(self, table: str) -> bool:
        return table in self._own or table in self._owners

    def keeps(self, table: str) -> bool:
        return table in self._own

    def take(self, record: Record) -> None:
        if self.projections:
            self._without_texts(record.table)
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
                self.owners.note(entity_type, record.table, record.row, position)
                row = row or to_fact_row(record)
                self._place(entity_type, record.table, position, row)
        if self._count >= self.FLUSH:
            self._write()

    def take_rows(self, rows: AcceptedRows) -> None:
        """A table's accepted rows at once, as ``take`` takes them one by one, from their parsed columns."""
        table = rows.model.table
        own = self._own.get(table)
        if own is not None:
            positions = self._positions[own[0]]
            positions.update(zip(rows.column(own[1]), count(len(positions))))
            if self._projection(own[0], table) is not None:  # the own row's text, gathered as a related row's
                for part in rows.parts(self.FLUSH):
                    self._gather_texts(own[0], part, fact_frame(part), own[1])
                    if self._count >= self.FLUSH:
                        self._write()
            return
        aside = self.set_aside.get(table)
        for part in rows.parts(self.FLUSH):  # a part's rows in memory at a time, as ``take`` holds them
            if aside is not None:
                aside.extend(part)
            frame = fact_frame(part)  # the clean rows' facts, for their rows and their texts
            made: list[FactRow | None] = [None] * len(part.checked)  # a checked record's fact row, made once
            for entity_type, column in self._owners[table]:
                self._gather(entity_type, frame, made, part, column)
                self._gather_texts(entity_type, part, frame, column)
            if self._count >= self.FLUSH:
                self._write()

    def _gather(self, entity_type: str, frame: pl.DataFrame, made: list[FactRow | None], rows: AcceptedRows,
                column: str) -> None:
        """The facts of ``rows`` (``frame``: the clean rows' fact columns; ``made``: the checked
        records' fact rows, None until made) whose owner id, in ``column``, names an entity of this
        type, kept with its position in the band of chunks of that entity; the owners looked up by polars."""
        positions = self._positions[entity_type]
        owners = rows.clean.select(ROW, present_or_null(rows.clean, column).cast(pl.String).alias(OWNER))
        placed = owners.join(self._places_of(entity_type), on=OWNER, how="left", maintain_order="left")
        numbers, at_rows = placed[_POSITION], placed[ROW]
        table = rows.model.table
        # kept without the owner id (the owner's own id object is put back in its row: ``_band_rows``),
        # the row numbers, day numbers and years in 32 bits, not 64 (the spool's size)
        narrow = [ROW, *(name for name, kind in rows.clean.schema.items() if kind == pl.Date), *DERIVED_YEARS.get(table, {})]
        owned = frame.with_columns(numbers.alias(_OWNER_AT)).drop_nulls(_OWNER_AT).drop(column) \
            .cast({name: pl.Int32 for name in (*narrow, _OWNER_AT) if name in frame.columns or name == _OWNER_AT})
        band = (pl.col(_OWNER_AT) // (self.chunk * self.BAND)).alias(_NUMBER)
        for (number,), part in owned.with_columns(band).partition_by(
                _NUMBER, maintain_order=True, include_key=False, as_dict=True).items():
            key = (entity_type, table, number)
            gathered = self._frames.get(key) or self._frames.setdefault(key, SpooledList(self.spool))
            gathered.held.append(part)
            self._count += part.height
        if rows.checked:
            at = [positions.get(getattr(record, column)) for record in rows.checked]
            for index, (record, position) in enumerate(zip(rows.checked, at)):
                if position is not None:
                    made[index] = made[index] or to_fact_row(record)
                    self._place(entity_type, table, position, made[index])  # type: ignore[arg-type]
            told = iter(at)  # ``with_checked`` asks for the checked records' items in their order
            numbers = pl.Series(rows.with_checked(numbers.to_list(), lambda _: next(told)), dtype=pl.Int64)
            at_rows = pl.Series(rows.with_checked(at_rows.to_list(), attrgetter("row")), dtype=pl.Int64)
        self.owners.note_rows(entity_type, table, at_rows, numbers)  # for the record's citations

    def _place(self, entity_type: str, table: str, position: int, row: FactRow) -> None:
        """A fact row kept as a row, with its owner's position, in the band of chunks of its owner."""
        key = (entity_type, table, position // (self.chunk * self.BAND))
        placed = self._placed.get(key) or self._placed.setdefault(key, SpooledList(self.spool))
        placed.held.append((position, row))
        self._count += 1

    def _gather_texts(self, entity_type: str, rows: AcceptedRows, frame: pl.DataFrame, column: str) -> None:
        """The rows' fact texts for ``entity_type`` (if it gets texts), each with the position of the
        entity its ``column`` names (none: not an entity of this type), kept per band of chunks.
        ``frame``: the clean rows' fact columns (``fact_frame``)."""
        projection = self._projection(entity_type, rows.model.table)
        if projection is None:
            return
        try:
            owned = owned_texts(rows, frame, projection, column)
        except NotFinite:  # the workers refuse the fact from its row, as they always did
            self.projections = None
            self._texts.clear()
            return
        placed = owned.join(self._places_of(entity_type), on=OWNER, how="inner", maintain_order="left")
        band = placed.select((pl.col(_POSITION) // (self.chunk * self.BAND)).alias(_NUMBER))
        for (number,), part in placed.drop(OWNER).with_columns(band).partition_by(
                _NUMBER, maintain_order=True, include_key=False, as_dict=True).items():
            key = (entity_type, rows.model.table, number)
            gathered = self._texts.get(key) or self._texts.setdefault(key, SpooledList(self.spool))
            gathered.held.append(part)
            self._count += part.height

    def _places_of(self, entity_type: str) -> pl.DataFrame:
        """The entities' ids (``OWNER``) and positions, as ``_positions`` holds them so far."""
        positions = self._positions[entity_type]
        places = self._places.get(entity_type)
        if places is None or places.height != len(positions):
            places = pl.DataFrame({OWNER: list(positions), _POSITION: list(positions.values())},
                                  schema={OWNER: pl.String, _POSITION: pl.Int64})
            self._places[entity_type] = places
        return places

    def _projection(self, entity_type: str, table: str) -> Projection | None:
        """How ``table``'s facts are given to an entity of ``entity_type``; None: no text is made."""
        projections = self.projections.get(entity_type) if self.projections is not None else None
        return projections.get(table) if projections is not None else None

    def _without_texts(self, table: str) -> None:
        """A row of ``table`` taken row by row: the entity types it gives facts to get no texts."""
        assert self.projections is not None
        own = self._own.get(table)
        for entity_type in [own[0]] if own is not None else [owner for owner, _ in self._owners[table]]:
            if self.projections.pop(entity_type, None) is not None:
                for key in [key for key in self._texts if key[0] == entity_type]:
                    del self._texts[key]

    def _write(self) -> None:
        for gathered in (*self._frames.values(), *self._placed.values(), *self._texts.values()):
            if gathered.held:
                gathered.write()
        self._count = 0

    def entity_rows(self, entity_type: str, chunk: int, records: Sequence[Record]) -> list[list[FactRow]]:
        """The fact rows of each entity of a chunk (``records``: their own records, in order): its own
        row, then each related table's rows (``ENTITY_TABLES`` order) in input order."""
        own = fact_rows(records)
        if not ENTITY_TABLES[entity_type][2]:
            return [[row] for row in own]
        number, start = divmod(chunk * self.chunk, self.chunk * self.BAND)
        if self._rows_band is None or self._rows_band[:2] != (entity_type, number):
            self._rows_band = (entity_type, number, *self._band_rows(entity_type, number))
        rows, bounds = self._rows_band[2:]
        return [[row, *rows[bounds[at]:bounds[at + 1]]] for at, row in enumerate(own, start)]

    def _band_rows(self, entity_type: str, number: int) -> tuple[list[FactRow], list[int]]:
        """The related fact rows of the entities of a band, each entity's together in its order (the
        tables in ``ENTITY_TABLES`` order, each table's rows in input order), and where each entity's
        start: the ``i``-th entity's rows are ``rows[bounds[i]:bounds[i + 1]]``."""
        size = self.chunk * self.BAND
        start, stop = number * size, min((number + 1) * size, len(self._positions[entity_type]))
        made: list[FactRow] = []
        keys = []  # per table: (owner's position, table, row number) of each of its rows in ``made``
        ids = self._ids.get(entity_type)
        if ids is None or len(ids) != len(self._positions[entity_type]):
            ids = self._ids[entity_type] = list(self._positions[entity_type])  # by position
        for index, (table, column) in enumerate(ENTITY_TABLES[entity_type][2].items()):
            frames = list(self._frames.get((entity_type, table, number), ()))
            if frames:
                frame = pl.concat(frames, how="vertical_relaxed")
                keys.append(frame.select(_sort_key(pl.col(_OWNER_AT) - start, index, pl.col(ROW))))
                values = {name: series.to_list() for name, series in zip(frame.columns, frame.iter_columns())}
                values[column] = list(map(ids.__getitem__, values.pop(_OWNER_AT)))
                made += zip(repeat(table), values[ROW], *(values[name] for name in fact_layout(table)))
            placed = list(self._placed.get((entity_type, table, number), ()))
            if placed:
                keys.append(pl.DataFrame({_OWNER_AT: [position - start for position, _ in placed],
                                          ROW: [row[1] for _, row in placed]}, schema={_OWNER_AT: pl.Int64, ROW: pl.Int64})
                            .select(_sort_key(pl.col(_OWNER_AT), index, pl.col(ROW))))
                made += (row for _, row in placed)
        if not made:
            return [], [0] * (stop - start + 1)
        order = pl.concat(keys).with_row_index(_AT).sort(_KEY)
        entities = pl.int_range(0, stop - start + 1, dtype=pl.Int64, eager=True)
        bounds = order[_KEY].search_sorted(_sort_key(entities, 0, 0), side="left")
        return list(map(made.__getitem__, order[_AT].to_list())), bounds.to_list()


    def texts(self, entity_type: str, chunk: int, entities: int) -> list[str] | None:
        """The fact texts of the ``entities`` entities of a chunk, each entity's joined as the
        evaluator takes them (``LeanEvaluator._texts``): its own row's, then each related table's in
        input order, as its rows are (``facts.build_entities``); None if the type gets no texts."""
        if self.projections is None or entity_type not in self.projections:
            return None
        number, start = divmod(chunk * self.chunk, self.chunk * self.BAND)
        if self._band is None or self._band[:2] != (entity_type, number):
            self._band = (entity_type, number, self._joined(entity_type, number))
        texts = self._band[2][start:start + entities]
        assert len(texts) == entities, (entity_type, chunk, entities)
        return texts

    def _joined(self, entity_type: str, number: int) -> list[str]:
        """The texts of the entities of a band, each entity's joined (",", none: "")."""
        own, _, related = ENTITY_TABLES[entity_type]
        size = self.chunk * self.BAND
        start, stop = number * size, min((number + 1) * size, len(self._positions[entity_type]))
        frames = [frame for table in (own, *related) for frame in self._texts.get((entity_type, table, number), ())]
        everyone = pl.DataFrame({_POSITION: pl.int_range(start, stop, dtype=pl.Int64, eager=True)})
        if frames:  # each entity's texts in the order of ``frames`` (a group keeps its rows' order)
            joined = pl.concat(frames).group_by(_POSITION).agg(pl.col(TEXT).str.join(","))
            everyone = everyone.join(joined, on=_POSITION, how="left", maintain_order="left")
        else:
            everyone = everyone.with_columns(pl.lit(None, dtype=pl.String).alias(TEXT))
        return everyone[TEXT].fill_null("").to_list()


# A chunk's fact texts as spooled and sent to a worker: the year they were made for, and the texts
FactTexts = tuple[int, list[str]]


def chunked_entities(dataset: Dataset, entity_type: str, chunks: FactChunks,
                     spooled: Callable[[str, list[EntityFacts]], None] | None = None) -> list[EntityFacts]:
    """``facts.build_entities`` from the rows gathered in ``chunks``; each chunk's facts (and their
    texts, if made) kept in the spool, then the chunk given to ``spooled`` if given (the workers
    evaluate it while the next chunks are made: ``parallel.WorkerRules.give``)."""
    numbers = count()

    def made(entities: list[EntityFacts]) -> None:
        texts = chunks.texts(entity_type, next(numbers), len(entities))
        spool_facts(entities, chunks.spool, (chunks.year, texts) if texts is not None else None)  # type: ignore[arg-type]
        if spooled is not None:
            spooled(entity_type, entities)

    with collector_paused():  # millions of rows and lists made, none in a cycle (``collector_paused``)
        return build_entities(dataset, entity_type, partial(chunks.entity_rows, entity_type), chunks.chunk, made=made)


def spool_facts(entities: list[EntityFacts], spool: BlockSpool, texts: FactTexts | None = None) -> None:
    """Writes the entities' fact rows to the spool as one block, and their fact texts if given as
    another; each keeps where its rows (and texts) are."""
    number = spool.write([entity.fact_rows for entity in entities])
    said = spool.write(texts) if texts is not None else None  # type: ignore[arg-type]
    for index, entity in enumerate(entities):
        entity.fact_rows = SpooledRows(spool, number, index, said)


class SpooledRows(Sequence[FactRow]):
    """An entity's fact rows, kept in a block of the run's spool; read back when they are read.
    ``texts``: the block of the chunk's fact texts (``FactChunks.texts``), if they were made."""

    __slots__ = ("spool", "block", "index", "texts")

    def __init__(self, spool: BlockSpool, block: int, index: int, texts: int | None = None):
        self.spool = spool
        self.block = block
        self.index = index
        self.texts = texts

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
    first = _one_block(entities)
    if first is not None:
        return first.spool.raw(first.block)
    return pickle.dumps([list(entity.fact_rows) for entity in entities], protocol=pickle.HIGHEST_PROTOCOL)


def pickled_fact_texts(entities: list[EntityFacts]) -> bytes | None:
    """The fact texts of ``entities`` pickled (``FactTexts``: their year, a text per entity), for a
    worker: the spool's block as written, when the entities are exactly one block and their texts
    were made; else None."""
    first = _one_block(entities)
    if first is None or first.texts is None:
        return None
    return first.spool.raw(first.texts)


def _one_block(entities: list[EntityFacts]) -> SpooledRows | None:
    """The first entity's spooled rows when the entities are exactly one block of the spool."""
    first = entities[0].fact_rows
    if isinstance(first, SpooledRows) and first.index == 0 and first.spool.items(first.block) == len(entities) \
            and all(isinstance(entity.fact_rows, SpooledRows) and entity.fact_rows.block == first.block
                    for entity in entities):
        return first
    return None

"""Where each fact row stands among its entity's rows of its table: the place a citation names it by.

A run's record names the rows an outcome's evidence cites by their place (0, 1, …) among the
entity's rows of that table in row order (``citation.nth``): the same few places recur across
entities, row numbers do not. Working that out entity by entity means reading every entity's fact
rows back and sorting them; instead the rows' numbers and their owners' positions are noted
column-wise as the facts are gathered (``RowOwners``, fed by ``fact_chunks.FactChunks``), and the places are worked out once
per table over the whole table (``CitedRows``): per entity type and table, one array indexed by row
number holding the row's owner (the entity's position among its type's) and its place (8 bytes a row:
no fact id is kept as text).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import partial
from itertools import chain, count, groupby, islice, repeat
from operator import itemgetter

import polars as pl

from engine.facts import ENTITY_TABLES, EntityFacts, fact_id

# An entity's places: (tables, evidence: per table a sequence of fact ids such as ``rat:12``) → the place
# of each row the evidence names among the entity's rows of its table in row order, table after table in
# one flat tuple (``CitedRows.of_entity``, ``OwnRows.places``). All the evidence an outcome cites is asked
# at once, and answered without a tuple per table: a national run's outcomes cite ≈ 8 pieces of evidence
# per entity, two million in all.
Places = Callable[[Sequence[str], Sequence[Sequence[str]]], tuple[int, ...]]
_SCHEMA = {"row": pl.Int32, "position": pl.Int32}  # a row number; its owner's position among its type's entities


class RowOwners:
    """Every related row given to an entity as a fact: its number and its owner's position among the
    entities of that type, per entity type and table, noted as the facts are gathered
    (``fact_chunks.FactChunks``, which knows the positions then). Numbers only, no owner id: a run
    of a million entities has millions of related rows, held until the record is written."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, str], list[pl.DataFrame]] = defaultdict(list)
        self.records: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)

    def note(self, entity_type: str, table: str, row: int, position: int) -> None:
        """A row taken row by row, of the ``position``-th entity of ``entity_type``."""
        self.records[(entity_type, table)].append((row, position))

    def note_rows(self, entity_type: str, table: str, rows: pl.Series, positions: pl.Series) -> None:
        """Rows taken column-wise with their owners' positions (null: no entity of this type owns it)."""
        frame = pl.DataFrame({"row": rows, "position": positions}).drop_nulls("position")
        self.parts[(entity_type, table)].append(frame.cast(_SCHEMA))  # type: ignore[arg-type]

    def frame(self, entity_type: str, table: str) -> pl.DataFrame:
        """The rows of ``table`` noted for ``entity_type``: number, owner's position."""
        key = (entity_type, table)
        return pl.concat([*self.parts.get(key, ()), pl.DataFrame(self.records.get(key, []), schema=_SCHEMA, orient="row")]
                         ).cast(pl.Int64)


class CitedRows:
    """Per entity type and cited table, by row number (an array of 8 bytes a row, whatever the
    entity type): the owner's position among the type's entities and the row's place among the
    owner's rows of the table, as one number ``position * PLACES + place`` (-1: no entity's)."""

    def __init__(self, tables: Mapping[str, Mapping[str, array]]):
        self.tables = tables  # entity type → table → by row number: position * PLACES + place

    @classmethod
    def of(cls, entities: Mapping[str, Sequence[EntityFacts]], owners: RowOwners | None,
           cited: Collection[str]) -> CitedRows:
        """The rows of the ``cited`` tables, from the owners noted as the data was read; without them
        (entities made otherwise), from the entities' fact rows."""
        tables: dict[str, dict[str, array]] = {}
        for kind, group in entities.items():
            own, _, every = ENTITY_TABLES[kind]
            related = [table for table in every if table in cited]
            if owners is None:
                noted = _from_facts(group, related)
            else:
                noted = {table: owners.frame(kind, table) for table in related}
            if own in cited:  # the entity's own row: the only one of its table
                noted[own] = pl.DataFrame({"row": [entity.record.row for entity in group]}, schema={"row": pl.Int64}
                                          ).with_row_index("position").cast({"position": pl.Int64})
            tables[kind] = {table: _numbered(frame) for table, frame in noted.items()}
        return cls(tables)

    def of_entity(self, kind: str, position: int) -> Places:
        """The places of the ``position``-th entity of type ``kind``."""
        return partial(self._places, partial(self.nths, kind, position))

    @staticmethod
    def _places(nths: Callable[[str, Sequence[str]], tuple[int, ...]], tables: Sequence[str],
                evidence: Sequence[Sequence[str]]) -> tuple[int, ...]:
        return tuple(chain.from_iterable(map(nths, tables, evidence)))

    def nths(self, kind: str, position: int, table: str, evidence: Sequence[str]) -> tuple[int, ...]:
        """The places of the rows ``evidence`` names (fact ids, ``rat:12``): each a row of ``table``
        of the entity itself (the ``position``-th of type ``kind``), as a clause on a table matches."""
        if not evidence:
            return ()
        rows = self.tables[kind].get(table, _NONE)
        base = position * PLACES
        places = []
        for fact in evidence:  # a loop, not a few passes over the evidence: most evidence is one row
            number = _row_number(fact, table)
            try:
                place = (rows[number] if number >= 0 else -1) - base
            except IndexError:
                place = -1
            if not 0 <= place < PLACES:  # not a row of the table, or another entity's
                raise _not_its(fact, table)
            places.append(place)
        return tuple(places)


PLACES = 1 << 32  # more rows than any entity has of a table
_NONE = array("q")
PIECE = 100_000  # rows made into Python numbers at a time, on their way into an array


class OwnRows:
    """One entity's places worked out from its own fact rows (its rows of a table come in row order:
    ``facts.build_entities``), where they are read entity by entity anyway: the output stage's other
    process, which builds the record's source rows and outcomes from them (``engine.runstore.sources``).
    The same places, and the same refusals, as ``CitedRows``: looked up by fact id (``facts.fact_id``,
    as evidence names rows), by the row number read from it when it is not written so."""

    __slots__ = ("facts", "cited", "own")

    def __init__(self, facts: Iterable[Sequence[object]], cited: Collection[str]):
        self.facts = facts
        self.cited = cited
        self.own: dict[str, dict[str, int]] | None = None  # table → fact id → place: made when first asked

    def places(self, tables: Sequence[str], evidence: Sequence[Sequence[str]]) -> tuple[int, ...]:
        """``Places``: every fact id of every table looked up in one pass in C, each in its table's
        rows (no Python call per table or per fact: a national run asks two million)."""
        if not tables:  # an outcome citing nothing (most UKM): its rows need not be read
            return ()
        if self.own is None:
            self.own = _own_places(self.facts, self.cited)
        own = map(self.own.get, tables, repeat(_NO_ROWS))
        rows = chain.from_iterable(map(repeat, own, map(len, evidence)))  # each fact id's table's
        try:
            return tuple(map(dict.__getitem__, rows, chain.from_iterable(evidence)))
        except KeyError:  # a fact id not written as the run writes them, or not the entity's: read one by one
            return tuple(_read_place(self.own.get(table, _NO_ROWS), table, fact)
                         for table, facts in zip(tables, evidence) for fact in facts)


def split(places: Sequence[int], lengths: Iterable[int]) -> tuple[tuple[int, ...], ...]:
    """``Places``' answer as one tuple per table asked, of its evidence's ``lengths``."""
    flat = iter(places)
    return tuple(map(tuple, map(islice, repeat(flat), lengths)))


_NO_ROWS: dict[str, int] = {}


def _read_place(rows: Mapping[str, int], table: str, fact: str) -> int:
    """The place of the row ``fact`` names, read as ``CitedRows.nths`` reads it (``rat:012`` is row 12)."""
    number = _row_number(fact, table)
    place = rows.get(fact_id(table, number)) if number >= 0 else None
    if place is None:  # not a row of the table, or another entity's
        raise _not_its(fact, table)
    return place


def _own_places(facts: Iterable[Sequence[object]], cited: Collection[str]) -> dict[str, dict[str, int]]:
    """Of an entity's fact rows (table, row number, …; a table's rows in row order), those of the ``cited``
    tables: per table, each row's fact id (``facts.fact_id``) → its place among them. A table's rows at a
    time (an entity's come table by table), each row's in C: a run has millions of them."""
    places: dict[str, dict[str, int]] = {}
    for table, rows in groupby(facts, key=_TABLE):
        if table in cited:
            ids = places.get(table)  # type: ignore[call-overload]
            if ids is None:
                ids = places[table] = {}  # type: ignore[index]
            ids.update(zip(map((table + ":").__add__, map(str, map(_ROW, rows))), count(len(ids))))  # type: ignore[operator]
    return places


_TABLE, _ROW = itemgetter(0), itemgetter(1)  # of a fact row


def _row_number(fact: str, table: str) -> int:
    """The row number a fact id names as a row of ``table`` (``rat:12`` and ``rat:012``: 12), -1 if none."""
    prefix = table + ":"
    if not fact.startswith(prefix):
        return -1
    try:
        return int(fact[len(prefix):])
    except ValueError:
        return -1


def _not_its(fact: str, table: str) -> ValueError:
    return ValueError(f"bukti {fact} bukan baris tabel {table} milik entitas ini")


def _numbered(frame: pl.DataFrame) -> array:
    """The rows (number, owner's position) as an array indexed by row number: the owner's position
    and the row's place among the owner's rows in row order (``position * PLACES + place``), -1 where
    no entity owns the row."""
    if frame.is_empty():
        return _NONE
    place = pl.col("row").rank("ordinal").over("position").cast(pl.Int64) - 1
    packed = frame.select(pl.col("row"), pl.col("position") * PLACES + place)
    size = packed["row"].max() + 1  # type: ignore[operator]
    by_row = pl.repeat(-1, size, dtype=pl.Int64, eager=True).scatter(packed["row"], packed[packed.columns[1]])
    rows = array("q")
    for start in range(0, size, PIECE):
        rows.extend(by_row.slice(start, PIECE).to_list())
    return rows


def _from_facts(group: Sequence[EntityFacts], related: Iterable[str]) -> dict[str, pl.DataFrame]:
    noted: dict[str, list[tuple[int, int]]] = {table: [] for table in related}
    for position, entity in enumerate(group):
        for fact in entity.fact_rows:
            rows = noted.get(fact[0])
            if rows is not None:
                rows.append((fact[1], position))
    schema = {"row": pl.Int64, "position": pl.Int64}
    return {table: pl.DataFrame(rows, schema=schema, orient="row") for table, rows in noted.items()}

"""Validated records → one bundle of facts per entity (koperasi, UKM, peserta diklat).

A fact is a flat JSON-safe dict as durable_rules wants it: ``t`` (its table), ``id`` (unique:
table and row), ``row`` (the source row) and the record's values; the run keeps it as a compact
row (``FactRow``) and makes the dict when the fact is evaluated or explained. Dates become whole numbers
``yyyymmdd`` so that rules compare them as numbers; each dated table also gets the year of its
date (``DERIVED_YEARS``) so that rules can say "in year n". Empty values are left out: a
comparison on a missing value fails, and ``missing`` tests for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from engine.ingest.tables import TABLE_BY_NAME, Record
from engine.ingest.values import parse_date

if TYPE_CHECKING:  # a reader of a run's record needs the facts' layout, not the readers (polars, openpyxl)
    from engine.ingest.dataset import Dataset

# table -> {derived year column: the date column it is the year of}
DERIVED_YEARS: dict[str, dict[str, str]] = {
    "koperasi": {"tahun_badan_hukum": "tanggal_badan_hukum", "tahun_bubar": "tanggal_bubar"},
    "rat": {"tahun_rat": "tanggal_rat"},
    "pembiayaan": {"tahun": "tanggal_pengajuan"},
    "legalitas": {"tahun": "tanggal"},
    "standardisasi": {"tahun": "tanggal_terbit"},
}

# entity type -> (its own table, its id column, tables holding its related records by column)
ENTITY_TABLES: dict[str, tuple[str, str, dict[str, str]]] = {
    "koperasi": (
        "koperasi",
        "nik",
        {"rat": "nik", "kinerja_koperasi": "nik", "fasilitasi": "id_kukm", "pembiayaan": "id_kukm",
         "legalitas": "id_kukm", "standardisasi": "id_kukm"},
    ),
    "ukm": (
        "ukm",
        "nib",
        {"kinerja_ukm": "nib", "fasilitasi": "id_kukm", "pembiayaan": "id_kukm", "legalitas": "id_kukm",
         "standardisasi": "id_kukm"},
    ),
    "peserta_diklat": ("diklat", "id_peserta", {}),
}
ENTITY_ORDER = tuple(ENTITY_TABLES)


def as_day_number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def day_from_number(number: int) -> date:
    return date(number // 10000, number // 100 % 100, number % 100)


def fields_of(table: str) -> list[str]:
    """The fields a rule may compare on a fact of ``table``."""
    return [*fact_layout(table), "row"]


def fact_id(table: str, row: int) -> str:
    return f"{table}:{row}"


# A fact as the run keeps it: (table, source row, one value per name of ``fact_layout(table)``, None
# where empty). A tuple takes a quarter of the memory of the dict durable_rules is given, which is
# made from it only when a fact is evaluated or explained (``fact_dict``).
FactRow = tuple[Any, ...]


@cache
def _layout(table: str) -> tuple[Callable[[Record], tuple[Any, ...]], tuple[int, ...], tuple[int, ...]]:
    """A getter of a table's column values, the positions of its date columns among them, and the
    positions of the date columns its derived years come from, worked out once (a run makes
    millions of facts)."""
    model = TABLE_BY_NAME[table]
    columns = model.columns()
    days = tuple(index for index, column in enumerate(columns) if model.cell_parser(column).parse is parse_date)
    return (attrgetter(*columns, "row"), days,
            tuple(columns.index(column) for column in DERIVED_YEARS.get(table, {}).values()))


@cache
def fact_layout(table: str) -> tuple[str, ...]:
    """The names of a fact row's values, in order: the table's columns, then its derived years."""
    return (*TABLE_BY_NAME[table].columns(), *DERIVED_YEARS.get(table, {}))


def to_fact_row(record: Record) -> FactRow:
    # attrgetter, not record.__dict__: reading the dict would give each record a dict of its own
    # (see engine.ingest.compact).
    values, days, dated = _layout(record.table)
    *columns, number = given = values(record)
    for index in days:  # only a date column holds a date (a record's values are validated)
        if columns[index] is not None:
            columns[index] = as_day_number(columns[index])
    for index in dated:
        columns.append(None if given[index] is None else given[index].year)
    return (record.table, number, *columns)


def fact_rows(records: Sequence[Record]) -> list[FactRow]:
    """``to_fact_row`` of each record of one table, made column by column (an entity's own row: a
    national run makes 250,000)."""
    if not records:
        return []
    table = records[0].table
    values, days, dated = _layout(table)
    given: list[Sequence[Any]] = list(zip(*map(values, records)))
    numbers = given.pop()  # each column's values, then the rows' numbers
    years = [[None if day is None else day.year for day in given[index]] for index in dated]
    for index in days:
        given[index] = [None if day is None else as_day_number(day) for day in given[index]]
    return list(zip(repeat(table), numbers, *given, *years))


def fact_dict(row: FactRow) -> dict[str, Any]:
    """The flat dict durable_rules matches: ``t``, ``id``, ``row`` and the values that are not empty."""
    table, number = row[0], row[1]
    fact: dict[str, Any] = {"t": table, "id": fact_id(table, number), "row": number}
    fact.update({name: value for name, value in zip(fact_layout(table), row[2:]) if value is not None})
    return fact


# Personal data: kept in the input, written to no output, log or report (ids identify the person).
PERSONAL_COLUMNS = {("diklat", "nama")}


@dataclass(slots=True)
class EntityFacts:
    """Everything known about one entity, in a stable order."""

    entity_type: str
    entity_id: str
    record: Record
    fact_rows: Sequence[FactRow] = field(default_factory=list)

    @property
    def facts(self) -> list[dict[str, Any]]:
        """The facts as durable_rules takes them: new dicts at each call, the caller's to keep or change."""
        return [fact_dict(row) for row in self.fact_rows]

    @property
    def kode_wilayah(self) -> str | None:
        return record_value(self.record, "kode_wilayah")

    @property
    def nama(self) -> str:
        """The name to show: empty where it is personal data (training participants)."""
        if (self.record.table, "nama") in PERSONAL_COLUMNS:
            return ""
        return getattr(self.record, "nama", "") or ""


def peserta_ids(records: Iterable[Record]) -> dict[int, str]:
    """Entity ids of training participants: their ``id_peserta``, made unique by row if repeated.

    One row is one participant in one training (the contract counts rows), so a person in two
    trainings is two entities; their ids get ``#<row>`` so that each can be explained on its own.
    """
    rows = list(records)
    repeated = Counter(record.id_peserta for record in rows)
    return {
        record.row: record.id_peserta if repeated[record.id_peserta] == 1 else f"{record.id_peserta}#{record.row}"
        for record in rows
    }


# (chunk number, the chunk's own records) → each entity's fact rows: its own row's, then each related
# table's rows (``ENTITY_TABLES`` order) in input order
ChunkRows = Callable[[int, Sequence[Record]], Iterable[Sequence[FactRow]]]


def build_entities(
    dataset: Dataset, entity_type: str, chunk_rows: ChunkRows | None = None, chunk: int = 0,
    made: Callable[[list[EntityFacts]], None] | None = None,
) -> list[EntityFacts]:
    """Every entity of ``entity_type`` with its fact rows: its own row, then each related table's
    rows in input order.

    By default the related rows are the data set's; a large run gathers them per ``chunk`` of
    entities while reading (``engine.fact_chunks``: ``chunk_rows``) and has each chunk's entities,
    once ``made``, keep their rows in its spool.
    """
    table, id_column, _ = ENTITY_TABLES[entity_type]
    own = dataset.table(table)
    ids = peserta_ids(own) if entity_type == "peserta_diklat" else None
    rows_of = chunk_rows or _dataset_rows(dataset, entity_type)
    size = chunk or max(len(own), 1)
    entities: list[EntityFacts] = []
    for number, start in enumerate(range(0, len(own), size)):
        records = own[start:start + size]
        made_now = [EntityFacts(entity_type, ids[record.row] if ids is not None else getattr(record, id_column),
                                record, rows)  # type: ignore[arg-type]
                    for record, rows in zip(records, rows_of(number, records), strict=True)]
        if made is not None:
            made(made_now)
        entities.extend(made_now)
    return entities


def _dataset_rows(dataset: Dataset, entity_type: str) -> ChunkRows:
    """Each entity's fact rows from the data set's records: the related tables' grouped by owner id."""
    _, id_column, related = ENTITY_TABLES[entity_type]
    related_of = _by_entity((map(to_fact_row, dataset.table(related_table)), related_table, column)
                            for related_table, column in related.items())

    def rows(_: int, records: Sequence[Record]) -> list[list[FactRow]]:
        return [[row, *related_of.get(getattr(record, id_column), ())] for record, row in zip(records, fact_rows(records))]

    return rows


def _by_entity(tables: Iterable[tuple[Iterable[FactRow], str, str]]) -> dict[str, list[FactRow]]:
    """The rows of each table (its rows, its name, the column naming their entity), in the tables'
    order, grouped by the id in that column: one list per entity, in one pass over every row."""
    grouped: dict[str, list[FactRow]] = {}
    found = grouped.get
    for rows, table, column in tables:
        where = 2 + fact_layout(table).index(column)  # a fact row is (table, row, *values)
        for row in rows:
            key = row[where]
            kept = found(key)
            if kept is None:
                grouped[key] = [row]
            else:
                kept.append(row)
    return grouped


_ABSENT: dict[tuple[type, str], bool] = {}  # (record class, field) → the class is a model without that field


def record_value(record: object, name: str) -> Any:
    """``getattr(record, name, None)``, without asking a model that lacks the field (a training
    participant has no kode wilayah): pydantic's miss costs ≈ 25 µs, a national run asks a million times."""
    key = (record.__class__, name)
    absent = _ABSENT.get(key)
    if absent is None:
        fields = getattr(record.__class__, "model_fields", None)
        absent = _ABSENT[key] = isinstance(fields, dict) and name not in fields
    return None if absent else getattr(record, name, None)

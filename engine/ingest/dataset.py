"""Raw rows → validated records and rejected rows, with the accounting of every row.

Each row becomes exactly one of: a record, or a reject (the first problem names the column and
value; further problems of the same row are added to the reason). Duplicates and references are
checked while streaming, parents first (see ``tables.TABLES``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import repeat
from pathlib import Path
from typing import Annotated, Any, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from engine.ingest.columnar import (RESERVED, AcceptedRows, TableCells, cells_of_csv, cells_of_stream, check_table,
                                    parse_cells)
from engine.collector import collector_paused
from engine.ingest.compact import Compactor
from engine.ingest.csv_frame import read_plain_csv
from engine.ingest.policy import DataPolicy
from engine.ingest.spooled import SpooledRecords
from engine.ingest.readers import HIDDEN, CsvFolder, DataError, TableStream, Workbook, open_data, sha256_of
from engine.ingest.tables import REFERENCED, REQUIRED_TABLES, TABLES, Record
from engine.numbers import format_number

VALUE_SHOWN = 200  # characters of a rejected value kept: a spreadsheet cell holds at most 32,767


def _abridged(value: str) -> str:
    if len(value) <= VALUE_SHOWN:
        return value
    return f"{value[:VALUE_SHOWN]}… ({format_number(len(value))} karakter)"


class Reject(BaseModel):
    model_config = ConfigDict(frozen=True)

    table: str
    row: int
    column: str
    value: Annotated[str, AfterValidator(_abridged)]
    reason: str


class TableCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    table: str
    source: str
    read: int
    used: int
    rejected: int
    blank: int
    # A text file's lines after the header, and of them the lines that continue a quoted value holding
    # a line break: checked while reading, kept out of the run store's table counts (same columns as before).
    lines: int | None = Field(default=None, exclude=True)
    continued: int = Field(default=0, exclude=True)

    @property
    def balanced(self) -> bool:
        """Every row used or rejected, and every line of a text file a row, a blank row or part of a value."""
        rows = self.read == self.used + self.rejected
        return rows and (self.lines is None or self.lines == self.read + self.blank + self.continued)


class SourceFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    sha256: str


@dataclass
class Dataset:
    records: dict[str, Sequence[Record]]
    rejects: list[Reject]
    counts: list[TableCount]
    sources: list[SourceFile]
    absent: list[str] = field(default_factory=list)
    not_read: dict[str, str] = field(default_factory=dict)  # files in the data folder no table came from: why

    def table(self, name: str) -> Sequence[Record]:
        return self.records.get(name, ())

    def values(self, name: str, fields: Sequence[str], first_in: Collection[object] | None = None
               ) -> Iterator[tuple[Any, ...]]:
        """These fields of every record of a table, in order; a spooled table's without making records.
        ``first_in``: only the records whose first field's value is one of these."""
        records = self.table(name)
        if isinstance(records, SpooledRecords):
            return records.values(fields, first_in)
        rows = (tuple(getattr(record, name) for name in fields) for record in records)
        return rows if first_in is None else (row for row in rows if row[0] in first_in)

    def has(self, name: str) -> bool:
        return name not in self.absent

    def with_records(self, records: Mapping[str, Sequence[Record]]) -> Dataset:
        """The same data set with these tables' records (kept elsewhere while it was read)."""
        return replace(self, records={**self.records, **records})


def shown(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def _reason(error: dict[str, Any]) -> str:
    if "ctx" in error and "error" in error["ctx"]:
        return str(error["ctx"]["error"])
    return str(error["msg"])


def _reject_from(table: str, number: int, raw: dict[str, Any], error: ValidationError) -> Reject:
    problems = error.errors(include_url=False)
    first = problems[0]
    column = str(first["loc"][0]) if first["loc"] else ""
    reason = _reason(first)
    others = [f"kolom {problem['loc'][0]}: {_reason(problem)}" for problem in problems[1:] if problem["loc"]]
    if others:
        reason += "; juga " + "; ".join(others)
    return Reject(table=table, row=number, column=column, value=shown(raw.get(column)), reason=reason)


def _hidden_reject(model: type[Record], number: int, hidden: Any) -> Reject | None:
    """A row with a contract column's cell Excel shows filled but read as empty (a formula never
    calculated, a merged cell): rejected, whether the column is required or not — read as empty, an
    optional cell would silently lose the value the person sees."""
    if not isinstance(hidden, dict):  # none, or a CSV column named like HIDDEN: no mark
        return None
    columns = set(model.columns())
    found = [(column, reason) for column, reason in hidden.items() if column in columns]
    if not found:
        return None
    (column, reason), others = found[0], found[1:]
    if others:
        reason += "; juga " + "; ".join(f"kolom {other}: {text}" for other, text in others)
    return Reject(table=model.table, row=number, column=column, value="", reason=reason)


class _Validator:
    """Keeps the keys seen so far: duplicates within a table, references across tables."""

    def __init__(self, policy: DataPolicy | None = None) -> None:
        self.keys: dict[str, dict[tuple[Any, ...], int]] = {}
        self.compactor = Compactor()
        self.policy = policy

    def check(self, model: type[Record], number: int, raw: dict[str, Any]) -> Record | Reject:
        if hidden := _hidden_reject(model, number, raw.get(HIDDEN)):
            return hidden
        if "__extra__" in raw:
            return Reject(
                table=model.table, row=number, column="", value=";".join(shown(v) for v in raw["__extra__"]),
                reason="baris berisi lebih banyak sel daripada judul kolom (pemisah atau tanda kutip salah?)",
            )
        try:
            record = model.model_validate({**raw, "row": number})
        except ValidationError as error:
            return _reject_from(model.table, number, raw, error)
        return (self._check_policy(record, raw) or self._check_references(record, raw)
                or self._check_duplicate(record, raw) or self.compactor.compact(record))

    def _check_policy(self, record: Record, raw: dict[str, Any]) -> Reject | None:
        problem = self.policy.problem(record) if self.policy is not None else None
        if problem is None:
            return None
        column, reason = problem
        return Reject(table=record.table, row=record.row, column=column, value=shown(raw.get(column)), reason=reason)

    def _check_references(self, record: Record, raw: dict[str, Any]) -> Reject | None:
        for column, targets in record.references.items():
            value = getattr(record, column)
            if not any((value,) in self.keys.get(target, {}) for target in targets):
                where = " atau ".join(targets)
                return Reject(
                    table=record.table, row=record.row, column=column, value=shown(raw.get(column)),
                    reason=f"{column} {value} tidak terdaftar di tabel {where}",
                )
        return None

    def _check_duplicate(self, record: Record, raw: dict[str, Any]) -> Reject | None:
        if not record.key:
            return None
        seen = self.keys.setdefault(record.table, {})
        key = record.key_value()
        if key in seen:
            columns = ", ".join(record.key)
            return Reject(
                table=record.table, row=record.row, column=columns,
                value=" / ".join(shown(raw.get(column)) for column in record.key),
                reason=f"duplikat: {columns} yang sama sudah ada di baris {seen[key]}",
            )
        seen[key] = record.row
        return None


def _check_header(model: type[Record], source: str, header: list[str]) -> None:
    if not any(header):  # an empty file, or rows typed below a blank first line: the header is row 1
        raise DataError(f"{source}: baris 1 kosong, padahal baris judul harus di baris 1 (tabel {model.table}); "
                        "hapus baris kosong di atas judul, atau hapus berkasnya bila tabel ini memang tidak ada datanya")
    missing = [column for column in model.required_columns() if column not in header]
    if missing:
        names = ", ".join(missing)
        raise DataError(f"{source}: kolom wajib tidak ada: {names} (tabel {model.table})")
    # Two header cells naming one column ("Nama" and " nama "): reading either would drop the other's values.
    for column in model.columns():
        places = [f"ke-{index + 1}" for index, name in enumerate(header) if name == column]
        if len(places) > 1:
            raise DataError(f"{source}: kolom {column} ada lebih dari sekali (kolom {', '.join(places[:-1])} dan "
                            f"{places[-1]}); sisakan satu kolom {column} lalu jalankan lagi (tabel {model.table})")


def validate_stream(
    model: type[Record], stream: TableStream, validator: _Validator
) -> Iterator[Record | Reject]:
    """Row by row: the path before the columnar checks, kept for what compares the two (bench, tests)."""
    _check_header(model, stream.source, stream.header)
    for number, raw in stream.rows:
        yield validator.check(model, number, raw)


def _table_cells(model: type[Record], source: CsvFolder | Workbook) -> TableCells:
    """The table's cells: read by polars where it reads them exactly (``csv_frame``), else by the precise
    reader (stray quotes, line accounting, bytes that are not UTF-8, a sheet's typed cells)."""
    if isinstance(source, CsvFolder):
        path = source.path(model.table)
        plain = read_plain_csv(path)
        if plain is not None and not RESERVED & set(plain.header):
            _check_header(model, path.name, plain.header)
            return cells_of_csv(path.name, plain)
    stream = source.open(model.table)
    _check_header(model, stream.source, stream.header)
    return cells_of_stream(stream)


class RecordSink(Protocol):
    """Takes the accepted records of some tables as they are read (a large run's facts)."""

    def takes(self, table: str) -> bool:
        """Whether the sink takes the records of ``table``."""

    def keeps(self, table: str) -> bool:
        """Whether the data set keeps the records of a table the sink takes, as well."""

    def take(self, record: Record) -> None:
        """One accepted record (the row-by-row path)."""

    def take_rows(self, rows: AcceptedRows) -> None:
        """A table's accepted rows at once (the columnar path): no record made for a clean row."""


def load_dataset(path: Path, sink: RecordSink | None = None, policy: DataPolicy | None = None, *,
                 columnar: bool = True, read: Callable[[Dataset], None] | None = None) -> Dataset:
    """Read and validate every table of the contract found at ``path``; the records of the tables
    ``sink`` takes go to it, and are kept in the data set only where it says so. ``policy``: the
    rules folder's known regions and counted legality kinds, checked on every accepted row.
    ``columnar=False``: every row read and validated one by one (the same data set, slower; the
    bench compares the two). ``read``: told the data set so far after each table (in ``TABLES``
    order: the entities' own tables first)."""
    source = open_data(path)
    try:
        return _load(source, sink, policy, columnar, read)
    finally:
        if isinstance(source, Workbook):
            source.close()


def _refuse_tables_given_twice(source: CsvFolder | Workbook) -> None:
    twice = source.given_twice(model.table for model in TABLES)
    if twice:
        listed = "; ".join(f"tabel {table}: {', '.join(names)}" for table, names in twice.items())
        raise DataError(f"tabel yang sama diberikan lebih dari sekali ({listed}); sisakan satu untuk setiap tabel "
                        "lalu jalankan lagi")


def _load(source: CsvFolder | Workbook, sink: RecordSink | None, policy: DataPolicy | None,
          columnar: bool, read: Callable[[Dataset], None] | None = None) -> Dataset:
    _refuse_tables_given_twice(source)
    missing = [table for table in REQUIRED_TABLES if not source.has(table)]
    if missing:
        raise DataError(f"tabel wajib tidak ditemukan: {', '.join(missing)} (berkas {missing[0]}.csv atau sheet {missing[0]})")
    validator = _Validator(policy)
    dataset = Dataset(records={}, rejects=[], counts=[], sources=[])
    dataset.absent.extend(model.table for model in TABLES if not source.has(model.table))
    dataset.not_read.update(source.not_read(model.table for model in TABLES))
    present = [model for model in TABLES if source.has(model.table)]
    with ExitStack() as stack:
        tables = stack.enter_context(_tables_read(present, source)) if columnar else repeat(None)
        for model, read_table in zip(present, tables):
            if read_table is not None:
                with collector_paused():
                    _load_checked(model, read_table, *check_table(model, read_table, validator), dataset, sink)
            else:
                stream = source.open(model.table)
                _load_table(model, stream, validate_stream(model, stream, validator), dataset, sink)
            if model.table not in REFERENCED:  # the keys of the others are forgotten once their table is read
                validator.keys.pop(model.table, None)
            if read is not None:
                read(dataset)
    dataset.sources = [SourceFile(name=file.name, sha256=sha256_of(file)) for file in source.files()]
    return dataset


READ_AHEAD_BYTES = 256 << 20  # a folder of CSV files is read a table ahead only up to this size in all


@contextmanager
def _tables_read(models: Sequence[type[Record]], source: CsvFolder | Workbook) -> Iterator[Iterator[TableCells]]:
    """Each of ``models``' tables read (``_table_cells``) and parsed (``parse_cells``), in order. From a
    folder of CSV files the next table is read and parsed in a thread while the caller checks this one
    and makes its records: polars reads and parses without Python's lock, the check and the records
    are Python's, so the two take both cores. That holds two tables at once, and the memory polars
    frees in the reading thread stays with the process: a folder larger than ``READ_AHEAD_BYTES`` in
    all is read a table at a time (a million entities, 339 MB: the run's memory peak has no room for
    it; the national registry, 90 MB, is read ahead). A workbook's sheets come from one open file, one
    at a time."""
    if not isinstance(source, CsvFolder) or _bytes(source, *models) > READ_AHEAD_BYTES:
        yield (_table_cells(model, source) for model in models)
        return
    with ThreadPoolExecutor(1, thread_name_prefix="iku-read-ahead") as ahead:
        yield _one_ahead(ahead, models, source)


def _one_ahead(ahead: ThreadPoolExecutor, models: Sequence[type[Record]], source: CsvFolder) -> Iterator[TableCells]:
    following: Future[TableCells] | None = None  # the table after the current one, being read
    for model, after in zip(models, [*models[1:], None]):
        current = following.result() if following is not None else _table_cells(model, source)
        following = ahead.submit(_read_parsed, after, source) if after is not None else None
        yield current


def _bytes(source: CsvFolder, *models: type[Record]) -> int:
    return sum(source.path(model.table).stat().st_size for model in models)


def _read_parsed(model: type[Record], source: CsvFolder) -> TableCells:
    """A table read ahead: its cells, and their columns parsed for its check to take."""
    cells = _table_cells(model, source)
    cells.typed = parse_cells(model, cells)
    return cells


def _load_table(model: type[Record], stream: TableStream | TableCells, outcomes: Iterator[Record | Reject],
                dataset: Dataset, sink: RecordSink | None) -> None:
    """The outcomes of a table's rows into the data set; ``stream``'s counts are read once they are all out."""
    records: list[Record] = []
    taken = sink.take if sink is not None and sink.takes(model.table) else None
    keep = taken is None or sink.keeps(model.table)  # type: ignore[union-attr]
    used = rejected = 0
    for outcome in outcomes:
        if isinstance(outcome, Reject):
            dataset.rejects.append(outcome)
            rejected += 1
            continue
        used += 1
        if taken is not None:
            taken(outcome)
        if keep:
            records.append(outcome)
    if keep:
        dataset.records[model.table] = records
    _count(model, stream, used, rejected, dataset)


def _load_checked(model: type[Record], cells: TableCells, rejects: list[Reject], accepted: AcceptedRows,
                  dataset: Dataset, sink: RecordSink | None) -> None:
    """A table checked column-wise into the data set: the sink takes its rows as columns."""
    dataset.rejects.extend(rejects)
    taken = sink is not None and sink.takes(model.table)
    if taken:
        sink.take_rows(accepted)  # type: ignore[union-attr]
    if not taken or sink.keeps(model.table):  # type: ignore[union-attr]
        dataset.records[model.table] = accepted.records()
    _count(model, cells, len(accepted), len(rejects), dataset)


def _count(model: type[Record], stream: TableStream | TableCells, used: int, rejected: int, dataset: Dataset) -> None:
    """The table's count; ``stream``'s counts are read once its rows are all out."""
    count = TableCount(
        table=model.table, source=stream.source, read=used + rejected, used=used, rejected=rejected,
        blank=len(stream.blank_rows), lines=stream.lines, continued=stream.continued,
    )
    if not count.balanced:  # a reader that lost rows must stop the run, never let it report on part of a file
        raise DataError(f"{stream.source}: baris tidak terhitung semua ({count.lines} baris teks, dibaca "
                        f"{count.read}, kosong {count.blank}, lanjutan nilai {count.continued})")
    dataset.counts.append(count)

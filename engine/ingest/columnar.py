"""One table's rows checked column-wise, with the row-by-row check only for the rows it flags.

Every cell is parsed by ``value_exprs`` (the parsers of ``values.py`` as polars expressions); then, on
whole columns: required cells, ranges, the rules folder's lists (``DataPolicy.allowed``), references to
the tables read before, and keys given twice. A row that passes every check becomes a record straight
from its parsed values. A flagged row — a cell refused or left to the Python parser, a key given twice,
a reference not found, a cell that is not text (a sheet's numbers and dates), more cells than the
header, a sheet cell Excel shows filled that reads as empty (``readers.HIDDEN``) — goes to the
row-by-row check (``RowCheck.check``: the pydantic model and the dataset's checks), which says
exactly why, or accepts it. So a flag never decides a reject: the row-by-row check does,
and the rejects are those of reading every row one by one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Protocol


from engine.ingest import value_exprs
from engine.ingest.compact import Compactor, record_of
from engine.ingest.csv_frame import PlainCsv
from engine.ingest.policy import DataPolicy
from engine.ingest.polars_setup import pl
from engine.ingest.readers import HIDDEN, TableStream
from engine.ingest.tables import Record

ROW = "__row__"  # the row number a spreadsheet shows (header = 1); a header may name a column "row"
_BAD = "__bad__"
# Header names the row-by-row reader gives a meaning of its own ("__extra__": cells beyond the header):
# a file naming a column so is read by it.
RESERVED = frozenset({ROW, _BAD, "__extra__", HIDDEN})


@dataclass
class TableCells:
    """One table's non-blank rows as text columns, and what its reader counted."""

    source: str
    header: list[str]
    frame: pl.DataFrame  # ROW and one text column per named header column (the last of equal names)
    by_row: dict[int, dict[str, Any]]  # rows checked row by row whatever their cells: number -> raw row
    blank_rows: list[int] = field(default_factory=list)
    lines: int | None = None
    continued: int = 0


class RowCheck(Protocol):
    """The row-by-row check, with the keys it has seen per table (``dataset._Validator``)."""

    keys: dict[str, dict[tuple[Any, ...], int]]
    compactor: Compactor
    policy: DataPolicy | None

    def check(self, model: type[Record], number: int, raw: dict[str, Any]) -> Any: ...


def _named(header: list[str]) -> dict[str, int]:
    """Column name -> position; as a row's dict is made, the last of equal names wins. (A column
    named like ROW is no column of any table: left out, its cells still count for blank rows.)"""
    return {name: index for index, name in enumerate(header) if name and name not in (ROW, _BAD)}


def cells_of_csv(source: str, plain: PlainCsv) -> TableCells:
    frame = plain.frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    blank = pl.all_horizontal([value_exprs.is_blank(pl.col(name)) for name in plain.frame.columns])
    frame = frame.with_columns(blank.alias(_BAD))
    blank_rows = frame.filter(pl.col(_BAD))[ROW].to_list()
    positions = plain.frame.columns
    named = [pl.col(positions[index]).alias(name) for name, index in _named(plain.header).items()]
    return TableCells(source, plain.header, frame.filter(~pl.col(_BAD)).select(ROW, *named), {}, blank_rows,
                      lines=plain.lines)


def cells_of_stream(stream: TableStream) -> TableCells:
    """A precise reader's rows (a CSV file polars cannot read exactly, a sheet) made into columns."""
    names = list(_named(stream.header))
    numbers: list[int] = []
    columns: dict[str, list[str | None]] = {name: [] for name in names}
    by_row: dict[int, dict[str, Any]] = {}
    for number, raw in stream.rows:
        numbers.append(number)
        plain = all(raw.get(name) is None or type(raw.get(name)) is str for name in names)
        if "__extra__" in raw or HIDDEN in raw or not plain:
            by_row[number] = raw
        for name in names:
            cell = raw.get(name)
            columns[name].append(cell if type(cell) is str else None)
    frame = pl.DataFrame({ROW: numbers, **columns}, schema={ROW: pl.Int64, **{name: pl.String for name in names}})
    return TableCells(stream.source, stream.header, frame, by_row, stream.blank_rows, stream.lines,
                      stream.continued)


def _parsed(model: type[Record], frame: pl.DataFrame, present: list[str]) -> pl.DataFrame:
    """ROW, each present column parsed (null where blank) and _BAD: a cell refused, deferred or blank
    where required."""
    columns, bad = [], []
    for column in present:
        parser = model.cell_parser(column)
        parsed = value_exprs.PARSERS[parser.parse](frame[column])
        blank = f"{column}.blank"
        columns += [value_exprs.is_blank(frame[column]).alias(blank), parsed.value.alias(column),
                    parsed.status.alias(f"{column}.status")]
        refused = ~pl.col(blank) & (pl.col(f"{column}.status") != value_exprs.ACCEPT)
        bad.append(refused | pl.col(blank) if parser.required else refused)
    typed = pl.DataFrame([frame[ROW], *columns]) if columns else frame.select(ROW)
    values = [pl.when(pl.col(f"{column}.blank")).then(None).otherwise(pl.col(column)).alias(column)
              for column in present]
    return typed.select(ROW, *values, pl.any_horizontal(bad or [pl.lit(False)]).alias(_BAD))


def _outside(model: type[Record], present: list[str], checker: RowCheck) -> list[pl.Expr]:
    """Parsed values outside the rules folder's lists, or naming no row of the tables referred to."""
    lists = {} if checker.policy is None else checker.policy.allowed(model.table)
    found = [pl.col(column).is_not_null() & ~pl.col(column).is_in(_texts(allowed))
             for column, allowed in lists.items() if column in present]
    for column, targets in model.references.items():
        found.append(~pl.col(column).is_in(_texts(key[0] for target in targets for key in checker.keys.get(target, {}))))
    return found


def _texts(texts: Iterable[str]) -> pl.Expr:
    return pl.lit(pl.Series(list(texts), dtype=pl.String).implode())


def _flagged(model: type[Record], cells: TableCells, checker: RowCheck) -> pl.DataFrame:
    present = [column for column in model.columns() if column in cells.frame.columns]
    typed = _parsed(model, cells.frame, present)
    outside = _outside(model, present, checker)
    if cells.by_row:
        outside.append(pl.col(ROW).is_in(pl.lit(pl.Series(list(cells.by_row), dtype=pl.Int64).implode())))
    if outside:
        typed = typed.with_columns(pl.col(_BAD) | pl.any_horizontal(outside))
    if model.key:  # every row of a key given twice (the row by row check says which is the duplicate)
        typed = typed.with_columns(pl.col(_BAD) | (pl.struct(model.key).is_duplicated().over(_BAD) & ~pl.col(_BAD)))
    return typed


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a table's records are made: a record holds no
    cycle, and at 800,000 records its passes over the young objects took a fifth of the ingest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def checked_rows(model: type[Record], cells: TableCells, checker: RowCheck) -> Iterator[Any]:
    """Each row's record or reject, in row order, as ``checker.check`` row by row would give them."""
    typed = _flagged(model, cells, checker)
    good = typed.filter(~pl.col(_BAD))
    flagged = cells.frame.join(typed.filter(pl.col(_BAD)).select(ROW), on=ROW, how="semi").sort(ROW)
    fields = list(model.model_fields)  # "row" first, then the columns: the order validation sets them in
    present = set(good.columns)
    columns = [checker.compactor.column(model, name, good[name].to_list()) if name in present else repeat(None)
               for name in fields[1:]]
    given = checker.compactor.given({"row", *(name for name in fields if name in present)})
    seen = checker.keys.setdefault(model.table, {}) if model.key else None
    key_at = [fields.index(column) for column in model.key]

    def raw_of(row: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        number = row.pop(ROW)
        return number, cells.by_row.get(number, row)

    pending = map(raw_of, flagged.iter_rows(named=True))
    waiting = next(pending, (None, None))
    numbers = good[ROW].to_list()
    keys = zip(*(columns[at - 1] for at in key_at)) if seen is not None else repeat(None)
    for values, key in zip(zip(numbers, *columns), keys):
        number = values[0]
        while waiting[0] is not None and waiting[0] < number:
            yield checker.check(model, *waiting)
            waiting = next(pending, (None, None))
        if key is not None:
            if key in seen:  # the key of a flagged row accepted before: a duplicate, said row by row
                yield checker.check(model, *raw_of(cells.frame.filter(pl.col(ROW) == number).row(0, named=True)))
                continue
            seen[key] = number
        yield record_of(model, zip(fields, values), given)
    while waiting[0] is not None:
        yield checker.check(model, *waiting)
        waiting = next(pending, (None, None))

"""One table's rows checked column-wise, with the row-by-row check only for the rows it flags.

Every cell is parsed by ``value_exprs`` (the parsers of ``values.py`` as polars expressions); then, on
whole columns: required cells, ranges, the rules folder's lists (``DataPolicy.allowed``), references to
the tables read before, and keys given twice. A row that passes every check stays in the parsed
columns (``AcceptedRows``): what takes the table reads them as columns, and a record is made from
them only for a table whose records are kept (a run's fact tables get fact rows, no record). A flagged row — a cell refused or left to the Python parser, a key given twice,
a reference not found, a cell that is not text (a sheet's numbers and dates), more cells than the
header, a sheet cell Excel shows filled that reads as empty (``readers.HIDDEN``) — goes to the
row-by-row check (``RowCheck.check``: the pydantic model and the dataset's checks), which says
exactly why, or accepts it. So a flag never decides a reject: the row-by-row check does,
and the rejects are those of reading every row one by one.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from typing import Any, Protocol, TypeVar
from weakref import WeakKeyDictionary


from engine.ingest import value_exprs
from engine.ingest.compact import Compactor, record_of
from engine.ingest.csv_frame import PlainCsv
from engine.ingest.policy import DataPolicy
from engine.ingest.polars_setup import pl
from engine.ingest.readers import HIDDEN, TableStream
from engine.ingest.tables import REFERENCED, Record

ROW = "__row__"  # the row number a spreadsheet shows (header = 1); a header may name a column "row"
_BAD = "__bad__"
# Header names the row-by-row reader gives a meaning of its own ("__extra__": cells beyond the header):
# a file naming a column so is read by it.
RESERVED = frozenset({ROW, _BAD, "__extra__", HIDDEN})
_NOTHING = object()
SLICE = 250_000  # rows parsed, or keyed, at a time: what a step of a large table's check holds at once
PARSERS_AT_ONCE = 2  # columns parsed at a time (``_parsed``)
T = TypeVar("T")


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
    # its columns as ``parse_cells`` parses them, when parsed before the check (``dataset``): taken by
    # the check, which then holds them once (a large table's parsed columns are hundreds of MB)
    typed: pl.DataFrame | None = None
    blanks: pl.DataFrame | None = None  # per row of ``frame``, each named column's cell blank (if worked out)


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
    # each cell blank or not, worked out once: for the blank rows here, for the parsers (``_parsed``)
    blanks = plain.frame.select([value_exprs.is_blank(pl.col(name)).alias(name) for name in plain.frame.columns])
    frame = frame.with_columns(blanks.select(pl.all_horizontal(blanks.columns)).to_series().alias(_BAD))
    blank_rows = frame.filter(pl.col(_BAD))[ROW].to_list()
    positions = plain.frame.columns
    named = {name: pl.col(positions[index]).alias(name) for name, index in _named(plain.header).items()}
    if blank_rows:  # a copy of every cell, where a row is blank
        blanks, frame = blanks.filter(~frame[_BAD]), frame.filter(~pl.col(_BAD))
    return TableCells(source, plain.header, frame.select(ROW, *named.values()), {}, blank_rows, lines=plain.lines,
                      blanks=blanks.select(*named.values()))


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


def _parsed(model: type[Record], frame: pl.DataFrame, present: list[str], blanks: pl.DataFrame | None = None
            ) -> pl.DataFrame:
    """ROW, each present column parsed (null where blank) and _BAD: a cell refused, deferred or blank
    where required. Parsed ``SLICE`` rows at a time: a parser's steps (a date's nine captured parts, a
    number's separators) would otherwise each be a column as long as the table (at 1M entities the
    check of RAT's 3.2M rows, parsed whole, rose 0.5 GB above where it started)."""
    # The columns are parsed ``PARSERS_AT_ONCE`` at a time: polars works without the interpreter's lock,
    # and most of a parser's steps keep one core busy (the ingest's other core waited). Threads of
    # this call only: a pool kept would be a pool without threads in a process forked from this one.
    with ThreadPoolExecutor(PARSERS_AT_ONCE, thread_name_prefix="iku-parse") as pool:
        parts = [_parsed_part(model, frame.slice(start, SLICE), present, pool,
                              None if blanks is None else blanks.slice(start, SLICE))
                 for start in range(0, max(frame.height, 1), SLICE)]
    return parts[0] if len(parts) == 1 else pl.concat(parts, rechunk=False)


def _parsed_part(model: type[Record], frame: pl.DataFrame, present: list[str], pool: ThreadPoolExecutor,
                 blanks: pl.DataFrame | None) -> pl.DataFrame:
    def parse(column: str) -> tuple[pl.Series, value_exprs.Parsed]:
        blank = value_exprs.is_blank(frame[column]) if blanks is None else blanks[column]
        return blank, value_exprs.PARSERS[model.cell_parser(column).parse](frame[column])

    columns, bad = [], []
    for column, (empty, parsed) in zip(present, pool.map(parse, present)):
        parser = model.cell_parser(column)
        blank = f"{column}.blank"
        columns += [empty.alias(blank), parsed.value.alias(column), parsed.status.alias(f"{column}.status")]
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
        found.append(~pl.col(column).is_in(_referenced(checker, targets)))
    return found


# checker → tables referred to → (their key dicts and how many keys each held, those keys as a list)
_REFERENCED: WeakKeyDictionary[RowCheck, dict[tuple[str, ...], tuple[tuple[tuple[int, int], ...], pl.Expr]]] = \
    WeakKeyDictionary()


def _referenced(checker: RowCheck, targets: tuple[str, ...]) -> pl.Expr:
    """The keys of the tables ``targets`` the checker has seen, as a list: made once while they stay the
    same (a key is only ever added), not again for each table referring to them (a national run's six
    tables referring to 130,000 koperasi and 100,000 UKM)."""
    seen = tuple((id(keys), len(keys)) for keys in (checker.keys.get(target, {}) for target in targets))
    made = _REFERENCED.setdefault(checker, {})
    if targets not in made or made[targets][0] != seen:
        made[targets] = (seen, _texts(key[0] for target in targets for key in checker.keys.get(target, {})))
    return made[targets][1]


def _texts(texts: Iterable[str]) -> pl.Expr:
    return pl.lit(pl.Series(list(texts), dtype=pl.String).implode())


def parse_cells(model: type[Record], cells: TableCells) -> pl.DataFrame:
    """ROW, each present column parsed and _BAD (a cell refused, deferred or blank where required): the
    part of a table's check that reads no other table, so it can be done while another is checked."""
    return _parsed(model, cells.frame, _present(model, cells), cells.blanks)


def _present(model: type[Record], cells: TableCells) -> list[str]:
    return [column for column in model.columns() if column in cells.frame.columns]


def _flagged(model: type[Record], cells: TableCells, checker: RowCheck) -> pl.DataFrame:
    present = _present(model, cells)
    typed, cells.typed = cells.typed, None
    if typed is None:
        typed = parse_cells(model, cells)
    outside = _outside(model, present, checker)
    if cells.by_row:
        outside.append(pl.col(ROW).is_in(pl.lit(pl.Series(list(cells.by_row), dtype=pl.Int64).implode())))
    if outside:
        typed = typed.with_columns(pl.col(_BAD) | pl.any_horizontal(outside))
    if model.key:  # every clean row of a key given twice (the row by row check says which is the duplicate)
        typed = typed.with_columns(pl.col(_BAD) | (_hashed(*model.key, _BAD).is_duplicated() & ~pl.col(_BAD)))
    return typed


def _hashed(*columns: str) -> pl.Expr:
    """A 64-bit hash of the columns' values: duplicates found among these take a fifth of the memory
    of finding them among the values (1.2M keys: 60 instead of 240 MB). Two values sharing a hash
    only flag their rows, and the row-by-row check, given the rows, finds no duplicate."""
    return pl.struct(columns).hash()


@dataclass
class AcceptedRows:
    """A table's accepted rows in row order: the clean ones as parsed columns, the few the row-by-row
    check accepted as its records. What takes them reads whole columns (``column``, ``tuples``); a
    record per clean row is made only for a table whose records are kept (``records``)."""

    model: type[Record]
    clean: pl.DataFrame  # ROW and the parsed columns present
    given: set[str]  # the fields given of a clean row's record (shared)
    checked: list[Record]  # accepted by the row-by-row check, row order
    compactor: Compactor

    def __len__(self) -> int:
        return self.clean.height + len(self.checked)

    def parts(self, size: int) -> Iterator[AcceptedRows]:
        """The rows in parts of about ``size`` (a large table's rows made into objects a part at a time)."""
        numbers = self.clean[ROW]
        checked = self.checked
        for start in range(0, max(self.clean.height, 1), size):
            stop = start + size
            last = stop >= self.clean.height
            part = [record for record in checked if last or record.row < numbers[stop]]
            checked = checked[len(part):]
            yield AcceptedRows(self.model, self.clean.slice(start, size), self.given, part, self.compactor)

    def with_checked(self, clean: list[T], of_record: Callable[[Record], T]) -> list[T]:
        """``clean`` (an item per clean row) with each checked record's item put in at its row."""
        if not self.checked:
            return clean
        numbers = self.clean[ROW].to_list()
        merged: list[T] = []
        start = 0
        for record in self.checked:
            at = bisect_left(numbers, record.row, start)
            merged += clean[start:at]
            merged.append(of_record(record))
            start = at
        return merged + clean[start:]

    def column(self, name: str) -> list[Any]:
        """A column's values (None where the header lacks it)."""
        present = name in self.clean.columns
        values = self.compactor.identifiers(self.model, name, self.clean[name].to_list()) if present \
            else [None] * self.clean.height
        return self.with_checked(values, attrgetter(name))

    def tuples(self, columns: Sequence[pl.Expr], of_record: Callable[[Record], tuple[Any, ...]],
               first: Any = _NOTHING) -> list[tuple[Any, ...]]:
        """A tuple per row: ``first`` (if given), then the values of ``columns`` (expressions over the
        clean rows' parsed columns, at least one); ``of_record`` gives a checked record's tuple."""
        references = self.model.references  # one object per id, shared with the koperasi's or UKM's own row
        made = [self.compactor.column(self.model, series.name, series.to_list()) if series.name in references
                else series.to_list() for series in self.clean.select(columns).iter_columns()]
        lead = [] if first is _NOTHING else [repeat(first)]
        return self.with_checked(list(zip(*lead, *made)), of_record)

    def records(self) -> list[Record]:
        """Every accepted row's record; a clean row's values shared as ``Compactor.column`` shares them."""
        model, clean = self.model, self.clean
        fields = list(model.model_fields)  # "row" first, then the columns: the order validation sets them in
        columns = [self.compactor.column(model, name, clean[name].to_list()) if name in clean.columns
                   else repeat(None) for name in fields[1:]]
        given = self.given
        made = [record_of(model, zip(fields, values), given) for values in zip(clean[ROW].to_list(), *columns)]
        return self.with_checked(made, lambda record: record)


def present_or_null(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A parsed column of ``frame``, or nulls where its header lacks the column."""
    return pl.col(name) if name in frame.columns else pl.lit(None).alias(name)


def check_table(model: type[Record], cells: TableCells, checker: RowCheck) -> tuple[list[Any], AcceptedRows]:
    """The rejects of a table's rows in row order, and its accepted rows, as ``checker.check`` row by
    row would give them: the flagged rows are checked one by one, in row order, between the clean
    rows before and after them (whose keys the checker sees as it would row by row)."""
    typed = _flagged(model, cells, checker)
    bad = typed[_BAD]
    flagged = cells.frame.filter(bad).sort(ROW)  # typed has the rows of cells.frame, in its order
    good = (typed.filter(~bad) if flagged.height else typed).drop(_BAD)
    del typed, bad  # a large table's parsed columns are held once, as ``good``

    def raw_of(row: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        number = row.pop(ROW)
        return number, cells.by_row.get(number, row)

    seen = checker.keys.setdefault(model.table, {}) if model.key else None
    later = model.table in REFERENCED  # its keys are read again by the tables referring to it
    outcomes: list[Any] = []
    repeated: list[int] = []  # clean rows whose key a checked row accepted before them: said row by row

    def keys_seen(start: int, stop: int, last: bool = False) -> None:
        """The clean rows ``start:stop`` into ``seen``, ``SLICE`` at a time. After the last flagged row
        (``last``) a clean row's key is needed only for a table referred to: a clean key repeats no
        other clean row's (``_flagged``), so it can only meet a key a checked row accepted."""
        keep = later or not last
        if seen is None or not (keep or seen):
            return
        for begin in range(start, stop, SLICE):
            part = good.slice(begin, min(SLICE, stop - begin))
            numbers = part[ROW].to_list()
            keys = list(zip(*(checker.compactor.identifiers(model, column, part[column].to_list())
                              for column in model.key)))
            if seen.keys().isdisjoint(keys):
                if keep:
                    seen.update(zip(keys, numbers))
                continue
            for key, number in zip(keys, numbers):
                if key in seen:
                    repeated.append(number)
                    raw = cells.frame.filter(pl.col(ROW) == number).row(0, named=True)
                    outcomes.append(checker.check(model, *raw_of(raw)))
                elif keep:
                    seen[key] = number

    start = 0
    stops = good[ROW].search_sorted(flagged[ROW], side="left").to_list() if flagged.height else []
    for stop, (number, raw) in zip(stops, map(raw_of, flagged.iter_rows(named=True))):
        keys_seen(start, stop)
        start = stop
        outcomes.append(checker.check(model, number, raw))
    keys_seen(start, good.height, last=True)
    if repeated:
        good = good.filter(~pl.col(ROW).is_in(repeated))
    checked = [outcome for outcome in outcomes if isinstance(outcome, Record)]
    given = checker.compactor.given({"row", *(name for name in model.model_fields if name in good.columns)})
    rejects = [outcome for outcome in outcomes if not isinstance(outcome, Record)]
    return rejects, AcceptedRows(model, good, given, checked, checker.compactor)

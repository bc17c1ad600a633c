"""A table's records kept in the run's spool, for the tables a large run reads once more, late.

The indicators read the yearly figures (kinerja) once per growth indicator, long after the data
is read: a national run has 2.4 million such rows. They wait in the spool a block at a time: the
clean rows read column-wise as their parsed columns (``_Columns``: no Python value made until a
field is read), the others as value tuples; they are made into records again (without validating
twice) as they are read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import NamedTuple, Union, overload

from engine.ingest.columnar import ROW, AcceptedRows, present_or_null
from engine.ingest.compact import record_of
from engine.ingest.polars_setup import pl
from engine.ingest.tables import Record
from engine.spool import BlockSpool, SpooledList


class _Columns(NamedTuple):
    """Clean rows kept as their parsed columns (named as the model's fields), all with these fields given."""

    given: set[str]
    frame: pl.DataFrame


Item = tuple[object, ...]  # a record's (fields given, *values)


class SpooledRecords(Sequence[Record]):
    BLOCK = 20_000

    def __init__(self, model: type[Record], spool: BlockSpool):
        self._model = model
        self._names = tuple(model.model_fields)
        self._values = attrgetter(*self._names)
        self._rows: SpooledList[Union[Item, _Columns]] = SpooledList(spool)  # in order; a ``_Columns`` a block of its own
        self._length = 0

    def append(self, record: Record) -> None:
        self._rows.append(self._item(record))
        self._length += 1
        if len(self._rows.held) >= self.BLOCK:
            self._rows.write()

    def extend(self, rows: AcceptedRows) -> None:
        """A table's accepted rows, from their parsed columns (no record made for a clean row, and no
        Python value until a field is read, unless the row-by-row check accepted some of them)."""
        columns = [pl.col(ROW).alias(self._names[0]), *(present_or_null(rows.clean, name) for name in self._names[1:])]
        self._length += len(rows)
        if rows.checked:  # the few rows the row-by-row check accepted, in their places: as tuples
            items = rows.tuples(columns, self._item, first=rows.given)
            for start in range(0, len(items), self.BLOCK):
                self._rows.held.extend(items[start:start + self.BLOCK])
                if len(self._rows.held) >= self.BLOCK:
                    self._rows.write()
            return
        frame = rows.clean.select(columns)
        for start in range(0, frame.height, self.BLOCK):
            self._rows.held.append(_Columns(rows.given, frame.slice(start, self.BLOCK)))
            self._rows.write()

    def _item(self, record: Record) -> Item:
        return (record.__pydantic_fields_set__, *self._values(record))

    def _items(self, fields: Sequence[str] | None = None, first_in: Collection[object] | None = None) -> Iterator[Item]:
        """Each row's fields given and values (``fields``: only those values, without the fields given;
        ``first_in``, with ``fields``: only the rows whose first field is one of these, picked in polars from a block
        of columns: a growth indicator reads two years of a history of several)."""
        positions = None if fields is None else [self._names.index(name) + 1 for name in fields]
        taken = None if positions is None else itemgetter(*positions) if len(positions) > 1 \
            else (lambda item, at=positions[0]: (item[at],))  # each item starts with the fields given
        for item in self._rows:
            if item.__class__ is _Columns:
                frame = item.frame if fields is None else item.frame.select(fields)  # type: ignore[union-attr]
                if first_in is not None:
                    frame = frame.filter(frame.to_series(0).is_in(list(first_in)))
                lead = [] if fields is not None else [repeat(item.given)]  # type: ignore[union-attr]
                yield from zip(*lead, *(column.to_list() for column in frame.iter_columns()))
            elif taken is None:
                yield item
            else:
                values = taken(item)  # type: ignore[misc]
                if first_in is None or values[0] in first_in:
                    yield values

    def values(self, fields: Sequence[str], first_in: Collection[object] | None = None) -> Iterator[tuple[object, ...]]:
        """These fields of every record, in order, without making the records (a national run's
        growth indicators read millions of rows for three or four of their fields); ``first_in``: see ``_items``."""
        return self._items(fields, first_in)

    def __iter__(self) -> Iterator[Record]:
        names, model = self._names, self._model
        for given, *values in self._items():
            yield record_of(model, zip(names, values), given)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        return list(self)[index]  # read in whole by nothing but tests: the run only iterates

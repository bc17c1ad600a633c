"""A table's records kept in the run's spool, for the tables a large run reads once more, late.

The indicators read the yearly figures (kinerja) once per growth indicator, long after the data
is read: a national run has 2.4 million such rows. They wait in the spool as value tuples, a
block at a time, and are made into records again (without validating twice) as they are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import attrgetter, itemgetter
from typing import overload

from engine.ingest.columnar import ROW, AcceptedRows, present_or_null
from engine.ingest.compact import record_of
from engine.ingest.polars_setup import pl
from engine.ingest.tables import Record
from engine.spool import BlockSpool, SpooledList


class SpooledRecords(Sequence[Record]):
    BLOCK = 20_000

    def __init__(self, model: type[Record], spool: BlockSpool):
        self._model = model
        self._names = tuple(model.model_fields)
        self._values = attrgetter(*self._names)
        self._rows: SpooledList[tuple[object, ...]] = SpooledList(spool)  # (fields given, *values)

    def append(self, record: Record) -> None:
        self._rows.append(self._item(record))
        if len(self._rows.held) >= self.BLOCK:
            self._rows.write()

    def extend(self, rows: AcceptedRows) -> None:
        """A table's accepted rows, from their parsed columns (no record made for a clean row)."""
        columns = [pl.col(ROW), *(present_or_null(rows.clean, name) for name in self._names[1:])]  # "row" first
        items = rows.tuples(columns, self._item, first=rows.given)
        for start in range(0, len(items), self.BLOCK):
            self._rows.held.extend(items[start:start + self.BLOCK])
            if len(self._rows.held) >= self.BLOCK:
                self._rows.write()

    def _item(self, record: Record) -> tuple[object, ...]:
        return (record.__pydantic_fields_set__, *self._values(record))

    def values(self, fields: Sequence[str]) -> Iterator[tuple[object, ...]]:
        """These fields of every record, in order, without making the records (a national run's
        growth indicators read millions of rows for three or four of their fields)."""
        positions = [self._names.index(name) + 1 for name in fields]  # each item starts with the fields given
        return (tuple(row[position] for position in positions) for row in self._rows) if len(positions) == 1 \
            else map(itemgetter(*positions), self._rows)

    def __iter__(self) -> Iterator[Record]:
        names, model = self._names, self._model
        for given, *values in self._rows:
            yield record_of(model, zip(names, values), given)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        return list(self)[index]  # read in whole by nothing but tests: the run only iterates

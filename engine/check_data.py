"""``iku check-data``: read and validate a data set without rules, so an office can fix it first.

The same ingest as a run (``load_dataset``): the same parsers, reference and duplicate checks,
counts and rejects. Accepted records are counted and let go at once — a check needs only the
accounting — so a national file is checked in little memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.ingest.columnar import AcceptedRows
from engine.ingest.dataset import Dataset, load_dataset
from engine.ingest.policy import DataPolicy
from engine.ingest.tables import Record


class _Discard:
    """A record sink that takes every table and keeps nothing (see ``RecordSink``)."""

    def takes(self, table: str) -> bool:
        return True

    def keeps(self, table: str) -> bool:
        return False

    def take(self, record: Record) -> None:
        pass

    def take_rows(self, rows: AcceptedRows) -> None:
        pass


@dataclass(frozen=True)
class DataCheck:
    data: Path
    dataset: Dataset  # counts, rejects and sources; no records

    @property
    def passed(self) -> bool:
        return not self.dataset.rejects


def check_data(data: Path, policy: DataPolicy) -> DataCheck:
    """The rows a run would reject, ``policy`` included (regions, legality kinds); raises
    ``DataError`` for an unusable input as a whole (missing file or column)."""
    return DataCheck(data, load_dataset(data, _Discard(), policy))

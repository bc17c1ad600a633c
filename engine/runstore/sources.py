"""The record's source rows, built by the output stage's other process while this one writes the rest.

Every source row evidence can cite (``src_<table>``: an entity's rows of a table a clause reads, with
the columns shown) is made from the entity's fact rows: for a large run that is most of the record's
rows (a million entities: 631 thousand rows, made one tuple at a time). ``hand_over_facts`` gives
the run's fact rows to the other process as the spool holds them (its blocks copied as they are, in a
temporary file in the run's folder); ``build_sources`` there makes the rows into an SQLite file of
the record's own source tables; the record's transaction copies them from it (``SourceRows``), so
``run.sqlite`` is the same whichever process made them.
"""

from __future__ import annotations

import pickle
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from itertools import groupby, islice
from pathlib import Path
from typing import BinaryIO

from engine.fact_chunks import SpooledRows, pickled_fact_rows
from engine.facts import EntityFacts, FactRow
from engine.pipeline import Decided, RunResult, SeriesResult
from engine.processes import answer_told
from engine.runstore.layout import SourceLayout
from engine.runstore.writer import BATCH, SourceRows, SourceRowsBuilder, create_source_tables, record_layouts

PART = 500  # entities pickled together when their facts are not one block of the spool


def hand_over_facts(run: RunResult | SeriesResult | Decided, out: Path) -> Path:
    """The fact rows of the run's entities (the last year's: every year shares them), in the record's
    order of entities, as pickled lists (an entity's rows each) ending with None, in a temporary file
    in ``out``: for another process to build the source rows from (``build_sources``, which removes
    the file)."""
    handle, name = tempfile.mkstemp(dir=out, prefix=".run.sqlite.", suffix=".facts.tmp")
    path = Path(name)
    try:
        with open(handle, "wb") as stream:
            for part in _parts(entity for group in Decided.of(run).entities.values() for entity in group):
                stream.write(pickled_fact_rows(part))
            pickle.dump(None, stream)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _parts(entities: Iterable[EntityFacts]) -> Iterator[list[EntityFacts]]:
    """The entities a spool block at a time (their rows handed over as the block was written), or
    ``PART`` at a time when their rows are not in the spool."""
    for block, group in groupby(entities, key=_block):
        if block is not None:
            yield list(group)
        else:
            while part := list(islice(group, PART)):
                yield part


def _block(entity: EntityFacts) -> int | None:
    rows = entity.fact_rows
    return rows.block if isinstance(rows, SpooledRows) else None


def side_path(out: Path) -> Path:
    """Where the source rows are built: beside the record, in the run's folder, under a name no output has."""
    return out / ".run.sqlite.sources.tmp"


def build_sources(facts: Path, layouts: Mapping[str, SourceLayout], side: Path) -> None:
    """In the other process: the source rows of the entities handed over in ``facts`` (removed
    here), in ``side``, an SQLite file holding the record's ``src_<table>`` tables and only them;
    complete when this returns, removed when it fails."""
    try:
        db = sqlite3.connect(side, isolation_level=None)
        try:
            # a scratch file, read once by this run: no journal, no sync
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("BEGIN")
            create_source_tables(db, layouts, view=False)
            with facts.open("rb") as stream:
                fill_sources(db, layouts, _handed_over(stream))
            db.execute("COMMIT")
        finally:
            db.close()
    except BaseException:
        side.unlink(missing_ok=True)
        raise
    finally:
        facts.unlink(missing_ok=True)


def fill_sources(db: sqlite3.Connection, layouts: Mapping[str, SourceLayout],
                 entities: Iterable[Sequence[FactRow]]) -> None:
    """The source rows of ``entities``' fact rows, the entities keyed 0, 1, … as the record keys them."""
    builder = SourceRowsBuilder(db, layouts)
    for key, facts in enumerate(entities):
        builder.add(key, facts)
        if key % BATCH == BATCH - 1:
            builder.flush()
    builder.flush()


def _handed_over(stream: BinaryIO) -> Iterator[Sequence[FactRow]]:
    while (part := pickle.load(stream)) is not None:  # written by hand_over_facts of this run
        yield from part


def sources_built_by(writer: ProcessPoolExecutor, decided: Decided, out: Path) -> SourceRows:
    """The record's source rows, given to ``writer`` (the output stage's other process) to build."""
    side = side_path(out)
    future = writer.submit(build_sources, hand_over_facts(decided, out), record_layouts(decided), side)
    return SourceRows(side, partial(answer_told, future, "baris sumber catatan run"))

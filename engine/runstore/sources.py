"""The record's source rows and outcomes, built by the output stage's other process while this one writes the rest.

Every source row evidence can cite (``src_<table>``: an entity's rows of a table a clause reads, with
the columns shown) is made from the entity's fact rows: for a large run that is most of the record's
rows (a million entities: 631 thousand rows, made one tuple at a time). Each entity's outcome in each
year (``outcome``, with the ``verdict`` and ``citation`` it names) is made from its decisions and the
places of the rows its evidence cites among its fact rows. ``hand_over_facts`` gives the run's fact
rows to the other process as the spool holds them (its blocks copied as they are, in a temporary file
in the run's folder), ``files.hand_over_decisions`` its decisions (each year's, read side by side);
``build_sources`` there makes the rows, entity by entity in the record's order, into an SQLite file of
the record's own source and outcome tables (``writer.OutcomeTables``: the record's own way of making
them, with each entity's places worked out from its fact rows, ``fact_places.OwnRows``); the record's
transaction copies them from it (``SourceRows``), so ``run.sqlite`` is the same whichever process made them.
"""

from __future__ import annotations

import gc
import pickle
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from itertools import groupby, islice
from pathlib import Path
from typing import BinaryIO

from engine.decisions import Item
from engine.fact_chunks import SpooledRows, pickled_fact_rows
from engine.fact_places import OwnRows
from engine.facts import EntityFacts, FactRow
from engine.outputs.files import HandedOver, handed_over_years
from engine.pipeline import Decided, RunResult, SeriesResult
from engine.processes import answer_told
from engine.runstore.writer import BATCH, RecordParts, SourceRows, SourceRowsBuilder, create_side_tables

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


def writer_started() -> None:
    """The other process started: no cyclic garbage collector there (its writers make no cycles, and its
    passes over their millions of short-lived rows and facts cost ≈ 0.4 CPU-s at national, bench/README.md).
    Given as the pool's initializer, it imports this module there as the process starts."""
    gc.disable()


def build_sources(facts: Path, decisions: HandedOver, parts: RecordParts, side: Path) -> None:
    """In the other process: the source rows and outcomes of the entities handed over in ``facts``
    and ``decisions`` (both removed here: read last), in ``side``, an SQLite file holding the record's
    ``src_<table>`` and outcome tables and only them; complete when this returns, removed when it fails."""
    try:
        db = sqlite3.connect(side, isolation_level=None)
        try:
            # a scratch file, read once by this run: no journal, no sync
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("BEGIN")
            create_side_tables(db, parts.rules.layouts)
            with facts.open("rb") as stream, handed_over_years(decisions) as years:
                fill_sources(db, parts, _handed_over(stream), years)
            db.execute("COMMIT")
        finally:
            db.close()
    except BaseException:
        side.unlink(missing_ok=True)
        raise
    finally:
        facts.unlink(missing_ok=True)
        decisions.path.unlink(missing_ok=True)


def fill_sources(db: sqlite3.Connection, parts: RecordParts, entities: Iterable[Sequence[FactRow]],
                 decisions: Sequence[Iterable[Item]]) -> None:
    """The source rows and outcomes of ``entities``' fact rows (in the record's order: keyed 0, 1, … as
    the record keys them) and of each year's ``decisions`` (items in the order of ``parts.years``)."""
    builder = SourceRowsBuilder(db, parts.rules.layouts)
    outcomes = parts.outcome_tables(db, decisions)
    cited = parts.rules.cited
    for key, (facts, (kind, entity_id)) in enumerate(zip(entities, parts.keyed(), strict=True)):
        builder.add(key, facts)
        outcomes.add(key, kind, entity_id, OwnRows(facts, cited).places)
        if key % BATCH == BATCH - 1:
            builder.flush()
            outcomes.flush()
    builder.flush()
    outcomes.finish()


def _handed_over(stream: BinaryIO) -> Iterator[Sequence[FactRow]]:
    while (part := pickle.load(stream)) is not None:  # written by hand_over_facts of this run
        yield from part


BUILT_BESIDE = "baris sumber dan keputusan catatan run"  # what the other process builds, as an error names it


def sources_built_by(writer: ProcessPoolExecutor, decided: Decided, out: Path, decisions: HandedOver) -> SourceRows:
    """The record's source rows and outcomes, given to ``writer`` (the output stage's other process) to
    build from the run's facts and its ``decisions`` as handed over (the file is removed there)."""
    side = side_path(out)
    future = writer.submit(build_sources, hand_over_facts(decided, out), decisions, RecordParts.of(decided), side)
    return SourceRows(side, partial(answer_told, future, BUILT_BESIDE))

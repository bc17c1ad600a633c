"""Plain output files of a run: tags.csv, rejects.csv, indicators.json — written atomically.

A file is written beside its final name and moved into place in one step, so a reader (or an
interrupted run) never sees half of it. Text cells that a spreadsheet would run as a formula are
prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:  # the auditor's workpaper writes with atomic_path and neutralise, without the pipeline
    from engine.decisions import Given, Item
    from engine.ingest.dataset import Reject
    from engine.pipeline import Decided, RunResult, SeriesResult

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell starting like a formula is shown as text in Excel and LibreOffice."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """Read-write for everyone the umask allows: mkstemp alone would make outputs private (0600)."""
    return 0o666 & ~_umask()


def folder_mode() -> int:
    """A run's folder once complete, as ``mkdir`` would have made it (it is private while written)."""
    return 0o777 & ~_umask()


@contextmanager
def atomic_path(path: Path) -> Iterator[str]:
    """A temporary file beside ``path`` to fill; on disk (fsync) and moved onto ``path`` when the block
    ends, removed (with an SQLite journal it may have left) when it fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        os.chmod(temporary, file_mode())
        yield temporary
        with open(temporary, "rb+") as written:  # on disk before it replaces the previous file
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        Path(temporary + "-journal").unlink(missing_ok=True)
        raise


def write_atomic(path: Path, content: bytes | Iterable[bytes]) -> None:
    """``content`` whole, or in pieces as they are made (a large page need not be held twice)."""
    with atomic_path(path) as temporary, open(temporary, "wb") as stream:
        if isinstance(content, bytes):
            stream.write(content)
        else:
            stream.writelines(content)


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """A CSV file (UTF-8, ``\n``), written atomically as the rows come: tags.csv of a national run is 150 MB."""
    with atomic_path(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([neutralise(value) for value in row] for row in rows)


def _csv_cells(values: Iterable[Any]) -> str:
    """``values`` as ``write_csv`` writes them in a row (neutralised, quoted where needed), without the
    row's end: a row of several fields is these pieces joined by commas."""
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow([neutralise(value) for value in values])
    return line.getvalue()[:-1]


def write_tags(run: RunResult | SeriesResult, out: Path) -> None:
    """One row per (entity, tag, year): the years in order, each year's rows as a single run writes them."""
    from engine.pipeline import SeriesResult  # here, not at the top: see TYPE_CHECKING above

    _write_tag_rows((result.decisions.given() for result in SeriesResult.of(run).results), out)


TAG_COLUMNS = ["entity_type", "entity_id", "tag", "rule_id", "year"]
# a text that csv quotes, or that ``neutralise`` changes: any other goes into a row as it is
_CSV_CHANGED = re.compile('[",\r\n]|^[' + re.escape("".join(FORMULA_STARTS)) + "]")
LINES_PER_WRITE = 10_000


def _write_tag_rows(years: Iterable[Iterable[Given]], out: Path) -> None:
    """tags.csv from each year's tags given, in year order: the file ``write_csv`` writes of the rows
    (entity_type, entity_id, tag, rule_id, year), made from pieces: an entity's type and id once, and
    each distinct (tag, rule_id, year) once (a year gives each of the few the rules know to many entities)."""
    with atomic_path(out / "tags.csv") as temporary, open(temporary, "w", encoding="utf-8", newline="") as stream:
        stream.write(_csv_cells(TAG_COLUMNS) + "\n")
        stream.writelines(_tag_lines(years))


def _tag_lines(years: Iterable[Iterable[Given]]) -> Iterator[str]:
    """tags.csv's lines after its header, ``LINES_PER_WRITE`` at a time."""
    from engine.pipeline import tags_by_entity

    tails: dict[tuple[Any, ...], str] = {}
    kinds: dict[str, str] = {}
    lines: list[str] = []
    changed = _CSV_CHANGED.search
    for given in years:
        for entity_type, entity_id, triples in tags_by_entity(given):
            kind = kinds.get(entity_type)
            if kind is None:
                kind = kinds[entity_type] = _csv_cells((entity_type, "x"))[:-1]  # the type, its comma
            head = kind + entity_id + "," if not changed(entity_id) else _csv_cells((entity_type, entity_id)) + ","
            for triple in triples:
                tail = tails.get(triple)
                if tail is None:
                    tail = tails[triple] = _csv_cells(triple) + "\n"
                lines.append(head + tail)
            if len(lines) >= LINES_PER_WRITE:
                yield "".join(lines)
                lines.clear()
    yield "".join(lines)


@dataclass(frozen=True)
class HandedOver:
    """A run's decisions handed over to another process (``hand_over_decisions``): the file, and where
    each year's part of it starts."""

    path: Path
    starts: tuple[int, ...]


def hand_over_decisions(run: RunResult | SeriesResult | Decided, out: Path) -> HandedOver:
    """Each year's decisions, in a temporary file in ``out``: its tag tables (``DecisionTable.tag_tables``,
    the tags each mask gives) then its items as pickled blocks ending with None; for another process
    to write tags.csv (``write_tags_from``) or the record's outcomes (``handed_over_years``) from, which
    removes the file. The spool's blocks are copied as they are, not read into objects here."""
    from engine.pipeline import Decided

    handle, name = tempfile.mkstemp(dir=out, prefix=".tags.csv.", suffix=".decisions.tmp")
    path = Path(name)
    starts = []
    try:
        with open(handle, "wb") as stream:
            for decisions in Decided.of(run).decisions:
                starts.append(stream.tell())
                pickle.dump(decisions.tag_tables(), stream, protocol=pickle.HIGHEST_PROTOCOL)
                stream.writelines(decisions.pickled())
                pickle.dump(None, stream)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return HandedOver(path, tuple(starts))


def write_tags_from(handed: HandedOver, out: Path) -> None:
    """tags.csv, the same file ``write_tags`` writes, from the decisions ``hand_over_decisions`` wrote
    (the file then removed)."""
    try:
        with handed.path.open("rb") as stream:
            _write_tag_rows(_handed_over(stream), out)
    finally:
        handed.path.unlink(missing_ok=True)


@contextmanager
def handed_over_years(handed: HandedOver) -> Iterator[list[Iterator[Item]]]:
    """Each year's decision items as ``hand_over_decisions`` wrote them, read side by side (the file
    opened once per year)."""
    with ExitStack() as files:
        years = []
        for start in handed.starts:
            stream = files.enter_context(handed.path.open("rb"))
            stream.seek(start)
            pickle.load(stream)  # the year's tag tables: tags.csv's
            years.append(_year_items(stream))
        yield years


def _handed_over(stream: BinaryIO) -> Iterator[Iterator[Given]]:
    from engine.decisions import given_in

    while stream.peek(1):
        tables = pickle.load(stream)  # written by hand_over_decisions of this run
        yield given_in(_year_items(stream), tables)  # read to its end (tag_rows reads all first) before the next


def _year_items(stream: BinaryIO) -> Iterator[Item]:
    while (block := pickle.load(stream)) is not None:  # written by hand_over_decisions of this run
        yield from block


def write_rejects(rejects: list[Reject], out: Path) -> None:
    rows = ((reject.table, reject.row, reject.column, reject.value, reject.reason) for reject in rejects)
    write_csv(out / "rejects.csv", ["table", "row", "column", "value", "reason"], rows)


def indicators_document(run: RunResult | SeriesResult) -> dict[str, Any]:
    """The contract's single-year shape for the last year; with several years, also ``years``,
    ``series`` (each year's indicators) and ``capaian``, the LKjIP table (target, realisasi, capaian
    per indicator and year; target null with "target belum diisi" when none is set)."""
    from engine.pipeline import SeriesResult

    series = SeriesResult.of(run)
    last = series.last
    document: dict[str, Any] = {
        "profile": last.profile.id,
        "year": last.year,
        "rules_version": last.book.version,
        "indicators": [indicator.public() for indicator in last.indicators],
    }
    if len(series.results) > 1:
        document["years"] = list(series.years)
        document["series"] = [{"year": result.year, "indicators": [i.public() for i in result.indicators]}
                              for result in series.results]
        # the LKjIP table; a single year keeps the contract's shape (its capaian: report and run.sqlite)
        document["capaian"] = [row.public() for row in series.capaian()]
    return document


def write_indicators(run: RunResult | SeriesResult, out: Path) -> None:
    text = json.dumps(indicators_document(run), ensure_ascii=False, indent=2) + "\n"
    write_atomic(out / "indicators.json", text.encode("utf-8"))

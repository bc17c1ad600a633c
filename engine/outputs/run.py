"""A run with its outputs: the pipeline at one end, the files in the output folder at the other."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import structlog

from engine import log
from engine.explain import explanation_texts
from engine.collector import collector_paused
from engine.outputs.audit import log_end, log_run, log_start
from engine.outputs.entities import EntityInfo, EntityKey, entity_directory
from engine.outputs.files import hand_over_decisions, write_indicators, write_rejects, write_tags, write_tags_from
from engine.outputs.folder import staged_run
from engine.outputs.lock import output_lock
from engine.outputs.report_html import EXPLAINED_PER_LIST, listed_keys, write_report_html
from engine.outputs.report_xlsx import lay_out, write_report_xlsx
from engine.outputs.workbook import lowered, write_workbook_from
from engine.runstore.sources import sources_built_by, writer_started
from engine.runstore.writer import SourceRows, write_run_record
from engine.parallel import PARALLEL_FROM
from engine.pipeline import Decided, Progress, RunResult, SeriesResult, run_series
from engine.processes import answer_told, process_pool

logger = structlog.get_logger("iku.run")
EXPLAIN_ALL_UP_TO = 2_000  # beyond this, the page explains the first few of each list (the rest: iku explain --run)
WORKBOOK_ALONGSIDE_FROM = PARALLEL_FROM  # below this, starting a process costs more than it saves
# from this (and a process alongside), the record's source rows and outcomes are built there, and tags.csv is
# written here instead: the balance of the two processes (bench/README.md, "Source rows built beside the record",
# "branch `outproc`: the record's outcomes built beside it"); above any run's size, the record makes them here
SOURCE_ROWS_ALONGSIDE_FROM = PARALLEL_FROM
# report.xlsx in a process of its own, at this much lower a priority (os.nice): at national it had 3.7 CPU-s
# to write while this process waited ≈ 4 s for the source rows and the workbook. At 10 it got so little
# beside the two others that it ended ≈ 2 s after the record, alone on a core; at 5 the three end
# together (bench/README.md, "seventh session"); at 0 the source rows end last. Up to this many entities,
# since the process adds ≈ 50 MB beside the output stage's peak, for which a million entities' run has no
# room (bench/README.md, "sixth session", "The two levers"); beyond, the source rows' process writes it after them
WORKBOOK_NICENESS = 5
WORKBOOK_OF_ITS_OWN_UP_TO = 500_000


class OutputProcess:
    """The output stage's other processes, for a large run. One, on the other core, builds the record's
    source rows and outcomes from the facts and the decisions as the spool holds them
    (``engine.runstore.sources``) while this process writes tags.csv; above any run's size
    (``SOURCE_ROWS_ALONGSIDE_FROM``) the record makes its own rows, and that process writes tags.csv from
    the decisions handed over instead. A third writes report.xlsx from sheets laid out here
    (``write_outputs``), at a lower priority: it takes the time a core would be idle (this process waits
    for the source rows, the source rows' process for nothing) and yields to the two others, whose work
    the record waits for. Beyond ``WORKBOOK_OF_ITS_OWN_UP_TO`` entities, where memory has no room for a
    third, the first writes the workbook after its rows.

    They are started while the data is read (``prepare``; the workbook's while the entities read so far are
    few enough for it), so that they are ready when every year is decided; their work is given then
    (``start``, which ``run_series`` tells), to be under way while this process counts the last year's
    indicators. Kept by ``stack``: an exception meanwhile kills them; their hand-over
    files are gone with the stack (read, or the run failed).
    """

    def __init__(self, stack: ExitStack, out: Path):
        self.stack = stack
        self.out = out
        self.writer: ProcessPoolExecutor | None = None
        self.own_workbook: ProcessPoolExecutor | None = None  # the workbook's own process, if started
        self.workbook: ProcessPoolExecutor | None = None  # report.xlsx's writer: that one or ``writer``
        self.tags: Future[None] | None = None  # tags.csv, when written there
        self.sources: SourceRows | None = None
        self.seconds = 0.0  # spent here starting it: the output stage's time

    def prepare(self, entities: int) -> None:
        """Told the entities read so far, after each table: a large run's other process is started at the
        first that makes it large, so that it has imported what it needs by the time every year is
        decided (its start took ≈ 2 s there, on the output stage's critical path: bench/README.md,
        "sixth session"), and does so while the data is read, where a core is idle ("seventh session")."""
        if entities < WORKBOOK_ALONGSIDE_FROM:
            return
        if self.writer is None:
            self.writer = self._started(process_pool(1, initializer=writer_started))
        # the workbook's, so far as the run may still be one memory has room for (its start took ≈ 1 s of
        # the output stage, beside the two others: bench/README.md, "seventh session")
        if self.own_workbook is None and entities <= WORKBOOK_OF_ITS_OWN_UP_TO:
            self.own_workbook = self._started(process_pool(1, initializer=lowered, initargs=(WORKBOOK_NICENESS,)))

    def _started(self, pool: AbstractContextManager[ProcessPoolExecutor]) -> ProcessPoolExecutor:
        started = self.stack.enter_context(pool)
        started.submit(int)  # a pool starts its process with the first work it is given
        return started

    def start(self, decided: Decided) -> None:
        """Started on ``decided``'s record rows (or tags.csv), for a large run (once; a small one: never)."""
        entities = sum(len(group) for group in decided.entities.values())
        if self.workbook is not None or entities < WORKBOOK_ALONGSIDE_FROM:
            return
        started = time.perf_counter()
        self.prepare(entities)  # started already if told the run's size before
        if entities <= WORKBOOK_OF_ITS_OWN_UP_TO:
            self.workbook = self.own_workbook
        else:
            self.workbook = self.writer
            if self.own_workbook is not None:  # started while the entities read were fewer: not needed
                self.own_workbook.shutdown()
        decisions = hand_over_decisions(decided, self.out)
        self.stack.callback(decisions.path.unlink, missing_ok=True)  # read there by then, or the run failed
        if entities >= SOURCE_ROWS_ALONGSIDE_FROM:
            self.sources = sources_built_by(self.writer, decided, self.out, decisions)
            self.stack.callback(self.sources.path.unlink, missing_ok=True)  # copied into the record, or the run failed
        else:
            self.tags = self.writer.submit(write_tags_from, decisions, self.out)
        self.seconds += time.perf_counter() - started


def write_outputs(run: RunResult | SeriesResult, out: Path, data: Path, alongside: OutputProcess | None = None) -> None:
    """Every output file of ``series`` (one year or several) in ``out`` (a run's own folder: see
    ``execute_series``). The reports detail the last year and show every year's trend, kabupaten/kota
    table and capaian; the record, tags.csv and indicators.json hold every year.

    A large run's other process (``OutputProcess``: ``alongside`` if it was started already) builds the
    record's source rows and outcomes and writes report.xlsx, while this process writes tags.csv, the
    page and the record (which copies those rows in when it has done the rest).
    """
    series = SeriesResult.of(run)
    result = series.last
    write_rejects(result.dataset.rejects, out)
    entities = sum(len(group) for group in result.entities.values())
    # no cyclic garbage collector meanwhile: the writers make no cycles, and its passes here (the full ones
    # walk every object the run holds) cost ≈ 0.5–1.4 CPU-s at national (bench/README.md, "Output stage's
    # main process"); what it would find is collected once it runs again
    with ExitStack() as stack, collector_paused():
        other = alongside or OutputProcess(stack, out)
        other.start(series.decided)
        directory = entity_directory(result)  # names and kabupaten/kota, shared by the writers
        if other.workbook is None:
            if other.tags is None:
                write_tags(series, out)
            write_report_xlsx(result, out, directory, series)
            _write_page_and_record(series, out, data, directory, entities)
        else:
            # the sheets first: the workbook's process, the last to end, begins at once
            workbook = other.workbook.submit(write_workbook_from, lay_out(result, directory, out, series), out)
            if other.tags is None:
                write_tags(series, out)
            _write_page_and_record(series, out, data, directory, entities, other.sources)
            if other.tags is not None:
                answer_told(other.tags, "tags.csv")
            answer_told(workbook, "report.xlsx")
    write_indicators(series, out)


def _write_page_and_record(series: SeriesResult, out: Path, data: Path, directory: Mapping[EntityKey, EntityInfo],
                           entities: int, sources: SourceRows | None = None) -> None:
    result = series.last
    explained_per_list = EXPLAINED_PER_LIST if entities > EXPLAIN_ALL_UP_TO else None

    def page() -> None:
        explanations = explanation_texts(result, only=listed_keys(result, explained_per_list) if explained_per_list else None)
        write_report_html(result, out, explanations, directory, explained_per_list, series)

    # the page is written while the record's last statements run (SQLite's work, off Python's lock)
    write_run_record(series, out, data, directory, sources, meanwhile=page)


def execute_run(
    data: Path, profile: str, year: int, out: Path, rules: Path, progress: Progress | None = None, workers: int = 0
) -> RunResult:
    """A run of one year (see ``execute_series``)."""
    return execute_series(data, profile, (year,), out, rules, progress, workers).last


def execute_series(
    data: Path, profile: str, years: Sequence[int], out: Path, rules: Path, progress: Progress | None = None,
    workers: int = 0,
) -> SeriesResult:
    """The run of ``years`` (one or several), written whole into a folder of its own in ``out`` and switched in when complete
    (``engine.outputs.folder``): ``out`` holds the previous run or this one, never a mix. A failed
    run's folder, its audit log included, is removed: the previous run stays as it was."""
    with output_lock(out), staged_run(out) as staging:
        audit = log.open_audit(staging / "audit.jsonl")
        try:
            log_start(audit, data, profile, years, rules)
            with ExitStack() as stack:  # ended before the folder is switched in: no hand-over file left in it
                other = OutputProcess(stack, staging)
                series = run_series(data=data, profile_id=profile, years=years, rules=rules, progress=progress,
                                    workers=workers, spool_dir=staging, decided=other.start, sized=other.prepare)
                start = time.perf_counter()
                log_run(audit, series)
                write_outputs(series, staging, data, other)
            seconds = time.perf_counter() - start + other.seconds
            series.timings["outputs"] = series.last.timings["outputs"] = seconds
            log_end(audit, series)
        finally:
            audit.close()
    logger.info("run selesai", versi_aturan=series.book.version, tahun=list(series.years),
                keputusan=sum(len(result.decisions) for result in series.results))
    return series

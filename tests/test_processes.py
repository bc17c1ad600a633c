"""Work handed to other processes: the same result as in this one, and a clear stop when one dies."""

import atexit
import ctypes
import gc
import os
import signal
import struct
import subprocess
import sys
import time
from functools import partial
from multiprocessing.queues import SimpleQueue

import pytest
from openpyxl import load_workbook

from engine import pipeline
from engine.durable_host import EngineError
from engine.outputs import run as run_outputs
from engine.outputs.report_xlsx import write_report_xlsx
from engine.outputs.run import execute_run
from engine.processes import answer_of, process_pool, submitted
from tests.support import RULES, SAMPLES


def sheet_values(path):
    book = load_workbook(path)
    # The summary's caption says when the workbook was made; everything else must be the same.
    return {sheet.title: [row for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
                          if (sheet.title, number) != ("Ringkasan", 1)]
            for sheet in book.worksheets}


def test_the_workbook_written_by_another_process_is_the_one_written_here(tmp_path, monkeypatch):
    monkeypatch.setattr(run_outputs, "WORKBOOK_ALONGSIDE_FROM", 0)
    result = execute_run(SAMPLES / "jatim", "jatim", 2024, tmp_path / "alongside", RULES)
    write_report_xlsx(result, tmp_path / "here")
    assert sheet_values(tmp_path / "alongside" / "report.xlsx") == sheet_values(tmp_path / "here" / "report.xlsx")
    assert not list((tmp_path / "alongside").rglob(".*.tmp")), "the laid-out sheets are removed"


def _output_processes(tmp_path, monkeypatch):
    """The pids and the workbook process's niceness of a run on the samples, taken as large."""
    monkeypatch.setattr(run_outputs, "WORKBOOK_ALONGSIDE_FROM", 0)
    monkeypatch.setattr(run_outputs, "SOURCE_ROWS_ALONGSIDE_FROM", 0)
    seen = {}
    start = run_outputs.OutputProcess.start

    def started(other, decided):
        start(other, decided)
        seen["sources"] = other.writer.submit(os.getpid).result()
        seen["workbook"] = other.workbook.submit(os.getpid).result()
        seen["niceness"] = other.workbook.submit(os.nice, 0).result()

    monkeypatch.setattr(run_outputs.OutputProcess, "start", started)
    execute_run(SAMPLES / "jatim", "jatim", 2024, tmp_path / "out", RULES)
    assert (tmp_path / "out" / "report.xlsx").exists()
    return seen


def test_the_workbook_is_written_by_a_process_of_its_own_that_yields_to_the_source_rows(tmp_path, monkeypatch):
    """A large run's workbook takes the cores' idle time: its process is not the source rows' and runs at a
    lower priority, so the record, which waits for the source rows, is not slowed by it."""
    seen = _output_processes(tmp_path, monkeypatch)
    assert seen["workbook"] not in (seen["sources"], os.getpid())
    assert seen["niceness"] == min(os.nice(0) + run_outputs.WORKBOOK_NICENESS, 19)


def test_beyond_the_size_memory_has_room_for_the_source_rows_process_writes_the_workbook(tmp_path, monkeypatch):
    monkeypatch.setattr(run_outputs, "WORKBOOK_OF_ITS_OWN_UP_TO", 0)
    seen = _output_processes(tmp_path, monkeypatch)
    assert seen["workbook"] == seen["sources"] != os.getpid()
    assert seen["niceness"] == os.nice(0)


def _workbook_processes(tmp_path, monkeypatch):
    """The workbook's own process after each table read (None: not started) and the process that wrote
    the workbook, in a run on the samples taken as large."""
    monkeypatch.setattr(run_outputs, "WORKBOOK_ALONGSIDE_FROM", 0)
    monkeypatch.setattr(run_outputs, "SOURCE_ROWS_ALONGSIDE_FROM", 0)
    seen = {"read": []}
    prepare, start = run_outputs.OutputProcess.prepare, run_outputs.OutputProcess.start

    def prepared(other, entities):
        prepare(other, entities)
        if other.workbook is None:  # still reading
            seen["read"].append(other.own_workbook.submit(os.getpid).result() if other.own_workbook else None)

    def started(other, decided):
        start(other, decided)
        seen["sources"] = other.writer.submit(os.getpid).result()
        seen["workbook"] = other.workbook.submit(os.getpid).result()
        seen["own"] = other.own_workbook

    monkeypatch.setattr(run_outputs.OutputProcess, "prepare", prepared)
    monkeypatch.setattr(run_outputs.OutputProcess, "start", started)
    execute_run(SAMPLES / "jatim", "jatim", 2024, tmp_path / "out", RULES)
    assert (tmp_path / "out" / "report.xlsx").exists()
    return seen


def test_the_workbooks_process_is_started_while_the_data_is_read_and_is_the_one_that_writes_it(
        tmp_path, monkeypatch):
    """Its start (an interpreter, at a lower priority) took ≈ 1 s of the output stage beside the two other
    processes; started with the first table that makes the run large, it is ready when the sheets come."""
    seen = _workbook_processes(tmp_path, monkeypatch)
    assert set(seen["read"]) == {seen["workbook"]} and seen["workbook"] not in (seen["sources"], os.getpid())


def test_the_workbooks_sheets_are_given_before_tags_csv_is_written(tmp_path, monkeypatch):
    """The workbook's process ends last: it gets its work before anything else is written here."""
    monkeypatch.setattr(run_outputs, "WORKBOOK_ALONGSIDE_FROM", 0)
    monkeypatch.setattr(run_outputs, "SOURCE_ROWS_ALONGSIDE_FROM", 0)
    order = []
    for name in ("lay_out", "write_tags", "write_run_record"):
        monkeypatch.setattr(run_outputs, name, lambda *a, _name=name, _real=getattr(run_outputs, name), **k:
                            order.append(_name) or _real(*a, **k))
    execute_run(SAMPLES / "jatim", "jatim", 2024, tmp_path / "out", RULES)
    assert order == ["lay_out", "write_tags", "write_run_record"]


def test_a_workbook_process_started_for_a_run_that_turns_out_too_large_for_it_is_ended(tmp_path, monkeypatch):
    """The first tables read (the koperasi's 303 entities) leave room for it; the whole run (553) does not:
    the source rows' process writes the workbook, and the one started is not kept beside it."""
    monkeypatch.setattr(run_outputs, "WORKBOOK_OF_ITS_OWN_UP_TO", 400)
    seen = _workbook_processes(tmp_path, monkeypatch)
    assert seen["read"][0] is not None
    assert seen["workbook"] == seen["sources"]
    with pytest.raises(RuntimeError, match="after shutdown"):
        seen["own"].submit(int)


def test_a_large_runs_other_process_is_started_while_the_data_is_read_and_given_its_work_when_decided(
        tmp_path, monkeypatch):
    """Its start (an interpreter, the record's modules) is under way while the rest of the data is read
    (where a core is idle), not on the output stage's critical path; it is told the size after each
    table, and starts once, at the first that makes the run large; the process that starts then is
    the one that builds the source rows."""
    monkeypatch.setattr(run_outputs, "WORKBOOK_ALONGSIDE_FROM", 0)
    monkeypatch.setattr(run_outputs, "SOURCE_ROWS_ALONGSIDE_FROM", 0)
    events = []
    prepare, start, entities_of = run_outputs.OutputProcess.prepare, run_outputs.OutputProcess.start, pipeline.entities_of

    def prepared(other, entities):
        prepare(other, entities)
        events.append(("prepared", other.writer.submit(os.getpid).result()))

    def started(other, decided):
        events.append(("decided", other.writer.submit(os.getpid).result() if other.writer else None))
        start(other, decided)

    monkeypatch.setattr(run_outputs.OutputProcess, "prepare", prepared)
    monkeypatch.setattr(run_outputs.OutputProcess, "start", started)
    monkeypatch.setattr(pipeline, "entities_of", lambda *a: events.append(("facts", None)) or entities_of(*a))
    result = execute_run(SAMPLES / "jatim", "jatim", 2024, tmp_path / "out", RULES)
    tables = len(result.dataset.counts)
    assert [event for event, _ in events][:tables + 2] == ["prepared"] * tables + ["facts", "decided"]
    assert {pid for event, pid in events if event != "facts"} == {events[0][1]} != {os.getpid()}


def test_the_workbooks_process_imports_neither_the_pipeline_nor_polars():
    """What it imports it holds beside the run's two other processes: the writer's module alone is small."""
    loaded = subprocess.run([sys.executable, "-c", "import sys, engine.outputs.workbook; print(*sorted(sys.modules))"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert "engine.pipeline" not in loaded and "polars" not in loaded and "pydantic" not in loaded


def test_a_process_that_dies_stops_the_run_with_a_message():
    with process_pool(1) as pool:
        died = pool.submit(os._exit, 9)
        with pytest.raises(EngineError, match="proses pekerja berhenti tanpa jawaban"):
            answer_of(died)


def test_a_pool_whose_worker_died_refuses_more_work_with_the_same_message():
    """A worker may die while this process is busy elsewhere (making facts): the next chunk given
    must stop the run with the message, not with ``submit``'s BrokenProcessPool traceback."""
    with process_pool(2) as pool:
        died = pool.submit(os._exit, 9)
        with pytest.raises(EngineError, match="proses pekerja berhenti tanpa jawaban"):
            answer_of(died)
        with pytest.raises(EngineError, match="proses pekerja berhenti tanpa jawaban"):
            submitted(pool, pow, 2, 2)


def test_an_error_in_another_process_reaches_this_one(tmp_path):
    with process_pool(1) as pool:
        with pytest.raises(FileNotFoundError):
            answer_of(pool.submit(open, tmp_path / "absent"))


def _parent_death_signal() -> int:
    value = ctypes.c_int()
    ctypes.CDLL(None).prctl(2, ctypes.byref(value), 0, 0, 0)  # PR_GET_PDEATHSIG
    return value.value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_is_killed_by_the_kernel_when_its_parent_ends():
    with process_pool(1) as pool:
        assert answer_of(pool.submit(_parent_death_signal)) == signal.SIGKILL


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_workers_leave_ctrl_c_and_sigterm_to_the_run(stop):
    with process_pool(1) as pool:
        assert answer_of(pool.submit(signal.getsignal, stop)) == signal.SIG_IGN


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_a_worker_still_starting_leaves_ctrl_c_and_sigterm_to_the_run(stop):
    """Ctrl-C reaches every process of the run, also one whose interpreter is still importing: it
    must not die there (it did, printing an import traceback) but go on to do its work."""
    with process_pool(1) as pool:
        answer = pool.submit(os.getpid)
        (worker,) = pool._processes.values()  # started by submit, still importing
        os.kill(worker.pid, stop)
        assert answer_of(answer) == worker.pid


def test_a_run_that_stops_does_not_wait_for_its_workers_to_finish():
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with process_pool(1) as pool:
            answer_of(pool.submit(pow, 2, 2))  # the worker has started
            pool.submit(time.sleep, 60)
            raise KeyboardInterrupt
    assert time.monotonic() - start < 30


class _Left:
    """An object a worker's work leaves behind, which says when the worker's interpreter frees it."""

    def __init__(self, mark: str):
        # kept here: a tearing-down interpreter may have emptied the modules' names by the time it frees this
        self.create = partial(os.open, mark, os.O_CREAT | os.O_WRONLY)

    def __del__(self) -> None:
        self.create()


_LEFT: list[_Left] = []


def _leave_behind(freed: str, ended: str) -> None:
    _LEFT.append(_Left(freed))
    atexit.register(lambda: open(ended, "w").close())


def test_a_pools_process_ends_without_tearing_down_what_its_work_left(tmp_path):
    """The run waits for its pools' processes to end (``shutdown``): they end once their work is answered,
    without freeing object after object first; the work's own exit handlers still run, and the process
    ends well."""
    freed, ended = tmp_path / "freed", tmp_path / "ended"
    with process_pool(1) as pool:
        answer_of(pool.submit(_leave_behind, str(freed), str(ended)))
        (worker,) = pool._processes.values()
    assert worker.exitcode == 0
    assert ended.exists() and not freed.exists()


def half_an_answer(mark: str) -> None:
    """What a worker killed while sending its answer leaves: the length of a message, and a bit of it."""
    results = next(item for item in gc.get_objects() if isinstance(item, SimpleQueue))  # the pool's, in a worker
    os.write(results._writer.fileno(), struct.pack("!i", 1_000_000) + b"half")
    with open(mark, "w") as stream:
        stream.write("sent")
    time.sleep(60)


STOPPED_HALFWAY = """
import sys, time
from pathlib import Path
from engine.processes import process_pool
from tests.test_processes import half_an_answer
mark = Path(sys.argv[1])
try:
    with process_pool(1) as pool:
        pool.submit(half_an_answer, str(mark))
        while not mark.exists():
            time.sleep(0.05)
        raise KeyboardInterrupt
except KeyboardInterrupt:
    print("stopped")
"""


def test_a_run_stopped_while_a_worker_sends_its_answer_does_not_wait_for_the_rest(tmp_path):
    """Killed halfway through its answer, a worker never sends the rest: the run must not wait for it
    (it did, for ever, whenever Ctrl-C or SIGTERM came while a chunk's decisions were on their way)."""
    done = subprocess.run([sys.executable, "-c", STOPPED_HALFWAY, str(tmp_path / "sent")], cwd=RULES.parent,
                          capture_output=True, text=True, timeout=90)
    assert done.stdout.strip() == "stopped", done.stderr

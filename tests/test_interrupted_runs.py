"""Interrupted and concurrent runs: the output folder holds the previous run whole or the new run whole.

Each run is held at a chosen moment by ``tests/pausing/sitecustomize.py`` (in the run's own process
or in a worker) and killed there: the tests wait for that state, never for a time.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.outputs.folder import CURRENT, OUTPUT_NAMES, RUNS
from engine.outputs.lock import LOCK_NAME
from tests.support import REPO, named_koperasi, write_tables

IKU = [sys.executable, "-c", "from engine.cli import main; main()"]
PAUSING = Path(__file__).parent / "pausing"
WAIT = 120.0  # seconds: a bound for a loaded machine, not a guess of how long a step takes


STARTED: list[subprocess.Popen] = []


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """Small: a run's time here is mostly starting Python; every output is still written."""
    return write_tables(tmp_path_factory.mktemp("data"), named_koperasi([f"Koperasi {n}" for n in range(20)]))


@pytest.fixture(autouse=True)
def no_run_left_behind():
    """A run a failing test did not kill is killed with its workers (each run has a session of its own)."""
    yield
    while STARTED:
        run = STARTED.pop()
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait(timeout=WAIT)


def iku_run(data: Path, out: Path, *options: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    arguments = ["run", "--data", str(data), "--profile", "jatim", "--year", "2024", "--out", str(out), *options]
    run = subprocess.Popen([*IKU, *arguments], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={**os.environ, **(env or {})}, start_new_session=True)
    STARTED.append(run)
    return run


def held_at(spec: str, mark: Path, call: int = 1, **settings: str) -> dict[str, str]:
    """The environment of a run held at ``spec`` (see tests/pausing/sitecustomize.py)."""
    path = os.pathsep.join(filter(None, [str(PAUSING), str(REPO), os.environ.get("PYTHONPATH")]))
    env = {"PYTHONPATH": path, "IKU_PAUSE_AT": spec, "IKU_PAUSE_MARK": str(mark), "IKU_PAUSE_CALL": str(call)}
    if "set" in settings:
        env["IKU_SET"] = settings["set"]
    return env


def wait_for(mark: Path, process: subprocess.Popen) -> int:
    """The pid of the process held at the moment, once it is there."""
    deadline = time.monotonic() + WAIT
    while not mark.exists():
        if process.poll() is not None:
            pytest.fail(f"the run ended ({process.returncode}) before the moment: {process.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail("the run did not reach the moment")
        time.sleep(0.05)
    return int(mark.read_text())


def descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        children = subprocess.run(["pgrep", "-P", str(queue.pop())], capture_output=True, text=True).stdout.split()
        found += [int(child) for child in children]
        queue += children
    return found


def all_gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not [pid for pid in pids if os.path.exists(f"/proc/{pid}") and not _zombie(pid)]:
            return True
        time.sleep(0.1)
    return False


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def outputs(out: Path) -> dict[str, bytes]:
    """What a reader of ``DIR/NAME`` sees, for every output name (absent names left out)."""
    return {name: (out / name).read_bytes() for name in OUTPUT_NAMES if (out / name).exists()}


def run_folder(out: Path) -> dict[str, bytes]:
    """The files of the run ``DIR/current`` points to."""
    folder = out / os.readlink(out / CURRENT)
    return {path.name: path.read_bytes() for path in folder.iterdir()}


@pytest.fixture(scope="module")
def previous(tmp_path_factory, data) -> Path:
    """An output folder holding one complete run."""
    out = tmp_path_factory.mktemp("previous") / "out"
    first = iku_run(data, out)
    assert first.wait(timeout=WAIT) == 0, first.stderr.read()
    return out


@pytest.fixture()
def out(previous, tmp_path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(previous, copy, symlinks=True)  # the links are relative: they point into the copy
    return copy


LARGE = "engine.outputs.run:WORKBOOK_ALONGSIDE_FROM=0;engine.outputs.run:SOURCE_ROWS_ALONGSIDE_FROM=0"  # as a large run
SOURCE_MOMENTS = {  # where the record's source rows and outcomes are, for a large run (engine.runstore.sources)
    "source rows built by the output process": ("engine.runstore.sources:fill_sources", 1, {"set": LARGE}),
    "outcomes built by the output process": ("engine.runstore.writer:OutcomeTables.finish", 1, {"set": LARGE}),
    "source rows copied into the record": ("engine.runstore.writer:_copy_sources", 1, {"set": LARGE}),
}
MOMENTS = {
    "staging folder made, rules not yet run": ("engine.pipeline:run_series", 1, {}),
    "rules evaluated by workers": ("engine.parallel:_evaluate_chunk", 1, {"workers": "2"}),
    "workbook written by its own process": ("engine.outputs.workbook:write_workbook", 1,
                                            {"set": "engine.outputs.run:WORKBOOK_ALONGSIDE_FROM=0"}),
    "every file written, just before the switch": ("engine.outputs.folder:_RunFolder._switch", 1, {}),
    **SOURCE_MOMENTS,
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_run_killed_before_the_switch_leaves_the_previous_run_whole(data, out, tmp_path, moment):
    spec, call, settings = MOMENTS[moment]
    before, before_folder = outputs(out), run_folder(out)
    assert sorted(before) == sorted(OUTPUT_NAMES)
    mark = tmp_path / "held"
    options = ("--workers", settings["workers"]) if "workers" in settings else ()
    run = iku_run(data, out, *options, env=held_at(spec, mark, call, **settings))
    held = wait_for(mark, run)
    processes = descendants(run.pid)
    assert held == run.pid or held in processes
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=WAIT)
    assert outputs(out) == before  # byte for byte, every name
    assert run_folder(out) == before_folder
    assert all_gone(processes), "a process of the killed run lives on"
    json.loads(before["indicators.json"])


def test_a_run_killed_after_the_switch_leaves_the_new_run_whole(data, out, tmp_path):
    previous_run = os.readlink(out / CURRENT)
    mark = tmp_path / "held"
    run = iku_run(data, out, env=held_at("engine.outputs.folder:_RunFolder.prune", mark, call=2))  # 1: before the run
    wait_for(mark, run)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=WAIT)
    assert os.readlink(out / CURRENT) != previous_run
    assert outputs(out) == run_folder(out)
    assert sorted(outputs(out)) == sorted(OUTPUT_NAMES)


def test_the_next_run_after_a_kill_takes_over_the_lock_and_clears_the_killed_runs_folder(data, out, tmp_path):
    mark = tmp_path / "held"
    killed = iku_run(data, out, env=held_at("engine.pipeline:run_series", mark))
    wait_for(mark, killed)
    staging = {path.name for path in (out / RUNS).iterdir()} - {Path(os.readlink(out / CURRENT)).name}
    assert len(staging) == 1
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=WAIT)
    following = iku_run(data, out)
    assert following.wait(timeout=WAIT) == 0
    stderr = following.stderr.read()
    assert f"pid {killed.pid}" in stderr and "diambil alih" in stderr
    assert not staging & {path.name for path in (out / RUNS).iterdir()}
    assert (out / LOCK_NAME).read_text() == ""  # a run that ends normally leaves nothing to take over


STOPS = {  # how a run is stopped from outside: signal, sent to the whole process group or the run alone, exit code
    "Ctrl-C": (signal.SIGINT, True, 130),  # as the terminal sends it: to every process of the run
    "SIGTERM to the run": (signal.SIGTERM, False, 143),  # kill -TERM PID
    "SIGTERM to the run and its workers": (signal.SIGTERM, True, 143),  # a service manager stopping it
}


@pytest.mark.parametrize("stop", list(STOPS))
def test_a_stopped_run_ends_its_workers_removes_its_folder_and_keeps_the_previous_run(data, out, tmp_path, stop):
    signal_sent, to_group, code = STOPS[stop]
    before = outputs(out)
    runs_before = sorted(path.name for path in (out / RUNS).iterdir())
    mark = tmp_path / "held"
    run = iku_run(data, out, "--workers", "2", env=held_at("engine.parallel:_evaluate_chunk", mark))
    wait_for(mark, run)
    processes = descendants(run.pid)
    assert len(list((out / RUNS).iterdir())) == len(runs_before) + 1  # the run's own staged folder
    if to_group:
        os.killpg(run.pid, signal_sent)
    else:
        run.send_signal(signal_sent)
    assert run.wait(timeout=WAIT) == code
    stderr = run.stderr.read()
    assert f"dihentikan ({stop.split()[0]})" in stderr and "tetap berisi run sebelumnya" in stderr
    assert "Traceback" not in stderr
    assert outputs(out) == before
    assert sorted(path.name for path in (out / RUNS).iterdir()) == runs_before  # its folder removed
    assert all_gone(processes)


def test_two_runs_into_one_folder_at_once_get_a_clear_error(data, out, tmp_path):
    mark = tmp_path / "held"
    first = iku_run(data, out, env=held_at("engine.pipeline:run_series", mark))
    wait_for(mark, first)
    second = iku_run(data, out)
    assert second.wait(timeout=WAIT) == 2
    assert "sedang dipakai oleh run lain" in second.stderr.read()
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=WAIT)


def staging_folder(out: Path) -> Path:
    """The folder of the run being written (the one ``DIR/current`` does not point to)."""
    current = Path(os.readlink(out / CURRENT)).name
    (staging,) = [path for path in (out / RUNS).iterdir() if path.name != current]
    return staging


def assert_stopped_plainly(run: subprocess.Popen, code: int, message: str, out: Path, before: dict[str, bytes],
                           runs_before: list[str]) -> None:
    assert run.wait(timeout=WAIT) == code
    stderr = run.stderr.read()
    assert message in stderr and "Traceback" not in stderr, stderr
    assert outputs(out) == before
    assert sorted(path.name for path in (out / RUNS).iterdir()) == runs_before  # its folder removed


@pytest.mark.parametrize(("moment", "stop"), [("source rows built by the output process", "Ctrl-C"),
                                              ("source rows copied into the record", "SIGTERM to the run"),
                                              ("source rows copied into the record", "Ctrl-C")])
def test_a_run_stopped_at_its_source_rows_ends_its_process_and_keeps_the_previous_run(data, out, tmp_path, moment,
                                                                                      stop):
    spec, call, settings = SOURCE_MOMENTS[moment]
    signal_sent, to_group, code = STOPS[stop]
    before, runs_before = outputs(out), sorted(path.name for path in (out / RUNS).iterdir())
    mark = tmp_path / "held"
    run = iku_run(data, out, env=held_at(spec, mark, call, **settings))
    wait_for(mark, run)
    processes = descendants(run.pid)
    assert processes  # the output stage's other process
    if to_group:
        os.killpg(run.pid, signal_sent)
    else:
        run.send_signal(signal_sent)
    assert_stopped_plainly(run, code, f"dihentikan ({stop.split()[0]})", out, before, runs_before)
    assert all_gone(processes)


def test_the_output_process_killed_while_it_builds_the_source_rows_stops_the_run_plainly(data, out, tmp_path):
    spec, call, settings = SOURCE_MOMENTS["source rows built by the output process"]
    before, runs_before = outputs(out), sorted(path.name for path in (out / RUNS).iterdir())
    mark = tmp_path / "held"
    run = iku_run(data, out, env=held_at(spec, mark, call, **settings))
    held = wait_for(mark, run)
    assert held != run.pid  # held in the other process
    os.kill(held, signal.SIGKILL)
    assert_stopped_plainly(run, 1, "proses yang menulis baris sumber dan keputusan catatan run berhenti tanpa jawaban",
                           out, before, runs_before)


def test_a_failure_in_the_output_process_stops_the_run_with_a_message(data, out, tmp_path):
    before, runs_before = outputs(out), sorted(path.name for path in (out / RUNS).iterdir())
    mark = tmp_path / "held"
    run = iku_run(data, out, env=held_at("engine.runstore.sources:hand_over_facts", mark, set=LARGE))
    wait_for(mark, run)
    # the other process will find there a file that is no SQLite database (a disk's damage, say)
    (staging_folder(out) / ".run.sqlite.sources.tmp").write_bytes(b"bukan sqlite " * 400)
    Path(f"{mark}.go").write_text("")
    assert_stopped_plainly(run, 1, "baris sumber dan keputusan catatan run tidak dapat ditulis di proses lain: "
                           "DatabaseError", out, before, runs_before)


# The first year's workers start with the facts stage and evaluate each chunk as it is made: a run held
# there, with chunks of 5 (four of the 20 koperasi), has its workers running while facts are still made.
FACTS_STAGE = "engine.fact_chunks:spool_facts"
SMALL_CHUNKS = "engine.parallel:CHUNK=5"


def workers_of(run: subprocess.Popen) -> list[int]:
    """The run's worker processes (spawned: ``multiprocessing.spawn``), once they have started: within
    30 s, well before a held run goes on by itself (120 s), so they are found while it is held."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [pid for pid in descendants(run.pid) if _spawned(pid)]
        if found:
            return found
        time.sleep(0.05)
    pytest.fail("no worker started while the facts were made")


def _spawned(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


# The workers start while the data is read, once the entity tables (read first) make the run one for
# several processes: a run held at the reading of its second table (rat, after koperasi) has them already.
WHILE_WORKERS_RUN = {
    "beside the facts stage": (FACTS_STAGE, 3, {"set": SMALL_CHUNKS}),  # two chunks given to the workers
    "while the data is read": ("engine.ingest.dataset:_load_checked", 2, {}),  # koperasi read, rat being read
}


@pytest.mark.parametrize("moment", list(WHILE_WORKERS_RUN))
@pytest.mark.parametrize("stop", list(STOPS))
def test_a_run_stopped_while_its_workers_run_before_the_rules_stage_ends_them_and_keeps_the_previous_run(
        data, out, tmp_path, stop, moment):
    signal_sent, to_group, code = STOPS[stop]
    spec, call, settings = WHILE_WORKERS_RUN[moment]
    before, runs_before = outputs(out), sorted(path.name for path in (out / RUNS).iterdir())
    mark = tmp_path / "held"
    run = iku_run(data, out, "--workers", "2", env=held_at(spec, mark, call=call, **settings))
    assert wait_for(mark, run) == run.pid
    workers = workers_of(run)
    processes = descendants(run.pid)
    if to_group:
        os.killpg(run.pid, signal_sent)
    else:
        run.send_signal(signal_sent)
    assert_stopped_plainly(run, code, f"dihentikan ({stop.split()[0]})", out, before, runs_before)
    assert all_gone(processes) and all_gone(workers)


@pytest.mark.parametrize("moment", list(WHILE_WORKERS_RUN))
def test_a_worker_killed_before_the_rules_stage_stops_the_run_plainly(data, out, tmp_path, moment):
    """The pool is broken when the facts stage gives it its (next) chunk: that says the worker died,
    with no traceback, and the run ends as a worker's death in the rules stage always ended it."""
    spec, call, settings = WHILE_WORKERS_RUN[moment]
    before, runs_before = outputs(out), sorted(path.name for path in (out / RUNS).iterdir())
    mark = tmp_path / "held"
    run = iku_run(data, out, "--workers", "2", env=held_at(spec, mark, call=call, **settings))
    wait_for(mark, run)
    workers = workers_of(run)
    os.kill(workers[0], signal.SIGKILL)
    assert all_gone(workers)  # the pool has seen it: the others are ended too
    processes = descendants(run.pid)
    Path(f"{mark}.go").write_text("")
    assert_stopped_plainly(run, 1, "proses pekerja berhenti tanpa jawaban", out, before, runs_before)
    assert all_gone(processes)


def test_a_run_stopped_while_it_counts_the_indicators_ends_its_output_process_and_keeps_the_previous_run(
        data, out, tmp_path):
    """A large run's other output process starts once every year is decided, before the last year's
    indicators are counted (``OutputProcess.start``): stopped there, the run ends it too."""
    before, runs_before = outputs(out), sorted(path.name for path in (out / RUNS).iterdir())
    mark = tmp_path / "held"
    run = iku_run(data, out, env=held_at("engine.pipeline:indicators_of", mark, set=LARGE))
    assert wait_for(mark, run) == run.pid
    other = workers_of(run)  # the output process, spawned as the rules workers are
    processes = descendants(run.pid)
    os.killpg(run.pid, signal.SIGINT)
    assert_stopped_plainly(run, 130, "dihentikan (Ctrl-C)", out, before, runs_before)
    assert all_gone(processes) and all_gone(other)

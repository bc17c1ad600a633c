"""One `iku run` with every output, in its own process, for bench/run.py.

    python bench/child.py DATA OUT RULES PROFILE YEAR WORKERS [PATH]

PATH chooses the rules stage's evaluator (``engine.parallel.RULES_PATH``: "lean", or "today" for
the path before it, kept for the comparison until the lean one lands).

Prints progress lines (``{"progress": ...}``) on stderr while the rules stage runs and, at the
end, one JSON line on stdout: stage seconds (``RunResult.timings``), the wall time of the run,
entity and decision counts, this process's peak RSS and CPU seconds, its workers' CPU seconds, and
the CPU seconds (this process and its workers, ended or running) of each stage: CPU ÷ wall is how many
cores the stage kept busy. The first year's rules workers run beside the facts stage: "facts" is until
the last chunk is made (the workers' CPU meanwhile counted there), "rules" from then until the last
answer is taken and the workers have ended.
It calls ``execute_run`` exactly as ``iku run`` does, so the figures are those of the command.
"""

from __future__ import annotations

import json
import os
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROGRESS_EVERY = 2.0  # seconds between progress lines


def _peak_rss_kb() -> int:
    """This process's own peak (VmHWM). Not ru_maxrss: that keeps the peak of bench/run.py, which
    this process was forked from, so it would report the benchmark's memory instead of iku's."""
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\s+(\d+) kB", status.read())[1])


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _tree_cpu() -> float:
    """CPU seconds of this process and of its workers: those it has waited for, and those still
    running (the first year's rules workers start with the facts stage and end with the rules stage,
    so each of the two stages counts what they spent during it)."""
    return _cpu(resource.getrusage(resource.RUSAGE_SELF)) + _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) \
        + _running_children_cpu()


def _running_children_cpu() -> float:
    """CPU seconds of this process's children not yet waited for (``/proc/PID/stat``: utime, stime)."""
    me, ticks = str(os.getpid()), 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()  # from the state on: the name may hold spaces
        except OSError:  # ended meanwhile
            continue
        if fields[1] == me:  # ppid
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


STAGE_CPU: dict[str, float] = {}
LAST_STAGE_END = [0.0]  # tree CPU when the last timed stage of ``pipeline.run`` ended
LAST_STAGE_END_OWN = [0.0]  # this process's own CPU then


def _cpu_stopwatch(stopwatch: type) -> type:
    """The run's Stopwatch, also adding up the CPU seconds of each stage (bench only)."""

    timing: set[str] = set()  # the run times a year's stage with two stopwatches, one inside the other

    class CpuStopwatch(stopwatch):  # type: ignore[misc,valid-type]
        @contextmanager
        def __call__(self, stage: str) -> Iterator[None]:
            if stage in timing:  # counted by the outer one: counted twice, a stage kept 3.8 of 2 cores busy
                with super().__call__(stage):
                    yield
                return
            timing.add(stage)
            start = _tree_cpu()
            try:
                with super().__call__(stage):
                    yield
            finally:
                timing.discard(stage)
                LAST_STAGE_END[0] = _tree_cpu()
                LAST_STAGE_END_OWN[0] = _cpu(resource.getrusage(resource.RUSAGE_SELF))
                STAGE_CPU[stage] = STAGE_CPU.get(stage, 0.0) + LAST_STAGE_END[0] - start

    return CpuStopwatch


def _time_tags_alone(result, out: Path) -> tuple[float, float]:
    """Seconds and CPU seconds of writing tags.csv alone with the run's own writer, after the run, in
    its process (issue 20: the output stage ÷ this). It reads the decisions back from the run's
    spool as the output stage does, so both include that reading."""
    from engine.outputs.files import write_tags

    with tempfile.TemporaryDirectory(dir=out.parent) as folder:
        start, cpu = time.perf_counter(), _tree_cpu()
        write_tags(result, Path(folder))
        return time.perf_counter() - start, _tree_cpu() - cpu


def output_bytes(out: Path) -> dict[str, int]:
    """Bytes of each file of the output folder and, under "du", of the whole folder as `du` counts it."""
    real = [path for path in out.rglob("*") if path.is_file() and not path.is_symlink()]  # out/x -> current/x
    files = {path.name: path.stat().st_size for path in real}
    files["du"] = sum(path.stat().st_blocks * 512 for path in real)
    return files


def main() -> None:
    from engine import parallel, pipeline
    from runstore import insert_floor  # bench/runstore.py: this file's folder is the first on sys.path
    from engine.outputs.run import execute_run

    data, out, rules, profile, year, workers = sys.argv[1:7]
    parallel.RULES_PATH = sys.argv[7] if len(sys.argv) > 7 else parallel.RULES_PATH
    pipeline.Stopwatch = _cpu_stopwatch(pipeline.Stopwatch)  # type: ignore[misc]
    start = time.perf_counter()
    last = [0.0]

    def progress(entity_type: str, done: int, total: int) -> None:
        now = time.perf_counter() - start
        if now - last[0] >= PROGRESS_EVERY or done == total:
            last[0] = now
            print(json.dumps({"progress": {"t": now, "type": entity_type, "done": done, "total": total}}),
                  file=sys.stderr, flush=True)

    result = execute_run(Path(data), profile, int(year), Path(out), Path(rules), progress=progress,
                         workers=int(workers))
    wall = time.perf_counter() - start
    # What follows the timed stages in execute_run is the outputs (audit log, every file, the
    # workbook's process): counted before tags.csv is written again alone.
    stage_cpu = {**STAGE_CPU, "outputs": _tree_cpu() - LAST_STAGE_END[0]}
    # of which this process's own (the rest: the output stage's other process, ended by then)
    outputs_own_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - LAST_STAGE_END_OWN[0]
    tags_alone, tags_alone_cpu = _time_tags_alone(result, Path(out))
    written = output_bytes(Path(out))
    floor = insert_floor(Path(out) / "run.sqlite")  # after the sizes: it writes a copy in the folder meanwhile
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "timings": result.timings,
        "wall": wall,
        "entities": {kind: len(group) for kind, group in result.entities.items()},
        "decisions": len(result.decisions),
        "rejects": len(result.dataset.rejects),
        "rss_kb": _peak_rss_kb(),
        "cpu_s": _cpu(own),
        "worker_cpu_s": _cpu(workers_usage),
        "stage_cpu_s": stage_cpu,
        "outputs_own_cpu_s": outputs_own_cpu,
        "rules_path": parallel.RULES_PATH,
        "tags_csv_alone_s": tags_alone,
        "tags_csv_alone_cpu_s": tags_alone_cpu,
        "output_bytes": written,
        "record_floor": floor,
    }), flush=True)


if __name__ == "__main__":  # the guard matters: worker processes are spawned and import this file
    main()

"""One `iku run` with every output, in its own process, for bench/run.py.

    python bench/child.py DATA OUT RULES PROFILE YEAR WORKERS

Prints progress lines (``{"progress": ...}``) on stderr while the rules stage runs and, at the
end, one JSON line on stdout: stage seconds (``RunResult.timings``), the wall time of the run,
entity and decision counts, this process's peak RSS and CPU seconds, and its workers' CPU seconds.
It calls ``execute_run`` exactly as ``iku run`` does, so the figures are those of the command.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time
from pathlib import Path

PROGRESS_EVERY = 2.0  # seconds between progress lines


def _peak_rss_kb() -> int:
    """This process's own peak (VmHWM). Not ru_maxrss: that keeps the peak of bench/run.py, which
    this process was forked from, so it would report the benchmark's memory instead of iku's."""
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\s+(\d+) kB", status.read())[1])


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    from engine.outputs.run import execute_run

    data, out, rules, profile, year, workers = sys.argv[1:7]
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
    }), flush=True)


if __name__ == "__main__":  # the guard matters: worker processes are spawned and import this file
    main()

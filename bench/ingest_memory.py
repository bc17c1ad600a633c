"""Peak memory of a run's ingest, table by table: where a large data set's RSS peak is.

Reads a data folder as a run does (``load_dataset`` into the run's fact chunks, the rules folder's
policy) and samples the process's resident size every few milliseconds. Each table's steps — its
cells read, its column check, its rows taken by the sink — print the RSS before, the peak during
and the RSS after; the last line gives the whole ingest's peak and CPU seconds.

    .venv/bin/python bench/ingest_memory.py bench/data/n100000
    .venv/bin/python bench/ingest_memory.py bench/data/n1000000 --code /tmp/base   # another checkout's engine

``--code``: the folder of another checkout whose ``engine`` is measured instead (the code before a
change, on the same data, in the same session).
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# dataset.py's per-table steps, where present; ``_read_parsed`` (the next CSV table read and parsed
# ahead) runs in a thread beside the current table's check, so the two steps' peaks overlap
STEPS = ("_table_cells", "_read_parsed", "check_table", "_load_checked")


def rss_mb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


class Sampler:
    """The highest RSS seen since the last ``reset``, read every ``interval`` seconds on a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        self.peak = self.top = rss_mb()
        self.interval = interval
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            now = rss_mb()
            self.peak, self.top = max(self.peak, now), max(self.top, now)
            time.sleep(self.interval)

    def reset(self) -> int:
        self.peak = rss_mb()
        return self.peak


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _watched(name: str, step: Callable[..., Any], sampler: Sampler) -> Callable[..., Any]:
    def watched(*args: Any, **kwargs: Any) -> Any:
        before, started = sampler.reset(), time.perf_counter()
        result = step(*args, **kwargs)
        table = getattr(args[0], "table", "?")
        print(f"{name:14s} {table:18s} before {before:5d} MB  peak {sampler.peak:5d}  after {rss_mb():5d}  "
              f"{time.perf_counter() - started:5.1f} s", flush=True)
        return result
    return watched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a data folder (bench/data/n…)")
    parser.add_argument("--code", type=Path, help="a checkout whose engine is measured (default: this one)")
    parser.add_argument("--profile", default="jatim")
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    sys.path.insert(0, str((args.code or Path(__file__).resolve().parents[1]).resolve()))

    import engine.ingest.dataset as dataset
    from engine.fact_chunks import FactChunks
    from engine.parallel import CHUNK
    from engine.pipeline import DEFAULT_RULES, data_policy, profile_of, tables_still_read
    from engine.rules.load import load_rulebook
    from engine.spool import BlockSpool

    print(f"engine: {Path(dataset.__file__).parents[2]}", flush=True)
    sampler = Sampler()
    for name in STEPS:
        if hasattr(dataset, name):
            setattr(dataset, name, _watched(name, getattr(dataset, name), sampler))
    book = load_rulebook(DEFAULT_RULES)
    chunks = FactChunks(BlockSpool(None), CHUNK, kept=tables_still_read(profile_of(book, args.profile)))
    policy = data_policy(book, (args.year,))
    cpu, started = cpu_seconds(), time.perf_counter()
    data = dataset.load_dataset(args.data, chunks, policy)
    print(f"ingest: {cpu_seconds() - cpu:.1f} CPU-s, {time.perf_counter() - started:.1f} s wall, "
          f"peak {sampler.top} MB, after {rss_mb()} MB, {len(data.rejects)} rejects", flush=True)


if __name__ == "__main__":
    main()

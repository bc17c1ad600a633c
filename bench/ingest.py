"""Ingest row by row against column-wise, on the same files, in the same process, alternately:

    .venv/bin/python bench/ingest.py [--sizes 10k,100k] [--repeat 2] [--keep]

For each size the bench's data set (``run.generate``: the same seeded CSV files as ``bench/run.py``)
is read by ``load_dataset(columnar=False)`` (every row through pydantic, the path before) and by
``load_dataset()`` (polars and the column checks, pydantic for the flagged rows), twice each:

- "data set": the records kept (as ``iku check-data`` and ``rules diff`` read them);
- "as a run": the run's record sink (``FactChunks``: facts gathered per chunk of entities), the ingest
  stage of ``iku run``, whose sink costs the same on both paths.

The machine is shared, so only the ratio of the two, measured side by side, says anything; CPU seconds
count every thread (polars uses both cores). Before timing, both paths' data sets are compared:
counts, rejects, and every record's values and fields given ("identik").
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.run import SHARES, YEAR, generate, parse_size, row_counts  # noqa: E402
from engine.fact_chunks import FactChunks  # noqa: E402
from engine.ingest.dataset import Dataset, load_dataset  # noqa: E402
from engine.ingest.policy import DataPolicy  # noqa: E402
from engine.pipeline import CHUNK, DEFAULT_RULES, data_policy, profile_of, tables_still_read  # noqa: E402
from engine.rules.load import load_rulebook  # noqa: E402
from engine.spool import BlockSpool  # noqa: E402


def _content(dataset: Dataset) -> tuple:
    records = {table: [(record.__dict__, record.__pydantic_fields_set__) for record in rows]
               for table, rows in dataset.records.items()}
    return dataset.counts, dataset.rejects, records, dataset.absent


def _timed(load: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    load()
    return time.process_time() - cpu, time.perf_counter() - wall


def _as_a_run(data: Path, policy: DataPolicy, kept: set[str], columnar: bool) -> None:
    spool = BlockSpool(None)
    chunks = FactChunks(spool, CHUNK, kept=kept)
    load_dataset(data, chunks, policy, columnar=columnar).with_records(chunks.set_aside)


def measure(size: int, data: Path, repeat: int) -> dict:
    generate(size, SHARES, data)
    book = load_rulebook(DEFAULT_RULES)
    policy = data_policy(book, YEAR)
    kept = tables_still_read(profile_of(book, "jatim"))
    identical = _content(load_dataset(data, policy=policy)) == _content(load_dataset(data, policy=policy,
                                                                                     columnar=False))
    figures: dict = {"size": size, "rows": sum(row_counts(data).values()), "identical": identical}
    for name, load in (("dataset", lambda columnar: load_dataset(data, policy=policy, columnar=columnar)),
                       ("run", lambda columnar: _as_a_run(data, policy, kept, columnar))):
        for _ in range(repeat):  # alternately, so that a busy spell of the machine hits both
            for path, columnar in (("old", False), ("new", True)):
                cpu, wall = _timed(lambda: load(columnar))
                figures.setdefault(f"{name}_{path}_cpu", []).append(cpu)
                figures.setdefault(f"{name}_{path}_wall", []).append(wall)
    return figures


def _line(figures: dict, name: str) -> str:
    old_cpu, new_cpu = min(figures[f"{name}_old_cpu"]), min(figures[f"{name}_new_cpu"])
    old_wall, new_wall = min(figures[f"{name}_old_wall"]), min(figures[f"{name}_new_wall"])
    return (f"| {figures['size']:,} | {figures['rows']:,} | {name} | {old_cpu:.2f} / {old_wall:.2f} | "
            f"{new_cpu:.2f} / {new_wall:.2f} | {old_cpu / new_cpu:.1f}× | {old_wall / new_wall:.1f}× | "
            f"{'ya' if figures['identical'] else 'TIDAK'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--keep", action="store_true")
    arguments = parser.parse_args()
    print("| entities | data rows | read into | row by row CPU / wall s | column-wise CPU / wall s "
          "| ratio CPU | ratio wall | identik |")
    print("|---:|---:|---|---:|---:|---:|---:|:--:|")
    for size in (parse_size(text) for text in arguments.sizes.split(",")):
        data = arguments.data_dir / f"n{size}"
        try:
            figures = measure(size, data, arguments.repeat)
        finally:
            if not arguments.keep:
                shutil.rmtree(data, ignore_errors=True)
        print(_line(figures, "dataset"))
        print(_line(figures, "run"), flush=True)


if __name__ == "__main__":
    main()

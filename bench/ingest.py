"""Ingest row by row against column-wise, on the same files, in the same script run, alternately:

    .venv/bin/python bench/ingest.py [--sizes 10k,100k] [--repeat 2] [--keep] [--before GIT_REF]

For each size the bench's data set (``run.generate``: the same seeded CSV files as ``bench/run.py``)
is read by ``load_dataset(columnar=False)`` (every row through pydantic, the path before) and by
``load_dataset()`` (polars and the column checks, pydantic for the flagged rows), twice each, each
reading in a fresh process (``_CHILD``: CPU and wall seconds of the reading alone, imports excluded):

- "data set": the records kept (as ``iku check-data`` and ``rules diff`` read them);
- "as a run": the run's record sink (``FactChunks``: facts gathered per chunk of entities), the ingest
  stage of ``iku run``; the facts stage that follows it (``entities_of``) is timed after it.

``--before GIT_REF``: the column-wise path of that commit (its files taken with ``git archive``) is read
alternately with today's, in the same run, so a change of the column-wise path is measured against it.

The machine is shared, so only the ratios, measured side by side, say anything; CPU seconds count
every thread (polars uses both cores). Before timing, both paths' data sets are compared: counts,
rejects, and every record's values and fields given ("identik").
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.run import SHARES, YEAR, generate, parse_size, row_counts  # noqa: E402
from engine.ingest.dataset import Dataset, load_dataset  # noqa: E402
from engine.pipeline import DEFAULT_RULES, data_policy  # noqa: E402
from engine.rules.load import load_rulebook  # noqa: E402

# One reading, in a fresh process with the engine of ``tree`` first on the path: CPU seconds of the
# process (every thread) and wall seconds, of the reading alone and (as a run) of the facts stage after it.
_CHILD = """
import json, sys, time
tree, data, columnar, into, year = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4], int(sys.argv[5])
sys.path.insert(0, tree)
from pathlib import Path
from engine.fact_chunks import FactChunks
from engine.ingest.dataset import load_dataset
from engine.pipeline import CHUNK, DEFAULT_RULES, data_policy, entities_of, profile_of, tables_still_read
from engine.rules.load import load_rulebook
from engine.spool import BlockSpool
book = load_rulebook(DEFAULT_RULES)
policy = data_policy(book, year)
cpu, wall = time.process_time(), time.perf_counter()
if into == "run":
    chunks = FactChunks(BlockSpool(None), CHUNK, kept=tables_still_read(profile_of(book, "jatim")))
    dataset = load_dataset(Path(data), chunks, policy, columnar=columnar).with_records(chunks.set_aside)
else:
    dataset = load_dataset(Path(data), policy=policy, columnar=columnar)
read = {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}
if into == "run":
    cpu = time.process_time()
    entities_of(dataset, chunks)
    read["facts_cpu"] = time.process_time() - cpu
print(json.dumps(read))
"""


def _content(dataset: Dataset) -> tuple:
    records = {table: [(record.__dict__, record.__pydantic_fields_set__) for record in rows]
               for table, rows in dataset.records.items()}
    return dataset.counts, dataset.rejects, records, dataset.absent


def _read(tree: Path, data: Path, columnar: bool, into: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(tree), str(data), "1" if columnar else "0", into,
                           str(YEAR)], check=True, capture_output=True, text=True, cwd=tree)
    return json.loads(done.stdout.splitlines()[-1])


PATHS = (("old", False), ("new", True))  # name, column-wise; "before" (--before) is read column-wise too


def measure(size: int, data: Path, repeat: int, before: Path | None) -> dict:
    generate(size, SHARES, data)
    policy = data_policy(load_rulebook(DEFAULT_RULES), YEAR)
    identical = _content(load_dataset(data, policy=policy)) == _content(load_dataset(data, policy=policy,
                                                                                     columnar=False))
    figures: dict = {"size": size, "rows": sum(row_counts(data).values()), "identical": identical}
    trees = {"old": REPO, "new": REPO, "before": before}
    paths = PATHS + ((("before", True),) if before is not None else ())
    for into in ("dataset", "run"):
        for _ in range(repeat):  # alternately, so that a busy spell of the machine hits every path
            for path, columnar in paths:
                read = _read(trees[path], data, columnar, into)  # type: ignore[arg-type]
                for key, value in read.items():
                    figures.setdefault(f"{into}_{path}_{key}", []).append(value)
    return figures


def _line(figures: dict, name: str) -> str:
    def best(path: str, key: str) -> float:
        return min(figures[f"{name}_{path}_{key}"])

    old_cpu, new_cpu = best("old", "cpu"), best("new", "cpu")
    old_wall, new_wall = best("old", "wall"), best("new", "wall")
    before = (f"{best('before', 'cpu'):.2f} / {best('before', 'wall'):.2f} | {old_cpu / best('before', 'cpu'):.1f}× | "
              if f"{name}_before_cpu" in figures else "– | – | ")
    facts = " / ".join(f"{best(path, 'facts_cpu'):.2f}" for path in ("old", "before", "new")
                       if f"{name}_{path}_facts_cpu" in figures) or "–"
    return (f"| {figures['size']:,} | {figures['rows']:,} | {name} | {old_cpu:.2f} / {old_wall:.2f} | "
            f"{before}{new_cpu:.2f} / {new_wall:.2f} | **{old_cpu / new_cpu:.1f}×** | {old_wall / new_wall:.1f}× | "
            f"{facts} | {'ya' if figures['identical'] else 'TIDAK'} |")


def _tree_of(ref: str, into: Path) -> Path:
    """The repository's files at ``ref`` (``git archive``), for reading with that commit's engine."""
    archive = subprocess.run(["git", "archive", ref], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--before", metavar="GIT_REF", help="also read column-wise with this commit's engine")
    arguments = parser.parse_args()
    print("| entities | data rows | read into | row by row CPU / wall s | column-wise before CPU / wall s "
          "| row by row ÷ before CPU | column-wise CPU / wall s | **row by row ÷ column-wise CPU** | ratio wall "
          "| facts stage CPU s (row / before / column) | identik |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|:--:|")
    with tempfile.TemporaryDirectory(prefix="iku-before-") as folder:
        before = _tree_of(arguments.before, Path(folder)) if arguments.before else None
        for size in (parse_size(text) for text in arguments.sizes.split(",")):
            data = arguments.data_dir / f"n{size}"
            try:
                figures = measure(size, data, arguments.repeat, before)
            finally:
                if not arguments.keep:
                    shutil.rmtree(data, ignore_errors=True)
            print(_line(figures, "dataset"))
            print(_line(figures, "run"), flush=True)


if __name__ == "__main__":
    main()

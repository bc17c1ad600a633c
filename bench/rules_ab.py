"""The rules stage of two code trees on the same data, in turn: CPU of the parent and of its workers.

    .venv/bin/python bench/rules_ab.py --data bench/data/n100000 --trees /path/to/main,. [--rounds 2]

On a shared machine wall seconds measure the load; CPU seconds, taken in turn on the same data,
compare code. Each round runs each tree once, in its own child process with that tree first on
``sys.path``: the data is read and its facts made as ``iku run`` does (``FactChunks``, the spool),
then only the rules stage is measured (``pipeline.evaluate_entities``, two workers, decisions
spooled), as CPU seconds of the child (the parent: sending chunks, taking answers, making rows)
and of its workers (``resource.getrusage``). Also printed: the child's CPU seconds reading the data
and making the facts (with their ready texts where the tree makes them, ``pipeline.fact_projections``)
and the spool's size before the rules stage. Prints one line per run and the means per tree.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEAR = 2024
HERE = Path(__file__).resolve().parent


def _cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def stage(tree: Path, data: Path) -> None:
    """In a child: the rules stage of ``tree``'s code on ``data``; prints parent and worker CPU-s."""
    from engine import pipeline
    from engine.fact_chunks import FactChunks
    from engine.ingest.dataset import load_dataset
    from engine.parallel import CHUNK
    from engine.pipeline import data_policy, entities_of, evaluate_entities, profile_of, tables_still_read
    from engine.rules.load import load_rulebook
    from engine.spool import BlockSpool

    book = load_rulebook(tree / "rules")
    spool = BlockSpool(None)
    prepared = _cpu()[0]
    projections = getattr(pipeline, "fact_projections", None)  # a tree that makes the facts' texts at ingest
    texts = {"projections": projections(book, [YEAR])} if projections is not None else {}
    chunks = FactChunks(spool, CHUNK, kept=tables_still_read(profile_of(book, "jatim")), **texts)
    dataset = load_dataset(data, chunks, data_policy(book, [YEAR])).with_records(chunks.set_aside)
    entities = entities_of(dataset, chunks)
    count = sum(len(group) for group in entities.values())
    own, workers = _cpu()
    wall = time.perf_counter()
    evaluate_entities(book, entities, YEAR, None, 2, spool)
    own_after, workers_after = _cpu()
    print(f"{own - prepared:.3f} {spool.size() / 1e6:.1f} {own_after - own:.3f} {workers_after - workers:.3f} "
          f"{time.perf_counter() - wall:.1f} {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--trees", required=True, help="code trees, comma-separated (e.g. a checkout of main and .)")
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    trees = [Path(tree).resolve() for tree in arguments.trees.split(",")]
    spent: dict[Path, list[tuple[float, float, float]]] = {tree: [] for tree in trees}
    scratch = Path(tempfile.mkdtemp(prefix="rules_ab_"))
    for number in range(arguments.rounds):
        for tree in trees if number % 2 == 0 else reversed(trees):
            # A file, not -c: the workers are spawned and import the parent's main module, which must
            # put the same tree first on their path (at its top level) before they import the engine.
            script = scratch / f"stage_{number}_{trees.index(tree)}.py"
            script.write_text(f"import sys\nsys.path[:0] = [{str(tree)!r}, {str(HERE)!r}]\n"
                              f"if __name__ == '__main__':\n    from pathlib import Path\n    import rules_ab\n"
                              f"    rules_ab.stage(Path({str(tree)!r}), Path({str(arguments.data.resolve())!r}))\n")
            answer = subprocess.run([sys.executable, str(script)], check=True, capture_output=True, text=True,
                                    env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
            facts, spooled, parent, workers, wall, count = answer.stdout.split()[-6:]
            spent[tree].append((float(parent), float(workers), float(facts)))
            print(f"ronde {number + 1} {tree}: induk {parent} detik-CPU, pekerja {workers} detik-CPU, "
                  f"{wall} s dinding, {count} entitas; baca + fakta {facts} detik-CPU, spool {spooled} MB", flush=True)
    for tree, runs in spent.items():
        parent = sum(run[0] for run in runs) / len(runs)
        workers = sum(run[1] for run in runs) / len(runs)
        facts = sum(run[2] for run in runs) / len(runs)
        print(f"rata-rata {tree}: induk {parent:.2f}, pekerja {workers:.2f}, jumlah {parent + workers:.2f} detik-CPU; "
              f"baca + fakta {facts:.2f} detik-CPU")


if __name__ == "__main__":
    main()

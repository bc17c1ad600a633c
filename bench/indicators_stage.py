"""CPU seconds of the indicators stage (``engine.pipeline.indicators_of``) on the bench's data set:

    .venv/bin/python bench/indicators_stage.py [--size 100k] [--rounds 3] [--against OLD_COMPUTE_PY]

Generates the bench's data set (bench/run.py's composition) into bench/data/, builds a run's state up
to the decisions as ``run_series`` does (workers and spool as a run of that size has them), then
times the stage ``--rounds`` times. ``--against`` times another version of
``engine/indicators/compute.py`` (``git show main:engine/indicators/compute.py > old.py``) in
alternation on the same state — the way to compare on a busy machine — and checks that both give
the same indicators, member lists included.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import resource
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.run import PROFILE, SHARES, YEAR, generate, parse_size  # noqa: E402
from engine.fact_chunks import FactChunks  # noqa: E402
from engine.ingest.dataset import load_dataset  # noqa: E402
from engine.parallel import CHUNK, default_workers  # noqa: E402
from engine.pipeline import (DEFAULT_RULES, data_policy, entities_of, entity_count, evaluate_entities,  # noqa: E402
                             indicators_of, profile_of, registered_ids, scope_of, tables_still_read)
from engine.rules.load import load_rulebook  # noqa: E402
from engine.spool import BlockSpool  # noqa: E402


def run_state(data: Path) -> tuple:
    """The arguments of ``indicators_of`` as ``run_series`` has them for the first year."""
    book = load_rulebook(DEFAULT_RULES)
    profile = profile_of(book, PROFILE)
    spool = BlockSpool(None)
    chunks = FactChunks(spool, CHUNK, kept=tables_still_read(profile))
    dataset = load_dataset(data, chunks, data_policy(book, (YEAR,))).with_records(chunks.set_aside)
    workers = default_workers(entity_count(dataset))
    entities = entities_of(dataset, chunks)
    decisions = evaluate_entities(book, entities, YEAR, None, workers, spool if workers > 1 else None)
    return book, profile, dataset, entities, decisions, YEAR, scope_of(profile, dataset)


def other_stage(path: Path) -> Callable[..., list]:
    """``indicators_of`` with the compute module at ``path`` in place of this tree's."""
    spec = importlib.util.spec_from_file_location("other_compute", path)
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)

    def stage(book, profile, dataset, entities, decisions, year, scope):  # type: ignore[no-untyped-def]
        index = module.TagIndex(decisions, registered_ids(entities, scope))
        return module.compute_indicators(book, profile, dataset, index, year)

    return stage


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=parse_size, default=parse_size("100k"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another engine/indicators/compute.py, timed in alternation")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    arguments = parser.parse_args()
    data = arguments.data_dir / f"n{arguments.size}"
    generate(arguments.size, SHARES, data)
    state = run_state(data)
    stages = {"this tree": indicators_of}
    if arguments.against:
        stages[str(arguments.against)] = other_stage(arguments.against)
    seconds: dict[str, list[float]] = {name: [] for name in stages}
    results = {}
    for _ in range(arguments.rounds):
        for name, stage in stages.items():
            gc.collect()
            start = cpu_seconds()
            results[name] = stage(*state)
            seconds[name].append(cpu_seconds() - start)
    for name, values in seconds.items():
        print(f"{name}: indicators stage {statistics.median(values):.2f} CPU-s median "
              f"({', '.join(f'{value:.2f}' for value in values)}), {arguments.size:,} entities")
    if arguments.against:
        dumped = [[indicator.model_dump() for indicator in result] for result in results.values()]
        print("same indicators and member lists:", "ya" if dumped[0] == dumped[1] else "TIDAK")
    print(f"machine load (1, 5, 15 min): {', '.join(f'{load:.1f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main()

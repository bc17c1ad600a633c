"""Today's rules path against the lean one, in one process, on the same facts: same rows? how much CPU?

    .venv/bin/python bench/rules_levers.py [--size 20k] [--chunk 250] [--rounds 1]

Generates (or reuses) the bench's data set of SIZE entities (bench/run.py's mix), ingests it and
builds every entity's facts with the run's own code, then for each entity type:

1. checks that ``lean_evaluate.LeanEvaluator`` gives exactly the decision rows of
   ``evaluate.Evaluator`` (today's path) for every entity — values, clause results, evidence, order;
2. times both on the same chunks of CHUNK entities, in a shuffled order per chunk so that load from
   other work on the machine hits both alike, as CPU seconds of this process (``time.process_time``).

Prints entities per CPU-second of each path and their ratio, per type and for the bench mix. On a
shared machine only the ratio means something: measure a lever as the change of this ratio.

``--answers`` also times what crosses the process boundary, as ``engine.parallel`` does it, worker side
(evaluate a chunk, pickle the answer) and parent side (unpickle, check, keep in a ``DecisionTable``), in
microseconds of CPU per entity, for the lean path answering full decision rows and answering compact
outcomes (leaf mask and evidence; the parent makes the rows); the two tables must be identical.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from bench.run import SHARES, generate, parse_size  # noqa: E402
import pickle  # noqa: E402

from engine.decisions import DecisionTable, decision_row  # noqa: E402
from engine.evaluate import Evaluator  # noqa: E402
from engine.facts import EntityFacts  # noqa: E402
from engine.ingest.dataset import load_dataset  # noqa: E402
from engine.lean_evaluate import LeanEvaluator, evaluate_rows  # noqa: E402
from engine.parallel import Outcomes, _Receiver  # noqa: E402
from engine.rules.compiler import compile_ruleset  # noqa: E402
from engine.pipeline import entities_of  # noqa: E402
from engine.rules.load import load_rulebook  # noqa: E402

YEAR = 2024


def today(evaluator: Evaluator, chunk: list[EntityFacts]) -> list:
    return [decision_row(decision) for entity in chunk for decision in evaluator.evaluate(entity)]


def lean(evaluator: LeanEvaluator, chunk: list[EntityFacts]) -> list:
    return evaluate_rows(evaluator, [entity.entity_id for entity in chunk], [entity.fact_rows for entity in chunk])


PATHS = {"today": (Evaluator, today), "lean": (LeanEvaluator, lean)}


def outcomes(evaluator: LeanEvaluator, chunk: list[EntityFacts]) -> Outcomes:
    return Outcomes(evaluator.leaf_order, [evaluator.outcome(entity.entity_id, entity.fact_rows) for entity in chunk])


ANSWERS = {"baris": lean, "ringkas": outcomes}  # the lean path answering rows / compact outcomes


def time_answers(book, entities: dict[str, list[EntityFacts]], chunk_size: int, rng: random.Random) -> None:
    """Worker and parent CPU per entity of each kind of answer, interleaved per chunk."""
    worker = dict.fromkeys(ANSWERS, 0.0)
    parent = dict.fromkeys(ANSWERS, 0.0)
    size = dict.fromkeys(ANSWERS, 0)
    tables = {name: DecisionTable() for name in ANSWERS}
    for entity_type, group in entities.items():
        evaluator = LeanEvaluator(book, entity_type, YEAR)
        if not evaluator.compact:
            continue
        receivers = {name: _Receiver(compile_ruleset(book, entity_type, YEAR), tables[name]) for name in ANSWERS}
        for start in range(0, len(group), chunk_size):
            chunk = group[start:start + chunk_size]
            order = list(ANSWERS)
            rng.shuffle(order)
            for name in order:
                began = time.process_time()
                answer = pickle.dumps(ANSWERS[name](evaluator, chunk), protocol=pickle.HIGHEST_PROTOCOL)
                answered = time.process_time()
                receivers[name].take(chunk, pickle.loads(answer))
                worker[name] += answered - began
                parent[name] += time.process_time() - answered
                size[name] += len(answer)
    count = sum(len(group) for group in entities.values())
    same = list(tables["baris"].rows()) == list(tables["ringkas"].rows())
    print(f"\njawaban pekerja → induk ({count:,} entitas; tabel keputusan sama: {'ya' if same else 'TIDAK'})")
    for name in ANSWERS:
        print(f"  {name:8s} pekerja {1e6 * worker[name] / count:6.1f} µs/entitas   induk {1e6 * parent[name] / count:5.1f} "
              f"µs/entitas   {size[name] / count:5.0f} B/entitas")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="20k")
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=1, help="times over the data, each in a new order")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--answers", action="store_true", help="also time the worker's answers and the parent's taking them")
    arguments = parser.parse_args()
    size = parse_size(arguments.size)
    data = arguments.data_dir / f"n{size}"
    generate(size, SHARES, data)
    book = load_rulebook(HERE.parent / "rules")
    entities = entities_of(load_dataset(data))
    rng = random.Random(1)
    cpu = {entity_type: dict.fromkeys(PATHS, 0.0) for entity_type in entities}
    for entity_type, group in entities.items():
        evaluators = {name: make(book, entity_type, YEAR) for name, (make, _) in PATHS.items()}
        chunks = [group[start:start + arguments.chunk] for start in range(0, len(group), arguments.chunk)]
        same = all(today(evaluators["today"], chunk) == lean(evaluators["lean"], chunk) for chunk in chunks)
        print(f"{entity_type}: {len(group):,} entitas, baris keputusan jalur lean = jalur hari ini: "
              f"{'ya' if same else 'TIDAK'}", flush=True)
        for _ in range(arguments.rounds):
            for chunk in chunks:
                order = list(PATHS)
                rng.shuffle(order)
                for name in order:
                    start = time.process_time()
                    PATHS[name][1](evaluators[name], chunk)
                    cpu[entity_type][name] += time.process_time() - start
    counts = {entity_type: len(group) * arguments.rounds for entity_type, group in entities.items()}
    print("\nentitas per detik-CPU (satu proses)")
    for entity_type, spent in cpu.items():
        rates = {name: counts[entity_type] / max(seconds, 1e-9) for name, seconds in spent.items()}
        print(f"  {entity_type:15s} hari ini {rates['today']:8,.0f}   lean {rates['lean']:8,.0f}   "
              f"rasio {rates['lean'] / rates['today']:.2f}×")
    total = {name: sum(spent[name] for spent in cpu.values()) for name in PATHS}
    entities_total = sum(counts.values())
    print(f"  {'campuran bench':15s} hari ini {entities_total / total['today']:8,.0f}   "
          f"lean {entities_total / total['lean']:8,.0f}   rasio {total['today'] / total['lean']:.2f}×")
    if arguments.answers:
        time_answers(book, entities, arguments.chunk, rng)


if __name__ == "__main__":
    main()

"""The benchmark, in one command: `.venv/bin/python bench/run.py [--sizes 10k,100k,1m] [--workers 0]`.

For each size it generates a seeded data set (samples/generate.py; 45 % koperasi with ~10 years of
RAT history, 45 % UKM, 10 % training participants), runs `iku run` in a child process (every
output; stage timings and peak RSS), then times two baselines of the same tags on the same records
(plain Python; polars) and checks that they give exactly the tags of tags.csv.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.baselines import plain_python, vectorised  # noqa: E402
from engine.ingest.dataset import load_dataset  # noqa: E402

YEAR = 2024
STAGES = ("ingest", "facts", "rules", "indicators", "outputs")
CHILD = """
import json, resource, sys, time
from pathlib import Path
from engine.outputs.run import execute_run
start = time.perf_counter()
result = execute_run(Path(sys.argv[1]), "jatim", {year}, Path(sys.argv[2]), Path(sys.argv[3]), workers=int(sys.argv[4]))
total = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
entities = sum(len(group) for group in result.entities.values())
print(json.dumps({{"timings": result.timings, "total": total, "rss_kb": own, "worker_rss_kb": children,
                   "entities": entities, "decisions": len(result.decisions)}}))
""".format(year=YEAR)


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def generate(size: int, folder: Path) -> Path:
    if (folder / "koperasi.csv").exists():
        return folder
    koperasi = ukm = int(size * 0.45)
    peserta = max(1, int(size * 0.10 / 3))  # per year, three years
    subprocess.run([sys.executable, str(REPO / "samples" / "generate.py"), "--profile", "jatim",
                    "--koperasi", str(koperasi), "--ukm", str(ukm), "--peserta", str(peserta), "--years", "2022-2024",
                    "--history-years", "7", "--seed", "2024", "--format", "csv", "--out", str(folder)],
                   check=True, capture_output=True)
    return folder


def run_iku(data: Path, out: Path, workers: int, memory_gb: float, timeout: int) -> dict:
    def limit() -> None:
        cap = int(memory_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    done = subprocess.run([sys.executable, "-c", CHILD, str(data), str(out), str(REPO / "rules"), str(workers)],
                          cwd=REPO, capture_output=True, text=True, timeout=timeout, preexec_fn=limit)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def tags_csv(out: Path) -> set[tuple[str, str, str]]:
    with (out / "tags.csv").open() as handle:
        return {(row["entity_type"], row["entity_id"], row["tag"]) for row in csv.DictReader(handle)}


def measure(size: int, workers: int, memory_gb: float, timeout: int) -> dict:
    data = generate(size, HERE / "data" / f"n{size}")
    out = HERE / "data" / f"out{size}"
    measured = run_iku(data, out, workers, memory_gb, timeout)
    dataset = load_dataset(data)
    expected = tags_csv(out)
    for name, baseline in (("python", plain_python), ("polars", vectorised)):
        start = time.perf_counter()
        tags = baseline(dataset, YEAR)
        measured[f"{name}_s"] = time.perf_counter() - start
        measured[f"{name}_identical"] = tags == expected
    return measured


def table(results: dict[int, dict]) -> Table:
    view = Table(title=f"iku bench — tahun {YEAR}, detik (entitas/detik)", title_justify="left")
    for column in ("entitas", *STAGES, "total", "RSS puncak", "python", "polars", "aturan÷python", "aturan÷polars",
                   "tag identik"):
        view.add_column(column, justify="right")
    for size, m in results.items():
        count = m["entities"]
        cells = [f"{m['timings'].get(stage, 0):.1f} ({count / max(m['timings'].get(stage, 0), 1e-9):,.0f})"
                 for stage in STAGES]
        rules = m["timings"]["rules"]
        view.add_row(f"{count:,}", *cells, f"{m['total']:.1f}",
                     f"{m['rss_kb'] / 1024:,.0f} MB + {m['worker_rss_kb'] / 1024:,.0f} MB/proses",
                     f"{m['python_s']:.2f}", f"{m['polars_s']:.2f}", f"{rules / m['python_s']:.0f}×",
                     f"{rules / m['polars_s']:.0f}×",
                     "ya" if m["python_identical"] and m["polars_identical"] else "TIDAK")
    return view


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--workers", type=int, default=0, help="0: otomatis (satu per inti)")
    parser.add_argument("--memory-gb", type=float, default=16.0, help="batas memori run iku")
    parser.add_argument("--timeout", type=int, default=1800, help="batas waktu satu run iku, detik")
    arguments = parser.parse_args()
    console = Console(width=220)
    results: dict[int, dict] = {}
    for size in (parse_size(text) for text in arguments.sizes.split(",")):
        console.print(f"mengukur {size:,} entitas …")
        try:
            results[size] = measure(size, arguments.workers, arguments.memory_gb, arguments.timeout)
        except (RuntimeError, MemoryError, subprocess.TimeoutExpired) as error:
            console.print(f"[red]{size:,} entitas tidak selesai:[/] {str(error)[-400:]}")
    console.print(table(results))


if __name__ == "__main__":
    main()

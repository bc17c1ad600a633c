"""The benchmark, in one command:

    .venv/bin/python bench/run.py [--sizes 10k,100k,1m] [--workers 0] [--repeat 1] [--keep]

For each size (entities = koperasi + UKM + peserta diklat) it generates a seeded data set in the
contract's CSV form with samples/generate.py into bench/data/ — 45 % koperasi (RAT history from
2015, i.e. ten years up to the assessed year 2024, yearly figures 2022–2024), 45 % UKM, 10 %
training participants (a third per year 2022–2024), with facilitation, financing, legality and
certificate rows in the generator's proportions — then:

1. runs `iku run` (every output) in a child process (bench/child.py) and reports the seconds of
   each stage, entities per second, the CPU seconds of the evaluation workers (spent beside the
   facts stage and in the rules stage: a figure other work on the machine does not inflate much), peak RSS (of
   the main process, and of the whole process tree sampled every 0.25 s), how many cores the run
   kept busy and the highest 1-minute load average seen; a run that passes --timeout or
   --memory-gb is stopped and the point it reached is reported;
   With --path both (the default until the lean rules path has landed), the run is made twice on
   the same data: with the lean rules path and with today's (engine.parallel.RULES_PATH), and
   their tags.csv are compared ("tag identik … jalur hari ini");
2. runs two hand-written baselines of the same criteria on the same CSV files (bench/baselines.py:
   plain Python with the csv module; polars), checks that both give exactly the tags of iku's
   tags.csv and prints the ratios rules stage ÷ baseline evaluation;
3. prints, per stage, how many cores were busy (CPU seconds of the run and its workers, ended or
   running, ÷ wall). The first year's rules workers start with the facts stage and evaluate each chunk
   as it is made: "facts" is until the last chunk is made, "rules" from then until the last answer.

Without --keep, each size's data and output folders are deleted once measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from rich import box  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bench import baselines  # noqa: E402
from engine.pipeline import Stopwatch  # noqa: E402

YEAR = 2024
PROFILE = "jatim"
SEED = 2024
STAGES = ("ingest", "facts", "rules", "indicators", "outputs")
SHARES = (0.45, 0.45, 0.10)  # koperasi, UKM, peserta diklat
YEARS = (2022, 2024)
HISTORY_YEARS = 7  # RAT rows from 2015: ten years up to 2024
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------------------------------------
# Data


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


NATIONAL = "130,100,20"  # the national registry: 130,000 koperasi, 100,000 UKM, 20,000 peserta diklat (issue 19)


def parse_mix(text: str) -> tuple[float, float, float]:
    parts = [float(part) for part in (NATIONAL if text.strip().lower() == "nasional" else text).split(",")]
    if len(parts) != 3 or min(parts) < 0 or not sum(parts):
        raise argparse.ArgumentTypeError("--mix: tiga bagian koperasi,ukm,peserta, misalnya 45,45,10")
    return parts[0] / sum(parts), parts[1] / sum(parts), parts[2] / sum(parts)


def generator_arguments(size: int, shares: tuple[float, float, float] = SHARES) -> list[str]:
    koperasi, ukm, peserta = shares
    per_year = round(size * peserta / (YEARS[1] - YEARS[0] + 1))
    return ["--profile", PROFILE, "--koperasi", str(round(size * koperasi)),
            "--ukm", str(round(size * ukm)), "--peserta", str(per_year),
            "--years", f"{YEARS[0]}-{YEARS[1]}", "--history-years", str(HISTORY_YEARS), "--seed", str(SEED),
            "--format", "csv"]


def generate(size: int, shares: tuple[float, float, float], folder: Path) -> float:
    """Seconds spent generating (0 when a folder made with the same arguments is reused)."""
    arguments = generator_arguments(size, shares)
    manifest = folder / "bench.json"
    if manifest.exists() and json.loads(manifest.read_text()) == arguments:
        return 0.0
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "samples" / "generate.py"), *arguments, "--out", str(folder)],
                   check=True, capture_output=True)
    manifest.write_text(json.dumps(arguments))
    return time.perf_counter() - start


def row_counts(folder: Path) -> dict[str, int]:
    counts = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open("rb") as handle:
            counts[path.stem] = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1
    return counts


# ---------------------------------------------------------------------------------------------
# The iku run, watched


def tree_rss(root: int) -> tuple[int, int]:
    """Resident bytes of ``root`` and of ``root`` with all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    parents[int(entry.name)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    sizes = {}
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                sizes[pid] = int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            sizes[pid] = 0
    return sizes.get(root, 0), sum(sizes.values())


@dataclass
class Watch:
    """What the watcher saw of one child run."""

    peak_main: int = 0
    peak_tree: int = 0
    peak_load: float = 0.0  # 1-minute load average: other work on the machine makes figures slower
    stopped: str = ""
    progress: dict = field(default_factory=dict)
    first_progress_s: float | None = None
    tail: list[str] = field(default_factory=list)


def _read_stderr(stream, watch: Watch) -> None:
    for line in stream:
        if line.startswith('{"progress"'):
            watch.progress = json.loads(line)["progress"]
            if watch.first_progress_s is None:
                watch.first_progress_s = watch.progress["t"]
        else:
            watch.tail = (watch.tail + [line.rstrip()])[-30:]


def run_iku(data: Path, out: Path, workers: int, memory_gb: float, timeout: float, path: str = "lean"
            ) -> tuple[dict | None, Watch]:
    shutil.rmtree(out, ignore_errors=True)
    watch = Watch()
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(HERE / "child.py"), str(data), str(out), str(REPO / "rules"), PROFILE, str(YEAR),
         str(workers), path],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    reader = threading.Thread(target=_read_stderr, args=(child.stderr, watch), daemon=True)
    reader.start()
    while child.poll() is None:
        main, tree = tree_rss(child.pid)
        watch.peak_main, watch.peak_tree = max(watch.peak_main, main), max(watch.peak_tree, tree)
        watch.peak_load = max(watch.peak_load, os.getloadavg()[0])
        elapsed = time.perf_counter() - start
        if tree > memory_gb * 1024**3 or elapsed > timeout:
            watch.stopped = (f"dihentikan pada {elapsed:.0f} s: RSS pohon proses {tree / 1024**3:.1f} GB"
                             if tree > memory_gb * 1024**3 else f"dihentikan: melewati batas waktu {timeout:.0f} s")
            os.killpg(child.pid, signal.SIGKILL)  # the child's own session: it and its workers only
            break
        time.sleep(0.25)
    stdout = child.communicate()[0]
    reader.join(timeout=5)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if watch.stopped or child.returncode != 0:
        watch.stopped = watch.stopped or f"gagal (kode {child.returncode}): " + " | ".join(watch.tail[-5:])
        return None, watch
    measured = json.loads(stdout.strip().splitlines()[-1])
    measured["process_wall"] = wall
    measured["tree_cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    measured["peak_main_sampled"], measured["peak_tree_sampled"] = watch.peak_main, watch.peak_tree
    measured["load_before"], measured["peak_load"] = load_before, watch.peak_load
    return measured, watch


# ---------------------------------------------------------------------------------------------
# Baselines


def time_baselines(data: Path, out: Path | None) -> dict:
    """Seconds of both baselines; with ``out``, whether they give exactly the tags of its tags.csv."""
    expected = baselines.tags_csv(out) if out is not None else None
    figures: dict = {"tags": len(expected) if expected is not None else None}
    for name, read, evaluate, as_set in (
        ("python", baselines.plain_read, baselines.plain_evaluate, lambda tags: tags),
        ("polars", baselines.polars_read, baselines.polars_evaluate, baselines.as_tag_set),
    ):
        clock = Stopwatch()
        with clock("read"):
            tables = read(data)
        with clock("eval"):
            tags = evaluate(tables, YEAR)
        figures[f"{name}_read_s"], figures[f"{name}_eval_s"] = clock.seconds["read"], clock.seconds["eval"]
        produced = as_set(tags)
        figures[f"{name}_tags"] = len(produced)
        figures[f"{name}_identical"] = produced == expected if expected is not None else None
        figures[f"{name}_difference"] = sorted(produced ^ expected)[:5] if expected is not None else []
        del tables, tags, produced
    return figures


# ---------------------------------------------------------------------------------------------
# One size, repeated


@dataclass
class SizeResult:
    size: int
    rows: dict[str, int]
    generated_s: float
    runs: list[dict] = field(default_factory=list)
    baselines: list[dict] = field(default_factory=list)
    today_identical: list[bool] = field(default_factory=list)  # lean path's tags.csv == today's path's
    stopped: str = ""
    reached: dict = field(default_factory=dict)


def measure(size: int, arguments: argparse.Namespace, console: Console) -> SizeResult:
    workers, repeat, keep = arguments.workers, arguments.repeat, arguments.keep
    paths = ("lean", "today") if arguments.path == "both" else (arguments.path,)
    mix = "" if arguments.mix == SHARES else "-" + "-".join(f"{share * 100:.0f}" for share in arguments.mix)
    data, out = arguments.data_dir / f"n{size}{mix}", arguments.data_dir / f"out{size}{mix}"
    console.print(f"[bold]{size:,} entitas[/]: membuat data …")
    generated = generate(size, arguments.mix, data)
    result = SizeResult(size, row_counts(data), generated)
    try:
        for attempt in range(1, repeat + 1):
            for path in paths[1:]:  # first, so that the last run's outputs are those the baselines check
                console.print(f"  run iku {attempt}/{repeat}, jalur {PATH_NAMES[path]} …")
                other = out.with_name(out.name + f"-{path}")
                measured, watch = run_iku(data, other, workers, arguments.memory_gb, arguments.timeout, path)
                if measured is not None:
                    result.runs.append(measured)
            console.print(f"  run iku {attempt}/{repeat}, jalur {PATH_NAMES[paths[0]]} …")
            measured, watch = run_iku(data, out, workers, arguments.memory_gb, arguments.timeout, paths[0])
            if measured is None:
                result.stopped = watch.stopped
                result.reached = {"peak_tree": watch.peak_tree, "peak_main": watch.peak_main,
                                  "peak_load": watch.peak_load, "progress": watch.progress,
                                  "ingest_facts_s": watch.first_progress_s}
                console.print(f"  [red]{watch.stopped}[/]")
                console.print("  baseline python dan polars (tanpa pembanding tags.csv) …")
                result.baselines.append(time_baselines(data, None))
                return result
            result.runs.append(measured)
            for path in paths[1:]:
                other = out.with_name(out.name + f"-{path}")
                result.today_identical.append(
                    (other / "tags.csv").exists() and baselines.tags_csv(other) == baselines.tags_csv(out))
                shutil.rmtree(other, ignore_errors=True)
            console.print("  baseline python dan polars …")
            result.baselines.append(time_baselines(data, out))
    finally:
        if not keep:
            shutil.rmtree(out, ignore_errors=True)
            for path in paths[1:]:
                shutil.rmtree(out.with_name(out.name + f"-{path}"), ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)
    return result


# ---------------------------------------------------------------------------------------------
# Tables


def _span(values: list[float], digits: int = 1) -> str:
    low, high = min(values), max(values)
    return f"{low:.{digits}f}" if len(values) == 1 or round(low, digits) == round(high, digits) \
        else f"{low:.{digits}f}–{high:.{digits}f}"


def _entities(run: dict) -> int:
    return sum(run["entities"].values())


def _total(run: dict) -> float:
    """The whole of execute_run, as `iku run` spends it (the stages plus what no stage times)."""
    return run["wall"]


def _untimed(run: dict) -> float:
    """Loading the rules, the output lock and the start of the audit log (between the stages)."""
    return run["wall"] - sum(run["timings"].get(stage, 0.0) for stage in STAGES)


def _per_second(count: int, seconds: list[float]) -> str:
    return f"{count / max(median(seconds), 1e-9):,.0f}/s"


def stage_table(results: list[SizeResult], style: box.Box) -> Table:
    view = Table(title=f"iku run (profil {PROFILE}, tahun {YEAR}): detik per tahap (median entitas/detik)",
                 title_justify="left", box=style)
    for column in ("entitas", "jalur aturan", "baris data", *STAGES, "lainnya", "total", "CPU pekerja",
                   "RSS puncak utama", "RSS puncak pohon", "inti terpakai", "beban mesin"):
        view.add_column(column, justify="right")
    for result, path, runs in _by_path(results):
        if not runs:
            view.add_row(f"{result.size:,}", "—", f"{sum(result.rows.values()):,}", *["—"] * 8,
                         f"{result.reached.get('peak_main', 0) / 1024**3:.1f} GB",
                         f"{result.reached.get('peak_tree', 0) / 1024**3:.1f} GB", "—",
                         f"{result.reached.get('peak_load', 0):.1f}")
            continue
        count = _entities(runs[0])
        cells = []
        for stage in STAGES:
            seconds = [run["timings"].get(stage, 0.0) for run in runs]
            cells.append(f"{_span(seconds)} ({_per_second(count, seconds)})")
        cells.append(_span([_untimed(run) for run in runs]))
        totals = [_total(run) for run in runs]
        cores = [run["tree_cpu_s"] / run["process_wall"] for run in runs]
        worker_cpu = [run["worker_cpu_s"] for run in runs]
        view.add_row(f"{count:,}", PATH_NAMES[path], f"{sum(result.rows.values()):,}", *cells,
                     f"{_span(totals)} ({_per_second(count, totals)})",
                     f"{_span(worker_cpu)} ({_per_second(count, worker_cpu)})" if max(worker_cpu) else "—",
                     f"{_span([run['rss_kb'] / 1024**2 for run in runs], 2)} GB",
                     f"{_span([run['peak_tree_sampled'] / 1024**3 for run in runs], 2)} GB",
                     _span(cores), _span([run["peak_load"] for run in runs]))
    return view


PATH_NAMES = {"lean": "lean", "today": "hari ini"}


def _by_path(results: list[SizeResult]) -> Iterator[tuple[SizeResult, str, list[dict]]]:
    """Each size's runs, grouped by the rules path they took (the lean path first)."""
    for result in results:
        paths = sorted({run.get("rules_path", "lean") for run in result.runs}, key=list(PATH_NAMES).index)
        for path in paths or ["lean"]:
            yield result, path, [run for run in result.runs if run.get("rules_path", "lean") == path]


def _lean_runs(result: SizeResult) -> list[dict]:
    """The runs on the lean path (or on today's, when only that one was run)."""
    lean = [run for run in result.runs if run.get("rules_path", "lean") == "lean"]
    return lean or result.runs


def cores_table(results: list[SizeResult], style: box.Box) -> Table:
    """How many cores each stage kept busy: CPU seconds of the run and its workers ÷ wall seconds."""
    view = Table(title="Inti terpakai per tahap (detik-CPU proses run dan pekerjanya ÷ detik)",
                 title_justify="left", box=style)
    for column in ("entitas", "jalur aturan", *STAGES):
        view.add_column(column, justify="right")
    for result, path, runs in _by_path(results):
        if not runs:
            continue
        cells = []
        for stage in STAGES:
            busy = [run["stage_cpu_s"].get(stage, 0.0) / max(run["timings"].get(stage, 0.0), 1e-9) for run in runs]
            cells.append(_span(busy))
        view.add_row(f"{_entities(runs[0]):,}", PATH_NAMES[path], *cells)
    return view


def baseline_table(results: list[SizeResult], style: box.Box) -> Table:
    view = Table(title="Baseline kriteria yang sama, data yang sama: detik (baca CSV + evaluasi)",
                 title_justify="left", box=style)
    for column in ("entitas", "aturan iku (lean)", "aturan jalur hari ini", "hari ini ÷ lean", "python baca",
                   "python evaluasi", "polars baca", "polars evaluasi", "aturan ÷ python", "aturan ÷ polars",
                   "fakta+aturan ÷ polars", "tag",
                   "tag identik: python", "polars", "jalur hari ini"):
        view.add_column(column, justify="right")
    for result in results:
        if not result.baselines:
            continue
        lean = _lean_runs(result)
        rules = [run["timings"]["rules"] for run in lean]
        # the first year's workers run beside the facts stage: part of the rules' work is in "facts",
        # so the two together are an upper bound of the rules' seconds
        beside = [run["timings"]["facts"] + run["timings"]["rules"] for run in lean]
        today = [run["timings"]["rules"] for run in result.runs if run.get("rules_path") == "today" and run not in lean]
        b = result.baselines
        python_eval, polars_eval = [x["python_eval_s"] for x in b], [x["polars_eval_s"] for x in b]
        checked = [x for x in b if x["tags"] is not None]

        def identical(values: list[bool]) -> str:
            return ("ya" if all(values) else "tidak") if values else "—"

        view.add_row(
            f"{_entities(lean[0]) if lean else result.size:,}", _span(rules) if rules else "—",
            _span(today) if today else "—",
            f"{median(today) / median(rules):.2f}×" if today and rules else "—",
            _span([x["python_read_s"] for x in b], 2), _span(python_eval, 3),
            _span([x["polars_read_s"] for x in b], 2), _span(polars_eval, 3),
            f"{median(rules) / median(python_eval):,.0f}×" if rules else "—",
            f"{median(rules) / median(polars_eval):,.0f}×" if rules else "—",
            f"{median(beside) / median(polars_eval):,.0f}×" if beside else "—",
            f"{b[0]['python_tags']:,}",
            identical([x["python_identical"] for x in checked]), identical([x["polars_identical"] for x in checked]),
            identical(result.today_identical))
    return view


def output_table(results: list[SizeResult], style: box.Box) -> Table:
    """Issue 20's output figures and issue 19's floor: the whole run ÷ reading every input once with polars."""
    view = Table(title="Keluaran (tahap outputs ÷ tags.csv saja; byte per entitas) dan lantai baca polars",
                 title_justify="left", box=style)
    for column in ("entitas", "outputs s", "tags.csv saja s", "outputs ÷ tags.csv", "CPU outputs ÷ tags.csv",
                   "run.sqlite B/entitas",
                   "folder (du) B/entitas", "report.html MB", "audit.jsonl KB", "total s", "baca polars s",
                   "total ÷ baca polars"):
        view.add_column(column, justify="right")
    for result in results:
        runs = [run for run in _lean_runs(result) if "output_bytes" in run]
        if not runs:
            continue
        count, run = _entities(runs[0]), runs[-1]
        outputs = [r["timings"]["outputs"] for r in runs]
        alone = [r["tags_csv_alone_s"] for r in runs]
        floor = [b["polars_read_s"] for b in result.baselines]
        files = run["output_bytes"]
        # CPU: the stage's (run process and workbook process) ÷ tags.csv's; a wall ratio on a loaded
        # machine also measures how much of the two cores the stage got
        cpu = [r["stage_cpu_s"]["outputs"] / r["tags_csv_alone_cpu_s"] for r in runs if "tags_csv_alone_cpu_s" in r]
        view.add_row(f"{count:,}", _span(outputs), _span(alone, 3), f"{median(outputs) / median(alone):.1f}×",
                     f"{median(cpu):.1f}×" if cpu else "—",
                     f"{files.get('run.sqlite', 0) / count:,.0f}", f"{files['du'] / count:,.0f}",
                     f"{files.get('report.html', 0) / 1e6:.2f}", f"{files.get('audit.jsonl', 0) / 1e3:.1f}",
                     _span([_total(r) for r in runs]), _span(floor, 2) if floor else "—",
                     f"{median([_total(r) for r in runs]) / median(floor):.0f}×" if floor else "—")
    return view


def record_floor_table(results: list[SizeResult], style: box.Box) -> Table:
    """Issue 20's ≤ 3× tags.csv beside its floor: the record's rows put into SQLite by SQLite alone and through
    Python's sqlite3 from ready tuples (``runstore.insert_floor``), in CPU seconds, ÷ tags.csv alone's."""
    view = Table(title="Lantai catatan run: baris run.sqlite dimasukkan oleh SQLite saja dan lewat sqlite3 Python "
                       "(detik-CPU; ÷ tags.csv saja)", title_justify="left", box=style)
    for column in ("entitas", "baris catatan", "tags.csv saja CPU s", "SQLite saja CPU s", "SQLite ÷ tags.csv",
                   "sqlite3 Python CPU s", "sqlite3 ÷ tags.csv", "CPU outputs s", "outputs ÷ tags.csv"):
        view.add_column(column, justify="right")
    for result in results:
        runs = [run for run in _lean_runs(result) if "record_floor" in run]
        if not runs:
            continue
        alone = median([r["tags_csv_alone_cpu_s"] for r in runs])
        sqlite_s, binding_s = (median([r["record_floor"][key] for r in runs]) for key in ("sqlite_s", "binding_s"))
        stage = median([r["stage_cpu_s"]["outputs"] for r in runs])
        view.add_row(f"{_entities(runs[0]):,}", f"{runs[-1]['record_floor']['rows']:,}", f"{alone:.3f}",
                     f"{sqlite_s:.2f}", f"{sqlite_s / alone:.1f}×", f"{binding_s:.2f}", f"{binding_s / alone:.1f}×",
                     f"{stage:.1f}", f"{stage / alone:.1f}×")
    return view


def stopped_lines(results: list[SizeResult]) -> list[str]:
    lines = []
    for result in results:
        if result.stopped:
            progress = result.reached.get("progress") or {}
            reached = (f"; tahap aturan sampai {progress['type']} {progress['done']:,}/{progress['total']:,} "
                       f"pada {progress['t']:.0f} s" if progress else "; belum sampai tahap aturan")
            before = result.reached.get("ingest_facts_s")
            # the first answer: the workers start with the facts stage, so the data has been read by then
            ingest = f"; baca selesai, jawaban aturan pertama pada {before:.0f} s" if before is not None else ""
            lines.append(f"{result.size:,} entitas tidak selesai: {result.stopped}{ingest}{reached}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1m", help="jumlah entitas, dipisah koma (10k, 1.5m, 500)")
    parser.add_argument("--workers", type=int, default=0, help="proses evaluasi iku; 0 = otomatis")
    parser.add_argument("--repeat", type=int, default=1, help="ulangi run iku dan baseline; tabel memuat rentang")
    parser.add_argument("--memory-gb", type=float, default=20.0, help="hentikan run iku di atas RSS ini (pohon proses)")
    parser.add_argument("--timeout", type=float, default=720.0, help="hentikan run iku setelah sekian detik")
    parser.add_argument("--keep", action="store_true", help="simpan data dan keluaran di bench/data (dipakai ulang)")
    parser.add_argument("--mix", type=parse_mix, default=SHARES,
                        help="bagian koperasi,ukm,peserta (bawaan 45,45,10; 100,0,0 = koperasi saja; "
                             "nasional = 130,100,20, dengan --sizes 250k: registri nasional)")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data", help="folder data dan keluaran")
    parser.add_argument("--path", choices=("both", "lean", "today"), default="both",
                        help="jalur tahap aturan: lean, hari ini (today), atau keduanya pada data yang sama")
    parser.add_argument("--json", type=Path, help="tulis semua angka ke berkas JSON ini")
    parser.add_argument("--markdown", action="store_true", help="tabel dalam bentuk Markdown")
    arguments = parser.parse_args()
    console = Console(width=max(170, shutil.get_terminal_size().columns))
    style = box.MARKDOWN if arguments.markdown else box.SIMPLE_HEAVY
    sizes = sorted({parse_size(text) for text in arguments.sizes.split(",") if text.strip()})
    koperasi, ukm, peserta = (f"{share * 100:.0f} %" for share in arguments.mix)
    console.print(f"mesin: {os.cpu_count()} inti, {os.sysconf('SC_PHYS_PAGES') * PAGE / 1024**3:.0f} GB; "
                  f"komposisi entitas: {koperasi} koperasi, {ukm} UKM, {peserta} peserta diklat; tahun {YEAR}")
    results = [measure(size, arguments, console) for size in sizes]
    console.print(stage_table(results, style))
    console.print(cores_table(results, style))
    console.print(baseline_table(results, style))
    console.print(output_table(results, style))
    console.print(record_floor_table(results, style))
    for line in stopped_lines(results):
        console.print(f"[red]{line}[/]")
    for result in results:
        for b in result.baselines:
            for name in ("python", "polars"):
                if b[f"{name}_identical"] is False:
                    console.print(f"[red]{name} {result.size:,}: tag berbeda, contoh {b[f'{name}_difference']}[/]")
    if arguments.json:
        arguments.json.write_text(json.dumps([asdict(result) for result in results], indent=2, default=str))


if __name__ == "__main__":
    main()

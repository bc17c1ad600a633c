"""Where run.sqlite's bytes go, and what writing it costs:

    .venv/bin/python bench/runstore.py DATA [--years 2024] [--repeat 3] [--keep DIR] [--beside]

Runs the pipeline once on DATA (a bench/data folder, e.g. one made by bench/run.py --keep), then
writes the record ``--repeat`` times with ``write_run_record`` alone and prints the CPU seconds of
each write (this process: the writer runs in it), the file's size, bytes per entity and, from
SQLite's ``dbstat`` table, the bytes of each table and index. With ``--beside`` each write is done
as a large run does it: the source rows and outcomes built first into their side file
(``engine.runstore.sources``, the output stage's other process: its CPU seconds shown apart), then the
record copying them in.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from engine.outputs.entities import entity_directory  # noqa: E402
from engine.pipeline import SeriesResult, run_series  # noqa: E402
from engine.runstore.writer import write_run_record  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def breakdown(path: Path) -> list[tuple[str, int]]:
    """Bytes per table or index (its pages), largest first."""
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    finally:
        db.close()


FLOOR_BATCH = 50_000  # rows fetched at a time for the floor's Python insert: a million entities' rows never held whole


def insert_floor(record: Path) -> dict[str, float]:
    """The floor under the record's share of the output stage: CPU seconds of putting ``record``'s own rows
    (every plain table; not the names' full-text index) into a fresh file with the same tables, by SQLite
    alone (``INSERT … SELECT`` from the record attached: no Python per row) and through Python's sqlite3
    from the rows as ready tuples (``executemany``, the binding iku's writer goes through; fetching them
    not counted). Neither makes a row: whatever iku adds is above the second."""
    with tempfile.TemporaryDirectory(dir=record.parent) as folder:
        copy = sqlite3.connect(Path(folder) / "floor.sqlite", isolation_level=None)
        copy.execute("PRAGMA journal_mode = OFF")
        copy.execute("PRAGMA synchronous = OFF")
        copy.execute("ATTACH ? AS record", (str(record),))
        tables = copy.execute("SELECT name, sql FROM record.sqlite_master WHERE type = 'table' AND "
                              "sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'entity_name_%'").fetchall()
        sqlite_s = binding_s = 0.0
        rows = 0
        copy.execute("BEGIN")  # one transaction, as the record's writer has
        for name, sql in tables:
            copy.execute(sql)
            start = _cpu()
            copy.execute(f'INSERT INTO main."{name}" SELECT * FROM record."{name}"')
            sqlite_s += _cpu() - start
            rows += copy.execute(f'SELECT count(*) FROM main."{name}"').fetchone()[0]
            copy.execute(f'DELETE FROM main."{name}"')
            source = copy.execute(f'SELECT * FROM record."{name}"')
            while batch := source.fetchmany(FLOOR_BATCH):
                marks = ", ".join("?" * len(batch[0]))
                start = _cpu()
                copy.executemany(f'INSERT INTO main."{name}" VALUES ({marks})', batch)
                binding_s += _cpu() - start
        copy.execute("COMMIT")
        copy.close()
    return {"rows": rows, "sqlite_s": sqlite_s, "binding_s": binding_s}


def timed_write(series: SeriesResult, out: Path, data: Path, beside: bool = False) -> tuple[float, float, float]:
    """CPU seconds and seconds of the record's writing in this process (with ``beside``, the facts' and
    decisions' hand-overs too), and CPU seconds of building its source rows and outcomes beside it
    (``beside``: done first, as the other process would, and counted apart)."""
    directory = entity_directory(series.last)
    sources, handed_over, built = None, 0.0, 0.0
    if beside:
        from engine.outputs.files import hand_over_decisions
        from engine.runstore.sources import build_sources, hand_over_facts, side_path
        from engine.runstore.writer import RecordParts, SourceRows

        start_cpu = _cpu()
        facts, decisions, parts = hand_over_facts(series, out), hand_over_decisions(series, out), RecordParts.of(series)
        handed_over = _cpu() - start_cpu
        build_sources(facts, decisions, parts, side_path(out))
        built = _cpu() - start_cpu - handed_over
        sources = SourceRows(side_path(out), lambda: None)
    start_cpu, start = _cpu(), time.perf_counter()
    try:
        write_run_record(series, out, data, directory, sources)
    finally:
        if sources is not None:
            sources.path.unlink(missing_ok=True)
    return _cpu() - start_cpu + handed_over, time.perf_counter() - start, built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--profile", default="jatim")
    parser.add_argument("--years", default="2024", help="tahun, dipisah koma")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="simpan run.sqlite terakhir di folder ini")
    parser.add_argument("--beside", action="store_true",
                        help="baris sumber dan keputusan dibuat dulu di berkas samping (proses lain pada run besar), "
                             "lalu disalin")
    arguments = parser.parse_args()
    years = [int(year) for year in arguments.years.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        series = run_series(data=arguments.data, profile_id=arguments.profile, years=years, spool_dir=Path(scratch))
        entities = sum(len(group) for group in series.last.entities.values())
        out = Path(scratch) / "out"
        out.mkdir()
        for attempt in range(arguments.repeat):
            cpu, wall, built = timed_write(series, out, arguments.data, arguments.beside)
            aside = f"; baris sumber dan keputusan di samping {built:.2f} CPU-s" if arguments.beside else ""
            print(f"write_run_record #{attempt + 1}: {cpu:.2f} CPU-s, {wall:.2f} s{aside}")
        size = (out / "run.sqlite").stat().st_size
        print(f"run.sqlite {size:,} B, {entities:,} entitas: {size / entities:.1f} B/entitas")
        for name, pages in breakdown(out / "run.sqlite"):
            print(f"  {name:32} {pages:>12,} B {pages / entities:8.1f} B/entitas")
        if arguments.keep:
            arguments.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(out / "run.sqlite", arguments.keep / "run.sqlite")


if __name__ == "__main__":
    main()

"""Wall and CPU seconds of the record's readers as a user runs them (bench/README.md has the figures):

    .venv/bin/python bench/readers.py --run DIR --id ENTITY_ID [--repeat 8] [--base PATH [--base-run DIR]]

Runs ``iku explain ID --run DIR`` and ``iku sample --run DIR --n 30 --seed 7`` each ``--repeat``
times in a new process, as ``/usr/bin/time`` would see them (wall time of the process, CPU of the
process). With ``--base``, a folder holding another ``engine/`` package (e.g. ``git archive`` of
the commit before), that code is run too, alternating with this one, so both meet the same load;
its explanation and its sample's cells are compared with this code's. ``--base-run``: the record of the
same data that the other code reads, when it reads another schema version. Prints min/median/max
and the 1-minute load before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IKU = Path(sys.executable).with_name("iku")


def _timed(command: list[str], base: Path | None) -> tuple[float, float, str]:
    """Wall and CPU seconds of one run of ``command``, and what it printed."""
    env = dict(os.environ)
    if base is not None:
        env["PYTHONPATH"] = str(base)  # ahead of the editable install's path
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command} ended with {done.returncode}: {done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout


def _cells(path: Path) -> list[list[tuple[object, ...]]]:
    from openpyxl import load_workbook  # only to compare the two codes' workbooks

    book = load_workbook(path)
    return [[tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def _summary(name: str, values: list[tuple[float, float]]) -> str:
    walls = [wall for wall, _ in values]
    cpus = [cpu for _, cpu in values]
    return (f"{name}: wall min {min(walls):.2f} median {statistics.median(walls):.2f} max {max(walls):.2f} s; "
            f"CPU min {min(cpus):.2f} median {statistics.median(cpus):.2f} max {max(cpus):.2f} s "
            f"({len(values)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--id", required=True, help="the entity to explain")
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--base", type=Path, help="a folder with the engine package to compare with")
    parser.add_argument("--base-run", type=Path, help="the record the other code reads (default: --run)")
    parser.add_argument("--only", choices=("explain", "sample"))
    arguments = parser.parse_args()
    codes: list[tuple[str, Path | None]] = [("this", None)]
    if arguments.base is not None:
        codes.insert(0, ("base", arguments.base.resolve()))
    out = Path(tempfile.mkdtemp(prefix="readers-"))
    runs = {"this": arguments.run, "base": arguments.base_run or arguments.run}
    commands = {
        "explain": lambda code: [str(IKU), "explain", arguments.id, "--run", str(runs[code])],
        "sample": lambda code: [str(IKU), "sample", "--run", str(runs[code]), "--n", "30", "--seed", "7",
                                "--out", str(out / f"kk-{code}.xlsx")],
    }
    print(f"load before: {os.getloadavg()[0]:.2f}")
    for command, build in commands.items():
        if arguments.only not in (None, command):
            continue
        times: dict[str, list[tuple[float, float]]] = {code: [] for code, _ in codes}
        printed: dict[str, str] = {}
        for _ in range(arguments.repeat):
            for code, base in codes:
                wall, cpu, printed[code] = _timed(build(code), base)
                times[code].append((wall, cpu))
        for code, _ in codes:
            print(_summary(f"{command} ({code})", times[code]))
        # Two records of the same data differ in the run they name: the first line of an explanation,
        # the second row of the working paper.
        if arguments.base is not None and command == "explain":
            same = [text.split("\n", 1)[1] for text in (printed["base"], printed["this"])]
            print("explain output identical (but the run's line):", same[0] == same[1])
        if arguments.base is not None and command == "sample":
            cells = [_cells(out / f"kk-{code}.xlsx") for code in ("base", "this")]
            for book in cells:
                del book[0][1]
            print("workbook cells identical (but the run's row):", cells[0] == cells[1])
        print(f"load after {command}: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

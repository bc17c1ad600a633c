"""durable_rules trap 17, shown on a checked build of the C engine (README, durable_rules section).

Retracting two facts that one *finished* action matched makes durable_rules 2.0.28 read and write
past that action's frame (``deleteMessageFromFrame``, ``src/rules/state.c``): a finished frame is
freed but keeps its "dispatching" flag and stays linked from its facts, so each retracted fact
clears its own slot and counts the remaining ones, and from the second fact on the count never
reaches the frame's ``messageCount`` inside the 16 slots. Neither AddressSanitizer (the overrun
mostly stays inside the frame pool's block) nor ``-fsanitize=bounds`` (``messages`` is the
struct's last member; gcc 12 takes it as a flexible array) reports it, and the damage shows as a
segmentation fault much later. So this script builds the PyPI sdist once more, in a scratch folder,
with one check added at that loop (the installed engine is not touched), and runs each case in a
child process on that build:

- the pattern on the raw engine (two facts, one rule over both, action run, both facts retracted):
  the check must stop it — the trap is there;
- ``engine.lean_evaluate.LeanEvaluator`` on the samples and 300 synthetic entities of every type,
  with the unusual rules of ``tests/test_lean_evaluate.py``: must finish without a report.

    .venv/bin/python bench/durable_overrun.py            # ±40 s, most of it compiling
    .venv/bin/python bench/durable_overrun.py --keep DIR # build in DIR and keep it for another run
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = "2.0.28"
LOOP = "    for (int i = 0, c = 0; c < frame->messageCount; ++i) {\n"
CHECK = ('        if (i >= MAX_MESSAGE_FRAMES) { fprintf(stderr, "IKU-OVERRUN: deleteMessageFromFrame melewati '
         'frame (messageCount %d)\\n", frame->messageCount); abort(); }\n')
MARK = "IKU-OVERRUN"

RAW = """
import json
import durable_rules_engine as engine
from engine.durable_host import QuietHost
NS = {"$nex": {"$s": 1}}
host = QuietHost({"pair": lambda c: None})
host.set_rulesets({"raw": {"pair": {"all": [{"a": {"$and": [{"t": "a"}, NS]}}, {"b": {"$and": [{"t": "b"}, NS]}}],
                                    "run": "pair"}}})
handle = host.get_ruleset("raw")._handle
engine.assert_facts(handle, '[{"t":"a","id":"a1","sid":"1"},{"t":"b","id":"b1","sid":"1"}]')
started = engine.start_action(handle)
assert engine.complete_and_start_action(handle, started[2]) is None
engine.retract_facts(handle, '[{"id":"a1","sid":"1"},{"id":"b1","sid":"1"}]')
"""

LEAN = """
import shutil, tempfile
from pathlib import Path
from engine.facts import ENTITY_ORDER
from engine.ingest.dataset import load_dataset
from engine.lean_evaluate import LeanEvaluator, evaluate_rows
from engine.pipeline import entities_of
from engine.rules.load import load_rulebook
from tests.support import RULES, SAMPLES, write_tables
from tests.test_lean_evaluate import NEGATION_ON_A_MATCHED_ROW, UNUSUAL
from tests.test_parallel import synthetic_tables
folder = Path(tempfile.mkdtemp())
rules = Path(shutil.copytree(RULES, folder / "rules"))
(rules / "criteria/koperasi/uji.yaml").write_text(UNUSUAL)
(rules / "criteria/koperasi/uji_bukan.yaml").write_text(NEGATION_ON_A_MATCHED_ROW)
sets = [entities_of(load_dataset(SAMPLES / name)) for name in ("jatim", "jambi")]
sets.append(entities_of(load_dataset(write_tables(folder / "data", synthetic_tables(300)))))
count = 0
for book in (load_rulebook(RULES), load_rulebook(rules)):
    for year in (2023, 2024):
        for entity_type in ENTITY_ORDER:
            lean = LeanEvaluator(book, entity_type, year)
            for entities in sets:
                group = entities[entity_type]
                evaluate_rows(lean, [e.entity_id for e in group], [e.fact_rows for e in group])
                count += len(group)
print(count)
"""


def build(folder: Path) -> Path:
    """The sdist built with the check, once per folder; the folder that holds the built module."""
    built = next(folder.glob(f"durable_rules-{VERSION}/build/lib*"), None)
    if built is not None:
        return built
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", f"durable-rules=={VERSION}", "--no-binary", ":all:",
                    "--no-deps", "-d", str(folder)], check=True)
    with tarfile.open(next(folder.glob(f"durable_rules-{VERSION}.tar.gz"))) as archive:
        archive.extractall(folder, filter="data")
    source = folder / f"durable_rules-{VERSION}"
    state = source / "src/rules/state.c"
    text = state.read_text()
    if text.count(LOOP) != 1:
        raise SystemExit("loop deleteMessageFromFrame tidak ditemukan di state.c: versi sdist lain?")
    state.write_text(text.replace(LOOP, LOOP + CHECK))
    subprocess.run([sys.executable, "setup.py", "-q", "build"], cwd=source, check=True, capture_output=True)
    return next(source.glob("build/lib*"))


def run(code: str, built: Path) -> tuple[int, str]:
    paths = [str(built), str(ROOT), os.environ.get("PYTHONPATH", "")]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))})
    return done.returncode, done.stdout.strip() + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="folder build (dipakai lagi bila sudah ada)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        built = build(folder)
        code, output = run(RAW, built)
        raw = MARK in output and code != 0
        print(f"mesin mentah, dua fakta satu aksi yang selesai lalu ditarik: "
              f"{'jebakan terjadi (diperiksa, proses dihentikan)' if raw else 'TIDAK terjadi: pemeriksaan tidak bekerja?'}")
        code, output = run(LEAN, built)
        lean = code == 0 and MARK not in output
        print(f"jalur lean (LeanEvaluator): {'tanpa laporan, ' + output.split()[0] + ' evaluasi entitas' if lean else 'GAGAL'}")
        if not lean:
            print(output[-2000:])
        if not (raw and lean):
            raise SystemExit(1)


if __name__ == "__main__":
    main()

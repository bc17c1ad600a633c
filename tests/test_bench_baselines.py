"""The benchmark's baselines give exactly iku's tags, and bench/run.py runs end to end.

The ratios the benchmark prints (rules stage ÷ baseline) only mean something if the baselines
compute the same thing: here on a small generated data set, against tags.csv of a real run.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bench import baselines
from bench.child import output_bytes
from bench.run import YEAR, generator_arguments, parse_mix
from engine.ingest.values import parse_label
from engine.outputs.run import execute_run
from engine.rules.load import load_rulebook

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[baselines.Tag]]:
    folder = tmp_path_factory.mktemp("bench") / "data"
    subprocess.run([sys.executable, str(REPO / "samples" / "generate.py"), *generator_arguments(300),
                    "--out", str(folder)], check=True, capture_output=True)
    out = folder.parent / "out"
    result = execute_run(folder, "jatim", YEAR, out, REPO / "rules", workers=1)
    assert not result.dataset.rejects  # the baselines assume clean data, as the generator writes
    return folder, baselines.tags_csv(out)


def test_data_exercise_every_rule(generated: tuple[Path, set[baselines.Tag]]) -> None:
    _, expected = generated
    rule_tags = {rule.tag for rule in load_rulebook(REPO / "rules").rules}
    assert {tag for _, _, tag in expected} == rule_tags
    assert {kind for kind, _, _ in expected} == {"koperasi", "ukm", "peserta_diklat"}


def test_constants_are_the_parameters_in_force() -> None:
    """The baselines write the 2024 parameter values in; a changed parameter must show here."""
    book = load_rulebook(REPO / "rules")
    day = date(YEAR, 12, 31)
    assert book.parameter_value("batas_sehat", day) == baselines.BATAS_SEHAT
    assert book.parameter_value("batas_cukup_sehat", day) == baselines.BATAS_CUKUP_SEHAT
    assert book.parameter_value("batas_dalam_pengawasan", day) == baselines.BATAS_DALAM_PENGAWASAN
    assert book.parameter_value("batas_predikat_baik", day) == baselines.BATAS_PREDIKAT_BAIK
    assert book.parameter_value("jendela_tahun_aktif", day) == baselines.JENDELA_TAHUN_AKTIF
    assert book.parameter_value("kolom_tahun_rat", day) == "tahun_rat"
    assert [parse_label(v) for v in book.parameter_value("standar_iso_diakui", day)] == list(baselines.STANDAR_ISO_DIAKUI)
    assert [parse_label(v) for v in book.parameter_value("standar_halal", day)] == list(baselines.STANDAR_HALAL)
    assert book.parameter_value("penerbit_halal_diakui", day) == list(baselines.PENERBIT_HALAL_DIAKUI)
    assert book.parameter_value("mulai_sertifikat_halal_bpjph", day) < date(YEAR, 1, 1)  # MUI's never count in YEAR
    assert [parse_label(v) for v in book.parameter_value("bidang_pemasaran", day)] == list(baselines.BIDANG_PEMASARAN)


def test_plain_python_gives_the_tags_of_iku(generated: tuple[Path, set[baselines.Tag]]) -> None:
    folder, expected = generated
    assert baselines.plain_python(folder, YEAR) == expected


def test_polars_gives_the_tags_of_iku(generated: tuple[Path, set[baselines.Tag]]) -> None:
    folder, expected = generated
    assert baselines.vectorised(folder, YEAR) == expected


def test_a_different_year_differs(generated: tuple[Path, set[baselines.Tag]]) -> None:
    """The comparison can fail: the same baselines for another year miss iku's 2024 tags."""
    folder, expected = generated
    assert baselines.plain_python(folder, YEAR - 1) != expected
    assert baselines.vectorised(folder, YEAR - 1) != expected


@pytest.mark.parametrize("text, value", [
    ("1.721.722.000,75", 1_721_722_000.75), ("Rp 536.663.000", 536_663_000.0), ("Rp5.000,00", 5000.0),
    ("1,234,567.00", 1_234_567.0), ("1234567.89", 1_234_567.89), ("1.500", 1500.0), ("75", 75.0),
])
def test_amounts_read_alike(text: str, value: float) -> None:
    import polars as pl

    assert baselines.parse_amount(text) == value
    assert pl.DataFrame({"v": [text]}).select(baselines.amount_expr("v")).item() == value


def testoutput_bytes_count_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "tags.csv").write_bytes(b"x" * 10_000)
    (tmp_path / "tags.csv").symlink_to("runs/tags.csv")  # the output folder links to its current run
    counted = output_bytes(tmp_path)
    assert counted["tags.csv"] == 10_000 and 10_000 <= counted["du"] < 20_000


def test_national_mix_is_the_registry() -> None:
    arguments = generator_arguments(250_000, parse_mix("nasional"))
    counts = dict(zip(arguments[::2], arguments[1::2]))
    assert (counts["--koperasi"], counts["--ukm"], counts["--peserta"]) == ("130000", "100000", "6667")  # 3 years


def test_bench_runs_end_to_end(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "500", "--data-dir", str(tmp_path),
         "--markdown"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [[cell.strip() for cell in line.strip(" |").split("|")]
            for line in done.stdout.splitlines() if line.startswith("|")]
    rows = [row for row in rows if row[0] == "501"]  # not a wrapped line's "(501/s)": a stage of ≈ 1 s
    # the stage table and the cores table: a row per rules path (lean, today's); baseline, output and floor tables: one
    assert len(rows) == 7
    stage_rows, core_rows, (baseline_row,), (output_row,), (floor_row,) = rows[:2], rows[2:4], rows[4:5], rows[5:6], rows[6:]
    assert [row[1] for row in stage_rows] == [row[1] for row in core_rows] == ["lean", "hari ini"]
    assert all("GB" in " ".join(row) for row in stage_rows)
    assert all(float(cell) >= 0 for row in core_rows for cell in row[2:])  # cores busy per stage
    assert all(float(row[4]) > 0 for row in core_rows)  # the rules stage
    assert baseline_row[-3:] == ["ya", "ya", "ya"]  # tag identik: python, polars, today's rules path
    outputs_s, tags_alone_s, ratio, cpu_ratio = float(output_row[1]), float(output_row[2]), output_row[3], output_row[4]
    assert 0 < tags_alone_s < outputs_s and ratio.endswith("×")  # the output stage ÷ tags.csv alone (issue 20)
    assert cpu_ratio.endswith("×")  # the same in CPU seconds (both processes of the stage ÷ tags.csv's)
    assert int(output_row[5].replace(",", "")) > 0 < int(output_row[6].replace(",", ""))  # run.sqlite, folder B/entity
    assert output_row[-1].endswith("×")  # the whole run ÷ reading every input once with polars (issue 19)
    # the record's rows put into SQLite by SQLite alone, then through Python's sqlite3: the floor under the record
    record_rows, sqlite_s, binding_s = int(floor_row[1].replace(",", "")), float(floor_row[3]), float(floor_row[5])
    assert record_rows > 501 and 0 <= sqlite_s and 0 < binding_s and floor_row[-1].endswith("×")
    assert not list(tmp_path.iterdir())  # data and outputs are removed without --keep


def test_a_stage_timed_by_nested_stopwatches_counts_its_cpu_once(monkeypatch):
    from bench import child
    from engine.pipeline import Stopwatch

    monkeypatch.setattr(child, "STAGE_CPU", {})
    timed = child._cpu_stopwatch(Stopwatch)
    run_clock, year_clock = timed(), timed()
    start = child._tree_cpu()
    with run_clock("rules"), year_clock("rules"):  # as pipeline.run_series times a year's stage
        while child._tree_cpu() - start < 0.2:
            pass
    burned = child._tree_cpu() - start
    # counted twice it would be ≈ 2 × burned; the stopwatches start a moment after ``start``
    assert burned / 2 < child.STAGE_CPU["rules"] <= burned

"""`iku sample`: a reproducible random sample of a run, stratified by tag outcome and kabupaten/kota,
written as the auditor's working paper with the seed and the run id on the sheet."""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from engine.cli import app
from engine.outputs.run import execute_run
from engine.runstore.sample import draw
from tests.support import RULES, SAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    out = tmp_path_factory.mktemp("jatim")
    execute_run(SAMPLES / "jatim", "jatim", 2024, out, RULES)
    db = sqlite3.connect(out / "run.sqlite")
    yield out, db
    db.close()


def sheet_rows(path):
    return [list(row) for row in load_workbook(path)["Sampel"].iter_rows(values_only=True)]


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(recorded):
    _, db = recorded
    first, again, other = draw(db, 30, 11), draw(db, 30, 11), draw(db, 30, 12)
    assert first.keys == again.keys and len(first.keys) == 30 == len(set(first.keys))
    assert other.keys != first.keys


def test_every_tag_outcome_is_represented_and_each_stratum_in_proportion(recorded):
    _, db = recorded
    outcomes = db.execute("SELECT count(DISTINCT entity_type || ':' || given) FROM outcome "
                          "JOIN verdict ON verdict.key = outcome.verdict").fetchone()[0]
    sample = draw(db, 200, 3)
    assert sample.size == 200 and outcomes <= 200
    drawn = Counter((s.entity_type, s.tags) for s in sample.strata for _ in range(s.drawn))
    assert len(drawn) == outcomes  # no outcome left out
    assert all(0 <= s.drawn <= s.population for s in sample.strata)
    # the largest kabupaten/kota of the largest outcome gets its proportional share (within one)
    largest = max(sample.strata, key=lambda s: s.population)
    share = sum(s.drawn for s in sample.strata if (s.entity_type, s.tags) == (largest.entity_type, largest.tags))
    group = sum(s.population for s in sample.strata if (s.entity_type, s.tags) == (largest.entity_type, largest.tags))
    assert abs(largest.drawn - share * largest.population / group) <= 1


def test_a_sample_larger_than_the_run_takes_every_entity(recorded):
    _, db = recorded
    total = db.execute("SELECT count(*) FROM entity").fetchone()[0]
    assert sorted(draw(db, total + 50, 1).keys) == list(range(total))


def test_the_working_paper_has_one_row_per_entity_with_tags_reasons_rows_and_empty_auditor_columns(recorded, tmp_path):
    out, _ = recorded
    path = tmp_path / "kertas_kerja.xlsx"
    answer = runner.invoke(app, ["sample", "--run", str(out), "--n", "30", "--seed", "5", "--out", str(path)])
    assert answer.exit_code == 0, answer.output
    rows = sheet_rows(path)
    run_id = sqlite3.connect(out / "run.sqlite").execute("SELECT id FROM run").fetchone()[0]
    heading = " ".join(str(cell) for row in rows[:3] for cell in row if cell)
    assert run_id in heading and "seed 5" in heading and "--seed 5" in heading
    header = rows[4]
    assert header[-2:] == ["sesuai / tidak sesuai", "catatan auditor"]
    entities = rows[5:]
    assert len(entities) == 30 and all(row[-2] is None and row[-1] is None for row in entities)
    with (out / "tags.csv").open(encoding="utf-8") as handle:
        tags: dict[tuple[str, str], set[str]] = {}
        for row in csv.DictReader(handle):
            tags.setdefault((row["entity_type"], row["entity_id"]), set()).add(row["tag"])
    column = {name: index for index, name in enumerate(header)}
    for row in entities:
        given = set(filter(None, (row[column["tag diberikan"]] or "").split(", ")))
        assert given == tags.get((row[column["jenis"]], row[column["id"]]), set())
        assert "baris" in row[column["baris sumber"]] and row[column["mengapa / mengapa tidak"]]
    assert sheet_rows(path) == rows
    again = tmp_path / "lagi.xlsx"
    runner.invoke(app, ["sample", "--run", str(out), "--n", "30", "--seed", "5", "--out", str(again)])
    assert sheet_rows(again)[3:] == rows[3:]  # the same sample, row for row


def test_sample_refuses_a_missing_record_and_a_non_xlsx_output(tmp_path):
    answer = runner.invoke(app, ["sample", "--run", str(tmp_path), "--out", str(tmp_path / "k.xlsx")])
    assert answer.exit_code == 2 and "catatan run tidak ditemukan" in answer.output
    answer = runner.invoke(app, ["sample", "--run", str(tmp_path), "--out", str(tmp_path / "k.csv")])
    assert answer.exit_code == 2 and ".xlsx" in answer.output

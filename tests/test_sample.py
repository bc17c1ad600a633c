"""`iku sample`: a reproducible random sample of a run, stratified by tag outcome and kabupaten/kota,
written as the auditor's working paper with the seed and the run id on the sheet."""

from __future__ import annotations

import csv
import hashlib
import shutil
import sqlite3
from collections import Counter

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from engine.cli import app
from engine.outputs.run import execute_run
from engine.runstore.sample import draw
from tests.support import RULES, SAMPLES, damage_table

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


# The sample drawn for a seed on samples/jatim as it was drawn before `draw` let SQLite count the
# strata: a change of how the sample is found must not change which entities it is.
PINNED_30_SEED_11 = [
    ("koperasi", "5116449015143598"), ("koperasi", "4073707139249207"), ("koperasi", "8219151652080135"),
    ("koperasi", "3653836899094254"), ("koperasi", "2852713347451833"), ("koperasi", "1148656063271220"),
    ("koperasi", "8589610862484136"), ("koperasi", "4049976065706005"), ("koperasi", "6629882831348529"),
    ("koperasi", "6398591500573094"), ("koperasi", "9131378629602325"), ("koperasi", "6212078275950043"),
    ("koperasi", "0793067680762288"), ("koperasi", "1182188436836332"), ("koperasi", "9403268665622438"),
    ("koperasi", "6314895798662937"), ("koperasi", "1284704145380329"), ("koperasi", "6282004902760717"),
    ("koperasi", "1279344847645393"), ("koperasi", "5585687477817546"), ("koperasi", "1191083816208679"),
    ("koperasi", "1694090445441972"), ("peserta_diklat", "P-2022-00124"), ("peserta_diklat", "P-2024-00012"),
    ("peserta_diklat", "P-2024-00181"), ("ukm", "9706847199471"), ("ukm", "6519830040232"),
    ("ukm", "8521340635218"), ("ukm", "5175225609720"), ("ukm", "4474785457541")]
# size, seed → sha256 of the drawn (type, id) list and of the strata (type, tags, region, population, drawn)
PINNED_DIGESTS = {
    (200, 3): ("0da9168bbc7a31977959e3d99abedb491220395e5a50aa376bd034b2b223e300",
               "ec7a3f3ddcb10208821741ef34549ca58c45e173c2a526486660668447225b9a"),
    (1000, 9): ("bdc4c3b14cd28fc6644df1ab710d7f245b38eeefdfb545de17d2488236190701",
                "8a90d96c1c6bd5fe517241833be2e9d9cecaf3cc4d2c6e79644d3f8eaec1f91d"),
}


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


def test_a_seed_draws_the_same_entities_and_strata_as_before(recorded):
    _, db = recorded
    ids = {key: (entity_type, entity_id) for key, entity_type, entity_id in
           db.execute("SELECT key, entity_type, entity_id FROM entity")}
    sample = draw(db, 30, 11)
    assert [ids[key] for key in sample.keys] == PINNED_30_SEED_11
    assert len(sample.strata) == 363 and sample.population == 1150
    for (size, seed), (drawn, strata) in PINNED_DIGESTS.items():
        sample = draw(db, size, seed)
        assert _digest([ids[key] for key in sample.keys]) == drawn
        assert _digest([(s.entity_type, s.tags, s.kab_kota, s.population, s.drawn) for s in sample.strata]) == strata


def test_the_record_places_every_entity_of_the_year_in_one_stratum(recorded):
    _, db = recorded
    expected: dict[tuple[str, int, str], list[int]] = {}
    for key, entity_type, given, kode, kab_kota in db.execute(
            "SELECT o.entity, v.entity_type, v.given, e.kode_wilayah, r.kab_kota FROM outcome AS o "
            "JOIN verdict AS v ON v.key = o.verdict JOIN entity AS e ON e.key = o.entity "
            "LEFT JOIN region AS r USING (kode_wilayah) WHERE o.year = (SELECT year FROM run) ORDER BY o.entity"):
        region = "(tanpa wilayah)" if kode is None else kab_kota or kode
        expected.setdefault((entity_type, given, region), []).append(key)
    stored = {(entity_type, given, region): (population, [entity for (entity,) in db.execute(
        "SELECT entity FROM stratum_member WHERE stratum = ? ORDER BY entity", (key,))])
        for key, entity_type, given, region, population in db.execute("SELECT * FROM stratum")}
    assert stored == {stratum: (len(keys), keys) for stratum, keys in expected.items()}


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


def test_an_output_that_cannot_be_written_is_named_not_a_traceback(recorded, tmp_path):
    out, _ = recorded
    (tmp_path / "berkas").write_text("")  # a file where the workbook's folder should be
    answer = runner.invoke(app, ["sample", "--run", str(out), "--n", "5", "--out", str(tmp_path / "berkas" / "k.xlsx")])
    assert answer.exit_code == 2, answer.output
    assert "berkas" in answer.output and "Traceback" not in answer.output


def test_a_damaged_record_is_named_with_exit_2_not_a_traceback(recorded, tmp_path):
    out, _ = recorded
    damaged = tmp_path / "out"
    shutil.copytree(out, damaged)
    damage_table((damaged / "run.sqlite").resolve(), "stratum")  # opens, but its sample frame cannot be read
    answer = runner.invoke(app, ["sample", "--run", str(damaged), "--n", "5", "--out", str(tmp_path / "k.xlsx")])
    assert answer.exit_code == 2, answer.output
    assert f"catatan run {damaged} rusak atau tidak dapat dibaca" in answer.output


def test_a_sampled_entity_missing_from_the_record_is_named_not_a_traceback(recorded, tmp_path):
    out, _ = recorded
    damaged = tmp_path / "out"
    shutil.copytree(out, damaged)
    db = sqlite3.connect((damaged / "run.sqlite").resolve())
    db.execute("DELETE FROM entity WHERE key = (SELECT min(entity) FROM stratum_member)")
    db.commit()
    db.close()
    answer = runner.invoke(app, ["sample", "--run", str(damaged), "--n", "100000", "--out", str(tmp_path / "k.xlsx")])
    assert answer.exit_code == 2, answer.output
    assert f"catatan run {damaged} rusak atau tidak dapat dibaca" in answer.output

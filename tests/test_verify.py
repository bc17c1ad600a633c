"""`iku verify DIR`: the reproducibility receipt — the record matches its inputs and rules, or the
command names what differs (a changed input file, a changed rule, a different tag for entity X)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.outputs.run import execute_run
from tests.support import RULES, damage_table, koperasi, nik, write_tables

runner = CliRunner()


def tables() -> dict[str, list[dict[str, object]]]:
    return {
        "koperasi": [koperasi(nik(1)), koperasi(nik(2))],
        "rat": [{"nik": nik(1), "tanggal_rat": "2024-03-01"}, {"nik": nik(2), "tanggal_rat": "2023-03-01"}],
        "diklat": [{"id_peserta": "P-1", "nama": "A", "tahun": 2024, "skor": "77"},
                   {"id_peserta": "P-2", "nama": "B", "tahun": 2024, "skor": "90"}],
    }


@pytest.fixture
def recorded(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    data = write_tables(tmp_path / "data", tables())
    out = tmp_path / "out"
    execute_run(data, "jatim", 2024, out, rules)
    return data, rules, out


def verify(out):
    return runner.invoke(app, ["verify", str(out)])


def test_an_untouched_run_is_cocok(recorded):
    _, _, out = recorded
    answer = verify(out)
    assert answer.exit_code == 0, answer.output
    assert "cocok" in answer.output and "tidak cocok" not in answer.output


def test_a_changed_input_file_is_named_with_the_tags_it_changed(recorded):
    data, _, out = recorded
    changed = tables()
    changed["rat"][1]["tanggal_rat"] = "2024-05-01"  # koperasi 2 now holds its RAT in year n
    write_tables(data, changed)
    answer = verify(out)
    assert answer.exit_code == 1
    assert "berkas masukan rat.csv berubah" in answer.output
    assert f"tag berbeda untuk koperasi {nik(2)}: aktif_22_2007 tidak diberikan dalam catatan run" in answer.output
    assert "indikator jatim-1 berbeda" in answer.output
    (data / "rat.csv").unlink()
    assert "berkas masukan rat.csv tidak ada lagi" in verify(out).output


def test_a_changed_rule_is_named_with_its_consequences(recorded):
    _, rules, out = recorded
    parameters = rules / "parameters" / "parameters.yaml"
    text = parameters.read_text()
    start = text.index("- id: batas_predikat_baik")
    parameters.write_text(text[:start] + text[start:].replace("- value: 75", "- value: 80", 1))
    answer = verify(out)
    assert answer.exit_code == 1
    assert "aturan berubah" in answer.output
    assert "tag berbeda untuk peserta_diklat P-1: predikat_baik diberikan dalam catatan run, tidak diberikan sekarang" \
        in answer.output
    assert "indikator jatim-7 berbeda" in answer.output


def test_a_record_whose_tags_were_altered_names_the_entity(recorded):
    _, _, out = recorded
    db = sqlite3.connect(out / "run.sqlite")
    # the koperasi alone gets a verdict of its own, with no rule given
    entity = "(SELECT key FROM entity WHERE entity_id = ?)"
    verdict = f"(SELECT verdict FROM outcome WHERE entity = {entity})"
    db.execute(f"INSERT INTO verdict SELECT (SELECT max(key) + 1 FROM verdict), year, entity_type, 0 FROM verdict "
               f"WHERE key = {verdict}", (nik(1),))
    db.execute(f"INSERT INTO verdict_rule SELECT (SELECT max(key) FROM verdict), rule, held FROM verdict_rule "
               f"WHERE verdict = {verdict}", (nik(1),))
    db.execute(f"UPDATE outcome SET verdict = (SELECT max(key) FROM verdict) WHERE entity = {entity}", (nik(1),))
    db.commit()
    db.close()
    answer = verify(out)
    assert answer.exit_code == 1
    assert f"tag berbeda untuk koperasi {nik(1)}: populasi tidak diberikan dalam catatan run, diberikan sekarang" \
        in answer.output
    assert "berkas masukan" not in answer.output and "aturan berubah" not in answer.output


def test_verify_without_a_record_is_an_unusable_invocation(tmp_path):
    answer = verify(tmp_path)
    assert answer.exit_code == 2 and "catatan run tidak ditemukan" in answer.output


def test_a_damaged_record_is_named_with_exit_2_not_a_traceback(recorded):
    _, _, out = recorded
    damage_table((out / "run.sqlite").resolve(), "outcome")  # opens, but its tags cannot be read
    answer = verify(out)
    assert answer.exit_code == 2, answer.output
    assert f"catatan run {out} rusak atau tidak dapat dibaca" in answer.output

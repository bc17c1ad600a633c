"""Explanations for auditors: why and why not, cited and traced to the input rows."""

import csv
import json

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.explain import UnknownId, explain, render
from engine.outputs.run import execute_run
from tests.support import RULES, SAMPLES, koperasi, nik, run_tables, write_tables

N = 2024


def rats(number, *days):
    return [{"nik": nik(number), "tanggal_rat": day} for day in days]


def business(number, skor=""):
    return {"nik": nik(number), "tahun": N, "volume_usaha": "Rp 5.000.000", "melayani_anggota": "ya",
            "skor_kesehatan": skor}


TABLES = {
    "koperasi": [koperasi(nik(1)), koperasi(nik(2)), koperasi(nik(3), tanggal_bubar="15/06/2024"), koperasi(nik(4))],
    "rat": [*rats(1, "2022-03-01", "2024-03-01"), *rats(2, "2022-03-01", "2023-03-01", "2024-03-01"),
            *rats(3, "2022-03-01", "2023-03-01", "2024-03-01"), *rats(4, "2022-03-01", "2023-03-01", "2024-03-01")],
    "kinerja_koperasi": [business(1, "90"), business(2, "80"), business(3, "79,99"), business(4)],
    "diklat": [{"id_peserta": "P-75", "tahun": N, "skor": "75"}, {"id_peserta": "P-7499", "tahun": N, "skor": "74,99"}],
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_tables(tmp_path_factory.mktemp("explain"), TABLES, year=N)


def text_of(result, entity_id, tag=None):
    return render(explain(result, entity_id, tag)[0])


def verdict(text):
    return next(line for line in text.splitlines() if line.startswith(("YA", "TIDAK")))


def test_rat_gap_is_named_first_with_its_regulation_and_rows(result):
    text = text_of(result, nik(1), "aktif_25_2015")
    first = verdict(text)
    assert first.startswith("TIDAK") and "tidak ada RAT pada tahun 2023" in first
    assert "Permen KUKM No. 25/Per/M.KUKM/IX/2015" in text and "Pasal 1 angka 3" in text
    assert "rat.csv baris 2: tanggal_rat 01-03-2022" in text
    clauses = text[text.index("Klausa:"):].splitlines()
    assert "[GAGAL]" in clauses[1] and "2023" in clauses[1]


def test_the_25_2015_gap_is_said_not_forced(result):
    text = text_of(result, nik(1), "tidak_aktif_25_2015")
    assert "tidak memenuhi definisi aktif (Pasal 1 angka 3) maupun tidak aktif (Pasal 1 angka 4)" in text


def test_score_exactly_80_is_sehat_with_the_compared_values(result):
    text = text_of(result, nik(2), "sehat")
    assert verdict(text).startswith("YA")
    assert "skor_kesehatan ≥ 80" in text and "kinerja_koperasi.csv baris 3" in text
    assert "Perdep Deputi Bidang Pengawasan No. 06/Per/Dep.6/IV/2016" in text
    assert "batas_sehat = 80 (berlaku sejak 01-04-2016)" in text


def test_score_79_99_is_not_sehat(result):
    explanation = explain(result, nik(3), "sehat")[0]
    rule = explanation.aturan[0]
    assert not rule.diberikan and "di bawah 80" in rule.ringkasan
    assert rule.klausa[0].fakta[0].nilai["skor_kesehatan"] == "79.99"


def test_a_dissolved_koperasi_is_explained_by_its_dissolution_date(result):
    text = text_of(result, nik(3), "populasi")
    assert verdict(text).endswith(": Bubar paling lambat 31 Desember 2024")
    assert "tanggal_bubar 15-06-2024" in text


def test_not_assessed_says_so(result):
    rule = explain(result, nik(4), "cukup_sehat")[0].aturan[0]
    assert "tidak dinilai kesehatannya pada tahun 2024" in rule.ringkasan


def test_predikat_baik_at_75_and_74_99(result):
    assert verdict(text_of(result, "P-75", "predikat_baik")).startswith("YA")
    rule = explain(result, "P-7499", "predikat_baik")[0].aturan[0]
    assert not rule.diberikan and "skor di bawah 75" in rule.ringkasan
    assert rule.klausa[0].fakta[0].sumber == "diklat.csv" and rule.klausa[0].fakta[0].baris == 3


def test_indicator_explanation_lists_its_members(result):
    text = render(explain(result, "jatim-7")[0])
    assert "Entitas dalam pembilang (1):\n  peserta_diklat P-75" in text
    assert "Entitas dalam penyebut (2):" in text


def test_unknown_id_suggests_the_closest(result):
    with pytest.raises(UnknownId) as error:
        explain(result, nik(1)[:-1] + "9")
    assert nik(1) in error.value.suggestions


def test_cli_text_json_and_unknown_id(tmp_path):
    data = write_tables(tmp_path / "data", TABLES)
    base = ["--data", str(data), "--profile", "jatim", "--year", str(N)]
    runner = CliRunner()
    text = runner.invoke(app, ["explain", nik(1), *base, "--tag", "aktif_25_2015"])
    assert text.exit_code == 0 and "tidak ada RAT pada tahun 2023" in text.output
    as_json = runner.invoke(app, ["explain", nik(1), *base, "--format", "json"])
    document = json.loads(as_json.stdout)
    assert document[0]["id"] == nik(1) and {rule["tag"] for rule in document[0]["aturan"]} >= {"aktif_22_2007"}
    unknown = runner.invoke(app, ["explain", "123", *base])
    assert unknown.exit_code == 2 and "tidak ditemukan" in unknown.output


def test_explanations_never_disagree_with_tags_csv(tmp_path):
    result = execute_run(SAMPLES / "jatim", "jatim", N, tmp_path, RULES)
    tagged = {(row["entity_type"], row["entity_id"], row["tag"]) for row in csv.DictReader((tmp_path / "tags.csv").open())}
    checked = 0
    for kind, group in result.entities.items():
        for entity in group:
            for explanation in explain(result, entity.entity_id):
                if explanation.jenis != kind:
                    continue
                for rule in explanation.aturan:
                    assert rule.diberikan == ((kind, entity.entity_id, rule.tag) in tagged), (kind, entity.entity_id, rule.tag)
                    checked += 1
    assert checked == len(result.decisions)

"""`iku rules check`: every kind of problem, at its exact file:line:column, all at once."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.rules.load import load_rulebook
from engine.rules.rulebook import RulesInvalid
from tests.support import RULES, SAMPLES

PREDIKAT = "criteria/diklat/predikat_baik.yaml"
PARAMETERS = "parameters/parameters.yaml"


@pytest.fixture
def rules(tmp_path) -> Path:
    return Path(shutil.copytree(RULES, tmp_path / "rules"))


def edit(rules: Path, name: str, old: str, new: str) -> tuple[int, int]:
    """Replace ``old`` by ``new`` once; return the 1-based line and column where ``new`` starts."""
    path = rules / name
    text = path.read_text()
    assert text.count(old) >= 1, old
    start = text.index(old)
    path.write_text(text[:start] + new + text[start + len(old):])
    line = text[:start].count("\n") + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column


def problems(rules: Path) -> list[str]:
    with pytest.raises(RulesInvalid) as error:
        load_rulebook(rules)
    return [str(problem) for problem in error.value.problems]


def at(rules: Path, name: str, line: int, column: int) -> str:
    return f"{rules / name}:{line}:{column}: "


def test_the_repository_rules_are_valid():
    result = CliRunner().invoke(app, ["rules", "check", str(RULES)])
    assert result.exit_code == 0 and "Aturan sah" in result.output


@pytest.mark.parametrize("folder", ["empty", "data"])
def test_a_folder_without_rule_files_is_not_valid_rules(tmp_path, folder):
    directory = tmp_path / "kosong" if folder == "empty" else SAMPLES / "jatim"
    directory.mkdir(exist_ok=True)
    result = CliRunner().invoke(app, ["rules", "check", str(directory)])
    assert result.exit_code == 1 and "Aturan sah" not in result.output
    assert f"{directory / 'criteria'}:1:1: tidak ada berkas aturan" in result.output


def test_unknown_field_with_the_closest_valid_name(rules):
    line, column = edit(rules, PREDIKAT, "notes:", "notse:")
    assert problems(rules) == [at(rules, PREDIKAT, line, column) + "kolom 'notse' tidak dikenal (maksudnya 'notes'?)"]


def test_wrong_type(rules):
    line, _ = edit(rules, PREDIKAT, "  - version: 1", "  - version: satu")
    (problem,) = problems(rules)
    assert problem.startswith(at(rules, PREDIKAT, line, 5)) and "integer" in problem


@pytest.mark.parametrize(("old", "new", "said"), [
    ("  - version: 1", "  - version: satu", "harus bilangan bulat (integer)"),
    ("tag: predikat_baik", "tag: [predikat, baik]", "harus teks"),
    ("effective: {from: 2000-01-01}", "effective: {from: 01-01-2000}", "harus tanggal YYYY-MM-DD"),
])
def test_a_wrong_type_is_said_in_indonesian(rules, old, new, said):
    edit(rules, PREDIKAT, old, new)
    (problem,) = problems(rules)
    assert problem.endswith(said) and "Input should" not in problem and "invalid" not in problem


def test_unknown_tag(rules):
    line, column = edit(rules, PREDIKAT, "has_tag: peserta_tahun_n", "has_tag: peserta_tahun")
    assert problems(rules) == [at(rules, PREDIKAT, line, column) +
                               "tag 'peserta_tahun' tidak diberikan oleh aturan mana pun (maksudnya 'peserta_tahun_n'?)"]


def test_unknown_parameter(rules):
    edit(rules, PREDIKAT, "{param: batas_predikat_baik}", "{param: batas_baik}")
    text = (rules / PREDIKAT).read_text()
    line = text[:text.index("{param: batas_baik}")].count("\n") + 1
    (problem,) = problems(rules)
    assert problem.startswith(f"{rules / PREDIKAT}:{line}:") and "parameter 'batas_baik' tidak dikenal" in problem


def test_unknown_table_and_column(rules):
    edit(rules, PREDIKAT, "table: diklat", "table: diklatt")
    line, column = edit(rules, "criteria/diklat/peserta_tahun_n.yaml", "{field: tahun,", "{field: tahunn,")
    found = problems(rules)
    assert any("tabel 'diklatt' tidak dikenal (maksudnya 'diklat'?)" in problem for problem in found)
    assert any(problem.startswith(at(rules, "criteria/diklat/peserta_tahun_n.yaml", line, column + 1))
               and "tidak punya kolom 'tahunn'" in problem for problem in found)
    assert len(found) == 2  # both files, at once


def test_cycle_between_tags(rules):
    name = "criteria/diklat/peserta_tahun_n.yaml"
    text = (rules / name).read_text()
    when = text.index("    when:\n")
    (rules / name).write_text(text[:when] + "    when:\n      id: baik\n      has_tag: predikat_baik\n      text: x\n")
    line = text[:when].count("\n") + 3
    found = problems(rules)
    assert f"{rules / name}:{line}:7: siklus antar-tag: peserta_diklat_tahun_n → peserta_diklat_predikat_baik → " \
           "peserta_diklat_tahun_n" in found


def test_overlapping_and_gapped_periods(rules):
    line, column = edit(rules, PARAMETERS, "      - value: 75\n        effective: {from: 2000-01-01}",
                        "      - value: 75\n        effective: {from: 2000-01-01, to: 2019-12-31}\n"
                        "      - value: 80\n        effective: {from: 2021-01-01}")
    assert problems(rules) == [f"{rules / PARAMETERS}:{line + 3}:9: parameter batas_predikat_baik: "
                               "ada celah masa berlaku antara 2019-12-31 dan 2021-01-01"]
    edit(rules, PARAMETERS, "{from: 2021-01-01}", "{from: 2019-06-01}")
    (problem,) = problems(rules)
    assert "tumpang tindih" in problem


def test_an_indicator_reading_a_tag_no_rule_gives(rules):
    line, column = edit(rules, "profiles/jambi.yaml", "tags: [aktif_25_2015, berkualitas]",
                        "tags: [aktif_25_2015, bermutu]")
    (problem,) = problems(rules)
    assert problem.startswith(at(rules, "profiles/jambi.yaml", line, column + 22))
    assert "indikator jambi-1 membaca tag 'bermutu'" in problem


def test_yaml_code_tags_are_refused_without_running(rules, tmp_path):
    marker = tmp_path / "pwned"
    line, column = edit(rules, PREDIKAT, "notes:", f'evil: !!python/object/apply:os.system ["touch {marker}"]\nnotes:')
    (problem,) = problems(rules)
    assert problem.startswith(at(rules, PREDIKAT, line, 7)) and "tag YAML tidak diizinkan" in problem
    assert not marker.exists()


def test_duplicate_key_and_placeholder(rules):
    line, column = edit(rules, PREDIKAT, "name: Peserta", "tag: lagi\nname: Peserta")
    found = problems(rules)
    assert at(rules, PREDIKAT, line, 1) + "kunci 'tag' ditulis dua kali" in found


def test_unknown_placeholder_is_found_by_compiling(rules):
    edit(rules, PREDIKAT, "text: Skor paling rendah {batas_predikat_baik}", "text: Skor paling rendah {batas}")
    (problem,) = problems(rules)
    assert "isian '{batas}' pada teks tidak dikenal" in problem


def test_all_problems_at_once_and_exit_1(rules):
    edit(rules, PREDIKAT, "notes:", "notse:")
    edit(rules, "criteria/kukm/dibina.yaml", "entity: kukm", "entity: kukmm")
    result = CliRunner().invoke(app, ["rules", "check", str(rules)])
    assert result.exit_code == 1
    assert "notse" in result.output and "kukmm" in result.output


def test_region_names_are_checked_with_the_rules(rules):
    edit(rules, PREDIKAT, "notes:", "notse:")
    line, column = edit(rules, "regions.yaml", '"35.78": Kota Surabaya', '"3578": Kota Surabaya')
    result = CliRunner().invoke(app, ["rules", "check", str(rules)])
    assert result.exit_code == 1
    assert "notse" in result.output
    assert at(rules, "regions.yaml", line, column) in result.output and "NN.NN" in result.output


def test_a_run_stops_before_evaluating_on_invalid_region_names(rules, tmp_path):
    edit(rules, "regions.yaml", '"35.78": Kota Surabaya', '"3578": Kota Surabaya')
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--data", str(SAMPLES / "jatim"), "--profile", "jatim",
                                      "--year", "2024", "--out", str(out), "--rules", str(rules)])
    assert result.exit_code == 1 and "regions.yaml" in result.output
    assert not (out / "tags.csv").exists()

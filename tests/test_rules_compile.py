"""A rules folder that passes `iku rules check` runs, with the right numbers (issue 18).

Each test is a rules folder that the check used to pass and that then failed or lied in a run:
now the check (the same compile as the run, for every year a version is in force) refuses it
with ``file:line:column``, or the run gives an indicator it cannot compute no value, with the reason. CLI cases check the
message, exit code 1 and the absence of a traceback.
"""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.evaluate import Evaluator
from engine.facts import EntityFacts, to_fact_row
from engine.ingest.tables import Koperasi, Rat
from engine.rules import compiler
from engine.rules.load import load_rulebook
from engine.rules.yamlfile import MAX_ALIASES
from tests.support import RULES, SAMPLES
from tests.test_rules_check import PARAMETERS, PREDIKAT, at, edit, problems

AKTIF = "criteria/koperasi/aktif_22_2007.yaml"


@pytest.fixture
def rules(tmp_path) -> Path:
    return Path(shutil.copytree(RULES, tmp_path / "rules"))


def run_cli(rules: Path, tmp_path: Path, year: int = 2024, profile: str = "jatim"):
    return CliRunner().invoke(app, ["run", "--data", str(SAMPLES / "jatim"), "--profile", profile,
                                    "--year", str(year), "--out", str(tmp_path / "out"), "--rules", str(rules)])


def check_cli(rules: Path):
    return CliRunner().invoke(app, ["rules", "check", str(rules)])


def refused(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


# -- two rules, one tag -----------------------------------------------------------------------------

def test_two_rules_giving_one_tag_are_refused_by_the_check_and_the_run(rules, tmp_path):
    text = (rules / AKTIF).read_text()
    (rules / "criteria/koperasi/kopi.yaml").write_text(text.replace("id: koperasi_aktif_22_2007", "id: salinan", 1))
    found = problems(rules)
    assert any("tag 'aktif_22_2007' untuk koperasi diberikan oleh dua aturan: koperasi_aktif_22_2007 dan salinan"
               in problem for problem in found), found
    assert "diberikan oleh dua aturan" in refused(check_cli(rules))
    assert "diberikan oleh dua aturan" in refused(run_cli(rules, tmp_path))


def test_has_tag_on_a_tag_no_rule_gives_this_entity_type(rules):
    """Compiled before, the clause never held: every peserta failed it, silently."""
    line, column = edit(rules, PREDIKAT, "has_tag: peserta_tahun_n", "has_tag: populasi")
    assert problems(rules) == [at(rules, PREDIKAT, line, column) + "aturan peserta_diklat_predikat_baik: tag 'populasi' "
                               "tidak diberikan oleh aturan yang berlaku untuk peserta_diklat pada tahun 2000"]


def test_every_rule_that_fails_to_compile_is_named_at_once(rules):
    edit(rules, PREDIKAT, "text: Peserta diklat tahun {n}", "text: Peserta diklat tahun {n:s}")
    edit(rules, "criteria/diklat/peserta_tahun_n.yaml", "{field: tahun,", "{field: nama,")
    found = problems(rules)
    assert len(found) == 2, found
    assert any("peserta_diklat_predikat_baik: isian '{n:s}'" in problem for problem in found)
    assert any("kolom diklat.nama berisi teks, tetapi dibandingkan dengan angka" in problem for problem in found)


def test_rules_diff_refuses_what_the_check_refuses(rules):
    text = (rules / AKTIF).read_text()
    (rules / "criteria/koperasi/kopi.yaml").write_text(text.replace("id: koperasi_aktif_22_2007", "id: salinan", 1))
    result = CliRunner().invoke(app, ["rules", "diff", str(RULES), str(rules), "--data", str(SAMPLES / "jatim"),
                                      "--profile", "jatim", "--year", "2024"])
    assert "diberikan oleh dua aturan" in refused(result)


# -- parameters: in force, typed, of the right kind where used ----------------------------------------

def test_a_parameter_ending_before_the_rule_that_uses_it(rules):
    edit(rules, PARAMETERS, "      - value: 75\n        effective: {from: 2000-01-01}",
         "      - value: 75\n        effective: {from: 2000-01-01, to: 2019-12-31}")
    (problem,) = problems(rules)
    assert "parameter 'batas_predikat_baik' tidak berlaku pada tahun 2019" not in problem
    assert "aturan peserta_diklat_predikat_baik: parameter 'batas_predikat_baik' tidak berlaku pada tahun 2020" \
           in problem and problem.startswith(f"{rules / PREDIKAT}:")


@pytest.mark.parametrize("written, shown", [
    ("tujuh puluh lima", "'tujuh puluh lima'"), ("true", "True"), ("[75]", "[75]"), ("2024-01-01", "datetime.date"),
])
def test_a_parameter_value_of_the_wrong_type_is_refused_where_it_is_written(rules, written, shown):
    line, column = edit(rules, PARAMETERS, "value: 75", f"value: {written}")
    (problem,) = problems(rules)
    assert problem.startswith(at(rules, PARAMETERS, line, column))
    assert f"parameter batas_predikat_baik bertipe number: nilai {shown}" in problem and "bukan sebuah angka" in problem


def test_a_parameter_changing_type_between_versions(rules):
    line, column = edit(rules, PARAMETERS, "      - value: 75\n        effective: {from: 2000-01-01}",
                        "      - value: 75\n        effective: {from: 2000-01-01, to: 2019-12-31}\n"
                        "      - value: [75, 80]\n        effective: {from: 2020-01-01}")
    (problem,) = problems(rules)
    assert problem.startswith(at(rules, PARAMETERS, line + 2, column + 8))
    assert "bertipe number: nilai [75, 80]" in problem


def test_every_parameter_declares_its_type(rules):
    line, column = edit(rules, PARAMETERS, "    type: number\n    name: Skor terendah peserta", "    name: Skor terendah peserta")
    (problem,) = problems(rules)
    assert "kolom wajib 'type' tidak ada" in problem


def test_a_column_parameter_naming_a_date_column(rules):
    edit(rules, PARAMETERS, "value: tahun_rat", "value: tanggal_rat")
    found = problems(rules)
    assert found and all("kolom rat.tanggal_rat berisi tanggal, tetapi dibandingkan dengan angka atau tahun" in p
                         for p in found), found


def test_a_number_parameter_used_as_a_column_name(rules):
    edit(rules, "criteria/koperasi/aktif_22_2007.yaml", "{param: kolom_tahun_rat}", "{param: batas_sehat}")
    found = problems(rules)
    assert any("parameter 'batas_sehat' bertipe number, di sini diperlukan column" in p for p in found), found


@pytest.mark.parametrize("written", ['[ISO 9001, ""]', "[]", "ISO 9001"])
def test_a_labels_parameter_must_be_a_list_of_labels(rules, written):
    edit(rules, PARAMETERS, "value: [ISO 9001, ISO 22000]", f"value: {written}")
    (problem,) = problems(rules)
    assert "parameter standar_iso_diakui bertipe labels" in problem and "bukan daftar label tidak kosong" in problem


def test_an_empty_label_in_a_rule_is_refused(rules):
    edit(rules, "criteria/kukm/terstandardisasi.yaml", "value: {param: standar_iso_diakui}", 'value: ["ISO 9001", " "]')
    (problem,) = problems(rules)
    assert "label ['ISO 9001', ' '] untuk kolom standardisasi.standar tidak sah: nilai wajib diisi tetapi kosong" in problem


def test_a_list_where_a_number_belongs_in_a_rule(rules):
    edit(rules, PREDIKAT, 'op: ">=", value: {param: batas_predikat_baik}', 'op: ">=", value: [75, 80]')
    (problem,) = problems(rules)
    assert "kolom diklat.skor dibandingkan (>=) dengan daftar [75, 80]" in problem


# -- profiles -------------------------------------------------------------------------------------------

def test_a_profile_with_two_indicators_of_one_id(rules, tmp_path):
    line, column = edit(rules, "profiles/jambi.yaml", "  - id: jambi-2", "  - id: jambi-1")
    assert problems(rules) == [at(rules, "profiles/jambi.yaml", line, column + 4) +
                               "indikator jambi-1 ditulis dua kali di profil jambi"]


def test_an_indicator_counting_a_tag_of_another_entity_type(rules):
    line, column = edit(rules, "profiles/jambi.yaml", "numerator: {entity: koperasi, tags: [aktif_25_2015, berkualitas]}",
                        "numerator: {entity: ukm, tags: [aktif_25_2015, berkualitas]}")
    found = problems(rules)
    assert found[0].startswith(at(rules, "profiles/jambi.yaml", line, column + len("numerator: {entity: ukm, tags: [")))
    assert "indikator jambi-1 menghitung tag 'aktif_25_2015' untuk ukm, tetapi aturan koperasi_aktif_25_2015 " \
           "hanya menilai koperasi" in found[0]


def test_a_rule_in_force_only_in_the_future_is_checked_and_its_indicator_is_null_with_the_reason(rules, tmp_path):
    """An auditor cannot defend 0 % for an indicator whose rule is not in force yet: the run gives
    the indicator no value and says which rule is not in force; preparing next rules is legitimate."""
    edit(rules, AKTIF, "{from: 2007-04-16}", "{from: 2099-01-01}")
    assert check_cli(rules).exit_code == 0
    assert run_cli(rules, tmp_path).exit_code == 0
    indicators = json.loads((tmp_path / "out" / "indicators.json").read_text(encoding="utf-8"))["indicators"]
    jatim1 = next(indicator for indicator in indicators if indicator["id"] == "jatim-1")
    assert jatim1["nilai"] is None
    assert "aturan koperasi_aktif_22_2007 belum berlaku pada tahun 2024" in jatim1["catatan"]


# -- texts: placeholders are names only ----------------------------------------------------------------

@pytest.mark.parametrize("placeholder", ["{n:>300000000}", "{n:s}", "{n!r}", "{n.real}", "{n[0]}"])
def test_a_format_spec_in_a_rule_text_is_refused(rules, placeholder):
    line, column = edit(rules, PREDIKAT, "text: Peserta diklat tahun {n}", f"text: Peserta diklat tahun {placeholder}")
    (problem,) = problems(rules)
    assert problem.startswith(at(rules, PREDIKAT, line - 2, column))  # the clause's id
    assert f"isian '{placeholder}' pada teks tidak sah; tulis hanya nama" in problem


def test_an_unbalanced_brace_in_a_rule_text_is_refused(rules):
    edit(rules, PREDIKAT, "text: Peserta diklat tahun {n}", "text: Peserta diklat tahun {n")
    (problem,) = problems(rules)
    assert "kurung kurawal pada teks tidak seimbang" in problem


# -- YAML: aliases and size ----------------------------------------------------------------------------

def test_a_yaml_alias_bomb_is_refused_quickly(rules):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    (rules / "parameters/bomb.yaml").write_text("\n".join(lines) + "\n")  # 570 bytes, 10^10 values expanded
    (problem,) = problems(rules)
    assert f"terlalu banyak alias YAML (*nama): lebih dari {MAX_ALIASES}" in problem
    assert problem.startswith(f"{rules / 'parameters/bomb.yaml'}:")


def test_a_huge_rules_file_is_refused(rules):
    (rules / "parameters/besar.yaml").write_text("# " + "x" * 1_100_000 + "\nparameters: []\n")
    (problem,) = problems(rules)
    assert "berkas aturan lebih dari 1.000.000 byte" in problem


# -- wide nodes: split for durable_rules, the same for the user ------------------------------------------

def wide_rule(kind: str, years: range) -> str:
    clauses = "\n".join(
        f"""        - id: rat_{year}
          text: RAT tahun {year}
          exists:
            table: rat
            where:
              - {{field: tahun_rat, value: {year}}}""" for year in years)
    return f"""id: lebar
tag: lebar
entity: koperasi
name: Aturan lebar
description: Banyak klausa di bawah satu {kind}.
legal_basis:
  - regulation: Uji
versions:
  - version: 1
    effective: {{from: 2000-01-01}}
    when:
      {kind}:
{clauses}
"""


def entity_with_rats(years) -> EntityFacts:
    record = Koperasi(row=2, nik="3578000000000001", nama="A", kode_wilayah="35.78", tanggal_badan_hukum="2000-01-01")
    facts = [to_fact_row(record)] + [to_fact_row(Rat(row=10 + index, nik=record.nik, tanggal_rat=f"{year}-03-01"))
                                     for index, year in enumerate(years)]
    return EntityFacts("koperasi", record.nik, record, facts)


def decision(rules: Path, kind: str, clauses: range, held: list[int]):
    (rules / "criteria/koperasi/lebar.yaml").write_text(wide_rule(kind, clauses))
    evaluator = Evaluator(load_rulebook(rules), "koperasi", 2024)
    (found,) = [d for d in evaluator.evaluate(entity_with_rats(held)) if d.rule_id == "lebar"]
    return evaluator.compiled, found


@pytest.mark.parametrize("kind", ["all", "any"])
def test_seventeen_clauses_that_all_hold_run(rules, kind):
    """Unsplit, durable_rules fails with error 304 (at most 16 facts per rule match)."""
    compiled, found = decision(rules, kind, range(2001, 2018), list(range(2001, 2018)))
    assert found.given and all(clause.held for clause in found.clauses)
    assert compiled.parts and all(len(compiled.definition[node][kind]) <= compiler.WIDTH
                                  for node in [*compiled.parts, "lebar.#" + kind + "1"])


@pytest.mark.parametrize("kind", ["all", "any"])
def test_nodes_are_split_only_beyond_the_width(rules, kind):
    compiled, _ = decision(rules, kind, range(2001, 2001 + compiler.WIDTH), [])
    assert not compiled.parts
    compiled, _ = decision(rules, kind, range(2001, 2002 + compiler.WIDTH), [])
    assert sorted(compiled.parts) == [f"lebar.#{kind}1#1.1", f"lebar.#{kind}1#1.2"]


@pytest.mark.parametrize("kind", ["all", "any"])
@pytest.mark.parametrize("held", [[], [2003], [2001, 2005, 2009, 2012], list(range(2001, 2013))])
def test_a_split_node_decides_and_explains_exactly_as_unsplit(rules, monkeypatch, kind, held):
    """12 clauses: split at the width of 8, and unsplit (12 ≤ 16 is within durable_rules' limit)."""
    _, split = decision(rules, kind, range(2001, 2013), held)
    monkeypatch.setattr(compiler, "WIDTH", 16)
    compiled, whole = decision(rules, kind, range(2001, 2013), held)
    assert not compiled.parts
    assert split == whole
    assert [clause.node for clause in split.clauses] == [f"lebar.rat_{year}" for year in range(2001, 2013)] + \
           [f"lebar.#{kind}1"]


def test_a_record_count_beyond_durable_rules_limit_is_refused(rules):
    edit(rules, PREDIKAT, "            table: diklat\n", f"            table: diklat\n            min_count: {compiler.MAX_FACTS + 1}\n")
    (problem,) = problems(rules)
    assert f"jumlah harus bilangan bulat 1 sampai {compiler.MAX_FACTS}, bukan {compiler.MAX_FACTS + 1}" in problem
    edit(rules, PREDIKAT, f"min_count: {compiler.MAX_FACTS + 1}", f"min_count: {compiler.MAX_FACTS}")
    load_rulebook(rules)


# -- errors of the rules path: a message and exit 1 -------------------------------------------------------

@pytest.mark.parametrize("depth, message", [(100, "kondisi bersarang lebih dari 99 tingkat"),
                                            (400, "kondisi bersarang terlalu dalam"),
                                            (900, "YAML tidak sah: exceeded maximum nesting depth")])
def test_a_deeply_nested_condition_is_a_message(rules, depth, message):
    condition = "{id: skor, text: x, exists: {table: diklat, where: [{field: skor, op: '>=', value: 1}]}}"
    for _ in range(depth):
        condition = "{all: [" + condition + "]}"
    text = (rules / PREDIKAT).read_text()
    (rules / "criteria/diklat/dalam.yaml").write_text(
        text.replace("id: peserta_diklat_predikat_baik", "id: dalam").replace("tag: predikat_baik", "tag: dalam")
        .split("versions:")[0] + f"versions:\n  - version: 1\n    effective: {{from: 2000-01-01}}\n    when: {condition}\n")
    (problem,) = problems(rules)
    assert message in problem and problem.startswith(f"{rules / 'criteria/diklat/dalam.yaml'}:")


def test_a_compile_error_in_a_run_is_a_message_with_exit_1(rules, tmp_path, monkeypatch):
    """Whatever slips past the check (here forced) still reaches the user as a message."""
    def broken(*args, **kwargs):
        raise compiler.CompileError("aturan x: rusak", "x")

    monkeypatch.setattr("engine.evaluate.compile_ruleset", broken)
    monkeypatch.setattr("engine.lean_evaluate.compile_ruleset", broken)  # the run's rules path
    output = refused(run_cli(rules, tmp_path))
    assert "aturan tidak dapat dikompilasi: aturan x: rusak" in output

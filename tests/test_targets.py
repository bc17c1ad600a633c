"""Renstra targets and capaian: `iku rules check` validates rules/targets/<profile>.yaml at
file:line:column (known profile and indicator ids, numbers, sane years, no duplicates), the shipped
profiles carry no target and state their direction, and capaian follows the LKjIP formulas."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.indicators.targets import HIGHER, LOWER, NO_TARGET, Target, TargetSource, capaian_of, capaian_percent
from engine.rules.load import load_rulebook
from engine.rules.rulebook import RulesInvalid
from tests.support import RULES

GOOD = """profile: jatim
targets:
  - indicator: jatim-1
    year: 2024
    value: 80
    source: {document: "Renstra Dinas KUKM Jawa Timur 2019-2024", page: 87}
"""

def item(indicator: str, year: object, value: object, page: int | None = None) -> str:
    """One target as policy staff write it (four lines; three without a source)."""
    source = f"\n    source: {{document: Renstra, page: {page}}}" if page is not None else ""
    return f"  - indicator: {indicator}\n    year: {year}\n    value: {value}{source}\n"


# each item at lines 3, 7, 11, 15, 19, 23 and 27 (key positions: column 5)
BAD = "profile: jatim\ntargets:\n" + "".join([
    item("jatim-l", 2024, 80, 1), item("jatim-2", 1800, 10, 1), item("jatim-3", 2024, '"75"', 1),
    item("jatim-4", 2024, 30, 2), item("jatim-4", 2024, 35, 2), item("jatim-5", 2024, 0, 3), item("jatim-6", 2024, 5)])


@pytest.fixture
def rules(tmp_path) -> Path:
    return Path(shutil.copytree(RULES, tmp_path / "rules"))


def problems(rules: Path) -> list[str]:
    with pytest.raises(RulesInvalid) as error:
        load_rulebook(rules)
    return [str(problem) for problem in error.value.problems]


def test_the_shipped_profiles_carry_no_target_and_read_every_indicator_as_higher_is_better():
    book = load_rulebook(RULES)
    assert {profile: targets.targets for profile, targets in book.targets.items()} == {"jatim": [], "jambi": []}
    for profile in book.profiles.values():
        assert {indicator.direction for indicator in profile.indicators} == {HIGHER}
        assert any("bacaan iku" in note and "PermenPANRB 53/2014" in note for note in profile.notes)


def test_a_valid_target_file_is_accepted_and_read(rules):
    (rules / "targets" / "jatim.yaml").write_text(GOOD)
    book = load_rulebook(rules)
    target = book.targets["jatim"].value_for("jatim-1", 2024)
    assert target is not None and target.value == 80 and target.source.page == 87


def test_every_target_problem_is_reported_at_its_line_and_column(rules):
    path = rules / "targets" / "jatim.yaml"
    path.write_text(BAD)
    found = problems(rules)
    where = str(path)
    # the schema's problems come first (all of them), the cross-file ones once the files read cleanly
    assert found == [
        f"{where}:8:5: tahun target harus bilangan bulat antara 1900 dan 2100, tertulis 1800",
        f"{where}:13:5: target harus angka lebih dari 0 (capaian dibagi target), tertulis '75'",
        f"{where}:25:5: target harus angka lebih dari 0 (capaian dibagi target), tertulis 0",
        f"{where}:27:5: kolom wajib 'source' tidak ada"]
    lines = BAD.splitlines()
    cross = lines[:6] + lines[14:22]  # the unknown id and the duplicate: found once the file reads cleanly
    path.write_text("\n".join(cross) + "\n")
    found = problems(rules)
    assert found == [f"{where}:3:5: indikator 'jatim-l' tidak ada di profil jatim (maksudnya 'jatim-1'?)",
                     f"{where}:12:5: target jatim-4 tahun 2024 ditulis dua kali"]


def test_a_target_file_for_an_unknown_profile_is_refused(rules):
    (rules / "targets" / "jatim.yaml").write_text(GOOD.replace("profile: jatim", "profile: jatimm"))
    assert problems(rules) == [f"{rules / 'targets' / 'jatim.yaml'}:1:1: profil 'jatimm' tidak dikenal "
                               "(maksudnya 'jatim'?)"]


def test_rules_check_exits_1_naming_the_target_problem(rules):
    (rules / "targets" / "jambi.yaml").write_text(GOOD.replace("jatim", "jambi").replace("jambi-1", "jambi-9"))
    answer = CliRunner().invoke(app, ["rules", "check", str(rules)])
    assert answer.exit_code == 1
    assert "jambi.yaml:3:5: indikator 'jambi-9' tidak ada di profil jambi" in answer.output


def test_capaian_follows_the_lkjip_formulas():
    assert capaian_percent(90, 80, HIGHER) == 112.5  # 90 ÷ 80 × 100
    assert capaian_percent(90, 80, LOWER) == 87.5  # (2 × 80 − 90) ÷ 80 × 100
    assert capaian_percent(50, 60, HIGHER) == 83.33


def test_without_a_target_or_a_realisasi_capaian_is_empty_with_the_reason():
    target = Target(indicator="jatim-1", year=2024, value=80, source=TargetSource(document="Renstra", page=87))
    assert capaian_of("jatim-1", "x", "%", 2024, 100, HIGHER, None).catatan == NO_TARGET
    assert capaian_of("jatim-1", "x", "%", 2024, 100, HIGHER, None).capaian is None
    missing = capaian_of("jatim-1", "x", "%", 2024, None, HIGHER, target)
    assert missing.capaian is None and "realisasi tidak dapat dihitung" in missing.catatan
    done = capaian_of("jatim-1", "x", "%", 2024, 100, HIGHER, target)
    assert done.capaian == 125 and done.sumber == "Renstra, hlm. 87"


def test_a_misspelt_key_in_a_target_is_named_with_the_closest_one(rules):
    path = rules / "targets" / "jatim.yaml"
    path.write_text(GOOD.replace("    value: 80", "    valeu: 80"))
    assert f"{path}:5:5: kolom 'valeu' tidak dikenal (maksudnya 'value'?)" in problems(rules)

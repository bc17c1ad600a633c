"""Typed parameters: a ``labels`` parameter holds a list of text labels in every version."""

import shutil
from pathlib import Path

import pytest

from engine.rules.rulebook import RulesInvalid, load_rulebook
from tests.support import RULES


def test_the_legality_kinds_are_a_labels_parameter():
    parameter = load_rulebook(RULES).parameters["jenis_legalitas_dihitung"]
    assert parameter.type == "labels"
    assert [version.value for version in parameter.versions] == [
        ["koperasi_baru", "tambah_unit_usaha", "ukm_menjadi_koperasi"]]


def test_a_labels_parameter_must_hold_a_list_of_text(tmp_path):
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    path = rules / "parameters" / "parameters.yaml"
    text = path.read_text()
    path.write_text(text.replace("value: [koperasi_baru, tambah_unit_usaha, ukm_menjadi_koperasi]", "value: 3"))
    with pytest.raises(RulesInvalid) as error:
        load_rulebook(rules)
    assert "parameter bertipe labels harus berisi daftar teks" in str(error.value)

"""Random rule files never give a traceback: a list of positioned problems, or a valid book."""

import shutil

import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.rules.rulebook import RulesInvalid
from engine.rules.load import load_rulebook
from tests.support import RULES

PREDIKAT = "criteria/diklat/predikat_baik.yaml"
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=10), inner, max_size=3)),
                      max_leaves=12)


def outcome(folder) -> None:
    try:
        load_rulebook(folder)
    except RulesInvalid as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line >= 1 and problem.column >= 1 and problem.message


@given(st.text(max_size=300))
def test_random_text_as_a_rule_file(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("rules")
    shutil.copytree(RULES, folder, dirs_exist_ok=True)
    (folder / PREDIKAT).write_text(text, encoding="utf-8")
    outcome(folder)


@given(st.sampled_from(["id", "tag", "entity", "versions", "legal_basis", "name", "extra"]), values)
def test_a_valid_rule_with_one_field_replaced(tmp_path_factory, field, value):
    folder = tmp_path_factory.mktemp("rules")
    shutil.copytree(RULES, folder, dirs_exist_ok=True)
    rule = yaml.safe_load((RULES / PREDIKAT).read_text())
    rule[field] = value
    (folder / PREDIKAT).write_text(yaml.safe_dump(rule, allow_unicode=True), encoding="utf-8")
    outcome(folder)


@given(values)
def test_a_random_condition_tree(tmp_path_factory, when):
    folder = tmp_path_factory.mktemp("rules")
    shutil.copytree(RULES, folder, dirs_exist_ok=True)
    rule = yaml.safe_load((RULES / PREDIKAT).read_text())
    rule["versions"][0]["when"] = when
    (folder / PREDIKAT).write_text(yaml.safe_dump(rule, allow_unicode=True), encoding="utf-8")
    outcome(folder)

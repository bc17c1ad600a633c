"""Random rule files never give a traceback: a list of positioned problems, or a valid book —
and a valid book runs: its rulesets compile and durable_rules accepts them."""

import shutil

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.evaluate import Evaluator
from engine.facts import ENTITY_ORDER
from engine.rules.load import load_rulebook
from engine.rules.model import PARAMETER_TYPES
from engine.rules.rulebook import RulesInvalid
from tests.support import RULES

PREDIKAT = "criteria/diklat/predikat_baik.yaml"
PARAMETERS = "parameters/parameters.yaml"
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=10), inner, max_size=3)),
                      max_leaves=12)


def outcome(folder) -> None:
    try:
        book = load_rulebook(folder)
    except RulesInvalid as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line >= 1 and problem.column >= 1 and problem.message
        return
    for entity_type in ENTITY_ORDER:  # what passes the check runs: compiled and registered in durable_rules
        Evaluator(book, entity_type, 2024)


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


parameter_indexes = st.integers(min_value=0, max_value=7)


@settings(max_examples=40, deadline=None)
@given(parameter_indexes, st.sampled_from(sorted(PARAMETER_TYPES)), st.one_of(values, st.dates(), st.lists(st.text(max_size=8))))
def test_a_parameter_with_a_random_type_and_value(tmp_path_factory, index, kind, value):
    folder = tmp_path_factory.mktemp("rules")
    shutil.copytree(RULES, folder, dirs_exist_ok=True)
    parameters = yaml.safe_load((RULES / PARAMETERS).read_text())
    parameters["parameters"][index]["type"] = kind
    parameters["parameters"][index]["versions"][0]["value"] = value
    (folder / PARAMETERS).write_text(yaml.safe_dump(parameters, allow_unicode=True), encoding="utf-8")
    outcome(folder)


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet="{}!:.[]0123456789nsyrx<>^ ", max_size=30))
def test_a_rule_text_with_random_braces_and_format_specs(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("rules")
    shutil.copytree(RULES, folder, dirs_exist_ok=True)
    rule = yaml.safe_load((RULES / PREDIKAT).read_text())
    rule["versions"][0]["when"]["all"][1]["text"] = text
    (folder / PREDIKAT).write_text(yaml.safe_dump(rule, allow_unicode=True), encoding="utf-8")
    outcome(folder)

"""The lean evaluator gives exactly today's decisions: values, clause results, evidence and order."""

import shutil
from pathlib import Path

import orjson
import pytest

from engine.decisions import DecisionTable, decision_row
from engine.durable_host import EngineError
from engine.evaluate import Evaluator
from engine.facts import ENTITY_ORDER, fact_dict, fact_layout
from engine.ingest.dataset import load_dataset
from engine.lean_evaluate import LeanEvaluator, _message_ids, evaluate_rows
from engine.evaluate import _matched_ids
from engine.pipeline import entities_of
from engine.rules.compiler import compile_ruleset
from engine.rules.load import load_rulebook
from tests.support import RULES, SAMPLES
from tests.test_parallel import synthetic_tables
from tests.support import write_tables
from tests.test_durable_guards import koperasi_entity
from tests.test_rules_compile import entity_with_rats, wide_rule


@pytest.fixture(scope="module")
def book():
    return load_rulebook(RULES)


def _same_rows(book, entities, year):
    for entity_type in ENTITY_ORDER:
        group = entities[entity_type]
        today = [decision_row(decision) for decision in Evaluator(book, entity_type, year).evaluate_all(group)]
        lean = LeanEvaluator(book, entity_type, year)
        rows = evaluate_rows(lean, [entity.entity_id for entity in group], [entity.fact_rows for entity in group])
        assert rows == today, entity_type
        assert list(lean.evaluate_all(group).rows()) == today


@pytest.mark.parametrize("sample,year", [("jatim", 2024), ("jatim", 2023), ("jambi", 2024)])
def test_the_samples_give_todays_rows(book, sample, year):
    _same_rows(book, entities_of(load_dataset(SAMPLES / sample)), year)


def test_synthetic_entities_give_todays_rows(book, tmp_path):
    _same_rows(book, entities_of(load_dataset(write_tables(tmp_path, synthetic_tables(300)))), 2024)


def test_decisions_read_as_objects_equal_todays(book):
    entities = entities_of(load_dataset(SAMPLES / "jatim"))["koperasi"][:20]
    lean, today = LeanEvaluator(book, "koperasi", 2024), Evaluator(book, "koperasi", 2024)
    for entity in entities:
        assert lean.evaluate(entity) == today.evaluate(entity)


def test_an_entity_of_another_type_is_refused(book):
    entity = entities_of(load_dataset(SAMPLES / "jatim"))["ukm"][0]
    with pytest.raises(EngineError, match="bukan koperasi"):
        LeanEvaluator(book, "koperasi", 2024).evaluate(entity)


def test_equal_parts_of_a_batch_are_one_object(book):
    group = entities_of(load_dataset(SAMPLES / "jatim"))["koperasi"]
    rows = evaluate_rows(LeanEvaluator(book, "koperasi", 2024), [e.entity_id for e in group], [e.fact_rows for e in group])
    by_value: dict = {}
    for row in rows:
        assert by_value.setdefault(row[7], row[7]) is row[7], "an equal clause list is one object"
    assert len(DecisionTable(rows)) == len(rows)


# -- durable_rules decides leaves and tags (one rule per DNF term); the tree only cross-checks ------

def koperasi_rule(rule_id: str, tag: str, when: str) -> str:
    """A rules file for koperasi, in force from 2016, whose condition is ``when`` (YAML under ``when:``)."""
    return f"""id: {rule_id}
tag: {tag}
entity: koperasi
name: Aturan uji {tag}
description: Aturan uji.
legal_basis:
  - regulation: Uji
versions:
  - version: 1
    effective: {{from: 2016-01-01}}
    when:
{when}"""


RAT_2021 = """{indent}id: {id}
{indent}text: RAT 2021
{indent}exists:
{indent}  table: rat
{indent}  where:
{indent}    - {{field: tahun_rat, value: 2021}}
"""
RAT_MARCH_2021 = """{indent}id: {id}
{indent}text: RAT Maret 2021
{indent}exists:
{indent}  table: rat
{indent}  where:
{indent}    - {{field: tanggal_rat, op: ">=", value: 2021-03-01}}
{indent}    - {{field: tanggal_rat, op: "<", value: 2021-04-01}}
"""


def _item(clause: str, indent: int, **values: str) -> str:
    """``clause`` as an item of a YAML list at ``indent`` spaces."""
    text = clause.format(indent=" " * (indent + 2), **values)
    return " " * indent + "- " + text[indent + 2:]


# Negated tag, at least two RATs, and (all) one RAT row that binds two aliases.
UNUSUAL = koperasi_rule("koperasi_uji", "uji", """      all:
        - id: populasi
          has_tag: populasi
          text: populasi
        - not:
            id: aktif
            has_tag: aktif_22_2007
            text: aktif
          id: bukan_aktif
          text: bukan aktif
        - any:
            - id: dua_rat
              text: dua RAT
              exists:
                table: rat
                min_count: 2
                where:
                  - {field: tahun_rat, op: ">=", value: 2020}
            - all:
""" + _item(RAT_2021, 16, id="rat_2021") + _item(RAT_MARCH_2021, 16, id="rat_2021_maret"))

# A negation on the row another alias matched.
NEGATION_ON_A_MATCHED_ROW = koperasi_rule("koperasi_uji_bukan", "uji_bukan", """      all:
""" + _item(RAT_2021, 8, id="rat_2021") + """        - not:
""" + RAT_MARCH_2021.format(indent=" " * 12, id="rat_maret") + """          id: bukan_maret
          text: bukan RAT Maret 2021
""")


@pytest.fixture
def unusual_book(tmp_path):
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    (rules / "criteria/koperasi/uji.yaml").write_text(UNUSUAL)
    (rules / "criteria/koperasi/uji_bukan.yaml").write_text(NEGATION_ON_A_MATCHED_ROW)
    return load_rulebook(rules)


@pytest.mark.parametrize("rats,given", [
    ((), [False, False]), (("2021-03-05",), [True, False]), (("2021-05-05",), [False, True]),
    (("2019-01-01",), [False, False]), (("2020-01-01", "2022-02-02"), [True, False]),
    (("2023-01-01", "2024-01-01"), [False, False]), (("2021-03-01", "2021-03-02"), [True, False]),
    (("2021-03-01", "2021-05-02"), [True, False]),
])
def test_negated_tags_counts_and_one_row_for_two_clauses_give_todays_rows(unusual_book, rats, given):
    compiled = compile_ruleset(unusual_book, "koperasi", 2024)
    assert compiled.terms is not None, compiled.term_refusal
    entity = koperasi_entity(*rats)
    lean, today = LeanEvaluator(unusual_book, "koperasi", 2024), Evaluator(unusual_book, "koperasi", 2024)
    rows = [decision_row(d) for d in lean.evaluate(entity)]
    assert rows == [decision_row(d) for d in today.evaluate(entity)]
    # (2023 and 2024: aktif_22_2007, so not uji)
    assert [row[6] for row in rows if row[3] in ("koperasi_uji", "koperasi_uji_bukan")] == given


def test_every_term_rule_lets_one_fact_bind_two_aliases(unusual_book):
    terms = compile_ruleset(unusual_book, "koperasi", 2024).terms
    assert terms is not None and (terms.terms or terms.tagging)
    assert all(terms.definition[name]["dist"] == 0 for name in terms.terms)


def test_a_condition_too_wide_for_terms_is_decided_clause_by_clause(tmp_path):
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    (rules / "criteria/koperasi/lebar.yaml").write_text(wide_rule("all", range(2001, 2018)))
    book = load_rulebook(rules)
    compiled = compile_ruleset(book, "koperasi", 2024)
    assert compiled.terms is None and "lebih dari 16 fakta" in compiled.term_refusal
    for years in (range(2001, 2018), range(2001, 2010)):
        entity = entity_with_rats(list(years))
        lean, today = LeanEvaluator(book, "koperasi", 2024), Evaluator(book, "koperasi", 2024)
        assert [decision_row(d) for d in lean.evaluate(entity)] == [decision_row(d) for d in today.evaluate(entity)]


def test_tags_durable_gives_are_checked_against_the_tree(book):
    lean = LeanEvaluator(book, "koperasi", 2024)
    entity = koperasi_entity("2024-03-01")
    lean.evaluate(entity)
    assert lean._tree is not None
    ((mask, (tags, rules, leaves)),) = lean._tree.known.items()
    lean._tree.known[mask] = (tags - {"aktif_22_2007"}, rules, leaves)  # a tree that disagrees with durable_rules
    lean._tree.shapes.clear()  # checked once per set of keys the actions gave: forget the one checked above
    with pytest.raises(EngineError, match="tidak sama dengan pohon klausa"):
        lean.evaluate(entity)


def test_a_non_finite_number_is_refused_before_asserting(book):
    entity = koperasi_entity()
    layout = fact_layout("kinerja_koperasi")
    row = ["kinerja_koperasi", 9, *([None] * len(layout))]
    row[2 + layout.index("tahun")], row[2 + layout.index("skor_kesehatan")] = 2024, float("inf")
    entity.fact_rows = [*entity.fact_rows, tuple(row)]
    with pytest.raises(EngineError, match="tak hingga"):
        LeanEvaluator(book, "koperasi", 2024).evaluate(entity)


def test_year_relevance_on_rows_agrees_with_relevance_on_facts(book):
    compiled = compile_ruleset(book, "koperasi", 2024)
    entity = koperasi_entity(*(f"{year}-03-01" for year in (2015, 2021, 2022, 2023, 2024, 2025) * 2))
    rat_rows = [row for row in entity.fact_rows if row[0] == "rat"]
    relevant = compiled.relevant_rows("rat")
    assert relevant is not None and compiled.relevant_rows("koperasi") is None
    assert [relevant(row) for row in rat_rows] == [compiled.relevant(fact_dict(row)) for row in rat_rows]
    assert [relevant(row) for row in rat_rows] == [False, False, True, True, True, False] * 2


@pytest.mark.parametrize("message", [
    '{"leaf":{"m":{"t":"rat","id":"rat:5","row":5,"sid":"w"}}}',
    '{"leaf":{"a":{"t":"rat","id":"rat:5","nama":"\\"id\\":\\"x\\"","sid":"w"},"b":{"t":"rat","id":"rat:6"}}}',
    '{"leaf":{"m":{"t":"koperasi","id":"koperasi:2","nama":"C:\\\\","kab":"\\",\\"id\\":\\"y"}}}',
    '{"leaf":{"m":[{"t":"rat","id":"rat:1"},{"t":"rat","id":"rat:2"}]}}',
])
def test_the_ids_read_off_an_action_message_are_those_of_parsing_it(message):
    import orjson
    assert _message_ids(message) == list(_matched_ids(next(iter(orjson.loads(message).values()))))


def test_durable_rules_is_given_only_the_values_a_leaf_reads(book):
    entities = entities_of(load_dataset(SAMPLES / "jatim"))
    koperasi = LeanEvaluator(book, "koperasi", 2024)
    text, ids = koperasi._facts(entities["koperasi"][0].fact_rows)
    facts = orjson.loads(text)
    own = next(fact for fact in facts if fact["t"] == "koperasi")
    assert set(own) <= {"t", "id", "sid", "tanggal_badan_hukum", "tanggal_bubar"}  # no name, region, …
    assert [fact["id"] for fact in facts] == ids
    # no UKM leaf reads the UKM's own row: it is not asserted at all
    ukm = LeanEvaluator(book, "ukm", 2024)
    assert all(fact["t"] != "ukm" for fact in orjson.loads(ukm._facts(entities["ukm"][0].fact_rows)[0]))


def test_leaves_of_one_pattern_are_decided_by_one_durable_rule(book):
    terms = compile_ruleset(book, "koperasi", 2024).terms
    assert terms is not None
    groups = [group for group in terms.shared.values() if len(group) > 1]
    rat_2024 = {"koperasi_aktif_25_2015.rat_2024", "koperasi_aktif_peraturan_berlaku.rat_2024"}
    assert any(rat_2024 <= set(group) for group in groups)
    assert sorted(leaf for group in terms.shared.values() for leaf in group) == sorted(terms.leaves)
    assert all(group[0] == name and name in terms.definition and not set(group[1:]) & terms.definition.keys()
               for name, group in terms.shared.items())
    # one action for a RAT of 2024 however many rules ask for it, and each of them has it as evidence
    lean = LeanEvaluator(book, "koperasi", 2024)
    mask, found = lean.outcome("k", koperasi_entity("2024-03-01").fact_rows)
    held = [leaf for leaf, bit in lean._tree.bit.items() if mask & bit]
    assert rat_2024 <= set(held)
    assert {found[held.index(leaf)] for leaf in rat_2024} == {("rat:10",)}


def test_a_term_holds_no_alias_another_of_its_aliases_implies(book):
    """An alias whose conditions another's include is left out of its term: with "dist" 0 the other's fact
    matches it too. Each alias is a node durable_rules makes in every session."""
    import json

    for entity_type in ENTITY_ORDER:
        terms = compile_ruleset(book, entity_type, 2024).terms
        assert terms is not None
        for name in terms.terms:
            conditions = [frozenset(json.dumps(item, sort_keys=True) for item in pattern["$and"])
                          for entry in terms.definition[name]["all"] for alias, pattern in entry.items()
                          if alias.startswith("m")]
            assert not any(own <= more for one, own in enumerate(conditions)
                           for other, more in enumerate(conditions) if one != other), name
    # koperasi_kesehatan_sehat: "dinilai" (a score in year n) is implied by "skor" (a score ≥ 80 in year n)
    koperasi = compile_ruleset(book, "koperasi", 2024).terms
    assert "koperasi_kesehatan_sehat#0" not in koperasi.definition
    assert [term.name for term in koperasi.tagging["koperasi_kesehatan_sehat.skor"]] == ["koperasi_kesehatan_sehat#0"]


def test_a_term_that_is_one_leaf_alone_is_given_by_that_leafs_rule(book):
    """kukm_dibina is one leaf (a facilitation in year n): the rule deciding that leaf gives the tag, once
    however many facilitations match, and a term reading a tag so given still sees its fact."""
    ukm = compile_ruleset(book, "ukm", 2024).terms
    assert ukm is not None and "kukm_dibina#0" not in ukm.definition
    assert {term.tag for terms in ukm.tagging.values() for term in terms} >= {"dibina", "terstandardisasi"}
    tables = synthetic_tables(400)
    entities = entities_of(load_dataset(write_tables(Path(__import__("tempfile").mkdtemp()), tables)))
    for entity_type in ("koperasi", "ukm"):
        group = entities[entity_type]
        lean, today = LeanEvaluator(book, entity_type, 2024), Evaluator(book, entity_type, 2024)
        rows = [decision_row(d) for entity in group for d in lean.evaluate(entity)]
        assert rows == [decision_row(d) for entity in group for d in today.evaluate(entity)]
        given = {row[5] for row in rows if row[6]}
        if entity_type == "koperasi":  # a tag given by a leaf's rule (sehat, cukup_sehat) read by a term
            assert {"sehat", "berkualitas"} <= given

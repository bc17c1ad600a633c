"""The lean evaluator gives exactly today's decisions: values, clause results, evidence and order."""

import pytest

from engine.decisions import DecisionTable, decision_row
from engine.durable_host import EngineError
from engine.evaluate import Evaluator
from engine.facts import ENTITY_ORDER
from engine.ingest.dataset import load_dataset
from engine.lean_evaluate import LeanEvaluator, evaluate_rows
from engine.pipeline import entities_of
from engine.rules.load import load_rulebook
from tests.support import RULES, SAMPLES
from tests.test_parallel import synthetic_tables
from tests.support import write_tables


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

"""Every entity in scope gets one decision per rule in force, or the run fails loudly."""

import pytest

from engine.evaluate import CompletenessError, Evaluator, check_complete
from engine.facts import EntityFacts, to_fact_row
from engine.ingest.tables import Diklat
from engine.rules.load import load_rulebook
from tests.support import RULES


@pytest.fixture(scope="module")
def evaluated():
    evaluator = Evaluator(load_rulebook(RULES), "peserta_diklat", 2024)
    entities = []
    for index, skor in enumerate(["75", "74,99", "90"]):
        record = Diklat(row=index + 2, id_peserta=f"P-{index}", tahun=2024, skor=skor)
        entities.append(EntityFacts("peserta_diklat", record.id_peserta, record, [to_fact_row(record)]))
    rule_ids = [compiled.rule.id for compiled in evaluator.compiled.rules]
    return evaluator.evaluate_all(entities), entities, rule_ids


def test_a_complete_run_passes(evaluated):
    decisions, entities, rule_ids = evaluated
    assert len(decisions) == len(entities) * len(rule_ids)
    check_complete(decisions, entities, rule_ids)


def test_a_missing_decision_fails_loudly_and_names_it(evaluated):
    decisions, entities, rule_ids = evaluated
    with pytest.raises(CompletenessError, match=r"P-1 \(peserta_diklat_predikat_baik\)"):
        check_complete([d for d in decisions if not (d.entity_id == "P-1" and d.tag == "predikat_baik")],
                       entities, rule_ids)


def test_a_doubled_decision_fails_too(evaluated):
    decisions, entities, rule_ids = evaluated
    with pytest.raises(CompletenessError, match="ganda"):
        check_complete([*decisions, decisions[0]], entities, rule_ids)

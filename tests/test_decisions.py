"""The decision table keeps a run's decisions as rows and reads them back unchanged."""

import pytest

from engine.decisions import DecisionTable, decision_row
from engine.durable_host import EngineError
from engine.evaluate import Evaluator
from engine.ingest.dataset import load_dataset
from engine.parallel import _Receiver, _Sharing
from engine.pipeline import entities_of
from engine.rules.rulebook import load_rulebook
from tests.support import RULES, koperasi, nik, write_tables


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    tables = {
        "koperasi": [koperasi(nik(1)), koperasi(nik(2))],
        "rat": [{"nik": nik(1), "tanggal_rat": f"{year}-03-15"} for year in (2022, 2023, 2024)],
        "kinerja_koperasi": [{"nik": nik(1), "tahun": 2024, "volume_usaha": "1.000.000", "melayani_anggota": "ya",
                              "skor_kesehatan": "80"}],
    }
    entities = entities_of(load_dataset(write_tables(tmp_path_factory.mktemp("data"), tables)))["koperasi"]
    evaluator = Evaluator(load_rulebook(RULES), "koperasi", 2024)
    return evaluator, entities, evaluator.evaluate_all(entities)


def test_decisions_read_back_as_they_were_made(evaluated):
    _, _, decisions = evaluated
    table = DecisionTable.of(decisions)
    assert len(table) == len(decisions)
    assert list(table) == decisions
    assert table[0] == decisions[0] and table[-2:] == decisions[-2:]
    assert table == decisions and table == DecisionTable.of(decisions)


def test_an_entitys_decisions_are_found_in_rule_order(evaluated):
    _, _, decisions = evaluated
    table = DecisionTable.of(decisions)
    assert table.of_entity("koperasi", nik(2)) == [d for d in decisions if d.entity_id == nik(2)]
    assert table.of_entity("koperasi", "tidak-ada") == []
    assert [row[6] for row in table.rows() if row[1] == nik(1)] == [d.given for d in decisions if d.entity_id == nik(1)]


def test_the_parent_takes_a_workers_answers_as_rows(evaluated):
    evaluator, entities, decisions = evaluated
    table = DecisionTable()
    _Receiver(evaluator.compiled, table).take(entities, [decision_row(d) for d in decisions])
    assert table == DecisionTable.of(decisions)


@pytest.mark.parametrize("damage", ["entity", "version", "clauses"])
def test_an_answer_that_does_not_fit_the_parents_rules_stops_the_run(evaluated, damage):
    evaluator, entities, decisions = evaluated
    entity_type, entity_id, year, rule_id, version, tag, given, clauses = decision_row(decisions[0])
    if damage == "entity":
        entity_id = "bukan-entitas-ini"
    elif damage == "version":
        version += 1
    else:
        clauses = clauses[1:]
    with pytest.raises(EngineError, match="tidak dikenal"):
        _Receiver(evaluator.compiled, DecisionTable()).take(
            entities, [(entity_type, entity_id, year, rule_id, version, tag, given, clauses)])


def test_a_workers_answers_share_equal_parts_and_keep_their_values(evaluated):
    _, _, decisions = evaluated
    sharing = _Sharing()
    rows = [decision_row(d, clauses=sharing.clause_rows) for d in decisions]
    assert rows == [decision_row(d) for d in decisions]
    again = decision_row(decisions[0], clauses=sharing.clause_rows)
    assert again[7] is rows[0][7], "an equal clause list is one object"
    evidence = [clause[2] for row in rows for clause in row[7] if any(not item.startswith("$") for item in clause[2])]
    assert evidence, "the sample has clauses that matched input facts"
    ids = {id(item) for items in evidence for item in items}
    assert len(ids) == len({item for items in evidence for item in items}), "one object per fact id"

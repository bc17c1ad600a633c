"""The decision table keeps a run's decisions as rows and reads them back unchanged."""

import pytest

from engine.decisions import DecisionTable, decision_row
from engine.durable_host import EngineError
from engine.evaluate import Evaluator
from engine.ingest.dataset import load_dataset
from engine.parallel import _Receiver, _Sharing
from engine.pipeline import entities_of
from engine.rules.load import load_rulebook
from engine.spool import BlockSpool
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


@pytest.fixture
def spooled(evaluated, tmp_path, monkeypatch):
    """The sample's decisions, many times over, in a table that writes them to a spool in small blocks."""
    _, _, decisions = evaluated
    monkeypatch.setattr(DecisionTable, "BLOCK", 5)
    rows = [(kind, f"{entity_id}-{copy}", *rest)
            for copy in range(4) for kind, entity_id, *rest in map(decision_row, decisions)]
    spool = BlockSpool(tmp_path)
    return DecisionTable(rows, spool=spool), DecisionTable(rows), spool


def test_a_spooled_table_reads_back_exactly_what_it_was_given(spooled):
    table, in_memory, spool = spooled
    assert table.spooled and spool.size() > 0, "rows were written to the spool"
    assert list(table.rows()) == list(in_memory.rows()) and table == in_memory and len(table) == len(in_memory)
    assert [table[i] for i in (0, 7, -1)] == [in_memory[i] for i in (0, 7, -1)]
    assert table[3:9] == in_memory[3:9]
    with pytest.raises(IndexError):
        table[len(table)]


def test_a_spooled_table_finds_each_entitys_decisions_in_its_block(spooled):
    table, in_memory, _ = spooled
    for entity_type, entity_id in dict.fromkeys((row[0], row[1]) for row in in_memory.rows()):
        assert table.of_entity(entity_type, entity_id) == in_memory.of_entity(entity_type, entity_id)
    assert table.of_entity("koperasi", "tidak-ada") == []


def test_a_spooled_table_keeps_an_entitys_decisions_in_one_block(spooled):
    table, _, spool = spooled
    blocks = [[row[:2] for row in spool.read(number)] for number in range(len(table._blocks))]
    assert len(blocks) > 1
    for earlier, later in zip(blocks, blocks[1:]):
        assert earlier[-1] != later[0]


def test_a_spooled_table_refuses_an_entitys_decisions_out_of_order(spooled, tmp_path):
    _, in_memory, _ = spooled
    rows = list(in_memory.rows())
    table = DecisionTable(rows, spool=BlockSpool(tmp_path))
    with pytest.raises(ValueError, match="tidak berurutan"):
        for row in rows * 2:
            table.append_row(row)


def test_rows_taken_an_entity_at_a_time_are_the_rows_taken_one_by_one(spooled, tmp_path):
    table, in_memory, _ = spooled
    by_entity: dict = {}
    for row in in_memory.rows():
        by_entity.setdefault(row[:2], []).append(row)
    spool = BlockSpool(tmp_path)
    at_once = DecisionTable(spool=spool)
    for rows in by_entity.values():
        at_once.append_entity(rows)
    assert at_once.spooled and list(at_once.rows()) == list(table.rows()) and len(at_once) == len(table)
    assert [[row[:2] for row in spool.read(number)] for number in at_once._blocks] == \
        [[row[:2] for row in table._list.spool.read(number)] for number in table._blocks]
    for entity_type, entity_id in list(by_entity)[:5]:
        assert at_once.of_entity(entity_type, entity_id) == in_memory.of_entity(entity_type, entity_id)

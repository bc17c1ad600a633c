"""The decision table keeps the workers' compact outcomes (mask, evidence, tree) and makes rows only
when they are read: every reader gets what the rows kept before gave."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from itertools import chain
from pathlib import Path

import pytest

from engine.decisions import COMPACT, DecisionTable, decision_of
from engine.lean_evaluate import LeanEvaluator, evaluate_rows
from engine.outputs.files import hand_over_decisions, write_tags, write_tags_from
from engine.parallel import CHUNK, Outcomes, _Receiver
from engine.pipeline import SeriesResult, run_series, tag_rows
from engine.rules.compiler import compile_ruleset
from engine.runstore import writer
from engine.runstore.writer import write_run_record
from engine.spool import BlockSpool
from tests.support import RULES, SAMPLES, rat_rows_of_the_next_koperasi

SMALL_BLOCK = 60  # decisions: many blocks in the spool, the rest held in memory


def _tables(book, entities, year, spool=None, rows_for=()):
    """The year's decisions as the parent takes the workers' answers (``parallel._Receiver``), chunk by
    chunk: as compact outcomes where durable_rules decides by terms (but for ``rows_for``), and the
    same decisions as rows (the single-process path), each in its own table."""
    compact, rows = DecisionTable(spool=spool), DecisionTable()
    for entity_type, group in entities.items():
        evaluator = LeanEvaluator(book, entity_type, year)
        receiver = _Receiver(compile_ruleset(book, entity_type, year), compact)
        for start in range(0, len(group), CHUNK // 10):
            chunk = group[start:start + CHUNK // 10]
            ids = [entity.entity_id for entity in chunk]
            for entity_id, facts in zip(ids, (list(entity.fact_rows) for entity in chunk)):
                rows.append_entity(evaluator.rows(entity_id, facts))
            if evaluator.compact and entity_type not in rows_for:
                receiver.take(chunk, Outcomes(evaluator.leaf_order,
                                              [evaluator.outcome(entity.entity_id, entity.fact_rows) for entity in chunk]))
            else:
                receiver.take(chunk, evaluate_rows(evaluator, ids, [list(entity.fact_rows) for entity in chunk]))
    return compact, rows


@pytest.fixture(scope="module", params=["jatim", "jambi"])
def sample(request):
    series = run_series(SAMPLES / request.param, request.param, (2022, 2023, 2024), RULES)
    return request.param, series


def _compact_series(series, spool, rows_for=()):
    compact, rows = [], []
    for result in series.results:
        kept, made = _tables(result.book, result.entities, result.year, spool, rows_for)
        compact.append(replace(result, decisions=kept))
        rows.append(replace(result, decisions=made))
    return (SeriesResult(tuple(compact), series.started, series.finished),
            SeriesResult(tuple(rows), series.started, series.finished))


def test_lazy_rows_equal_the_rows_of_every_entity(sample, tmp_path, monkeypatch):
    monkeypatch.setattr(DecisionTable, "BLOCK", SMALL_BLOCK)
    _, series = sample
    result = series.last
    compact, rows = _tables(result.book, result.entities, result.year, BlockSpool(tmp_path))
    assert compact.spooled and compact._list.held  # blocks in the spool, and items in memory
    items = list(compact.items())
    assert items and all(len(item) == COMPACT for item in items)  # no entity kept as rows
    assert list(compact.rows()) == list(rows.rows())  # the old expansion, entity by entity, in order
    assert compact == rows and len(compact) == len(rows)
    assert list(compact.keys()) == list(rows.keys())
    for entity_type, group in result.entities.items():
        for entity in group:
            assert compact.of_entity(entity_type, entity.entity_id) == rows.of_entity(entity_type, entity.entity_id)
    every = list(rows.rows())
    for index in chain(range(0, len(every), 7), (len(every) - 1, -1, -len(every))):
        assert compact[index] == decision_of(every[index])
    assert compact[3:40:5] == rows[3:40:5]
    with pytest.raises(IndexError):
        compact[len(every)]


def test_masks_are_shared_and_the_spool_holds_no_rows(sample, tmp_path, monkeypatch):
    monkeypatch.setattr(DecisionTable, "BLOCK", SMALL_BLOCK)
    _, series = sample
    result = series.last
    compact, rows = _tables(result.book, result.entities, result.year, BlockSpool(tmp_path))
    with_rows = DecisionTable(rows.rows(), BlockSpool(tmp_path))
    entities = sum(len(group) for group in result.entities.values())
    masks = {(item[2], item[3]) for item in compact.items()}
    assert len(masks) < entities / 3  # an entity's outcome is one of a few: what follows from it is worked out once
    assert sum(len(tree.known) for tree in compact.trees) == len(masks)
    spooled = compact._list.spool
    assert spooled.size() * 2 < with_rows._list.spool.size()
    assert all(len(item) == COMPACT for number in compact._blocks for item in spooled.read(number))


def test_given_tags_and_tag_rows_are_those_of_the_rows(sample, tmp_path, monkeypatch):
    monkeypatch.setattr(DecisionTable, "BLOCK", SMALL_BLOCK)
    _, series = sample
    for result in series.results:
        compact, rows = _tables(result.book, result.entities, result.year, BlockSpool(tmp_path))
        assert compact.given_tags() == rows.given_tags()
        assert list(tag_rows(compact.given())) == list(tag_rows(rows.given())) == list(result.tag_rows())
        compact.forget_given_tags()
        assert compact.given_tags() == rows.given_tags()  # gathered again from the compact outcomes
        tables = compact.tag_tables()
        for item in compact.items():
            decisions = compact.expand(item)
            given = tuple(sorted(((row[5], row[3], row[2]) for row in decisions if row[6]), key=lambda t: t[0]))
            assert tables[item[2]][item[3]] == given  # the mask's tags as its rows give them


@pytest.mark.parametrize("rows_for", [(), ("ukm",)], ids=["compact", "mixed"])
def test_tags_csv_handed_over_in_blocks_and_the_run_record_are_those_of_the_rows(sample, tmp_path, monkeypatch,
                                                                                  rows_for):
    """Three years, the decisions pickled across many spool blocks (with one type as rows, too):
    tags.csv written here and by another process from the handed-over blocks, and run.sqlite, are
    those the rows give."""
    monkeypatch.setattr(DecisionTable, "BLOCK", SMALL_BLOCK)
    _, series = sample
    compact, rows = _compact_series(series, BlockSpool(tmp_path), rows_for)
    kinds = {len(item) for result in compact.results for item in result.decisions.items()}
    assert kinds == ({COMPACT, 8} if rows_for else {COMPACT})
    folders = {name: tmp_path / name / "run" for name in ("rows", "here", "there")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    write_tags(rows, folders["rows"])
    write_tags(compact, folders["here"])
    handed = hand_over_decisions(compact, folders["there"])
    write_tags_from(handed, folders["there"])
    written = (folders["rows"] / "tags.csv").read_bytes()
    assert len(written.splitlines()) > 20
    assert (folders["here"] / "tags.csv").read_bytes() == written
    assert (folders["there"] / "tags.csv").read_bytes() == written

    plans = []
    planned = writer._Outcomes._plan
    monkeypatch.setattr(writer._Outcomes, "_plan", lambda self, year, outcome: plans.append(1) or planned(self, year, outcome))
    write_run_record(rows, folders["rows"], SAMPLES)
    assert not plans
    write_run_record(compact, folders["here"], SAMPLES)
    masks = {(result.year, item[2], item[3]) for result in compact.results for item in result.decisions.items()
             if len(item) == COMPACT}
    assert len(plans) == len(masks)  # once per year, tree and mask, not per entity
    assert _dump(folders["here"]) == _dump(folders["rows"])


def _dump(folder: Path) -> list[str]:
    db = sqlite3.connect(folder / "run.sqlite")
    try:
        return [line for line in db.iterdump() if not line.startswith('INSERT INTO "run" ')] + \
            [repr(row[1:6]) for row in db.execute("SELECT * FROM run")]
    finally:
        db.close()


def test_the_parent_keeps_the_workers_outcomes_without_making_rows(sample, monkeypatch):
    """Taking an answer makes no rows, nor do the tags given: rows are made when read."""
    from engine.lean_evaluate import OutcomeTree

    result = sample[1].last
    made = []
    rows = OutcomeTree.rows

    def counted(self, entity_type, entity_id, year, mask, found, share=None):
        if share is None:  # not the single-process path's rows (made to be kept, shared)
            made.append(entity_id)
        return rows(self, entity_type, entity_id, year, mask, found, share)

    monkeypatch.setattr(OutcomeTree, "rows", counted)
    compact, _ = _tables(result.book, result.entities, result.year)
    compact.given_tags()
    list(tag_rows(compact.given()))
    compact.forget_given_tags()
    compact.given_tags()
    assert not made
    list(compact.rows())
    assert len(made) == sum(1 for _ in compact.items())


@pytest.mark.parametrize("rows_for", [(), ("ukm",)], ids=["compact", "mixed"])
def test_the_record_takes_compact_outcomes_a_batch_at_a_time_as_it_would_one_by_one(sample, tmp_path, monkeypatch,
                                                                                    rows_for):
    """Small batches (plans and citations first met in many of them, three years): the record of
    compact outcomes written a batch of entities at a time is the record the rows give, keys numbered alike."""
    _, series = sample
    compact, rows = _compact_series(series, BlockSpool(tmp_path), rows_for)
    monkeypatch.setattr(writer, "BATCH", 7)
    for name, run in (("rows", rows), ("compact", compact)):
        (tmp_path / name).mkdir()
        write_run_record(run, tmp_path / name, SAMPLES)
    assert _dump(tmp_path / "compact") == _dump(tmp_path / "rows")


def test_the_record_refuses_compact_evidence_naming_another_entitys_row(sample, tmp_path):
    """Taken together or one by one, a compact outcome's evidence must name the entity's own rows."""
    _, series = sample
    compact, _ = _compact_series(series, BlockSpool(tmp_path))
    last = compact.last
    moved = rat_rows_of_the_next_koperasi(last)
    broken = SeriesResult((*compact.results[:-1], replace(last, owners=moved)), compact.started, compact.finished)
    with pytest.raises(ValueError, match="bukan baris tabel rat milik entitas ini"):
        write_run_record(broken, tmp_path, SAMPLES)

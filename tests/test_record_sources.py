"""The record's source rows and outcomes built beside it by the output stage's other process
(engine.runstore.sources): the same rows the record's own transaction makes, copied in so that run.sqlite
is the same file."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from engine.cli import known_failure
from engine.outputs import run as output_run
from engine.outputs.files import hand_over_decisions
from engine.outputs.run import execute_series
from engine.pipeline import SeriesResult, run_series
from engine.processes import OtherProcessFailed, answer_told, process_pool
from engine.runstore import sources, writer
from engine.runstore.schema import SOURCE_PREFIX
from engine.runstore.writer import OUTCOME_TABLES, RecordParts, SourceRows, SourceRowsError, write_run_record
from tests.support import RULES, SAMPLES, traced_statements

CASES = {"jatim 2024": ("jatim", (2024,), 0), "jambi 2024": ("jambi", (2024,), 0),
         "jatim 2022-2024": ("jatim", (2022, 2023, 2024), 0),
         # evaluated by workers: compact outcomes, whose trees go to the other process with the record's parts
         "jatim 2023-2024, 2 workers": ("jatim", (2023, 2024), 2)}


@pytest.fixture(scope="module", params=list(CASES))
def case(request, tmp_path_factory):
    profile, years, workers = CASES[request.param]
    data = SAMPLES / profile
    spool = tmp_path_factory.mktemp("spool")
    series = run_series(data=data, profile_id=profile, years=years, rules=RULES, spool_dir=spool, workers=workers)
    assert all(result.decisions.trees for result in series.results) == (workers > 1)
    return series, data


def source_rows(path: Path) -> dict[str, list[tuple]]:
    """The source rows and outcome tables of a record or side file (those the other process builds)."""
    db = sqlite3.connect(path)
    try:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? "
                                                 "ORDER BY name", (SOURCE_PREFIX + "%",))]
        return {table: db.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2, 3').fetchall()
                for table in [*tables, *OUTCOME_TABLES]}
    finally:
        db.close()


def whole_record(series, data, folder: Path) -> Path:
    """The record as made in one process, its source rows in its own transaction."""
    out = folder / "out"  # the same folder name (the run id) for every record compared
    out.mkdir(parents=True)
    return write_run_record(series, out, data)


def built_beside(series, folder: Path, parts: RecordParts | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    facts = sources.hand_over_facts(series, folder)
    decisions = hand_over_decisions(series, folder)
    side = sources.side_path(folder)
    try:
        sources.build_sources(facts, decisions, parts or RecordParts.of(series), side)
    finally:
        assert not facts.exists() and not decisions.path.exists()  # the hand-overs are removed once read
    return side


def test_the_side_files_rows_are_those_the_record_made_in_its_transaction(case, tmp_path):
    series, data = case
    record = whole_record(series, data, tmp_path / "whole")
    expected = source_rows(record)
    assert sum(map(len, expected.values())) > 0
    assert all(expected[table] for table in OUTCOME_TABLES)
    assert {year for year, *_ in expected["outcome"]} == set(series.years)
    assert source_rows(built_beside(series, tmp_path / "side")) == expected


def test_an_outcome_that_cannot_be_made_beside_fails_there_and_leaves_no_side_file(tmp_path):
    series = run_series(data=SAMPLES / "jatim", profile_id="jatim", years=(2024,), rules=RULES, spool_dir=tmp_path)
    tmp_path = tmp_path / "out"
    for group in series.last.entities.values():  # facts without the rows the evidence cites
        for entity in group:
            entity.fact_rows = list(entity.fact_rows)[:1]
    with pytest.raises(ValueError, match=r"bukti \w+:\d+ bukan baris tabel \w+ milik entitas ini"):
        built_beside(series, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_record_with_the_rows_copied_in_holds_the_same_rows(case, tmp_path):
    series, data = case
    whole = whole_record(series, data, tmp_path / "whole")
    side = built_beside(series, tmp_path / "side")
    waited = []
    out = tmp_path / "copied" / "out"
    out.mkdir(parents=True)
    copied = write_run_record(series, out, data, sources=SourceRows(side, lambda: waited.append(True)))
    assert waited == [True]
    # the same schema and rows (not the same bytes: the file is not copied packed, its pages are
    # laid out in the order the rows came in)
    assert _dump(copied) == _dump(whole) and len(_dump(whole)) > 100


def _dump(path):
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def test_facts_not_in_the_spool_are_handed_over_in_parts(tmp_path, monkeypatch):
    series = run_series(data=SAMPLES / "jatim", profile_id="jatim", years=(2024,), rules=RULES, spool_dir=tmp_path)
    expected = source_rows(whole_record(series, SAMPLES / "jatim", tmp_path / "whole"))
    for group in series.last.entities.values():
        for entity in group:
            entity.fact_rows = list(entity.fact_rows)
    monkeypatch.setattr(sources, "PART", 3)
    assert source_rows(built_beside(series, tmp_path / "side")) == expected


def test_the_main_process_of_a_large_run_makes_no_source_row(tmp_path, monkeypatch):
    made = []
    add = writer.SourceRowsBuilder.add

    def counted(builder, key, facts):
        made.extend(table for table in builder.routes if any(fact[0] == table for fact in facts))
        add(builder, key, facts)

    monkeypatch.setattr(writer.SourceRowsBuilder, "add", counted)
    outcomes = []
    add_outcome = writer.OutcomeTables.add
    monkeypatch.setattr(writer.OutcomeTables, "add", lambda tables, *entity: (outcomes.append(entity[:3]),
                                                                             add_outcome(tables, *entity)))
    years = (2023, 2024)
    execute_series(SAMPLES / "jatim", "jatim", years, tmp_path / "small", RULES)
    assert made and outcomes  # the small run makes them here
    made.clear()
    outcomes.clear()
    monkeypatch.setattr(output_run, "WORKBOOK_ALONGSIDE_FROM", 0)  # the large run's way
    monkeypatch.setattr(output_run, "SOURCE_ROWS_ALONGSIDE_FROM", 0)
    execute_series(SAMPLES / "jatim", "jatim", years, tmp_path / "large", RULES)
    assert made == [] and outcomes == []
    assert source_rows(tmp_path / "large" / "run.sqlite") == source_rows(tmp_path / "small" / "run.sqlite")
    monkeypatch.setattr(output_run, "SOURCE_ROWS_ALONGSIDE_FROM", 10**9)  # the balance moved back: made here
    execute_series(SAMPLES / "jatim", "jatim", years, tmp_path / "balanced", RULES)
    assert made and outcomes
    files = {name: sorted(path.name for path in (tmp_path / name / "current").resolve().iterdir())
             for name in ("small", "large", "balanced")}
    assert files["large"] == files["small"] == files["balanced"]  # no scratch file of the other process published
    assert source_rows(tmp_path / "balanced" / "run.sqlite") == source_rows(tmp_path / "small" / "run.sqlite")


@pytest.mark.parametrize("side_content", [b"bukan sqlite " * 400, None])
def test_a_failed_copy_is_reported_and_leaves_no_record(case, tmp_path, side_content):
    series, data = case
    side = tmp_path / "side.sqlite"
    if side_content is None:  # an SQLite file without the tables
        sqlite3.connect(side).execute("CREATE TABLE other (x)").connection.close()
    else:
        side.write_bytes(side_content)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(SourceRowsError, match="keputusan dari side.sqlite tidak dapat disalin ke catatan run"):
        write_run_record(series, out, data, sources=SourceRows(side, lambda: None))
    assert list(out.iterdir()) == []  # neither the record nor its scratch files


def test_a_failure_in_the_other_process_is_reported_plainly(case, tmp_path):
    series, _ = case
    facts = tmp_path / "facts.tmp"
    facts.write_bytes(b"not a pickle")
    decisions = hand_over_decisions(series, tmp_path)
    side = sources.side_path(tmp_path)
    with process_pool(1) as pool:
        future = pool.submit(sources.build_sources, facts, decisions, RecordParts.of(series), side)
        with pytest.raises(OtherProcessFailed, match="baris sumber dan keputusan catatan run tidak dapat ditulis di "
                                                     "proses lain: UnpicklingError") as raised:
            answer_told(future, sources.BUILT_BESIDE)
    assert list(tmp_path.iterdir()) == []  # neither the side file nor the hand-overs
    exit_ = known_failure(raised.value)
    assert exit_ is not None and exit_.exit_code == 1


def test_decisions_out_of_order_beside_the_record_are_reported_plainly(case, tmp_path):
    series, _ = case
    # the entities (their facts with them) in the reverse order, the decisions in the run's
    reversed_ = replace(series.last, entities={kind: group[::-1] for kind, group in series.last.entities.items()})
    reordered = SeriesResult((*series.results[:-1], reversed_), series.started, series.finished)
    facts, decisions = sources.hand_over_facts(reordered, tmp_path), hand_over_decisions(series, tmp_path)
    side = sources.side_path(tmp_path)
    with process_pool(1) as pool:
        future = pool.submit(sources.build_sources, facts, decisions, RecordParts.of(reordered), side)
        with pytest.raises(OtherProcessFailed, match=r"baris sumber dan keputusan catatan run tidak dapat ditulis di "
                                                     r"proses lain: ValueError: keputusan \w+ \S+ tahun \d+ tidak "
                                                     "dalam urutan entitas run") as raised:
            answer_told(future, sources.BUILT_BESIDE)
    assert list(tmp_path.iterdir()) == []
    exit_ = known_failure(raised.value)
    assert exit_ is not None and exit_.exit_code == 1


def test_tags_written_by_the_other_process_and_failing_there_are_reported_plainly(tmp_path):
    from engine.outputs.files import HandedOver, write_tags_from

    handed_over = tmp_path / "decisions.tmp"
    handed_over.write_bytes(b"not a pickle")
    with process_pool(1) as pool:
        future = pool.submit(write_tags_from, HandedOver(handed_over, (0,)), tmp_path)
        with pytest.raises(OtherProcessFailed, match="tags.csv tidak dapat ditulis di proses lain: UnpicklingError"):
            answer_told(future, "tags.csv")
    assert not (tmp_path / "tags.csv").exists() and not handed_over.exists()


def test_the_indexes_are_built_before_the_side_file_is_waited_for(case, tmp_path, monkeypatch):
    # what the record's own rows need (the indexes, the names' index) is built while the other
    # process may still be building its rows, and so is the sample frame (from the tags given, not
    # from the outcomes that process builds): only the copy of its rows waits for them
    series, data = case
    side = built_beside(series, tmp_path / "side")
    statements = traced_statements(monkeypatch)
    out = tmp_path / "copied" / "out"
    out.mkdir(parents=True)
    write_run_record(series, out, data, sources=SourceRows(side, lambda: statements.append("-- waited")))
    statements = [statement.strip() for statement in statements]
    waited = statements.index("-- waited")
    assert statements.index("CREATE INDEX entity_id ON entity (entity_id)") < waited
    assert statements.index("INSERT INTO entity_name (entity_name) VALUES ('rebuild')") < waited
    assert waited < next(index for index, statement in enumerate(statements) if statement.startswith("ATTACH"))
    assert next(index for index, statement in enumerate(statements)
                if statement.startswith('INSERT INTO "stratum_member"')) < waited

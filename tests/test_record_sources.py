"""The record's source rows built beside it by the output stage's other process (engine.runstore.sources):
the same rows the record's own transaction makes, copied in so that run.sqlite is the same file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from engine.cli import known_failure
from engine.outputs import run as output_run
from engine.outputs.run import execute_series
from engine.pipeline import run_series
from engine.processes import OtherProcessFailed, answer_told, process_pool
from engine.runstore import sources, writer
from engine.runstore.schema import SOURCE_PREFIX
from engine.runstore.writer import SourceRows, SourceRowsError, record_layouts, write_run_record
from tests.support import RULES, SAMPLES

CASES = {"jatim 2024": ("jatim", (2024,)), "jambi 2024": ("jambi", (2024,)), "jatim 2022-2024": ("jatim", (2022, 2023, 2024))}


@pytest.fixture(scope="module", params=list(CASES))
def case(request, tmp_path_factory):
    profile, years = CASES[request.param]
    data = SAMPLES / profile
    spool = tmp_path_factory.mktemp("spool")
    return run_series(data=data, profile_id=profile, years=years, rules=RULES, spool_dir=spool), data


def source_rows(path: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(path)
    try:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? "
                                                 "ORDER BY name", (SOURCE_PREFIX + "%",))]
        return {table: db.execute(f'SELECT * FROM "{table}" ORDER BY entity, row').fetchall() for table in tables}
    finally:
        db.close()


def whole_record(series, data, folder: Path) -> Path:
    """The record as made in one process, its source rows in its own transaction."""
    out = folder / "out"  # the same folder name (the run id) for every record compared
    out.mkdir(parents=True)
    return write_run_record(series, out, data)


def built_beside(series, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    facts = sources.hand_over_facts(series, folder)
    side = sources.side_path(folder)
    sources.build_sources(facts, record_layouts(series), side)
    assert not facts.exists()  # the hand-over is removed once read
    return side


def test_the_side_files_rows_are_those_the_record_made_in_its_transaction(case, tmp_path):
    series, data = case
    record = whole_record(series, data, tmp_path / "whole")
    expected = source_rows(record)
    assert sum(map(len, expected.values())) > 0
    assert source_rows(built_beside(series, tmp_path / "side")) == expected


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
    execute_series(SAMPLES / "jatim", "jatim", (2024,), tmp_path / "small", RULES)
    assert made  # the small run makes them here
    made.clear()
    monkeypatch.setattr(output_run, "WORKBOOK_ALONGSIDE_FROM", 0)  # the large run's way
    monkeypatch.setattr(output_run, "SOURCE_ROWS_ALONGSIDE_FROM", 0)
    execute_series(SAMPLES / "jatim", "jatim", (2024,), tmp_path / "large", RULES)
    assert made == []
    assert source_rows(tmp_path / "large" / "run.sqlite") == source_rows(tmp_path / "small" / "run.sqlite")
    monkeypatch.setattr(output_run, "SOURCE_ROWS_ALONGSIDE_FROM", 10**9)  # the balance moved back: made here
    execute_series(SAMPLES / "jatim", "jatim", (2024,), tmp_path / "balanced", RULES)
    assert made
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
    with pytest.raises(SourceRowsError, match="side.sqlite tidak dapat disalin ke catatan run"):
        write_run_record(series, out, data, sources=SourceRows(side, lambda: None))
    assert list(out.iterdir()) == []  # neither the record nor its scratch files


def test_a_failure_in_the_other_process_is_reported_plainly(case, tmp_path):
    series, _ = case
    facts = tmp_path / "facts.tmp"
    facts.write_bytes(b"not a pickle")
    side = sources.side_path(tmp_path)
    with process_pool(1) as pool:
        future = pool.submit(sources.build_sources, facts, record_layouts(series), side)
        with pytest.raises(OtherProcessFailed, match="baris sumber catatan run tidak dapat ditulis di proses lain: "
                                                     "UnpicklingError") as raised:
            answer_told(future, "baris sumber catatan run")
    assert not side.exists() and not facts.exists()
    exit_ = known_failure(raised.value)
    assert exit_ is not None and exit_.exit_code == 1


def test_tags_written_by_the_other_process_and_failing_there_are_reported_plainly(tmp_path):
    from engine.outputs.files import write_tags_from

    handed_over = tmp_path / "decisions.tmp"
    handed_over.write_bytes(b"not a pickle")
    with process_pool(1) as pool:
        future = pool.submit(write_tags_from, handed_over, tmp_path)
        with pytest.raises(OtherProcessFailed, match="tags.csv tidak dapat ditulis di proses lain: UnpicklingError"):
            answer_told(future, "tags.csv")
    assert not (tmp_path / "tags.csv").exists() and not handed_over.exists()

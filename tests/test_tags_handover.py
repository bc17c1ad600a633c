"""tags.csv written by another process from the decisions as the run's spool holds them is the run's tags.csv."""

from __future__ import annotations

from dataclasses import replace

from engine.decisions import DecisionTable
from engine.outputs.files import hand_over_decisions, handed_over_years, write_tags, write_tags_from
from engine.pipeline import SeriesResult, run_series
from engine.spool import BlockSpool
from tests.support import RULES, SAMPLES


def test_tags_from_the_handed_over_decisions_are_the_runs_tags(tmp_path, monkeypatch):
    series = run_series(SAMPLES / "jatim", "jatim", (2022, 2023, 2024), RULES)
    monkeypatch.setattr(DecisionTable, "BLOCK", 50)  # many blocks in the spool, the rest held in memory
    spool = BlockSpool(tmp_path)
    spooled = SeriesResult(tuple(replace(result, decisions=DecisionTable(result.decisions.rows(), spool))
                                 for result in series.results), series.started, series.finished)
    assert all(result.decisions.spooled for result in spooled.results)
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    write_tags(series, tmp_path / "here")
    handed = hand_over_decisions(spooled, tmp_path / "there")
    write_tags_from(handed, tmp_path / "there")
    assert not handed.path.exists()
    written = (tmp_path / "there" / "tags.csv").read_bytes()
    assert written == (tmp_path / "here" / "tags.csv").read_bytes()
    assert len(written.splitlines()) > 3 * 20


def test_the_handed_over_decisions_are_read_year_by_year_side_by_side(tmp_path, monkeypatch):
    series = run_series(SAMPLES / "jatim", "jatim", (2022, 2023, 2024), RULES)
    monkeypatch.setattr(DecisionTable, "BLOCK", 50)
    spool = BlockSpool(tmp_path)
    spooled = SeriesResult(tuple(replace(result, decisions=DecisionTable(result.decisions.rows(), spool))
                                 for result in series.results), series.started, series.finished)
    handed = hand_over_decisions(spooled, tmp_path)
    assert len(handed.starts) == 3
    with handed_over_years(handed) as years:
        # one item from each year in turn, as the record takes an entity's decisions of every year
        read = [[] for _ in years]
        while any(step := [next(items, None) for items in years]):
            for kept, item in zip(read, step):
                if item is not None:
                    kept.append(item)
    assert read == [list(result.decisions.items()) for result in series.results]
    assert all(len(items) > 3 * 50 for items in read)

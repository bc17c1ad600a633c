"""What the pipeline starts early: the first year's rules workers while the data is still read
(``WorkersAhead``), once the entity tables read so far make the run one for several processes (a run
the data stops ends them); and the outputs that read no indicator, told every year's decisions before
the last year's indicators are counted (``run_series(decided=…)``)."""

from __future__ import annotations

import multiprocessing
from contextlib import ExitStack

import pytest

from engine import parallel, pipeline
from engine.ingest.dataset import Dataset, DataError
from engine.pipeline import WorkersAhead, run_series
from engine.rules.compiler import CompileError
from engine.rules.load import load_rulebook
from tests.support import RULES, SAMPLES, koperasi, nik, write_tables


def read_so_far(count: int) -> Dataset:
    return Dataset(records={"koperasi": [object()] * count}, rejects=[], counts=[], sources=[])


@pytest.fixture(scope="module")
def book():
    return load_rulebook(RULES)


def test_workers_start_once_the_entities_read_make_a_large_run(book, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10)
    with ExitStack() as stack:
        ahead = WorkersAhead(stack, book, 2024, workers=0)
        ahead.read(read_so_far(9))
        assert ahead.pool is None  # not yet: one process would do
        ahead.read(read_so_far(10))
        assert ahead.pool is not None
        assert ahead.pool.submit(sum, [1, 2]).result(timeout=60) == 3  # started, with the rules folder loaded
        first = ahead.pool
        ahead.read(read_so_far(20))
        assert ahead.pool is first  # started once
    assert multiprocessing.active_children() == []  # ended with the stack


def test_no_workers_start_for_a_run_in_one_process(book):
    with ExitStack() as stack:
        ahead = WorkersAhead(stack, book, 2024, workers=1)
        ahead.read(read_so_far(1_000_000))
        assert ahead.pool is None


def test_workers_asked_for_start_with_the_first_table(book):
    with ExitStack() as stack:
        ahead = WorkersAhead(stack, book, 2024, workers=2)
        ahead.read(read_so_far(1))
        assert ahead.pool is not None


def test_data_refused_after_the_workers_started_ends_them(tmp_path, monkeypatch):
    started = []
    pool = pipeline.worker_pool
    monkeypatch.setattr(pipeline, "worker_pool", lambda *given: started.append(given) or pool(*given))
    rows = [koperasi(nik(index)) for index in range(20)]
    data = write_tables(tmp_path / "data", {"koperasi": rows, "rat": [{"nik": nik(0)}]})  # rat without tanggal_rat
    with pytest.raises(DataError, match="tanggal_rat"):
        run_series(data=data, profile_id="jatim", years=(2024,), rules=RULES, workers=2, spool_dir=tmp_path)
    assert len(started) == 1  # with koperasi read, before rat was refused
    assert multiprocessing.active_children() == []


def test_the_decisions_are_told_before_the_last_years_indicators(tmp_path, monkeypatch):
    told = []
    counted = pipeline.indicators_of

    def counting(*given, **named):
        told.append(("indicators", given[5]))
        return counted(*given, **named)

    monkeypatch.setattr(pipeline, "indicators_of", counting)
    series = run_series(data=SAMPLES / "jatim", profile_id="jatim", years=(2023, 2024), rules=RULES,
                        spool_dir=tmp_path, decided=told.append)
    assert len(told) == 3 and told[0] == ("indicators", 2023) and told[2] == ("indicators", 2024)
    decided = told[1]
    assert decided == series.decided
    assert decided.years == (2023, 2024) and [d is r.decisions for d, r in zip(decided.decisions, series.results)] == [True, True]


def test_no_workers_start_for_rules_that_do_not_compile(book, monkeypatch):
    def refused(*given):
        raise CompileError("aturan X: tidak dapat dikompilasi", "X")

    monkeypatch.setattr(parallel, "compile_ruleset", refused)
    with ExitStack() as stack:
        ahead = WorkersAhead(stack, book, 2024, workers=2)
        ahead.read(read_so_far(10))
        assert ahead.pool is None

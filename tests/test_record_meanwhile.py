"""Work the caller does while the record's last statements run (``write_run_record(meanwhile=…)``): the
output stage writes report.html there, on the other core, since SQLite lets go of Python's lock while it
builds an index or copies the source rows in."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from engine.pipeline import run_series
from engine.runstore import writer
from engine.runstore.schema import INDEXES
from engine.runstore.writer import write_run_record
from tests.support import RULES, SAMPLES


@pytest.fixture(scope="module")
def jatim(tmp_path_factory):
    return run_series(data=SAMPLES / "jatim", profile_id="jatim", years=(2024,), rules=RULES,
                      spool_dir=tmp_path_factory.mktemp("spool"))


def test_the_work_runs_while_the_indexes_are_built(jatim, tmp_path, monkeypatch):
    indexing, done = threading.Event(), threading.Event()
    script = writer._script

    def watched(db, statements):
        if statements is INDEXES:
            indexing.set()
            assert done.wait(10), "the work beside the record did not run while its indexes were built"
        script(db, statements)

    def work():
        assert indexing.wait(10), "the work beside the record started only after its last statements"
        assert threading.current_thread() is not threading.main_thread()
        done.set()

    monkeypatch.setattr(writer, "_script", watched)
    record = write_run_record(jatim, tmp_path, SAMPLES / "jatim", meanwhile=work)
    assert done.is_set()
    assert sqlite3.connect(record).execute("SELECT count(*) FROM entity").fetchone()[0] > 0


def test_a_failure_of_the_work_leaves_no_record(jatim, tmp_path):
    def work():
        raise RuntimeError("halaman gagal")

    with pytest.raises(RuntimeError, match="halaman gagal"):
        write_run_record(jatim, tmp_path, SAMPLES / "jatim", meanwhile=work)
    assert list(tmp_path.iterdir()) == []


def test_a_failure_of_the_record_waits_for_the_work(jatim, tmp_path, monkeypatch):
    finished = threading.Event()

    def work():
        finished.wait(0.2)
        finished.set()

    script = writer._script

    def broken(db, statements):
        if statements is INDEXES:
            raise sqlite3.OperationalError("disk penuh")
        script(db, statements)

    monkeypatch.setattr(writer, "_script", broken)
    with pytest.raises(sqlite3.OperationalError):
        write_run_record(jatim, tmp_path, SAMPLES / "jatim", meanwhile=work)
    assert finished.is_set()  # not left running behind a failed run
    assert list(tmp_path.iterdir()) == []

"""From a folder of CSV files the next table is read and parsed while this one is checked: the same
data set, the same errors in the same order; a folder larger than the limit is read a table at a time."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from engine.ingest import dataset as ingest
from engine.ingest.dataset import DataError, load_dataset
from tests.support import koperasi, nik, write_tables

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
WAIT = 10.0  # seconds a check waits to see the next table's reading start: far more than it takes


class Reading:
    """Per table, an event set when its cells start being read; per table checked, whether the next
    table's reading had started while it was checked (waited for up to ``wait`` seconds)."""

    ORDER = ("koperasi", "ukm")

    def __init__(self) -> None:
        self.started: dict[str, threading.Event] = {}
        self.seen: dict[str, bool] = {}
        self.wait = WAIT

    def started_of(self, table: str) -> threading.Event:
        return self.started.setdefault(table, threading.Event())

    def checking(self, table: str) -> None:
        if table in self.ORDER[:-1]:
            self.seen[table] = self.started_of(self.ORDER[self.ORDER.index(table) + 1]).wait(self.wait)


@pytest.fixture
def reading(monkeypatch) -> Reading:
    watched = Reading()
    real_cells, real_check = ingest._table_cells, ingest.check_table

    def cells(model, source):
        watched.started_of(model.table).set()
        return real_cells(model, source)

    def check(model, cells, checker, *args):
        watched.checking(model.table)
        return real_check(model, cells, checker, *args)

    monkeypatch.setattr(ingest, "_table_cells", cells)
    monkeypatch.setattr(ingest, "check_table", check)
    return watched


def test_the_next_table_is_read_while_this_one_is_checked(reading):
    load_dataset(SAMPLES / "jatim")
    assert reading.seen == {"koperasi": True}


def test_a_folder_larger_than_the_limit_is_read_a_table_at_a_time(reading, monkeypatch):
    monkeypatch.setattr(ingest, "READ_AHEAD_BYTES", 0)
    reading.wait = 0.5  # had it been started, the next table's reading would have started by now
    load_dataset(SAMPLES / "jatim")
    assert reading.seen == {"koperasi": False}


@pytest.mark.parametrize("sample", ["jatim", "jambi"])
def test_reading_ahead_gives_the_data_set_of_reading_in_turn(sample, monkeypatch):
    ahead = load_dataset(SAMPLES / sample)
    monkeypatch.setattr(ingest, "READ_AHEAD_BYTES", 0)
    in_turn = load_dataset(SAMPLES / sample)
    assert ahead.rejects == in_turn.rejects
    assert ahead.counts == in_turn.counts
    assert ahead.records == in_turn.records
    assert ahead.absent == in_turn.absent


def test_a_later_table_read_ahead_refused_is_refused_after_the_tables_before_it(tmp_path, monkeypatch):
    """A table read ahead that cannot be read raises when its turn comes: a table before it that is
    refused (a stray extra file is read in its own turn) is named first, as reading in turn names it."""
    data = write_tables(tmp_path, {"koperasi": [koperasi(nik(1))], "ukm": [{"nib": "1", "nama": "x"}]})
    with pytest.raises(DataError, match="ukm.csv: kolom wajib tidak ada: kode_wilayah"):
        load_dataset(data)
    (data / "koperasi.csv").write_text("nama\nKoperasi tanpa NIK\n", encoding="utf-8")
    with pytest.raises(DataError, match="koperasi.csv: kolom wajib tidak ada: nik"):
        load_dataset(data)

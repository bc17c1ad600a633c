"""Work handed to other processes: the same result as in this one, and a clear stop when one dies."""

import os

import pytest

from engine.durable_host import EngineError
from engine.processes import answer_of, process_pool


def test_a_process_that_dies_stops_the_run_with_a_message():
    with process_pool(1) as pool:
        died = pool.submit(os._exit, 9)
        with pytest.raises(EngineError, match="proses pekerja berhenti tanpa jawaban"):
            answer_of(died)


def test_an_error_in_another_process_reaches_this_one(tmp_path):
    with process_pool(1) as pool:
        with pytest.raises(FileNotFoundError):
            answer_of(pool.submit(open, tmp_path / "absent"))

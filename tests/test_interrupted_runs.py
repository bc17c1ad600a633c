"""Interrupted and concurrent runs never leave mixed or half-written outputs."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import REPO, SAMPLES

IKU = [sys.executable, "-c", "from engine.cli import main; main()"]


@pytest.fixture(scope="module")
def big_data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    subprocess.run([sys.executable, str(SAMPLES / "generate.py"), "--profile", "jatim", "--koperasi", "1700",
                    "--ukm", "1700", "--peserta", "250", "--seed", "3", "--format", "csv", "--out", str(folder)],
                   check=True, capture_output=True)
    return folder


def descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        children = subprocess.run(["pgrep", "-P", str(queue.pop())], capture_output=True, text=True).stdout.split()
        found += [int(child) for child in children]
        queue += children
    return found


def all_gone(pids: list[int], wait: float = 10.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not [pid for pid in pids if os.path.exists(f"/proc/{pid}")]:
            return True
        time.sleep(0.3)
    return False


def iku_run(data: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([*IKU, "run", "--data", str(data), "--profile", "jatim", "--year", "2024", "--out", str(out)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_killed_run_leaves_the_previous_complete_outputs(big_data, tmp_path):
    out = tmp_path / "out"
    first = iku_run(big_data, out)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    before = (out / "indicators.json").read_bytes()
    files = sorted(path.name for path in out.iterdir())
    second = iku_run(big_data, out)
    time.sleep(3)
    workers = descendants(second.pid)
    second.send_signal(signal.SIGKILL)
    second.wait(timeout=30)
    assert (out / "indicators.json").read_bytes() == before
    json.loads(before)
    assert workers and all_gone(workers), "a worker of the killed run lives on"
    leftovers = [path.name for path in out.iterdir() if path.name.endswith(".tmp")]
    assert sorted(path.name for path in out.iterdir() if not path.name.endswith(".tmp")) == files
    assert all(name.startswith(".") for name in leftovers)  # never a final name
    third = iku_run(big_data, out)
    assert third.wait(timeout=300) == 0, third.stderr.read()
    assert (out / "indicators.json").read_bytes() == before


def test_two_runs_into_one_folder_at_once_get_a_clear_error(big_data, tmp_path):
    out = tmp_path / "out"
    first = iku_run(big_data, out)
    time.sleep(1.5)
    second = iku_run(big_data, out)
    assert second.wait(timeout=60) == 2
    assert "sedang dipakai oleh run lain" in second.stderr.read()
    assert first.wait(timeout=300) == 0
    assert os.path.exists(out / "indicators.json")

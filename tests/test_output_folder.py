"""The output folder: runs in runs/<id>, switched in through DIR/current; a failed run changes nothing;
nothing planted in the folder is followed."""

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from engine.ingest.readers import DataError
from engine.outputs import run as run_outputs
from engine.outputs.folder import CURRENT, OUTPUT_NAMES, RUNS
from engine.outputs.lock import LOCK_NAME
from engine.outputs.run import execute_run
from tests.support import RULES, named_koperasi, write_tables


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_tables(tmp_path_factory.mktemp("data"), named_koperasi(["Koperasi Satu", "Koperasi Dua"]))


def run_into(data: Path, out: Path):
    return execute_run(data, "jatim", 2024, out, RULES)


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_NAMES if (out / name).exists()}


def run_folders(out: Path) -> list[str]:
    return sorted(path.name for path in (out / RUNS).iterdir())


def test_a_run_lives_in_its_own_folder_and_every_name_links_into_the_current_one(data, tmp_path):
    out = tmp_path / "out"
    run_into(data, out)
    (only,) = run_folders(out)
    assert os.readlink(out / CURRENT) == f"{RUNS}/{only}"
    for name in OUTPUT_NAMES:
        assert os.readlink(out / name) == f"{CURRENT}/{name}"
        assert (out / RUNS / only / name).is_file()
    assert not [path.name for path in out.iterdir() if path.name.endswith(".tmp")]


def test_the_previous_run_is_kept_and_older_ones_are_removed(data, tmp_path):
    out = tmp_path / "out"
    made = []
    for _ in range(3):
        run_into(data, out)
        made.append(Path(os.readlink(out / CURRENT)).name)
    assert run_folders(out) == sorted(made[1:])


@pytest.mark.parametrize("writer", ["write_tags", "write_report_html", "write_run_record", "write_indicators"])
def test_a_run_that_fails_while_writing_leaves_the_previous_run_and_no_folder_of_its_own(data, tmp_path, monkeypatch,
                                                                                        writer):
    out = tmp_path / "out"
    run_into(data, out)
    before, folders = outputs(out), run_folders(out)

    def fails(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(run_outputs, writer, fails)
    with pytest.raises(sqlite3.OperationalError):
        run_into(data, out)
    assert outputs(out) == before
    assert run_folders(out) == folders
    assert (out / LOCK_NAME).read_text() == ""


def test_outputs_written_straight_into_the_folder_stay_whole_until_the_new_run_replaces_them(data, tmp_path,
                                                                                               monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    legacy = {name: f"run lama: {name}\n".encode() for name in OUTPUT_NAMES}
    for name, content in legacy.items():
        (out / name).write_bytes(content)
    monkeypatch.setattr(run_outputs, "write_indicators", lambda *args: (_ for _ in ()).throw(OSError("penuh")))
    with pytest.raises(OSError):
        run_into(data, out)
    assert outputs(out) == legacy  # taken over as a run of its own, shown unchanged
    monkeypatch.undo()
    run_into(data, out)
    assert outputs(out)["indicators.json"].startswith(b"{")


@pytest.mark.parametrize("name", [*OUTPUT_NAMES, LOCK_NAME, CURRENT])
def test_a_link_planted_under_a_name_in_the_folder_is_replaced_never_written_through(data, tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_bytes(b"tidak boleh berubah\n")
    (out / name).symlink_to(victim)
    run_into(data, out)
    assert victim.read_bytes() == b"tidak boleh berubah\n"
    if name == LOCK_NAME:
        assert not (out / name).is_symlink()
    else:  # now a link iku made, into the run it wrote
        assert Path(os.readlink(out / name)).parts[0] in (CURRENT, RUNS)
    assert (out / "indicators.json").read_bytes().startswith(b"{")


def test_a_planted_link_to_a_folder_under_an_output_name_is_not_written_into(data, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.mkdir()
    for name in OUTPUT_NAMES:
        (out / name).symlink_to(victim)
    run_into(data, out)
    assert not list(victim.iterdir())


def test_a_runs_entry_that_is_not_ikus_own_folder_is_refused_and_not_followed(data, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "20250101T000000Z-0badc0de").mkdir()  # named like a run: still not removed
    (out / RUNS).symlink_to(victim)
    with pytest.raises(DataError, match="bukan folder yang dibuat iku"):
        run_into(data, out)
    assert [path.name for path in victim.iterdir()] == ["20250101T000000Z-0badc0de"]


def test_a_link_planted_in_runs_is_removed_as_a_link(data, tmp_path):
    out = tmp_path / "out"
    run_into(data, out)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "berkas").write_text("tetap")
    (out / RUNS / "20250101T000000Z-0badc0de").symlink_to(victim)
    run_into(data, out)
    assert (victim / "berkas").read_text() == "tetap"
    assert not (out / RUNS / "20250101T000000Z-0badc0de").is_symlink()


@pytest.mark.parametrize("plant", [os.mkfifo, os.mkdir])
def test_a_fifo_or_folder_planted_as_the_lock_file_is_refused_not_waited_on(data, tmp_path, plant):
    out = tmp_path / "out"
    out.mkdir()
    plant(out / LOCK_NAME)
    with pytest.raises(DataError, match="bukan berkas biasa"):
        run_into(data, out)


def test_a_folder_that_cannot_hold_links_is_refused_before_the_run_works(data, tmp_path, monkeypatch):
    def unsupported(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "symlink", unsupported)  # as on FAT or exFAT
    monkeypatch.setattr(run_outputs, "run_series", lambda **kwargs: pytest.fail("the run started"))
    with pytest.raises(DataError, match="tidak dapat memuat tautan simbolik"):
        run_into(data, tmp_path / "out")
    assert not list((tmp_path / "out" / RUNS).iterdir())


def test_a_run_missing_an_output_is_never_switched_to(data, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_into(data, out)
    before, folders = outputs(out), run_folders(out)
    monkeypatch.setattr(run_outputs, "write_rejects", lambda *args: None)  # as if written elsewhere
    with pytest.raises(DataError, match=r"tidak lengkap \(tidak ada rejects.csv\)"):
        run_into(data, out)
    assert outputs(out) == before
    assert run_folders(out) == folders

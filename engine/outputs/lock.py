"""One run at a time per output folder: an exclusive lock on ``DIR/.iku.lock``.

The operating system releases the lock when the process ends, however it ends, so a killed run
never blocks the next one. The file holds the running run's pid and is emptied when a run ends
normally: a pid found in it by the next run is that of a run that was killed, whose lock is taken
over with a message. The file is opened without following a link: a link planted under this name
is removed (it is never iku's), not written through.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from engine.ingest.readers import DataError
from engine.outputs.files import file_mode

LOCK_NAME = ".iku.lock"
logger = structlog.get_logger("iku.outputs")


class FolderBusy(DataError):
    """Another run writes into the same output folder (exit code 2)."""


@contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    handle = _open_lock(folder / LOCK_NAME)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusy(f"folder keluaran {folder} sedang dipakai oleh run lain ({_holder(handle)}); "
                             "tunggu sampai selesai atau pilih folder lain") from None
        _take_over(handle, folder)
        try:
            yield
        finally:
            os.ftruncate(handle, 0)  # ended normally: nothing left for the next run to take over
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _open_lock(path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    not_a_file = FolderBusy(f"{path} bukan berkas biasa; hapus lalu jalankan lagi")
    try:
        handle = os.open(path, flags, file_mode())
    except IsADirectoryError:
        raise not_a_file from None
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
        path.unlink()  # a symbolic link: removed itself, its target untouched
        handle = os.open(path, flags | os.O_EXCL, file_mode())
    if not stat.S_ISREG(os.fstat(handle).st_mode):  # a FIFO or device planted under the name
        os.close(handle)
        raise not_a_file
    return handle


def _recorded_pid(handle: int) -> int | None:
    text = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _holder(handle: int) -> str:
    pid = _recorded_pid(handle)
    return "pid ?" if pid is None else f"pid {pid}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def _take_over(handle: int, folder: Path) -> None:
    """Records this run's pid; says so when the lock was left by a run that did not end normally."""
    pid = _recorded_pid(handle)
    if pid is not None and pid != os.getpid():
        state = "tidak berjalan lagi" if not _alive(pid) else "pid-nya kini dipakai proses lain"
        logger.warning(f"kunci {folder / LOCK_NAME} ditinggalkan run yang terhenti (pid {pid}, {state}); "
                       "diambil alih")
    os.ftruncate(handle, 0)
    os.pwrite(handle, str(os.getpid()).encode("ascii"), 0)

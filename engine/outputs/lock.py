"""One run at a time per output folder: an exclusive lock on ``DIR/.iku.lock``.

The operating system releases the lock when the process ends, however it ends, so a killed run
never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.ingest.readers import DataError

LOCK_NAME = ".iku.lock"


class FolderBusy(DataError):
    """Another run writes into the same output folder (exit code 2)."""


@contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK_NAME).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise FolderBusy(f"folder keluaran {folder} sedang dipakai oleh run lain (pid {holder}); "
                             "tunggu sampai selesai atau pilih folder lain") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

"""The output folder holds one whole run, always: each run is written into a folder of its own and
switched in with one rename.

    DIR/runs/<id>/        every file of one run (and, while it runs, its spool and temporary files)
    DIR/current           symbolic link → runs/<id>, replaced in one step (``os.replace``) when a run is complete
    DIR/indicators.json   symbolic link → current/indicators.json, and so for each output name

A run writes into ``runs/<id>``, a folder it has just made (``mkdir`` fails if the name exists),
private (0700) while it is written, so no other user can plant anything in it. Only when every file is in
it and on disk does ``current`` change, so a reader of ``DIR/NAME`` sees the previous run whole
or the new one whole, however the run ends (SIGKILL, Ctrl-C, an exception). A failed run's folder is
removed; a killed run's is removed by the next run. The previous run is kept (a reader that had
resolved ``current`` reads on undisturbed); older ones are removed.

Nothing already in ``DIR`` is followed: names are made as a temporary link moved onto the name
(which replaces a planted link, never writes through it), ``runs`` must be a real folder, and
removal works on the entries of ``runs`` opened without following links. Output files that an
earlier iku wrote directly into ``DIR`` are first taken over as a run of their own (hard links),
so the switch to links never shows a mix either. The output names are made links before a run
starts its work: a folder that cannot hold links (FAT, exFAT) is refused at once.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from engine.ingest.readers import DataError
from engine.outputs.files import folder_mode

OUTPUT_NAMES = ("indicators.json", "tags.csv", "rejects.csv", "report.html", "report.xlsx", "run.sqlite",
                "audit.jsonl")
RUNS = "runs"
CURRENT = "current"
_RUN_NAME = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")  # only names iku makes are ever removed from runs/

logger = structlog.get_logger("iku.outputs")


class FolderUnusable(DataError):
    """An entry of the output folder that iku must not write through (exit code 2)."""


@contextmanager
def staged_run(out: Path) -> Iterator[Path]:
    """A fresh folder to write one whole run into; switched in when the block ends, removed if it fails.

    The caller holds the folder's lock (``output_lock``): no other run changes ``DIR`` meanwhile.
    """
    with _open(out) as folder:
        folder.adopt_unlinked_outputs()
        folder.link_outputs()  # before the run's work: a folder that cannot hold links is refused at once
        folder.prune(keep={folder.current()})
        staging = folder.new_run()
        try:
            yield out / RUNS / staging
        except BaseException:
            folder.discard(staging)
            raise
        folder.publish(staging)


@contextmanager
def _open(out: Path) -> Iterator[_RunFolder]:
    out.mkdir(parents=True, exist_ok=True)
    folder = _RunFolder(out)
    try:
        yield folder
    finally:
        folder.close()


def _open_directory(name: str, dir_fd: int, shown: Path) -> int:
    try:
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise FolderUnusable(f"{shown} bukan folder yang dibuat iku (tautan simbolik atau berkas); "
                                 "pindahkan atau hapus, atau pilih folder keluaran lain") from None
        raise


class _RunFolder:
    """``DIR`` and ``DIR/runs``, held open: every change is made relative to these two, never through a link."""

    def __init__(self, out: Path):
        self.path = out
        self.fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)  # DIR as named: the user's choice
        try:
            try:
                os.mkdir(RUNS, dir_fd=self.fd)
            except FileExistsError:
                pass
            self.runs = _open_directory(RUNS, self.fd, out / RUNS)
        except BaseException:
            os.close(self.fd)
            raise

    def close(self) -> None:
        os.close(self.runs)
        os.close(self.fd)

    def current(self) -> str | None:
        """The run ``current`` points to, if it is one of iku's."""
        try:
            target = os.readlink(CURRENT, dir_fd=self.fd)
        except OSError:  # absent, or not a link
            return None
        parent, _, name = target.partition("/")
        return name if parent == RUNS and _RUN_NAME.fullmatch(name) else None

    def new_run(self) -> str:
        """A new folder in ``runs``, made here (never one that existed), private while it is written."""
        while True:
            name = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(4)}"
            try:
                os.mkdir(name, 0o700, dir_fd=self.runs)
                return name
            except FileExistsError:
                continue

    def publish(self, name: str, expected: tuple[str, ...] = OUTPUT_NAMES) -> None:
        """Makes run ``name``, holding the ``expected`` files, the current one: on disk first, then one
        rename; then the old ones go. If it fails before the rename, the run's folder is removed and
        the previous run stays."""
        previous = self.current()
        try:
            self._seal(name, expected)
            self.link_outputs()
            self._switch(name)
        except BaseException:
            self.discard(name)
            raise
        self.prune(keep={name, previous})

    def link_outputs(self) -> None:
        """Every output name a link into ``current`` (those already so are left as they are)."""
        for output in OUTPUT_NAMES:
            self._link(f"{CURRENT}/{output}", output)

    def _switch(self, name: str) -> None:
        """The one step that changes what ``DIR`` holds."""
        self._link(f"{RUNS}/{name}", CURRENT)
        os.fsync(self.fd)

    def _seal(self, name: str, expected: tuple[str, ...]) -> None:
        """Every file of the run on disk, and the folder readable as the umask allows; a run missing a
        file (its folder moved away while it was written?) is never switched to."""
        run = _open_directory(name, self.runs, self.path / RUNS / name)
        try:
            files = [file for file in _names(run) if _is_file(file, run)]
            missing = [file for file in expected if file not in files]
            if missing:
                raise FolderUnusable(f"run di {self.path / RUNS / name} tidak lengkap (tidak ada "
                                     f"{', '.join(missing)}); keluaran sebelumnya tetap dipakai")
            for file in files:
                handle = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=run)
                try:
                    os.fsync(handle)
                finally:
                    os.close(handle)
            os.fchmod(run, folder_mode())
            os.fsync(run)
        finally:
            os.close(run)
        os.fsync(self.runs)

    def _link(self, target: str, name: str) -> None:
        """``DIR/name`` becomes a link to ``target`` in one step; whatever was there is replaced, not followed."""
        try:
            if os.readlink(name, dir_fd=self.fd) == target:
                return
        except OSError:
            pass
        temporary = f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            os.symlink(target, temporary, dir_fd=self.fd)
        except OSError as error:  # FAT, exFAT, some network shares
            raise FolderUnusable(f"folder keluaran {self.path} tidak dapat memuat tautan simbolik ({error.strerror}); "
                                 "pilih folder di sistem berkas lain") from None
        try:
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError as error:
            os.unlink(temporary, dir_fd=self.fd)
            raise FolderUnusable(f"{self.path / name} tidak dapat diganti dengan tautan ke run terbaru "
                                 f"({error.strerror}); pindahkan atau hapus") from None

    def adopt_unlinked_outputs(self) -> None:
        """Output files written straight into ``DIR`` (by an iku before runs/) become a run of their own."""
        files = [name for name in OUTPUT_NAMES if _is_file(name, self.fd)]
        if not files:
            return
        name = self.new_run()
        try:
            for output in files:
                os.link(output, f"{name}/{output}", src_dir_fd=self.fd, dst_dir_fd=self.runs, follow_symlinks=False)
        except BaseException:
            self.discard(name)
            raise
        self.publish(name, expected=tuple(files))

    def prune(self, keep: set[str | None]) -> None:
        """Removes iku's run folders in ``runs`` except ``keep``; a link is removed, never followed."""
        for name in _names(self.runs):
            if name not in keep and _RUN_NAME.fullmatch(name):
                self.remove(name)

    def discard(self, name: str) -> None:
        """Removes an unfinished run's folder, unless the switch to it was made after all."""
        if self.current() != name:
            self.remove(name)

    def remove(self, name: str) -> None:
        try:
            if _is_link_or_file(name, self.runs):
                os.unlink(name, dir_fd=self.runs)
            else:
                shutil.rmtree(name, dir_fd=self.runs)  # works on opened folders, does not follow links
        except OSError as error:  # a folder left over does no harm (the next run tries again); a run's
            # own error, which may be why this folder is removed, is the one to report
            logger.warning(f"folder {self.path / RUNS / name} tidak dapat dihapus: {error.strerror}")


def _names(dir_fd: int) -> list[str]:
    # Closed at once: the listing shares its position with dir_fd, and closing rewinds it for the next.
    with os.scandir(dir_fd) as entries:
        return [entry.name for entry in entries]


def _lstat(name: str, dir_fd: int) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _is_file(name: str, dir_fd: int) -> bool:
    found = _lstat(name, dir_fd)
    return found is not None and stat.S_ISREG(found.st_mode)


def _is_link_or_file(name: str, dir_fd: int) -> bool:
    found = _lstat(name, dir_fd)
    return found is not None and not stat.S_ISDIR(found.st_mode)

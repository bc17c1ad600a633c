"""The runs being served: each record opened read-only, once per server thread.

sqlite connections may not cross threads, and the framework answers each request in a worker
thread, so every thread opens its own ``StoreSource`` (cheap: the rules are decoded on first use).
Runs are named in URLs by their run id, never by a path: a URL cannot point at another file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from engine.names import closest_names
from engine.rules.load import load_rulebook
from engine.rules.rulebook import RuleBook, RulesInvalid
from engine.runstore import browse
from engine.runstore.reader import RunInfo, StoreSource
from engine.runstore.schema import StoreError
from engine.serve.errors import NotFound


@dataclass
class ServedRun:
    folder: Path
    info: RunInfo
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _region_counts: list[browse.RegionCount] | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def source(self) -> StoreSource:
        """This thread's read-only view of the record."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = StoreSource(self.folder)
        return store

    @property
    def region_counts(self) -> list[browse.RegionCount]:
        """The one query over every member (the charts), made once — when the server starts, see
        ``warm`` — and kept: the record never changes."""
        with self._lock:
            if self._region_counts is None:
                self._region_counts = browse.region_counts(self.source.db)
            return self._region_counts

    def warm(self) -> threading.Thread:
        """Counts the members per kabupaten/kota in the background, so the first summary need not wait
        (≈ 2 s at 100,000 entities)."""
        thread = threading.Thread(target=lambda: self.region_counts, daemon=True, name=f"iku-serve-{self.id}")
        thread.start()
        return thread

    @cached_property
    def _rulebook(self) -> tuple[RuleBook | None, str | None]:
        folder = Path(self.info.rules)
        try:
            book = load_rulebook(folder)
        except RulesInvalid as error:
            return None, f"folder aturan run ({folder}) tidak dapat dibaca lagi: {error.problems[0]}"
        if book.version != self.info.rules_version:
            return book, (f"aturan di {folder} sudah berubah sejak run ini (versi {book.version}, run memakai "
                          f"{self.info.rules_version}): deskripsi dan daftar versi diambil dari folder sekarang")
        return book, None

    @property
    def rulebook(self) -> RuleBook | None:
        """The run's rules folder, for what the record does not keep (descriptions, every version)."""
        return self._rulebook[0]

    @property
    def rulebook_note(self) -> str | None:
        return self._rulebook[1]

    @cached_property
    def regions(self) -> dict[str, str]:
        return browse.regions(self.source.db)


class ServedRuns:
    """The runs named on the command line, by run id, in the order given."""

    def __init__(self, folders: list[Path]):
        self.runs: dict[str, ServedRun] = {}
        for folder in folders:
            store = StoreSource(folder)  # raises StoreError with a clear message
            try:
                info = store.info
            finally:
                store.close()
            if info.id in self.runs:
                raise StoreError(f"run {info.id} disebut dua kali ({self.runs[info.id].folder} dan {folder})")
            self.runs[info.id] = ServedRun(folder, info)

    @property
    def first(self) -> ServedRun:
        return next(iter(self.runs.values()))

    def get(self, run_id: str) -> ServedRun:
        if run_id not in self.runs:
            raise NotFound("run", run_id, closest_names(run_id, self.runs))
        return self.runs[run_id]

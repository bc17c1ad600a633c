"""Worker processes of a run: started clean, ended with their run, and never a traceback when one dies.

Processes are spawned, not forked: a forked one would share the output folder's lock and could
outlive a killed run. Each one watches its parent and ends when the parent is gone, so a killed
run leaves no worker evaluating or writing into the output folder.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from engine.durable_host import EngineError

T = TypeVar("T")


def _watch_parent(parent: int) -> None:
    """A worker whose run was killed has nothing left to do: it ends instead of lingering."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="iku-parent-watch").start()


def process_pool(workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """``workers`` spawned processes that watch this one, then run ``initializer``."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                               initargs=(os.getpid(), initializer, initargs))


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    _watch_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def answer_of(future: Future[T]) -> T:
    """A worker's answer; a worker that died (killed, out of memory) stops the run with a message."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise EngineError("proses pekerja berhenti tanpa jawaban (dihentikan dari luar atau kehabisan memori?)") from None

"""Worker processes of a run: started clean, ended with their run, and never a traceback when one dies.

Processes are spawned, not forked: a forked one would share the output folder's lock and could
outlive a killed run. Each one dies with its parent: on Linux the kernel kills it when the parent
ends (``PR_SET_PDEATHSIG``), and everywhere a thread watches the parent, so a killed run leaves no
worker evaluating or writing. Ctrl-C and SIGTERM are the parent's to handle (workers ignore SIGINT,
which the terminal sends to all of them, and SIGTERM, which a service manager may send to all of
them: ``engine.stop``) from the moment they start, before their interpreter imports anything, so a
Ctrl-C while one is still starting cannot print an import traceback; when the parent's work stops
with an exception the workers are killed at once rather than left to finish what they were given.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any, TypeVar

from engine.durable_host import EngineError

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_PARENTS_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _SpawnedDeaf(SpawnProcess):
    """A spawned process that ignores Ctrl-C and SIGTERM from its first instruction.

    An ignored signal stays ignored across exec, and Python then installs no KeyboardInterrupt
    handler of its own: the terminal's Ctrl-C, sent to every process of the run, would otherwise
    interrupt a process still importing (a traceback on the user's screen) before ``_start`` could
    set anything. The parent ignores the two only while it starts the process, with both blocked
    meanwhile: one that arrives then is held and delivered right after, not lost.
    """

    def start(self) -> None:
        if threading.current_thread() is not threading.main_thread():  # signal dispositions are the main thread's
            super().start()
            return
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _PARENTS_SIGNALS)
        handlers = {number: signal.signal(number, signal.SIG_IGN) for number in _PARENTS_SIGNALS}
        try:
            super().start()
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


class _DeafSpawnContext(SpawnContext):
    Process = _SpawnedDeaf


def _watch_parent(parent: int) -> None:
    """A worker whose run was killed has nothing left to do: it ends instead of lingering."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="iku-parent-watch").start()


def _die_with_parent(parent: int) -> None:
    """The kernel kills this process when the process that started it ends (Linux), however it ends.

    The signal is sent when the parent's *thread* that started this process ends: the pools here
    are made and given work by the run's main thread only.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # if refused, the watch remains
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


@contextmanager
def process_pool(workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple[Any, ...] = ()) -> Iterator[ProcessPoolExecutor]:
    """``workers`` spawned processes that die with this one, then run ``initializer``; killed when the
    block ends with an exception (a killed run, Ctrl-C), waited for when it ends normally."""
    pool = ProcessPoolExecutor(workers, mp_context=_DeafSpawnContext(), initializer=_start,
                               initargs=(os.getpid(), initializer, initargs))
    try:
        yield pool
    except BaseException:
        _kill(pool)
        raise
    pool.shutdown()


def _kill(pool: ProcessPoolExecutor) -> None:
    # Python 3.11 has no public way to stop a pool's running tasks (terminate_workers() is 3.14's):
    # shutdown() would wait for every task given, a whole workbook or several chunks.
    processes = list((pool._processes or {}).values())  # type: ignore[attr-defined]
    for process in processes:
        process.kill()
    for process in processes:
        process.join()
    # A worker killed while sending its answer leaves half a message in the results pipe, and the
    # pool's thread waits for the rest forever (shutdown() with it): this process holds the pipe's
    # last writing end. Closed, the pipe ends and the thread finds the pool broken, as it is.
    result_queue = pool._result_queue  # type: ignore[attr-defined]
    if result_queue is not None:
        result_queue._writer.close()
    pool.shutdown(wait=True, cancel_futures=True)


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(parent)
    _watch_parent(parent)
    atexit.register(_end_without_teardown)
    if initializer is not None:
        initializer(*initargs)


def _end_without_teardown() -> None:
    """A pool's process, told to stop, has answered all its work and flushed its output (``multiprocessing``
    does both before the interpreter ends): it exits here, not after tearing its interpreter down. That
    teardown frees every object the work left (a rules worker's, the source rows' process's) and took
    0.1–0.23 s per process at national, while the run waited for it in ``shutdown`` (bench/README.md,
    "seventh session"). A work's own exit handlers, registered after this one, still run before it."""
    os._exit(0)


class OtherProcessFailed(Exception):
    """Work given to another process failed there; said in a sentence, not with that process's traceback."""


def answer_told(future: Future[T], what: str) -> T:
    """The answer of another process writing ``what`` (an output); its failure stops the run with a
    message naming ``what``. A full disk or a folder turned read-only stays an OSError, said as such."""
    try:
        return future.result()
    except OSError:
        raise
    except BrokenProcessPool:
        raise OtherProcessFailed(f"proses yang menulis {what} berhenti tanpa jawaban (dihentikan dari luar atau "
                                 "kehabisan memori?)") from None
    except Exception as error:
        raise OtherProcessFailed(f"{what} tidak dapat ditulis di proses lain: {type(error).__name__}: {error}") \
            from None


_WORKER_DIED = "proses pekerja berhenti tanpa jawaban (dihentikan dari luar atau kehabisan memori?)"


def answer_of(future: Future[T]) -> T:
    """A worker's answer; a worker that died (killed, out of memory) stops the run with a message."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise EngineError(_WORKER_DIED) from None


def submitted(pool: ProcessPoolExecutor, work: Callable[..., T], *args: Any) -> Future[T]:
    """``work`` given to a worker of ``pool``. A worker that died before (while this process was busy
    elsewhere: making facts, taking an answer) has left the pool broken, and ``submit`` says so at
    once: that stops the run with ``answer_of``'s message, not a traceback."""
    try:
        return pool.submit(work, *args)
    except BrokenProcessPool:
        raise EngineError(_WORKER_DIED) from None

"""A command stopped from outside: Ctrl-C (SIGINT) or SIGTERM (`kill`, a service manager, a container
stopping) end the same orderly way.

Python turns SIGINT into ``KeyboardInterrupt``, and everything that undoes a run's half-done work
handles that: the staged run folder is removed and the previous run left as it was
(``engine.outputs.folder``), the workers are killed (``engine.processes``), the output lock is
released. SIGTERM's default action ends the process at once, with none of that; here it raises
``Terminated``, a ``KeyboardInterrupt``, so it takes exactly the same path. Workers leave both
signals to the process that started them.
"""

from __future__ import annotations

import signal
from types import FrameType

SIGINT_EXIT = 130  # the shell's code for a process ended by SIGINT (128 + 2)
SIGTERM_EXIT = 143  # and by SIGTERM (128 + 15)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the main thread is, as Ctrl-C raises KeyboardInterrupt."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def stop_on_sigterm() -> None:
    """From now on SIGTERM stops this (main) thread's work as Ctrl-C does."""
    signal.signal(signal.SIGTERM, _raise_terminated)


def how_stopped(stop: KeyboardInterrupt) -> str:
    """How the user or the system stopped the command, as the message says it."""
    return "SIGTERM" if isinstance(stop, Terminated) else "Ctrl-C"


def exit_code(stop: KeyboardInterrupt) -> int:
    return SIGTERM_EXIT if isinstance(stop, Terminated) else SIGINT_EXIT

"""polars, imported so that Ctrl-C still stops a run; the engine's modules import it from here.

Importing polars installs its own SIGINT handler with ``SA_RESTART`` (pola-rs/polars#21739): the
system call a thread waits in is resumed after the signal instead of being interrupted, so a run
waiting for its evaluation workers never saw Ctrl-C and went on (tests/test_interrupted_runs.py).
The handler that was in place before the import — Python's, or ``SIG_IGN`` in a worker — is put back
at once. polars then cannot cancel a query on Ctrl-C; the ingest's queries are short.
"""

from __future__ import annotations

import signal
import threading

_BEFORE = signal.getsignal(signal.SIGINT)

import polars as pl  # noqa: E402 - the handler before it is read first: the point of this module

if _BEFORE is not None and threading.current_thread() is threading.main_thread():
    signal.signal(signal.SIGINT, _BEFORE)

__all__ = ["pl"]

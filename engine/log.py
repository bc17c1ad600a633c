"""structlog, configured once: readable lines on the console, JSON lines with ``--log-json``; and
the audit log of a run (``audit.jsonl`` in the output folder), its own JSON-lines logger."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, BinaryIO

import orjson
import structlog

from engine.terminal import visible


class _StderrLogger:
    """Writes to whatever ``sys.stderr`` is at the time (tests and tools swap it)."""

    def msg(self, message: str) -> None:
        print(visible(message), file=sys.stderr, flush=True)

    debug = info = warning = warn = error = critical = exception = fatal = log = msg


def configure(json_lines: bool = False, verbose: bool = False, quiet: bool = False) -> None:
    renderer = structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt="iso", utc=True), renderer],
        wrapper_class=structlog.make_filtering_bound_logger(10 if verbose else 30 if quiet else 20),
        logger_factory=lambda *args: _StderrLogger(),
        cache_logger_on_first_use=False,
    )


def audit_logger(stream: BinaryIO) -> Any:
    """Every event as one JSON line (UTF-8, serialised by orjson: a line per decision adds up), whatever
    the console shows."""
    return structlog.wrap_logger(
        structlog.BytesLogger(stream),
        wrapper_class=structlog.make_filtering_bound_logger(0),  # complete whatever the console's level
        processors=[structlog.processors.TimeStamper(fmt="iso", utc=True),
                    structlog.processors.JSONRenderer(serializer=orjson.dumps, default=str)],
        cache_logger_on_first_use=True,  # one line per decision: not a fresh bind for each of them
    )


def open_audit(path: Path) -> tuple[BinaryIO, Any]:
    """A new file (``x``: never an existing one, nor a link's target), in the run's own folder."""
    stream = path.open("xb")
    return stream, audit_logger(stream)

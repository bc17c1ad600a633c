"""structlog, configured once: readable lines on the console, JSON lines with ``--log-json``; and
the audit log of a run (``audit.jsonl`` in the output folder), its own small JSON-lines writer."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from engine.terminal import visible


class _StderrLogger:
    """Writes to whatever ``sys.stderr`` is at the time (tests and tools swap it)."""

    def msg(self, message: str) -> None:
        print(visible(message), file=sys.stderr, flush=True)

    debug = info = warning = warn = error = critical = exception = fatal = log = msg


def configure(json_lines: bool = False, verbose: bool = False, quiet: bool = False) -> None:
    import structlog  # here: a command that logs nothing (`iku explain --run`) starts without it

    renderer = structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt="iso", utc=True), renderer],
        wrapper_class=structlog.make_filtering_bound_logger(10 if verbose else 30 if quiet else 20),
        logger_factory=lambda *args: _StderrLogger(),
        cache_logger_on_first_use=False,
    )


class AuditLog:
    """The log of a run (``audit.jsonl``): one JSON object a line — ``event``, ``timestamp`` (UTC) and
    the event's fields — serialised by orjson into a buffered file. A run writes a few dozen lines
    (kilobytes), so it needs no logging framework; what was decided is in ``run.sqlite``."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream

    def write(self, event: str, **fields: Any) -> None:
        line = {"event": event, "timestamp": datetime.now(timezone.utc).isoformat(), **fields}
        self.stream.write(orjson.dumps(line, default=str) + b"\n")

    def close(self) -> None:
        self.stream.close()


def open_audit(path: Path) -> AuditLog:
    """A new file (``x``: never an existing one, nor a link's target), in the run's own folder."""
    return AuditLog(path.open("xb"))

"""structlog, configured once: readable lines on the console, JSON lines on request or to a file.

The audit log of a run (``audit.jsonl`` in the output folder) gets every event as one JSON line,
whatever the console shows.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import structlog

_audit: TextIO | None = None


def _to_audit_file(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    if _audit is not None:
        _audit.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
    return event


class _StderrLogger:
    """Writes to whatever ``sys.stderr`` is at the time (tests and tools swap it)."""

    def msg(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    debug = info = warning = warn = error = critical = exception = fatal = log = msg


def configure(json_lines: bool = False, verbose: bool = False, quiet: bool = False) -> None:
    renderer = structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _to_audit_file,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(10 if verbose else 30 if quiet else 20),
        logger_factory=lambda *args: _StderrLogger(),
        cache_logger_on_first_use=False,
    )


def open_audit(path: Path) -> None:
    """Send every following event, as JSON, to ``path`` too."""
    global _audit
    close_audit()
    path.parent.mkdir(parents=True, exist_ok=True)
    _audit = path.open("w", encoding="utf-8")


def close_audit() -> None:
    global _audit
    if _audit is not None:
        _audit.close()
        _audit = None

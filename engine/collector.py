"""Python's cyclic garbage collector paused around work that makes millions of objects and no cycle:
a table's records (at 800,000 records its passes over the young objects took a fifth of the ingest),
the fact rows of the facts stage, the output stage's rows (its full passes walk every object the run
holds). What a pass would have found is collected once the collector runs again."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

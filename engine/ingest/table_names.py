"""Which table a file or sheet name stands for, and the tables given more than once.

People name files as their tools leave them: ``Koperasi.CSV``, ``koperasi (1).csv`` from a second
download, ``koperasi - Salinan.csv`` from a copy, a sheet ``Koperasi `` with a trailing space.
Each such name stands for its table; two names standing for one table are two candidates, and
iku never picks one of them silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

T = TypeVar("T")

# What a download or a copy appends to a name: " (1)", " - Copy", " - Salinan (2)", "_copy".
_COPY_SUFFIX = re.compile(r"(?:\s*[-_]\s*(?:copy|salinan|kopie))?(?:\s*\(\d+\))?$", re.IGNORECASE)


def table_key(name: str) -> str:
    """The table a file stem or sheet name stands for: case, spaces and copy marks left out."""
    text = " ".join(name.split()).casefold()
    return _COPY_SUFFIX.sub("", text).strip()


def candidates(items: Iterable[T], name: Callable[[T], str]) -> dict[str, list[T]]:
    """Each table key with the items (files, sheets) whose ``name`` stands for it, in the order given."""
    found: dict[str, list[T]] = defaultdict(list)
    for item in items:
        found[table_key(name(item))].append(item)
    return dict(found)


def given_twice(found: Mapping[str, list[T]], tables: Iterable[str]) -> dict[str, list[T]]:
    """The tables among ``tables`` with more than one candidate."""
    return {table: found[table] for table in tables if len(found.get(table, ())) > 1}

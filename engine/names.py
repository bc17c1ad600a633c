"""The closest known names to a misspelt one: one ranking for every "did you mean" iku prints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.5


def closest_names(wanted: str, known: Iterable[str], count: int = 5, cutoff: float = CUTOFF) -> list[str]:
    """The most similar names, as ``difflib.get_close_matches`` ranks them, but ties in the order
    given (``jatim-1`` before ``jatim-7``) where difflib would put them in reverse."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    scored = []
    for index, name in enumerate(dict.fromkeys(known)):
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
            scored.append((-matcher.ratio(), index, name))
    return [name for _, _, name in sorted(scored)[:count]]


def closest(name: str, known: Iterable[str]) -> str:
    """A hint for a misspelt name: `` (maksudnya 'x'?)`` with the closest known one, or nothing.
    Stricter than ``iku explain``'s list of five: one name, and only a close one."""
    match = closest_names(name, known, count=1, cutoff=0.6)
    return f" (maksudnya '{match[0]}'?)" if match else ""

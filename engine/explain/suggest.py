"""Unknown ids and tags: a clear message with the closest names that do exist."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


CUTOFF = 0.5


def closest(wanted: str, known: Iterable[str], count: int = 5) -> list[str]:
    """The most similar names, as ``difflib.get_close_matches`` ranks them, but ties in the order
    given (``jatim-1`` before ``jatim-7``) where difflib would put them in reverse."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    scored = []
    for index, name in enumerate(dict.fromkeys(known)):
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= CUTOFF and matcher.quick_ratio() >= CUTOFF and matcher.ratio() >= CUTOFF:
            scored.append((-matcher.ratio(), index, name))
    return [name for _, _, name in sorted(scored)[:count]]


def _hint(suggestions: list[str]) -> str:
    return f"; mungkin maksudnya: {', '.join(suggestions)}" if suggestions else ""


class UnknownId(LookupError):
    def __init__(self, wanted: str, suggestions: list[str]):
        super().__init__(f"id '{wanted}' tidak ditemukan dalam data maupun profil{_hint(suggestions)}")
        self.suggestions = suggestions


class UnknownTag(LookupError):
    def __init__(self, wanted: str, suggestions: list[str]):
        super().__init__(f"tag '{wanted}' tidak diberikan oleh aturan mana pun{_hint(suggestions)}")
        self.suggestions = suggestions

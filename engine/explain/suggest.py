"""Unknown ids and tags: a clear message with the closest names that do exist."""

from __future__ import annotations


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

"""What a page or API call answers when the request names something that is not there or is unusable."""

from __future__ import annotations


class NotFound(LookupError):
    """An unknown id: a 404 with the closest ids that do exist."""

    def __init__(self, what: str, wanted: str, suggestions: list[str]):
        hint = f"; mungkin maksudnya: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"{what} '{wanted}' tidak ditemukan{hint}")
        self.message = f"{what} '{wanted}' tidak ditemukan"
        self.suggestions = suggestions


class BadParameter(ValueError):
    """A parameter of the request that cannot be used: a 400 with a message saying what is expected."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Busy(RuntimeError):
    """Another simulation is running: one at a time."""

    def __init__(self) -> None:
        super().__init__("simulasi lain sedang berjalan; hanya satu simulasi sekaligus. Coba lagi sebentar lagi.")
        self.message = str(self)

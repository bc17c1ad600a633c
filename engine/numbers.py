"""Numbers as Indonesian readers write them (1.234.567,89): one formatter for every text iku shows.

The terminal, the explanations, the indicator notes and the HTML report all use it, so a figure
reads the same wherever an auditor meets it. Files for tools (JSON, CSV, SQLite) keep plain numbers.
"""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import format_decimal

LOCALE = "id_ID"


# babel parses the pattern and walks the locale on every call; explanations repeat the same
# amounts and scores thousands of times, and equal numbers format alike (1 and 1.0 both read "1").
@lru_cache(maxsize=65_536)
def format_number(value: float | int | None, digits: int = 2, missing: str = "—") -> str:
    """Thousands with dots, up to ``digits`` decimals after a comma: 1.234,5."""
    if value is None:
        return missing
    return format_decimal(value, format=f"#,##0.{'#' * digits}", locale=LOCALE)


def format_percent(value: float | int | None, missing: str = "—") -> str:
    """A percentage figure with exactly two decimals: 76,60."""
    return missing if value is None else format_decimal(value, format="#,##0.00", locale=LOCALE)

"""What reaches a terminal is text, never a control sequence.

Names, ids and file names come from input files and rule folders; one holding ESC sequences would
clear the screen, retitle the window or hide lines when printed. Every control character (C0
except line feed and tab, DEL, C1) and every bidirectional-override character is shown as a visible
escape (``\\x1b``, ``\\u202e``) instead. The CLI prints through ``SafeConsole`` and ``visible``
only; JSON output gets ``visible_json``, whose escapes are JSON's own.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

_CONTROLS = [code for code in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if chr(code) not in "\n\t"]
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029]


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


_VISIBLE = {code: _escape(code) for code in (*_CONTROLS, *_BIDI)}
_VISIBLE_JSON = {code: f"\\u{code:04x}" for code in (*_CONTROLS, *_BIDI)}


def visible(text: str) -> str:
    """``text`` with every control character written out as an escape."""
    return text.translate(_VISIBLE)


def visible_json(document: str) -> str:
    """JSON text with any control character left in its strings written as a JSON escape (C1 and bidi
    characters: ``json`` escapes only C0); still the same JSON."""
    return document.translate(_VISIBLE_JSON)


class SafeConsole(Console):
    """A rich console that shows every string it is given through ``visible`` before laying it out
    (``print``, ``out``, table cells and titles all pass through ``render_str``); the styles rich adds
    itself are untouched."""

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(visible(text), **options)

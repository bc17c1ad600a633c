"""A CSV file as physical lines, and the checks that need them: the byte a line cannot decode, and a
quote that opens and never closes.

``csv.reader`` reads from any iterator of lines and counts the lines it took (``line_num``), so
feeding it these lines gives every record the physical lines it spans. That is what tells a real
value holding a line break (an address on two lines) from a stray quote that swallows the rest of
the file into one cell. Nothing here knows the tables; the readers turn the findings into messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import BinaryIO

# A value holding more line breaks than this is not a value someone typed into a cell.
MAX_VALUE_LINES = 20
_LONE_CR = re.compile(r"(?<=\r)(?!\n|$)")  # old Mac files end lines with \r alone
_LINE_BREAK = re.compile(r"\r\n?|\n")


def decoded_lines(handle: BinaryIO, encoding: str) -> Iterator[str]:
    """The lines of a UTF-8 file (``encoding`` utf-8 or utf-8-sig), each decoded on its own: a byte that
    is not UTF-8 raises ``UnicodeDecodeError`` while its own line is read, however far into the file,
    so the reader knows its line (``csv.reader.line_num`` + 1)."""
    first = handle.readline().decode(encoding)  # utf-8-sig drops the BOM here
    if _LONE_CR.search(first):  # no \n anywhere before: an old Mac file, every line ends with \r alone
        return iter(_LONE_CR.split(first + handle.read().decode("utf-8")))
    return chain([first], map(_utf8, handle))


def _utf8(raw: bytes) -> str:
    return raw.decode("utf-8")


@dataclass(frozen=True)
class SwallowedRows:
    """A quoted value in ``column`` (index) that holds what look like whole rows of the file."""

    column: int
    lines: int  # physical lines the value spans
    row_like: int  # of them, lines holding as many delimiters as a row has


def swallowed_rows(cells: Sequence[str], width: int, delimiter: str) -> SwallowedRows | None:
    """The cell of a record that has swallowed rows after an opening quote never closed, if any.

    A cell gives it away by spanning more lines than a typed value ever does, or by holding lines
    with a whole row's worth of delimiters (``width`` columns, so ``width - 1`` delimiters).
    """
    least = max(width - 1, 2)
    for index, value in enumerate(cells):
        lines = _LINE_BREAK.split(value)
        if len(lines) < 2:
            continue
        row_like = sum(1 for line in lines[1:] if line.count(delimiter) >= least)
        if row_like or len(lines) > MAX_VALUE_LINES:
            return SwallowedRows(column=index, lines=len(lines), row_like=row_like)
    return None

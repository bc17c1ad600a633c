"""A CSV file as physical lines, and the checks that need them: the byte a line cannot decode, and a
quote that opens and never closes.

``csv.reader`` reads from any iterator of lines and counts the lines it took (``line_num``), so
feeding it these lines gives every record the physical lines it spans. That is what tells a real
value holding a line break (an address on two lines) from a stray quote that swallows the rest of
the file into one cell. Nothing here knows the tables; the readers turn the findings into messages.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import BinaryIO

# A value holding more line breaks than this is not a value someone typed into a cell.
MAX_VALUE_LINES = 20
_LONE_CR = re.compile(r"(?<=\r)(?!\n|$)")  # where a line ends with \r alone
_LINE_BREAK = re.compile(r"\r\n?|\n")


def decoded_lines(handle: BinaryIO, encoding: str) -> Iterator[str]:
    """The lines of a UTF-8 file (``encoding`` utf-8 or utf-8-sig), each decoded on its own: a byte that
    is not UTF-8 raises ``UnicodeDecodeError`` while its own line is read, however far into the file,
    so the reader knows its line (``csv.reader.line_num`` + 1). Lines end as in universal-newline mode:
    at ``\n``, ``\r\n`` or a lone ``\r`` (an old Mac file; a stray \r in a row)."""
    first = handle.readline().decode(encoding)  # utf-8-sig drops the BOM here
    return chain(_split_lone_cr(first), chain.from_iterable(map(_utf8_lines, handle)))


def _utf8_lines(raw: bytes) -> tuple[str, ...] | list[str]:
    return _split_lone_cr(raw.decode("utf-8"))


def _split_lone_cr(text: str) -> tuple[str, ...] | list[str]:
    if "\r" in text and _LONE_CR.search(text):
        return _LONE_CR.split(text)
    return (text,)


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


def remembered(lines: Iterable[str], recent: deque[str]) -> Iterator[str]:
    """``lines`` as they are, each also kept in ``recent`` (a deque with a ``maxlen``): the lines last read."""
    for line in lines:
        recent.append(line)
        yield line


def ends_in_quote(lines: Iterable[str], delimiter: str) -> bool:
    """Whether the record made of ``lines`` ends inside a quoted value: a quote opened and the file ended.
    (``csv.reader`` reads such a value to the end of the file without a word; its strict mode says so.)"""
    try:
        for _ in csv.reader(lines, delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        return str(error) == "unexpected end of data"
    return False

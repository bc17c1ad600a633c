"""A CSV file as physical lines, and the checks that need them: the byte a line cannot decode, and a
quote that opens and never closes.

``csv.reader`` reads from any iterator of lines and counts the lines it took (``line_num``), so
feeding it these lines gives every record the physical lines it spans. That is what tells a real
value holding a line break (an address on two lines) from a stray quote that swallows the rest of
the file into one cell. Nothing here knows the tables; the readers turn the findings into messages.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

# A value holding more line breaks than this is not a value someone typed into a cell.
MAX_VALUE_LINES = 20
_LONE_CR = re.compile(r"(?<=\r)(?!\n|$)")  # old Mac files end lines with \r alone
_LINE_BREAK = re.compile(r"\r\n?|\n")


class UndecodableLine(Exception):
    """A byte of physical line ``line`` (1 = the header) is not in the file's encoding."""

    def __init__(self, line: int, byte: int, encoding: str):
        super().__init__(f"line {line}: byte 0x{byte:02X} is not {encoding}")
        self.line = line
        self.byte = byte


def decoded_lines(handle: BinaryIO, encoding: str) -> Iterator[str]:
    """The lines of a byte-oriented encoding (UTF-8, with or without BOM), each decoded on its own,
    so that a byte that is not UTF-8 is found on its line however far into the file it is."""
    decoder = codecs.getincrementaldecoder(encoding)()
    number = 0
    for number, raw in enumerate(handle, start=1):
        try:
            text = decoder.decode(raw)
        except UnicodeDecodeError as error:
            raise UndecodableLine(number, raw[error.start], encoding) from None
        if "\r" in text:
            yield from _LONE_CR.split(text)
        else:
            yield text
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:  # the file ends inside a character
        raise UndecodableLine(number, error.object[error.start], encoding) from None


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

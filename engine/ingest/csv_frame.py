"""A CSV file read column-wise by polars, where polars reads exactly what the csv module reads.

The csv-module reader (``readers.read_csv_table``) is the precise path: it decodes line by line, so a
byte that is not UTF-8 is named with its row; it tells a value holding a line break from a stray quote
(``csv_lines``); it counts the file's lines; it pads short rows and marks long ones. polars can do none
of that exactly, so it reads only a file where none of it can happen, checked before it reads:

- the whole file decodes as UTF-8 (with or without BOM): a single undecodable byte anywhere and the
  precise path reads the file and names the row;
- lines end with ``\\n`` or ``\\r\\n`` (no lone ``\\r``) and there is no NUL;
- every line holding a quote is a row of whole quoted or unquoted fields (``_QUOTED_LINE``): no quote
  opens a value that goes on to the next line, no quote inside an unquoted value;
- polars finds no row wider than the header and one row per line after it, and no cell longer than the
  csv module's limit.

Any other file gives ``None`` and is read the precise way (slower, the same rows and messages).
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path


from engine.ingest.polars_setup import pl
from engine.ingest.readers import FIELD_LIMIT, detect_delimiter, normalise_header

_LONE_CR = re.compile(r"\r(?!\n)")
_LINE_WITH_QUOTE = re.compile(r'^[^\n"]*"[^\n]*$', re.MULTILINE)


@dataclass(frozen=True)
class PlainCsv:
    header: list[str]
    frame: pl.DataFrame  # every row after the header, one text column per header cell (column_0, …)
    lines: int  # the file's lines after the header: one per row


def _quoted_line(delimiter: str) -> re.Pattern[str]:
    d = re.escape(delimiter)
    field = f'(?:"(?:[^"\\n]|"")*"|[^"{d}\\r\\n]*)'
    return re.compile(f"{field}(?:{d}{field})*\\r?")


def _quotes_closed(text: str, delimiter: str) -> bool:
    pattern = _quoted_line(delimiter)
    return all(pattern.fullmatch(line.group()) for line in _LINE_WITH_QUOTE.finditer(text))


def _physical_lines(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def read_plain_csv(path: Path) -> PlainCsv | None:
    """The file's rows as text columns, or None when only the precise reader reads it exactly."""
    data = path.read_bytes()
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text or "\x00" in text or _LONE_CR.search(text):
        return None
    first_line = text[: text.find("\n") + 1] or text
    delimiter = detect_delimiter(first_line)
    if '"' in text and not _quotes_closed(text, delimiter):
        return None
    header = normalise_header(next(csv.reader([first_line], delimiter=delimiter), []))
    try:
        frame = pl.read_csv(BytesIO(body), has_header=False, infer_schema=False, separator=delimiter,
                            quote_char='"', raise_if_empty=False)
    except pl.exceptions.PolarsError:  # a row wider than the header, above all
        return None
    lines = _physical_lines(text) - 1
    if frame.width != max(len(header), 1) or frame.height - 1 != lines:
        return None
    if len(text) > FIELD_LIMIT and frame.select(pl.all().str.len_chars().max()).max_horizontal().item() > FIELD_LIMIT:
        return None
    return PlainCsv(header, frame.slice(1), lines)

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

_LONE_CR = re.compile(rb"\r(?!\n)")
_LINE_WITH_QUOTE = re.compile(rb'^[^\n"]*"[^\n]*$', re.MULTILINE)
_DECODED = 1 << 24  # bytes decoded at a time to check the file is UTF-8: a 100 MB file is never one string


@dataclass(frozen=True)
class PlainCsv:
    header: list[str]
    frame: pl.DataFrame  # every row after the header, one text column per header cell (column_0, …)
    lines: int  # the file's lines after the header: one per row


# The checks below read the file's bytes: a quote, a delimiter, CR, LF and NUL are single bytes in UTF-8
# and no byte of a character beyond ASCII equals one of them, so they find what they would in its text.
def _quoted_line(delimiter: str) -> re.Pattern[bytes]:
    d = re.escape(delimiter.encode())
    field = b'(?:"(?:[^"\\n]|"")*"|[^"' + d + b'\\r\\n]*)'
    return re.compile(field + b"(?:" + d + field + b")*\\r?")


def _quotes_closed(body: bytes, delimiter: str) -> bool:
    pattern = _quoted_line(delimiter)
    return all(pattern.fullmatch(line.group()) for line in _LINE_WITH_QUOTE.finditer(body))


def _physical_lines(body: bytes) -> int:
    return body.count(b"\n") + (0 if body.endswith(b"\n") else 1)


def _is_utf8(body: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(body)
    try:
        for start in range(0, len(body), _DECODED):
            decoder.decode(view[start:start + _DECODED])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def read_plain_csv(path: Path) -> PlainCsv | None:
    """The file's rows as text columns, or None when only the precise reader reads it exactly."""
    data = path.read_bytes()
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    del data  # ``body`` is a copy where the file starts with a BOM
    if not body or not _is_utf8(body) or b"\x00" in body or _LONE_CR.search(body):
        return None
    first_line = body[: body.find(b"\n") + 1].decode("utf-8") or body.decode("utf-8")
    delimiter = detect_delimiter(first_line)
    if b'"' in body and not _quotes_closed(body, delimiter):
        return None
    header = normalise_header(next(csv.reader([first_line], delimiter=delimiter), []))
    try:
        frame = pl.read_csv(BytesIO(body), has_header=False, infer_schema=False, separator=delimiter,
                            quote_char='"', raise_if_empty=False)
    except pl.exceptions.PolarsError:  # a row wider than the header, above all
        return None
    lines = _physical_lines(body) - 1
    if frame.width != max(len(header), 1) or frame.height - 1 != lines:
        return None
    # a cell longer than the csv module's limit; the file's bytes are at least its characters
    if len(body) > FIELD_LIMIT and frame.select(pl.all().str.len_chars().max()).max_horizontal().item() > FIELD_LIMIT:
        return None
    return PlainCsv(header, frame.slice(1), lines)

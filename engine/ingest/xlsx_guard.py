"""A workbook looked at as the zip archive it is, before openpyxl inflates and parses it.

An .xlsx is a zip of XML parts. A hostile or broken one can be small on disk and huge once
inflated (a 2 MB file holding a 2 GB sheet, a 1 MB sharedStrings part holding 1 GB), or carry a
DOCTYPE with entities that multiply text. Each check here answers with the reason in Bahasa
Indonesia, or None; the reader refuses the workbook with the file named. Office never writes a
DOCTYPE into a workbook part, so refusing one loses nothing real.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from engine.numbers import format_number

MAX_UNCOMPRESSED = 4 * 1024**3  # bytes of all parts inflated: beyond, the data is better given as CSV
MAX_RATIO = 100  # inflated / compressed size of one part; real sheets stay near 10
RATIO_FROM = 1024**2  # parts smaller than this may compress as well as they like
PROLOG_LIMIT = 1024**2  # bytes looked at for a DOCTYPE before the root element
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _megabytes(size: int) -> str:
    return f"{format_number(size / 1024**2, digits=1)} MB"


def _inflated_size_problem(parts: list[zipfile.ZipInfo]) -> str | None:
    total = sum(part.file_size for part in parts)
    if total > MAX_UNCOMPRESSED:
        return (f"isinya membengkak menjadi {_megabytes(total)} setelah diekstrak (batas "
                f"{_megabytes(MAX_UNCOMPRESSED)}); berikan datanya sebagai berkas CSV")
    for part in parts:
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            return (f"bagian {part.filename} membengkak dari {_megabytes(part.compress_size)} menjadi "
                    f"{_megabytes(part.file_size)} (lebih dari {MAX_RATIO}×): bukan workbook biasa (bom dekompresi?)")
    return None


def _prolog(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bytes:
    """The bytes of an XML part before its root element (where a DOCTYPE would be), at most PROLOG_LIMIT."""
    seen = b""
    with archive.open(part) as stream:
        for chunk in _chunks(stream):
            seen += chunk
            root = _ROOT_START.search(seen)
            if root or len(seen) >= PROLOG_LIMIT:
                return seen[:root.start()] if root else seen
    return seen


def _chunks(stream: zipfile.ZipExtFile) -> Iterator[bytes]:
    yield from iter(lambda: stream.read(65536), b"")


def _doctype_problem(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> str | None:
    for part in parts:
        if part.filename.lower().endswith((".xml", ".rels")) and _DOCTYPE.search(_prolog(archive, part)):
            return (f"bagian {part.filename} memuat deklarasi DOCTYPE/ENTITY yang tidak pernah ditulis Excel; "
                    "buka dan simpan ulang workbook di Excel atau berikan datanya sebagai CSV")
    return None


def workbook_problem(path: Path) -> str | None:
    """Why the workbook must not be opened, or None. A file that is not a zip is left to openpyxl,
    whose own message says it is not a workbook."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            return _inflated_size_problem(parts) or _doctype_problem(archive, parts)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError):
        return None

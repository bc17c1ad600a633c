"""How each kind of value of the data contract is typed into a spreadsheet: the words of the hint,
an example, the cell format, and the Excel data validation that keeps it readable.

A kind is keyed by the annotated type a column has in ``engine.ingest.tables`` (``Nik``,
``Tahun``, ``OptSkor``, …), so the tables stay the one place that says which columns exist and
which are required; this module only says how such a value is filled in. The bounds are the ones
the ingest parsers accept (``engine.ingest.values``; a test holds the two together).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from openpyxl.utils.datetime import to_excel

from engine.ingest import tables
from engine.ingest.values import NIB_DIGITS, NIK_DIGITS

YEARS = (1900, 2100)  # what parse_year accepts
SCORES = (0, 100)  # what parse_score accepts
DAYS = (date(1900, 1, 1), date(2100, 12, 31))  # the dates of those years
TEXT = "@"  # Excel's Text format: leading zeros stay, no scientific notation
DATE_FORMAT = "DD/MM/YYYY"

Check = Literal["whole", "decimal", "date", "textLength", "custom", "list"]


@dataclass(frozen=True)
class Validation:
    """An Excel data validation; ``{cell}`` in a formula stands for the column's first data cell."""

    check: Check
    operator: str | None = None
    formula1: str | None = None
    formula2: str | None = None
    error: str = ""

    def formulas_for(self, cell: str) -> tuple[str | None, str | None]:
        return _at(self.formula1, cell), _at(self.formula2, cell)


def _at(formula: str | None, cell: str) -> str | None:
    return None if formula is None else formula.replace("{cell}", cell)


@dataclass(frozen=True)
class ValueKind:
    format: str  # the words of the hint, Bahasa Indonesia
    example: str
    number_format: str
    validation: Validation | None = None


def _id(digits: int, name: str, example: str) -> ValueKind:
    return ValueKind(
        f"teks {digits} digit angka ({name}); nol di depan tetap ditulis",
        example,
        TEXT,
        Validation("textLength", "equal", str(digits), error=f"{name} harus tepat {digits} digit angka."),
    )


NIK = _id(NIK_DIGITS, "NIK", "3578010000000001")
NIB = _id(NIB_DIGITS, "NIB", "9120001234567")
ID_KUKM = ValueKind(
    f"teks: NIK koperasi ({NIK_DIGITS} digit) atau NIB UKM ({NIB_DIGITS} digit)",
    "3578010000000001",
    TEXT,
    Validation("custom", formula1=f"OR(LEN({{cell}})={NIK_DIGITS},LEN({{cell}})={NIB_DIGITS})",
               error=f"Isi NIK koperasi ({NIK_DIGITS} digit) atau NIB UKM ({NIB_DIGITS} digit)."),
)
ID_TEXT = ValueKind("teks (id peserta, unik per peserta)", "P-2024-00001", TEXT)
FREE_TEXT = ValueKind("teks", "", TEXT)
LABEL = ValueKind("teks", "", TEXT)
KODE_WILAYAH = ValueKind("teks NN.NN, kode kabupaten/kota Kemendagri", "35.78", TEXT)
DATE = ValueKind(
    "tanggal (sel tanggal Excel; juga 12/03/2024 atau 12 Maret 2024)",
    "12/03/2024",
    DATE_FORMAT,
    Validation("date", "between", str(int(to_excel(DAYS[0]))), str(int(to_excel(DAYS[1]))),
               error="Isi tanggal, misalnya 12/03/2024."),
)
YEAR = ValueKind(
    "bilangan bulat empat digit (tahun)",
    "2024",
    "0",
    Validation("whole", "between", str(YEARS[0]), str(YEARS[1]),
               error=f"Tahun harus bilangan bulat antara {YEARS[0]} dan {YEARS[1]}."),
)
SCORE = ValueKind(
    f"angka {SCORES[0]}–{SCORES[1]} (desimal boleh)",
    "75,5",
    "General",
    Validation("decimal", "between", str(SCORES[0]), str(SCORES[1]),
               error=f"Skor harus angka antara {SCORES[0]} dan {SCORES[1]}."),
)
AMOUNT = ValueKind(
    "angka tidak negatif; Rupiah boleh ditulis 1500000 atau Rp 1.500.000",
    "1500000",
    "#,##0",
    Validation("decimal", "greaterThanOrEqual", "0", error="Isi angka yang tidak negatif."),
)
COUNT = ValueKind(
    "bilangan bulat tidak negatif",
    "12",
    "0",
    Validation("whole", "greaterThanOrEqual", "0", error="Isi bilangan bulat yang tidak negatif."),
)
YES_NO = ValueKind("ya atau tidak", "ya", TEXT)

# Each annotated type of ``engine.ingest.tables`` with the kind of value it reads.
_KIND_OF_TYPE: tuple[tuple[Any, ValueKind], ...] = (
    (tables.Nik, NIK),
    (tables.Nib, NIB),
    (tables.IdKukm, ID_KUKM),
    (tables.IdText, ID_TEXT),
    (tables.Text, FREE_TEXT),
    (tables.OptText, FREE_TEXT),
    (tables.Label, LABEL),
    (tables.KodeWilayah, KODE_WILAYAH),
    (tables.Tanggal, DATE),
    (tables.OptTanggal, DATE),
    (tables.Tahun, YEAR),
    (tables.OptTahun, YEAR),
    (tables.Skor, SCORE),
    (tables.OptSkor, SCORE),
    (tables.Amount, AMOUNT),
    (tables.OptAmount, AMOUNT),
    (tables.OptCount, COUNT),
    (tables.OptBool, YES_NO),
)


class UnknownKind(Exception):
    """A column of the tables whose type this module does not know yet: a programming error."""


def kind_of(model: type[tables.Record], column: str) -> ValueKind:
    """The kind of ``model.column``, found by the parser its annotated type carries."""
    metadata = model.model_fields[column].metadata
    for annotated, kind in _KIND_OF_TYPE:
        if any(item is annotated.__metadata__[0] for item in metadata):
            return kind
    raise UnknownKind(f"{model.table}.{column}: jenis nilai tidak dikenal templat")

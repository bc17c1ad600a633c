"""Parsers for single cell values as Indonesian offices write them.

Each parser takes what a CSV reader or openpyxl gives (str, int, float, bool, date, datetime or
None) and returns a typed value, or raises ``ValueError`` whose message is the plain-words reason
(in Bahasa Indonesia) that ends up in ``rejects.csv``.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from functools import cache

from babel.dates import get_month_names

_SCIENTIFIC = re.compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$")
_CURRENCY = re.compile(r"^(rp\.?|idr)\s*", re.IGNORECASE)
_GROUPED_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d*[.,]\d+$")
_DOT_THEN_COMMA = re.compile(r"^\d{1,3}(\.\d{3})*,\d+$")
_COMMA_THEN_DOT = re.compile(r"^\d{1,3}(,\d{3})*\.\d+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_NAMED_MONTH = re.compile(r"^(\d{1,2})[\s-]+([A-Za-z]+)\.?[\s-]+(\d{4})$")
_KODE_WILAYAH = re.compile(r"^\d{2}\.\d{2}$")
# str.isdigit() and a plain \d also take full-width (３), Arabic-Indic (٣) and superscript (³) digits:
# such an id would be a second koperasi beside the same NIK typed in ASCII.
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_SIGNS = re.compile(r"^[+-]{2,}")
TRUE_WORDS = {"ya", "y", "yes", "true", "1", "benar"}
FALSE_WORDS = {"tidak", "t", "no", "false", "0", "salah"}

EMPTY = "nilai wajib diisi tetapi kosong"  # the reason of a required cell left empty
FIRST_YEAR = 1900  # years a cell or --year may name: beyond them a typed year is a slip
LAST_YEAR = 2100
NIK_DIGITS = 16
NIB_DIGITS = 13
EXCEL_DIGITS = 15
# Counts are compared as JSON numbers inside durable_rules (64-bit) and as floats in the baselines:
# beyond 2**53 a count is no longer exact in either, and past 2**63 it cannot be sent at all.
COUNT_LIMIT = 2**53


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_text(raw: object) -> str:
    text = " ".join(str(raw).split())
    if not text:
        raise ValueError(EMPTY)
    return text


def parse_label(raw: object) -> str:
    """A category written by hand (bidang, standar, jenis): compared case-insensitively."""
    return parse_text(raw).casefold().replace("_", " ")


def _reject_scientific(text: str) -> None:
    if _SCIENTIFIC.match(text):
        raise ValueError(
            f"id ditulis dalam notasi ilmiah ({text}), digit aslinya sudah hilang; "
            "format kolom sebagai Teks di Excel lalu isi ulang id lengkapnya"
        )


def _id_text(raw: object) -> str:
    """An id cell as text; a number cell that has already lost digits is refused."""
    if isinstance(raw, bool):
        raise ValueError("id harus berupa deretan angka")
    if isinstance(raw, (int, float)):
        # Excel keeps 15 significant digits of a number cell: a longer id has already lost digits.
        if isinstance(raw, float) and not raw.is_integer() or len(str(abs(int(raw)))) > EXCEL_DIGITS:
            raise ValueError(
                f"id tersimpan sebagai angka ({raw!r}); Excel hanya menyimpan {EXCEL_DIGITS} digit "
                "sehingga digit terakhir sudah hilang; format kolom sebagai Teks lalu isi ulang"
            )
        raw = int(raw)
    return str(raw).strip()


def _numeric_id_text(raw: object) -> str:
    """A numeric id (NIK, NIB): scientific notation means Excel has already cut its digits."""
    text = _id_text(raw)
    _reject_scientific(text)
    return text


def is_ascii_digits(text: str) -> bool:
    return _ASCII_DIGITS.fullmatch(text) is not None


def _reject_other_digits(text: str, name: str) -> None:
    if text.isdigit() and not is_ascii_digits(text):
        raise ValueError(
            f"{name} memuat angka selain 0-9 (angka lebar penuh, Arab atau superskrip); "
            "ketik ulang dengan angka biasa 0-9"
        )


def parse_digits_id(raw: object, digits: int, name: str) -> str:
    text = _numeric_id_text(raw)
    if not text:
        raise ValueError(EMPTY)
    _reject_other_digits(text, name)
    if not is_ascii_digits(text):
        raise ValueError(f"{name} harus berupa {digits} digit angka")
    if len(text) != digits:
        hint = " (nol di depan mungkin hilang)" if len(text) < digits else ""
        raise ValueError(f"{name} harus {digits} digit, tertulis {len(text)} digit{hint}")
    return text


def parse_nik(raw: object) -> str:
    return parse_digits_id(raw, NIK_DIGITS, "NIK")


def parse_nib(raw: object) -> str:
    return parse_digits_id(raw, NIB_DIGITS, "NIB")


def parse_id_kukm(raw: object) -> str:
    text = _numeric_id_text(raw)
    if is_ascii_digits(text) and len(text) in (NIK_DIGITS, NIB_DIGITS):
        return text
    if not text:
        raise ValueError(EMPTY)
    _reject_other_digits(text, "id_kukm")
    raise ValueError(f"id_kukm harus NIK ({NIK_DIGITS} digit) atau NIB ({NIB_DIGITS} digit)")


def parse_id_text(raw: object) -> str:
    """A participant id such as P-2024-001 or 2024E001: text, so an 'E' is a letter, not an exponent."""
    return parse_text(_id_text(raw))


def parse_kode_wilayah(raw: object) -> str:
    if isinstance(raw, float):
        # A code such as 35.10 typed into a number cell arrives as 35.1.
        raw = f"{raw:.2f}"
    text = parse_text(raw)
    if not _KODE_WILAYAH.match(text):
        raise ValueError("kode wilayah harus berbentuk NN.NN menurut Kemendagri, misalnya 35.78")
    return text


def _number_text(raw: str) -> str:
    text = raw.strip().replace("\u00a0", " ")
    text = _CURRENCY.sub("", text)
    return text.replace(" ", "")


def _normalise_number(text: str, integer_amount: bool) -> str:
    """Decide which separator is the decimal one.

    The rule: with both `.` and `,` the later one is the decimal separator; repeated separators
    group thousands; a single separator followed by exactly three digits groups thousands only
    in an integer-amount column (Rupiah, people), where 1,5 Rupiah or 1.5 workers make no sense;
    anywhere else a single separator is the decimal point (so a score `75.5` and `75,5` are equal).
    """
    if _PLAIN.match(text):
        return text
    if "." in text and "," in text:
        if _DOT_THEN_COMMA.match(text):
            return text.replace(".", "").replace(",", ".")
        if _COMMA_THEN_DOT.match(text):
            return text.replace(",", "")
        raise ValueError("angka tidak terbaca")
    single_group = text.count(".") + text.count(",") == 1 and len(re.split(r"[.,]", text)[1]) == 3
    if _GROUPED_DOT.match(text) and (text.count(".") > 1 or (integer_amount and single_group)):
        return text.replace(".", "")
    if _GROUPED_COMMA.match(text) and (text.count(",") > 1 or (integer_amount and single_group)):
        return text.replace(",", "")
    if _DECIMAL.match(text):
        return text.replace(",", ".")
    raise ValueError("angka tidak terbaca")


def parse_number(raw: object, *, integer_amount: bool) -> float:
    if isinstance(raw, bool):
        raise ValueError("angka tidak terbaca")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = _number_text(str(raw))
        if not text:
            raise ValueError(EMPTY)
        if _SIGNS.match(text):
            raise ValueError("angka tidak terbaca (tanda + atau - lebih dari satu)")
        sign = -1.0 if text.startswith("-") else 1.0
        value = sign * float(_normalise_number(text.lstrip("+-"), integer_amount))
    if not math.isfinite(value):
        raise ValueError("angka tidak terbaca")
    return value


def parse_amount(raw: object) -> float:
    """Rupiah: thousands grouping wins for a lone separator before three digits."""
    value = parse_number(raw, integer_amount=True)
    if value < 0:
        raise ValueError("nilai Rupiah tidak boleh negatif")
    return value


def parse_count(raw: object) -> int:
    value = parse_number(raw, integer_amount=True)
    if value < 0 or not value.is_integer():
        raise ValueError("harus bilangan bulat tidak negatif")
    if value >= COUNT_LIMIT:
        raise ValueError(f"angka terlalu besar untuk dihitung tepat (batas {COUNT_LIMIT - 1:,})".replace(",", "."))
    return int(value)


def parse_year(raw: object) -> int:
    value = parse_number(raw, integer_amount=False)
    if not value.is_integer() or not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValueError(f"tahun harus empat digit antara {FIRST_YEAR} dan {LAST_YEAR}")
    return int(value)


def parse_score(raw: object) -> float:
    value = parse_number(raw, integer_amount=False)
    if not 0 <= value <= 100:
        raise ValueError("skor harus di antara 0 dan 100")
    return value


def parse_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().casefold()
    if isinstance(raw, (int, float)) and raw in (0, 1):
        text = str(int(raw))
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError("harus ya/tidak (juga y/t, yes/no, true/false, 1/0)")


@cache
def month_numbers() -> dict[str, int]:
    """Indonesian month names from CLDR, wide and abbreviated, plus the common `Agt`."""
    names: dict[str, int] = {"agt": 8, "sept": 9, "nop": 11, "pebruari": 2}
    for width in ("wide", "abbreviated"):
        for number, name in get_month_names(width, locale="id").items():
            names[name.casefold().rstrip(".")] = number
    return names


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"tanggal tidak ada di kalender ({day:02d}-{month:02d}-{year})") from None


def parse_date(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = " ".join(str(raw).split())
    if not text:
        raise ValueError(EMPTY)
    if match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
        return _make_date(year, month, day)
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
        return _make_date(year, month, day)
    if match := _NAMED_MONTH.match(text):
        month = month_numbers().get(match.group(2).casefold())
        if month is not None:
            return _make_date(int(match.group(3)), month, int(match.group(1)))
    raise ValueError(
        "tanggal tidak terbaca; tulis misalnya 2024-03-12, 12/03/2024, 12-03-2024 atau 12 Maret 2024"
    )

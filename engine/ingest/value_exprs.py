"""The cell parsers of ``values.py`` as polars expressions, for a whole column at once.

Each parser reads a text column (null: no cell) and gives the parsed value and a status per cell:
``ACCEPT`` (the value is what ``values.py`` returns for that text), ``REJECT`` (``values.py`` raises)
or ``DEFER``: the cell holds a character outside ASCII where ``values.py`` reads Unicode (``\\d``
takes Arabic-Indic digits, ``float`` takes full-width ones, ``casefold`` folds ``ſ`` into ``s``), so
only the Python parser can say. Rejected and deferred cells go to the pydantic model, which gives
the exact message; ``tests/test_value_exprs.py`` feeds random cells through both and requires
the same value or the same refusal.

Whitespace is Python's (``str.isspace``: tabs, no-break and ideographic spaces, …), named character
by character, so stripping and collapsing behave exactly as ``str.strip``/``str.split``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


from engine.ingest import values
from engine.ingest.polars_setup import pl

ACCEPT, REJECT, DEFER = 0, 1, 2

# Every character str.isspace() takes (what values.py strips), written out: finding them by testing all
# 1.1M code points cost ≈ 0.4 s at every import. tests/test_value_exprs.py checks the list is complete.
SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
          "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE_CLASS = "[" + "".join(f"\\x{{{ord(char):x}}}" for char in SPACES) + "]"
_NON_ASCII = r"[^\x00-\x7f]"
_UNTIDY = r"[^!-~ ]| {2}|^ | $"  # a cell that stripping or collapsing changes, or one beyond printable ASCII
_TRUE = sorted(values.TRUE_WORDS)
_FALSE = sorted(values.FALSE_WORDS)
_INT_LIMIT = float(values.COUNT_LIMIT)  # values.py refuses a count this large (not exact as a float)
_ISO_DATE = r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]00:00(?::00)?)?$"
_DAY_FIRST = r"^([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{4})$"
_NAMED_MONTH = r"^([0-9]{1,2})[ -]+([A-Za-z]+)\.?[ -]+([0-9]{4})$"  # text collapsed: " " is the only space


class Parsed(NamedTuple):
    value: pl.Series
    status: pl.Series  # ACCEPT, REJECT or DEFER (UInt8)


def _series(frame: pl.DataFrame, value: pl.Expr, status: pl.Expr) -> Parsed:
    out = frame.select(value.alias("value"), status.alias("status"))
    return Parsed(out["value"], out["status"])


def _cells(cells: pl.Series) -> pl.DataFrame:
    """The column ``cell`` and what ``str.strip`` (``stripped``) and ``" ".join(text.split())``
    (``collapsed``) make of it: the column itself where no cell holds other than printable ASCII and
    single inner spaces (most columns: the two regular expressions are then not run at all)."""
    frame = pl.DataFrame({"cell": cells})
    if not cells.str.contains(_UNTIDY).any():
        return frame.with_columns(pl.col("cell").alias("stripped"), pl.col("cell").alias("collapsed"))
    return frame.with_columns(stripped(pl.col("cell")).alias("stripped"), collapsed(pl.col("cell")).alias("collapsed"))


def _of_cells(parse: Callable[[pl.Expr, pl.Expr], tuple[pl.Expr, pl.Expr]]) -> Callable[[pl.Series], Parsed]:
    """A parser of a text column, from its value and status expressions over the stripped and the
    collapsed cell."""
    return lambda cells: _series(_cells(cells), *parse(pl.col("stripped"), pl.col("collapsed")))


def stripped(cell: pl.Expr) -> pl.Expr:
    return cell.str.strip_chars(SPACES)


def is_blank(cell: pl.Expr) -> pl.Expr:
    """``values.is_blank`` of a text column: nothing but whitespace, matched, not stripped (stripping
    makes a copy of every cell of a large table)."""
    return cell.is_null() | cell.str.contains(f"^{_SPACE_CLASS}*$")


def collapsed(cell: pl.Expr) -> pl.Expr:
    """``" ".join(text.split())``."""
    return cell.str.replace_all(_SPACE_CLASS + "+", " ").str.strip_chars(" ")


def _status(accepted: pl.Expr, deferred: pl.Expr | None = None) -> pl.Expr:
    status = pl.when(accepted).then(pl.lit(ACCEPT, pl.UInt8)).otherwise(pl.lit(REJECT, pl.UInt8))
    if deferred is None:
        return status
    return pl.when(deferred).then(pl.lit(DEFER, pl.UInt8)).otherwise(status)


def _non_ascii(text: pl.Expr) -> pl.Expr:
    return text.str.contains(_NON_ASCII)


def text(_: pl.Expr, value: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return value, _status(value != "")


def label(_: pl.Expr, value: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return value.str.to_lowercase().str.replace_all("_", " ", literal=True), _status(value != "", _non_ascii(value))


def _digits_id(lengths: tuple[int, ...]) -> Callable[[pl.Expr], tuple[pl.Expr, pl.Expr]]:
    pattern = "^(?:" + "|".join(f"[0-9]{{{length}}}" for length in lengths) + ")$"

    def parse(value: pl.Expr, _: pl.Expr) -> tuple[pl.Expr, pl.Expr]:  # only 0-9 make an id (values.is_ascii_digits)
        return value, _status(value.str.contains(pattern))

    return parse


def kode_wilayah(_: pl.Expr, value: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return value, _status(value.str.contains(r"^[0-9]{2}\.[0-9]{2}$"), _non_ascii(value))


def boolean(value: pl.Expr, _: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    low = value.str.to_lowercase()
    parsed = pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)
    return parsed, _status(parsed.is_not_null(), _non_ascii(value))


def _ymd(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> list[pl.Expr]:
    """The calendar date of the digit columns ``year``, ``month`` and ``day``, or null where there is
    none (Python's ``date`` starts at year 1), in two steps: ``date`` is made only of valid parts."""
    y, m, d = year.cast(pl.Int32), month.cast(pl.Int32), day.cast(pl.Int32)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    days = pl.when(m == 2).then(pl.when(leap).then(29).otherwise(28)).when(m.is_in([4, 6, 9, 11])).then(30).otherwise(31)
    valid = ((y >= 1) & m.is_between(1, 12) & (d >= 1) & (d <= days)).fill_null(False)
    one = pl.lit(1, pl.Int32)
    parts = [pl.when(pl.col("valid")).then(part).otherwise(one) for part in (y, m, d)]
    return [valid.alias("valid"), pl.when(pl.col("valid")).then(pl.date(*parts))]


def date(cells: pl.Series) -> Parsed:
    frame = _cells(cells).select(pl.col("cell"), pl.col("collapsed").alias("text"))
    # One pass of the three forms, in the order values.parse_date tries them (leftmost alternative first).
    forms = "|".join(f"(?:{pattern[1:-1]})" for pattern in (_ISO_DATE, _DAY_FIRST, _NAMED_MONTH))
    frame = frame.with_columns(pl.col("text").str.extract_groups(f"^(?:{forms})$").alias("parts"))
    part = pl.col("parts").struct
    months = {name: f"{number:02d}" for name, number in values.month_numbers().items()}
    month = part.field("8").str.to_lowercase().replace_strict(months, default=None, return_dtype=pl.String)
    # one alternative matches: its parts are the only ones not null
    valid, parsed = _ymd(pl.coalesce(part.field("1"), part.field("6"), part.field("9")),
                         pl.coalesce(part.field("2"), part.field("5"), month),
                         pl.coalesce(part.field("3"), part.field("4"), part.field("7")))
    frame = frame.with_columns(valid).with_columns(parsed.alias("date"))
    return _series(frame, pl.col("date"), _status(pl.col("date").is_not_null(), _non_ascii(pl.col("text"))))


def _normalised(integer_amount: bool) -> pl.Expr:
    """``values._normalise_number`` of the column ``body`` where it is not plain digits (null where it
    raises), from the flags of ``_number_flags`` (each computed once: a ``when`` branch is computed for
    every row)."""
    lone = pl.col("single_group") if integer_amount else pl.lit(False)
    no_dots = pl.col("body").str.replace_all(".", "", literal=True)
    no_commas = pl.col("body").str.replace_all(",", "", literal=True)
    return (
        pl.when((pl.col("dots") > 0) & (pl.col("commas") > 0)).then(
            pl.when(pl.col("dot_then_comma")).then(no_dots.str.replace(",", ".", literal=True))
            .when(pl.col("comma_then_dot")).then(no_commas))
        .when(pl.col("grouped_dot") & ((pl.col("dots") > 1) | lone)).then(no_dots)
        .when(pl.col("grouped_comma") & ((pl.col("commas") > 1) | lone)).then(no_commas)
        .when(pl.col("decimal")).then(pl.col("body").str.replace(",", ".", literal=True))
    )


def _number_flags() -> list[pl.Expr]:
    body = pl.col("body")
    return [
        body.str.count_matches(".", literal=True).alias("dots"),
        body.str.count_matches(",", literal=True).alias("commas"),
        body.str.contains(r"^[^.,]*[.,][^.,]{3}$").alias("single_group"),
        body.str.contains(r"^[0-9]{1,3}(\.[0-9]{3})*,[0-9]+$").alias("dot_then_comma"),
        body.str.contains(r"^[0-9]{1,3}(,[0-9]{3})*\.[0-9]+$").alias("comma_then_dot"),
        body.str.contains(r"^[0-9]{1,3}(\.[0-9]{3})+$").alias("grouped_dot"),
        body.str.contains(r"^[0-9]{1,3}(,[0-9]{3})+$").alias("grouped_comma"),
        body.str.contains(r"^[0-9]*[.,][0-9]+$").alias("decimal"),
    ]


def number(cells: pl.Series, integer_amount: bool) -> pl.DataFrame:
    """``values.parse_number`` of text cells: columns ``value`` (null where it raises) and ``deferred``,
    made in steps so that nothing is computed twice; the separators are worked out only for the cells
    that are not plain digits (years, most counts)."""
    if cells.str.contains(r"^[0-9]*$").fill_null(True).all():  # plain digits or blank (years, most counts)
        frame = pl.DataFrame({"unsigned": cells, "deferred": pl.repeat(False, len(cells), eager=True)})
        return _signed(frame.with_columns(pl.col("unsigned").cast(pl.Float64, strict=False).alias("magnitude")))
    frame = _cells(cells).with_columns(pl.col("stripped").str.replace_all("\u00a0", " ", literal=True).alias("spaced"))
    frame = frame.with_columns(
        pl.col("spaced").str.replace(r"(?i)^(rp\.?|idr)" + _SPACE_CLASS + "*", "")
        .str.replace_all(" ", "", literal=True).alias("unsigned"),
        _non_ascii(pl.col("spaced")).alias("deferred"))
    frame = frame.with_columns(pl.col("unsigned").str.strip_chars_start("+-").alias("body"))
    frame = frame.with_columns(pl.col("body").str.contains(r"^[0-9]+$").fill_null(False).alias("plain"))
    others = frame.with_row_index("at").filter(~pl.col("plain")).with_columns(_number_flags())
    normalised = frame["body"].set(~frame["plain"], None)
    normalised.scatter(others["at"], others.select(_normalised(integer_amount))[:, 0])
    return _signed(frame.with_columns(normalised.cast(pl.Float64, strict=False).alias("magnitude")))


def _signed(frame: pl.DataFrame) -> pl.DataFrame:
    """``value``: the signed ``magnitude`` (null where the sign is doubled or the number not finite), and ``deferred``."""
    signed = pl.when(pl.col("unsigned").str.starts_with("-")).then(-pl.col("magnitude")).otherwise(pl.col("magnitude"))
    one_sign = ~pl.col("unsigned").str.contains(r"^[+-]{2,}")
    return frame.select(pl.when(one_sign & signed.is_finite()).then(signed).alias("value"), "deferred")


def _number_kind(check: Callable[[pl.Expr], pl.Expr], integer_amount: bool,
                 cast: pl.DataType = pl.Float64) -> Callable[[pl.Series], Parsed]:
    def parse(cells: pl.Series) -> Parsed:
        frame = number(cells, integer_amount)
        value, deferred = pl.col("value"), pl.col("deferred")
        accepted = value.is_not_null() & check(value)
        if cast == pl.Int64:
            accepted = accepted & (value.abs() < _INT_LIMIT)
        return _series(frame, pl.when(accepted).then(value).cast(cast, strict=False), _status(accepted, deferred))

    return parse


DISTINCT_AT_MOST = 0.5  # share of distinct cells up to which a column is parsed a distinct cell at a time


def once_per_cell(parse: Callable[[pl.Series], Parsed]) -> Callable[[pl.Series], Parsed]:
    """``parse`` run on each distinct cell once and its answers given back to every cell: what a parser
    says of a cell depends on the cell alone. A national RAT table's 925,657 dates are 17,226 distinct
    texts, and its regular expressions took 0.98 CPU-s over every cell against 0.12 over the distinct
    ones (bench/README.md, "seventh session"). A column of mostly distinct cells (amounts, ids) is
    parsed whole: finding the distinct ones there costs more than it saves."""
    def parse_distinct(cells: pl.Series) -> Parsed:
        distinct = cells.unique()
        if distinct.len() > DISTINCT_AT_MOST * cells.len():
            return parse(cells)
        parsed = parse(distinct)
        answers = pl.DataFrame({"cell": distinct, "value": parsed.value, "status": parsed.status})
        given = pl.DataFrame({"cell": cells}).join(answers, on="cell", how="left", maintain_order="left",
                                                   nulls_equal=True)
        return Parsed(given["value"], given["status"])

    return parse_distinct


# The parsers whose cells repeat (dates, numbers, yes/no, labels) take a distinct cell at a time; the
# ids' and texts' cells are mostly distinct, and their parsers one pattern each.
PARSERS: dict[Callable[[Any], Any], Callable[[pl.Series], Parsed]] = {
    values.parse_text: _of_cells(text),
    values.parse_id_text: _of_cells(text),  # an id's surrounding spaces go first, then the text's: the same
    values.parse_label: once_per_cell(_of_cells(label)),
    values.parse_nik: _of_cells(_digits_id((values.NIK_DIGITS,))),
    values.parse_nib: _of_cells(_digits_id((values.NIB_DIGITS,))),
    values.parse_id_kukm: _of_cells(_digits_id((values.NIK_DIGITS, values.NIB_DIGITS))),
    values.parse_kode_wilayah: _of_cells(kode_wilayah),
    values.parse_date: once_per_cell(date),
    values.parse_bool: once_per_cell(_of_cells(boolean)),
    values.parse_amount: once_per_cell(_number_kind(lambda value: value >= 0, integer_amount=True)),
    values.parse_count: once_per_cell(_number_kind(lambda value: (value >= 0) & (value == value.floor()),
                                                   integer_amount=True, cast=pl.Int64)),
    values.parse_year: once_per_cell(_number_kind(lambda value: value.is_between(values.FIRST_YEAR, values.LAST_YEAR)
                                                  & (value == value.floor()), integer_amount=False, cast=pl.Int64)),
    values.parse_score: once_per_cell(_number_kind(lambda value: value.is_between(0, 100), integer_amount=False)),
}

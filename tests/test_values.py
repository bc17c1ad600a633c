"""Cell parsers: every format of the contract, and properties over generated values."""

from datetime import date, datetime

import pytest
from babel.dates import format_date
from hypothesis import given
from hypothesis import strategies as st

from engine.ingest import values

amounts = st.integers(min_value=0, max_value=10**13)
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))


def grouped(number: int, separator: str) -> str:
    return f"{number:,}".replace(",", separator)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234567.89", 1234567.89),
        ("1.234.567,89", 1234567.89),
        ("1,234,567.89", 1234567.89),
        ("75,5", 75.5),
        ("Rp 1.500.000", 1500000),
        ("Rp5.000,00", 5000),
        ("Rp. 2.500", 2500),
        ("1.500", 1500),
        ("1,500", 1500),
        ("  12 ", 12),
    ],
)
def test_amounts_as_offices_write_them(text, expected):
    assert values.parse_amount(text) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "expected"), [("75.5", 75.5), ("75,5", 75.5), ("1.500", 1.5), ("100", 100)])
def test_a_lone_separator_is_decimal_outside_integer_amounts(text, expected):
    assert values.parse_number(text, integer_amount=False) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["sejuta", "1.2.3", "12,34,5", "Rp", "1e", "--5", "nan", "inf"])
def test_unreadable_numbers_are_refused(text):
    with pytest.raises(ValueError):
        values.parse_amount(text)


@given(amounts)
def test_grouped_amounts_round_trip(number):
    assert values.parse_amount(grouped(number, ".")) == number
    assert values.parse_amount(grouped(number, ",")) == number
    assert values.parse_amount("Rp " + grouped(number, ".") + ",00") == number


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_indonesian_decimals_round_trip(whole, cents):
    text = f"{grouped(whole, '.')},{cents:02d}"
    assert values.parse_amount(text) == pytest.approx(whole + cents / 100)


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_scores_within_range_are_read_in_both_notations(score):
    assert values.parse_score(str(score)) == pytest.approx(float(score))
    assert values.parse_score(str(score).replace(".", ",")) == pytest.approx(float(score))


@pytest.mark.parametrize("text", ["100,01", "-3", "105"])
def test_scores_outside_0_100_are_refused(text):
    with pytest.raises(ValueError, match="0 dan 100"):
        values.parse_score(text)


@pytest.mark.parametrize(
    "text",
    ["2024-03-12", "12/03/2024", "12-03-2024", "12 Maret 2024", "12 Mar 2024", "12 maret 2024", "12-Mar-2024"],
)
def test_dates_as_offices_write_them(text):
    assert values.parse_date(text) == date(2024, 3, 12)


@pytest.mark.parametrize("text", ["5 Agu 2023", "5 Agt 2023", "5 Agustus 2023"])
def test_august_abbreviations(text):
    assert values.parse_date(text) == date(2023, 8, 5)


def test_real_date_cells():
    assert values.parse_date(datetime(2024, 3, 12, 0, 0)) == date(2024, 3, 12)
    assert values.parse_date(date(2024, 3, 12)) == date(2024, 3, 12)


@given(days)
def test_every_written_form_of_a_day_reads_back(day):
    forms = [
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        day.strftime("%d-%m-%Y"),
        format_date(day, "d MMMM yyyy", locale="id"),
        format_date(day, "d MMM yyyy", locale="id"),
    ]
    for form in forms:
        assert values.parse_date(form) == day, form


@pytest.mark.parametrize("text", ["31/02/2024", "kemarin", "2024/13/01", "32 Maret 2024", "12 Maretz 2024"])
def test_unreadable_dates_are_refused(text):
    with pytest.raises(ValueError):
        values.parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ya", True), ("Y", True), ("yes", True), ("TRUE", True), ("1", True),
     ("tidak", False), ("t", False), ("No", False), ("false", False), ("0", False)],
)
def test_booleans(text, expected):
    assert values.parse_bool(text) is expected


def test_ids_keep_leading_zeros():
    assert values.parse_nik("0012345678901234") == "0012345678901234"
    assert values.parse_nib("0123456789012") == "0123456789012"


@pytest.mark.parametrize("text", ["3.57801E+15", "3,57801E+15", "3.578E15", "1E+12"])
def test_scientific_notation_ids_are_refused_with_a_hint(text):
    with pytest.raises(ValueError, match="notasi ilmiah.*Teks"):
        values.parse_nik(text)


def test_a_short_nik_hints_at_lost_zeros():
    with pytest.raises(ValueError, match="nol di depan"):
        values.parse_nik("12345678901234")


def test_numeric_id_cells_beyond_float_precision_are_refused():
    with pytest.raises(ValueError, match="Teks"):
        values.parse_nik(9578012345678901.0)


@given(st.text(max_size=40))
def test_parsers_never_raise_anything_but_valueerror(text):
    for parse in (values.parse_amount, values.parse_score, values.parse_date, values.parse_bool,
                  values.parse_nik, values.parse_id_kukm, values.parse_kode_wilayah, values.parse_year):
        try:
            parse(text)
        except ValueError:
            pass

"""The growth and percentage formulas shared by indicators.json, the report's bars and its sheets."""

from hypothesis import given
from hypothesis import strategies as st

from engine.indicators.compute import growth_percent, percent_of

amounts = st.floats(min_value=0.01, max_value=1e12, allow_nan=False)


def test_growth_is_undefined_without_both_years_or_from_zero():
    assert growth_percent(None, 10) is None and growth_percent(10, None) is None
    assert growth_percent(0, 10) is None
    assert growth_percent(1_000_000, 1_250_000) == 25.0
    assert growth_percent(3, 2) == -33.33


def test_a_share_of_nothing_is_undefined():
    assert percent_of(1, 0) is None
    assert percent_of(2, 3) == 66.67


@given(amounts)
def test_no_change_is_zero_growth_and_the_whole_is_a_hundred_percent(value):
    assert growth_percent(value, value) == 0
    assert percent_of(value, value) == 100

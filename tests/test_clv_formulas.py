"""Margin-multiple CLV formulas: closed forms against brute-force sums, and bad input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab import CRMDataError
from crmlab.clv import margin_multiple, simple_clv


def brute(m, r, i, *, timing="end", horizon=3000, growth=0.0, cost=0.0):
    """Expected discounted margins, summed term by term (the definition in the Notes)."""
    total = 0.0
    for t in range(1, horizon + 1):
        margin = m * (1 + growth) ** (t - 1)
        if timing == "end":  # received at time t if the customer survived t periods
            total += margin * r**t / (1 + i) ** t
        else:  # received at time t - 1, the first one for sure
            total += margin * r ** (t - 1) / (1 + i) ** (t - 1)
    return total - cost


# ----------------------------------------------------------------------- margin multiple
def test_margin_multiple_textbook_value():
    assert margin_multiple(0.8, 0.1) == pytest.approx(0.8 / 0.3)
    assert round(margin_multiple(0.8, 0.1), 4) == 2.6667


@pytest.mark.parametrize(("r", "i", "expected"), [
    # Gupta & Lehmann's table of margin multiples
    (0.6, 0.10, 1.20), (0.7, 0.10, 1.75), (0.8, 0.10, 2.67), (0.9, 0.10, 4.50),
    (0.6, 0.12, 1.15), (0.8, 0.12, 2.50), (0.9, 0.12, 4.09), (0.9, 0.16, 3.46),
])
def test_margin_multiple_table(r, i, expected):
    assert round(margin_multiple(r, i), 2) == expected


def test_margin_multiple_edges():
    assert margin_multiple(0.0, 0.1) == 0.0
    assert margin_multiple(0.5, 0.0) == pytest.approx(1.0)  # r / (1 - r)


@pytest.mark.parametrize(("r", "i", "match"), [
    (90, 0.1, r"retention=90 looks like a percentage.*pass 0\.9, not 90"),
    (0.9, 12, r"discount=12 looks like a percentage.*pass 0\.12, not 12"),
    (1.0, 0.1, r"retention=1 means no customer ever leaves"),
    (-0.1, 0.1, r"retention=-0\.1 must be in \[0, 1\)"),
    (0.9, -0.05, r"discount=-0\.05 must be in \[0, 1\]"),
    (150, 0.1, r"retention=150 must be in \[0, 1\)"),
    ("0.9", 0.1, r"retention must be a number, got str"),
    (math.nan, 0.1, r"retention must be a finite number"),
    (True, 0.1, r"retention must be a number, got bool"),
])
def test_margin_multiple_errors(r, i, match):
    with pytest.raises(CRMDataError, match=match):
        margin_multiple(r, i)


# ----------------------------------------------------------------------- simple CLV
def test_end_timing_is_margin_times_multiple():
    assert simple_clv(100, 0.8, 0.1) == pytest.approx(100 * 0.8 / 0.3)
    assert round(simple_clv(100, 0.8, 0.1), 2) == 266.67
    assert simple_clv(100, 0.8, 0.1) == pytest.approx(brute(100, 0.8, 0.1))


def test_begin_timing_closed_form():
    # m (1 + i) / (1 + i - r) = 100 * 1.1 / 0.3
    assert simple_clv(100, 0.8, 0.1, timing="begin") == pytest.approx(110 / 0.3)
    assert simple_clv(100, 0.8, 0.1, timing="begin") == pytest.approx(
        brute(100, 0.8, 0.1, timing="begin"))
    # begin = end * (1 + i) / r
    assert simple_clv(100, 0.8, 0.1, timing="begin") == pytest.approx(
        simple_clv(100, 0.8, 0.1) * 1.1 / 0.8)


def test_finite_horizon_by_hand():
    # three margins at the end of periods 1..3
    by_hand = 100 * (0.8 / 1.1 + 0.8**2 / 1.1**2 + 0.8**3 / 1.1**3)
    assert simple_clv(100, 0.8, 0.1, horizon=3) == pytest.approx(by_hand)
    assert round(simple_clv(100, 0.8, 0.1, horizon=3), 2) == 164.09
    # begin: 100 + 100 q + 100 q^2 with q = 0.8 / 1.1
    q = 0.8 / 1.1
    assert simple_clv(100, 0.8, 0.1, horizon=3, timing="begin") == pytest.approx(
        100 * (1 + q + q**2))
    assert simple_clv(100, 0.8, 0.1, horizon=1) == pytest.approx(100 * 0.8 / 1.1)
    assert simple_clv(100, 0.8, 0.1, horizon=1, timing="begin") == pytest.approx(100.0)


def test_finite_horizon_converges_to_infinite():
    infinite = simple_clv(100, 0.8, 0.1)
    gaps = [infinite - simple_clv(100, 0.8, 0.1, horizon=h) for h in (5, 10, 20, 50)]
    assert all(a > b > 0 for a, b in zip(gaps, gaps[1:], strict=False))
    assert simple_clv(100, 0.8, 0.1, horizon=500) == pytest.approx(infinite, rel=1e-12)


def test_growth_closed_form():
    # m r / (1 + i - r (1 + g))
    assert simple_clv(100, 0.8, 0.1, growth=0.05) == pytest.approx(80 / (1.1 - 0.84))
    assert simple_clv(100, 0.8, 0.1, growth=0.05) == pytest.approx(
        brute(100, 0.8, 0.1, growth=0.05))
    assert simple_clv(100, 0.8, 0.1, growth=0.05, timing="begin") == pytest.approx(
        110 / (1.1 - 0.84))
    assert simple_clv(100, 0.8, 0.1, growth=-0.1) == pytest.approx(80 / (1.1 - 0.72))
    assert simple_clv(100, 0.8, 0.1, growth=0.05, horizon=7) == pytest.approx(
        brute(100, 0.8, 0.1, growth=0.05, horizon=7))


def test_acquisition_cost_is_subtracted_undiscounted():
    assert simple_clv(100, 0.8, 0.1, acquisition_cost=50) == pytest.approx(800 / 3 - 50)
    assert round(simple_clv(100, 0.8, 0.1, growth=0.05, acquisition_cost=50), 2) == 257.69


def test_zero_retention_and_zero_discount():
    assert simple_clv(100, 0.0, 0.1) == 0.0
    assert simple_clv(100, 0.0, 0.1, timing="begin") == 100.0
    assert simple_clv(100, 0.5, 0.0) == pytest.approx(100.0)  # m r / (1 - r)


def test_negative_margin_is_allowed():
    assert simple_clv(-10, 0.8, 0.1) == pytest.approx(-10 * 0.8 / 0.3)


def test_returns_python_float():
    assert type(simple_clv(100, 0.8, 0.1, horizon=4)) is float
    assert type(margin_multiple(0.8, 0.1)) is float


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"retention": 90}, r"pass 0\.9, not 90"),
    ({"discount": 12}, r"pass 0\.12, not 12"),
    ({"growth": 5}, r"growth=5 looks like a percentage.*pass 0\.05, not 5"),
    ({"growth": -1.0}, r"growth=-1 must be above -1"),
    ({"growth": 0.4}, r"infinite sum diverges.*r \* \(1 \+ g\) = 1\.12 >= 1 \+ i = 1\.1"),
    ({"acquisition_cost": -5}, r"acquisition_cost=-5 is negative"),
    ({"timing": "start"}, r"timing='start' is not one of 'end', 'begin'\. \('end': the "
                          r"margin arrives at the end .*'begin': at the start"),
    ({"timing": "beginning"}, r"timing='beginning' is not one of .* Did you mean 'begin'\?"),
    ({"horizon": 0}, r"horizon=0 must be a whole number of periods >= 1"),
    ({"horizon": 2.5}, r"horizon=2\.5 must be a whole number"),
    ({"horizon": True}, r"horizon=True must be a whole number"),
    ({"margin": "100"}, r"margin must be a number, got str"),
    ({"margin": math.inf}, r"margin must be a finite number"),
])
def test_simple_clv_errors(kwargs, match):
    args = {"margin": 100, "retention": 0.8, "discount": 0.1, **kwargs}
    with pytest.raises(CRMDataError, match=match):
        simple_clv(**args)


def test_diverging_growth_is_fine_with_a_finite_horizon():
    value = simple_clv(100, 0.8, 0.1, growth=0.3, horizon=10)
    assert value == pytest.approx(brute(100, 0.8, 0.1, growth=0.3, horizon=10))


# ----------------------------------------------------------------------- properties
rates = st.floats(0.0, 0.95)
discounts = st.floats(0.0, 0.3)


@settings(max_examples=50, deadline=None)
@given(m=st.floats(1, 1000), r=rates, i=discounts, horizon=st.integers(1, 40))
def test_property_finite_sum_matches_brute_force(m, r, i, horizon):
    for timing in ("end", "begin"):
        assert simple_clv(m, r, i, timing=timing, horizon=horizon) == pytest.approx(
            brute(m, r, i, timing=timing, horizon=horizon), rel=1e-9, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(m=st.floats(1, 1000), r=rates, i=st.floats(0.01, 0.3), horizon=st.integers(1, 40))
def test_property_monotone(m, r, i, horizon):
    infinite = simple_clv(m, r, i)
    assert simple_clv(m, r, i, horizon=horizon) <= infinite * (1 + 1e-12)
    assert simple_clv(m, min(r + 0.04, 0.99), i) >= infinite  # more retention, more value
    assert simple_clv(m, r, i + 0.05) <= infinite  # higher discount, less value
    assert infinite == pytest.approx(m * margin_multiple(r, i))


# ----------------------------------------------------------------------- 招商银行 student card
# The numbers of notebooks/05_key_accounts.ipynb: 4 student years at 20 yuan a year
# (retention 0.9), then 400 yuan a year growing 6% (retention 0.85), discount 8%,
# acquisition cost 150 yuan.
def test_cmb_student_card_numbers():
    student = simple_clv(20, 0.9, 0.08, horizon=4)
    career = simple_clv(400, 0.85, 0.08, growth=0.06)
    bridge = 0.9**4 / 1.08**4  # still a customer at graduation, discounted to today
    total = student + bridge * career - 150
    assert round(student, 2) == 51.77
    assert round(career, 2) == 1899.44
    assert round(bridge, 4) == 0.4823
    assert round(total, 2) == 817.79
    # brute force over the whole life: student years, then the career
    by_sum = sum(20 * 0.9**t / 1.08**t for t in range(1, 5)) + sum(
        400 * 1.06 ** (t - 5) * 0.9**4 * 0.85 ** (t - 4) / 1.08**t for t in range(5, 3000))
    assert total == pytest.approx(by_sum - 150)
    # judged on today's margin alone the student loses money
    assert round(simple_clv(20, 0.9, 0.08, acquisition_cost=150), 2) == -50.0
    assert round(20 * margin_multiple(0.9, 0.08), 2) == 100.0

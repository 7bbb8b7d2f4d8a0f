"""Intervals: Wilson against scipy, Newcombe against its paper, the bootstrap fixed by its seed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

import crmlab
from crmlab.uncertainty import bootstrap_interval, difference_interval, share_interval


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_is_scipys_and_contains_the_share(kn, confidence):
    k, n = kn
    low, high = share_interval(k, n, confidence=confidence)
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    assert low == pytest.approx(ref.low, abs=1e-12)
    assert high == pytest.approx(ref.high, abs=1e-12)
    assert low <= k / n <= high


def test_newcombe_reproduces_the_papers_examples():
    # Newcombe (1998), Statistics in Medicine 17, Table II, method 10
    assert difference_interval(56, 70, 48, 80) == pytest.approx((0.0524, 0.3339), abs=1e-4)
    assert difference_interval(9, 10, 3, 10) == pytest.approx((0.1705, 0.8090), abs=1e-4)


@given(st.integers(1, 300), st.integers(1, 300), st.data())
def test_a_difference_interval_is_antisymmetric_and_inside_minus_one_one(n1, n2, data):
    k1 = data.draw(st.integers(0, n1))
    k2 = data.draw(st.integers(0, n2))
    low, high = difference_interval(k1, n1, k2, n2)
    back = difference_interval(k2, n2, k1, n1)
    assert (-1 <= low <= k1 / n1 - k2 / n2 <= high <= 1)
    assert back == pytest.approx((-high, -low), abs=1e-12)


def test_the_bootstrap_is_fixed_by_its_seed_and_moves_with_it():
    x = np.random.default_rng(3).lognormal(size=300)
    first = bootstrap_interval(x, np.mean)
    assert first == bootstrap_interval(x, np.mean)
    assert first != bootstrap_interval(x, np.mean, seed=1)
    assert first[0] < x.mean() < first[1]


@pytest.mark.parametrize(("call", "match"), [
    (lambda: share_interval(0.3, 10), "whole numbers"),
    (lambda: share_interval(11, 10), "between 0 and n"),
    (lambda: share_interval(3, 10, confidence=95), "confidence"),
    (lambda: bootstrap_interval([1.0, 2.0], np.mean, method="bca"), "BCa"),
])
def test_bad_input_says_what_to_pass(call, match):
    with pytest.raises(crmlab.CRMDataError, match=match):
        call()

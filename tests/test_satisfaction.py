"""Satisfaction: NPS, churn and retention rates, SERVQUAL gaps, drivers, promises."""

from __future__ import annotations

import contextlib
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import crmlab  # noqa: E402
from crmlab import CRMDataError, plots, widgets  # noqa: E402
from crmlab.satisfaction import (  # noqa: E402
    DIMENSIONS,
    ChurnModel,
    churn_by_quartile,
    churn_drivers,
    churn_rate,
    complaint_rate,
    expected_lifetime,
    gap_scores,
    gap_summary,
    nps,
    nps_breakdown,
    promise_effect,
    rates_by_period,
    retention_rate,
    satisfaction_index,
    simulate_improvement,
)


@pytest.fixture(scope="module")
def survey():
    return crmlab.load_data("survey")


@pytest.fixture
def three():
    """Three customers, two dimensions, gaps worked out by hand below."""
    return pd.DataFrame({
        "customer_id": ["x", "y", "z"],
        "expect_speed": [5, 6, 4], "perceive_speed": [6, 4, 4],
        "expect_care": [3, 7, 5], "perceive_care": [4, 5, 2],
    })


@pytest.fixture(scope="module")
def synthetic():
    """Churn depends on the reliability gap only; the other gap is noise."""
    rng = np.random.default_rng(7)
    n = 1500
    e_rel, e_emp = rng.integers(3, 8, n), rng.integers(3, 8, n)
    p_rel, p_emp = rng.integers(1, 8, n), rng.integers(1, 8, n)
    logit = -1.5 - 1.2 * (p_rel - e_rel)
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({"expect_reliability": e_rel, "perceive_reliability": p_rel,
                         "expect_empathy": e_emp, "perceive_empathy": p_emp,
                         "churned": churned})


# ----------------------------------------------------------------------- NPS
def test_nps_by_hand():
    assert nps([10, 9, 8, 7, 6, 0]) == 0.0          # (2 - 2) / 6 * 100
    assert nps([10, 10, 9, 3]) == 50.0              # (3 - 1) / 4 * 100
    assert nps(pd.Series([7, 8])) == 0.0            # passives only
    assert nps([10]) == 100.0 and nps([0]) == -100.0  # a single customer
    assert nps(np.array([6, 6, 6])) == -100.0       # all equal, all detractors
    assert nps([9, 6, 7]) == pytest.approx(0.0)
    assert nps([9.0, 10.0, 0.0]) == pytest.approx(100 / 3)  # whole floats are fine


def test_nps_boundaries_of_the_groups():
    table = nps_breakdown(list(range(11)))
    assert table.loc["all", "detractors"] == pytest.approx(7 / 11)   # 0..6
    assert table.loc["all", "passives"] == pytest.approx(2 / 11)     # 7, 8
    assert table.loc["all", "promoters"] == pytest.approx(2 / 11)    # 9, 10
    assert table.loc["all", "nps"] == pytest.approx(100 * (2 - 7) / 11)


@pytest.mark.parametrize("bad, match", [
    ([11, 5], r"whole numbers from 0 to 10; 1 of 2 are not, in row 0 \(11\.0\)\. Fix"),
    ([5, 7.5, 3], r"row 1 \(7\.5\)"),
    ([-1, 5], r"row 0 \(-1\.0\)"),
    ([90, 50], r"0-100 scale"),
    ([5, np.nan, 3], r"missing \(NaN\), in row 1.*dropna"),
    ([], r"empty"),
    (["9", "ten"], r"not numbers, in row 1 \('ten'\)"),
    ([True, False], r"not numbers"),
    (7, r"Wrap a single score"),
])
def test_nps_errors(bad, match):
    with pytest.raises(CRMDataError, match=match):
        nps(bad)


def test_nps_error_names_the_series_labels():
    with pytest.raises(CRMDataError, match=r"row S2 \(12\.0\)"):
        nps(pd.Series([5, 12], index=["S1", "S2"]))
    with pytest.raises(CRMDataError, match="Pass one column"):
        nps(pd.DataFrame({"nps_score": [1, 2]}))


@settings(max_examples=50)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_nps_in_range_and_formula(scores):
    value = nps(scores)
    assert -100 <= value <= 100
    x = np.array(scores)
    assert value == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()))
    table = nps_breakdown(scores)
    assert table[["detractors", "passives", "promoters"]].sum(axis=1).iloc[0] == pytest.approx(1)


def test_nps_breakdown_by_group_and_bundled_number(survey):
    assert nps(survey["nps_score"]) == pytest.approx(-10.95)      # data card: NPS -11
    table = nps_breakdown(survey, by="marketing_promise")
    assert list(table.index) == ["modest", "accurate", "inflated"]  # category order
    assert table["customers"].sum() == len(survey)
    assert table["nps"].is_monotonic_decreasing
    assert table.loc["inflated", "nps"] == pytest.approx(-42.03, abs=0.01)
    with pytest.raises(CRMDataError, match="needs a DataFrame"):
        nps_breakdown([1, 2], by="segment")


# ----------------------------------------------------------------------- rates
def test_churn_and_retention_by_hand():
    assert churn_rate(15, 100) == pytest.approx(0.15)
    assert retention_rate(100, 95, 10) == pytest.approx(0.85)   # (95 - 10) / 100
    assert churn_rate(0, 50) == 0.0 and churn_rate(50, 50) == 1.0
    assert retention_rate(at_start=100, at_end=100, new=0) == 1.0
    assert retention_rate(10, 3, 3) == 0.0
    assert isinstance(churn_rate(15, 100), float)


def test_rates_on_series_keep_the_index():
    start = pd.Series([100, 95], index=["2024", "2025"])
    keep = retention_rate(start, pd.Series([95, 99], index=start.index),
                          pd.Series([10, 14], index=start.index))
    assert keep.name == "retention_rate" and list(keep.index) == ["2024", "2025"]
    np.testing.assert_allclose(keep, [0.85, 85 / 95])
    lost = churn_rate(pd.Series([15, 10], index=start.index), start)
    np.testing.assert_allclose(lost + keep, [1.0, 1.0])


@pytest.mark.parametrize("call, match", [
    (lambda: churn_rate(120, 100), r"more customers lost than at the start.*120 > 100"),
    (lambda: churn_rate(5, 0), r"at_start is 0"),
    (lambda: churn_rate(-5, 100), r"lost must be a count.*negative"),
    (lambda: churn_rate(np.nan, 100), r"missing or infinite"),
    (lambda: churn_rate("5", 100), r"must be a count"),
    (lambda: churn_rate(True, 100), r"must be a count"),
    (lambda: retention_rate(100, 95, 100), r"new > at_end"),
    (lambda: retention_rate(100, 190, 10), r"rate above 1"),
    (lambda: retention_rate(0, 5, 1), r"at_start is 0"),
    (lambda: retention_rate(100, -1, 0), r"at_end must be a count"),
    (lambda: churn_rate(pd.Series([1, 2], index=[0, 1]), pd.Series([5, 5], index=[1, 2])),
     r"different indexes"),
    (lambda: churn_rate(pd.Series([], dtype=float), pd.Series([], dtype=float)),
     r"empty"),
])
def test_rate_errors(call, match):
    with pytest.raises(CRMDataError, match=match):
        call()


def test_churn_error_names_the_period():
    with pytest.raises(CRMDataError, match=r"row 2025 \('12 > 10'\)"):
        churn_rate(pd.Series([1, 12], index=["2024", "2025"]), 10)


def test_rates_by_period_by_hand_and_no_mutation():
    periods = pd.DataFrame({"at_start": [100, 95], "at_end": [95, 99], "new": [10, 14]},
                           index=["2024", "2025"])
    before = periods.copy()
    out = rates_by_period(periods)
    pd.testing.assert_frame_equal(periods, before)
    assert out["lost"].tolist() == [15, 10]
    np.testing.assert_allclose(out["churn_rate"], [0.15, 10 / 95])
    np.testing.assert_allclose(out["churn_rate"] + out["retention_rate"], 1.0)
    # a lost column of its own (e.g. lapsed customers who come back)
    periods["gone"] = [20, 10]
    assert rates_by_period(periods, lost="gone")["churn_rate"].iloc[0] == pytest.approx(0.2)
    with pytest.raises(CRMDataError, match=r"no column 'begin'"):
        rates_by_period(periods, at_start="begin")


@settings(max_examples=50)
@given(st.integers(1, 10_000), st.data())
def test_rates_are_fractions_that_add_to_one(start, data):
    kept = data.draw(st.integers(0, start))
    new = data.draw(st.integers(0, 5_000))
    r = retention_rate(start, kept + new, new)
    c = churn_rate(start - kept, start)
    assert 0 <= r <= 1 and 0 <= c <= 1
    assert r + c == pytest.approx(1)


def test_expected_lifetime_and_percentages():
    assert expected_lifetime(0.2) == 5.0
    assert expected_lifetime(1.0) == 1.0
    with pytest.raises(CRMDataError, match=r"pass 0\.9, not 90"):
        expected_lifetime(90)
    with pytest.raises(CRMDataError, match=r"churn=0 must be in \(0, 1\]"):
        expected_lifetime(0)
    with pytest.raises(CRMDataError, match=r"churn must be a number in \[0, 1\], got str"):
        expected_lifetime("0.2")


def test_bundled_churn_rate(survey):
    rate = churn_rate(int(survey["churned"].sum()), len(survey))
    assert rate == pytest.approx(0.193)                 # data card: 386 of 2,000
    assert expected_lifetime(rate) == pytest.approx(1 / 0.193)


# ----------------------------------------------------------------------- gaps
def test_gap_scores_by_hand(three):
    before = three.copy()
    gaps = gap_scores(three)
    pd.testing.assert_frame_equal(three, before)
    assert list(gaps.columns) == ["gap_speed", "gap_care", "mean_gap"]
    assert gaps["gap_speed"].tolist() == [1, -2, 0]
    assert gaps["gap_care"].tolist() == [1, -2, -3]
    assert gaps["mean_gap"].tolist() == [1.0, -2.0, -1.5]
    assert gaps.attrs["dimensions"] == ["speed", "care"]
    assert gaps.index.equals(three.index)
    # one dimension only, by name
    assert list(gap_scores(three, dimensions=["care"]).columns) == ["gap_care", "mean_gap"]


def test_gap_summary_by_hand(three):
    s = gap_summary(three)
    assert list(s.index) == ["speed", "care"]
    assert s.loc["speed", "expectation"] == pytest.approx(5.0)
    assert s.loc["speed", "perception"] == pytest.approx(14 / 3)
    assert s.loc["care", "gap"] == pytest.approx(-4 / 3)
    assert s.loc["speed", "negative_share"] == pytest.approx(1 / 3)
    assert s.loc["care", "negative_share"] == pytest.approx(2 / 3)


def test_gap_prefixes_and_errors(three):
    renamed = three.rename(columns=lambda c: c.replace("expect_", "E_").replace("perceive_", "P_"))
    assert gap_scores(renamed, expect="E_", perceive="P_")["gap_care"].tolist() == [1, -2, -3]
    with pytest.raises(CRMDataError, match=r"no expectation columns starting with 'expect_'"):
        gap_scores(renamed)
    with pytest.raises(CRMDataError, match=r"'expect_price' have no matching 'perceive_price'"):
        gap_scores(three.assign(expect_price=[1, 2, 3]))
    with pytest.raises(CRMDataError, match=r"no column 'expect_price'"):
        gap_scores(three, dimensions=["price"])
    with pytest.raises(CRMDataError, match=r"missing values in row 1"):
        gap_scores(three.assign(perceive_care=[4, np.nan, 2]))
    with pytest.raises(CRMDataError, match="no rows"):
        gap_scores(three.iloc[:0])
    with pytest.raises(CRMDataError, match="non-empty list"):
        gap_scores(three, dimensions="speed")


def test_bundled_gaps(survey):
    s = gap_summary(survey)
    assert list(s.index) == list(DIMENSIONS)
    # the firm is strong on tangibles, weakest on responsiveness (data card)
    assert s["gap"].idxmax() == "tangibles" and s["gap"].idxmin() == "responsiveness"
    assert s.loc["responsiveness", "gap"] == pytest.approx(-0.2065, abs=1e-4)


# ----------------------------------------------------------------------- index
def test_satisfaction_index_by_hand(three):
    idx = satisfaction_index(three)
    # perceptions (6, 4) -> ((5 + 3) / 6) / 2 = 2/3; (4, 5) -> 7/12; (4, 2) -> 4/12
    np.testing.assert_allclose(idx, [200 / 3, 175 / 3, 100 / 3])
    gap = satisfaction_index(three, basis="gap")
    # mean gaps 1, -2, -1.5 -> 100 (g + 6) / 12
    np.testing.assert_allclose(gap, [700 / 12, 400 / 12, 450 / 12])
    weighted = satisfaction_index(three, weights={"speed": 1})
    np.testing.assert_allclose(weighted, [500 / 6, 300 / 6, 300 / 6])
    assert weighted.attrs["weights"] == {"speed": 1.0, "care": 0.0}


def test_satisfaction_index_regression_weights():
    rng = np.random.default_rng(1)
    a, b = rng.integers(1, 8, 200), rng.integers(1, 8, 200)
    df = pd.DataFrame({"expect_a": 4, "perceive_a": a, "expect_b": 4, "perceive_b": b,
                       "satisfaction": 1 + 2 * a - 0.5 * b})
    w = satisfaction_index(df, weights="regression").attrs["weights"]
    assert w == pytest.approx({"a": 1.0, "b": 0.0})     # negative coefficient -> 0


def test_satisfaction_index_errors(three):
    with pytest.raises(CRMDataError, match=r"outside the scale 1-5.*row 0"):
        satisfaction_index(three, scale=(1, 5))
    with pytest.raises(CRMDataError, match="basis='perceptions' is not one of .*Did you mean"):
        satisfaction_index(three, basis="perceptions")
    with pytest.raises(CRMDataError, match="weights='regresion' is not one of .*'regression'"):
        satisfaction_index(three, weights="regresion")
    with pytest.raises(CRMDataError, match=r"weights\['care'\]=-1 must be >= 0"):
        satisfaction_index(three, weights={"speed": 1, "care": -1})
    with pytest.raises(CRMDataError, match=r"use None, 'equal', 'regression' or a dict"):
        satisfaction_index(three, weights=[1, 2])
    with pytest.raises(CRMDataError, match=r"scale=\(7, 1\) must be \(lowest, highest\)"):
        satisfaction_index(three, scale=(7, 1))
    with pytest.raises(CRMDataError, match=r"scale\[1\] must be a finite number"):
        satisfaction_index(three, scale=(1, np.inf))
    with pytest.raises(CRMDataError, match="unknown dimension"):
        satisfaction_index(three, weights={"price": 1})
    with pytest.raises(CRMDataError, match="all weights are 0"):
        satisfaction_index(three, weights={"speed": 0})
    with pytest.raises(CRMDataError, match="no column 'satisfaction'"):
        satisfaction_index(three, weights="regression")


@settings(max_examples=50)
@given(st.lists(st.tuples(st.integers(1, 7), st.integers(1, 7)), min_size=1, max_size=30))
def test_satisfaction_index_in_0_100(pairs):
    df = pd.DataFrame(pairs, columns=["expect_a", "perceive_a"])
    for basis in ("perception", "gap"):
        idx = satisfaction_index(df, basis=basis)
        assert ((idx >= 0) & (idx <= 100)).all()


def test_bundled_regression_weights_recover_the_generator(survey):
    w = satisfaction_index(survey, basis="gap", weights="regression").attrs["weights"]
    assert max(w, key=w.get) == "reliability"           # data card: reliability 0.35
    assert min(w, key=w.get) == "tangibles"             # tangibles 0.10


# ----------------------------------------------------------------------- complaints
def test_complaint_rate_by_hand():
    df = pd.DataFrame({"complaints": [0, 0, 1, 3, 0], "seg": ["a", "a", "a", "b", "b"]})
    out = complaint_rate(df, by="seg")
    assert list(out.index) == ["a", "b", "all"]
    assert out.loc["all"].to_dict() == {"customers": 5, "complainants": 2,
                                        "complaint_rate": 0.4, "complaints": 4,
                                        "per_100": 80.0}
    assert out.loc["b", "complaint_rate"] == 0.5 and out.loc["b", "per_100"] == 150.0
    with pytest.raises(CRMDataError, match=r"whole numbers >= 0.*row 1 \(-1\)"):
        complaint_rate(pd.DataFrame({"complaints": [0, -1]}))
    with pytest.raises(CRMDataError, match="no rows"):
        complaint_rate(df.iloc[:0])


def test_bundled_complaint_rate(survey):
    out = complaint_rate(survey)
    assert out.loc["all", "complaint_rate"] == pytest.approx(0.3785)
    assert out.loc["all", "per_100"] == pytest.approx(54.25)


# ----------------------------------------------------------------------- churn drivers
def test_churn_drivers_recover_the_sign(synthetic):
    d = churn_drivers(synthetic)
    assert list(d.index) == ["gap_reliability", "gap_empathy"]   # sorted by |coef|
    assert d.loc["gap_reliability", "coef"] < -1.5                # strong and negative
    assert abs(d.loc["gap_empathy", "coef"]) < 0.2                # noise
    assert d.loc["gap_reliability", "odds_ratio"] == pytest.approx(
        np.exp(d.loc["gap_reliability", "coef"]))
    assert d.loc["gap_reliability", "churn_low"] > 0.5 > d.loc["gap_reliability", "churn_high"]
    assert d.attrs == {"target": "churned", "n": len(synthetic), "C": 1.0}   # provenance
    assert ChurnModel().fit(synthetic).churn_rate_ == pytest.approx(synthetic["churned"].mean())
    pd.testing.assert_frame_equal(d, churn_drivers(synthetic))    # deterministic


def test_churn_drivers_with_other_features(synthetic):
    df = synthetic.assign(complaints=np.arange(len(synthetic)) % 3)
    d = churn_drivers(df, features=["gap_reliability", "complaints", "mean_gap"])
    assert set(d.index) == {"gap_reliability", "complaints", "mean_gap"}
    assert "gap_reliability" not in df.columns                    # input untouched


def test_churn_drivers_errors(synthetic):
    with pytest.raises(CRMDataError, match="only False values"):
        churn_drivers(synthetic.assign(churned=False))
    with pytest.raises(CRMDataError, match=r"\['k'\] are constant"):
        churn_drivers(synthetic.assign(k=1), features=["k", "gap_empathy"])
    with pytest.raises(CRMDataError, match="must be True/False"):
        churn_drivers(synthetic.assign(churned="yes"))
    with pytest.raises(CRMDataError, match="no gap 'gap_price'"):
        churn_drivers(synthetic, features=["gap_price"])
    with pytest.raises(CRMDataError, match="C=0 must be > 0"):
        churn_drivers(synthetic, C=0)
    with pytest.raises(CRMDataError, match="C must be a number, got str"):
        churn_drivers(synthetic, C="1")
    with pytest.raises(CRMDataError, match="no rows"):
        churn_drivers(synthetic.iloc[:0])


def test_churn_by_quartile_by_hand():
    df = pd.DataFrame({"mean_gap": [-2.0, -1, 0, 1, 2, 3, 4, 5],
                       "churned": [1, 1, 1, 0, 0, 0, 0, 0]})
    out = churn_by_quartile(df)
    assert list(out.index) == ["Q1", "Q2", "Q3", "Q4"]
    assert out["customers"].tolist() == [2, 2, 2, 2]
    assert out["churn_rate"].tolist() == [1.0, 0.5, 0.0, 0.0]
    assert out["low"].tolist() == [-2.0, 0.0, 2.0, 4.0]
    with pytest.raises(CRMDataError, match=r"q=9 must be a whole number between 2 and the "
                                           r"number of customers \(8\)"):
        churn_by_quartile(df, q=9)
    with pytest.raises(CRMDataError, match="q=1 must be >= 2"):
        churn_by_quartile(df, q=1)
    with pytest.raises(CRMDataError, match="q=2.5 must be a whole number"):
        churn_by_quartile(df, q=2.5)


def test_bundled_drivers(survey):
    d = churn_drivers(survey)
    assert d.index[0] == "gap_reliability"                       # the biggest driver
    assert (d["coef"] < 0).all()                                  # every shortfall hurts
    assert d.loc["gap_reliability", "coef"] == pytest.approx(-1.061, abs=1e-3)
    q = churn_by_quartile(survey)
    assert q["churn_rate"].is_monotonic_decreasing
    assert q.loc["Q1", "churn_rate"] == pytest.approx(0.548)


def test_simulate_improvement(synthetic):
    d = ChurnModel().fit(synthetic)
    up = simulate_improvement(synthetic, d, dimension="reliability", delta=1)
    assert up.name == "reliability"
    assert up["churn_after"] < up["churn_before"]
    assert up["customers_kept"] == pytest.approx(-up["change"] * len(synthetic))
    zero = simulate_improvement(synthetic, d, dimension="reliability", delta=0)
    assert zero["change"] == pytest.approx(0)
    down = simulate_improvement(synthetic, d, dimension="reliability", delta=-1)
    assert down["churn_after"] > down["churn_before"]
    # perceptions are capped at 7: a huge delta cannot beat "everyone at 7"
    huge = simulate_improvement(synthetic, d, dimension="reliability", delta=100)
    capped = synthetic.assign(perceive_reliability=7)
    assert huge["churn_after"] == pytest.approx(
        simulate_improvement(capped, d, dimension="reliability", delta=0)["churn_after"])
    with pytest.raises(CRMDataError, match="no column 'perceive_price'"):
        simulate_improvement(synthetic, d, dimension="price")
    with pytest.raises(CRMDataError, match="output of churn_drivers"):
        simulate_improvement(synthetic, churn_drivers(synthetic).drop(columns="coef"),
                             dimension="reliability")
    with pytest.raises(CRMDataError, match="delta must be a finite number"):
        simulate_improvement(synthetic, d, dimension="reliability", delta=np.nan)


# ----------------------------------------------------------------------- promises
def test_promise_effect_by_hand():
    s = pd.DataFrame({"marketing_promise": pd.Categorical(
        ["modest", "inflated", "modest", "inflated"],
        categories=["modest", "accurate", "inflated"], ordered=True),
        "expect_speed": [4, 7, 4, 6], "perceive_speed": [5, 5, 5, 5],
        "satisfaction": [8, 5, 7, 6], "nps_score": [9, 6, 10, 8],
        "churned": [False, True, False, False]})
    out = promise_effect(s)
    assert list(out.index) == ["modest", "inflated"]             # category order, observed
    assert out.loc["inflated"].to_dict() == {
        "customers": 2, "expectation": 6.5, "perception": 5.0, "gap": -1.5,
        "satisfaction": 5.5, "nps": -50.0, "churn_rate": 0.5}
    assert out.loc["modest", "nps"] == 100.0
    lean = promise_effect(s, satisfaction=None, score=None, churned=None)
    assert list(lean.columns) == ["customers", "expectation", "perception", "gap"]
    with pytest.raises(CRMDataError, match=r"no column 'promise'.*Did you mean"):
        promise_effect(s.rename(columns={"marketing_promise": "promised"}), promise="promise")
    renamed = s.rename(columns={"nps_score": "recommend"})
    with pytest.raises(CRMDataError, match=r"no column 'nps_score'.*for example score='...'"):
        promise_effect(renamed)
    with pytest.warns(FutureWarning, match="nps_score= is now score="):
        old = promise_effect(renamed, nps_score="recommend")
    pd.testing.assert_frame_equal(old, promise_effect(renamed, score="recommend"))
    assert old.loc["modest", "nps"] == 100.0


def test_bundled_promise_effect(survey):
    out = promise_effect(survey)
    assert list(out.index) == ["modest", "accurate", "inflated"]
    assert out["expectation"].is_monotonic_increasing
    assert out["perception"].max() - out["perception"].min() < 0.1   # same service
    assert out["satisfaction"].is_monotonic_decreasing
    assert out["churn_rate"].is_monotonic_increasing
    np.testing.assert_allclose(out["satisfaction"], [7.37, 6.61, 5.32], atol=0.01)  # data card


# ----------------------------------------------------------------------- plots, widget
def test_plots(survey):
    fig, axes = plt.subplots(1, 3)
    ax = plots.gap_chart(gap_summary(survey), ax=axes[0])
    assert len(ax.lines) == 5 and len(ax.collections) == 2
    ax = plots.nps_chart(nps_breakdown(survey, by="marketing_promise"), ax=axes[1])
    assert len(ax.patches) == 9
    assert [t.get_text() for t in ax.texts] == ["NPS -42", "NPS -6", "NPS +17"]
    ax = plots.driver_chart(churn_drivers(survey), ax=axes[2])
    assert len(ax.patches) == 5
    plt.close(fig)
    with pytest.raises(CRMDataError, match="gap_summary"):
        plots.gap_chart(pd.DataFrame({"x": [1]}))
    with pytest.raises(CRMDataError, match="value="):
        plots.driver_chart(churn_drivers(survey), value="beta")


def test_improvement_explorer(survey):
    with contextlib.redirect_stdout(io.StringIO()):
        w = widgets.improvement_explorer(survey)
    assert list(w.result.index) == list(DIMENSIONS)
    best = w.result["churn_after"].idxmin()
    assert best == "reliability"
    with contextlib.redirect_stdout(io.StringIO()):
        w.children[0].value = "tangibles"
        w.children[1].value = 2.0
    assert w.result.attrs["chosen"] == "tangibles"
    assert (w.result["churn_after"] < w.result["churn_before"]).all()
    plt.close("all")


def test_churn_drivers_are_the_exact_optimum_on_the_course_survey():
    """Newton's method to 1e-10: the gradient of the penalised log-likelihood is zero at
    the printed coefficients (lbfgs at its default tolerance stopped ~1e-3 away, which
    moved the third decimal between CPUs)."""
    survey = crmlab.load_data("survey")
    model = ChurnModel().fit(survey)
    d = model.drivers_
    gaps = pd.DataFrame({f"gap_{k}": survey[f"perceive_{k}"] - survey[f"expect_{k}"]
                         for k in [f.removeprefix("gap_") for f in d.index]})
    Z = ((gaps - d["mean"]) / d["std"]).to_numpy(float)
    y = survey["churned"].to_numpy(float)
    p = 1 / (1 + np.exp(-(model.intercept_ + (Z * d["coef"].to_numpy()).sum(axis=1))))
    gradient = Z.T.dot(y - p) - d["coef"].to_numpy() / d.attrs["C"]  # L2 penalty 1/(2C)
    assert np.abs(gradient).max() < 1e-6
    assert abs((y - p).sum()) < 1e-6  # the intercept's condition
    assert d["coef"].round(3).tolist() == [-1.061, -0.665, -0.58, -0.563, -0.219]

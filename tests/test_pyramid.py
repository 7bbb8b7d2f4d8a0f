"""Tests for crmlab.pyramid, its plots and its widgets."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import crmlab  # noqa: E402
from crmlab import CRMDataError, plots, pyramid, widgets  # noqa: E402

# --------------------------------------------------------------------------- strategies
money = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False,
                  allow_subnormal=False)
nonneg = st.lists(money, min_size=1, max_size=60).filter(lambda v: sum(v) > 0)
signed = st.lists(st.floats(min_value=-1e4, max_value=1e6, allow_nan=False),
                  min_size=1, max_size=60)
fractions = st.floats(min_value=0.001, max_value=1.0)


def naive_gini(v):
    v = np.asarray(v, dtype=float)
    return np.abs(v[:, None] - v[None, :]).sum() / (2 * len(v) ** 2 * v.mean())


# --------------------------------------------------------------------------- gini
class TestGini:
    def test_equal_values_are_zero(self):
        assert pyramid.gini([5, 5, 5, 5]) == 0.0
        assert pyramid.gini([0.1] * 7) == 0.0

    def test_one_customer_has_everything(self):
        assert pyramid.gini([0, 0, 0, 10]) == 0.75  # (n - 1) / n

    def test_by_hand(self):
        # pairs |xi - xj|: 1+2+3+1+2+1 = 10, times 2 ordered = 20; 2 * n^2 * mean = 80
        assert pyramid.gini([1, 2, 3, 4]) == pytest.approx(0.25)
        assert pyramid.gini([4, 1, 3, 2]) == pytest.approx(0.25)  # order does not matter
        # [10,10,10,20,50]: weights -4,-2,0,2,4 -> 180 / (5 * 100)
        assert pyramid.gini([50, 20, 10, 10, 10]) == pytest.approx(0.36)

    def test_single_customer(self):
        assert pyramid.gini([42.0]) == 0.0

    def test_series_and_array_agree(self):
        v = [3.0, 1.0, 7.5, 0.0]
        assert pyramid.gini(pd.Series(v, index=list("abcd"))) == pyramid.gini(np.array(v))

    def test_scale_invariant(self):
        assert pyramid.gini([1, 2, 3, 10]) == pytest.approx(pyramid.gini([100, 200, 300, 1000]))

    def test_negative_values_raise(self):
        with pytest.raises(CRMDataError, match=r"gini: 1 of 3 customer values are negative"
                                               r".*row 1 \(-5\.0\).*clip\(lower=0\).*whale_curve"):
            pyramid.gini([10, -5, 3])

    def test_all_zero_raises(self):
        with pytest.raises(CRMDataError, match="gini: the total of the customer values is 0"):
            pyramid.gini([0, 0, 0])

    def test_empty_raises(self):
        with pytest.raises(CRMDataError, match="gini: no customer values"):
            pyramid.gini([])
        with pytest.raises(CRMDataError, match="gini: no customer values"):
            pyramid.gini(pd.Series([], dtype=float))

    def test_nan_names_the_positions(self):
        v = pd.Series([1.0, np.nan, 3.0, np.nan], index=["C1", "C2", "C3", "C4"])
        with pytest.raises(CRMDataError, match=r"gini: 2 of 4 customer values are missing "
                                               r"\(NaN\), in rows C2, C4"):
            pyramid.gini(v)
        with pytest.raises(CRMDataError, match=r"missing \(NaN\), in row 1\b"):
            pyramid.gini([1, None, 2])

    def test_non_numeric_raises(self):
        msg = r"gini: customer values must be numbers.*2 non-numeric values in rows 1, 2 "
        with pytest.raises(CRMDataError, match=msg + r"\('¥30', 'n/a'\)"):
            pyramid.gini(["12", "¥30", "n/a"])
        with pytest.raises(CRMDataError, match="True/False"):
            pyramid.gini([True, False])

    def test_frame_and_scalar_raise(self):
        with pytest.raises(CRMDataError, match=r"got a DataFrame with columns amount.*groupby"):
            pyramid.gini(pd.DataFrame({"amount": [1, 2]}))
        with pytest.raises(CRMDataError, match="Wrap it in a list"):
            pyramid.gini(5)
        with pytest.raises(CRMDataError, match=r"shape \(2, 2\)"):
            pyramid.gini(np.ones((2, 2)))

    def test_infinite_raises(self):
        with pytest.raises(CRMDataError, match="infinite"):
            pyramid.gini([1.0, np.inf])

    def test_input_not_mutated(self):
        v = pd.Series([3.0, 1.0, 2.0], index=["b", "a", "c"])
        before = v.copy()
        pyramid.gini(v)
        pyramid.lorenz_curve(v)
        pyramid.abc_classes(v)
        pyramid.pyramid_tiers(v)
        pyramid.whale_curve(v)
        pd.testing.assert_series_equal(v, before)
        arr = np.array([3.0, 1.0, 2.0])
        pyramid.gini(arr)
        pyramid.abc_classes(arr)
        np.testing.assert_array_equal(arr, [3.0, 1.0, 2.0])

    @settings(max_examples=50, deadline=None)
    @given(nonneg)
    def test_in_unit_interval_and_matches_pairwise(self, v):
        g = pyramid.gini(v)
        assert 0.0 <= g <= 1.0
        assert g <= (len(v) - 1) / len(v) + 1e-9
        assert g == pytest.approx(naive_gini(v), abs=1e-9)


# --------------------------------------------------------------------------- lorenz
class TestLorenz:
    def test_small_case(self):
        curve = pyramid.lorenz_curve([1, 2, 3, 4])
        assert curve.columns.tolist() == ["customer_share", "value_share"]
        np.testing.assert_allclose(curve["customer_share"], [0, 0.25, 0.5, 0.75, 1])
        np.testing.assert_allclose(curve["value_share"], [0, 0.1, 0.3, 0.6, 1])
        assert curve.attrs == {}                      # no results hidden in attrs
        assert pyramid.gini([1, 2, 3, 4]) == pytest.approx(0.25)

    def test_gini_is_one_minus_twice_area(self):
        v = [5, 1, 0, 9, 3, 3]
        c = pyramid.lorenz_curve(v)
        area = np.trapezoid(c["value_share"], c["customer_share"])
        assert pyramid.gini(v) == pytest.approx(1 - 2 * area)

    def test_single_customer(self):
        c = pyramid.lorenz_curve([7])
        assert c.values.tolist() == [[0.0, 0.0], [1.0, 1.0]]

    def test_negative_raises(self):
        with pytest.raises(CRMDataError, match="lorenz_curve: 1 of 2 customer values are negative"):
            pyramid.lorenz_curve([3, -1])

    @settings(max_examples=50, deadline=None)
    @given(nonneg)
    def test_monotone_below_diagonal(self, v):
        c = pyramid.lorenz_curve(v)
        assert len(c) == len(v) + 1
        assert c.iloc[0].tolist() == [0.0, 0.0] and c.iloc[-1].tolist() == [1.0, 1.0]
        assert (np.diff(c["value_share"]) >= 0).all()
        assert (np.diff(c["customer_share"]) > 0).all()
        assert (c["value_share"] <= c["customer_share"] + 1e-9).all()


# --------------------------------------------------------------------------- top share
class TestTopShare:
    def test_hand_computed(self):
        v = [50, 20, 10, 10, 10]
        assert pyramid.top_share(v, 0.2) == pytest.approx(0.5)
        assert pyramid.top_share(v, 0.3) == pytest.approx(0.7)  # ceil(1.5) = 2 customers
        assert pyramid.top_share(v, 0.3, method="interpolate") == pytest.approx(0.6)
        assert pyramid.top_share(v, 1.0) == 1.0
        assert pyramid.top_share(v, 0.01) == pytest.approx(0.5)  # at least one customer

    def test_rounding_tolerance(self):
        # 0.07 * 100 = 7.000000000000001 in floating point: still 7 customers
        v = np.arange(100, 0, -1)
        assert pyramid.top_share(v, 0.07) == pytest.approx(v[:7].sum() / v.sum())

    def test_eighty_twenty(self):
        v = [40] * 2 + [20 / 8] * 8
        assert pyramid.top_share(v, 0.2) == pytest.approx(0.8)
        assert pyramid.long_tail_share(v) == pytest.approx(0.2)
        assert pyramid.long_tail_share(v, head=1.0) == 0.0

    @pytest.mark.parametrize("bad", [0, -0.1, 1.5, 20, float("nan"), "a"])
    def test_fraction_out_of_range(self, bad):
        with pytest.raises(CRMDataError, match=r"top_share: fraction must be a"):
            pyramid.top_share([1, 2], bad)

    def test_percent_hint(self):
        with pytest.raises(CRMDataError, match="fraction=0.2"):
            pyramid.top_share([1, 2], 20)
        with pytest.raises(CRMDataError, match="long_tail_share: head must be"):
            pyramid.long_tail_share([1, 2], head=0)

    def test_unknown_method(self):
        with pytest.raises(CRMDataError, match="method must be 'ceil' or 'interpolate'"):
            pyramid.top_share([1, 2], 0.5, method="floor")

    def test_summary(self):
        s = pyramid.concentration_summary([50, 20, 10, 10, 10])
        assert s.index.tolist() == ["customers", "gini", "top_1pct", "top_10pct",
                                    "top_20pct", "tail_share"]
        assert s["tail_share"] == pytest.approx(1 - s["top_20pct"])

    @settings(max_examples=50, deadline=None)
    @given(nonneg, fractions, fractions, st.sampled_from(["ceil", "interpolate"]))
    def test_monotone_in_fraction(self, v, f1, f2, method):
        lo, hi = sorted([f1, f2])
        s_lo = pyramid.top_share(v, lo, method=method)
        s_hi = pyramid.top_share(v, hi, method=method)
        assert 0 <= s_lo <= s_hi + 1e-12 <= 1 + 1e-12
        # the top f share is at least f (the top is above average)
        assert s_hi >= hi - 1e-9
        assert pyramid.long_tail_share(v, hi, method=method) == pytest.approx(1 - s_hi)


# --------------------------------------------------------------------------- abc
class TestABC:
    def test_rules_differ_on_the_crossing_customer(self):
        # shares 0.70, 0.15, 0.10, 0.05: cumulative 0.70, 0.85, 0.95, 1.00
        v = pd.Series([15, 5, 70, 10], index=["x", "z", "w", "y"])
        inc = pyramid.abc_classes(v)
        bef = pyramid.abc_classes(v, rule="before")
        # including: x crosses 0.8 (0.85) -> B; y at exactly 0.95 -> B (<= b)
        assert inc.to_dict() == {"x": "B", "z": "C", "w": "A", "y": "B"}
        # before: x starts at 0.70 < 0.8 -> A; y starts at 0.85 < 0.95 -> B; z at 0.95 -> C
        assert bef.to_dict() == {"x": "A", "z": "C", "w": "A", "y": "B"}
        assert inc.index.tolist() == ["x", "z", "w", "y"]  # input order kept
        assert list(inc.cat.categories) == ["A", "B", "C"] and inc.cat.ordered
        assert inc.name == "abc_class" and inc.attrs["rule"] == "including"

    def test_exact_boundary(self):
        # including: cumulative exactly 0.8 -> A, exactly 0.95 -> B
        v = [40, 40, 15, 5]
        assert pyramid.abc_classes(v).tolist() == ["A", "A", "B", "C"]
        # before: 0.8 before the third customer is not < 0.8 -> B; 0.95 is not < 0.95 -> C
        assert pyramid.abc_classes(v, rule="before").tolist() == ["A", "A", "B", "C"]
        assert pyramid.abc_classes([0.4, 0.4, 0.2], rule="before").tolist() == ["A", "A", "B"]

    def test_whale_customer(self):
        # one customer with 97%: "including" leaves A empty, "before" does not
        v = [97, 1, 1, 1]
        assert pyramid.abc_classes(v).tolist() == ["C", "C", "C", "C"]
        assert pyramid.abc_classes(v, rule="before").tolist() == ["A", "C", "C", "C"]

    def test_ties_by_customer_id_not_row_order(self):
        v1 = pd.Series([50, 25, 25], index=["a", "c", "b"])
        v2 = v1.iloc[::-1]
        r1 = pyramid.abc_classes(v1, 0.6, 0.8)
        r2 = pyramid.abc_classes(v2, 0.6, 0.8)
        # tie between b and c: b ranks first (by id), cumulative 0.75 -> B; c -> C
        assert r1.to_dict() == {"a": "A", "c": "C", "b": "B"}
        assert r2.to_dict() == r1.to_dict()

    def test_single_and_equal(self):
        assert pyramid.abc_classes([5]).tolist() == ["C"]  # alone it holds 100% > b
        assert pyramid.abc_classes([5], rule="before").tolist() == ["A"]
        assert pyramid.abc_classes([1] * 10).tolist() == ["A"] * 8 + ["B"] + ["C"]

    def test_bad_parameters(self):
        with pytest.raises(CRMDataError, match="rule must be 'including' or 'before'"):
            pyramid.abc_classes([1, 2], rule="after")
        with pytest.raises(CRMDataError, match="need a < b"):
            pyramid.abc_classes([1, 2], a=0.9, b=0.8)
        with pytest.raises(CRMDataError, match=r"a must be a fraction in \(0, 1\].*a=0.8"):
            pyramid.abc_classes([1, 2], a=80, b=0.95)
        with pytest.raises(CRMDataError, match="negative"):
            pyramid.abc_classes([1, -2])

    @settings(max_examples=50, deadline=None)
    @given(nonneg, st.sampled_from(["including", "before"]))
    def test_partition_and_order(self, v, rule):
        s = pd.Series(v, index=[f"C{i:03d}" for i in range(len(v))])
        cls = pyramid.abc_classes(s, rule=rule)
        assert len(cls) == len(s) and cls.notna().all()
        assert cls.index.equals(s.index)
        # a customer worth strictly more never gets a worse class
        codes = cls.cat.codes.to_numpy()
        x = s.to_numpy()
        assert not ((x[:, None] > x[None, :]) & (codes[:, None] > codes[None, :])).any()
        table = pyramid.tier_summary(s, cls)
        assert table["customers"].sum() == len(s)
        assert table["customer_share"].sum() == pytest.approx(1)
        assert table["value_share"].sum() == pytest.approx(1)


# --------------------------------------------------------------------------- tiers
def sizes(tiers):
    return tiers.value_counts(sort=False).tolist()


class TestTiers:
    def test_su_n100(self):
        v = pd.Series(np.arange(1, 101, dtype=float), index=[f"C{i:03d}" for i in range(100)])
        t = pyramid.pyramid_tiers(v)
        assert list(t.cat.categories) == ["重要客户", "次要客户", "普通客户", "小客户"]
        assert t.cat.ordered and t.name == "tier"
        assert sizes(t) == [1, 19, 30, 50]
        assert t["C099"] == "重要客户" and t["C080"] == "次要客户" and t["C079"] == "普通客户"
        assert t["C049"] == "小客户" and t["C050"] == "普通客户"
        assert t.index.equals(v.index)

    def test_curry_n100(self):
        t = pyramid.pyramid_tiers(np.arange(100.0), "curry")
        assert list(t.cat.categories) == ["top", "big", "medium", "small"]
        assert sizes(t) == [1, 4, 15, 80]

    def test_small_n(self):
        assert sizes(pyramid.pyramid_tiers(np.arange(7.0))) == [1, 1, 2, 3]
        assert sizes(pyramid.pyramid_tiers(np.arange(7.0), "curry")) == [1, 0, 1, 5]
        assert sizes(pyramid.pyramid_tiers([3.0])) == [1, 0, 0, 0]
        assert sizes(pyramid.pyramid_tiers([3.0], "curry")) == [1, 0, 0, 0]

    def test_english_names_and_custom_shares(self):
        t = pyramid.pyramid_tiers(np.arange(10.0), language="en")
        assert list(t.cat.categories) == ["vip", "major", "ordinary", "small"]
        t = pyramid.pyramid_tiers(np.arange(10.0), shares=(0.3, 0.7), names=("hi", "lo"))
        assert sizes(t) == [3, 7]
        assert pyramid.pyramid_tiers([1.0], "curry", language="zh").iloc[0] == "顶端客户"

    def test_ties_deterministic(self):
        v = pd.Series([5.0] * 100, index=[f"C{i:03d}" for i in range(100)])[::-1]
        t = pyramid.pyramid_tiers(v)
        assert t["C000"] == "重要客户" and sizes(t) == [1, 19, 30, 50]

    def test_negative_values_rank_last(self):
        t = pyramid.pyramid_tiers([-5.0, 10.0], shares=(0.5, 0.5), names=("hi", "lo"))
        assert t.tolist() == ["lo", "hi"]

    def test_zeithaml_profit(self):
        profit = pd.Series([300, -20, 150, 0, -5, 60, 40, 30, 20, 10, 5, 1],
                           index=[f"C{i:02d}" for i in range(12)])
        t = pyramid.pyramid_tiers(profit, "zeithaml", shares=(0.1, 0.2, 0.7))
        assert list(t.cat.categories) == ["platinum", "gold", "iron", "lead"]
        assert t[profit < 0].eq("lead").all()
        assert not t[profit >= 0].eq("lead").any()
        # 10 profitable: platinum ceil(1) = 1, gold up to ceil(3) = 3, iron the other 7
        assert sizes(t) == [1, 2, 7, 2]
        assert t["C00"] == "platinum" and t["C02"] == "gold" and t["C05"] == "gold"

    def test_zeithaml_default_and_all_losing(self):
        t = pyramid.pyramid_tiers(np.arange(1.0, 101.0), "zeithaml")
        assert sizes(t) == [5, 15, 80, 0]
        assert sizes(pyramid.pyramid_tiers([-1.0, -2.0], "zeithaml")) == [0, 0, 0, 2]

    def test_errors(self):
        with pytest.raises(CRMDataError, match="unknown scheme 'pareto'; choose one of "
                                               "'su', 'curry', 'zeithaml'"):
            pyramid.pyramid_tiers([1.0], "pareto")
        with pytest.raises(CRMDataError, match="shares must add up to 1"):
            pyramid.pyramid_tiers([1.0], shares=(0.5, 0.2))
        with pytest.raises(CRMDataError, match=r"fraction in \(0, 1\].*1 % = 0.01"):
            pyramid.pyramid_tiers([1.0], shares=(1, 19, 30, 50))
        with pytest.raises(CRMDataError, match="2 shares need 2 names, got 4"):
            pyramid.pyramid_tiers([1.0], shares=(0.5, 0.5))
        with pytest.raises(CRMDataError, match="need 4 distinct names.*loss-making"):
            pyramid.pyramid_tiers([1.0], "zeithaml", names=("a", "b", "c"))
        with pytest.raises(CRMDataError, match="language must be 'zh' or 'en'"):
            pyramid.pyramid_tiers([1.0], language="fr")
        with pytest.raises(CRMDataError, match="pyramid_tiers: no customer values"):
            pyramid.pyramid_tiers([])

    @settings(max_examples=50, deadline=None)
    @given(signed, st.sampled_from(["su", "curry", "zeithaml"]))
    def test_partition_and_order(self, v, scheme):
        s = pd.Series(v, index=[f"C{i:03d}" for i in range(len(v))])
        t = pyramid.pyramid_tiers(s, scheme)
        assert len(t) == len(s) and t.notna().all() and t.index.equals(s.index)
        codes = t.cat.codes.to_numpy()
        x = s.to_numpy()
        assert not ((x[:, None] > x[None, :]) & (codes[:, None] > codes[None, :])).any()
        if scheme != "zeithaml":
            n = len(v)
            bounds = [math.ceil(round(c * n, 6)) for c in np.cumsum(pyramid.SCHEMES[scheme]
                                                                    ["shares"])]
            assert np.cumsum(sizes(t)).tolist() == [min(b, n) for b in bounds]
        else:
            assert (t == "lead").sum() == (s < 0).sum()


# --------------------------------------------------------------------------- whale
class TestWhale:
    def test_rises_above_one_and_ends_at_one(self):
        w = pyramid.whale_curve(pd.Series([60, -10, 50], index=["a", "b", "c"]))
        assert w.columns.tolist() == ["customer_share", "cumulative_profit",
                                      "cumulative_profit_share"]
        np.testing.assert_allclose(w["cumulative_profit"], [0, 60, 110, 100])
        np.testing.assert_allclose(w["cumulative_profit_share"], [0, 0.6, 1.1, 1.0])
        assert w["cumulative_profit_share"].iloc[-1] == 1.0
        w = pyramid.whale_summary(pd.Series([60, -10, 50], index=["a", "b", "c"]))
        assert w["peak_height"] == pytest.approx(1.1)
        assert w["peak_share"] == pytest.approx(2 / 3)
        assert w["losing_customers"] == 1 and w["loss"] == -10
        assert w["total_profit"] == 100

    def test_no_losses_peaks_at_the_end(self):
        w = pyramid.whale_summary([1, 2, 3])
        assert w["peak_height"] == 1.0 and w["peak_share"] == 1.0
        assert w["losing_customers"] == 0

    def test_non_positive_total_raises(self):
        with pytest.raises(CRMDataError, match="whale_curve: the total profit is -5"):
            pyramid.whale_curve([5, -10])
        with pytest.raises(CRMDataError, match="the total profit is -5"):
            pyramid.whale_summary([5, -10])

    @settings(max_examples=50, deadline=None)
    @given(signed.filter(lambda v: sum(v) > 1e-3))
    def test_properties(self, v):
        w = pyramid.whale_curve(v)
        share = w["cumulative_profit_share"].to_numpy()
        assert share[0] == 0 and share[-1] == 1.0
        summary = pyramid.whale_summary(v)
        assert summary["peak_height"] >= 1.0 - 1e-9 and summary["peak_height"] == share.max()
        assert summary["losing_customers"] == sum(x < 0 for x in v)
        peak = int(np.argmax(share))
        assert (np.diff(share[: peak + 1]) >= -1e-9).all()  # rises to the peak
        assert (np.diff(share[peak:]) <= 1e-9).all()  # then falls


# --------------------------------------------------------------------------- tier_summary
def test_tier_summary_keeps_empty_tiers_and_rejects_mismatch():
    v = np.arange(7.0)
    table = pyramid.tier_summary(v, pyramid.pyramid_tiers(v, "curry"))
    assert table.index.tolist() == ["top", "big", "medium", "small"]
    assert table["customers"].tolist() == [1, 0, 1, 5]
    assert table.loc["big", "mean_value"] == 0.0
    assert table.loc["top", "value"] == 6.0
    with pytest.raises(CRMDataError, match="7 values but 2 tiers"):
        pyramid.tier_summary(v, ["a", "b"])


# --------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def retail():
    tx = crmlab.load_data("retail_transactions")
    value = tx.groupby("customer_id")["amount"].sum()
    profit = (tx["gross_profit"] - tx["cost_to_serve"]).groupby(tx["customer_id"]).sum()
    return value, profit


@pytest.fixture(scope="module")
def cdnow_value():
    return crmlab.load_data("cdnow").groupby("customer_id")["amount"].sum()


def test_retail_numbers(retail):
    value, profit = retail
    assert len(value) == 4857
    assert round(pyramid.gini(value), 3) == 0.645
    assert round(pyramid.top_share(value, 0.2), 3) == 0.675
    assert round(pyramid.long_tail_share(value), 3) == 0.325
    assert sizes(pyramid.pyramid_tiers(value)) == [49, 923, 1457, 2428]
    w = pyramid.whale_summary(profit)
    assert w["losing_customers"] == 699
    assert round(w["peak_height"], 3) == 1.059
    assert round(w["peak_share"], 3) == 0.856


def test_cdnow_numbers(cdnow_value):
    assert len(cdnow_value) == 23570
    assert round(pyramid.gini(cdnow_value), 3) == 0.635
    assert round(pyramid.top_share(cdnow_value, 0.2), 3) == 0.678


# --------------------------------------------------------------------------- plots
@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_lorenz_plot(ax):
    frame = pd.DataFrame({"amount": [1.0, 2.0, 3.0, 4.0]})
    out = plots.lorenz(frame, ax=ax)
    assert out is ax
    assert ax.get_legend_handles_labels()[1][1] == "Lorenz curve (Gini = 0.25)"
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0, 0.1, 0.3, 0.6, 1])
    with pytest.raises(CRMDataError, match="lorenz: no column 'amount'"):
        plots.lorenz(pd.DataFrame({"x": [1]}), ax=ax)


def test_whale_plot(ax):
    out = plots.whale(pd.DataFrame({"profit": [60.0, 50.0, -10.0]}), ax=ax)
    assert out is ax
    labels = ax.get_legend_handles_labels()[1]
    assert "peak: 67% of customers earn 110% of profit" in labels
    assert ax.get_ylim()[1] > 1.1


def test_pyramid_chart(ax):
    v = pd.Series(np.arange(1.0, 101.0))
    plots.pyramid_chart(v, pyramid.pyramid_tiers(v), ax=ax)
    assert len(ax.patches) == 4
    widths = [p.get_width() for p in ax.patches]
    assert widths == sorted(widths)  # top tier narrowest
    texts = [t.get_text() for t in ax.texts]
    assert texts[0] == "重要客户" and texts[1].startswith("1.0% of customers")
    assert "50% of customers" in texts[-1]
    # without values: no value share
    _, ax2 = plt.subplots()
    plots.pyramid_chart(tiers=pyramid.pyramid_tiers(v, "curry"), ax=ax2)
    assert "value" not in ax2.texts[1].get_text()
    plt.close(ax2.figure)


def _drawn(draw) -> list[str]:
    fig, ax = plt.subplots()
    draw(ax)
    texts = [t.get_text() for t in ax.texts]
    plt.close(fig)
    return texts


def test_pyramid_chart_takes_values_then_tiers_like_tier_summary():
    v = pd.Series(np.arange(1.0, 101.0))
    tiers = pyramid.pyramid_tiers(v)
    new = _drawn(lambda ax: plots.pyramid_chart(v, tiers, ax=ax))
    assert new == _drawn(lambda ax: plots.pyramid_chart(values=v, tiers=tiers, ax=ax))
    assert new == _drawn(lambda ax: plots.pyramid_chart(pyramid.tier_summary(v, tiers), ax=ax))
    assert new[:2] == ["重要客户", "1.0% of customers\n2.0% of value"]
    # arrays work too (a Categorical keeps the tier order), and the tiers alone by keyword
    assert _drawn(lambda ax: plots.pyramid_chart(v.to_numpy(), tiers.array, ax=ax)) == new
    alone = _drawn(lambda ax: plots.pyramid_chart(tiers=tiers, ax=ax))
    assert alone[0] == new[0] and "value" not in alone[1]
    with pytest.raises(CRMDataError, match="pyramid_chart: no tiers"):
        plots.pyramid_chart(v)
    with pytest.raises(CRMDataError, match="tiers must not be given"):
        plots.pyramid_chart(pyramid.tier_summary(v, tiers), tiers)


def test_pyramid_chart_old_argument_order_still_draws_for_one_release():
    """(tiers, values) was the order until this release: detected (labels first, numbers
    second, or labels alone) and drawn as before, with a FutureWarning."""
    v = pd.Series(np.arange(1.0, 101.0))
    tiers = pyramid.pyramid_tiers(v)
    new = _drawn(lambda ax: plots.pyramid_chart(v, tiers, ax=ax))
    with pytest.warns(FutureWarning, match=r"now \(values, tiers\), as in tier_summary") as w:
        old = _drawn(lambda ax: plots.pyramid_chart(tiers, v, ax=ax))
    assert old == new
    assert w[0].filename == __file__  # the warning points at the caller's line
    labels, numbers = tiers.astype(str).tolist(), v.tolist()  # plain lists: sorted tiers
    with pytest.warns(FutureWarning, match=r"now \(values, tiers\)"):
        old = _drawn(lambda ax: plots.pyramid_chart(labels, numbers, ax=ax))
    assert old == _drawn(lambda ax: plots.pyramid_chart(numbers, labels, ax=ax))
    alone = _drawn(lambda ax: plots.pyramid_chart(tiers=tiers, ax=ax))
    with pytest.warns(FutureWarning, match=r"pyramid_chart\(tiers=\.\.\.\)"):
        assert _drawn(lambda ax: plots.pyramid_chart(tiers, ax=ax)) == alone
    with pytest.warns(FutureWarning, match=r"now \(values, tiers\)"):
        profit = _drawn(lambda ax: plots.pyramid_chart(tiers, v - 10, value_label="profit",
                                                       ax=ax))
    assert profit == _drawn(lambda ax: plots.pyramid_chart(v - 10, tiers, value_label="profit",
                                                           ax=ax))


def test_abc_chart(ax):
    plots.abc_chart([70.0, 15.0, 10.0, 5.0], rule="before", ax=ax)
    assert ax.get_legend_handles_labels()[1] == ["A: n = 2", "B: n = 1", "C: n = 1"]
    twin = [a for a in ax.figure.axes if a is not ax][0]
    np.testing.assert_allclose(twin.lines[0].get_ydata(), [0, 0.7, 0.85, 0.95, 1.0])


def test_chinese_labels_render(tmp_path):
    # no "Glyph missing" warning (filterwarnings = error would fail the test)
    fig, ax = plt.subplots()
    v = pd.Series(np.arange(1.0, 101.0))
    plots.pyramid_chart(v, pyramid.pyramid_tiers(v), ax=ax)
    fig.savefig(tmp_path / "p.png")
    plt.close(fig)


# --------------------------------------------------------------------------- widgets
def test_pyramid_explorer():
    v = pd.Series(np.arange(1.0, 101.0))
    w = widgets.pyramid_explorer(v, plot=False, language="en")
    assert w.result["customers"].tolist() == [1, 19, 30, 50]
    w.children[0].value = 5.0
    w.update()
    assert w.result["customers"].tolist() == [5, 15, 30, 50]
    assert w.result["value_share"].sum() == pytest.approx(1)
    w.children[1].value = 60.0
    w.children[2].value = 50.0
    w.update()
    assert w.result is None  # cut-offs not increasing
    plt.close("all")


def test_pyramid_explorer_with_plot():
    before = plt.get_fignums()
    w = widgets.pyramid_explorer(np.arange(1.0, 21.0))
    w.children[2].value = 70.0
    w.update()
    assert w.result["customers"].tolist() == [1, 3, 10, 6]
    assert plt.get_fignums() == before  # figures are closed after drawing


def test_abc_explorer():
    w = widgets.abc_explorer([70.0, 15.0, 10.0, 5.0])
    assert w.result["customers"].tolist() == [1, 2, 1]
    w.children[2].value = "before"
    w.update()
    assert w.result["customers"].tolist() == [2, 1, 1]
    w.children[0].value = 0.95
    w.children[1].value = 0.9
    w.update()
    assert w.result is None
    plt.close("all")

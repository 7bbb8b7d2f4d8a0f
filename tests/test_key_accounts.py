"""Key accounts: scorecard, identification, resource allocation, upgrade potential."""

from __future__ import annotations

import contextlib
import io
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
from crmlab import CRMDataError, key_accounts, plots, widgets  # noqa: E402
from crmlab.key_accounts import (  # noqa: E402
    KEY,
    ORDINARY,
    allocate_resources,
    compare_policies,
    identify_key_accounts,
    key_account_summary,
    score_contributions,
    scorecard,
    upgrade_potential,
)


@pytest.fixture
def four():
    """Four accounts scored by hand in the tests below."""
    return pd.DataFrame({
        "account_id": ["A", "B", "C", "D"],
        "revenue": [100.0, 1000.0, 200.0, 400.0],
        "profit": [-50.0, 100.0, 50.0, 0.0],
        "growth_potential": [9, 2, 9, 5],
        "strategic_fit": [5, 5, 5, 5],
    })


@pytest.fixture(scope="module")
def accounts():
    return crmlab.load_data("accounts")


# ----------------------------------------------------------------------- scorecard
def test_scorecard_minmax_by_hand(four):
    sc = scorecard(four)
    assert list(sc.index) == ["B", "C", "D", "A"]  # sorted by rank
    assert sc.index.name == "account_id"
    s = sc.loc[["A", "B", "C", "D"]]
    # value: (x - 100) / 900; profit: (x + 50) / 150; growth: (x - 2) / 7; fit: constant
    np.testing.assert_allclose(s["value_score"], [0, 100, 100 / 9, 100 / 3])
    np.testing.assert_allclose(s["profit_score"], [0, 100, 200 / 3, 100 / 3])
    np.testing.assert_allclose(s["growth_score"], [100, 0, 100, 300 / 7])
    np.testing.assert_allclose(s["fit_score"], [50, 50, 50, 50])
    # 0.3 value + 0.3 profit + 0.2 growth + 0.2 fit
    np.testing.assert_allclose(s["score"], [30, 70, 160 / 3, 20 + 60 / 7 + 10])
    assert s["rank"].tolist() == [4, 1, 2, 3]
    assert sc.attrs["weights"] == pytest.approx(key_accounts.DEFAULT_WEIGHTS)
    assert sc.attrs["normalize"] == "minmax"
    # the raw criteria are kept under their own names
    assert s["revenue"].tolist() == [100.0, 1000.0, 200.0, 400.0]


def test_scorecard_rank_normalisation_by_hand(four):
    s = scorecard(four, normalize="rank").loc[["A", "B", "C", "D"]]
    # percentile rank 100 (rank - 1) / (n - 1); growth ties A = C share rank 3.5
    np.testing.assert_allclose(s["value_score"], [0, 100, 100 / 3, 200 / 3])
    np.testing.assert_allclose(s["profit_score"], [0, 100, 200 / 3, 100 / 3])
    np.testing.assert_allclose(s["growth_score"], [250 / 3, 0, 250 / 3, 100 / 3])
    np.testing.assert_allclose(s["score"], [80 / 3, 70, 170 / 3, 140 / 3])
    assert s["rank"].tolist() == [4, 1, 2, 3]


def test_weights_are_normalised_and_missing_keys_weigh_zero(four):
    sc = scorecard(four, weights={"value": 2, "profit": 2})
    assert sc.attrs["weights"] == {"value": 0.5, "profit": 0.5, "growth": 0.0, "fit": 0.0}
    s = sc.loc[["A", "B", "C", "D"]]
    np.testing.assert_allclose(s["score"], [0, 100, (100 / 9 + 200 / 3) / 2, 100 / 3])
    # the same weights at another scale give the same scores
    pd.testing.assert_frame_equal(sc, scorecard(four, weights={"value": 0.1, "profit": 0.1}))


@pytest.mark.parametrize(("weights", "match"), [
    ({"value": -0.1, "profit": 1}, r"weight 'value' is negative \(-0\.1\); weights must be >= 0"),
    ({"value": 0, "profit": 0}, r"all weights are 0"),
    ({"revenue": 1}, r"unknown weight key\(s\) 'revenue'; use 'value', 'profit', 'growth'"),
    ({"value": math.nan}, r"weight 'value' must be a finite number"),
    ({"value": "high"}, r"weight 'value' must be a finite number"),
    ([0.3, 0.3, 0.2, 0.2], r"weights must be a dict"),
])
def test_weights_validation(four, weights, match):
    with pytest.raises(CRMDataError, match=match):
        scorecard(four, weights=weights)


def test_scorecard_ties_are_ranked_by_account_id():
    df = pd.DataFrame({"account_id": ["z", "m", "a"], "revenue": [5.0, 5.0, 1.0],
                       "profit": [1.0, 1.0, 0.0], "growth_potential": [3, 3, 3],
                       "strategic_fit": [2, 2, 2]})
    sc = scorecard(df)
    assert sc.loc["m", "score"] == sc.loc["z", "score"] == 80.0  # 30 + 30 + 10 + 10
    assert list(sc.index) == ["m", "z", "a"]
    assert sc["rank"].tolist() == [1, 2, 3]


def test_scorecard_ties_with_numeric_ids_sort_as_numbers():
    df = pd.DataFrame({"account_id": [10, 9, 100], "revenue": [1.0, 1.0, 1.0],
                       "profit": [1.0, 1.0, 1.0], "growth_potential": [3, 3, 3],
                       "strategic_fit": [2, 2, 2]})
    assert list(scorecard(df).index) == [9, 10, 100]


def test_scorecard_single_account_and_all_equal():
    one = pd.DataFrame({"account_id": ["A"], "revenue": [1.0], "profit": [-3.0],
                        "growth_potential": [4], "strategic_fit": [4]})
    sc = scorecard(one)
    assert sc["score"].tolist() == [50.0] and sc["rank"].tolist() == [1]
    same = pd.DataFrame({"account_id": list("abc"), "revenue": [2.0] * 3, "profit": [1.0] * 3,
                         "growth_potential": [4] * 3, "strategic_fit": [4] * 3})
    for method in ("minmax", "rank"):
        sc = scorecard(same, normalize=method)
        assert (sc["score"] == 50.0).all()
        assert list(sc.index) == ["a", "b", "c"]


def test_scorecard_other_column_names(four):
    renamed = four.rename(columns={"account_id": "acct", "revenue": "sales",
                                   "strategic_fit": "fit_1_10"})
    sc = scorecard(renamed, account="acct", revenue="sales", fit="fit_1_10")
    pd.testing.assert_series_equal(sc["score"], scorecard(four)["score"].rename_axis("acct"))


def test_scorecard_errors(four):
    with pytest.raises(CRMDataError, match=r"scorecard: the table has no rows"):
        scorecard(four.iloc[:0])
    with pytest.raises(CRMDataError, match=r"scorecard: no column 'revenue'.*Did you mean"):
        scorecard(four.rename(columns={"revenue": "revenu"}))
    bad = four.assign(profit=["1", "x", "3", "4"])
    with pytest.raises(CRMDataError, match=r"column 'profit' must be numeric.*'x'"):
        scorecard(bad)
    dup = four.assign(account_id=["A", "B", "A", "D"])
    with pytest.raises(CRMDataError, match=r"duplicated account ids in rows 0, 2 \('A', 'A'\)"):
        scorecard(dup)
    with pytest.raises(CRMDataError, match=r"normalize='zscore'; use 'minmax' or 'rank'"):
        scorecard(four, normalize="zscore")
    with pytest.raises(CRMDataError, match=r"missing values in row 1"):
        scorecard(four.assign(revenue=[1.0, np.nan, 2.0, 3.0]))


def test_inputs_not_mutated(four):
    before = four.copy()
    sc = scorecard(four)
    flagged = identify_key_accounts(sc, top=0.5)
    sc_before = sc.copy()
    key_account_summary(flagged)
    allocate_resources(flagged, total_hours=100, policy="by_tier")
    compare_policies(flagged, total_hours=100)
    values = four.set_index("account_id")["revenue"]
    v_before = values.copy()
    upgrade_potential(values)
    pd.testing.assert_frame_equal(four, before)
    pd.testing.assert_frame_equal(sc, sc_before)
    pd.testing.assert_series_equal(values, v_before)
    assert "key_account" not in sc.columns


def test_score_contributions_add_up(four):
    sc = scorecard(four)
    pts = score_contributions(sc)
    np.testing.assert_allclose(pts.sum(axis=1), sc["score"])
    assert pts.loc["B"].tolist() == pytest.approx([30, 30, 0, 10])
    with pytest.raises(CRMDataError, match=r"run key_accounts.scorecard\(accounts\) first"):
        score_contributions(four)


# ----------------------------------------------------------------------- identify
def test_identify_rules(four):
    sc = scorecard(four)
    assert identify_key_accounts(sc, top=0.5)["key_account"].loc[list("ABCD")].tolist() == [
        False, True, True, False]
    assert identify_key_accounts(sc)["key_account"].sum() == 1  # ceil(0.2 * 4)
    assert identify_key_accounts(sc, top=0.25)["key_account"].sum() == 1  # no float drift
    assert identify_key_accounts(sc, n=3)["key_account"].sum() == 3
    assert identify_key_accounts(sc, n=0)["key_account"].sum() == 0
    by_score = identify_key_accounts(sc, min_score=50)
    assert sorted(by_score.index[by_score["key_account"]]) == ["B", "C"]
    assert by_score.attrs["rule"] == {"min_score": 50.0}
    flagged = identify_key_accounts(sc, top=0.5)
    assert flagged.loc["B", "tier"] == KEY and flagged.loc["A", "tier"] == ORDINARY
    assert flagged["key_account"].dtype == bool


def test_identify_on_real_data_by_top_fraction(accounts):
    flagged = identify_key_accounts(scorecard(accounts))
    assert flagged["key_account"].sum() == 60  # ceil(0.2 * 300)
    assert flagged.loc[flagged["key_account"], "rank"].max() == 60


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"top": 20}, r"top=20 must be a fraction in \(0, 1\]; pass 0\.2, not 20"),
    ({"top": 0}, r"top=0 must be a fraction"),
    ({"n": 5}, r"n=5 must be a whole number between 0 and the number of accounts \(4\)"),
    ({"n": 1.5}, r"n=1\.5 must be a whole number"),
    ({"top": 0.2, "n": 2}, r"give one rule, not top and n"),
    ({"min_score": "50"}, r"min_score must be a number"),
])
def test_identify_errors(four, kwargs, match):
    with pytest.raises(CRMDataError, match=match):
        identify_key_accounts(scorecard(four), **kwargs)


def test_identify_needs_a_scorecard(four):
    with pytest.raises(CRMDataError, match=r"expected the output of scorecard\(\)"):
        identify_key_accounts(four)


def test_key_account_summary_by_hand(four):
    flagged = identify_key_accounts(scorecard(four), top=0.5)  # B and C
    s = key_account_summary(flagged)
    assert list(s.index) == [KEY, ORDINARY, "total"]
    assert s.loc[KEY, "accounts"] == 2
    assert s.loc[KEY, "revenue"] == 1200.0
    assert s.loc[KEY, "revenue_share"] == pytest.approx(1200 / 1700)
    # ordinary accounts lose money overall: key accounts hold 150% of the profit
    assert s.loc[KEY, "profit_share"] == pytest.approx(1.5)
    assert s.loc[ORDINARY, "profit_share"] == pytest.approx(-0.5)
    assert s.loc["total", ["account_share", "revenue_share", "profit_share"]].tolist() == [1, 1, 1]


def test_key_account_summary_zero_profit_gives_nan():
    df = pd.DataFrame({"revenue": [1.0, 1.0], "profit": [5.0, -5.0],
                       "key_account": [True, False]})
    assert key_account_summary(df)["profit_share"].isna().all()


def test_key_account_shares_on_real_data(accounts):
    s = key_account_summary(identify_key_accounts(scorecard(accounts)))
    assert round(s.loc[KEY, "revenue_share"], 3) == 0.463
    assert round(s.loc[KEY, "profit_share"], 3) == 0.505


# ----------------------------------------------------------------------- allocation
@pytest.fixture
def two():
    return pd.DataFrame({"revenue": [1000.0, 1000.0], "profit": [50.0, 20.0],
                         "growth_potential": [10, 5], "tier": [KEY, ORDINARY],
                         "score": [80.0, 20.0], "resource_hours": [10.0, 30.0],
                         "key_account": [True, False]})


def test_allocation_by_hand(two):
    kw = {"total_hours": 200, "uplift_rate": 0.1, "h0": 100}
    e = math.exp
    eq = allocate_resources(two, policy="equal", **kw)
    assert eq["hours"].tolist() == [100.0, 100.0]
    assert eq["potential"].tolist() == [100.0, 50.0]  # 0.1 * 1000 * 10 / 10, ... * 5 / 10
    assert eq["uplift"].sum() == pytest.approx(150 * (1 - e(-1)))  # 94.82
    assert eq["profit_after"].sum() == pytest.approx(70 + 150 * (1 - e(-1)))
    tier = allocate_resources(two, policy="by_tier", **kw)  # 3 : 1
    assert tier["hours"].tolist() == [150.0, 50.0]
    assert tier["uplift"].sum() == pytest.approx(100 * (1 - e(-1.5)) + 50 * (1 - e(-0.5)))
    assert round(tier["uplift"].sum(), 2) == 97.36
    score = allocate_resources(two, policy="by_score", **kw)  # 80 : 20
    assert score["hours"].tolist() == pytest.approx([160.0, 40.0])
    current = allocate_resources(two, policy="current", **kw)  # 10 : 30
    assert current["hours"].tolist() == pytest.approx([50.0, 150.0])
    # optimal: equal marginal uplift p/h0 exp(-h/h0) -> h1 - h2 = 100 ln 2
    opt = allocate_resources(two, policy="optimal", **kw)
    assert opt["hours"].tolist() == pytest.approx([100 + 50 * math.log(2),
                                                    100 - 50 * math.log(2)])
    assert opt["uplift"].sum() == pytest.approx(150 - 100 * math.sqrt(2) / math.e)  # 97.97
    assert opt["uplift"].sum() > tier["uplift"].sum() > eq["uplift"].sum()


def test_custom_tier_weights_for_pyramid_tiers(two):
    df = two.assign(tier=["重要客户", "小客户"])
    res = allocate_resources(df, total_hours=90, policy="by_tier",
                             tier_weights={"重要客户": 8, "小客户": 1})
    assert res["hours"].tolist() == [80.0, 10.0]
    with pytest.raises(CRMDataError, match=r"tier\(s\) '小客户', '重要客户' in column 'tier'"):
        allocate_resources(df, total_hours=90, policy="by_tier")


def test_optimal_leaves_weak_accounts_without_hours():
    df = pd.DataFrame({"revenue": [1000.0, 10.0, 0.0], "profit": [0.0, 0.0, 0.0],
                       "growth_potential": [10, 10, 10]})
    opt = allocate_resources(df, total_hours=10, policy="optimal")
    assert opt["hours"].tolist() == [10.0, 0.0, 0.0]


def test_compare_policies_by_hand(two):
    comp = compare_policies(two, total_hours=200, uplift_rate=0.1,
                            policies=["equal", "by_tier", "optimal"])
    assert list(comp.index) == ["equal", "by_tier", "optimal"]
    assert comp["total_hours"].tolist() == pytest.approx([200, 200, 200])
    assert comp.loc["equal", "uplift_vs_equal"] == 0
    assert comp.loc["by_tier", "key_hours_share"] == 0.75
    assert comp.loc["by_tier", "uplift_vs_equal"] == pytest.approx(97.3604 - 94.8181, abs=1e-3)


def test_by_tier_beats_equal_on_the_bundled_accounts(accounts):
    flagged = identify_key_accounts(scorecard(accounts)).join(
        accounts.set_index("account_id")[["resource_hours"]])
    hours = accounts["resource_hours"].sum()
    assert round(hours, 1) == 47345.5
    comp = compare_policies(flagged, total_hours=hours,
                            policies=["equal", "by_tier", "by_score", "optimal", "current"])
    assert comp["total_hours"].to_numpy() == pytest.approx(hours)
    uplift = comp["uplift"].round(-3)
    assert uplift.to_dict() == {"equal": 9_033_000, "by_tier": 9_507_000, "by_score": 9_744_000,
                                "optimal": 10_030_000, "current": 8_574_000}
    assert round(comp.loc["by_tier", "key_hours_share"], 3) == round(0.2 * 3 / (0.2 * 3 + 0.8), 3)
    # with fast saturation (small h0) spreading wins: the conclusion depends on the model
    fast = compare_policies(flagged, total_hours=hours, h0=50, policies=["equal", "by_tier"])
    assert fast.loc["by_tier", "uplift"] < fast.loc["equal", "uplift"]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"policy": "vip"}, r"policy='vip'; use one of equal, by_tier"),
    ({"total_hours": -1}, r"total_hours=-1 must be a number >= 0"),
    ({"h0": 0}, r"h0=0 must be a positive number"),
    ({"uplift_rate": 5}, r"uplift_rate=5 must be a fraction in \[0, 1\]; pass 0\.05, not 5"),
])
def test_allocation_argument_errors(two, kwargs, match):
    args = {"total_hours": 100, **kwargs}
    with pytest.raises(CRMDataError, match=match):
        allocate_resources(two, **args)


def test_allocation_data_errors(two):
    with pytest.raises(CRMDataError, match=r"no column 'score'"):
        allocate_resources(two.drop(columns="score"), total_hours=10, policy="by_score")
    with pytest.raises(CRMDataError, match=r"column 'revenue' has 1 negative values in row 1"):
        allocate_resources(two.assign(revenue=[5.0, -1.0]), total_hours=10)
    with pytest.raises(CRMDataError, match=r"gives every account a weight of 0"):
        allocate_resources(two.assign(score=[0.0, 0.0]), total_hours=10, policy="by_score")
    with pytest.raises(CRMDataError, match=r"the table has no rows"):
        allocate_resources(two.iloc[:0], total_hours=10)
    with pytest.raises(CRMDataError, match=r"give a list of policies"):
        compare_policies(two, total_hours=10, policies="equal")


# ----------------------------------------------------------------------- upgrade potential
def test_upgrade_potential_by_hand():
    spend = pd.Series([500.0, 90, 80, 40, 10], index=list("abcde"))
    tiers = pd.Series(["重要客户", "次要客户", "普通客户", "普通客户", "小客户"], index=spend.index)
    up = upgrade_potential(spend, tiers, close=0.2)
    assert up["next_tier"].isna().tolist() == [True, False, False, False, False]
    assert up["threshold"].tolist()[1:] == [500.0, 90.0, 90.0, 40.0]
    assert up["gap"].tolist()[1:] == [410.0, 10.0, 50.0, 30.0]
    assert up["close"].tolist() == [False, False, True, False, False]  # 10 <= 0.2 * 90
    assert up.loc["c", "gap_share"] == pytest.approx(10 / 90)


def test_upgrade_potential_default_tiers_follow_the_su_pyramid():
    values = pd.Series(np.arange(100, 0, -1, dtype=float),
                       index=[f"C{i:03d}" for i in range(100)])
    up = upgrade_potential(values)
    assert up["tier"].value_counts()[["重要客户", "次要客户", "普通客户", "小客户"]].tolist() == [
        1, 19, 30, 50]
    assert list(up["tier"].cat.categories) == ["重要客户", "次要客户", "普通客户", "小客户"]
    assert up["tier"].cat.ordered
    # a 小客户 worth 50 needs 1 more to reach the lowest 普通客户 (51)
    assert up.loc["C050", "tier"] == "小客户" and up.loc["C050", "gap"] == 1.0
    assert up.loc["C050", "close"]
    assert up.loc["C001", "threshold"] == 100.0 and up.loc["C001", "gap"] == 1.0


def test_upgrade_potential_matches_pyramid_tiers():
    pyramid = pytest.importorskip("crmlab.pyramid")
    rng = np.random.default_rng(5)
    values = pd.Series(np.round(rng.lognormal(5, 1, 357), 0),  # many ties
                       index=[f"C{i:04d}" for i in rng.permutation(357)])
    tiers = pyramid.pyramid_tiers(values)
    pd.testing.assert_frame_equal(upgrade_potential(values), upgrade_potential(values, tiers))


def test_upgrade_potential_empty_tier_and_negative_values():
    values = pd.Series([30.0, -5.0, -20.0], index=["x", "y", "z"])
    tiers = pd.Series(["gold", "lead", "lead"], index=values.index)  # no 'iron'
    up = upgrade_potential(values, tiers)
    assert up.loc["y", "next_tier"] == "gold"  # nearest non-empty tier above
    assert up.loc["z", "gap"] == 50.0


def test_upgrade_potential_errors():
    v = pd.Series([3.0, 2.0], index=["a", "b"])
    with pytest.raises(CRMDataError, match=r"values must be a pandas Series"):
        upgrade_potential([3.0, 2.0])
    with pytest.raises(CRMDataError, match=r"the table has no rows"):
        upgrade_potential(v.iloc[:0])
    with pytest.raises(CRMDataError, match=r"same index as values"):
        upgrade_potential(v, pd.Series(["top", "big"], index=["b", "c"]))
    with pytest.raises(CRMDataError, match=r"not a known scheme; pass tier_order="):
        upgrade_potential(v, pd.Series(["hi", "lo"], index=v.index))
    with pytest.raises(CRMDataError, match=r"tiers not in tier_order=\['hi'\]: row b \('lo'\)"):
        upgrade_potential(v, pd.Series(["hi", "lo"], index=v.index), tier_order=["hi"])
    with pytest.raises(CRMDataError, match=r"close=10 must be a fraction"):
        upgrade_potential(v, close=10)
    with pytest.raises(CRMDataError, match=r"missing values in row 1"):
        upgrade_potential(pd.Series([1.0, np.nan]))


def test_upgrade_potential_on_retail_customers():
    tx = crmlab.load_data("retail_transactions")
    spend = tx.groupby("customer_id")["amount"].sum()
    up = upgrade_potential(spend)
    counts = up.groupby("tier")["close"].agg(["size", "sum"])
    assert counts.loc["重要客户", "sum"] == 0
    assert (up.loc[up["tier"] != "重要客户", "gap"] >= 0).all()
    assert up["close"].sum() == 264
    assert counts.loc["小客户", "sum"] == 140


# ----------------------------------------------------------------------- properties
frames = st.integers(1, 25).flatmap(lambda n: st.fixed_dictionaries({
    "revenue": st.lists(st.floats(0, 1e6), min_size=n, max_size=n),
    "profit": st.lists(st.floats(-1e5, 1e5), min_size=n, max_size=n),
    "growth_potential": st.lists(st.integers(1, 10), min_size=n, max_size=n),
    "strategic_fit": st.lists(st.integers(1, 10), min_size=n, max_size=n),
}))
weights = st.fixed_dictionaries({k: st.floats(0, 1) for k in key_accounts.CRITERIA}).filter(
    lambda w: sum(w.values()) > 0.01)


def _frame(d):
    df = pd.DataFrame(d)
    return df.assign(account_id=[f"A{i:02d}" for i in range(len(df))])


@settings(max_examples=50, deadline=None)
@given(d=frames, w=weights, method=st.sampled_from(["minmax", "rank"]))
def test_property_scores_in_range_and_ranks_a_permutation(d, w, method):
    sc = scorecard(_frame(d), weights=w, normalize=method)
    cols = ["value_score", "profit_score", "growth_score", "fit_score", "score"]
    assert ((sc[cols] >= -1e-9) & (sc[cols] <= 100 + 1e-9)).all().all()
    assert sorted(sc["rank"]) == list(range(1, len(sc) + 1))
    assert sc["score"].is_monotonic_decreasing or np.allclose(
        sc["score"].diff().dropna().clip(lower=0), 0)


@settings(max_examples=50, deadline=None)
@given(d=frames, hours=st.floats(0, 1e4), top=st.floats(0.01, 1))
def test_property_allocation_conserves_hours(d, hours, top):
    flagged = identify_key_accounts(scorecard(_frame(d)), top=top)
    flagged = flagged.assign(score=flagged["score"] + 1)  # by_score needs a positive total
    results = {}
    for policy in ("equal", "by_tier", "by_score", "optimal"):
        res = allocate_resources(flagged, total_hours=hours, policy=policy)
        assert (res["hours"] >= 0).all()
        assert res["hours"].sum() == pytest.approx(hours, rel=1e-9, abs=1e-6)
        assert (res["uplift"] <= res["potential"] + 1e-9).all()
        results[policy] = res["uplift"].sum()
    assert results["optimal"] >= max(results.values()) - 1e-6 * max(1, results["optimal"])


@settings(max_examples=50, deadline=None)
@given(v=st.lists(st.floats(-1e4, 1e5), min_size=1, max_size=60))
def test_property_upgrade_gaps(v):
    values = pd.Series(v, index=[f"C{i:03d}" for i in range(len(v))])
    up = upgrade_potential(values)
    below = up["next_tier"].notna()
    assert (up.loc[below, "gap"] >= 0).all()
    b = up.loc[below]
    expected = np.maximum(b["threshold"] - b["value"], 0)
    np.testing.assert_allclose(b["gap"], expected)
    assert not up.loc[~below, "close"].any()


# ----------------------------------------------------------------------- plots and widget
def test_scorecard_chart(accounts):
    sc = scorecard(accounts)
    fig, ax = plt.subplots()
    out = plots.scorecard_chart(sc, top=7, ax=ax)
    assert out is ax
    assert len(ax.patches) == 4 * 7
    # the top bar (drawn last on the y axis) has the length of the best score
    top_label = ax.get_yticklabels()[-1].get_text()
    assert top_label == sc.index[0]
    ends = {}
    for p in ax.patches:
        y = round(p.get_y(), 6)
        ends[y] = max(ends.get(y, 0), p.get_x() + p.get_width())
    assert max(ends.values()) == pytest.approx(sc["score"].iloc[0])
    with pytest.raises(CRMDataError, match=r"top=0 must be a whole number >= 1"):
        plots.scorecard_chart(sc, top=0, ax=ax)
    plt.close(fig)


def test_allocation_chart_and_scatter(two):
    comp = compare_policies(two, total_hours=200, uplift_rate=0.1)
    fig, (ax1, ax2) = plt.subplots(1, 2)
    plots.allocation_chart(comp, ax=ax1)
    assert [p.get_height() for p in ax1.patches] == pytest.approx(comp["uplift"] / 1e6)
    plots.value_profit_scatter(two, ax=ax2)
    assert len(ax2.collections) == 2
    assert ax2.get_xscale() == "log"
    with pytest.raises(CRMDataError, match=r"allocation_chart: expected the output"):
        plots.allocation_chart(two, ax=ax1)
    plt.close(fig)


def test_widget_reacts_to_sliders(accounts):
    with contextlib.redirect_stdout(io.StringIO()):
        w = widgets.scorecard_explorer(accounts)
        base = set(w.result.index[w.result["key_account"]])
        assert w.entered == [] and w.left == []
        names = [c.description for c in w.children[:4]]
        assert names == ["value", "profit", "growth", "fit"]
        w.children[0].value = 0.0  # revenue no longer counts
        w.children[1].value = 0.0
        w.children[2].value = 1.0  # growth only ...
        w.children[3].value = 0.0
        res = w.result
        assert res.attrs["weights"] == {"value": 0.0, "profit": 0.0, "growth": 1.0, "fit": 0.0}
        keys = set(res.index[res["key_account"]])
        assert len(keys) == 60
        assert sorted(keys - base) == w.entered and w.entered
        assert sorted(base - keys) == w.left
        assert res["score"].iloc[0] == 100.0
        w.children[2].value = 0.0  # all weights 0: a message, no result
        assert w.result is None
    plt.close("all")

"""Management bias: objective scorecard, priority audit, drivers, fair allocation."""

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
from crmlab import CRMDataError, key_accounts, plots, widgets  # noqa: E402
from crmlab.bias import (  # noqa: E402
    STATUSES,
    allocation_totals,
    audit_summary,
    audit_totals,
    fair_allocation,
    objective_scorecard,
    priority_audit,
    priority_drivers,
)


@pytest.fixture
def five():
    """Five accounts: a is best on every criterion, e worst; the manager likes d and e."""
    return pd.DataFrame({
        "account_id": list("abcde"),
        "revenue": [5.0, 4, 3, 2, 1],
        "gross_margin": [0.5, 0.4, 0.3, 0.2, 0.1],
        "growth_potential": [5, 4, 3, 2, 1],
        "manager_priority": [5, 4, 3, 1, 2],
        "resource_hours": [10.0, 20, 30, 50, 40],
        "profit": [50.0, 30, 10, -5, -10],
        "tenure_years": [1, 2, 3, 9, 7],
    })


@pytest.fixture(scope="module")
def accounts():
    return crmlab.load_data("accounts")


# ----------------------------------------------------------------------- scorecard
def test_objective_scorecard_by_hand():
    df = pd.DataFrame({"account_id": ["a", "b", "c", "d"],
                       "revenue": [100.0, 1000.0, 200.0, 400.0],
                       "gross_margin": [0.4, 0.1, 0.3, 0.3],
                       "growth_potential": [9, 2, 9, 5]})
    sc = objective_scorecard(df).loc[list("abcd")]
    # percentile ranks 100 (rank - 1) / 3, ties share the average rank
    np.testing.assert_allclose(sc["sales_score"], [0, 100, 100 / 3, 200 / 3])
    np.testing.assert_allclose(sc["margin_score"], [100, 0, 50, 50])
    np.testing.assert_allclose(sc["potential_score"], [250 / 3, 0, 250 / 3, 100 / 3])
    np.testing.assert_allclose(sc["score"], [(0 + 100 + 250 / 3) / 3, 100 / 3,
                                             (100 / 3 + 50 + 250 / 3) / 3, 50])
    assert sc["rank"].tolist() == [1, 4, 2, 3]
    mm = objective_scorecard(df, normalize="minmax", weights={"sales": 1}).loc[list("abcd")]
    np.testing.assert_allclose(mm["score"], [0, 100, 100 / 9, 100 / 3])
    assert mm.attrs["weights"] == {"sales": 1.0, "margin": 0.0, "potential": 0.0}


def test_objective_scorecard_ties_constant_and_single():
    df = pd.DataFrame({"account_id": ["b", "a"], "revenue": [1.0, 1.0],
                       "gross_margin": [0.2, 0.2], "growth_potential": [3, 3]})
    sc = objective_scorecard(df)
    np.testing.assert_allclose(sc["score"], [50.0, 50.0])  # constant criteria -> 50
    assert list(sc.index) == ["a", "b"] and sc["rank"].tolist() == [1, 2]  # tie by id
    one = objective_scorecard(df.iloc[:1])
    assert one["rank"].tolist() == [1] and one["score"].iloc[0] == pytest.approx(50.0)


def test_objective_scorecard_errors(five):
    with pytest.raises(CRMDataError, match="weight 'sales' is negative"):
        objective_scorecard(five, weights={"sales": -1})
    with pytest.raises(CRMDataError, match="unknown weight key"):
        objective_scorecard(five, weights={"profit": 1})
    with pytest.raises(CRMDataError, match="all weights are 0"):
        objective_scorecard(five, weights={"sales": 0})
    with pytest.raises(CRMDataError, match="duplicated account ids in rows 0, 1"):
        objective_scorecard(five.assign(account_id="a"))
    with pytest.raises(CRMDataError, match=r"no column 'revenue'.*Did you mean revenue='revenu'"):
        objective_scorecard(five.rename(columns={"revenue": "revenu"}))
    with pytest.raises(CRMDataError, match="no rows"):
        objective_scorecard(five.iloc[:0])
    with pytest.raises(CRMDataError, match="normalize"):
        objective_scorecard(five, normalize="z")


# ----------------------------------------------------------------------- audit
def test_priority_audit_by_hand(five):
    before = five.copy()
    audit = priority_audit(five, keep=["tenure_years"])
    pd.testing.assert_frame_equal(five, before)
    assert list(audit.index) == list("abcde")
    assert audit["objective_rank"].tolist() == [1, 2, 3, 4, 5]
    assert audit["manager_rank"].tolist() == [5, 4, 3, 1, 2]
    assert audit["rank_gap"].tolist() == [-4, -2, 0, 3, 3]
    # threshold 0.25 * 5 = 1.25 ranks
    assert audit["status"].astype(str).tolist() == [
        "under-served", "under-served", "aligned", "over-served", "over-served"]
    s = audit_totals(audit)
    # Spearman: d = -4, -2, 0, 3, 3; sum d^2 = 38; 1 - 6 * 38 / (5 * 24) = -0.9
    assert s["spearman"] == pytest.approx(-0.9)
    assert (s["over_served"], s["aligned"], s["under_served"]) == (2, 1, 2)
    assert s["hours_over_served"] == 90.0 and s["hours_total"] == 150.0
    assert s["hours_over_served_share"] == pytest.approx(0.6)
    assert s["profit_over_served"] == -15.0 and s["loss_making_over_served"] == 2
    assert s["hours_under_served"] == 30.0 and s["profit_under_served"] == 80.0
    assert audit["tenure_years"].tolist() == [1, 2, 3, 9, 7]
    # a wider threshold: 0.5 * 5 = 2.5 ranks, only a (gap -4) and d, e (gap 3) flagged
    wide = priority_audit(five, threshold=0.5)
    assert wide["status"].astype(str).tolist() == [
        "under-served", "aligned", "aligned", "over-served", "over-served"]


def test_priority_audit_perfect_agreement_and_own_score(five):
    agree = five.assign(manager_priority=[1, 2, 3, 4, 5])
    audit = priority_audit(agree)
    assert audit_totals(audit)["spearman"] == pytest.approx(1.0)
    assert (audit["status"] == "aligned").all()
    own = priority_audit(five.assign(my_score=[1.0, 2, 3, 4, 5]), score="my_score")
    assert own.loc["e", "objective_rank"] == 1
    assert audit_totals(own)["spearman"] == pytest.approx(0.9)
    assert own.attrs["weights"] is None


def test_priority_audit_ties_in_priority(five):
    audit = priority_audit(five.assign(manager_priority=[1, 1, 3, 4, 5]))
    assert audit["manager_rank"].tolist()[:2] == [1.5, 1.5]


def test_priority_audit_small_inputs(five):
    two = priority_audit(five.iloc[:2])
    assert np.isnan(audit_totals(two)["spearman"])        # fewer than 3 accounts
    one = priority_audit(five.iloc[:1])
    assert one["status"].astype(str).tolist() == ["aligned"]


def test_priority_audit_errors(five):
    with pytest.raises(CRMDataError, match=r"threshold=25 .*pass 0\.25, not 25"):
        priority_audit(five, threshold=25)
    with pytest.raises(CRMDataError, match=r"'manager_priority' must be a rank >= 1.*row 0"):
        priority_audit(five.assign(manager_priority=[0, 4, 3, 1, 2]))
    with pytest.raises(CRMDataError, match=r"'resource_hours' must be >= 0.*row 2 \(-1\.0\)"):
        priority_audit(five.assign(resource_hours=[1.0, 2, -1, 3, 4]))
    with pytest.raises(CRMDataError, match=r"no column 'manager_priority'"):
        priority_audit(five.drop(columns="manager_priority"))
    with pytest.raises(CRMDataError, match="no rows"):
        priority_audit(five.iloc[:0])
    with pytest.raises(CRMDataError, match="missing values"):
        priority_audit(five.assign(profit=[1.0, np.nan, 1, 1, 1]))


def test_audit_summary(five):
    summary = audit_summary(priority_audit(five, keep=["tenure_years"]))
    assert list(summary.index) == [*STATUSES, "all"]
    assert summary.loc["over-served", "accounts"] == 2
    assert summary.loc["over-served", "hours_per_account"] == 45.0
    assert summary.loc["over-served", "tenure_years"] == 8.0
    assert summary.loc["under-served", "tenure_years"] == 1.5
    assert summary.loc["all", "hours_share"] == 1.0
    assert summary.loc[list(STATUSES), "accounts"].sum() == 5
    with pytest.raises(CRMDataError, match="priority_audit"):
        audit_summary(five)


def test_priority_drivers_by_hand(five):
    d = priority_drivers(five, attributes=["tenure_years", "profit", "revenue"])
    # preference = -priority = -5, -4, -3, -1, -2; tenure 1, 2, 3, 9, 7: same order
    assert d.loc["tenure_years", "spearman"] == pytest.approx(1.0)
    # revenue and profit fall from a to e: d = -4, -2, 0, 3, 3 -> -0.9, as in the audit
    assert d.loc["revenue", "spearman"] == pytest.approx(-0.9)
    assert d.loc["profit", "spearman"] == pytest.approx(-0.9)
    assert d.index[0] == "tenure_years"
    const = priority_drivers(five.assign(k=1), attributes=["k"])
    assert np.isnan(const.loc["k", "spearman"])
    with pytest.raises(CRMDataError, match="no column 'mood'"):
        priority_drivers(five, attributes=["mood"])


# ----------------------------------------------------------------------- allocation
def test_fair_allocation_by_hand(five):
    before = five.copy()
    fair = fair_allocation(five)
    pd.testing.assert_frame_equal(five, before)
    # rank scores 100, 75, 50, 25, 0 -> hours 150 * s / 250
    np.testing.assert_allclose(fair["fair_hours"], [60, 45, 30, 15, 0])
    np.testing.assert_allclose(fair["change"], [50, 25, 0, -35, -40], atol=1e-9)
    assert allocation_totals(fair)["hours_moved"] == pytest.approx(75)
    totals = allocation_totals(fair)
    assert (totals["accounts_gain"], totals["accounts_lose"]) == (2, 2)
    assert fair.attrs["total_hours"] == 150.0
    floor = fair_allocation(five, min_hours=10)
    # 10 each, the other 100 by score: 40, 30, 20, 10, 0
    np.testing.assert_allclose(floor["fair_hours"], [50, 40, 30, 20, 10])
    equal = fair_allocation(five, by="equal", total_hours=100)
    np.testing.assert_allclose(equal["fair_hours"], 20.0)


def test_fair_allocation_by_tier(five):
    tier = fair_allocation(five, by="tier", top=0.2)
    # the top 20% (one account) gets 3 shares, the others 1: 150 / 7 per share
    np.testing.assert_allclose(tier["fair_hours"], [450 / 7] + [150 / 7] * 4)
    assert tier.loc["a", "tier"] == key_accounts.KEY
    custom = fair_allocation(five, by="tier", top=0.4,
                             tier_weights={key_accounts.KEY: 1, key_accounts.ORDINARY: 1})
    np.testing.assert_allclose(custom["fair_hours"], 30.0)
    with pytest.raises(CRMDataError, match=r"pass 0\.2, not 20"):
        fair_allocation(five, by="tier", top=20)


def test_fair_allocation_uses_the_key_accounts_response_model(five):
    fair = fair_allocation(five, h0=50, uplift_rate=0.1)
    frame = five.set_index("account_id").loc[list(fair.index)]
    ref = key_accounts.allocate_resources(frame, total_hours=150, policy="current",
                                          h0=50, uplift_rate=0.1)
    np.testing.assert_allclose(fair["uplift_current"], ref["uplift"])
    potential = 0.1 * frame["revenue"] * frame["growth_potential"] / 10
    np.testing.assert_allclose(fair["uplift_fair"],
                               potential * (1 - np.exp(-fair["fair_hours"] / 50)))
    assert allocation_totals(fair)["uplift_change"] == pytest.approx(
        fair["uplift_fair"].sum() - fair["uplift_current"].sum())


def test_fair_allocation_errors(five):
    with pytest.raises(CRMDataError, match="needs 100 hours, more than the 50"):
        fair_allocation(five, total_hours=50, min_hours=20)
    with pytest.raises(CRMDataError, match="by='rank'"):
        fair_allocation(five, by="rank")
    with pytest.raises(CRMDataError, match="negative hours in row 1"):
        fair_allocation(five.assign(resource_hours=[1.0, -2, 3, 4, 5]))
    with pytest.raises(CRMDataError, match="total_hours=-1"):
        fair_allocation(five, total_hours=-1)
    with pytest.raises(CRMDataError, match="no rows"):
        fair_allocation(five.iloc[:0])


def test_fair_allocation_zero_hours(five):
    none = fair_allocation(five.assign(resource_hours=0.0))
    assert none["fair_hours"].sum() == 0 and allocation_totals(none)["uplift_change"] == 0
    some = fair_allocation(five.assign(resource_hours=0.0), total_hours=100)
    assert some["fair_hours"].sum() == pytest.approx(100)


@settings(max_examples=50)
@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1), st.integers(1, 10),
                          st.floats(0, 500)), min_size=1, max_size=25),
       st.sampled_from(["score", "tier", "equal"]), st.floats(0, 20),
       st.one_of(st.none(), st.floats(600, 5000)))
def test_fair_allocation_conserves_hours(rows, by, floor, total):
    df = pd.DataFrame(rows, columns=["revenue", "gross_margin", "growth_potential",
                                     "resource_hours"])
    df["account_id"] = [f"A{i:03d}" for i in range(len(df))]
    df["profit"] = 0.0
    expected = df["resource_hours"].sum() if total is None else total
    if expected < floor * len(df):
        return
    fair = fair_allocation(df, by=by, min_hours=floor, total_hours=total)
    assert fair["fair_hours"].sum() == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert (fair["fair_hours"] >= floor - 1e-9).all()
    assert sorted(fair["rank"]) == list(range(1, len(df) + 1))


# ----------------------------------------------------------------------- bundled data
def test_bundled_audit(accounts):
    audit = priority_audit(accounts)
    s = audit_totals(audit)
    assert s["spearman"] == pytest.approx(0.1698, abs=1e-4)      # weak agreement
    assert (s["over_served"], s["under_served"]) == (75, 77)
    assert s["hours_over_served_share"] == pytest.approx(0.395, abs=1e-3)
    assert s["loss_making_over_served"] == 29
    d = priority_drivers(accounts, attributes=["profit", "tenure_years", "relationship",
                                               "revenue", "growth_potential"])
    # data card: tenure 0.59, relationship 0.55, revenue 0.58, profit 0.23
    np.testing.assert_allclose(d.loc[["tenure_years", "relationship", "revenue", "profit"],
                                     "spearman"], [0.59, 0.55, 0.58, 0.23], atol=0.01)
    assert d.loc["growth_potential", "spearman"] < 0
    summary = audit_summary(priority_audit(accounts, keep=["tenure_years", "relationship"]))
    assert summary.loc["over-served", "tenure_years"] > summary.loc["under-served",
                                                                    "tenure_years"]


def test_bundled_fair_allocation(accounts):
    fair = fair_allocation(accounts)
    assert fair["fair_hours"].sum() == pytest.approx(accounts["resource_hours"].sum())
    assert allocation_totals(fair)["hours_moved"] == pytest.approx(16384.1, abs=0.1)
    assert allocation_totals(fair)["uplift_change"] > 0


# ----------------------------------------------------------------------- plots, widget
def test_plots(five, accounts):
    fig, (ax1, ax2) = plt.subplots(1, 2)
    audit = priority_audit(accounts)
    ax = plots.priority_scatter(audit, ax=ax1)
    assert len(ax.collections) == 3 and len(ax.lines) == 3   # diagonal + 2 threshold lines
    assert "0.17" in ax.get_title()
    ax = plots.reallocation_chart(fair_allocation(accounts), ax=ax2)
    assert len(ax.patches) == 20
    heights = [p.get_height() for p in ax.patches]   # 10 bars today, then 10 fair
    fair_heights = heights[10:]
    assert fair_heights == sorted(fair_heights, reverse=True)   # fair: best group most
    plt.close(fig)
    with pytest.raises(CRMDataError, match="priority_audit"):
        plots.priority_scatter(five)
    with pytest.raises(CRMDataError, match="groups=0"):
        plots.reallocation_chart(fair_allocation(five), groups=0)


def test_weights_explorer(accounts):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        w = widgets.weights_explorer(accounts)
    assert "Spearman correlation, manager vs. objective rank: 0.17" in out.getvalue()
    assert audit_totals(w.result)["spearman"] == pytest.approx(0.1698, abs=1e-4)
    assert "moves 16,384 of" in out.getvalue()
    with contextlib.redirect_stdout(io.StringIO()):
        w.children[0].value = 0.0
        w.children[2].value = 0.0             # margin only
    assert audit_totals(w.result)["spearman"] == pytest.approx(-0.0217, abs=1e-3)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        w.children[1].value = 0.0             # all zero
    assert w.result is None and "All weights are 0" in out.getvalue()
    plt.close("all")


def test_totals_are_computed_from_the_table_not_carried_in_attrs(accounts):
    """pandas drops attrs on many operations: the totals come from the columns."""
    audit = priority_audit(accounts)
    assert set(audit.attrs) == {"threshold", "weights"}
    copy = audit.copy()
    copy.attrs = {}
    kept = audit_totals(copy)
    assert kept["spearman"] == audit_totals(audit)["spearman"]
    assert kept["threshold"] is None and audit_totals(audit)["threshold"] == 0.25
    fair = fair_allocation(accounts)
    bare = pd.DataFrame(fair)                       # a plain copy
    bare.attrs = {}
    assert allocation_totals(bare) == allocation_totals(fair)
    with pytest.raises(CRMDataError, match="priority_audit"):
        audit_totals(accounts)
    with pytest.raises(CRMDataError, match="fair_allocation"):
        allocation_totals(accounts)

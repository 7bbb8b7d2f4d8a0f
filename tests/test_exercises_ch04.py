"""Chapter 04 exercises: the expected answers pass, typical wrong answers fail kindly."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from exercise_helpers import (
    SOLUTIONS,
    english,  # noqa: F401  (autouse fixture)
    fails,
    hidden_tests,
    passes,
    plain,
)

import crmlab
from crmlab import pyramid
from crmlab.exercises import ch04, set_language
from crmlab.exercises._registry import judge

SOLUTION = SOLUTIONS / "04_pyramid_long_tail.ipynb"
QIDS = ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7"]


@pytest.fixture(scope="module")
def tx():
    return crmlab.load_data("retail_transactions")


@pytest.fixture(scope="module")
def customers(tx):
    table = tx.groupby("customer_id")[["amount", "gross_profit", "cost_to_serve"]].sum()
    table["profit"] = table["gross_profit"] - table["cost_to_serve"]
    return table


# ---------------------------------------------------------------- all exercises


def test_expected_values_are_the_chapter_numbers():
    assert ch04.expected("4.2") == pytest.approx(0.675, abs=5e-4)
    e3 = ch04.expected("4.3")
    assert e3["gini_retail"] == pytest.approx(0.645, abs=5e-4)
    assert e3["gini_cdnow"] == pytest.approx(0.635, abs=5e-4)
    assert e3["more_concentrated"] == "retailer"
    assert ch04.expected("4.4") == {"including": 1538, "before": 1539}
    assert ch04.expected("4.5").tolist() == [49, 923, 1457, 2428]
    assert ch04.expected("4.6")["peak"] == pytest.approx(1.059, abs=5e-4)
    assert ch04.expected("4.6")["losers"] == 699
    assert ch04.expected("4.7")["contradictory"] is False
    assert ch04.expected("4.7")["tail_share"] == pytest.approx(0.325, abs=5e-4)


# ---------------------------------------------------------------- 4.1 profit ranking


def test_4_1_ties_in_any_order_pass(customers):
    want = ch04.expected("4.1")
    assert want.duplicated().any()  # ties exist, so the order among them is free
    stable = customers["profit"].sort_values(ascending=False, kind="stable")
    reverse_ties = (-customers["profit"].iloc[::-1]).sort_values(kind="stable") * -1
    assert not reverse_ties.index.equals(stable.index)
    passes("4.1", stable)
    passes("4.1", reverse_ties)
    # profit computed per order first: same values up to rounding
    per_order = (customers["gross_profit"] - customers["cost_to_serve"]).rename("profit")
    passes("4.1", per_order.sort_values(ascending=False) + 1e-9)


def test_4_1_wrong_answers(tx, customers):
    want = ch04.expected("4.1")
    fails("4.1", want.sort_index(), "not sorted from the largest down", "ascending=False")
    fails("4.1", want.iloc[::-1], "smallest up")
    fails("4.1", customers["gross_profit"].sort_values(ascending=False), "gross profits",
          "cost_to_serve")
    fails("4.1", customers["amount"].sort_values(ascending=False), "revenues")
    fails("4.1", -want, "sign is flipped")
    fails("4.1", want.to_frame("profit"), "one-column DataFrame")
    fails("4.1", customers.sort_values("profit", ascending=False), "Expected Series",
          "got DataFrame")
    fails("4.1", tx["gross_profit"] - tx["cost_to_serve"], "One value per order")
    fails("4.1", want.tolist(), "Expected Series, got list")
    fails("4.1", want.reset_index(drop=True), "row labels differ")
    fails("4.1", want.iloc[:-1], "Expected 4857 values, got 4856")
    one_off = want.copy()
    one_off.iloc[3] += 100
    fails("4.1", one_off, "1 of 4857 values differ")


def test_4_1_feedback_in_chinese(customers):
    set_language("zh")
    fails("4.1", customers["gross_profit"].sort_values(ascending=False), "毛利")
    fails("4.1", ch04.expected("4.1").sort_index(), "从大到小")


# ---------------------------------------------------------------- 4.2 top 20 %


def test_4_2_wrong_answers(tx, customers):
    want = ch04.expected("4.2")
    value = customers["amount"]
    ranked = value.sort_values(ascending=False)
    passes("4.2", float(ranked.head(math.ceil(0.2 * len(ranked))).sum() / ranked.sum()))
    passes("4.2", np.float64(want))
    fails("4.2", want * 100, "looks like a percentage")
    fails("4.2", 1 - want, "1 minus the answer")
    fails("4.2", float(ranked.head(int(0.2 * len(ranked))).sum() / ranked.sum()),
          "int(0.2 * n) = 971", "ceil(0.2 * n) = 972")
    fails("4.2", pyramid.top_share(value, 0.2, method="interpolate"), "interpolate")
    positive = tx["amount"].clip(lower=0).groupby(tx["customer_id"]).sum()
    fails("4.2", pyramid.top_share(positive, 0.2), "Returns are left out")
    fails("4.2", round(want, 3), "rounded to 3 decimals")
    fails("4.2", str(want), "is text, not a number")
    fails("4.2", pd.Series([want]), ".iloc[0]")
    fails("4.2", 0.8, "too high")


# ---------------------------------------------------------------- 4.3 Gini


def test_4_3_answers(customers):
    want = ch04.expected("4.3")
    passes("4.3", {**want, "more_concentrated": "  Retailer "})
    n = len(customers)
    cdnow = crmlab.load_data("cdnow")
    n_cd = cdnow["customer_id"].nunique()
    fails("4.3", {**want, "gini_retail": want["gini_retail"] * n / (n - 1)},
          "[gini_retail]", "small-sample correction")
    # with 23,570 customers the correction is small (4e-5 relative), but unrounded
    # answers are compared at 1e-6: it is named like the retailer's
    fails("4.3", {**want, "gini_cdnow": want["gini_cdnow"] * n_cd / (n_cd - 1)},
          "[gini_cdnow]", "small-sample correction")
    fails("4.3", {**want, "gini_cdnow": pyramid.gini(cdnow["amount"])}, "single orders")
    sample = crmlab.load_data("cdnow_sample").groupby("customer_id")["amount"].sum()
    fails("4.3", {**want, "gini_cdnow": pyramid.gini(sample)}, "cdnow_sample")
    fails("4.3", {**want, "gini_retail": pyramid.gini(customers["gross_profit"].clip(0))},
          "Gini of gross profit")
    fails("4.3", {**want, "gini_retail": 100 * want["gini_retail"]}, "percentage")
    fails("4.3", {**want, "more_concentrated": "CDNOW"}, "[more_concentrated]",
          "Not by the Gini coefficient")
    fails("4.3", {**want, "more_concentrated": "the retailer"}, "'retailer' or 'CDNOW'")
    fails("4.3", {**want, "more_concentrated": 1}, "Expected text")
    fails("4.3", {**want, "gini_retail": ...}, "[gini_retail] Not answered yet")
    fails("4.3", (want["gini_retail"], want["gini_cdnow"]), "Expected dict")


# ---------------------------------------------------------------- 4.4 ABC


def test_4_4_answers(customers):
    passes("4.4", {"before": np.int64(1539), "including": np.int64(1538)})
    fails("4.4", {"including": 1539, "before": 1538}, "swapped", "one A customer fewer")
    n = len(customers)
    fails("4.4", {"including": 1538 / n, "before": 1539 / n}, "[including]",
          "share of customers, not a number")
    gross = customers["gross_profit"].clip(lower=0)
    by_gross = {r: int((pyramid.abc_classes(gross, rule=r) == "A").sum())
                for r in ["including", "before"]}
    fails("4.4", by_gross, "gross profit")
    fails("4.4", {"including": 1538, "before": 1538}, "[before]", "too low")
    fails("4.4", {"including": 1538}, "Missing key(s): before")
    fails("4.4", (1538, 1539), "Expected dict")
    counts = pyramid.abc_classes(customers["amount"]).value_counts(sort=False)
    fails("4.4", {"including": counts, "before": counts}, "Expected number, got Series")


# ---------------------------------------------------------------- 4.5 su pyramid


def test_4_5_answers(customers):
    value = customers["amount"]
    want = ch04.expected("4.5")
    tiers = pyramid.pyramid_tiers(value)
    passes("4.5", pyramid.tier_summary(value, tiers)["customers"])
    passes("4.5", pd.Series(want.to_numpy(dtype=float), index=[str(t) for t in want.index]))
    fails("4.5", tiers.value_counts(), "wrong order")
    fails("4.5", pyramid.pyramid_tiers(value, "curry").value_counts(sort=False), "Curry")
    fails("4.5", pyramid.pyramid_tiers(value, "curry", language="zh").value_counts(sort=False),
          "Curry")
    fails("4.5", pyramid.pyramid_tiers(value, language="en").value_counts(sort=False),
          "English names")
    fails("4.5", tiers.value_counts(sort=False, normalize=True), "shares of customers")
    fails("4.5", pyramid.pyramid_tiers(customers["profit"], "zeithaml").value_counts(sort=False),
          "Zeithaml")
    fails("4.5", pyramid.tier_summary(value, tiers), "Expected Series, got DataFrame")
    fails("4.5", want.to_frame(), "one-column DataFrame")
    fails("4.5", want.tolist(), "Expected Series")


# ---------------------------------------------------------------- 4.6 whale curve


def test_4_6_answers(tx, customers):
    whale = pyramid.whale_curve(customers["profit"])
    want = ch04.expected("4.6")
    passes("4.6", {"peak": float(whale["cumulative_profit_share"].max()),
                   "losers": int((customers["profit"] < 0).sum())})
    passes("4.6", {"peak": whale["cumulative_profit_share"].max(),
                   "losers": (customers["profit"] < 0).sum()})
    at_peak = pyramid.whale_summary(customers["profit"])["peak_share"]
    fails("4.6", {**want, "peak": at_peak}, "[peak]", "share of customers at the peak")
    fails("4.6", {**want, "peak": whale["cumulative_profit"].max()}, "in yuan")
    fails("4.6", {**want, "peak": 100 * want["peak"]}, "percentage")
    fails("4.6", {**want, "losers": (customers["profit"] < 0).mean()}, "[losers]",
          "share of customers, not a number")
    losing_orders = int(((tx["gross_profit"] - tx["cost_to_serve"]) < 0).sum())
    assert losing_orders != 699
    fails("4.6", {**want, "losers": losing_orders}, "counts orders")
    fails("4.6", {**want, "losers": 700}, "too high")
    fails("4.6", {**want, "peak": round(want["peak"], 2)}, "rounded to 2 decimals")


# ---------------------------------------------------------------- 4.7 discussion


def test_4_7_answers(customers):
    want = ch04.expected("4.7")
    head = pyramid.top_share(customers["amount"], 0.2)
    passes("4.7", {**want, "contradictory": True})  # the decision is read with the reasoning
    passes("4.7", {**want, "contradictory": "no"})
    fails("4.7", {**want, "tail_share": 0.8}, "[tail_share]", "share of customers")
    fails("4.7", {**want, "tail_share": head}, "head's share")
    ranked = customers.sort_values("amount", ascending=False)
    tail_profit = ranked["profit"].iloc[972:].sum() / customers["profit"].sum()
    fails("4.7", {**want, "tail_share": tail_profit}, "share of profit")
    fails("4.7", {**want, "tail_share": 100 * want["tail_share"]}, "percentage")
    result = judge("4.7", {**want, "tail_share": 0.8})
    assert "long_tail_share" in result.hint


# ---------------------------------------------------------------- the notebook


def _namespace(qid, answer):
    names = {"4.1": "profit_ranked", "4.2": "top20", "4.4": "n_a", "4.5": "tier_sizes"}
    return {names[qid]: answer} if qid in names else dict(answer)


def test_hidden_tests_accept_the_expected_answers_and_catch_a_wrong_one():
    hidden = hidden_tests(SOLUTION)
    for qid in QIDS:
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        value = ch04.expected(qid)
        value = plain(value)  # as the grader sees it: a plain index
        exec(code, {"crmlab": crmlab, "pd": pd, "np": np, **_namespace(qid, value)})
    with pytest.raises(AssertionError):
        exec(hidden["check_4_4"], {"n_a": {"including": 1539, "before": 1538}})
    with pytest.raises(AssertionError):
        exec(hidden["check_4_1"], {"profit_ranked": ch04.expected("4.1").sort_index()})

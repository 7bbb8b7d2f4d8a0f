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
QIDS = [f"4.{k}" for k in range(1, 10)]


@pytest.fixture(scope="module")
def tx():
    return crmlab.load_data("retail_transactions")


def _per_customer(orders):
    table = orders.groupby("customer_id")[["amount", "gross_profit", "cost_to_serve"]].sum()
    table["profit"] = table["gross_profit"] - table["cost_to_serve"]
    return table


@pytest.fixture(scope="module")
def customers(tx):
    return _per_customer(tx)


@pytest.fixture(scope="module")
def year(tx):
    return _per_customer(tx[tx["order_date"].dt.year == 2025])


# ---------------------------------------------------------------- all exercises


def test_expected_values_follow_the_data(customers, year):
    """Computed here with plain pandas, independently of the checker's code."""
    value = customers["amount"].sort_values(ascending=False)
    cumulative = value.cumsum() / value.sum()
    n_half = int(np.searchsorted(cumulative.to_numpy(), 0.5)) + 1
    assert ch04.expected("4.2") == {"n_half": n_half, "half_fraction": n_half / len(value)}
    assert ch04.expected("4.4")["before"] - ch04.expected("4.4")["including"] == 1
    profit_up = customers["gross_profit"] - 1.2 * customers["cost_to_serve"]
    assert ch04.expected("4.6")["losers_up"] == int((profit_up < 0).sum())
    ranked = profit_up.sort_values(ascending=False)
    assert ch04.expected("4.6")["peak_up"] == pytest.approx(
        ranked.cumsum().max() / ranked.sum(), rel=1e-9)
    revenue = year["amount"].clip(lower=0).sort_values(ascending=False)
    head = math.ceil(0.2 * len(revenue))
    want = ch04.expected("4.9")
    assert want["tail_share"] == pytest.approx(revenue.iloc[head:].sum() / revenue.sum())
    assert want["tail_profit"] == pytest.approx(
        year.loc[revenue.index[head:], "profit"].sum() / year["profit"].sum())
    assert ch04.expected("4.8") == "B"


# ---------------------------------------------------------------- 4.1 profit in 2025


def test_4_1_answers(tx, customers, year):
    want = ch04.expected("4.1")
    passes("4.1", year["profit"].sort_values(ascending=False, kind="stable"))
    fails("4.1", want.iloc[::-1], "smallest up")
    fails("4.1", want.sort_index(), "not sorted")
    fails("4.1", year["gross_profit"].sort_values(ascending=False), "gross profits")
    fails("4.1", year["amount"].sort_values(ascending=False), "revenues")
    fails("4.1", -want, "sign is flipped")
    fails("4.1", customers["profit"].sort_values(ascending=False), "both years")
    fails("4.1", _per_customer(tx[tx["order_date"].dt.year == 2024])["profit"]
          .sort_values(ascending=False), "customers of 2024")
    fails("4.1", tx["gross_profit"] - tx["cost_to_serve"], "One value per order")
    fails("4.1", want.to_frame("profit"), "one-column DataFrame")
    fails("4.1", want.tolist(), "Expected Series, got list")


def test_4_1_feedback_in_chinese(year):
    set_language("zh")
    fails("4.1", year["gross_profit"].sort_values(ascending=False), "毛利")
    fails("4.1", ch04.expected("4.1").iloc[::-1], "排序方向反了")


# ---------------------------------------------------------------- 4.2 half the revenue


def test_4_2_answers(customers):
    want = ch04.expected("4.2")
    n = len(customers)
    passes("4.2", {"n_half": np.int64(want["n_half"]), "half_fraction": want["half_fraction"]})
    fails("4.2", {**want, "n_half": want["n_half"] - 1}, "[n_half]", "One customer short")
    up = customers["amount"].sort_values()
    from_bottom = int((up.cumsum() / up.sum() < 0.5).sum()) + 1
    fails("4.2", {**want, "n_half": from_bottom}, "smallest customers up")
    fails("4.2", {**want, "n_half": want["half_fraction"]}, "share of customers")
    fails("4.2", {**want, "half_fraction": want["n_half"]}, "[half_fraction]",
          "number of customers")
    fails("4.2", {**want, "half_fraction": 100 * want["half_fraction"]}, "percentage")
    fails("4.2", {**want, "half_fraction": (want["n_half"] - 1) / n}, "One customer short")


# ---------------------------------------------------------------- 4.3 bootstrap


def test_4_3_answers():
    want = ch04.expected("4.3")
    assert want["ci_low"] < want["top20_sample"] < want["ci_high"]
    passes("4.3", want)
    full = crmlab.load_data("cdnow").groupby("customer_id")["amount"].sum()
    fails("4.3", {**want, "top20_sample": pyramid.top_share(full, 0.2)}, "full CDNOW table")
    orders = crmlab.load_data("cdnow_sample")["amount"]
    fails("4.3", {**want, "top20_sample": pyramid.top_share(orders, 0.2)}, "single orders")
    fails("4.3", {**want, "ci_low": 100 * want["ci_low"]}, "[ci_low]", "percentage")
    fails("4.3", {**want, "full_inside": not want["full_inside"]}, "[full_inside]",
          "Not by your interval")
    fails("4.3", {**want, "full_inside": "yes"}, "[full_inside]")


# ---------------------------------------------------------------- 4.4 ABC


def test_4_4_answers(customers):
    want = ch04.expected("4.4")
    passes("4.4", {k: np.int64(v) for k, v in want.items()})
    fails("4.4", {"including": want["before"], "before": want["including"]}, "swapped")
    chapter = {r: int((pyramid.abc_classes(customers["amount"], rule=r) == "A").sum())
               for r in ["including", "before"]}
    fails("4.4", chapter, "[including]", "chapter's thresholds")
    n = len(customers)
    fails("4.4", {k: v / n for k, v in want.items()}, "share of customers")
    fails("4.4", {"including": want["including"]}, "Missing key(s): before")


# ---------------------------------------------------------------- 4.5 profit of the tiers


def test_4_5_answers(customers):
    value, profit = customers["amount"], customers["profit"]
    want = ch04.expected("4.5")
    tiers = pyramid.pyramid_tiers(value)
    passes("4.5", plain(want))
    passes("4.5", pyramid.tier_summary(profit, tiers)["value_share"])
    fails("4.5", want.iloc[::-1], "pyramid order")
    fails("4.5", pyramid.tier_summary(value, tiers)["value_share"], "shares of revenue")
    by_profit = pyramid.pyramid_tiers(profit)
    fails("4.5", profit.groupby(by_profit, observed=False).sum() / profit.sum(),
          "rank the customers by profit")
    fails("4.5", profit.groupby(tiers, observed=False).sum(), "in yuan")
    fails("4.5", tiers.value_counts(sort=False, normalize=True), "shares of customers")


# ---------------------------------------------------------------- 4.6 dearer service


def test_4_6_answers(tx, customers):
    want = ch04.expected("4.6")
    today = pyramid.whale_summary(customers["profit"])
    assert want["losers_up"] > today["losing_customers"]  # dearer service: more loss-makers
    passes("4.6", {"peak_up": want["peak_up"], "losers_up": np.int64(want["losers_up"])})
    fails("4.6", {**want, "peak_up": today["peak_height"]}, "[peak_up]", "today's cost")
    fails("4.6", {**want, "losers_up": today["losing_customers"]}, "[losers_up]", "today's")
    fails("4.6", {**want, "losers_up": want["losers_up"] / len(customers)},
          "share of customers")
    losing_orders = int(((tx["gross_profit"] - tx["cost_to_serve"]) < 0).sum())
    fails("4.6", {**want, "losers_up": losing_orders}, "counts orders")
    fails("4.6", {**want, "peak_up": round(want["peak_up"], 2)}, "rounded to 2 decimals")


# ---------------------------------------------------------------- 4.7 about these data


def test_4_7_answers(customers):
    want = ch04.expected("4.7")
    assert want["gini_bundled"] == pytest.approx(pyramid.gini(customers["amount"]))
    passes("4.7", want)
    fails("4.7", {**want, "gini_narrow": want["gini_bundled"]}, "nothing changed")
    fails("4.7", {**want, "gini_bundled": want["gini_narrow"]}, "setting changed")
    fails("4.7", {**want, "top20_narrow": pyramid.top_share(customers["amount"], 0.2)},
          "[top20_narrow]", "nothing changed")


# ---------------------------------------------------------------- 4.8 concept check


@pytest.mark.parametrize("letter", ["B", "b", " B ", "Ｂ", "ｂ", "B."])
def test_4_8_accepts_the_letter_however_typed(letter):
    passes("4.8", letter)


def test_4_8_wrong_letters_explain_the_idea_without_the_answer():
    for letter in "ACD":
        text = fails("4.8", letter, whole_message=True)
        assert "B" not in text.replace("Beta", "")
    fails("4.8", "C", "苏朝晖")
    fails("4.8", "E", "not one of the options")
    fails("4.8", 2, "Expected text")
    set_language("zh")
    text = fails("4.8", "D", "频次")
    assert ":" not in text


# ---------------------------------------------------------------- 4.9 discussion


def test_4_9_answers(customers):
    want = ch04.expected("4.9")
    passes("4.9", {**want, "contradictory": True})  # the decision is read with the reasoning
    passes("4.9", {**want, "contradictory": "no"})
    fails("4.9", {**want, "tail_share": 0.8}, "[tail_share]", "share of customers")
    fails("4.9", {**want, "tail_share": 1 - want["tail_share"]}, "head's share")
    fails("4.9", {**want, "tail_share": want["tail_profit"]}, "other measure")
    fails("4.9", {**want, "tail_share": pyramid.long_tail_share(customers["amount"])},
          "both years")
    fails("4.9", {**want, "tail_profit": 100 * want["tail_profit"]}, "percentage")
    assert "long tail" in judge("4.9", {**want, "tail_share": 0.8}, tries=1).hint
    assert "long_tail_share" in judge("4.9", {**want, "tail_share": 0.8}, tries=3).hint


# ---------------------------------------------------------------- the notebook


def _namespace(qid, answer):
    names = {"4.1": "profit_2025", "4.4": "n_a", "4.5": "tier_profit_share",
             "4.8": "concept_4"}
    return {names[qid]: answer} if qid in names else dict(answer)


def test_hidden_tests_accept_the_expected_answers_and_catch_a_wrong_one():
    hidden = hidden_tests(SOLUTION)
    for qid in QIDS:
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        value = plain(ch04.expected(qid))  # as the grader sees it: a plain index
        exec(code, {"crmlab": crmlab, "pd": pd, "np": np, **_namespace(qid, value)})
    with pytest.raises(AssertionError):
        exec(hidden["check_4_4"], {"n_a": {"including": 1063, "before": 1062}})
    with pytest.raises(AssertionError):
        exec(hidden["check_4_1"], {"profit_2025": ch04.expected("4.1").sort_index()})

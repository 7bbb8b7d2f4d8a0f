"""Chapter 01 exercises: the expected answers pass, typical wrong answers fail kindly."""

from __future__ import annotations

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
from crmlab import acquisition
from crmlab.exercises import ch01, set_language

SOLUTION = SOLUTIONS / "01_acquisition.ipynb"
QIDS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]


@pytest.fixture(scope="module")
def leads():
    return crmlab.load_data("leads")


@pytest.fixture(scope="module")
def customers():
    return crmlab.load_data("retail_customers")


@pytest.fixture(scope="module")
def orders():
    return crmlab.load_data("retail_transactions")


@pytest.fixture(scope="module")
def summary(leads):
    return acquisition.channel_summary(leads, total=True)


# ---------------------------------------------------------------- all exercises


def test_expected_values_are_the_chapter_numbers():
    assert ch01.expected("1.1") == pytest.approx(0.116)
    assert ch01.expected("1.2").tolist() == [2000, 1556, 777, 427, 232]
    cpa = ch01.expected("1.3")
    assert list(cpa.index) == ["website", "cold_call", "referral", "partner", "advertising",
                               "trade_show"]
    assert cpa["website"] == pytest.approx(623.86, abs=0.01)
    assert cpa["trade_show"] == pytest.approx(5697.63, abs=0.01)
    assert ch01.expected("1.4") == pytest.approx(143 / 5000)
    spend = ch01.expected("1.5")
    assert spend["basic"] == pytest.approx(6547.73, abs=0.01)
    assert spend["plus"] == pytest.approx(11900.16, abs=0.01)
    assert ch01.expected("1.6") == {"budget_channel": "website",
                                    "budget_cpa": pytest.approx(623.86, abs=0.01)}


# ---------------------------------------------------------------- 1.1 conversion


def test_1_1_answers(leads):
    want = ch01.expected("1.1")
    passes("1.1", leads["converted"].mean())                 # np.float64
    passes("1.1", (leads["funnel_stage"] == "won").mean())
    passes("1.1", 232 / 2000)
    fails("1.1", want * 100, "looks like a percentage")
    fails("1.1", 1 - want, "1 minus the answer")
    text = fails("1.1", 232, "number of customers won", "share of all the leads")
    assert "2000" not in text  # the sentence names the idea, not the sum to type
    fails("1.1", 232 / 1556, "contacted leads only")
    fails("1.1", (leads["funnel_stage"] >= "proposal").mean(), "reached a proposal")
    fails("1.1", round(want, 1), "rounded to 1 decimals")
    fails("1.1", leads["converted"].value_counts(normalize=True), "Expected number")
    fails("1.1", pd.Series([want]), ".iloc[0]")
    fails("1.1", "0.116", "is text, not a number")
    fails("1.1", 0.0, "too low")  # not "rounded": 0 is no rounding of 0.116 worth naming


# ---------------------------------------------------------------- 1.2 funnel


def test_1_2_answers(leads):
    want = ch01.expected("1.2")
    at = leads["funnel_stage"].value_counts(sort=False)
    passes("1.2", at[::-1].cumsum()[::-1])                    # by hand, categorical index
    passes("1.2", pd.Series(want.to_numpy(dtype=float), index=list(want.index)))
    fails("1.2", at, "furthest stage", "[::-1].cumsum()[::-1]")
    fails("1.2", leads["funnel_stage"].value_counts(), "sorted by count", "funnel order")
    fails("1.2", at.cumsum(), "Cumulated from the top")
    fails("1.2", want / 2000, "shares of all leads")
    fails("1.2", want.iloc[::-1], "wrong order", "'new'")
    fails("1.2", acquisition.lead_funnel(leads), "Expected Series, got DataFrame")
    fails("1.2", want.to_frame(), "one-column DataFrame")
    fails("1.2", want.iloc[1:], "Expected 5 values, got 4")
    fails("1.2", want.tolist(), "Expected Series")


def test_1_2_feedback_in_chinese(leads):
    set_language("zh")
    fails("1.2", leads["funnel_stage"].value_counts(sort=False).cumsum(), "累计方向反了")


# ---------------------------------------------------------------- 1.3 CPA


def test_1_3_answers(leads, summary):
    want = ch01.expected("1.3")
    g = leads.groupby("source_channel", observed=True)
    by_hand = g["cost"].sum() / g["converted"].sum()         # categorical index, unsorted
    passes("1.3", by_hand.sort_values())
    passes("1.3", summary["cost_per_acquisition"].drop("total").sort_values())
    fails("1.3", by_hand, "not sorted", ".sort_values()")
    fails("1.3", by_hand.sort_values(ascending=False), "most expensive down")
    fails("1.3", (g["cost"].sum() / g.size()).sort_values(), "cost per lead",
          "customers won")
    won = leads[leads["converted"]].groupby("source_channel", observed=True)["cost"].mean()
    fails("1.3", won.sort_values(), "won leads only", "ALL")
    fails("1.3", (g["converted"].sum() / g["cost"].sum()).sort_values(), "customers per yuan")
    fails("1.3", summary["roi"].drop("total"), "That is the ROI")
    fails("1.3", summary["cost_per_acquisition"].sort_values(), "Expected 6 values, got 7")
    fails("1.3", summary.drop(index="total"), "Expected Series, got DataFrame")
    fails("1.3", want.reset_index(drop=True), "row labels differ")
    fails("1.3", want.round(), "rounded to 0 decimals")
    one_off = want.copy()
    one_off["website"] += 10
    fails("1.3", one_off, "1 of 6 values differ", "website (you have", "too high")


# ---------------------------------------------------------------- 1.4 never bought


def test_1_4_answers(customers, orders):
    want = ch01.expected("1.4")
    never = ~customers["customer_id"].isin(orders["customer_id"].unique())
    passes("1.4", never.mean())
    passes("1.4", 1 - orders["customer_id"].nunique() / len(customers))
    text = fails("1.4", int(never.sum()), "number of members who never bought",
                 "share of all members")
    assert "5000" not in text
    fails("1.4", never.sum() / orders["customer_id"].nunique(), "divided by the members who bought")
    fails("1.4", 1 - want, "1 minus the answer")
    fails("1.4", want * 100, "percentage")
    in_2025 = orders.loc[orders["order_date"].dt.year == 2025, "customer_id"].unique()
    fails("1.4", (~customers["customer_id"].isin(in_2025)).mean(), "no order in 2025")
    fails("1.4", round(want, 2), "rounded to 2 decimals")


# ---------------------------------------------------------------- 1.5 plus vs basic


def _mean_spend(customers, orders, *, joined_before="2025-01-01", years=(2025,),
                buyers_only=False, how="mean", no_returns=False):
    members = customers[customers["signup_date"] < joined_before]
    chosen = orders[orders["order_date"].dt.year.isin(years)]
    amount = chosen["amount"].clip(lower=0) if no_returns else chosen["amount"]
    spend = amount.groupby(chosen["customer_id"]).sum()
    per = members["customer_id"].map(spend)
    per = per.dropna() if buyers_only else per.fillna(0.0)
    return per.groupby(members["membership"].loc[per.index], observed=True).agg(how)


def test_1_5_answers(customers, orders):
    want = ch01.expected("1.5")
    passes("1.5", _mean_spend(customers, orders))
    passes("1.5", pd.Series({"basic": want["basic"], "plus": want["plus"]}))
    fails("1.5", _mean_spend(customers, orders, buyers_only=True), "members who bought",
          "fillna(0.0)")
    fails("1.5", _mean_spend(customers, orders, joined_before="2026-01-01"),
          "joined during 2025")
    fails("1.5", _mean_spend(customers, orders, years=(2024, 2025)), "both years")
    fails("1.5", _mean_spend(customers, orders, how="sum"), "total spends")
    fails("1.5", _mean_spend(customers, orders, how="median"), "median")
    fails("1.5", _mean_spend(customers, orders, no_returns=True), "Returns are left out")
    fails("1.5", want.iloc[::-1], "wrong order")
    fails("1.5", want.to_frame(), "one-column DataFrame")
    fails("1.5", {"basic": want["basic"], "plus": want["plus"]}, "Expected Series, got dict")
    fails("1.5", want["plus"] - want["basic"], "Expected Series, got number")


# ---------------------------------------------------------------- 1.6 discussion


@pytest.mark.parametrize("channel", ["website", "cold_call", "referral", "partner"])
def test_1_6_every_defensible_channel_passes(summary, channel):
    cpa = summary.loc[channel, "cost_per_acquisition"]
    passes("1.6", {"budget_channel": channel, "budget_cpa": cpa})
    passes("1.6", {"budget_channel": f" {channel.replace('_', ' ').title()} ",
                   "budget_cpa": float(cpa)})


@pytest.mark.parametrize("channel", ["trade_show", "advertising"])
def test_1_6_a_channel_worse_than_average_is_explained(summary, channel):
    cpa = summary.loc[channel, "cost_per_acquisition"]
    text = fails("1.6", {"budget_channel": channel, "budget_cpa": cpa}, "[budget_channel]",
                 "do not back", "2,242 yuan of an average lead", "below the overall 89")
    assert f"{cpa:,.0f} yuan" in text


def test_1_6_wrong_numbers(summary):
    fails("1.6", {"budget_channel": "referral",
                  "budget_cpa": summary.loc["referral", "cost_per_lead"]},
          "[budget_cpa]", "cost per lead of 'referral'")
    fails("1.6", {"budget_channel": "referral",
                  "budget_cpa": summary.loc["website", "cost_per_acquisition"]},
          "CPA of 'website', not of the channel you chose ('referral')")
    fails("1.6", {"budget_channel": "website",
                  "budget_cpa": summary.loc["total", "cost_per_acquisition"]},
          "CPA of all leads together")
    fails("1.6", {"budget_channel": "website", "budget_cpa": summary.loc["website", "roi"]},
          "ROI of 'website'")
    fails("1.6", {"budget_channel": "website", "budget_cpa": 624.0}, "rounded to 0 decimals")
    fails("1.6", {"budget_channel": "the website", "budget_cpa": 623.86},
          "not one of the lead channels", "'website'")
    fails("1.6", {"budget_channel": 3, "budget_cpa": 623.86}, "Expected text")
    fails("1.6", {"budget_channel": "website"}, "Missing key(s): budget_cpa")
    fails("1.6", ("website", 623.86), "Expected dict")


def test_1_6_feedback_in_chinese(summary):
    set_language("zh")
    fails("1.6", {"budget_channel": "trade_show",
                  "budget_cpa": summary.loc["trade_show", "cost_per_acquisition"]},
          "数据不支持")


# ---------------------------------------------------------------- the notebook


NAMES = {"1.1": "conversion_rate", "1.2": "reached", "1.3": "cpa", "1.4": "never_share",
         "1.5": "spend_by_tier"}


def _namespace(qid, answer):
    answer = plain(answer)  # as the grader sees it: plain labels
    return {NAMES[qid]: answer} if qid in NAMES else dict(answer)


def test_hidden_tests_accept_the_expected_answers_and_catch_a_wrong_one(summary):
    hidden = hidden_tests(SOLUTION)
    for qid in QIDS:
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        exec(code, {"crmlab": crmlab, "pd": pd, "np": np,
                    **_namespace(qid, ch01.expected(qid))})
    for channel in ["cold_call", "referral", "partner"]:
        exec(hidden["check_1_6"], {"budget_channel": channel,
                                   "budget_cpa": summary.loc[channel, "cost_per_acquisition"]})
    with pytest.raises(AssertionError):
        exec(hidden["check_1_6"], {"budget_channel": "trade_show", "budget_cpa": 5697.6})
    with pytest.raises(AssertionError):
        exec(hidden["check_1_3"], {"cpa": ch01.expected("1.3").sort_index()})
    with pytest.raises(AssertionError):
        exec(hidden["check_1_2"], _namespace("1.2", ch01.expected("1.2").iloc[::-1]))

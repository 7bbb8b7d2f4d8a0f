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
QIDS = [f"1.{k}" for k in range(1, 9)]


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


@pytest.fixture(scope="module")
def late(leads):
    return leads[leads["created_date"] >= "2025-07-01"]


# ---------------------------------------------------------------- all exercises


def test_expected_values_are_not_the_chapter_numbers(leads, summary):
    """Each answer is something the chapter did not print (issue 13)."""
    assert ch01.expected("1.1") == pytest.approx(232 / 777)
    assert ch01.expected("1.2").tolist() == [247, 239, 129, 79, 40]
    assert ch01.expected("1.3")["website"] != pytest.approx(
        summary.loc["website", "cost_per_acquisition"])
    assert list(ch01.expected("1.4").index) == ["basic", "plus"]
    assert ch01.expected("1.5")["basic"] == pytest.approx(658.46 * 7 / 3, abs=0.05)
    assert ch01.expected("1.6") == "D"
    assert ch01.expected("1.7")["trade_show_rank"] < 6
    assert ch01.expected("1.8")["customers_per_100k"]["website"] == pytest.approx(
        100_000 / summary.loc["website", "cost_per_acquisition"])


def test_findings_hold_on_the_bundled_data():
    assert all(f.holds() for f in ch01.FINDINGS)


# ---------------------------------------------------------------- 1.1 meeting -> won


def test_1_1_answers(leads):
    stage = leads["funnel_stage"]
    want = ch01.expected("1.1")
    passes("1.1", stage.eq("won").sum() / stage.ge("meeting").sum())
    passes("1.1", np.float64(want))
    fails("1.1", want * 100, "looks like a percentage")
    fails("1.1", leads["converted"].mean(), "conversion rate of all leads")
    fails("1.1", 232 / 1556, "from the contacted leads")
    fails("1.1", 232 / 427, "reached a proposal")
    text = fails("1.1", 232 / int((stage == "meeting").sum()), "furthest stage is the meeting")
    assert "777" not in text
    fails("1.1", 777 / 2000, "share of all leads that reached a meeting")
    fails("1.1", round(want, 3), "rounded to 3 decimals")
    fails("1.1", "0.3", "is text, not a number")


# ---------------------------------------------------------------- 1.2 funnel of a channel


def test_1_2_answers(leads):
    want = ch01.expected("1.2")
    referral = leads[leads["source_channel"] == "referral"]
    at = referral["funnel_stage"].value_counts(sort=False)
    passes("1.2", at[::-1].cumsum()[::-1])
    passes("1.2", pd.Series(want.to_numpy(dtype=float), index=list(want.index)))
    fails("1.2", at, "furthest stage", "from the bottom")
    fails("1.2", at.cumsum(), "Added up from the top")
    fails("1.2", want / want.iloc[0], "shares of the channel's leads")
    fails("1.2", acquisition.lead_funnel(leads)["reached"], "funnel of all leads", "referral")
    fails("1.2", referral["funnel_stage"].value_counts(), "sorted by count", "funnel order")
    fails("1.2", want.iloc[::-1], "wrong order", "'new'")
    fails("1.2", want.iloc[1:], "Expected 5 values, got 4")


def test_1_2_feedback_in_chinese(leads):
    set_language("zh")
    referral = leads[leads["source_channel"] == "referral"]
    fails("1.2", referral["funnel_stage"].value_counts(sort=False).cumsum(), "累计方向反了")


# ---------------------------------------------------------------- 1.3 CPA, second half


def test_1_3_answers(leads, late):
    want = ch01.expected("1.3")
    g = late.groupby("source_channel", observed=True)
    by_hand = g["cost"].sum() / g["converted"].sum()
    passes("1.3", by_hand.sort_values())
    passes("1.3", acquisition.channel_summary(late)["cost_per_acquisition"].sort_values())
    fails("1.3", by_hand.sort_values(ascending=False), "most expensive down")
    fails("1.3", (g["cost"].sum() / g.size()).sort_values(), "cost per lead", "customers won")
    won = late[late["converted"]].groupby("source_channel", observed=True)["cost"].mean()
    fails("1.3", won.sort_values(), "won leads only", "ALL")
    fails("1.3", (g["converted"].sum() / g["cost"].sum()).sort_values(), "customers per yuan")
    whole = leads.groupby("source_channel", observed=True)
    fails("1.3", (whole["cost"].sum() / whole["converted"].sum()).sort_values(),
          "whole year", "second half")
    early = leads[leads["created_date"] < "2025-07-01"].groupby("source_channel",
                                                                 observed=True)
    fails("1.3", (early["cost"].sum() / early["converted"].sum()).sort_values(),
          "first half")
    fails("1.3", want.round(), "rounded to 0 decimals")


def test_1_3_unsorted_is_named(late):
    g = late.groupby("source_channel", observed=True)
    text = fails("1.3", g["cost"].sum() / g["converted"].sum(), "not sorted")
    assert ".sort_values" not in text


# ---------------------------------------------------------------- 1.4 never bought by tier


def test_1_4_answers(customers, orders):
    want = ch01.expected("1.4")
    never = ~customers["customer_id"].isin(orders["customer_id"])
    passes("1.4", never.groupby(customers["membership"], observed=True).mean())
    passes("1.4", pd.Series({"basic": want["basic"], "plus": want["plus"]}))
    counts = never.groupby(customers["membership"], observed=True).sum()
    fails("1.4", counts, "numbers of members")
    fails("1.4", counts / len(customers), "shares of all 5,000 members")
    fails("1.4", 1 - want, "members who bought")
    in_2025 = orders.loc[orders["order_date"].dt.year == 2025, "customer_id"]
    fails("1.4", (~customers["customer_id"].isin(in_2025)).groupby(
        customers["membership"], observed=True).mean(), "no order in 2025")
    fails("1.4", float(never.mean()), "Expected Series, got number")


# ---------------------------------------------------------------- 1.5 the Costco fee


def _fee(customers, orders, *, joined_before="2025-01-01", gross=False, buyers_only=False,
         share=0.7):
    members = customers[customers["signup_date"] < joined_before]
    year = orders[orders["order_date"].dt.year == 2025]
    profit = year["gross_profit"] - (0 if gross else year["cost_to_serve"])
    per = members["customer_id"].map(profit.groupby(year["customer_id"]).sum())
    per = per.dropna() if buyers_only else per.fillna(0.0)
    mean = per.groupby(members["membership"].loc[per.index], observed=True).mean()
    return mean * share / (1 - share)


def test_1_5_answers(customers, orders):
    want = ch01.expected("1.5")
    passes("1.5", _fee(customers, orders))
    merch = want * 0.3 / 0.7
    fails("1.5", merch, "merchandise profit per member itself")
    fails("1.5", merch * 0.7, "70 % of the merchandise profit", "TOTAL")
    fails("1.5", merch * 0.3 / 0.7, "upside down")
    fails("1.5", _fee(customers, orders, gross=True), "gross profit", "cost to serve")
    fails("1.5", _fee(customers, orders, buyers_only=True), "members who bought")
    fails("1.5", _fee(customers, orders, joined_before="2026-01-01"), "joined during 2025")
    fails("1.5", want.iloc[::-1], "wrong order")


def test_1_5_feedback_in_chinese():
    set_language("zh")
    want = ch01.expected("1.5")
    fails("1.5", want * 0.3 / 0.7, "商品利润本身")


# ---------------------------------------------------------------- 1.6 concept check


@pytest.mark.parametrize("spelled", ["D", "d", " D ", "Ｄ", "D."])
def test_1_6_letter_after_normalisation(spelled):
    passes("1.6", spelled)


def test_1_6_a_wrong_letter_explains_without_naming_the_answer():
    for wrong in "ABC":
        text = fails("1.6", wrong, "direct")
        assert "'D'" not in text and " D " not in text
    fails("1.6", "E", "not one of the options")
    fails("1.6", 4, "not one of the options")
    set_language("zh")
    fails("1.6", "Ａ", "直接渠道")


# ---------------------------------------------------------------- 1.7 about these data


def test_1_7_answers(summary):
    want = ch01.expected("1.7")
    passes("1.7", dict(want))
    passes("1.7", {**want, "trade_show_rank": float(want["trade_show_rank"])})
    fails("1.7", {**want, "trade_show_cpa": summary.loc["trade_show", "cost_per_acquisition"]},
          "[trade_show_cpa]", "as generated")
    fails("1.7", {**want, "trade_show_rank": 7 - want["trade_show_rank"]},
          "[trade_show_rank]", "most expensive")
    fails("1.7", {**want, "trade_show_rank": 6}, "[trade_show_rank]", "as generated")
    fails("1.7", {"trade_show_cpa": want["trade_show_cpa"]}, "Missing key(s)")


# ---------------------------------------------------------------- 1.8 discussion


@pytest.mark.parametrize("channel", ["website", "referral", "trade_show", "anything"])
def test_1_8_the_channel_is_recorded_never_judged(summary, channel):
    per = 100_000 / summary["cost_per_acquisition"].drop("total")
    passes("1.8", {"budget_channel": channel, "customers_per_100k": per})
    passes("1.8", {"budget_channel": channel, "customers_per_100k": per.sort_values()})


def test_1_8_wrong_numbers(summary):
    table = summary.drop(index="total")
    text = fails("1.8", {"budget_channel": "website",
                         "customers_per_100k": table["cost_per_acquisition"]},
                 "[customers_per_100k]", "yuan per customer")
    assert "160" not in text
    fails("1.8", {"budget_channel": "website",
                  "customers_per_100k": 100_000 / table["cost_per_lead"]}, "LEADS")
    fails("1.8", {"budget_channel": "website",
                  "customers_per_100k": 100_000 * table["conversion_rate"]},
          "conversion rate")
    fails("1.8", {"budget_channel": "website"}, "Missing key(s): customers_per_100k")


# ---------------------------------------------------------------- the notebook


NAMES = {"1.1": "meeting_win_rate", "1.2": "reached", "1.3": "cpa_h2", "1.4": "never_by_tier",
         "1.5": "fee_for_70", "1.6": "concept_1"}


def _namespace(qid, answer):
    answer = plain(answer)  # as the grader sees it: plain labels
    return {NAMES[qid]: answer} if qid in NAMES else dict(answer)


def test_hidden_tests_accept_the_expected_answers_and_catch_a_wrong_one():
    hidden = hidden_tests(SOLUTION)
    for qid in QIDS:
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        exec(code, {"crmlab": crmlab, "pd": pd, "np": np,
                    **_namespace(qid, ch01.expected(qid))})
    with pytest.raises(AssertionError):
        exec(hidden["check_1_3"], {"cpa_h2": ch01.expected("1.3").sort_index()})
    with pytest.raises(AssertionError):
        exec(hidden["check_1_2"], _namespace("1.2", ch01.expected("1.2").iloc[::-1]))

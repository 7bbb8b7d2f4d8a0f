"""Chapter 03 exercises: the solutions pass, typical wrong answers fail with helpful feedback."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pytest
from exercise_helpers import (
    english,  # noqa: F401  (autouse fixture)
    passes,
)
from exercise_helpers import fails as _fails

import crmlab
from crmlab import rfm
from crmlab.exercises import set_language

# feedback here is the whole message, problems and hint
fails = partial(_fails, whole_message=True)
# 3.3's customers on the bundled data: the first three of the table, the last three with
# recency 5 (test_3_3_customers_follow_the_rule checks the rule gives these)
R_IDS = ["C00001", "C00002", "C00003", "C04928", "C04989", "C04997"]


@pytest.fixture(scope="module")
def tx():
    return crmlab.load_data("retail_transactions")


@pytest.fixture(scope="module")
def table(tx):
    return rfm.rfm_table(tx, order="order_id")


@pytest.fixture(scope="module")
def scored(table):
    return rfm.rfm_scores(table)


@pytest.fixture(scope="module")
def joined(table, tx):
    return table.join(rfm.customer_profit(tx))


@pytest.fixture(scope="module")
def cycle(tx):
    return rfm.purchase_cycle(tx, due_window=3)


# ---------------------------------------------------------------- 3.1


def _answer_3_1(table, **change):
    answer = {"n_customers": len(table), "mean_recency": table["recency"].mean(),
              "recent_share": (table["recency"] <= 30).mean()}
    return {**answer, **change}


def test_3_1_right_answer_passes(table):
    assert len(table) == 4857
    passes("3.1", _answer_3_1(table))
    fails("3.1", _answer_3_1(table, mean_recency=round(table["recency"].mean(), 2)),
          "[mean_recency]", "rounded to 2 decimals")  # the task asks for the unrounded mean


def test_3_1_typical_mistakes(table, tx):
    share = (table["recency"] <= 30).mean()
    fails("3.1", _answer_3_1(table, recent_share=share * 100), "[recent_share]", "percentage")
    fails("3.1", _answer_3_1(table, recent_share=1 - share), "[recent_share]", "1 minus")
    # "in the last 30 days" includes day 30
    fails("3.1", _answer_3_1(table, recent_share=(table["recency"] < 30).mean()), "too low")
    # recency counted to the last order date instead of the day after
    fails("3.1", _answer_3_1(table, mean_recency=table["recency"].mean() - 1),
          "[mean_recency]", "too low")
    fails("3.1", _answer_3_1(table, n_customers=len(tx)), "[n_customers]", "too high")
    fails("3.1", _answer_3_1(table, n_customers="4857"), "is text, not a number")
    fails("3.1", _answer_3_1(table, n_customers=...), "Not answered yet", "Hint: Look at len")


# ---------------------------------------------------------------- 3.2


def test_3_2_right_answers_pass(tx, table):
    purchases = tx[tx["amount"] >= 0]
    passes("3.2", purchases.groupby("customer_id").size().sort_values(ascending=False))
    passes("3.2", purchases["customer_id"].value_counts())
    passes("3.2", table["frequency"].sort_values(ascending=False, kind="stable"))


def test_3_2_typical_mistakes(tx):
    with_returns = tx.groupby("customer_id").size().sort_values(ascending=False)
    fails("3.2", with_returns, "Returns were counted as orders", "a return is not an order")
    right = tx[tx["amount"] >= 0].groupby("customer_id").size().sort_values(ascending=False)
    one_off = right.copy()
    one_off.iloc[0] += 1
    text = fails("3.2", one_off, "1 of 4857 values differ", "(you have", "too high")
    assert str(right.iloc[0]) + "," not in text  # which row, never the target
    counts = tx[tx["amount"] >= 0].groupby("customer_id").size()
    fails("3.2", counts, "not sorted from the most orders to the fewest", "descending order")
    fails("3.2", counts.sort_values(), "not sorted from the most orders to the fewest")
    fails("3.2", counts.sort_values(ascending=False).to_frame("orders"),
          "one-column DataFrame", "df['orders']")
    fails("3.2", counts.sort_values(ascending=False).head(10), "Expected 4857 values, got 10")
    fails("3.2", list(counts), "Expected Series, got list")
    fails("3.2", "42", "Expected Series, got text")
    fails("3.2", ..., "Not answered yet")


def test_3_2_feedback_in_chinese(tx):
    set_language("zh")
    counts = tx[tx["amount"] >= 0].groupby("customer_id").size()
    fails("3.2", counts, "没有从多到少排序", "提示：")


# ---------------------------------------------------------------- 3.3


def _answer_3_3(scored, **change):
    answer = {"share_555": (scored["rfm_code"] == "555").mean(),
              "r_scores": scored.loc[R_IDS, "r_score"]}
    return {**answer, **change}


def test_3_3_customers_follow_the_rule(table):
    assert [*table.index[:3], *table.index[table["recency"] == 5][-3:]] == R_IDS


def test_3_3_right_answer_passes(scored):
    assert (scored["rfm_code"] == "555").sum() == 253
    passes("3.3", _answer_3_3(scored))
    # plain values (as the grader sees them after JSON) pass too
    plain = pd.Series([int(v) for v in scored.loc[R_IDS, "r_score"]], index=R_IDS)
    passes("3.3", _answer_3_3(scored, r_scores=plain))


def test_3_3_ties_by_value_is_another_convention(table, scored):
    by_value = rfm.rfm_scores(table, ties="value")
    # the three customers with recency 5 get R = 5 by rank, 4 by value
    assert by_value.loc[R_IDS[3:], "r_score"].tolist() == [4, 4, 4]
    assert scored.loc[R_IDS[3:], "r_score"].tolist() == [5, 5, 5]
    fails("3.3", _answer_3_3(scored, r_scores=by_value.loc[R_IDS, "r_score"]),
          "[r_scores]", "break ties by value", "by rank")
    fails("3.3", _answer_3_3(scored, r_scores=scored.loc[R_IDS, "r_score"].where(
        lambda r: r.index != "C04928", 4)), "[r_scores]", "1 of 6 values differ",
        "C04928 (you have 4, too low)")
    fails("3.3", _answer_3_3(scored, share_555=(by_value["rfm_code"] == "555").mean()),
          "[share_555]", "too low")


def test_3_3_typical_mistakes(scored):
    r = scored.loc[R_IDS, "r_score"]
    share = (scored["rfm_code"] == "555").mean()
    fails("3.3", _answer_3_3(scored, r_scores=r - 1), "off by -1")          # labels from 0
    fails("3.3", _answer_3_3(scored, r_scores=6 - r), "values differ")       # recency reversed
    fails("3.3", _answer_3_3(scored, r_scores=r.iloc[::-1]), "wrong order")
    fails("3.3", _answer_3_3(scored, r_scores=scored.loc[R_IDS, ["r_score"]]),
          "one-column DataFrame")
    fails("3.3", _answer_3_3(scored, share_555=share * 100), "percentage")
    fails("3.3", _answer_3_3(scored, share_555=(scored["rfm_code"] == "555").sum()), "too high")
    # the code is text: comparing with the number 555 finds nobody
    fails("3.3", _answer_3_3(scored, share_555=(scored["rfm_code"] == 555).mean()), "too low")


# ---------------------------------------------------------------- 3.4


def _lapsed_buyer(table):
    return table[table["recency"] > 365]["frequency"].idxmax()


def _answer_3_4(table, **change):
    cn8 = rfm.rfm_segments(table, scheme="cn8", language="zh")
    rf10 = rfm.rfm_segments(rfm.rfm_scores(table))
    answer = {"cn8_counts": cn8["segment"].value_counts(),
              "segment_lapsed_buyer": rf10.loc[_lapsed_buyer(table), "segment"]}
    return {**answer, **change}


def test_3_4_right_answers_pass_in_any_order(table):
    answer = _answer_3_4(table)
    assert answer["segment_lapsed_buyer"] == "Can't Lose Them"
    assert answer["cn8_counts"]["一般发展"] == 1699
    passes("3.4", answer)
    counts = answer["cn8_counts"]
    passes("3.4", {**answer, "cn8_counts": counts.sort_index()})
    plain = pd.Series(counts.to_numpy(), index=[str(s) for s in counts.index])
    passes("3.4", {**answer, "cn8_counts": plain})
    passes("3.4", {**answer, "segment_lapsed_buyer": "can't lose them "})


def test_3_4_typical_mistakes(table):
    in_english = rfm.rfm_segments(table, scheme="cn8")["segment"].value_counts()
    fails("3.4", _answer_3_4(table, cn8_counts=in_english), "[cn8_counts]",
          "English names", "Chinese names")
    cn8 = rfm.rfm_segments(table, scheme="cn8", language="zh")
    shares = cn8["segment"].value_counts(normalize=True)
    fails("3.4", _answer_3_4(table, cn8_counts=shares), "[cn8_counts]", "values differ")
    fails("3.4", _answer_3_4(table, cn8_counts=cn8["segment"]), "Expected 8 values, got 4857")
    fails("3.4", _answer_3_4(table, segment_lapsed_buyer="不能失去的客户"),
          "[segment_lapsed_buyer]", "is not the answer")
    fails("3.4", _answer_3_4(table, segment_lapsed_buyer="At Risk"), "is not the answer")
    fails("3.4", _answer_3_4(table, segment_lapsed_buyer=...), "Not answered yet")


# ---------------------------------------------------------------- 3.5


def _answer_3_5(joined, **change):
    losers = joined[(joined["frequency"] >= 52) & (joined["profit"] < 0)]
    answer = {"n_busy_losers": len(losers),
              "busy_loser_order_share": losers["frequency"].sum() / joined["frequency"].sum()}
    return {**answer, **change}


def test_3_5_right_answers_pass(joined):
    answer = _answer_3_5(joined)
    assert answer["n_busy_losers"] == 223
    assert answer["busy_loser_order_share"] == pytest.approx(0.18996, abs=1e-5)
    passes("3.5", answer)
    # customer_profit's "orders" count the returns too: close (0.3 %), but another count,
    # and unrounded answers are compared at relative 1e-6, so it is named
    losers = joined[(joined["frequency"] >= 52) & (joined["profit"] < 0)]
    fails("3.5", _answer_3_5(
        joined, busy_loser_order_share=losers["orders"].sum() / joined["orders"].sum()),
        "[busy_loser_order_share]", "include the returns")
    # the task says not to round: a share rounded to 2 decimals is named, not accepted
    fails("3.5", _answer_3_5(joined, busy_loser_order_share=0.19), "rounded to 2 decimals")


def test_3_5_typical_mistakes(joined):
    share = _answer_3_5(joined)["busy_loser_order_share"]
    fails("3.5", _answer_3_5(joined, busy_loser_order_share=share * 100), "percentage")
    strict = joined[(joined["frequency"] > 52) & (joined["profit"] < 0)]
    assert len(strict) < 223
    fails("3.5", _answer_3_5(joined, n_busy_losers=len(strict)), "[n_busy_losers]", "too low")
    everyone = int((joined["profit"] < 0).sum())
    fails("3.5", _answer_3_5(joined, n_busy_losers=everyone), "too high")
    busy = joined[joined["frequency"] >= 52]
    losers = busy[busy["profit"] < 0]
    within_busy = losers["frequency"].sum() / busy["frequency"].sum()
    fails("3.5", _answer_3_5(joined, busy_loser_order_share=within_busy),
          "[busy_loser_order_share]", "busy customers' orders", "all customers")
    customer_share = len(losers) / len(joined)
    fails("3.5", _answer_3_5(joined, busy_loser_order_share=customer_share), "too low")
    fails("3.5", _answer_3_5(joined, n_busy_losers="223"), "is text")


# ---------------------------------------------------------------- 3.6


def _first_due(cycle):
    return cycle.index[cycle["status"] == "due soon"][0]


def _answer_3_6(cycle, **change):
    answer = {"due_soon": cycle.loc[cycle["status"] == "due soon", "days_until_due"],
              "cycle_first_due": cycle.loc[_first_due(cycle), "median_interval"]}
    return {**answer, **change}


def test_3_6_right_answer_passes(cycle):
    answer = _answer_3_6(cycle)
    assert len(answer["due_soon"]) == 475 and answer["cycle_first_due"] == 2.0
    passes("3.6", answer)
    passes("3.6", _answer_3_6(cycle, due_soon=cycle["days_until_due"][
        cycle["days_until_due"].between(0, 2)]))


def test_3_6_typical_mistakes(tx, cycle):
    week = rfm.purchase_cycle(tx)                          # default due_window=7
    fails("3.6", _answer_3_6(cycle, due_soon=week.loc[week["status"] == "due soon",
                                                       "days_until_due"]),
          "[due_soon]", "default window of a week", "the window is 3 days")
    with_overdue = cycle["days_until_due"][cycle["days_until_due"] <= 2].dropna()
    fails("3.6", _answer_3_6(cycle, due_soon=with_overdue), "Expected 475 values")
    due = _answer_3_6(cycle)["due_soon"]
    fails("3.6", _answer_3_6(cycle, due_soon=due.sort_values()), "wrong order")
    fails("3.6", _answer_3_6(cycle, due_soon=cycle[cycle["status"] == "due soon"]),
          "Expected Series, got DataFrame")
    fails("3.6", _answer_3_6(cycle, due_soon=list(due.index)), "Expected Series, got list")
    first = _first_due(cycle)
    fails("3.6", _answer_3_6(cycle, cycle_first_due=cycle.loc[first, "mean_interval"]),
          "[cycle_first_due]", "mean gap", "median")
    # another customer's cycle: the second on the list
    other = cycle.index[cycle["status"] == "due soon"][1]
    assert cycle.loc[other, "median_interval"] > cycle.loc[first, "median_interval"]
    fails("3.6", _answer_3_6(cycle, cycle_first_due=cycle.loc[other, "median_interval"]),
          "too high")


# ---------------------------------------------------------------- 3.7


def _share(joined, threshold):
    frequent = joined[joined["frequency"] >= threshold]
    return (frequent["profit"] < 0).mean()


def _answer_3_7(joined, threshold=45, **change):
    answer = {"frequent_always_valuable": False, "min_frequency": threshold,
              "loser_share": _share(joined, threshold)}
    return {**answer, **change}


@pytest.mark.parametrize("threshold", [15, 45, np.float64(45.0), 52, 100.0, 200])
def test_3_7_any_reasonable_definition_passes(joined, threshold):
    passes("3.7", _answer_3_7(joined, threshold))
    passes("3.7", _answer_3_7(joined, threshold, frequent_always_valuable=np.bool_(False)))


def test_3_7_frequent_customers_lose_money_more_often(joined):
    assert _share(joined, 45) == pytest.approx(0.261, abs=1e-3)
    assert _share(joined, 45) > (joined["profit"] < 0).mean()


def test_3_7_typical_mistakes(joined):
    # the decision is read by the instructor with the reasoning, not judged here
    passes("3.7", _answer_3_7(joined, frequent_always_valuable=True))
    passes("3.7", _answer_3_7(joined, frequent_always_valuable="no"))
    share = _share(joined, 45)
    fails("3.7", _answer_3_7(joined, loser_share=share * 100), "[loser_share]", "percentage")
    fails("3.7", _answer_3_7(joined, loser_share=1 - share), "1 minus")
    fails("3.7", _answer_3_7(joined, loser_share=(joined["profit"] < 0).mean()), "too low")
    # the share computed for another threshold than the one given
    fails("3.7", _answer_3_7(joined, 100, loser_share=share), "[loser_share]", "too low")
    fails("3.7", _answer_3_7(joined, 5), "not 'buys often'", "at least 15")
    fails("3.7", _answer_3_7(joined, 400), "Only 4 customers", "too few")
    fails("3.7", _answer_3_7(joined, min_frequency="45"), "[min_frequency]",
          "Expected number, got text")
    fails("3.7", _answer_3_7(joined, min_frequency=...), "Not answered yet")
    fails("3.7", {"loser_share": share}, "Missing key(s): min_frequency")
    fails("3.7", 0.26, "Expected dict")
    # what the grader's tests submit: zeros and the text '42' everywhere
    fails("3.7", dict.fromkeys(_answer_3_7(joined), 0), "[min_frequency]", "not 'buys often'")
    fails("3.7", dict.fromkeys(_answer_3_7(joined), "42"), "[min_frequency]",
          "Expected number, got text")


def test_3_7_feedback_in_chinese(joined):
    set_language("zh")
    fails("3.7", _answer_3_7(joined, 5), "算不上", "提示：")


# ---------------------------------------------------------------- 3.8


@pytest.fixture(scope="module")
def cheap():
    """The retailer made again with every order served at the store's 3 yuan."""
    from crmlab.exercises.ch03 import SERVE_FIXED_3_8

    tx = crmlab.datasets.simulate("retail_transactions", serve_fixed=SERVE_FIXED_3_8)
    table = rfm.rfm_table(tx, order="order_id")
    return table.join(rfm.customer_profit(tx)["profit"])


def _answer_3_8(cheap, **change):
    busy = cheap[cheap["frequency"] >= 52]
    answer = {"n_busy_cheap": len(busy), "n_busy_losers_cheap": int((busy["profit"] < 0).sum())}
    return {**answer, **change}


def test_3_8_right_answer_passes_and_the_finding_moves(cheap, joined):
    answer = _answer_3_8(cheap)
    passes("3.8", answer)
    busy = joined[joined["frequency"] >= 52]
    # the same busy customers (the setting changes costs, not purchases), far fewer losing
    assert answer["n_busy_cheap"] == len(busy)
    assert answer["n_busy_losers_cheap"] < int((busy["profit"] < 0).sum()) / 10


def test_3_8_the_cheap_finding_matches_the_simulation(cheap):
    # FINDINGS compute the cheap profit from the loaded data; it must be what simulate gives
    from crmlab.exercises import ch03

    assert np.allclose(ch03._cheap_profit().reindex(cheap.index), cheap["profit"], atol=0.05)


def test_3_8_typical_mistakes(cheap, joined):
    busy = joined[joined["frequency"] >= 52]
    fails("3.8", _answer_3_8(cheap, n_busy_losers_cheap=int((busy["profit"] < 0).sum())),
          "[n_busy_losers_cheap]", "your own data", "simulated data")
    fails("3.8", _answer_3_8(cheap, n_busy_cheap=...), "Not answered yet")
    set_language("zh")
    fails("3.8", _answer_3_8(cheap, n_busy_losers_cheap=int((busy["profit"] < 0).sum())),
          "模拟数据")


# ---------------------------------------------------------------- 3.9


@pytest.mark.parametrize("letter", ["B", "b", "Ｂ", " B "])
def test_3_9_the_letter_passes_however_typed(letter):
    passes("3.9", letter)


@pytest.mark.parametrize(("letter", "word"), [("A", "frequency"), ("c", "BTYD"),
                                              ("Ｄ", "M score")])
def test_3_9_a_wrong_letter_explains_the_idea_without_the_answer(letter, word):
    text = fails("3.9", letter, word)
    assert "B" not in text.replace("BTYD", "")


def test_3_9_not_a_letter():
    fails("3.9", "E", "one letter")
    fails("3.9", 2, "Expected text")


# ---------------------------------------------------------------- the notebook


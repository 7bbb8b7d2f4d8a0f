"""Chapter 06 exercises: the expected answers pass, typical wrong answers fail kindly."""

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
from crmlab import segmentation
from crmlab.exercises import ch06, set_language
from crmlab.exercises._registry import judge

SOLUTION = SOLUTIONS / "06_segmentation.ipynb"
QIDS = ["6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8"]


@pytest.fixture(scope="module")
def data():
    """(transactions, customers, features of all members, buyers), as the setup cell."""
    return ch06._data()


@pytest.fixture(scope="module")
def features(data):
    return data[2]


@pytest.fixture(scope="module")
def buyers(data):
    return data[3]


# ---------------------------------------------------------------- all exercises


@pytest.mark.parametrize("qid", QIDS)
def test_blank_parts_and_a_list_fail(qid):
    """Beyond the checks of every chapter (test_exercise_notebooks.py): a dict answer with
    blank parts, or given as a list, fails."""
    want = ch06.expected(qid)
    if isinstance(want, dict):
        fails(qid, dict.fromkeys(want, ...), "Not answered yet")
        fails(qid, list(want.values()), "Expected dict")


def test_expected_values():
    assert ch06.expected("6.2").tolist() == [143, 234, 1755, 2070, 798]
    assert ch06.expected("6.3")["sizes"].tolist() == [1703, 1143, 1104, 907]
    assert ch06.expected("6.4")["best_k"] == 3
    assert ch06.expected("6.5") == {"high_losing": 24, "left_high": 316}
    assert ch06.expected("6.6") == {"high_spend_is_high_value": False, "top_losing": 47}
    with pytest.raises(KeyError):
        ch06.expected("6.9")


# ---------------------------------------------------------------- 6.1 a priori


def test_6_1_answers(data, features, buyers):
    tx, customers, _, _ = data
    want = ch06.expected("6.1")
    everyone = features
    features = features[features["membership"] == "plus"]
    buyers = features[features["orders"] > 0]
    tx = tx[tx["customer_id"].isin(features.index)]
    by = features.groupby("lifestyle", observed=True)
    passes("6.1", segmentation.segment_by(features, by="lifestyle")["mean_spend"]
           .sort_values(ascending=False))
    passes("6.1", pd.Series(want.to_numpy(), index=[str(i) for i in want.index]))
    fails("6.1", segmentation.segment_by(everyone, by="lifestyle")["mean_spend"]
          .sort_values(ascending=False), "every member", "plus members only")
    fails("6.1", buyers.groupby("lifestyle", observed=True)["spend"].mean()
          .sort_values(ascending=False), "plus members who bought", "spend 0")
    fails("6.1", by.size(), "numbers of members")
    fails("6.1", by["spend"].sum(), "total spends")
    fails("6.1", segmentation.segment_by(features, by="lifestyle")["spend_share"],
          "shares of the total revenue")
    fails("6.1", by["spend"].median(), "medians")
    fails("6.1", by["profit"].mean(), "mean profits")
    per_order = tx.merge(customers[["customer_id", "lifestyle"]], on="customer_id")
    fails("6.1", per_order.groupby("lifestyle", observed=True)["amount"].mean(),
          "mean amount per order")
    gross = features.join(tx["amount"].clip(lower=0).groupby(tx["customer_id"]).sum()
                          .rename("gross")).fillna({"gross": 0.0})
    fails("6.1", gross.groupby("lifestyle", observed=True)["gross"].mean(),
          "Returns are left out")
    fails("6.1", by["spend"].mean(), "not sorted from the largest down")
    fails("6.1", want.sort_values(), "smallest up")
    fails("6.1", want.to_frame(), "one-column DataFrame")
    fails("6.1", want.tolist(), "Expected Series, got list")
    one_off = want.copy()
    one_off.iloc[2] += 100
    fails("6.1", one_off, "1 of 4 values differ")


def test_6_1_feedback_in_chinese(features):
    set_language("zh")
    fails("6.1", features.groupby("lifestyle", observed=True)["spend"].mean(), "全部会员")
    fails("6.1", ch06.expected("6.1").sort_values(), "排序方向反了")


# ---------------------------------------------------------------- 6.2 lifecycle


def test_6_2_answers(features, buyers):
    want = ch06.expected("6.2")
    staged = segmentation.lifecycle_stage(features, lapsed_days=365)
    passes("6.2", staged["stage"].value_counts(sort=False))
    passes("6.2", pd.Series(want.to_numpy(dtype=float), index=[str(i) for i in want.index]))
    fails("6.2", staged["stage"].value_counts(), "wrong order", "without sorting by size")
    fails("6.2", segmentation.lifecycle_stage(features)["stage"].value_counts(sort=False),
          "default thresholds", "change the lapsed threshold")
    fails("6.2", segmentation.lifecycle_stage(features, lapsed_days=365, active_days=365)
          ["stage"].value_counts(sort=False), "active_days too")
    by_buyers = segmentation.lifecycle_stage(buyers, lapsed_days=365)["stage"]
    fails("6.2", by_buyers.value_counts(sort=False), "prospects are missing")
    fails("6.2", by_buyers.value_counts(sort=False).drop("prospect"), "prospects are missing")
    fails("6.2", segmentation.lifecycle_stage(features, lapsed_days=365, language="zh")
          ["stage"].value_counts(sort=False), "Chinese stage names")
    fails("6.2", staged["stage"].value_counts(sort=False, normalize=True), "shares of customers")
    fails("6.2", want.to_frame(), "one-column DataFrame")


def test_6_2_hand_written_rules(features):
    """A student who writes the rules with np.select gets told which rule slipped."""
    n, r = features["orders"], features["recency_days"]

    def counts(conditions, names):
        stage = pd.Categorical(np.select(conditions, names, default="repeat"),
                               categories=list(segmentation.LIFECYCLE_STAGES))
        return pd.Series(stage).value_counts(sort=False)

    loyal = (n >= 12) & (r <= 90)
    passes("6.2", counts([n == 0, r > 365, loyal, n == 1],
                         ["prospect", "lapsed", "loyal", "first-time"]))
    fails("6.2", counts([n == 0, n == 1, r > 365, loyal],
                        ["prospect", "first-time", "lapsed", "loyal"]),
          "lapsed rule before the one-order rule")
    fails("6.2", counts([n == 0, r >= 365, loyal, n == 1],
                        ["prospect", "lapsed", "loyal", "first-time"]), "exactly 365 days")


# ---------------------------------------------------------------- 6.3 k-means


def test_6_3_answers(buyers):
    want = ch06.expected("6.3")
    sizes, share = want["sizes"], want["revenue_share_0"]
    seg = segmentation.kmeans_segments(buyers, columns=ch06.COLUMNS, k=4, log=ch06.LOGGED)
    passes("6.3", {"sizes": seg["segment"].value_counts(),
                   "revenue_share_0": np.float64(share)})
    passes("6.3", {"sizes": seg.groupby("segment").size(),
                   "revenue_share_0": seg.loc[seg["segment"] == 0, "spend"].sum()
                   / seg["spend"].sum()})

    def sizes_of(**kwargs):  # the checker's own (cached) fits of the wrong settings
        return ch06._kmeans(**kwargs)["segment"].value_counts().sort_index()

    assert sizes_of(logged=False).tolist() == [410, 2004, 1445, 998]
    fails("6.3", {**want, "sizes": sizes_of(logged=False)}, "[sizes]", "without the log")
    fails("6.3", {**want, "sizes": sizes_of(scale=None)}, "unscaled features")
    fails("6.3", {**want, "sizes": sizes_of(k=5)}, "chapter's 5 segments")
    fails("6.3", {**want, "sizes": sizes / sizes.sum()}, "shares of customers")
    fails("6.3", {**want, "sizes": sizes.sort_values()}, "[sizes]", "wrong order",
          "by segment, 0 to 3")
    profiles = segmentation.segment_profiles(seg)
    fails("6.3", {**want, "revenue_share_0": profiles.loc[0, "customer_share"]},
          "[revenue_share_0]", "share of the customers")
    fails("6.3", {**want, "revenue_share_0": profiles.loc[0, "profit_share"]},
          "share of the profit")
    fails("6.3", {**want, "revenue_share_0": profiles.loc[3, "revenue_share"]},
          "last segment")
    five = segmentation.segment_profiles(ch06._kmeans(k=5))
    fails("6.3", {**want, "revenue_share_0": five.loc[0, "revenue_share"]}, "five segments")
    fails("6.3", {**want, "revenue_share_0": 100 * share}, "looks like a percentage")
    fails("6.3", {**want, "revenue_share_0": round(share, 2)}, "rounded to 2 decimals")
    fails("6.3", {"sizes": sizes}, "Missing key(s): revenue_share_0")


# ---------------------------------------------------------------- 6.4 choose k


def test_6_4_answers(buyers):
    want = ch06.expected("6.4")
    choice = segmentation.choose_k(buyers, columns=ch06.COLUMNS_6_4, k_range=range(2, 7),
                                   log=ch06.LOGGED_6_4)
    assert choice.loc[choice["silhouette"].idxmax(), "k"] == want["best_k"] == 3
    passes("6.4", {"best_k": np.int64(3), "best_silhouette": choice["silhouette"].max()})
    fails("6.4", {**want, "best_k": int(choice["silhouette"].idxmax())}, "[best_k]",
          "row label")
    fails("6.4", {**want, "best_k": 6}, "inertia always falls")
    fails("6.4", {**want, "best_k": 2}, "too low")
    fails("6.4", {**want, "best_k": "3"}, "is text")
    nolog = ch06._choose(logged=False)
    assert nolog.loc[nolog["silhouette"].idxmax(), "k"] == 6
    fails("6.4", {"best_k": 6, "best_silhouette": nolog["silhouette"].max()}, "[best_k]")
    fails("6.4", {**want, "best_silhouette": nolog["silhouette"].max()},
          "[best_silhouette]", "without the log")
    fails("6.4", {**want, "best_silhouette": choice["silhouette"].iloc[-1]}, "largest k")
    chapter = ch06._choose(chapter=True)
    assert chapter.loc[chapter["silhouette"].idxmax(), "k"] == 2  # the five features prefer 2
    fails("6.4", {**want, "best_silhouette": chapter["silhouette"].max()},
          "chapter's five features")
    fails("6.4", {**want, "best_silhouette": choice["silhouette"]}, "Expected number, got Series")


# ---------------------------------------------------------------- 6.5 value


def test_6_5_answers(features):
    want = ch06.expected("6.5")
    chapter = segmentation.value_assessment(features)
    income = segmentation.value_assessment(features, potential="income_band")
    table = pd.crosstab(chapter["value_class"], income["value_class"])
    passes("6.5", {"high_losing": np.int64(24),
                   "left_high": int(table.loc["high", ["low", "medium"]].sum())})
    losing_chapter = int(((chapter["value_class"] == "high") & (chapter["profit"] < 0)).sum())
    assert losing_chapter == 0
    fails("6.5", {**want, "high_losing": losing_chapter}, "[high_losing]", "mean_basket",
          "income band")
    fails("6.5", {**want, "high_losing": int((income["value_class"] == "high").sum())},
          "every high-value customer")
    fails("6.5", {**want, "high_losing": 24 / 1667}, "share of customers")
    fails("6.5", {**want, "left_high": int(table.loc["high", "high"])}, "[left_high]",
          "stay high value")
    fails("6.5", {**want, "left_high": int((chapter["value_class"] != income["value_class"])
                                            .sum())}, "everybody who changes class")
    fails("6.5", {**want, "left_high": int(table.loc["high", "medium"])}, "medium only")
    fails("6.5", {**want, "left_high": 316 / 1667}, "share of customers")
    fails("6.5", {"high_losing": 316, "left_high": 24}, "[high_losing]", "too high")


# ---------------------------------------------------------------- 6.6 discussion


def test_6_6_answers(features, buyers):
    want = ch06.expected("6.6")
    valued = segmentation.value_assessment(features)
    top = valued.sort_values("spend", ascending=False).head(1000)
    passes("6.6", {"high_spend_is_high_value": np.bool_(False),
                   "top_losing": (top["profit"] < 0).sum()})
    # the decision is read by the instructor with the reasoning, not judged here
    passes("6.6", {**want, "high_spend_is_high_value": True})
    passes("6.6", {**want, "high_spend_is_high_value": "no"})
    fails("6.6", {**want, "top_losing": int((top["value_class"] != "high").sum())},
          "[top_losing]", "not high value")
    top_buyers = buyers.nlargest(972, "spend")
    fails("6.6", {**want, "top_losing": int((top_buyers["profit"] < 0).sum())},
          "top 20 % of the buyers")
    third = valued.nlargest(1667, "spend")
    fails("6.6", {**want, "top_losing": int((third["profit"] < 0).sum())}, "top third")
    fails("6.6", {**want, "top_losing": int((valued["profit"] < 0).sum())}, "every member")
    fails("6.6", {**want, "top_losing": 47 / 1000}, "share of customers")
    fails("6.6", {**want, "top_losing": int((valued.nlargest(500, "spend")["profit"] < 0)
                                            .sum())}, "top 10 %")
    result = judge("6.6", {**want, "top_losing": 48})
    assert "nlargest" in result.hint


# ---------------------------------------------------------------- the notebook


def _namespace(qid, answer):
    names = {"6.1": "mean_spend", "6.2": "stage_counts", "6.8": "concept_6"}
    parts = {names[qid]: answer} if qid in names else dict(answer)
    return {k: plain(v, keep_int_labels=True) for k, v in parts.items()}


def test_hidden_tests_accept_the_expected_answers_and_catch_a_wrong_one():
    hidden = hidden_tests(SOLUTION)
    _, _, features, buyers = ch06._data()
    base = {"crmlab": crmlab, "pd": pd, "np": np, "segmentation": segmentation,
            "features": features, "buyers": buyers}
    for qid in QIDS:
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        exec(code, {**base, **_namespace(qid, ch06.expected(qid))})
    with pytest.raises(AssertionError):
        exec(hidden["check_6_1"], {**base, "mean_spend": ch06.expected("6.1").sort_index()})
    with pytest.raises(AssertionError):
        exec(hidden["check_6_2"], {**base, "stage_counts": ch06.expected("6.2").iloc[::-1]})
    with pytest.raises(AssertionError):
        exec(hidden["check_6_6"], {**base, "high_spend_is_high_value": False,
                                   "top_losing": 0})


# ---------------------------------------------------------------- 6.7 and 6.8


def test_6_7_the_planted_finding_moves_with_the_basket_setting(features):
    big_tx = crmlab.datasets.simulate("retail_transactions", lifestyle_basket=ch06.BASKET_6_7)
    big = segmentation.customer_features(big_tx, ch06._data()[1], order="order_id")
    row = segmentation.segment_by(big, by="lifestyle", profit="profit").loc["convenience"]
    answer = {"convenience_profit_share": row["profit_share"],
              "convenience_mean_profit": row["mean_profit"]}
    passes("6.7", answer)
    before = segmentation.segment_by(features, by="lifestyle", profit="profit").loc["convenience"]
    assert row["profit_share"] > 10 * before["profit_share"]  # big baskets cover the delivery
    fails("6.7", {**answer, "convenience_profit_share": before["profit_share"]},
          "[convenience_profit_share]", "your own data", "simulated transactions")
    buyers_only = big[big["orders"] > 0]
    fails("6.7", {**answer, "convenience_mean_profit": segmentation.segment_by(
        buyers_only, by="lifestyle", profit="profit").loc["convenience", "mean_profit"]},
        "[convenience_mean_profit]", "buyers only")


@pytest.mark.parametrize("letter", ["B", "b", "Ｂ"])
def test_6_8_the_letter_passes_however_typed(letter):
    passes("6.8", letter)


@pytest.mark.parametrize(("letter", "word"), [("A", "no substantial structure"),
                                              ("C", "Weak structure does not forbid"),
                                              ("d", "inertia falls")])
def test_6_8_a_wrong_letter_explains_the_idea(letter, word):
    fails("6.8", letter, word)
    set_language("zh")
    assert "轮廓系数" in judge("6.8", "A").message() or letter != "A"

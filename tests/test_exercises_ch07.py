"""Chapter 07 exercises: the expected answers pass, typical wrong answers fail kindly."""

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
from crmlab import satisfaction
from crmlab.exercises import ch07, set_language
from crmlab.exercises._registry import judge

SOLUTION = SOLUTIONS / "07_satisfaction.ipynb"
QIDS = ["7.1", "7.2", "7.3", "7.4", "7.5", "7.6"]


@pytest.fixture(scope="module")
def survey():
    return crmlab.load_data("survey")


@pytest.fixture(scope="module")
def promises(survey):
    return satisfaction.promise_effect(survey)


# ---------------------------------------------------------------- all exercises


def test_expected_values_are_the_chapter_numbers():
    assert ch07.expected("7.1") == pytest.approx(-10.95)
    assert ch07.expected("7.2") == {"churn": 0.125, "retention": 0.875}
    gaps = ch07.expected("7.3")
    assert list(gaps.index) == list(satisfaction.DIMENSIONS)
    assert gaps.round(4).tolist() == [0.318, -0.1315, -0.2065, 0.057, -0.039]
    assert ch07.expected("7.4") == {"largest_shortfall": "responsiveness",
                                    "churn_driver": "reliability"}
    assert ch07.expected("7.5") == pytest.approx(5.3156 - 6.6060, abs=1e-3)
    assert ch07.expected("7.6")["promise_more"] is False
    assert ch07.expected("7.6")["nps_diff"] == pytest.approx(-42.027 + 5.915, abs=1e-3)


# ---------------------------------------------------------------- 7.1 NPS


def test_7_1_answers(survey):
    x = survey["nps_score"]
    want = ch07.expected("7.1")
    passes("7.1", 100 * ((x >= 9).mean() - (x <= 6).mean()))
    passes("7.1", satisfaction.nps_breakdown(survey)["nps"].iloc[0])
    fails("7.1", want / 100, "multiply it by 100")
    fails("7.1", -want, "sign is flipped")
    fails("7.1", 100 * (x >= 9).mean(), "share of promoters alone")
    fails("7.1", (x >= 9).mean(), "share of promoters alone", "multiply by 100")
    fails("7.1", 100 * ((x >= 7).mean() - (x <= 6).mean()), "passives (7-8) as promoters")
    fails("7.1", 100 * ((x >= 8).mean() - (x <= 6).mean()), "8 as a promoter")
    fails("7.1", 100 * ((x >= 9).mean() - (x <= 5).mean()), "left 6 out")
    fails("7.1", 100 * ((x >= 9).mean() - (x <= 8).mean()), "passives (7-8) as detractors")
    fails("7.1", 100 * ((x > 9).mean() - (x < 6).mean()), "Strict inequalities")
    fails("7.1", int((x >= 9).sum() - (x <= 6).sum()), "difference of counts")
    fails("7.1", satisfaction.nps(survey["satisfaction"]), "satisfaction column", "nps_score")
    fails("7.1", x.mean(), "mean recommendation score")
    fails("7.1", -11, "rounded to 0 decimals")
    fails("7.1", "-10.95", "is text, not a number")
    fails("7.1", pd.Series([want]), ".iloc[0]")
    fails("7.1", satisfaction.nps_breakdown(survey)["nps"], ".iloc[0]")
    fails("7.1", 5.0, "too high")


def test_7_1_feedback_in_chinese(survey):
    set_language("zh")
    x = survey["nps_score"]
    fails("7.1", 100 * ((x >= 7).mean() - (x <= 6).mean()), "被动者")
    assert "推荐者" in judge("7.1", 0.0, tries=1).hint  # the nudge, in words
    assert "satisfaction.nps" in judge("7.1", 0.0).hint  # then the pointer


# ---------------------------------------------------------------- 7.2 churn, retention


def test_7_2_answers():
    passes("7.2", {"churn": 150 / 1200, "retention": (1180 - 130) / 1200})
    passes("7.2", {"retention": np.float64(0.875), "churn": np.float64(0.125), "extra": 1})
    fails("7.2", {"churn": 0.875, "retention": 0.125}, "swapped")
    fails("7.2", {"churn": 12.5, "retention": 87.5}, "[churn]", "looks like a percentage")
    fails("7.2", {"churn": 0.125, "retention": 87.5}, "[retention]", "percentage")
    fails("7.2", {"churn": 0.125, "retention": 1180 / 1200}, "[retention]",
          "end / start", "(end - new) / start")
    fails("7.2", {"churn": 0.125, "retention": (1180 - 130) / 1180}, "[retention]",
          "divided by the customers at the end")
    fails("7.2", {"churn": (1200 - 1180) / 1200, "retention": 0.875}, "[churn]", "net loss")
    fails("7.2", {"churn": 150 / 1180, "retention": 0.875}, "[churn]",
          "divided by the customers at the end")
    fails("7.2", {"churn": 150 / 1330, "retention": 0.875}, "start + new")
    fails("7.2", {"churn": 0.125}, "Missing key(s): retention")
    fails("7.2", (0.125, 0.875), "Expected dict")
    fails("7.2", {"churn": "0.125", "retention": 0.875}, "is text")


# ---------------------------------------------------------------- 7.3 gaps


def test_7_3_answers(survey):
    want = ch07.expected("7.3")
    dims = list(satisfaction.DIMENSIONS)
    by_hand = pd.Series({d: (survey[f"perceive_{d}"] - survey[f"expect_{d}"]).mean()
                         for d in dims})
    passes("7.3", by_hand)
    passes("7.3", by_hand.sort_values())  # any order: the labels say which is which
    gaps = satisfaction.gap_scores(survey)
    fails("7.3", gaps.mean(), "mean_gap is not a dimension")
    fails("7.3", gaps[[f"gap_{d}" for d in dims]].mean(), "label them by dimension",
          "removeprefix")
    fails("7.3", -want, "sign is flipped", "perception minus expectation")
    summary = satisfaction.gap_summary(survey)
    fails("7.3", summary["expectation"], "mean expectations")
    fails("7.3", summary["perception"], "mean perceptions")
    fails("7.3", summary["negative_share"], "shares of customers let down")
    fails("7.3", gaps[[f"gap_{d}" for d in dims]].median().set_axis(dims), "medians")
    fails("7.3", summary, "whole table", "['gap']")
    fails("7.3", gaps["gap_tangibles"], "One value per customer")
    fails("7.3", want.to_frame(), "one-column DataFrame")
    fails("7.3", want.tolist(), "Expected Series, got list")
    fails("7.3", want.iloc[:4], "Expected 5 values, got 4")
    fails("7.3", want.reset_index(drop=True), "row labels differ")
    off = want.copy()
    off.iloc[2] += 0.1
    fails("7.3", off, "1 of 5 values differ")


# ---------------------------------------------------------------- 7.4 shortfall vs driver


def test_7_4_answers():
    want = ch07.expected("7.4")
    passes("7.4", {"largest_shortfall": " Responsiveness", "churn_driver": "gap_reliability"})
    passes("7.4", {"largest_shortfall": "响应性", "churn_driver": "可靠性"})
    fails("7.4", {"largest_shortfall": "reliability", "churn_driver": "responsiveness"},
          "swapped")
    fails("7.4", {**want, "churn_driver": "tangibles"}, "[churn_driver]",
          "every coefficient is negative")
    fails("7.4", {**want, "churn_driver": "responsiveness"}, "[churn_driver]",
          "answer to the other part")
    fails("7.4", {**want, "largest_shortfall": "tangibles"}, "[largest_shortfall]",
          "most negative gap")
    fails("7.4", {**want, "largest_shortfall": "empathy"}, "'empathy' is not the answer")
    fails("7.4", {**want, "churn_driver": "speed"}, "one of the five dimension names")
    fails("7.4", {**want, "churn_driver": 1}, "Expected text")
    fails("7.4", {"churn_driver": "reliability"}, "Missing key(s): largest_shortfall")
    fails("7.4", "reliability", "Expected dict")


def test_7_4_wrong_turns_computed_from_the_data(survey):
    """The two classic slips give the answers the checker names."""
    drivers = satisfaction.churn_drivers(survey)
    gaps = satisfaction.gap_summary(survey)["gap"]
    slip_driver = drivers["coef"].idxmax().removeprefix("gap_")   # forgot the sign
    slip_shortfall = gaps.idxmax()                                 # largest, not most negative
    fails("7.4", {"largest_shortfall": gaps.idxmin(), "churn_driver": slip_driver},
          "every coefficient is negative")
    fails("7.4", {"largest_shortfall": slip_shortfall, "churn_driver": "reliability"},
          "beats expectations most")


# ---------------------------------------------------------------- 7.5 over-promising


def test_7_5_answers(survey, promises):
    want = ch07.expected("7.5")
    mean = survey.groupby("marketing_promise", observed=True)["satisfaction"].mean()
    passes("7.5", mean["inflated"] - mean["accurate"])
    passes("7.5", np.float64(want))
    fails("7.5", -want, "sign is flipped")
    fails("7.5", mean["inflated"] - mean["modest"], "modest promises")
    fails("7.5", mean["accurate"] - mean["modest"], "accurate minus modest")
    fails("7.5", mean["inflated"], "inflated group alone")
    fails("7.5", promises.loc["inflated", "nps"] - promises.loc["accurate", "nps"],
          "difference in NPS")
    fails("7.5", promises.loc["inflated", "gap"] - promises.loc["accurate", "gap"],
          "difference in the mean gap")
    score = survey.groupby("marketing_promise", observed=True)["nps_score"].mean()
    fails("7.5", score["inflated"] - score["accurate"], "recommendation score")
    median = survey.groupby("marketing_promise", observed=True)["satisfaction"].median()
    fails("7.5", median["inflated"] - median["accurate"], "medians")
    fails("7.5", round(want, 2), "rounded to 2 decimals")
    fails("7.5", promises["satisfaction"], "Expected number, got Series")


# ---------------------------------------------------------------- 7.6 discussion


def test_7_6_answers(survey, promises):
    want = ch07.expected("7.6")
    passes("7.6", {"promise_more": np.False_, "nps_diff": want["nps_diff"]})
    groups = satisfaction.nps_breakdown(survey, by="marketing_promise")["nps"]
    passes("7.6", {"promise_more": False, "nps_diff": groups["inflated"] - groups["accurate"]})
    # the decision is read by the instructor with the reasoning, not judged here
    passes("7.6", {**want, "promise_more": True})
    passes("7.6", {**want, "promise_more": np.True_})
    passes("7.6", {**want, "promise_more": "no"})
    fails("7.6", {**want, "nps_diff": -want["nps_diff"]}, "[nps_diff]", "sign is flipped")
    fails("7.6", {**want, "nps_diff": want["nps_diff"] / 100}, "looks like a fraction")
    fails("7.6", {**want, "nps_diff": groups["inflated"] - groups["modest"]}, "modest")
    fails("7.6", {**want, "nps_diff": groups["inflated"]}, "inflated group alone")
    score = survey.groupby("marketing_promise", observed=True)["nps_score"].mean()
    fails("7.6", {**want, "nps_diff": score["inflated"] - score["accurate"]},
          "mean recommendation scores")
    fails("7.6", {**want, "nps_diff": ch07.expected("7.5")}, "exercise 7.5")
    assert "promise_effect" in judge("7.6", {**want, "nps_diff": 0.0}).hint


def test_7_6_feedback_in_chinese():
    set_language("zh")
    want = ch07.expected("7.6")
    assert "老师会结合你的理由一起评阅" in judge("7.6", {**want, "promise_more": True}).message()
    fails("7.6", {**want, "nps_diff": -want["nps_diff"]}, "符号反了")


# ---------------------------------------------------------------- the notebook


def _namespace(qid, answer):
    names = {"7.1": "nps_all", "7.3": "gap_by_dim", "7.5": "sat_diff"}
    return {names[qid]: answer} if qid in names else dict(answer)


def test_hidden_tests_accept_the_expected_answers_and_catch_a_wrong_one():
    hidden = hidden_tests(SOLUTION)
    for qid in QIDS:
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        value = ch07.expected(qid)
        value = plain(value)  # as the grader sees it: a plain index
        exec(code, {"crmlab": crmlab, "pd": pd, "np": np, **_namespace(qid, value)})
    with pytest.raises(AssertionError):
        exec(hidden["check_7_2"], {"churn": 0.125, "retention": 1180 / 1200})
    with pytest.raises(AssertionError):
        exec(hidden["check_7_3"], {"gap_by_dim": -ch07.expected("7.3")})
    with pytest.raises(AssertionError):
        exec(hidden["check_7_4"], {"largest_shortfall": "reliability",
                                   "churn_driver": "responsiveness"})
    with pytest.raises(AssertionError):
        exec(hidden["check_7_6"], {"promise_more": False, "nps_diff": 36.1})

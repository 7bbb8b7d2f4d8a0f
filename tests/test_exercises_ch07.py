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
QIDS = ["7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8"]


@pytest.fixture(scope="module")
def survey():
    return crmlab.load_data("survey")


@pytest.fixture(scope="module")
def promises(survey):
    return satisfaction.promise_effect(survey)


# ---------------------------------------------------------------- all exercises


@pytest.fixture(scope="module")
def complainers(survey):
    return survey[survey["complaints"] > 0]


def test_expected_values_follow_the_data(survey, complainers):
    assert ch07.expected("7.1") == pytest.approx(satisfaction.nps(complainers["nps_score"]))
    assert ch07.expected("7.2") == {"churn": 0.125, "retention": 0.875}
    gaps = ch07.expected("7.3")
    assert list(gaps.index) == list(satisfaction.DIMENSIONS)
    vip = survey[survey["segment"] == "vip"]
    assert gaps.tolist() == pytest.approx(
        [(vip[f"perceive_{d}"] - vip[f"expect_{d}"]).mean() for d in satisfaction.DIMENSIONS])
    assert set(ch07.expected("7.4")) == {"largest_shortfall", "churn_driver"}
    want = ch07.expected("7.5")
    assert want["low"] < want["churn_diff"] < want["high"]
    assert ch07.expected("7.6")["driver_after"] == "responsiveness"  # the weights swapped
    assert ch07.expected("7.7") == "B"
    assert ch07.expected("7.8")["promise_more"] is False
    assert all(f.holds() for f in ch07.FINDINGS)


# ---------------------------------------------------------------- 7.1 NPS


def test_7_1_answers(survey, complainers):
    x = complainers["nps_score"]
    want = ch07.expected("7.1")
    passes("7.1", 100 * ((x >= 9).mean() - (x <= 6).mean()))
    fails("7.1", satisfaction.nps(survey["nps_score"]), "whole survey")
    fails("7.1", satisfaction.nps(survey.loc[survey["complaints"] == 0, "nps_score"]),
          "never complained")
    fails("7.1", want / 100, "multiply it by 100")
    fails("7.1", -want, "sign is flipped")
    fails("7.1", 100 * (x >= 9).mean(), "share of promoters alone")
    fails("7.1", 100 * ((x >= 7).mean() - (x <= 6).mean()), "passives (7-8) as promoters")
    fails("7.1", 100 * ((x >= 8).mean() - (x <= 6).mean()), "8 as a promoter")
    fails("7.1", 100 * ((x >= 9).mean() - (x <= 5).mean()), "left 6 out")
    fails("7.1", 100 * ((x >= 9).mean() - (x <= 8).mean()), "passives (7-8) as detractors")
    fails("7.1", 100 * ((x > 9).mean() - (x < 6).mean()), "Strict inequalities")
    fails("7.1", int((x >= 9).sum() - (x <= 6).sum()), "difference of counts")
    fails("7.1", satisfaction.nps(complainers["satisfaction"]), "satisfaction column")
    fails("7.1", x.mean(), "mean recommendation score")
    fails("7.1", round(want), "rounded to 0 decimals")
    fails("7.1", str(want), "is text, not a number")
    fails("7.1", pd.Series([want]), ".iloc[0]")


def test_7_1_feedback_in_chinese(complainers):
    set_language("zh")
    x = complainers["nps_score"]
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
    vip = survey[survey["segment"] == "vip"]
    by_hand = pd.Series({d: (vip[f"perceive_{d}"] - vip[f"expect_{d}"]).mean() for d in dims})
    passes("7.3", by_hand)
    passes("7.3", by_hand.sort_values())  # any order: the labels say which is which
    fails("7.3", satisfaction.gap_summary(survey)["gap"], "whole survey")
    gaps = satisfaction.gap_scores(vip)
    fails("7.3", gaps.mean(), "not a dimension")
    fails("7.3", gaps[[f"gap_{d}" for d in dims]].mean(), "label them", "gap_ prefix")
    fails("7.3", -want, "sign is flipped", "perception minus expectation")
    summary = satisfaction.gap_summary(vip)
    fails("7.3", summary["expectation"], "mean expectations")
    fails("7.3", summary["perception"], "mean perceptions")
    fails("7.3", summary["negative_share"], "shares of customers let down")
    fails("7.3", gaps[[f"gap_{d}" for d in dims]].median().set_axis(dims), "medians")
    fails("7.3", summary, "whole table")
    fails("7.3", gaps["gap_tangibles"], "One value per customer")
    fails("7.3", want.tolist(), "Expected Series, got list")
    off = want.copy()
    off.iloc[2] += 0.1
    fails("7.3", off, "1 of 5 values differ")


# ---------------------------------------------------------------- 7.4 shortfall vs driver


@pytest.fixture(scope="module")
def business(survey):
    return survey[survey["segment"] == "business"]


def test_7_4_answers(survey, business):
    want = ch07.expected("7.4")
    gaps = satisfaction.gap_summary(business)["gap"]
    coef = satisfaction.churn_drivers(business)["coef"].rename(
        lambda f: f.removeprefix("gap_"))
    passes("7.4", {"largest_shortfall": " " + want["largest_shortfall"].title(),
                   "churn_driver": "gap_" + want["churn_driver"]})
    zh = satisfaction.DIMENSION_NAMES
    passes("7.4", {k: zh[v] for k, v in want.items()})
    if want["largest_shortfall"] != want["churn_driver"]:
        fails("7.4", {"largest_shortfall": want["churn_driver"],
                      "churn_driver": want["largest_shortfall"]}, "swapped")
    fails("7.4", {**want, "largest_shortfall": gaps.idxmax()}, "[largest_shortfall]",
          "most negative gap")
    if coef.idxmax() != want["churn_driver"]:
        fails("7.4", {**want, "churn_driver": coef.idxmax()}, "[churn_driver]",
              "every coefficient is negative")
    fails("7.4", {**want, "churn_driver": "speed"}, "one of the five dimension names")
    fails("7.4", {**want, "churn_driver": 1}, "Expected text")
    fails("7.4", {"churn_driver": "reliability"}, "Missing key(s): largest_shortfall")
    fails("7.4", "reliability", "Expected dict")


# ---------------------------------------------------------------- 7.5 churn, interval


def test_7_5_answers(survey):
    want = ch07.expected("7.5")
    retail = survey[survey["segment"] == "retail"]
    rate = retail.groupby("marketing_promise", observed=True)["churned"].mean()
    passes("7.5", {**want, "churn_diff": rate["inflated"] - rate["accurate"]})
    fails("7.5", {**want, "churn_diff": rate["accurate"] - rate["inflated"]},
          "[churn_diff]", "sign is flipped")
    whole = survey.groupby("marketing_promise", observed=True)["churned"].mean()
    fails("7.5", {**want, "churn_diff": whole["inflated"] - whole["accurate"]},
          "whole survey")
    fails("7.5", {**want, "churn_diff": rate["inflated"] - rate["modest"]}, "modest")
    fails("7.5", {**want, "churn_diff": rate["inflated"]}, "inflated group alone")
    fails("7.5", {**want, "low": want["high"], "high": want["low"]}, "swapped")
    fails("7.5", {**want, "low": -want["high"]}, "[low]", "other way round")
    fails("7.5", {**want, "churn_diff": 100 * want["churn_diff"]}, "percentage")
    fails("7.5", {"churn_diff": want["churn_diff"]}, "Missing key(s)")


# ---------------------------------------------------------------- 7.6 about these data


def test_7_6_answers():
    want = ch07.expected("7.6")
    passes("7.6", {**want, "driver_after": "gap_Responsiveness"})
    passes("7.6", {**want, "driver_after": "响应性"})
    fails("7.6", {**want, "driver_after": "reliability"}, "bundled survey")
    fails("7.6", {**want, "driver_after": "tangibles"}, "not the strongest driver")
    before = satisfaction.churn_drivers(crmlab.load_data("survey"))
    fails("7.6", {**want, "reliability_coef_after": before.loc["gap_reliability", "coef"]},
          "[reliability_coef_after]", "bundled survey")
    fails("7.6", {**want, "reliability_coef_after": -want["reliability_coef_after"]},
          "sign is flipped")


# ---------------------------------------------------------------- 7.7 concept check


def test_7_7_answers():
    for right in ("B", "b", "Ｂ", " (B) ", "b."):
        passes("7.7", right)
    for wrong, words in (("A", "9 or 10"), ("C", "0 to 6"), ("D", "Every answer counts")):
        text = fails("7.7", wrong, words)
        assert "B" not in text.replace("But", "")
    fails("7.7", "E", "one letter")
    fails("7.7", 2, "Expected text")
    set_language("zh")
    assert "推荐者" in " ".join(judge("7.7", "a").problems)


# ---------------------------------------------------------------- 7.8 discussion


def test_7_8_answers(survey, business):
    want = ch07.expected("7.8")
    groups = satisfaction.nps_breakdown(business, by="marketing_promise")["nps"]
    passes("7.8", {"promise_more": np.False_, "nps_diff": groups["inflated"] - groups["accurate"]})
    # the decision is read by the instructor with the reasoning, not judged here
    passes("7.8", {**want, "promise_more": True})
    passes("7.8", {**want, "promise_more": "no"})
    fails("7.8", {**want, "nps_diff": -want["nps_diff"]}, "[nps_diff]", "sign is flipped")
    fails("7.8", {**want, "nps_diff": want["nps_diff"] / 100}, "looks like a fraction")
    whole = satisfaction.promise_effect(survey)
    fails("7.8", {**want, "nps_diff": whole.loc["inflated", "nps"] - whole.loc["accurate", "nps"]},
          "whole survey")
    fails("7.8", {**want, "nps_diff": groups["inflated"] - groups["modest"]}, "modest")
    fails("7.8", {**want, "nps_diff": groups["inflated"]}, "inflated group alone")
    score = business.groupby("marketing_promise", observed=True)["nps_score"].mean()
    fails("7.8", {**want, "nps_diff": score["inflated"] - score["accurate"]},
          "mean recommendation scores")
    assert "promise_effect" in judge("7.8", {**want, "nps_diff": 0.0}).hint


def test_7_8_feedback_in_chinese():
    set_language("zh")
    want = ch07.expected("7.8")
    assert "老师会结合你的理由一起评阅" in judge("7.8", {**want, "promise_more": True}).message()
    fails("7.8", {**want, "nps_diff": -want["nps_diff"]}, "符号反了")


# ---------------------------------------------------------------- the notebook


def _namespace(qid, answer):
    names = {"7.1": "nps_complainers", "7.3": "gap_by_dim", "7.7": "concept_7"}
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
        exec(hidden["check_7_6"], {"driver_after": "reliability",
                                   "reliability_coef_after": -1.06})
    with pytest.raises(AssertionError):
        exec(hidden["check_7_7"], {"concept_7": "A"})
    with pytest.raises(AssertionError):
        exec(hidden["check_7_8"], {"promise_more": False, "nps_diff": 27.5})

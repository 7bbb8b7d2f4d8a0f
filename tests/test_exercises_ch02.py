"""Chapter 02 exercises: the expected answers pass, typical wrong answers fail kindly."""

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
from crmlab.exercises import ch02, set_language

SOLUTION = SOLUTIONS / "02_man_rule.ipynb"
QIDS = [f"2.{k}" for k in range(1, 9)]
CODES = {"L0101": "MaN", "L0102": "MAn", "L0103": "man", "L0104": "MAn", "L0105": "man"}
SCORES = ["money_score", "authority_score", "need_score"]


@pytest.fixture(scope="module")
def leads():
    return crmlab.load_data("leads")


@pytest.fixture(scope="module")
def qualified(leads):
    return acquisition.man_qualify(leads)


@pytest.fixture(scope="module")
def by_class(qualified):
    return acquisition.man_conversion(qualified)


def _channel(qualified, channel):
    return qualified[qualified["source_channel"] == channel]


# ---------------------------------------------------------------- all exercises


def test_expected_values_are_not_the_chapter_numbers(by_class):
    """Each answer is something the chapter did not print (issue 13)."""
    assert ch02.expected("2.1") == {"codes": CODES, "n_no_need": 47}
    assert ch02.expected("2.2").tolist() == [105, 202, 108, 22]
    assert ch02.expected("2.3")["qualified"] != pytest.approx(94 / 240)
    assert ch02.expected("2.4")["n_strict"] == 135
    assert ch02.expected("2.5")["best_criterion"] == "need"
    assert ch02.expected("2.6") == "B"
    assert ch02.expected("2.7")["best_criterion"] != "need"
    calls = ch02.expected("2.8")
    assert calls["customers_top_down"] == pytest.approx(94 + 113 + 52 * 20 / 755)
    assert calls["customers_without_prospects"] == pytest.approx(94 + 20 + 5 * 5 / 297)


def test_findings_hold_on_the_bundled_data():
    assert all(f.holds() for f in ch02.FINDINGS)


def test_class_names_are_the_answer_keys():
    names = acquisition.MAN_CLASS_NAMES
    assert list(names) == acquisition.MAN_CLASSES
    assert [names[c][1] for c in reversed(acquisition.MAN_CLASSES)] == [
        "合格潜在客户", "潜在客户", "线索", "非目标客户"]


# ---------------------------------------------------------------- 2.1 codes


def test_2_1_codes_are_case_sensitive():
    want = ch02.expected("2.1")
    passes("2.1", {"codes": {k: f" {v} " for k, v in CODES.items()},
                   "n_no_need": want["n_no_need"]})
    swapped = {**CODES, "L0101": "mAn"}
    fails("2.1", {**want, "codes": swapped}, "L0101", "swapped")
    fails("2.1", {**want, "codes": {**CODES, "L0102": "man"}}, "L0102", "case of each letter")
    fails("2.1", {**want, "codes": {**CODES, "L0101": "NaM"}}, "order M (money)")
    fails("2.1", {**want, "codes": {**CODES, "L0101": "yes"}}, "not a MAN code")
    fails("2.1", {**want, "codes": {**CODES, "L0101": 3}}, "L0101")


def test_2_1_counts(qualified):
    want = ch02.expected("2.1")
    web = _channel(qualified, "website")
    code = web["man_code"].astype(str)
    passes("2.1", {**want, "n_no_need": int((code == "MAn").sum())})
    fails("2.1", {**want, "n_no_need": int((qualified["man_code"] == "MAn").sum())},
          "[n_no_need]", "every channel")
    fails("2.1", {**want, "n_no_need": int((code == "man").sum())}, "counts 'man'")
    fails("2.1", {**want, "n_no_need": len(web)}, "ignores case")
    fails("2.1", {**want, "n_no_need": int((web["man_class"] == "prospect").sum())},
          "every prospect")
    fails("2.1", {**want, "n_no_need": int((~web["need"]).sum())}, "without a need")


def test_2_1_feedback_in_chinese():
    set_language("zh")
    want = ch02.expected("2.1")
    fails("2.1", {**want, "codes": {**CODES, "L0101": "mAn"}}, "大小写反了")


# ---------------------------------------------------------------- 2.2 class sizes


def test_2_2_answers(qualified):
    want = ch02.expected("2.2")
    cold = _channel(qualified, "cold_call")
    passes("2.2", cold["man_class"].value_counts(sort=False))
    passes("2.2", pd.Series(want.to_numpy(), index=list(want.index)))
    fails("2.2", cold["man_class"].value_counts(), "wrong order", "non-targets")
    fails("2.2", want / want.sum(), "shares of the channel's leads")
    fails("2.2", qualified["man_class"].value_counts(sort=False), "classes of all leads",
          "cold_call")
    fails("2.2", cold["man_code"].value_counts(sort=False), "counts per MAN code")
    fails("2.2", pd.Series(want.to_numpy(), index=list("abcd")), "other labels")


def test_2_2_feedback_has_no_code(qualified):
    text = fails("2.2", _channel(qualified, "cold_call")["man_class"].value_counts(),
                 whole_message=True)
    assert "sort=False" not in text and "value_counts(" not in text


# ---------------------------------------------------------------- 2.3 rates at trade shows


def test_2_3_answers(qualified):
    want = ch02.expected("2.3")
    shows = _channel(qualified, "trade_show")
    rate = shows.groupby("man_class", observed=True)["converted"].mean()
    passes("2.3", {"qualified": rate["qualified"], "prospect": rate["prospect"]})
    fails("2.3", {"qualified": want["prospect"], "prospect": want["qualified"]}, "swapped")
    all_rate = qualified.groupby("man_class", observed=True)["converted"].mean()
    fails("2.3", {**want, "qualified": all_rate["qualified"]}, "[qualified]", "every channel")
    n_met = shows[["money", "authority", "need"]].sum(axis=1)
    fails("2.3", {**want, "prospect": shows.loc[n_met >= 2, "converted"].mean()},
          "[prospect]", "OR MORE")
    fails("2.3", {**want, "qualified": shows.loc[shows["man_class"] == "qualified",
                                                   "converted"].sum()},
          "number of conversions")


# ---------------------------------------------------------------- 2.4 need threshold


def _qualified_at(leads, thresholds, strict=False):
    met = pd.DataFrame({s: (leads[s] > t) if strict else (leads[s] >= t)
                        for s, t in zip(SCORES, thresholds, strict=True)})
    top = met.all(axis=1)
    return {"n_strict": int(top.sum()), "rate_strict": float(leads.loc[top, "converted"].mean())}


def test_2_4_answers(leads):
    want = ch02.expected("2.4")
    passes("2.4", _qualified_at(leads, (6, 6, 7.5)))
    every = _qualified_at(leads, (7.5, 7.5, 7.5))
    fails("2.4", every, "[n_strict]", "all three thresholds")
    fails("2.4", {**want, "rate_strict": every["rate_strict"]}, "[rate_strict]",
          "all three thresholds")
    fails("2.4", _qualified_at(leads, (6, 6, 7.5), strict=True), "equal to the threshold")
    fails("2.4", _qualified_at(leads, (6, 6, 6)), "at 6 for every criterion")
    fails("2.4", {**want, "n_strict": want["n_strict"] / 2000}, "share of the leads")


def test_2_4_feedback_in_chinese(leads):
    set_language("zh")
    fails("2.4", _qualified_at(leads, (6, 6, 7.5), strict=True), "至少达到")


# ---------------------------------------------------------------- 2.5 loose threshold


def test_2_5_answers(leads):
    want = ch02.expected("2.5")
    passes("2.5", {"best_criterion": " Need ", "lift": want["lift"]})
    passes("2.5", {"best_criterion": "need_score", "lift": want["lift"]})
    fails("2.5", {**want, "best_criterion": "money"}, "Not 'money'", "new threshold")
    fails("2.5", {**want, "best_criterion": "price"}, "not a MAN criterion")
    flags = leads.groupby("need")["converted"].mean()
    fails("2.5", {**want, "lift": flags[True] / flags[False]}, "threshold 6")
    met = leads["need_score"] >= 5
    high, low = leads.loc[met, "converted"].mean(), leads.loc[~met, "converted"].mean()
    fails("2.5", {**want, "lift": high - low}, "difference of the two rates")
    fails("2.5", {**want, "lift": low / high}, "upside down")
    fails("2.5", {**want, "lift": high}, "divide it by the rate when it is not met")


# ---------------------------------------------------------------- 2.6 concept check


@pytest.mark.parametrize("spelled", ["B", "b", "Ｂ", " B"])
def test_2_6_letter_after_normalisation(spelled):
    passes("2.6", spelled)


def test_2_6_a_wrong_letter_explains_without_naming_the_answer():
    fails("2.6", "A", "all three criteria")
    fails("2.6", "C", "only one criterion")
    fails("2.6", "D", "no criterion")
    set_language("zh")
    text = fails("2.6", "c", "线索只满足一个条件")
    assert "B" not in text


# ---------------------------------------------------------------- 2.7 about these data


def test_2_7_answers(leads):
    want = ch02.expected("2.7")
    passes("2.7", dict(want))
    rate = leads.groupby("need")["converted"].mean()
    fails("2.7", {**want, "need_lift": rate[True] / rate[False]}, "[need_lift]",
          "as generated")
    fails("2.7", {**want, "need_lift": 1 / want["need_lift"]}, "upside down")
    fails("2.7", {**want, "best_criterion": "need"}, "[best_criterion]", "all three")


# ---------------------------------------------------------------- 2.8 discussion


def test_2_8_answers_and_the_decision_is_not_judged(by_class):
    want = ch02.expected("2.8")
    for decision in (False, True, "keep them"):
        passes("2.8", {**want, "drop_prospects": decision})
    conv = by_class["conversions"]
    fails("2.8", {**want, "customers_top_down": float(conv.sum())},
          "[customers_top_down]", "1,000 calls")
    fails("2.8", {**want, "customers_without_prospects":
                  float(conv.drop(index="prospect").sum())},
          "[customers_without_prospects]", "1,000 calls")
    fails("2.8", {**want, "customers_top_down": want["customers_top_down"] / 232},
          "share of all customers won")


# ---------------------------------------------------------------- the notebook


NAMES = {"2.2": "class_sizes", "2.3": "conversion", "2.6": "concept_2"}


def _namespace(qid, answer):
    answer = plain(answer)  # as the grader sees it: plain labels
    if qid == "2.7":
        return {"need_lift": answer["need_lift"], "best_criterion_now": answer["best_criterion"]}
    return {NAMES[qid]: answer} if qid in NAMES else dict(answer)


def test_hidden_tests_accept_the_expected_answers_and_catch_a_wrong_one():
    hidden = hidden_tests(SOLUTION)
    for qid in QIDS:
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        exec(code, {"crmlab": crmlab, "pd": pd, "np": np,
                    **_namespace(qid, ch02.expected(qid))})
    with pytest.raises(AssertionError):
        exec(hidden["check_2_2"], _namespace("2.2", ch02.expected("2.2").sort_values()))
    with pytest.raises(AssertionError):
        exec(hidden["check_2_8"], {"drop_prospects": False, "customers_top_down": 100.0,
                                   "customers_without_prospects": 200.0})

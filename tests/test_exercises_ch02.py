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
QIDS = ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]
CODES = {"L0001": "MAN", "L0002": "MaN", "L0003": "man", "L0004": "mAn", "L0005": "MaN"}


@pytest.fixture(scope="module")
def leads():
    return crmlab.load_data("leads")


@pytest.fixture(scope="module")
def qualified(leads):
    return acquisition.man_qualify(leads)


@pytest.fixture(scope="module")
def by_class(qualified):
    return acquisition.man_conversion(qualified)


# ---------------------------------------------------------------- all exercises


def test_expected_values_are_the_chapter_numbers():
    assert ch02.expected("2.1") == {"codes": CODES, "n_no_need": 235}
    assert ch02.expected("2.2").tolist() == [297, 755, 708, 240]
    assert ch02.expected("2.3") == {"qualified": pytest.approx(94 / 240),
                                    "prospect": pytest.approx(113 / 708)}
    assert ch02.expected("2.4") == {"n_strict": 104, "rate_strict": pytest.approx(45 / 104)}
    assert ch02.expected("2.5") == {"best_criterion": "need",
                                    "lift": pytest.approx(7.638, abs=5e-4)}
    assert ch02.expected("2.6") == {"drop_prospects": False,
                                    "prospect_share": pytest.approx(113 / 232)}


# ---------------------------------------------------------------- 2.1 codes


def test_2_1_codes_are_case_sensitive(qualified):
    want = ch02.expected("2.1")
    by_hand = (np.where(qualified["money"], "M", "m") + np.where(qualified["authority"], "A", "a")
               + np.where(qualified["need"], "N", "n"))
    codes = dict(zip(qualified["lead_id"], by_hand, strict=True))
    passes("2.1", {"codes": codes, "n_no_need": int((by_hand == "MAn").sum())})
    passes("2.1", {"codes": {k: f" {v} " for k, v in CODES.items()},
                   "n_no_need": np.int64(235)})
    fails("2.1", {**want, "codes": {k: v.swapcase() for k, v in CODES.items()}},
          "[codes] L0001", "upper and lower case swapped", "criterion that is met")
    fails("2.1", {**want, "codes": {k: v.upper() for k, v in CODES.items()}},
          "L0002: 'MAN' is not this lead's code", "upper case = met")
    fails("2.1", {**want, "codes": {**CODES, "L0002": "NaM"}}, "L0002", "order M (money)")
    fails("2.1", {**want, "codes": {**CODES, "L0004": "MAN"}}, "L0004: 'MAN' is not this "
          "lead's code")
    fails("2.1", {**want, "codes": {**CODES, "L0004": "qualified"}}, "not a MAN code")
    fails("2.1", {**want, "codes": {**CODES, "L0005": True}}, "L0005", "Expected text")
    fails("2.1", {**want, "codes": list(CODES.values())}, "[codes]", "Expected dict")
    fails("2.1", {**want, "codes": {"L0001": "MAN"}}, "Missing key(s): L0002")


def test_2_1_counts(leads, qualified):
    want = ch02.expected("2.1")
    code = qualified["man_code"].astype(str)
    fails("2.1", {**want, "n_no_need": int((code == "man").sum())}, "[n_no_need]",
          "counts 'man'")
    fails("2.1", {**want, "n_no_need": int((code.str.lower() == "man").sum())},
          "case-insensitive")
    fails("2.1", {**want, "n_no_need": int((qualified["man_class"] == "prospect").sum())},
          "every prospect")
    fails("2.1", {**want, "n_no_need": int((leads["money"] & leads["authority"]).sum())},
          "also counts the 'MAN' leads")
    fails("2.1", {**want, "n_no_need": int((~leads["need"]).sum())}, "every lead without a need")
    fails("2.1", {**want, "n_no_need": (code == "MAn").mean()}, "share of the leads")
    fails("2.1", {**want, "n_no_need": 236}, "too high")


def test_2_1_feedback_in_chinese():
    set_language("zh")
    fails("2.1", {"codes": {k: v.swapcase() for k, v in CODES.items()}, "n_no_need": 235},
          "大小写反了")


# ---------------------------------------------------------------- 2.2 class sizes


def test_2_2_answers(leads, qualified, by_class):
    want = ch02.expected("2.2")
    passes("2.2", by_class["leads"])
    passes("2.2", qualified.groupby("man_class", observed=False).size())
    passes("2.2", pd.Series(want.to_numpy(dtype=float), index=list(want.index)))
    fails("2.2", qualified["man_class"].value_counts(), "wrong order", "'non-target' to "
          "'qualified'", "sort=False")
    fails("2.2", want.iloc[::-1], "wrong order")
    fails("2.2", qualified["man_class"].value_counts(sort=False, normalize=True),
          "shares of the leads")
    fails("2.2", qualified["man_code"].value_counts(sort=False), "per MAN code",
          "group by man_class")
    met = leads[["money", "authority", "need"]].sum(axis=1)
    fails("2.2", met.value_counts().sort_index(), "under other labels", "class names")
    fails("2.2", want.to_frame(), "one-column DataFrame")
    fails("2.2", by_class, "Expected Series, got DataFrame")
    fails("2.2", want.tolist(), "Expected Series")


# ---------------------------------------------------------------- 2.3 conversion


def test_2_3_answers(leads, qualified, by_class):
    want = ch02.expected("2.3")
    rate = qualified.groupby("man_class", observed=True)["converted"].mean()
    passes("2.3", {"qualified": rate["qualified"], "prospect": rate["prospect"]})
    passes("2.3", {**dict(by_class["conversion_rate"]), "note": "extra keys are fine"})
    fails("2.3", {"qualified": want["prospect"], "prospect": want["qualified"]}, "swapped")
    fails("2.3", dict(by_class["share_of_conversions"]), "[qualified]",
          "share of all conversions")
    fails("2.3", dict(by_class["share_of_leads"]), "share of the leads")
    fails("2.3", {k: int(v) for k, v in by_class["conversions"].items()}, "number of conversions")
    two_up = leads.loc[leads[["money", "authority", "need"]].sum(axis=1) >= 2, "converted"].mean()
    fails("2.3", {**want, "prospect": two_up}, "[prospect]", "mixes in the qualified leads")
    fails("2.3", {k: 100 * v for k, v in want.items()}, "percentage")
    fails("2.3", {"qualified": want["qualified"]}, "Missing key(s): prospect")
    fails("2.3", rate, "Expected dict, got Series")


# ---------------------------------------------------------------- 2.4 threshold 7


def _strict(leads, threshold, op=">="):
    scores = leads[["money_score", "authority_score", "need_score"]]
    met = scores >= threshold if op == ">=" else scores > threshold
    top = met.all(axis=1)
    return int(top.sum()), float(leads.loc[top, "converted"].mean())


def test_2_4_answers(leads, by_class):
    want = ch02.expected("2.4")
    n7, r7 = _strict(leads, 7)
    passes("2.4", {"n_strict": n7, "rate_strict": r7})
    n6, r6 = _strict(leads, 6)
    assert (n6, r6) == (240, pytest.approx(by_class.loc["qualified", "conversion_rate"]))
    fails("2.4", {"n_strict": n6, "rate_strict": r6}, "[n_strict]", "threshold 6")
    fails("2.4", {**want, "rate_strict": r6}, "[rate_strict]", "threshold 6")
    n_gt, r_gt = _strict(leads, 7, ">")
    assert n_gt == 91
    fails("2.4", {"n_strict": n_gt, "rate_strict": r_gt}, "exactly 7 counts as met", ">=")
    fails("2.4", {**want, "rate_strict": r_gt}, "[rate_strict]", "use >=")
    strict = acquisition.man_qualify(leads, money="money_score", authority="authority_score",
                                     need="need_score", thresholds=7)
    fails("2.4", {**want, "n_strict": int((strict["man_class"] >= "prospect").sum())},
          "at least two criteria")
    fails("2.4", {**want, "n_strict": n7 / len(leads)}, "share of the leads")
    share = acquisition.man_conversion(strict).loc["qualified", "share_of_conversions"]
    fails("2.4", {**want, "rate_strict": share}, "share of all conversions")
    fails("2.4", {**want, "rate_strict": round(r7, 2)}, "rounded to 2 decimals")
    fails("2.4", {**want, "n_strict": str(n7)}, "is text, not a number")


# ---------------------------------------------------------------- 2.5 best criterion


def test_2_5_answers(leads):
    want = ch02.expected("2.5")
    rates = {c: leads.groupby(c)["converted"].mean() for c in ["money", "authority", "need"]}
    lift = {c: r[True] / r[False] for c, r in rates.items()}
    passes("2.5", {"best_criterion": " Need", "lift": lift["need"]})
    passes("2.5", {"best_criterion": "need_score", "lift": want["lift"]})
    fails("2.5", {"best_criterion": "authority", "lift": lift["authority"]},
          "[best_criterion] Not 'authority'", "largest ratio")
    fails("2.5", {**want, "best_criterion": "N"}, "not a MAN criterion", "'need'")
    fails("2.5", {**want, "best_criterion": ["need"]}, "Expected text")
    need = rates["need"]
    fails("2.5", {**want, "lift": need[True] - need[False]}, "[lift]", "difference")
    fails("2.5", {**want, "lift": need[False] / need[True]}, "upside down")
    fails("2.5", {**want, "lift": need[True]}, "rate when the criterion is met")
    fails("2.5", {**want, "lift": lift["authority"]}, "lift of 'authority'")
    fails("2.5", {**want, "lift": 7.6}, "rounded to 1 decimals")


# ---------------------------------------------------------------- 2.6 discussion


def test_2_6_answers(by_class):
    want = ch02.expected("2.6")
    passes("2.6", {"drop_prospects": np.False_, "prospect_share": 113 / 232})
    passes("2.6", {**want, "drop_prospects": True})  # the decision is read with the reasoning
    passes("2.6", {**want, "drop_prospects": "no"})
    p = by_class.loc["prospect"]
    fails("2.6", {**want, "prospect_share": p["share_of_leads"]}, "[prospect_share]",
          "share of the leads")
    fails("2.6", {**want, "prospect_share": p["conversion_rate"]}, "conversion rate")
    fails("2.6", {**want, "prospect_share": int(p["conversions"])}, "number of conversions")
    both = by_class.loc[["prospect", "qualified"], "share_of_conversions"].sum()
    fails("2.6", {**want, "prospect_share": both}, "includes the qualified leads")
    revenue = p["revenue"] / by_class["revenue"].sum()
    assert abs(revenue - want["prospect_share"]) < 0.02  # close, still told apart
    fails("2.6", {**want, "prospect_share": revenue}, "share of the revenue")
    fails("2.6", {**want, "prospect_share": 100 * want["prospect_share"]}, "percentage")
    fails("2.6", {**want, "prospect_share": 1 - want["prospect_share"]}, "1 minus the answer")


# ---------------------------------------------------------------- the notebook


NAMES = {"2.2": "class_sizes", "2.3": "conversion"}


def _namespace(qid, answer):
    answer = plain(answer)  # as the grader sees it: plain labels
    return {NAMES[qid]: answer} if qid in NAMES else dict(answer)


def test_hidden_tests_accept_the_expected_answers_and_catch_a_wrong_one():
    hidden = hidden_tests(SOLUTION)
    for qid in QIDS:
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        exec(code, {"crmlab": crmlab, "pd": pd, "np": np, **_namespace(qid, ch02.expected(qid))})
    with pytest.raises(AssertionError):
        exec(hidden["check_2_1"], {"codes": {k: v.swapcase() for k, v in CODES.items()},
                                   "n_no_need": 235})
    with pytest.raises(AssertionError):
        exec(hidden["check_2_2"], _namespace("2.2", ch02.expected("2.2").sort_values()))
    with pytest.raises(AssertionError):
        exec(hidden["check_2_6"], {"drop_prospects": False, "prospect_share": 0.35})

"""Chapter 09 exercises: the expected answers pass, typical wrong answers fail kindly."""

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
)

import crmlab
from crmlab import clv
from crmlab.exercises import ch09, set_language
from crmlab.exercises._registry import judge

SOLUTION = SOLUTIONS / "09_clv.ipynb"
QIDS = ["9.1", "9.2", "9.3", "9.4", "9.5", "9.6", "9.7"]  # 9.8, the concept check: below
CAL_END, HOLD_END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def cdnow():
    return crmlab.load_data("cdnow_sample")


@pytest.fixture(scope="module")
def summary(cdnow):
    return clv.summary_from_transactions(cdnow, observation_end=CAL_END, unit="W")


@pytest.fixture(scope="module")
def bg(summary):
    return clv.BetaGeo().fit(summary)


@pytest.fixture(scope="module")
def calhold(cdnow):
    return clv.calibration_holdout(cdnow, calibration_end=CAL_END, observation_end=HOLD_END,
                                   unit="W")


def with_(qid, **changes):
    """The expected answer of ``qid`` with some parts replaced."""
    return {**ch09.expected(qid), **changes}


# ---------------------------------------------------------------- all exercises


@pytest.mark.parametrize("qid", QIDS)
def test_unrounded_passes_and_blank_parts_fail(qid):
    """Beyond the checks of every chapter (test_exercise_notebooks.py)."""
    want = ch09.expected(qid)
    passes(qid, ch09.EXERCISES[qid].expected())  # unrounded values pass too
    blank = {key: ... for key in want}  # the student version's stubs
    fails(qid, blank, "Not answered yet")
    first, *others = [k for k in want if k != ch09.EXERCISES[qid].decision]  # judged parts
    text = fails(qid, {**want, first: ...}, "Not answered yet")
    assert f"`{first}`" in text and not any(f"`{key}`" in text for key in others)
    fails(qid, list(want.values()), "Expected dict, got list")
    fails(qid, {k: v for k, v in want.items() if k != first}, "Missing key(s)", first)


def test_expected_values_are_the_published_numbers():
    assert ch09.expected("9.1") == {"multiple": 2.5, "customer_clv": 350.0}
    assert ch09.expected("9.2") == {"clv_growth": 571.43, "years_90": 7}
    assert ch09.expected("9.3") == {"n_zero": 1411, "mean_frequency": 1.042, "mean_T": 32.716}
    # 9.4 fits all 78 weeks (the published fit, r = 0.243, alpha = 4.414, is the first 39)
    whole = clv.BetaGeo().fit(clv.summary_from_transactions(
        crmlab.load_data("cdnow_sample"), observation_end="1998-06-30", unit="W")).params_
    assert ch09.expected("9.4") == {
        "params": {"r": round(whole["r"], 3), "alpha": round(whole["alpha"], 3)},
        "dropout": round(whole["a"] / (whole["a"] + whole["b"]), 3)}
    assert ch09.expected("9.4")["params"] != {"r": 0.243, "alpha": 4.414}
    assert ch09.expected("9.5")["next39"] == 1.226  # their worked example
    # 9.6 fits the first five counts of the regular cohort (all eight give Fader & Hardie's
    # alpha = 0.704, beta = 1.182); the retention of year t is (b + t - 1) / (a + b + t - 1)
    e6 = ch09.expected("9.6")
    five = clv.ShiftedBetaGeometric().fit(clv.SBG_COHORTS["regular"][:5]).params_
    assert e6["sbg_params"] == {k: round(v, 3) for k, v in five.items()}
    assert e6["sbg_params"] != {"alpha": 0.704, "beta": 1.182}
    alpha, beta = five["alpha"], five["beta"]
    assert e6["retention_10"] == pytest.approx((beta + 9) / (alpha + beta + 9), abs=1e-3)
    e7 = ch09.expected("9.7")
    assert e7["necessarily_lost"] is False
    assert 0 < e7["silent_p_alive"] < 0.5 and 0 < e7["came_back"] < 0.5


# ---------------------------------------------------------------- 9.1 margin multiple


def test_9_1_wrong_answers():
    m, r, i, cost = 200, 0.8, 0.12, 150
    passes("9.1", {"multiple": clv.margin_multiple(r, i),
                   "customer_clv": np.float64(clv.simple_clv(m, r, i, acquisition_cost=cost))})
    fails("9.1", with_("9.1", multiple=80 / (1 + i - 80)), "`multiple`", "percentage", "0.8")
    fails("9.1", with_("9.1", multiple=1 / (1 - r)), "expected tenure")
    fails("9.1", with_("9.1", multiple=r / (1 - r)), "left out the discount rate")
    fails("9.1", with_("9.1", multiple=(1 + i) / (1 + i - r)), "start of each year")
    fails("9.1", with_("9.1", customer_clv=clv.simple_clv(m, r, i, acquisition_cost=cost,
                                                           timing="begin")),
          "`customer_clv`", "start of each year")
    fails("9.1", with_("9.1", customer_clv=clv.simple_clv(m, r, i)),
          "forgot to subtract the acquisition cost")
    fails("9.1", with_("9.1", customer_clv=clv.simple_clv(m, r, i) + cost), "not added")
    fails("9.1", with_("9.1", customer_clv=m / (1 - r) - cost), "ignores discounting")
    fails("9.1", with_("9.1", customer_clv="350"), "is text, not a number")
    fails("9.1", with_("9.1", customer_clv=pd.Series([350.0])), ".iloc[0]")
    fails("9.1", with_("9.1", customer_clv=300.0), "too low")


def test_9_1_feedback_in_chinese():
    set_language("zh")
    fails("9.1", with_("9.1", customer_clv=500.0), "获客成本")
    result = judge("9.1", with_("9.1", multiple=5.0))
    assert "clv.margin_multiple" in result.hint
    assert "比率用小数" in judge("9.1", with_("9.1", multiple=250.0), tries=1).hint


# ---------------------------------------------------------------- 9.2 growth and horizon


def test_9_2_wrong_answers():
    m, r, i = 200, 0.8, 0.12
    passes("9.2", {"clv_growth": clv.simple_clv(m, r, i, growth=0.05), "years_90": 7.0})
    passes("9.2", with_("9.2", years_90=np.int64(7)))
    fails("9.2", with_("9.2", clv_growth=clv.simple_clv(m, r, i)), "without growth")
    fails("9.2", with_("9.2", clv_growth=clv.simple_clv(m, r, i, growth=0.05,
                                                       acquisition_cost=150)),
          "no acquisition cost")
    fails("9.2", with_("9.2", clv_growth=clv.simple_clv(m, r, i, growth=0.05,
                                                       timing="begin")), "start of each year")
    fails("9.2", with_("9.2", clv_growth=clv.simple_clv(m * 1.05, r, i, growth=0.05)),
          "first year's margin is 200")
    fails("9.2", with_("9.2", clv_growth=m * r / (1 + i - 0.05 - r)),
          "not subtracted from the discount rate")
    # the horizon: 6 years reach 86.7 %, 7 years 90.5 %
    lifetime = clv.simple_clv(m, r, i)
    assert clv.simple_clv(m, r, i, horizon=6) < 0.9 * lifetime <= clv.simple_clv(
        m, r, i, horizon=7)
    fails("9.2", with_("9.2", years_90=6), "`years_90`", "still below 90%")
    fails("9.2", with_("9.2", years_90=8), "more than needed")
    fails("9.2", with_("9.2", years_90=9), "growing margin")
    fails("9.2", with_("9.2", years_90=7.5), "`years_90`", "whole number")
    fails("9.2", with_("9.2", years_90=True), "Expected number, got bool")


# ---------------------------------------------------------------- 9.3 BTYD summary


def test_9_3_wrong_answers(cdnow):
    want = ch09.expected("9.3")
    cal = cdnow[cdnow["order_date"] <= CAL_END]
    lines = cal.groupby("customer_id").size()
    by_week = clv.summary_from_transactions(cdnow, observation_end=CAL_END, freq="W")
    in_days = clv.summary_from_transactions(cdnow, observation_end=CAL_END)
    everything = clv.summary_from_transactions(cdnow, unit="W")
    # the RFM confusions: counting the first purchase, not merging same-day orders
    fails("9.3", with_("9.3", n_zero=0), "`n_zero`", "repeat purchases only")
    fails("9.3", with_("9.3", n_zero=int((lines == 1).sum())), "single order line")
    fails("9.3", with_("9.3", n_zero=2357 - 1411), "with a repeat purchase")
    fails("9.3", with_("9.3", mean_frequency=want["mean_frequency"] + 1), "Off by one",
          "first purchase")
    fails("9.3", with_("9.3", mean_frequency=lines.mean()), "RFM-style")
    fails("9.3", with_("9.3", mean_frequency=lines.mean() - 1), "same day")
    # the units and the window
    fails("9.3", with_("9.3", mean_T=in_days["T"].mean()), "`mean_T`", "in days", "in weeks")
    fails("9.3", with_("9.3", mean_T=in_days["recency"].mean() / 7), "mean recency")
    fails("9.3", with_("9.3", n_zero=int((by_week["frequency"] == 0).sum())), "merged per week")
    fails("9.3", with_("9.3", mean_frequency=by_week["frequency"].mean()), "merged per week")
    fails("9.3", with_("9.3", mean_T=by_week["T"].mean()), "merged per week")
    fails("9.3", with_("9.3", mean_T=everything["T"].mean()), "calibration period, 1997-09-30")
    fails("9.3", with_("9.3", n_zero=int((everything["frequency"] == 0).sum())),
          "all the data")
    fails("9.3", with_("9.3", n_zero=1411 / 2357), "too low")


# ---------------------------------------------------------------- 9.4 BG/NBD fit


def test_9_4_wrong_answers(cdnow, bg):
    whole = clv.BetaGeo().fit(clv.summary_from_transactions(
        cdnow, observation_end="1998-06-30", unit="W"))
    p = whole.params_
    passes("9.4", {"params": dict(p), "dropout": p["a"] / (p["a"] + p["b"])})  # all 4 keys
    in_days = clv.BetaGeo().fit(clv.summary_from_transactions(
        cdnow, observation_end="1998-06-30"))
    assert in_days.params_["alpha"] == pytest.approx(7 * p["alpha"], rel=1e-3)
    fails("9.4", with_("9.4", params={"r": round(in_days.params_["r"], 3),
                                      "alpha": round(in_days.params_["alpha"], 3)}),
          "`params`", "alpha is in days")
    weekly = clv.BetaGeo().fit(clv.summary_from_transactions(
        cdnow, observation_end="1998-06-30", freq="W"))
    fails("9.4", with_("9.4", params={k: weekly.params_[k] for k in ("r", "alpha")}),
          "merged per week")
    fails("9.4", with_("9.4", params={k: bg.params_[k] for k in ("r", "alpha")}),
          "calibration period (to 1997-09-30)")
    fails("9.4", with_("9.4", dropout=bg.params_["a"] / (bg.params_["a"] + bg.params_["b"])),
          "all 78 weeks")
    fails("9.4", with_("9.4", params={"r": 0.243}), "Missing key(s): alpha")
    fails("9.4", with_("9.4", params=(0.254, 5.447)), "Expected dict")
    fails("9.4", with_("9.4", params={"r": round(p["r"], 2), "alpha": round(p["alpha"], 2)}),
          "[r]", "rounded to 2 decimals")
    a, b = p["a"], p["b"]
    fails("9.4", with_("9.4", dropout=b / (a + b)), "`dropout`", "probability of staying")
    fails("9.4", with_("9.4", dropout=a / b), "not a / b")
    fails("9.4", with_("9.4", dropout=a), "not a probability")
    fails("9.4", with_("9.4", dropout=100 * a / (a + b)), "percentage")


# ---------------------------------------------------------------- 9.5 one customer


def test_9_5_wrong_answers(bg, summary):
    one = summary.loc[["00004"]]  # the same customer, unrounded recency and T
    passes("9.5", {"next39": bg.expected_purchases(39, one).iloc[0],
                   "p_alive": bg.probability_alive(one).iloc[0]})
    # with the published (rounded) estimates: the paper's 1.226
    published = clv.BetaGeo()
    published.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    passes("9.5", {"next39": published.expected_purchases(39, frequency=2, recency=30.43,
                                                          T=38.86),
                   "p_alive": published.probability_alive(frequency=2, recency=30.43,
                                                          T=38.86)})
    fails("9.5", with_("9.5", next39=bg.expected_purchases(39, one)), "`next39`", ".iloc[0]")
    rfm_recency = {"frequency": 2, "recency": 38.86 - 30.43, "T": 38.86}
    fails("9.5", {"next39": bg.expected_purchases(39, **rfm_recency),
                  "p_alive": bg.probability_alive(**rfm_recency)},
          "`next39`", "`p_alive`", "not the time since the last purchase")
    three = {"frequency": 3, "recency": 30.43, "T": 38.86}
    fails("9.5", with_("9.5", p_alive=bg.probability_alive(**three)), "2, not 3")
    fails("9.5", with_("9.5", next39=bg.expected_purchases(39, **three)), "2, not 3")
    fails("9.5", with_("9.5", next39=bg.expected_purchases(273, frequency=2, recency=30.43,
                                                           T=38.86)), "not 273 days")
    fails("9.5", with_("9.5", next39=bg.expected_purchases(52, frequency=2, recency=30.43,
                                                           T=38.86)), "not a year of 52")
    fails("9.5", with_("9.5", next39=bg.expected_purchases_new(39)), "brand-new customer")
    fails("9.5", with_("9.5", p_alive=1 - ch09.expected("9.5")["p_alive"]), "1 minus")
    fails("9.5", with_("9.5", p_alive=72.7), "percentage")


# ---------------------------------------------------------------- 9.6 sBG


def test_9_6_wrong_answers():
    first_five = clv.SBG_COHORTS["regular"][:5]
    regular = clv.ShiftedBetaGeometric().fit(first_five)
    whole = clv.ShiftedBetaGeometric().fit(clv.SBG_COHORTS["regular"])
    high = clv.ShiftedBetaGeometric().fit(clv.SBG_COHORTS["high end"][:5])
    passes("9.6", {"sbg_params": regular.params_, "retention_10": regular.retention_rate(10),
                   "survive_12": regular.survival(12)})
    fails("9.6", with_("9.6", sbg_params=high.params_), "`sbg_params`", "'high end' cohort")
    fails("9.6", with_("9.6", sbg_params=whole.params_), "all eight years")
    fails("9.6", with_("9.6", retention_10=high.retention_rate(10)), "'high end' cohort")
    fails("9.6", with_("9.6", retention_10=whole.retention_rate(10)), "all eight years")
    fails("9.6", with_("9.6", retention_10=regular.retention_rate(9)), "year 9")
    fails("9.6", with_("9.6", retention_10=regular.retention_rate(11)), "year 11")
    fails("9.6", with_("9.6", retention_10=regular.survival(10)), "S(10) / S(9)")
    fails("9.6", with_("9.6", retention_10=631 / 1000), "rises with tenure")
    fails("9.6", with_("9.6", retention_10=326 / 382), "observed retention of year 4")
    fails("9.6", with_("9.6", survive_12=regular.survival(11)), "`survive_12`", "11 years")
    fails("9.6", with_("9.6", survive_12=regular.survival(13)), "13 years")
    fails("9.6", with_("9.6", survive_12=0.631 ** 12), "constant retention")
    fails("9.6", with_("9.6", survive_12=regular.retention_rate(12)), "retention rate of year 12")
    fails("9.6", with_("9.6", survive_12=1000 * regular.survival(12)), "out of 1,000")
    fails("9.6", with_("9.6", survive_12=high.survival(12)), "'high end' cohort")
    fails("9.6", with_("9.6", survive_12=whole.survival(12)), "all eight years")


# ---------------------------------------------------------------- 9.7 discussion


def test_9_7_wrong_answers(bg, calhold):
    gap = calhold["T"] - calhold["recency"]
    silent = calhold[(calhold["frequency"] > 0) & (gap >= 20)]
    assert len(silent) == 359
    passes("9.7", {"necessarily_lost": np.bool_(False),
                   "silent_p_alive": bg.probability_alive(silent).mean(),
                   "came_back": (silent["frequency_holdout"] > 0).mean()})
    # the decision is read by the instructor with the reasoning, not judged here
    passes("9.7", with_("9.7", necessarily_lost=True))
    passes("9.7", with_("9.7", necessarily_lost="no"))
    strict = calhold[(calhold["frequency"] > 0) & (gap > 20)]
    assert len(strict) < len(silent)
    fails("9.7", with_("9.7", silent_p_alive=bg.probability_alive(strict).mean()),
          "`silent_p_alive`", "exactly 20 weeks")
    fails("9.7", with_("9.7", came_back=(strict["frequency_holdout"] > 0).mean()),
          "exactly 20 weeks")
    with_zero = calhold[gap >= 20]
    fails("9.7", with_("9.7", silent_p_alive=bg.probability_alive(with_zero).mean()),
          "P(alive) = 1")
    fails("9.7", with_("9.7", came_back=(with_zero["frequency_holdout"] > 0).mean()),
          "without a repeat purchase")
    fails("9.7", with_("9.7", silent_p_alive=bg.probability_alive(calhold).mean()),
          "all customers")
    fails("9.7", with_("9.7", came_back=(calhold["frequency_holdout"] > 0).mean()),
          "all customers")
    fails("9.7", with_("9.7", came_back=silent["frequency_holdout"].mean()),
          "mean number of holdout purchases")
    fails("9.7", with_("9.7", came_back=100 * ch09.expected("9.7")["came_back"]),
          "percentage")


# ---------------------------------------------------------------- the notebook


def test_hidden_tests_accept_the_expected_answers_and_catch_wrong_ones():
    hidden = hidden_tests(SOLUTION)

    def run(qid, **changes):
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        exec(code, {"crmlab": crmlab, "pd": pd, "np": np, "cdnow": ch09._cdnow(),
                    **with_(qid, **changes)})

    for qid in QIDS:
        run(qid)
    wrong = [("9.1", {"customer_clv": 500.0}), ("9.2", {"years_90": 6.5}),
             ("9.3", {"mean_T": 229.0}), ("9.4", {"params": {"r": 0.243, "alpha": 30.895}}),
             ("9.5", {"next39": 1.195}), ("9.6", {"retention_10": 0.631}),
             ("9.7", {"came_back": 0.6})]
    for qid, changes in wrong:
        with pytest.raises(AssertionError):
            run(qid, **changes)


# ---------------------------------------------------------------- 9.8


@pytest.mark.parametrize("letter", ["B", "b", "Ｂ", " B"])
def test_9_8_the_letter_passes_however_typed(letter):
    passes("9.8", letter)


@pytest.mark.parametrize(("letter", "word"), [("A", "beginning of period"),
                                              ("C", "expected tenure"), ("D", "sBG")])
def test_9_8_a_wrong_letter_explains_the_idea(letter, word):
    fails("9.8", letter, word)


def test_9_8_not_a_letter_and_chinese():
    fails("9.8", "r / (1 + i - r)", "one letter")
    set_language("zh")
    text = judge("9.8", "a").message()
    assert "期初" in text and "：" in text

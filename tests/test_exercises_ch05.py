"""Chapter 05 exercises: the right answers pass, the typical wrong ones fail and say why."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from exercise_helpers import (
    SOLUTIONS,
    english,  # noqa: F401  (autouse fixture)
    fails,
    passes,
)

from crmlab.exercises import ch05, set_language
from crmlab.exercises._registry import judge
from crmlab.grading import layout
from crmlab.grading.judge import judge as grader_judge

SOLUTION = SOLUTIONS / "05_key_accounts.ipynb"


def with_(qid, **changes):
    answer = ch05.expected(qid)
    answer.update(changes)
    return answer


# ---------------------------------------------------------------- the right answers


@pytest.mark.parametrize("qid", ["5.1", "5.4", "5.5", "5.6", "5.7", "5.9"])
def test_expected_answers_pass(qid):
    assert judge(qid, ch05.expected(qid)).passed


def test_single_answers_pass():
    assert judge("5.2", ch05.expected("5.2")["top10"]).passed
    assert judge("5.3", ch05.expected("5.3")["key_profit_share"]).passed
    assert judge("5.8", ch05.expected("5.8")["concept_5"]).passed


def test_hand_computed_values():
    assert ch05.expected("5.1")["n_loss"] == 43
    assert ch05.expected("5.5") == pytest.approx({"multiple": 8 / 3, "customer_clv": 170.0})
    # 30 * 0.9 / (1.1 - 0.9) - 200
    assert ch05.expected("5.6")["today_clv"] == pytest.approx(-65.0)
    e = ch05.expected("5.6")
    student = sum(30 * 0.9**t / 1.1**t for t in range(1, 5))
    career = 500 * 0.8 / (1.1 - 0.8 * 1.04)
    assert e["lifetime_clv"] == pytest.approx(student + (0.9 / 1.1) ** 4 * career - 200)
    assert ch05.expected("5.2")["top10"][:3] == ["A291", "A076", "A229"]
    assert 0.5 < ch05.expected("5.3")["key_profit_share"] < 0.51
    assert ch05.expected("5.4")["best_policy"] == "by_score"
    assert ch05.expected("5.9")["treat_all_same"] is False


def test_profit_by_hand_matches_the_column():
    profit = ch05.expected("5.1")["profit"]
    column = ch05._accounts().set_index("account_id")["profit"]
    assert np.allclose(profit, column, atol=0.01)


def test_equivalent_forms_pass():
    e = ch05.expected("5.1")
    shuffled = e["profit"].sample(frac=1, random_state=1)
    assert judge("5.1", {"profit": shuffled, "n_loss": np.int64(e["n_loss"])}).passed
    assert judge("5.2", pd.Index(ch05.expected("5.2")["top10"])).passed
    assert judge("5.2", tuple(ch05.expected("5.2")["top10"])).passed
    share = ch05.expected("5.3")["key_profit_share"]
    assert judge("5.3", np.float64(share * (1 + 1e-9))).passed  # another summation order
    assert "rounded to 5 decimals" in " ".join(judge("5.3", round(share, 5)).problems)
    assert judge("5.4", with_("5.4", best_policy=" By_Score ")).passed
    assert judge("5.9", with_("5.9", treat_all_same=np.False_)).passed
    # yuan to the cent or unrounded
    assert judge("5.9", {k: round(v, 2) if isinstance(v, float) else v
                         for k, v in ch05.expected("5.9").items()}).passed
    assert judge("5.7", with_("5.7", overlap_revenue=np.int64(
        ch05.expected("5.7")["overlap_revenue"]))).passed


@pytest.mark.parametrize("qid", [f"5.{k}" for k in range(1, 10)])
def test_unanswered_and_wrong_types_fail(qid):
    names = list(ch05.expected(qid))
    pack = (lambda v: {n: v for n in names}) if len(names) > 1 else (lambda v: v)
    fails(qid, pack(...), "Not answered yet")
    fails(qid, pack("42"))
    fails(qid, pack(0))
    fails(qid, pack(None))


# ---------------------------------------------------------------- typical mistakes


def test_5_1_mistakes():
    e = ch05.expected("5.1")
    acc = ch05._accounts()
    by_id = acc.set_index("account_id")
    profit = e["profit"]
    fails("5.1", with_("5.1", profit=profit.reset_index(drop=True)),
                 "`profit`", "row labels differ")
    fails("5.1", with_("5.1", profit=by_id["revenue"] * by_id["gross_margin"]),
                 "gross profit", "subtract the cost to serve")
    fails("5.1", with_("5.1", profit=by_id["revenue"] * (
        by_id["gross_margin"] - by_id["cost_to_serve"])), "Brackets")
    fails("5.1", with_("5.1", profit=profit.to_frame("profit")), "one-column DataFrame")
    fails("5.1", with_("5.1", profit=profit.iloc[:-1]), "Expected 300 values")
    fails("5.1", with_("5.1", n_loss=300 - e["n_loss"]), "`n_loss`", "profitable")
    fails("5.1", with_("5.1", n_loss=str(e["n_loss"])), "is text")
    fails("5.1", with_("5.1", n_loss=(profit < 0)), "Expected number, got Series")
    fails("5.1", {"profit": profit}, "Missing key")


def test_5_2_mistakes():
    from crmlab import key_accounts

    acc = ch05._accounts()
    want = ch05.expected("5.2")["top10"]
    ranked = key_accounts.scorecard(acc, weights=ch05.WEIGHTS_5_2)
    fails("5.2", list(acc.nlargest(10, "revenue")["account_id"]), "by revenue")
    fails("5.2", list(acc.nlargest(10, "profit")["account_id"]), "most profitable")
    fails("5.2", list(key_accounts.scorecard(acc).index[:10]), "default weights")
    fails("5.2", list(ranked.sort_values("score").index[:10]), "lowest scores")
    fails("5.2", sorted(want), "sorted by id", "rank order")
    fails("5.2", want[::-1], "wrong order")
    fails("5.2", list(key_accounts.scorecard(acc, weights=ch05.WEIGHTS_5_2,
                                                    normalize="rank").index[:10]),
                 "percentile-rank")
    fails("5.2", want[:9], "Expected 10 values, got 9")
    fails("5.2", ranked.head(10), "Expected list, got DataFrame")


def test_5_3_mistakes():
    want = ch05.expected("5.3")["key_profit_share"]
    acc = ch05._accounts()
    fails("5.3", want * 100, "percentage")
    fails("5.3", 1 - want, "1 minus the answer")
    fails("5.3", 0.4625517, "share of revenue")
    fails("5.3", 0.2, "share of accounts")
    top_rev = acc.nlargest(60, "revenue")
    fails("5.3", top_rev["profit"].sum() / acc["profit"].sum(), "by revenue")
    top_profit = acc.nlargest(60, "profit")
    fails("5.3", top_profit["profit"].sum() / acc["profit"].sum(), "most profitable")
    fails("5.3", pd.Series([want]), ".iloc[0]")
    fails("5.3", 0.3, "too low")


def test_5_4_mistakes():
    gain = ch05.expected("5.4")["tier_gain"]
    table = ch05._policies(ch05.HOURS_5_4)
    today = ch05._policies(ch05._current_hours())
    fails("5.4", with_("5.4", best_policy="optimal"), "not one of the three")
    fails("5.4", with_("5.4", best_policy="by_tier"), "`best_policy`", "not the answer")
    fails("5.4", with_("5.4", tier_gain=gain / 1e6), "million yuan")
    fails("5.4", with_("5.4", tier_gain=-gain), "sign is reversed")
    fails("5.4", with_("5.4", tier_gain=today.loc["by_tier", "uplift_vs_equal"]),
                 "today's hours", "smaller budget")
    fails("5.4", with_("5.4", tier_gain=table.loc["by_score", "uplift_vs_equal"]),
                 "gain of by_score")
    fails("5.4", with_("5.4", tier_gain=table.loc["by_tier", "profit"]), "total profit")
    fails("5.4", with_("5.4", tier_gain=pd.Series([gain])), ".iloc[0]")


def test_5_5_mistakes():
    fails("5.5", with_("5.5", multiple=5.0), "expected tenure")
    fails("5.5", with_("5.5", multiple=4.0), "discount rate")
    fails("5.5", with_("5.5", multiple=1.1 / 0.3), "start of each year")
    fails("5.5", with_("5.5", customer_clv=120 * 1.1 / 0.3 - 150), "start of each year")
    fails("5.5", with_("5.5", customer_clv=320.0), "acquisition cost")
    fails("5.5", with_("5.5", customer_clv=120 / 0.2 - 150), "ignores discounting")
    fails("5.5", with_("5.5", customer_clv=17000.0), "percentage")
    text = fails("5.5", {"multiple": 5.0, "customer_clv": 320.0})
    assert "`multiple`" in text and "`customer_clv`" in text  # both variables reported


def test_5_6_mistakes():
    e = ch05.expected("5.6")
    # yuan to the cent, as the solution gives them, or unrounded; not to the yuan
    passes("5.6", {k: round(v, 2) for k, v in e.items()})
    fails("5.6", with_("5.6", lifetime_clv=round(e["lifetime_clv"])), "`lifetime_clv`",
          "rounded to 0 decimals")
    student, career, survive, discount = ch05._card_parts(ch05.CARD_5_6)
    fails("5.6", with_("5.6", today_clv=135.0), "`today_clv`", "acquisition cost")
    fails("5.6", with_("5.6", lifetime_clv=student + survive * career - 200),
                 "not discounted")
    fails("5.6", with_("5.6", lifetime_clv=student + discount * career - 200),
                 "still a customer")
    fails("5.6", with_("5.6", lifetime_clv=student + career - 200), "weighted by the chance")
    fails("5.6", with_("5.6", lifetime_clv=e["lifetime_clv"] + 200), "acquisition cost")
    swapped = {"today_clv": e["lifetime_clv"], "lifetime_clv": e["today_clv"]}
    fails("5.6", swapped, "too high", "too low")


def test_5_7_about_these_data():
    """The managers' bias moves with the generator's priority weights."""
    e = ch05.expected("5.7")
    assert e["current_bundled"] < 0 < e["current_revenue"]  # the bias is the setting's
    assert e["loss_450"] > ch05.expected("5.1")["n_loss"]  # dearer hours: more loss-makers
    fails("5.7", with_("5.7", current_revenue=e["current_bundled"]), "`current_revenue`",
          "nothing changed")
    fails("5.7", with_("5.7", current_bundled=e["current_revenue"]), "`current_bundled`",
          "weights changed")
    fails("5.7", with_("5.7", current_bundled=e["current_bundled"] / 1e6), "million yuan")
    fails("5.7", with_("5.7", current_revenue=-e["current_revenue"]), "sign is reversed")
    fails("5.7", with_("5.7", overlap_revenue=17), "`overlap_revenue`", "nothing changed")
    fails("5.7", with_("5.7", loss_450=ch05.expected("5.1")["n_loss"]), "`loss_450`",
          "today's cost")
    fails("5.7", with_("5.7", loss_450=e["loss_450"] / 300), "share of accounts")


@pytest.mark.parametrize("letter", ["B", "b", "Ｂ", " b. "])
def test_5_8_accepts_the_letter_however_typed(letter):
    passes("5.8", letter)


def test_5_8_wrong_letters_explain_without_the_answer():
    for letter in "ACD":
        text = fails("5.8", letter, whole_message=True)
        assert "B" not in text
    fails("5.8", "D", "habit")
    set_language("zh")
    fails("5.8", "A", "次要客户")


def test_5_9_numbers_judged_decision_read_by_hand():
    e = ch05.expected("5.9")
    table = ch05._policies(ch05._current_hours())
    assert e["gain_score"] == pytest.approx(float(table.loc["by_score", "uplift_vs_equal"]))
    assert judge("5.9", with_("5.9", treat_all_same=True)).passed  # read with the reasoning
    assert judge("5.9", with_("5.9", treat_all_same="False")).passed
    gain = e["gain_score"]
    fails("5.9", with_("5.9", gain_score=gain / 1e6), "`gain_score`", "million yuan")
    fails("5.9", with_("5.9", gain_score=-gain), "sign is reversed")
    fails("5.9", with_("5.9", gain_score=float(
        ch05._policies(ch05.HOURS_5_4).loc["by_score", "uplift_vs_equal"])), "exercise 5.4")
    fails("5.9", with_("5.9", gain_score=float(table.loc["by_score", "profit"])),
          "total profit")
    fails("5.9", with_("5.9", gain_score=e["gain_tier"]), "gain of by_tier")
    fails("5.9", with_("5.9", gain_tier=float(
        ch05._policies(ch05._current_hours(), h0=50.0).loc["by_tier", "uplift_vs_equal"])),
        "saturates faster")
    fails("5.9", with_("5.9", gain_current=str(e["gain_current"])), "is text")
    fails("5.9", with_("5.9", gain_optimal=float("nan")), "not a finite number")
    fails("5.9", {"treat_all_same": False}, "Missing key", "gain_tier")
    fails("5.9", False, "Expected dict, got bool")


def test_feedback_in_chinese():
    set_language("zh")
    fails("5.3", 0.4625517, "收入占比")
    fails("5.9", with_("5.9", gain_tier=-ch05.expected("5.9")["gain_tier"]), "平等服务")
    assert "提示" in judge("5.5", with_("5.5", customer_clv=320.0)).message()


# ---------------------------------------------------------------- the solution notebook


@pytest.mark.skipif(not SOLUTION.exists(), reason="no solutions/05_key_accounts.ipynb")
def test_check_cells_and_hidden_tests_on_plain_values():
    """The grader's judgement (public check + hidden tests) on the expected and wrong values."""
    lay = layout(SOLUTION)
    assert [e.grade_id for e in lay.exercises] == [f"check_5_{k}" for k in range(1, 10)]
    assert lay.max_points == 10
    for k, ex in enumerate(lay.exercises, start=1):
        values = ch05.expected(f"5.{k}")
        if k == 1:  # the grader brings a Series back as plain values
            values["profit"] = pd.Series(values["profit"].to_list(),
                                         index=values["profit"].index.to_list())
        assert set(ex.names) == set(values), ex.grade_id
        status, reason = grader_judge(ex, values)
        assert status == "passed", ex.grade_id
        # 5.9's decision is not judged: the instructor sees it, to read with the reasoning
        assert reason == ("" if k < 9 else "Your decision (`treat_all_same` = False) is not "
                          "checked here: your instructor reads it with your reasoning."), reason
        assert grader_judge(ex, dict.fromkeys(values, 0))[0] == "failed", ex.grade_id

"""Chapter 08 exercises: the expected answers pass, typical wrong answers fail kindly."""

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
from crmlab import bias
from crmlab.exercises import ch08, set_language
from crmlab.exercises._registry import judge

SOLUTION = SOLUTIONS / "08_management_bias.ipynb"
QIDS = ["8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7"]


@pytest.fixture(scope="module")
def accounts():
    return crmlab.load_data("accounts")


@pytest.fixture(scope="module")
def audit(accounts):
    return bias.priority_audit(accounts)


@pytest.fixture(scope="module")
def fair(accounts):
    return bias.fair_allocation(accounts, min_hours=50)


# ---------------------------------------------------------------- all exercises


def test_expected_values_follow_the_data(accounts, fair):
    per_hour = accounts["profit"] / accounts["resource_hours"]
    assert ch08.expected("8.1") == pytest.approx(
        (-accounts["manager_priority"]).corr(per_hour, method="spearman"))
    strict = bias.priority_audit(accounts, threshold=0.15)
    assert ch08.expected("8.2")["n_over"] == (strict["status"] == "over-served").sum()
    shares = ch08.expected("8.3")
    assert 0 < shares["loss_share_fair"] < shares["loss_share_today"] < 1
    assert ch08.expected("8.4")["gainers"] == (fair["change"] > 0).sum()
    assert ch08.expected("8.5")["driver_after"] == "revenue"  # the rule on revenue alone
    assert ch08.expected("8.6") == "B"
    assert ch08.expected("8.7")["fair_guide"] is False
    assert all(f.holds() for f in ch08.FINDINGS)


# ---------------------------------------------------------------- 8.1 priority vs profit/hour


def test_8_1_answers(accounts):
    want = ch08.expected("8.1")
    prio = accounts["manager_priority"]
    per_hour = accounts["profit"] / accounts["resource_hours"]
    passes("8.1", float((-prio).rank().corr(per_hour.rank())))
    fails("8.1", prio.corr(per_hour, method="spearman"), "sign is flipped")
    fails("8.1", (-prio).corr(per_hour), "Pearson")
    fails("8.1", (-prio).corr(per_hour, method="kendall"), "Kendall")
    fails("8.1", (-prio).corr(accounts["profit"], method="spearman"), "chapter's number")
    fails("8.1", (-prio).corr(1 / per_hour, method="spearman"), "upside down")
    fails("8.1", round(want, 2), "rounded to 2 decimals")
    fails("8.1", "x", "is text")


def test_8_1_feedback_in_chinese(accounts):
    set_language("zh")
    per_hour = accounts["profit"] / accounts["resource_hours"]
    fails("8.1", accounts["manager_priority"].corr(per_hour, method="spearman"), "符号反了")
    assert "优先级" in judge("8.1", 0.0, tries=1).hint


# ---------------------------------------------------------------- 8.2 stricter flag


def test_8_2_answers(accounts):
    want = ch08.expected("8.2")
    strict = bias.priority_audit(accounts, threshold=0.15)
    totals = bias.audit_totals(strict)
    passes("8.2", {"n_over": np.int64(totals["over_served"]),
                   "over_hours_share": totals["hours_over_served"] / totals["hours_total"]})
    default = bias.audit_totals(bias.priority_audit(accounts))
    fails("8.2", {**want, "n_over": default["over_served"]}, "[n_over]", "default flag")
    fails("8.2", {**want, "over_hours_share": default["hours_over_served_share"]},
          "[over_hours_share]", "default flag")
    fails("8.2", {**want, "n_over": totals["under_served"]}, "under-served")
    fails("8.2", {**want, "over_hours_share": totals["hours_over_served"]}, "number of hours")
    fails("8.2", {"n_over": want["n_over"]}, "Missing key(s)")


# ---------------------------------------------------------------- 8.3 loss-making accounts


def test_8_3_answers(accounts):
    want = ch08.expected("8.3")
    loss = accounts["profit"] < 0
    passes("8.3", {**want, "loss_share_today": accounts.loc[loss, "resource_hours"].sum()
                   / accounts["resource_hours"].sum()})
    fails("8.3", {**want, "loss_share_today": loss.mean()}, "share of accounts")
    fails("8.3", {**want, "loss_share_fair": want["loss_share_today"]}, "today's share")
    fails("8.3", {**want, "loss_share_today": accounts.loc[loss, "resource_hours"].sum()},
          "number of hours")
    fifty = bias.fair_allocation(accounts, min_hours=50)
    lost = fifty.index.isin(accounts.loc[loss, "account_id"])
    fails("8.3", {**want, "loss_share_fair": fifty.loc[lost, "fair_hours"].sum()
                  / fifty["fair_hours"].sum()}, "basic 50 hours")


# ---------------------------------------------------------------- 8.4 higher floor


def test_8_4_answers(accounts, fair):
    want = ch08.expected("8.4")
    passes("8.4", {"hours_moved": fair["change"].clip(lower=0).sum(),
                   "gainers": (fair["change"] > 0).sum()})
    passes("8.4", {"hours_moved": -fair["change"].clip(upper=0).sum(),
                   "gainers": want["gainers"]})
    chapter = bias.allocation_totals(bias.fair_allocation(accounts, min_hours=25))
    fails("8.4", {**want, "hours_moved": chapter["hours_moved"]}, "basic 25 hours")
    fails("8.4", {**want, "gainers": chapter["accounts_gain"]}, "[gainers]", "basic 25 hours")
    fails("8.4", {**want, "hours_moved": fair["change"].abs().sum()}, "counted twice")
    fails("8.4", {**want, "hours_moved": 0.0}, "add up to 0")
    fails("8.4", {**want, "gainers": (fair["change"] < 0).sum()}, "lose hours")


# ---------------------------------------------------------------- 8.5 about these data


def test_8_5_answers():
    want = ch08.expected("8.5")
    passes("8.5", {**want, "driver_after": " Revenue "})
    fails("8.5", {**want, "driver_after": "tenure_years"}, "bundled accounts")
    fails("8.5", {**want, "driver_after": "sales"}, "one of the column names")
    bundled = bias.audit_totals(bias.priority_audit(crmlab.load_data("accounts")))
    fails("8.5", {**want, "rho_objective_after": bundled["spearman"]},
          "[rho_objective_after]", "bundled accounts")
    fails("8.5", {**want, "rho_objective_after": -want["rho_objective_after"]},
          "sign is flipped")


# ---------------------------------------------------------------- 8.6 concept check


def test_8_6_answers():
    for right in ("B", "ｂ", "（B）"):
        passes("8.6", right)
    for wrong, words in (("A", "Losing money"), ("C", "average"), ("D", "other way round")):
        fails("8.6", wrong, words)
    fails("8.6", "AB", "one letter")
    set_language("zh")
    assert "方向反了" in " ".join(judge("8.6", "d").problems)


# ---------------------------------------------------------------- 8.7 discussion


def test_8_7_answers(accounts, audit):
    want = ch08.expected("8.7")
    director = bias.priority_audit(accounts, weights={"sales": 1, "potential": 1})
    passes("8.7", {"fair_guide": False,
                   "rho_objective": director["objective_rank"].corr(director["manager_rank"],
                                                                   method="spearman")})
    passes("8.7", {**want, "fair_guide": True})  # read by the instructor, not judged
    fails("8.7", {**want, "rho_objective": bias.audit_totals(audit)["spearman"]},
          "chapter's scorecard")
    fails("8.7", {**want, "rho_objective": -want["rho_objective"]}, "sign is flipped")
    sales = bias.audit_totals(bias.priority_audit(accounts, weights={"sales": 1}))
    fails("8.7", {**want, "rho_objective": sales["spearman"]}, "sales alone")


def test_8_7_feedback_in_chinese():
    set_language("zh")
    want = ch08.expected("8.7")
    assert "老师会结合你的理由一起评阅" in judge("8.7", {**want, "fair_guide": True}).message()
    assert "客观排名" in judge("8.7", {**want, "rho_objective": 0.5}, tries=1).hint


# ---------------------------------------------------------------- the notebook


def _namespace(qid, answer):
    names = {"8.1": "rho_per_hour", "8.6": "concept_8"}
    return {names[qid]: answer} if qid in names else dict(answer)


def test_hidden_tests_accept_the_expected_answers_and_catch_a_wrong_one(accounts):
    hidden = hidden_tests(SOLUTION)
    for qid in QIDS:
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        exec(code, {"crmlab": crmlab, "pd": pd, "np": np, "accounts": accounts,
                    **_namespace(qid, ch08.expected(qid))})
    with pytest.raises(AssertionError):
        exec(hidden["check_8_1"], {"rho_per_hour": -ch08.expected("8.1")})
    with pytest.raises(AssertionError):
        exec(hidden["check_8_3"], {"loss_share_today": 0.1, "loss_share_fair": 0.2})
    with pytest.raises(AssertionError):
        exec(hidden["check_8_5"], {"driver_after": "tenure_years", "rho_objective_after": 0.17})
    with pytest.raises(AssertionError):
        exec(hidden["check_8_6"], {"concept_8": "D"})
    with pytest.raises(AssertionError):
        exec(hidden["check_8_7"], {"fair_guide": False, "rho_objective": -0.23})

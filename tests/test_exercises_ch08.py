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
QIDS = ["8.1", "8.2", "8.3", "8.4", "8.5", "8.6"]


@pytest.fixture(scope="module")
def accounts():
    return crmlab.load_data("accounts")


@pytest.fixture(scope="module")
def audit(accounts):
    return bias.priority_audit(accounts)


@pytest.fixture(scope="module")
def fair(accounts):
    return bias.fair_allocation(accounts, min_hours=25)


# ---------------------------------------------------------------- all exercises


def test_expected_values_are_the_chapter_numbers():
    assert ch08.expected("8.1") == pytest.approx(0.234, abs=5e-4)
    assert ch08.expected("8.2")["n_over"] == 75
    assert ch08.expected("8.2")["over_hours_share"] == pytest.approx(18698.5 / 47345.5)
    assert ch08.expected("8.3") == pytest.approx({"loss_hours": 9466.1,
                                                  "loss_share": 9466.1 / 47345.5})
    assert ch08.expected("8.4")["hours_moved"] == pytest.approx(16304.92, abs=0.01)
    assert ch08.expected("8.4")["gainers"] == 184
    assert ch08.expected("8.5")["driver"] == "tenure_years"
    assert ch08.expected("8.5")["rho"] == pytest.approx(0.593, abs=5e-4)
    assert ch08.expected("8.6")["fair_guide"] is False
    assert ch08.expected("8.6")["rho_objective"] == pytest.approx(0.170, abs=5e-4)


# ---------------------------------------------------------------- 8.1 priority vs profit


def test_8_1_answers(accounts):
    want = ch08.expected("8.1")
    pref, rank, profit = -accounts["manager_priority"], accounts["manager_priority"], \
        accounts["profit"]
    passes("8.1", pref.rank().corr(profit.rank()))  # Spearman = Pearson on ranks
    passes("8.1", bias.priority_drivers(accounts, attributes=["profit"])["spearman"].iloc[0])
    fails("8.1", rank.corr(profit, method="spearman"), "sign is flipped", "-manager_priority")
    fails("8.1", pref.corr(profit), "Pearson", "method='spearman'")
    fails("8.1", rank.corr(profit), "Pearson's correlation with the raw rank number")
    fails("8.1", pref.corr(profit, method="kendall"), "Kendall")
    fails("8.1", pref.corr(accounts["revenue"], method="spearman"), "with revenue")
    fails("8.1", pref.corr(accounts["gross_margin"], method="spearman"), "with the margin")
    fails("8.1", bias.audit_totals(bias.priority_audit(accounts))["spearman"],
          "objective rank (exercise 8.6)")
    fails("8.1", round(want, 2), "rounded to 2 decimals")
    fails("8.1", bias.priority_drivers(accounts, attributes=["profit"])["spearman"], ".iloc[0]")
    fails("8.1", "0.23", "is text")


def test_8_1_feedback_in_chinese(accounts):
    set_language("zh")
    fails("8.1", accounts["manager_priority"].corr(accounts["profit"], method="spearman"),
          "符号反了")
    assert "优先级的方向反过来" in judge("8.1", 0.0, tries=1).hint
    assert "bias.priority_drivers" in judge("8.1", 0.0).hint


# ---------------------------------------------------------------- 8.2 over-served


def test_8_2_answers(audit, accounts):
    want = ch08.expected("8.2")
    over = audit["status"] == "over-served"
    passes("8.2", {"n_over": np.int64(over.sum()),
                   "over_hours_share": audit.loc[over, "hours"].sum() / audit["hours"].sum()})
    by_id = accounts.set_index("account_id")["resource_hours"]
    passes("8.2", {**want, "over_hours_share": by_id[over[over].index].sum() / by_id.sum()})
    s = bias.audit_totals(audit)
    fails("8.2", {**want, "n_over": s["under_served"]}, "[n_over]", "under-served")
    fails("8.2", {**want, "n_over": s["aligned"]}, "aligned")
    fails("8.2", {**want, "n_over": s["loss_making_over_served"]}, "lose money")
    fails("8.2", {**want, "n_over": 0.25}, "share of accounts, not a number")
    fails("8.2", {**want, "n_over": 76}, "too high")
    fails("8.2", {**want, "over_hours_share": s["hours_over_served"]}, "[over_hours_share]",
          "number of hours")
    fails("8.2", {**want, "over_hours_share": 0.25}, "share of accounts")
    fails("8.2", {**want, "over_hours_share": s["hours_under_served"] / s["hours_total"]},
          "under-served accounts' share")
    fails("8.2", {**want, "over_hours_share": 100 * want["over_hours_share"]}, "percentage")
    fails("8.2", {**want, "over_hours_share": 1 - want["over_hours_share"]}, "1 minus")
    fails("8.2", (75, 0.395), "Expected dict")


# ---------------------------------------------------------------- 8.3 loss-making hours


def test_8_3_answers(accounts, audit):
    want = ch08.expected("8.3")
    loss = accounts["profit"] < 0
    hours = accounts["resource_hours"]
    passes("8.3", {"loss_hours": hours[loss].sum(), "loss_share": hours[loss].sum() / hours.sum()})
    passes("8.3", {"loss_hours": audit.loc[audit["profit"] < 0, "hours"].sum(),
                   "loss_share": want["loss_share"]})
    fails("8.3", {**want, "loss_hours": int(loss.sum())}, "[loss_hours]", "counts the loss")
    over_loss = audit.loc[(audit["status"] == "over-served") & (audit["profit"] < 0), "hours"]
    fails("8.3", {**want, "loss_hours": over_loss.sum()}, "over-served loss-making")
    fails("8.3", {**want, "loss_hours": hours[~loss].sum()}, "profitable accounts")
    fails("8.3", {**want, "loss_hours": accounts.loc[loss, "profit"].sum()}, "loss in yuan")
    fails("8.3", {**want, "loss_hours": accounts.loc[loss, "cost_to_serve"].sum()},
          "cost to serve")
    fails("8.3", {**want, "loss_share": loss.mean()}, "[loss_share]", "share of accounts")
    fails("8.3", {**want, "loss_share": over_loss.sum() / hours.sum()}, "over-served")
    fails("8.3", {**want, "loss_share": 1 - want["loss_share"]}, "1 minus")
    fails("8.3", {**want, "loss_share": 0.2}, "rounded to 1 decimals")
    fails("8.3", {**want, "loss_share": 100 * want["loss_share"]}, "percentage")


# ---------------------------------------------------------------- 8.4 fair allocation


def test_8_4_answers(accounts, fair):
    want = ch08.expected("8.4")
    change = fair["change"]
    passes("8.4", {"hours_moved": change[change > 0].sum(), "gainers": (change > 0).sum()})
    passes("8.4", {"hours_moved": -change[change < 0].sum(), "gainers": 184})  # same hours
    fails("8.4", {**want, "hours_moved": change.abs().sum()}, "[hours_moved]",
          "counted twice")
    fails("8.4", {**want, "hours_moved": change.sum()}, "add up to 0")
    zero = bias.fair_allocation(accounts)
    zero_totals = bias.allocation_totals(zero)
    fails("8.4", {**want, "hours_moved": zero_totals["hours_moved"]}, "min_hours=25")
    tier = bias.fair_allocation(accounts, min_hours=25, by="tier")
    fails("8.4", {**want, "hours_moved": bias.allocation_totals(tier)["hours_moved"]}, "by tier")
    fails("8.4", {**want, "hours_moved": want["hours_moved"] / fair.attrs["total_hours"]},
          "share of the hours")
    fails("8.4", {**want, "gainers": bias.allocation_totals(fair)["accounts_lose"]}, "[gainers]",
          "lose hours")
    fails("8.4", {**want, "gainers": zero_totals["accounts_gain"]}, "min_hours=25")
    fails("8.4", {**want, "gainers": 184 / 300}, "share of accounts, not a number")
    fails("8.4", {**want, "hours_moved": round(want["hours_moved"])}, "[hours_moved]",
          "rounded to 0 decimals")  # unrounded answers are compared at relative 1e-6


# ---------------------------------------------------------------- 8.5 drivers


def test_8_5_answers(accounts):
    want = ch08.expected("8.5")
    pref = -accounts["manager_priority"]
    passes("8.5", {"driver": " Tenure_Years", "rho": pref.corr(accounts["tenure_years"],
                                                                method="spearman")})
    passes("8.5", {**want, "driver": "tenure"})
    raw = {c: accounts["manager_priority"].corr(accounts[c], method="spearman")
           for c in ["tenure_years", "relationship", "profit"]}
    slip = max(raw, key=raw.get)  # the largest correlation with the raw rank number
    assert slip == "profit"
    fails("8.5", {**want, "driver": slip}, "[driver]", "rank 1 = highest priority")
    fails("8.5", {**want, "driver": "relationship"}, "matters, but not the most")
    fails("8.5", {**want, "driver": "resource_hours"}, "one of the three column names")
    fails("8.5", {**want, "driver": 1}, "Expected text")
    fails("8.5", {**want, "rho": -want["rho"]}, "[rho]", "sign is flipped")
    fails("8.5", {**want, "rho": pref.corr(accounts["tenure_years"])}, "Pearson")
    fails("8.5", {**want, "rho": raw["relationship"] * -1}, "correlation with relationship")
    fails("8.5", {**want, "rho": -raw["profit"]}, "correlation with profit")
    fails("8.5", {"driver": "tenure_years"}, "Missing key(s): rho")


# ---------------------------------------------------------------- 8.6 discussion


def test_8_6_answers(accounts, audit):
    want = ch08.expected("8.6")
    passes("8.6", {"fair_guide": np.False_,
                   "rho_objective": audit["manager_rank"].corr(audit["objective_rank"],
                                                               method="spearman")})
    priority = accounts.set_index("account_id")["manager_priority"].reindex(audit.index)
    # the preference against the score: ties in the score are averaged, a 5e-4 difference
    alt = (-priority).corr(audit["score"], method="spearman")
    assert alt != pytest.approx(want["rho_objective"], rel=1e-4)
    passes("8.6", {**want, "rho_objective": alt})
    # the decision is read by the instructor with the reasoning, not judged here
    passes("8.6", {**want, "fair_guide": True})
    passes("8.6", {**want, "fair_guide": "no"})
    fails("8.6", {**want, "rho_objective": -want["rho_objective"]}, "[rho_objective]",
          "sign is flipped")
    fails("8.6", {**want, "rho_objective": priority.corr(audit["score"], method="spearman")},
          "sign is flipped", "-manager_priority")
    fails("8.6", {**want, "rho_objective": (-priority).corr(audit["score"])}, "Pearson")
    fails("8.6", {**want, "rho_objective": ch08.expected("8.1")}, "exercise 8.1")
    sales = bias.audit_totals(bias.priority_audit(accounts, weights={"sales": 1}))["spearman"]
    fails("8.6", {**want, "rho_objective": sales}, "sales alone")
    fails("8.6", {**want, "rho_objective": 0.5}, "too high")


def test_8_6_feedback_in_chinese():
    set_language("zh")
    want = ch08.expected("8.6")
    assert "老师会结合你的理由一起评阅" in judge("8.6", {**want, "fair_guide": True}).message()
    assert "客观排名" in judge("8.6", {**want, "rho_objective": 0.5}, tries=1).hint


# ---------------------------------------------------------------- the notebook


def _namespace(qid, answer):
    return {"rho_profit": answer} if qid == "8.1" else dict(answer)


def test_hidden_tests_accept_the_expected_answers_and_catch_a_wrong_one():
    hidden = hidden_tests(SOLUTION)
    for qid in QIDS:
        code = hidden["check_" + qid.replace(".", "_")]
        assert code.strip()
        exec(code, {"crmlab": crmlab, "pd": pd, "np": np,
                    **_namespace(qid, ch08.expected(qid))})
    with pytest.raises(AssertionError):
        exec(hidden["check_8_1"], {"rho_profit": -ch08.expected("8.1")})
    with pytest.raises(AssertionError):
        exec(hidden["check_8_3"], {"loss_hours": 9466.1, "loss_share": 43 / 300})
    with pytest.raises(AssertionError):
        exec(hidden["check_8_5"], {"driver": "profit", "rho": 0.234})
    with pytest.raises(AssertionError):
        exec(hidden["check_8_6"], {"fair_guide": False, "rho_objective": -0.17})

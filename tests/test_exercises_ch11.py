"""Chapter 11 exercises: the solutions pass, typical wrong answers fail with helpful feedback."""

from __future__ import annotations

from functools import partial
from statistics import NormalDist

import pytest
from exercise_helpers import (
    english,  # noqa: F401  (autouse fixture)
    passes,
)
from exercise_helpers import fails as _fails

import crmlab
from crmlab import _synth, needs
from crmlab.exercises import ch11, set_language
from crmlab.exercises._registry import judge

fails = partial(_fails, whole_message=True)


@pytest.fixture(scope="module")
def lines():
    return crmlab.load_data("retail_baskets")


@pytest.fixture(scope="module")
def visits():
    return crmlab.load_data("store_visits")


# ---------------------------------------------------------------- 11.1
@pytest.fixture(scope="module")
def rule(lines):
    baskets = needs.basket_table(lines)
    yogurt, milk = baskets["yogurt"], baskets["milk"]
    confidence = (yogurt & milk).sum() / yogurt.sum()
    return {"support": (yogurt & milk).mean(), "confidence": confidence,
            "lift": confidence / milk.mean(), "n": len(baskets), "yogurt": yogurt.mean(),
            "reverse": (yogurt & milk).sum() / milk.sum(), "both": (yogurt & milk).sum()}


def _11_1(rule, **change):
    return {"support": rule["support"], "confidence": rule["confidence"], "lift": rule["lift"],
            **change}


def test_11_1_right_and_wrong(rule, lines):
    assert rule["both"] == 415 and round(rule["lift"], 4) == 1.0033  # a common pair, no link
    passes("11.1", _11_1(rule))
    fails("11.1", _11_1(rule, support=rule["both"] / len(lines)), "[support]", "number of rows")
    fails("11.1", _11_1(rule, confidence=rule["reverse"]), "[confidence]", "other way round")
    fails("11.1", _11_1(rule, lift=rule["confidence"] / rule["yogurt"]), "[lift]",
          "share of baskets holding yogurt")
    fails("11.1", _11_1(rule, support=rule["support"] * 100), "percentage")
    fails("11.1", _11_1(rule, lift=round(rule["lift"], 2)), "rounded")
    fails("11.1", _11_1(rule, lift=...), "Not answered yet")


# ---------------------------------------------------------------- 11.2
def test_11_2_right_and_wrong(lines):
    mine = lines[lines["customer_id"] == ch11._member_id()]
    n = mine["order_id"].nunique()
    share = mine.drop_duplicates(["order_id", "product"])["product"].eq("noodles").sum() / n
    right = {"usual_item": "noodles", "usual_share": share, "preferred_channel": "store"}
    passes("11.2", right)
    passes("11.2", {**right, "usual_item": " Noodles", "preferred_channel": "Store"})
    fails("11.2", {**right, "usual_share": mine["product"].eq("noodles").mean()},
          "[usual_share]", "share of the member's rows")
    fails("11.2", {**right, "usual_item": "milk"}, "[usual_item]", "Not the member's usual item")
    fails("11.2", {**right, "preferred_channel": "app"}, "[preferred_channel]",
          "baskets (not rows)")
    fails("11.2", {**right, "preferred_channel": "online"}, "not a channel")
    text = fails("11.2", {**right, "usual_item": "milk"})
    assert "noodles" not in text  # feedback never gives the item away


# ---------------------------------------------------------------- 11.3
@pytest.fixture(scope="module")
def strengths():
    found = {}
    for strength in (0.3, 0.9):
        rules = needs.association_rules(_synth.retail_baskets(pair_strength=strength))
        found[strength] = rules.set_index(["antecedent", "consequent"]).loc[
            ("hotpot base", "beef slices")]
    return found


def test_11_3_right_and_wrong(strengths, lines):
    weak, strong = strengths[0.3]["lift"], strengths[0.9]["lift"]
    assert 1 < weak < 7.11 < strong  # the lift follows the planted strength
    passes("11.3", {"lift_weak": weak, "lift_strong": strong})
    fails("11.3", {"lift_weak": strong, "lift_strong": weak}, "swapped")
    bundled = needs.association_rules(lines).set_index(["antecedent", "consequent"]).loc[
        ("hotpot base", "beef slices"), "lift"]
    fails("11.3", {"lift_weak": bundled, "lift_strong": strong}, "[lift_weak]", "bundled data")
    fails("11.3", {"lift_weak": weak, "lift_strong": strengths[0.9]["confidence"]},
          "[lift_strong]", "confidence")


# ---------------------------------------------------------------- 11.4
def _difference(visits):
    marked = visits.assign(bumped=visits["bumps"] > 0)
    diff = needs.rate_difference(marked, by="bumped", outcome="bought", groups=(False, True))
    return {"rate_not_bumped": diff["rate_1"], "rate_bumped": diff["rate_2"],
            "difference": diff["difference"], "low": diff["low"]}


def test_11_4_right_and_wrong(visits):
    right = _difference(visits[visits["weekend"]])
    assert right["low"] > 0.1  # the weekend gap is clear too
    passes("11.4", right)
    fails("11.4", _difference(visits), "[rate_not_bumped]", "all 14 days")
    fails("11.4", _difference(visits[~visits["weekend"]]), "weekday")
    fails("11.4", {**right, "difference": -right["difference"]}, "[difference]", "sign")
    fails("11.4", {**right, "rate_bumped": right["rate_bumped"] * 100}, "percentage")
    weekend = visits[visits["weekend"]]
    bumped = weekend["bumps"] > 0
    p1, n1 = weekend.loc[~bumped, "bought"].mean(), (~bumped).sum()
    p2, n2 = weekend.loc[bumped, "bought"].mean(), bumped.sum()
    se = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) ** 0.5
    wald = right["difference"] - NormalDist().inv_cdf(0.975) * se
    fails("11.4", {**right, "low": wald}, "[low]", "Wald")


# ---------------------------------------------------------------- 11.5
def test_11_5_letters():
    passes("11.5", "C")
    passes("11.5", " c. ")
    for letter in "ABD":
        text = fails("11.5", letter, "is one of the five features")
        assert "C" not in text.replace("Concept", "")  # the right letter is never named
    fails("11.5", "E", "not one of the options")
    fails("11.5", 3)
    set_language("zh")
    try:
        assert "五个特征之一" in fails("11.5", "A")
    finally:
        set_language("en")


# ---------------------------------------------------------------- 11.6
def test_11_6_numbers_judged_decision_not(lines):
    interval = needs.lift_interval(lines, "coffee beans", "rice")
    assert interval["low"] < 1 < interval["lift"]  # weak evidence: the interval reaches 1
    right = {"bundle": False, "pair_lift": interval["lift"], "pair_low": interval["low"],
             "pair_high": interval["high"]}
    passes("11.6", right)
    passes("11.6", {**right, "bundle": True})  # the decision goes to the instructor
    other = needs.lift_interval(lines, "coffee beans", "rice", n_boot=2000)
    fails("11.6", {**right, "pair_low": other["low"]}, "[pair_low]", "defaults")
    fails("11.6", {**right, "pair_lift": interval["lift"] * 100}, "[pair_lift]")
    rule = needs.association_rules(lines).set_index(["antecedent", "consequent"]).loc[
        ("coffee beans", "rice")]
    fails("11.6", {**right, "pair_lift": rule["confidence"]}, "[pair_lift]", "confidence")
    assert "not stated yet" in judge("11.6", {**right, "bundle": ...}).note

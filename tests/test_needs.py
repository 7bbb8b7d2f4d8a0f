"""crmlab.needs: association rules, usual items and the intervals, on hand-checkable data."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmlab
from crmlab import CRMDataError, needs

PRODUCTS = ["tea", "cake", "milk", "rice"]


@pytest.fixture(scope="module")
def lines():
    return crmlab.load_data("retail_baskets")


def _toy():
    # baskets: 1 {tea, cake}, 2 {tea, cake}, 3 {tea}, 4 {milk}, 5 {cake, milk}
    return pd.DataFrame({"order_id": [1, 1, 2, 2, 2, 3, 4, 5, 5],
                         "product": ["tea", "cake", "tea", "cake", "cake", "tea", "milk",
                                     "cake", "milk"]})


def test_rules_by_hand():
    rules = needs.association_rules(_toy()).set_index(["antecedent", "consequent"])
    tea_cake = rules.loc[("tea", "cake")]
    # 2 of 5 baskets hold both; 3 hold tea, 3 hold cake (the duplicate cake row counts once)
    assert tea_cake[["orders_antecedent", "orders_consequent", "orders_both"]].tolist() == [3, 3, 2]
    assert tea_cake["support"] == pytest.approx(0.4)
    assert tea_cake["confidence"] == pytest.approx(2 / 3)
    assert tea_cake["lift"] == pytest.approx((2 / 3) / (3 / 5))
    assert ("tea", "milk") not in rules.index  # never together: no rule
    assert rules.attrs["orders"] == 5


def test_thresholds_filter_and_percentages_are_refused():
    rules = needs.association_rules(_toy(), min_confidence=0.6)
    assert (rules["confidence"] >= 0.6).all() and len(rules) == 2  # tea <-> cake, 2 of 3
    with pytest.raises(CRMDataError, match="min_support"):
        needs.association_rules(_toy(), min_support=5)


def test_the_input_is_not_changed_and_errors_name_the_column():
    toy = _toy()
    before = toy.copy()
    needs.association_rules(toy)
    needs.usual_items(toy.assign(customer_id="g"), min_orders=1)
    pd.testing.assert_frame_equal(toy, before)
    with pytest.raises(CRMDataError, match="association_rules: no column 'product'.*product='...'"):
        needs.association_rules(toy.rename(columns={"product": "item"}))
    with pytest.raises(CRMDataError, match="'order_id'"):
        needs.basket_table(toy.assign(order_id=[1, None, 2, 2, 2, 3, 4, 5, 5]))


def test_the_planted_pairs_on_the_bundled_baskets(lines):
    rules = needs.association_rules(lines, min_support=0.005)
    assert len(rules) == 298 and rules.attrs["orders"] == 6000
    first = rules.iloc[0]
    assert (first["antecedent"], first["consequent"]) == ("baby wipes", "diapers")
    assert first["orders_both"] == 122 and round(first["lift"], 4) == 11.4275


def test_lift_interval_covers_the_lift_and_is_reproducible(lines):
    strong = needs.lift_interval(lines, "hotpot base", "beef slices")
    weak = needs.lift_interval(lines, "cooking oil", "diapers")
    assert strong["orders_both"] == 198 and strong["low"] > 6 > 1
    assert weak["orders_both"] == 14 and weak["low"] < 1 < weak["lift"] < weak["high"]
    pd.testing.assert_series_equal(weak, needs.lift_interval(lines, "diapers", "cooking oil"))
    with pytest.raises(CRMDataError, match="'durian' is in no order"):
        needs.lift_interval(lines, "durian", "milk")


def test_usual_items_counts_baskets_and_reports_what_it_left_out(lines):
    profile = needs.usual_items(lines)
    assert profile.attrs["rows_without_customer"] == int(lines["customer_id"].isna().sum())
    assert profile.attrs["customers"] + profile.attrs["customers_below_min_orders"] == \
        lines["customer_id"].nunique()
    c0796 = profile.loc["C0796"]
    assert c0796.index[0] == "carrot juice"
    assert c0796.iloc[0][["orders", "orders_with_item"]].tolist() == [12, 11]
    assert (c0796["share"].diff().dropna() <= 0).all()
    with pytest.raises(CRMDataError, match="all anonymous"):
        needs.usual_items(lines.assign(customer_id=None))


def test_rate_tables_carry_wilson_and_newcombe_intervals():
    ones = pd.DataFrame({"g": ["a"] * 100, "y": [True] * 40 + [False] * 60})
    row = needs.rate_table(ones, by="g", outcome="y").loc["a"]
    assert (round(row["low"], 4), round(row["high"], 4)) == (0.3094, 0.4980)  # Newcombe 1998
    visits = pd.DataFrame({"g": ["a"] * 50 + ["b"] * 50,
                           "y": [True] * 30 + [False] * 20 + [True] * 15 + [False] * 35})
    diff = needs.rate_difference(visits, by="g", outcome="y", groups=("a", "b"))
    assert diff["difference"] == pytest.approx(0.3)
    assert diff["low"] < 0.3 < diff["high"]
    flipped = needs.rate_difference(visits, by="g", outcome="y", groups=("b", "a"))
    assert flipped["low"] == pytest.approx(-diff["high"]) and flipped["high"] == pytest.approx(
        -diff["low"])
    with pytest.raises(CRMDataError, match="no rows with g='c'"):
        needs.rate_difference(visits, by="g", outcome="y", groups=("a", "c"))
    with pytest.raises(CRMDataError, match="'y'"):
        needs.rate_table(visits.assign(y="yes"), by="g", outcome="y")


baskets = st.lists(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=4),
                   min_size=1, max_size=30)


@settings(max_examples=40, deadline=None)
@given(baskets)
def test_rule_properties(contents):
    lines = pd.DataFrame([(i, p) for i, items in enumerate(contents) for p in items],
                         columns=["order_id", "product"])
    rules = needs.association_rules(lines)
    if rules.empty:
        return
    item_support = needs.basket_table(lines).mean()
    by_pair = rules.set_index(["antecedent", "consequent"])
    for (a, b), rule in by_pair.iterrows():
        back = by_pair.loc[(b, a)]  # every rule is listed both ways
        assert rule["lift"] == back["lift"]  # lift is symmetric, exactly
        assert rule["support"] == back["support"]
        assert rule["support"] <= min(item_support[a], item_support[b]) + 1e-12
        assert 0 < rule["confidence"] <= 1
        assert math.isclose(rule["confidence"], rule["support"] / item_support[a])



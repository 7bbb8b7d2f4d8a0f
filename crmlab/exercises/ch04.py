"""Checks for the chapter 04 exercises (solutions/04_pyramid_long_tail.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module). Each exercise asks for something the chapter did not print: the profit of
one year (4.1, 4.9), the fewest customers who bring half the revenue (4.2), a bootstrap
interval on the 10 % CDNOW sample (4.3), other ABC thresholds (4.4), the profit the
revenue tiers hold (4.5), the whale curve with a dearer cost to serve (4.6), the
retailer made again with another generator setting (4.7, "about these data"), a concept
check (4.8) and the discussion (4.9, its decision read by hand with the reasoning).
Expected answers are computed with :mod:`crmlab.pyramid` on the active data variant
(:func:`crmlab.datasets.set_variant`), so every student has her own (4.7 simulates with
the bundled seed, the same for everyone);
the known wrong answers are each said in one sentence, in words, never in code and never
with the expected value. Answers with several parts are checked as a dict built in the
check cell (``{"peak_up": peak_up, "losers_up": losers_up}``); feedback names the part.

``FINDINGS`` lists the facts of the data the exercise text relies on (checked in every
variant by ``tests/test_variant_findings.py``).
"""

from __future__ import annotations

import math
from typing import Any

from crmlab.exercises._compare import compare
from crmlab.exercises._concept import letter_judge
from crmlab.exercises._judging import When, matches, tell
from crmlab.exercises._registry import Exercise, Finding, Hint, Part, pointer, register
from crmlab.exercises._variant import per_variant

__all__ = ["EXERCISES", "FINDINGS", "expected"]

#: Exercise 4.1 and 4.9: the year asked for.
YEAR = 2025
#: Exercise 4.4: the ABC thresholds (the chapter used 0.8 and 0.95).
ABC_4_4 = (0.7, 0.9)
#: Exercise 4.6: the cost to serve is this many times today's.
COST_UP_4_6 = 1.2
#: Exercise 4.7: the generator setting changed and its new value (the bundled one is 0.55).
SETTING_4_8 = {"basket_member_sigma": 0.3}
#: Exercise 4.3: the bootstrap's size (the seed is bootstrap_interval's default, 0).
RESAMPLES_4_3 = 1000

#: A count asked, a share of customers given (in words: no code in feedback).
SHARE_NOT_COUNT = (
    "That is a share of customers, not a number of customers: count them.",
    "这是客户占比，不是客户人数：请数出人数。")


# --------------------------------------------------------------------------- data
@per_variant
def _customers():
    """One row per retail customer: amount, gross_profit, cost_to_serve, profit, orders."""
    import crmlab

    tx = crmlab.load_data("retail_transactions")
    return _per_customer(tx)


def _per_customer(tx):
    table = tx.groupby("customer_id")[["amount", "gross_profit", "cost_to_serve"]].sum()
    table["profit"] = table["gross_profit"] - table["cost_to_serve"]
    table.attrs["transactions"] = len(tx)
    table.attrs["losing_orders"] = int(((tx["gross_profit"] - tx["cost_to_serve"]) < 0).sum())
    return table


@per_variant
def _year(year: int):
    """The per-customer table of one calendar year's orders."""
    import crmlab

    tx = crmlab.load_data("retail_transactions")
    return _per_customer(tx[tx["order_date"].dt.year == year])


@per_variant
def _cdnow_sample():
    """CDNOW: the 10 % sample's revenue per customer, and the full table's."""
    import crmlab

    sample = crmlab.load_data("cdnow_sample")
    full = crmlab.load_data("cdnow")
    return (sample.groupby("customer_id")["amount"].sum(), sample["amount"],
            full.groupby("customer_id")["amount"].sum())


def _value():
    return _customers()["amount"]


def _profit():
    return _customers()["profit"]


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 04 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "4.1" to "4.9".

    Returns
    -------
    object
        A Series (4.1, 4.5), a letter (4.8) or a dict of the parts. Cached: do not
        modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 04 does not have.

    Examples
    --------
    >>> sorted(expected("4.4"))
    ['before', 'including']
    >>> expected("4.4")["before"] - expected("4.4")["including"]
    1
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- 4.1
@per_variant
def _profit_year_ranked():
    return _year(YEAR)["profit"].sort_values(ascending=False)


def _every_customer(answer, want) -> bool:
    return hasattr(answer, "__len__") and len(answer) == len(_customers()) \
        and len(answer) != len(want)


def _one_per_order(answer, want) -> bool:
    return hasattr(answer, "__len__") and len(answer) in (
        _customers().attrs["transactions"], _year(YEAR).attrs["transactions"]) \
        and len(answer) != len(want)


def _mistakes_4_1(want):
    year = _year(YEAR)
    return [
        (year["gross_profit"],
         "These are gross profits: a customer's profit also subtracts the cost to serve.",
         "这是毛利：客户的利润还要减去服务成本。"),
        (year["amount"],
         "These are revenues: the question asks for profit, gross profit minus the cost "
         "to serve.",
         "这是收入：题目要求的是利润，即毛利减去服务成本。"),
        (-year["profit"],
         "The sign is flipped: profit is the gross profit minus the cost to serve, not "
         "the other way round.",
         "符号反了：利润是毛利减去服务成本，而不是反过来。"),
    ]


def _other_year(answer, want) -> bool:
    other = _year(YEAR - 1)["profit"]
    return hasattr(answer, "index") and len(answer) == len(other) \
        and len(answer) != len(want) and set(answer.index) == set(other.index)


def _smallest_first(answer, want) -> bool:
    return not answer.is_monotonic_decreasing and answer.is_monotonic_increasing


def _unsorted(answer, want) -> bool:
    return not answer.is_monotonic_decreasing


# --------------------------------------------------------------------------- 4.2
def _fewest_for_half(values) -> int:
    ranked = values.sort_values(ascending=False)
    cumulative = ranked.cumsum() / ranked.sum()
    return int((cumulative < 0.5).sum()) + 1


@per_variant
def _e42() -> dict:
    n_half = _fewest_for_half(_value())
    return {"n_half": n_half, "half_fraction": n_half / len(_value())}


def _mistakes_4_2_count(want):
    value = _value()
    ranked_up = value.sort_values()
    from_bottom = int((ranked_up.cumsum() / ranked_up.sum() < 0.5).sum()) + 1
    return [
        (want - 1,
         "One customer short: with these customers the revenue is still just below half; "
         "include the customer who takes it to half or more.",
         "少了一位：这些客户的收入仍略低于一半；请把使累计达到一半或以上的那位客户算进去。"),
        (from_bottom,
         "That counts from the smallest customers up: rank from the largest down to find "
         "the fewest customers.",
         "这是从最小的客户往上数的：要找最少的客户，请从最大的客户往下排。"),
        (_fewest_for_half(_profit()),
         "That is half of the profit: the question asks for half of the revenue.",
         "这是利润的一半：题目要求的是收入的一半。"),
        (want / len(value), *SHARE_NOT_COUNT),
    ]


def _mistakes_4_2_fraction(want):
    n = len(_value())
    n_half = round(want * n)
    return [
        (n_half, "That is the number of customers: divide it by the number of customers.",
         "这是客户人数：请再除以客户总数。"),
        ((n_half - 1) / n,
         "One customer short: include the customer who takes the revenue to half or more.",
         "少了一位：请把使累计收入达到一半或以上的那位客户算进去。"),
    ]


# --------------------------------------------------------------------------- 4.3
def _top20(values) -> float:
    from crmlab import pyramid

    return pyramid.top_share(values, 0.2)


@per_variant
def _e43() -> dict:
    from crmlab import uncertainty

    sample, _, full = _cdnow_sample()
    low, high = uncertainty.bootstrap_interval(sample, _top20, n_resamples=RESAMPLES_4_3)
    full_share = _top20(full)
    return {"top20_sample": _top20(sample), "ci_low": low, "ci_high": high,
            "full_inside": bool(low <= full_share <= high)}


def _mistakes_4_3_share(want):
    _, orders, full = _cdnow_sample()
    return [
        (_top20(full),
         "That is the full CDNOW table: the question asks for the 10 % sample.",
         "这是完整的 CDNOW 数据：题目要求的是 10 % 样本。"),
        (_top20(orders),
         "That ranks single orders: add up each customer's orders first.",
         "这是对单笔订单排序的结果：请先按客户汇总订单。"),
    ]


def _mistakes_4_3_bounds(want):
    return [(100 * want, "A bound looks like a percentage: give it as a fraction.",
             "区间端点像是百分数：请用小数表示。")]


def _judge_inside(answer, want) -> list[str]:
    if not isinstance(answer, bool):
        return compare(answer, want)
    if answer != want:
        return [tell("Not by your interval: set the full table's top-20 % share beside "
                     "your two bounds.",
                     "与你的区间不符：请把完整数据前 20 % 的占比与两个端点比较。")]
    return []


# --------------------------------------------------------------------------- 4.4
def _a_count(values, rule: str, a: float, b: float) -> int:
    from crmlab import pyramid

    return int((pyramid.abc_classes(values, a, b, rule=rule) == "A").sum())


@per_variant
def _e44() -> dict:
    return {rule: _a_count(_value(), rule, *ABC_4_4) for rule in ("including", "before")}


def _rules_swapped(answer, want) -> bool:
    return isinstance(answer, dict) and set(want) <= set(answer) and matches(
        {"including": answer["before"], "before": answer["including"]}, want)


def _mistakes_4_4(rule: str):
    def mistakes(want):
        return [
            (_a_count(_value(), rule, 0.8, 0.95),
             "That is the count at the chapter's thresholds (80 % and 95 %): use the "
             "thresholds of this exercise.",
             "这是按本章阈值（80 % 与 95 %）得到的人数：请使用本题给出的阈值。"),
            (want / len(_value()), *SHARE_NOT_COUNT),
            (_a_count(_customers()["gross_profit"].clip(lower=0), rule, *ABC_4_4),
             "That is the ABC class of gross profit: classify by revenue.",
             "这是按毛利做的 ABC 分类：请按收入分类。"),
        ]
    return mistakes


# --------------------------------------------------------------------------- 4.5
def _profit_by(tiers, profit):
    return (profit.groupby(tiers, observed=False).sum() / profit.sum()).reindex(
        tiers.cat.categories)


@per_variant
def _e45():
    from crmlab import pyramid

    tiers = pyramid.pyramid_tiers(_value())
    return _profit_by(tiers, _profit()).rename("profit_share")


def _mistakes_4_5(want):
    from crmlab import pyramid

    value, profit = _value(), _profit()
    tiers = pyramid.pyramid_tiers(value)
    return [
        (pyramid.tier_summary(value, tiers)["value_share"],
         "These are the tiers' shares of revenue: the question asks for their shares of "
         "profit.",
         "这是各层的收入占比：题目要求的是利润占比。"),
        (_profit_by(pyramid.pyramid_tiers(profit), profit),
         "These tiers rank the customers by profit: rank them by revenue (the textbook's "
         "pyramid) and then add up their profit.",
         "这些层级是按利润排序的：请按收入排序（教材的金字塔），再汇总各层利润。"),
        (profit.groupby(tiers, observed=False).sum().reindex(tiers.cat.categories),
         "These are profits in yuan: divide by the total profit to get shares.",
         "这是以元计的利润：请除以总利润得到占比。"),
        (tiers.value_counts(sort=False, normalize=True),
         "These are the tiers' shares of customers: the question asks for their shares of "
         "profit.",
         "这是各层的客户占比：题目要求的是利润占比。"),
    ]


def _tiers_reordered(answer, want) -> bool:
    return list(answer.index) != list(want.index) and sorted(map(str, answer.index)) == \
        sorted(map(str, want.index))


# --------------------------------------------------------------------------- 4.6
def _profit_up():
    customers = _customers()
    return customers["gross_profit"] - COST_UP_4_6 * customers["cost_to_serve"]


def _whale_numbers(profit) -> dict:
    from crmlab import pyramid

    summary = pyramid.whale_summary(profit)
    return {"peak_up": summary["peak_height"], "losers_up": summary["losing_customers"]}


@per_variant
def _e46() -> dict:
    return _whale_numbers(_profit_up())


def _mistakes_4_6_peak(want):
    from crmlab import pyramid

    profit = _profit_up()
    return [
        (_whale_numbers(_profit())["peak_up"],
         "That is the peak with today's cost to serve: raise the cost to serve by a fifth "
         "first.",
         "这是按当前服务成本得到的峰值：请先把服务成本提高五分之一。"),
        (_whale_numbers(_customers()["gross_profit"] * 0.8 - _customers()["cost_to_serve"])[
            "peak_up"],
         "That takes a fifth off the gross profit: the cost to serve is what rises.",
         "这是把毛利减少了五分之一：上升的是服务成本。"),
        (pyramid.whale_summary(profit)["peak_share"],
         "That is the share of customers at the peak: the question asks for its height, "
         "the cumulative profit as a share of the total profit.",
         "这是峰值处的客户占比：题目要求峰的高度，即累计利润占总利润的比例。"),
        (float(pyramid.whale_curve(profit)["cumulative_profit"].max()),
         "That is the peak in yuan: divide by the total profit to get a share.",
         "这是以元计的峰值：请除以总利润得到比例。"),
    ]


def _mistakes_4_6_losers(want):
    return [
        (_whale_numbers(_profit())["losers_up"],
         "That is today's count of loss-makers: raise the cost to serve by a fifth first.",
         "这是当前的亏损客户数：请先把服务成本提高五分之一。"),
        (want / len(_profit()), *SHARE_NOT_COUNT),
        (_customers().attrs["losing_orders"],
         "That counts orders: add up each customer's profit first, then count the "
         "customers below zero.",
         "这是订单数：请先按客户汇总利润，再数利润小于零的客户。"),
    ]


# --------------------------------------------------------------------------- 4.9
def _tail_shares(table) -> dict:
    from crmlab import pyramid

    # a year's net revenue can be negative (a January return of a December purchase):
    # counted as 0, as the exercise says
    revenue = table["amount"].clip(lower=0)
    ranked = table.assign(amount=revenue).sort_values("amount", ascending=False)
    n_head = math.ceil(0.2 * len(ranked))  # the head as top_share counts it
    return {"tail_share": pyramid.long_tail_share(revenue),
            "tail_profit": float(ranked["profit"].iloc[n_head:].sum() / table["profit"].sum())}


@per_variant
def _e49() -> dict:
    return {"contradictory": False, **_tail_shares(_year(YEAR))}


def _mistakes_4_9(key: str):
    def mistakes(want):
        both, year = _tail_shares(_customers()), _tail_shares(_year(YEAR))
        other = "tail_profit" if key == "tail_share" else "tail_share"
        what = ("revenue", "收入") if key == "tail_share" else ("profit", "利润")
        return [
            (both[key],
             f"That covers both years: keep only the orders placed in {YEAR}.",
             f"这包含了两年的数据：请只保留 {YEAR} 年的订单。"),
            (year[other],
             f"That is the tail's share of the other measure: this part asks for its share "
             f"of {what[0]}.",
             f"这是长尾在另一个指标上的占比：这一项要求的是{what[1]}占比。"),
            (1 - want,
             "That is the head's share (the top 20 %): the tail is everybody else.",
             "这是头部（前 20 %）的占比：长尾是其余所有客户。"),
            (0.8,
             "0.8 is the tail's share of customers: the question asks for its share of "
             "the money.",
             "0.8 是长尾的客户占比：题目要求的是它在金额上的占比。"),
        ]
    return mistakes


# --------------------------------------------------------------------------- 4.7
@per_variant
def _simulated_values(changed: bool):
    """Revenue per customer of the retailer made again from the student's own data's seed."""
    from crmlab import datasets

    tx = datasets.simulate("retail_transactions", **(SETTING_4_8 if changed else {}))
    return tx.groupby("customer_id")["amount"].sum()


@per_variant
def _e47() -> dict:
    from crmlab import pyramid

    bundled, narrow = _simulated_values(False), _simulated_values(True)
    return {"gini_bundled": pyramid.gini(bundled), "gini_narrow": pyramid.gini(narrow),
            "top20_narrow": pyramid.top_share(narrow, 0.2)}


def _mistakes_4_7(key: str):
    def mistakes(want):
        from crmlab import pyramid

        out = []
        if key == "gini_narrow":
            out.append((_e47()["gini_bundled"],
                        "That is the Gini with nothing changed: pass the narrower spread of "
                        "basket sizes to the simulation.",
                        "这是什么都没改时的基尼系数：请在模拟时传入更小的客单价离散度。"))
        if key == "gini_bundled":
            out.append((_e47()["gini_narrow"],
                        "That is the Gini with the setting changed: the baseline is the "
                        "simulation with nothing changed.",
                        "这是改了设置后的基尼系数：基准是什么都不改的模拟。"))
        if key == "top20_narrow":
            out.append((pyramid.top_share(_simulated_values(False), 0.2),
                        "That is the top 20 %'s share with nothing changed: use the "
                        "simulation with the narrower spread.",
                        "这是什么都没改时前 20 % 的占比：请用离散度更小的那次模拟。"))
        return out
    return mistakes


# --------------------------------------------------------------------------- 4.8
#: Exercise 4.8: the right letter and, for each wrong one, why it is wrong.
CONCEPT_4_8 = ("B", {
    "A": ("Zeithaml's tiers are not shares of revenue: they rank customers by profit.",
          "Zeithaml 的层级不是按收入份额划分的：它按利润给客户排序。"),
    "C": ("Ranking by revenue is the textbook's (苏朝晖's) pyramid; Zeithaml's lead tier "
          "depends on what a customer earns the firm after the cost to serve.",
          "按收入排序的是教材（苏朝晖）的金字塔；Zeithaml 的铅层取决于扣除服务成本后客户为企业"
          "带来的利润。"),
    "D": ("How often a customer buys is RFM's frequency; a frequent buyer can still be "
          "profitable. The lead tier is about profit.",
          "购买次数是 RFM 的频次；经常购买的客户也可能是赚钱的。铅层看的是利润。"),
})


# --------------------------------------------------------------------------- the records
TX = ("retail_transactions",)

EXERCISES = register(
    Exercise(
        "4.1", expected=_profit_year_ranked, data=TX, mistakes=_mistakes_4_1, ordered=False,
        before=[When(_every_customer,
                     f"One value for every customer of both years: keep only the orders of "
                     f"{YEAR} (customers who bought nothing that year drop out).",
                     f"这是两年中每位客户一个值：请只保留 {YEAR} 年的订单（当年没有购买的客户不在"
                     f"其中）。"),
                When(_other_year,
                     f"These are the customers of {YEAR - 1}: keep only the orders placed "
                     f"in {YEAR}.",
                     f"这是 {YEAR - 1} 年的客户：请只保留 {YEAR} 年的订单。"),
                When(_one_per_order,
                     "One value per order: the question asks for one value per customer "
                     "(add up each customer's orders).",
                     "这是每笔订单一个值：题目要求每位客户一个值（请按客户汇总订单）。")],
        after=[When(_smallest_first,
                    "Sorted from the smallest up: the most profitable customer comes first.",
                    "排序方向反了：最赚钱的客户应排在最前。"),
               When(_unsorted,
                    "The values are right but not sorted: rank from the largest profit down.",
                    "数值正确但没有排序：请按利润从大到小排列。")],
        task=Hint(
            f"Compute every customer's profit from the orders of {YEAR} alone and rank the "
            f"customers from the most profitable down.",
            f"只用 {YEAR} 年的订单计算每位客户的利润，并按从最赚钱到最不赚钱排列。"),
        hints=[Hint(
            "Keep the orders of the year first; a customer's profit is gross profit minus "
            "the cost to serve, added up over their orders: one value per customer, the "
            "largest first.",
            "先保留当年的订单；客户的利润是毛利减去服务成本，按客户汇总：每位客户一个值，"
            "最大的排在最前。"),
            pointer("Series.dt.year", "DataFrame.groupby", "Series.sort_values")],
    ),
    Exercise(
        "4.2", expected=_e42, data=TX,
        parts={"n_half": Part(mistakes=_mistakes_4_2_count),
               "half_fraction": Part(mistakes=_mistakes_4_2_fraction)},
        task=Hint(
            "Find the fewest customers whose revenue together reaches half of the total, "
            "as a number and as a share of all customers.",
            "找出合计收入达到总收入一半所需的最少客户数，给出人数及其占全部客户的比例。"),
        hints=[Hint(
            "Rank the customers from the largest revenue down and follow the cumulative "
            "share: the answer is the first customer at which it reaches one half.",
            "按收入从大到小给客户排序，看累计占比：答案是累计占比第一次达到一半的那位客户。"),
            pointer("Series.sort_values", "Series.cumsum")],
    ),
    Exercise(
        "4.3", expected=_e43, data=("cdnow", "cdnow_sample"),
        parts={"top20_sample": Part(mistakes=_mistakes_4_3_share),
               "ci_low": Part(mistakes=_mistakes_4_3_bounds),
               "ci_high": Part(mistakes=_mistakes_4_3_bounds),
               "full_inside": Part(judge=_judge_inside)},
        task=Hint(
            "On the 10 % CDNOW sample, give the top 20 %'s share of revenue with its "
            "bootstrap interval, and say whether the full table's share lies inside.",
            "在 CDNOW 的 10 % 样本上，给出前 20 % 客户的收入占比及其自助法区间，并判断完整数据"
            "的占比是否落在区间内。"),
        hints=[Hint(
            "A share needs one value per customer, so add up the orders first; the "
            "interval resamples those customers with the seed and the size the exercise "
            "gives.",
            "占比需要每位客户一个值，所以先按客户汇总订单；区间按题目给定的随机种子和次数"
            "对这些客户重抽样。"),
            pointer("pyramid.top_share", "uncertainty.bootstrap_interval")],
    ),
    Exercise(
        "4.4", expected=_e44, data=TX,
        before=[When(_rules_swapped,
                     "The two counts are swapped: 'including' puts the customer who crosses "
                     "the threshold into B, so it has one A customer fewer than 'before'.",
                     "两个数对调了：'including' 把跨过阈值的那位客户归入 B 类，"
                     "所以它的 A 类客户比 'before' 少一位。")],
        parts={rule: Part(mistakes=_mistakes_4_4(rule)) for rule in ("including", "before")},
        task=Hint(
            "Classify the customers into A, B and C at the exercise's thresholds under "
            "both boundary rules and count the A customers of each.",
            "按本题的阈值和两种边界规则把客户分为 A、B、C 三类，并数出每种规则下的 A 类客户。"),
        hints=[Hint(
            "The thresholds are cumulative shares of revenue; the two rules differ only in "
            "the customer who crosses a threshold.",
            "阈值是收入的累计占比；两种规则只在跨过阈值的那位客户上不同。"),
            pointer("pyramid.abc_classes")],
    ),
    Exercise(
        "4.5", expected=_e45, data=TX, mistakes=_mistakes_4_5,
        before=[When(_tiers_reordered,
                     "The shares are in the wrong order: keep the pyramid order, from the "
                     "top tier (重要客户) down to 小客户.",
                     "顺序不对：请保持金字塔顺序，从最上层（重要客户）到小客户。")],
        task=Hint(
            "Give each tier of the textbook's revenue pyramid its share of the total "
            "profit, in pyramid order.",
            "给出教材收入金字塔每一层的利润占总利润的比例，按金字塔顺序排列。"),
        hints=[Hint(
            "The tiers come from ranking by revenue; then add up the profit of each tier "
            "and divide by the total profit.",
            "层级按收入排序得到；再汇总每层的利润并除以总利润。"),
            pointer("pyramid.pyramid_tiers", "Series.groupby")],
    ),
    Exercise(
        "4.6", expected=_e46, data=TX,
        parts={"peak_up": Part(mistakes=_mistakes_4_6_peak),
               "losers_up": Part(mistakes=_mistakes_4_6_losers)},
        task=Hint(
            "With a cost to serve a fifth higher, give the whale curve's peak height and "
            "the number of customers who lose money.",
            "服务成本提高五分之一后，给出鲸鱼曲线峰值的高度和亏损客户的人数。"),
        hints=[Hint(
            "Recompute each customer's profit with the higher cost to serve first; the "
            "peak is the highest cumulative share of the total profit.",
            "先用更高的服务成本重新计算每位客户的利润；峰值是累计利润占总利润比例的最大值。"),
            pointer("pyramid.whale_summary")],
    ),
    Exercise(
        "4.7", expected=_e47,
        parts={key: Part(mistakes=_mistakes_4_7(key))
               for key in ("gini_bundled", "gini_narrow", "top20_narrow")},
        task=Hint(
            "Make the retailer again with a narrower spread of basket sizes, and give the "
            "Gini coefficient before and after and the top 20 %'s share after.",
            "用更小的客单价离散度重新生成零售数据，给出改动前后的基尼系数以及改动后前 20 % "
            "客户的收入占比。"),
        hints=[Hint(
            "Two simulations with the same seed, one with nothing changed and one with the "
            "setting changed; then one revenue value per customer in each.",
            "做两次同一随机种子的模拟，一次什么都不改，一次改这项设置；再在每次模拟中按客户"
            "汇总收入。"),
            pointer("datasets.simulate", "pyramid.gini")],
    ),
    Exercise(
        "4.8", expected=lambda: CONCEPT_4_8[0], judge=letter_judge(*CONCEPT_4_8),
        task=Hint("Choose the one letter that fits the definition.",
                  "选出符合定义的那一个字母。"),
        hints=[Hint(
            "Zeithaml, Rust & Lemon rank customers by what they earn the firm, and the "
            "bottom tier has a sign.",
            "Zeithaml、Rust 与 Lemon 按客户为企业带来的利润排序，最底层有一个正负号的特征。"),
            Hint("Reread §4 of the chapter, the table of the three schemes.",
                 "请重读本章第 4 节三种方案的那张表。")],
    ),
    Exercise(
        "4.9", expected=_e49, data=TX, decision="contradictory",
        parts={key: Part(mistakes=_mistakes_4_9(key)) for key in ("tail_share", "tail_profit")},
        task=Hint(
            f"With the customers of {YEAR}, give the long tail's share of revenue and of "
            f"profit, then decide whether the pyramid and the long tail contradict each "
            f"other.",
            f"用 {YEAR} 年的客户，给出长尾的收入占比和利润占比，再判断客户金字塔与长尾理论是否"
            f"矛盾。"),
        hints=[Hint(
            "The long tail is everybody outside the top fifth by revenue of that year: "
            "their revenue and their profit, each divided by the year's total.",
            "长尾是当年按收入排在前五分之一以外的所有客户：看他们的收入和利润，各除以当年的"
            "总额。"),
            pointer("pyramid.long_tail_share", "pyramid.pyramid_tiers")],
    ),
)


# --------------------------------------------------------------------------- findings
def _top_fifth_over_half() -> bool:
    from crmlab import pyramid

    return bool(pyramid.top_share(_value(), 0.2) > 0.5)


FINDINGS = (
    # 4.9 and the chapter: "a few customers bring most of the value"
    Finding("the top 20 % of customers bring more than half of the revenue",
            _top_fifth_over_half),
    # 4.2: "how few customers": fewer than a fifth of them bring half the revenue
    Finding("fewer than a fifth of the customers bring half of the revenue",
            lambda: bool(_e42()["half_fraction"] < 0.2)),
    # 4.6: "above 1 when some customers lose money": with the dearer service some do
    Finding("with a fifth more cost to serve some customers lose money (peak above 1)",
            lambda: bool(_e46()["losers_up"] > 0 and _e46()["peak_up"] > 1)),
    # 4.9: "the many small customers together matter too": the tail brings a real share
    Finding(f"the long tail brings more than a fifth of {YEAR}'s revenue and some profit",
            lambda: bool(_e49()["tail_share"] > 0.2 and _e49()["tail_profit"] > 0)),
    # 4.1: some customers of the year lose money, so the ranking ends below zero
    Finding(f"some customers lose money in {YEAR}",
            lambda: bool((_year(YEAR)["profit"] < 0).any())),
)

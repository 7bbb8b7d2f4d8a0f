"""Checks for the chapter 04 exercises (solutions/04_pyramid_long_tail.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module): the expected answer, computed with :mod:`crmlab.pyramid` on the bundled
``retail_transactions`` and ``cdnow``; the known wrong answers (the gross profit instead
of the profit, Curry's pyramid instead of the textbook's, the two ABC rules swapped...),
each said in one sentence instead of "too high"; and the hints. Answers with several
parts are checked as a dict built in the check cell (``{"peak": peak, "losers":
losers}``); feedback names the part, e.g. ``[peak] ...``.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from crmlab.exercises._variant import per_variant
from crmlab.exercises._compare import compare
from crmlab.exercises._judging import CUSTOMER_SHARE_NOT_COUNT, When, descending, matches, tell
from crmlab.exercises._registry import Exercise, Hint, Part, pointer, register

__all__ = ["EXERCISES", "expected"]


# --------------------------------------------------------------------------- data
@per_variant
def _customers():
    """One row per retail customer: amount, gross_profit, cost_to_serve, profit, orders."""
    import crmlab

    tx = crmlab.load_data("retail_transactions")
    table = tx.groupby("customer_id")[["amount", "gross_profit", "cost_to_serve"]].sum()
    table["profit"] = table["gross_profit"] - table["cost_to_serve"]
    table["orders"] = tx.groupby("customer_id").size()
    table["positive_amount"] = (tx["amount"].clip(lower=0)
                                .groupby(tx["customer_id"]).sum())
    table.attrs["losing_orders"] = int(((tx["gross_profit"] - tx["cost_to_serve"]) < 0).sum())
    table.attrs["transactions"] = len(tx)
    return table


@per_variant
def _cdnow():
    """CDNOW: the full table's per-customer amount, per-order amounts, the sample's."""
    import crmlab

    full = crmlab.load_data("cdnow")
    sample = crmlab.load_data("cdnow_sample")
    return (full.groupby("customer_id")["amount"].sum(), full["amount"],
            sample.groupby("customer_id")["amount"].sum())


def _value():
    return _customers()["amount"]


def _profit():
    return _customers()["profit"]


def _corrected(g: float, n: int) -> float:
    return g * n / (n - 1)


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 04 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "4.1" to "4.7".

    Returns
    -------
    object
        A Series (4.1, 4.5), a float (4.2) or a dict of the parts (4.3, 4.4, 4.6, 4.7).
        Cached: do not modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 04 does not have.

    Examples
    --------
    >>> expected("4.4")
    {'including': 1538, 'before': 1539}
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- 4.1
@per_variant
def _profit_ranked():
    return _profit().sort_values(ascending=False)


def _one_per_order(answer, want) -> bool:
    return hasattr(answer, "__len__") and len(answer) == _customers().attrs["transactions"] \
        and len(answer) != len(want)


def _mistakes_4_1(want):
    customers = _customers()
    return [
        (customers["gross_profit"],
         "These are gross profits: profit also subtracts the cost to serve "
         "(gross_profit - cost_to_serve).",
         "这是毛利：利润还要减去服务成本（gross_profit - cost_to_serve）。"),
        (customers["amount"],
         "These are revenues (amount): the question asks for profit "
         "(gross_profit - cost_to_serve).",
         "这是收入（amount）：题目要求的是利润（gross_profit - cost_to_serve）。"),
        (-customers["profit"],
         "The sign is flipped: profit = gross_profit - cost_to_serve.",
         "符号反了：利润 = gross_profit - cost_to_serve。"),
    ]


# --------------------------------------------------------------------------- 4.2
@per_variant
def _top_share() -> float:
    from crmlab import pyramid

    return pyramid.top_share(_value(), 0.2)


def _mistakes_4_2(want):
    from crmlab import pyramid

    value = _value()
    ranked = value.sort_values(ascending=False)
    floor = float(ranked.head(int(0.2 * len(ranked))).sum() / ranked.sum())
    return [
        (floor,
         f"You counted int(0.2 * n) = {int(0.2 * len(value))} customers; the top 20 % of "
         f"{len(value)} customers is ceil(0.2 * n) = {math.ceil(0.2 * len(value))} (math.ceil).",
         f"你取了 int(0.2 * n) = {int(0.2 * len(value))} 位客户；{len(value)} 位客户的前 20 % 是 "
         f"ceil(0.2 * n) = {math.ceil(0.2 * len(value))} 位（math.ceil）。"),
        (pyramid.top_share(value, 0.2, method="interpolate"),
         "That is the interpolated share (method='interpolate'); count whole customers, "
         "ceil(0.2 * n), as top_share does by default.",
         "这是插值得到的占比（method='interpolate'）；请按整数位客户 ceil(0.2 * n) 计算，"
         "即 top_share 的默认做法。"),
        (pyramid.top_share(_customers()["positive_amount"], 0.2),
         "Returns are left out: net revenue keeps the negative amounts (sum every order).",
         "漏掉了退货：净收入要包含负的金额（对所有订单求和）。"),
    ]


# --------------------------------------------------------------------------- 4.3
@per_variant
def _ginis() -> dict:
    from crmlab import pyramid

    g_retail, g_cdnow = pyramid.gini(_value()), pyramid.gini(_cdnow()[0])
    return {"gini_retail": g_retail, "gini_cdnow": g_cdnow,
            "more_concentrated": "retailer" if g_retail > g_cdnow else "CDNOW"}


def _judge_concentrated(answer, want) -> list[str]:
    if not isinstance(answer, str):
        return compare(answer, "retailer")
    got = answer.strip().casefold()
    if got not in ("retailer", "cdnow"):
        return [tell(f"{answer!r}: answer with one of the two names, 'retailer' or 'CDNOW'.",
                     f"{answer!r}：请用两个名字之一作答：'retailer' 或 'CDNOW'。")]
    if got != want.casefold():
        return [tell("Not by the Gini coefficient: the customer base with the larger Gini is "
                     "the more concentrated one (a larger top 1 % share is not the same thing).",
                     "按基尼系数判断不对：基尼系数较大的客户群更集中"
                     "（前 1 % 的占比更高并不等同于此）。")]
    return []



_CORRECTION = ("That has the small-sample correction n / (n - 1); crmlab's Gini (the "
               "chapter's convention) has none: use pyramid.gini.",
               "这里乘了小样本修正 n / (n - 1)；crmlab（本章）的基尼系数不做修正："
               "请用 pyramid.gini。")


def _mistakes_4_3_retail(want):
    from crmlab import pyramid

    value = _value()
    return [
        (_corrected(pyramid.gini(value), len(value)), *_CORRECTION),
        (pyramid.gini(_customers()["gross_profit"].clip(lower=0)),
         "That is the Gini of gross profit: the question asks for revenue (amount).",
         "这是毛利的基尼系数：题目要求收入（amount）。"),
        (pyramid.gini(_customers()["positive_amount"]),
         "Returns are left out: net revenue keeps the negative amounts.",
         "漏掉了退货：净收入要包含负的金额。"),
    ]


def _mistakes_4_3_cdnow(want):
    from crmlab import pyramid

    cd_value, cd_orders, cd_sample = _cdnow()
    return [
        (_corrected(pyramid.gini(cd_value), len(cd_value)), *_CORRECTION),
        (pyramid.gini(cd_orders),
         "That is the Gini of single orders: add up the amount per customer first.",
         "这是单笔订单的基尼系数：请先按客户汇总金额。"),
        (pyramid.gini(cd_sample),
         "That is cdnow_sample (a 10 % sample): use the full crmlab.load_data('cdnow').",
         "这是 cdnow_sample（10 % 样本）：请用完整的 crmlab.load_data('cdnow')。"),
    ]


# --------------------------------------------------------------------------- 4.4
@per_variant
def _a_customers() -> dict:
    from crmlab import pyramid

    return {rule: int((pyramid.abc_classes(_value(), rule=rule) == "A").sum())
            for rule in ("including", "before")}


def _rules_swapped(answer, want) -> bool:
    return isinstance(answer, dict) and set(want) <= set(answer) and matches(
        {"including": answer["before"], "before": answer["including"]}, want)


def _mistakes_4_4(rule: str):
    def mistakes(want):
        from crmlab import pyramid

        gross = _customers()["gross_profit"].clip(lower=0)
        return [(want / len(_value()), *CUSTOMER_SHARE_NOT_COUNT),
                (int((pyramid.abc_classes(gross, rule=rule) == "A").sum()),
                 "That is the ABC class of gross profit: classify by revenue (amount).",
                 "这是按毛利做的 ABC 分类：请按收入（amount）分类。")]
    return mistakes


# --------------------------------------------------------------------------- 4.5
@per_variant
def _tier_sizes():
    from crmlab import pyramid

    return pyramid.pyramid_tiers(_value()).value_counts(sort=False)


def _mistakes_4_5(want):
    from crmlab import pyramid

    value = _value()
    curry = ("These are Curry's tiers (1 / 4 / 15 / 80 %): the textbook's pyramid is "
             "scheme='su' (1 / 19 / 30 / 50 %).",
             "这是 Curry 金字塔（1 / 4 / 15 / 80 %）：教材的金字塔是 scheme='su'"
             "（1 / 19 / 30 / 50 %）。")
    return [
        (pyramid.pyramid_tiers(value, "curry").value_counts(sort=False), *curry),
        (pyramid.pyramid_tiers(value, "curry", language="zh").value_counts(sort=False), *curry),
        (pyramid.pyramid_tiers(value, language="en").value_counts(sort=False),
         "The right sizes with the English names: keep the textbook's Chinese tier names "
         "(the default language of scheme='su').",
         "层级人数正确但用了英文名：请保留教材的中文层级名（scheme='su' 的默认语言）。"),
        (want / want.sum(),
         "These are shares of customers: the question asks for the number of customers "
         "per tier (value_counts without normalize=True).",
         "这是客户占比：题目要求每层的客户人数（value_counts 不加 normalize=True）。"),
        (pyramid.pyramid_tiers(_profit(), "zeithaml").value_counts(sort=False),
         "These are Zeithaml's profit tiers: the question asks for the su pyramid by revenue.",
         "这是 Zeithaml 的利润层级：题目要求按收入划分的 su 金字塔。"),
    ]


# --------------------------------------------------------------------------- 4.6
@per_variant
def _whale():
    from crmlab import pyramid

    return pyramid.whale_curve(_profit())


@per_variant
def _whale_numbers() -> dict:
    from crmlab import pyramid

    summary = pyramid.whale_summary(_profit())
    return {"peak": summary["peak_height"], "losers": summary["losing_customers"]}


def _mistakes_4_6_peak(want):
    from crmlab import pyramid

    whale = _whale()
    return [
        (pyramid.whale_summary(_profit())["peak_share"],
         "That is the share of customers at the peak: the question asks for the height "
         "of the peak, the cumulative profit as a share of the total profit.",
         "这是峰值处的客户占比：题目要求峰的高度，即累计利润占总利润的比例。"),
        (float(whale["cumulative_profit"].max()),
         "That is the peak in yuan: divide by the total profit to get a share.",
         "这是以元计的峰值：请除以总利润得到比例。"),
    ]


def _mistakes_4_6_losers(want):
    return [
        (want / len(_profit()), *CUSTOMER_SHARE_NOT_COUNT),
        (_customers().attrs["losing_orders"],
         "That counts orders: sum the profit per customer first, then count the customers "
         "below 0.",
         "这是订单数：请先按客户汇总利润，再数利润小于 0 的客户。"),
    ]


# --------------------------------------------------------------------------- 4.7
@per_variant
def _long_tail() -> dict:
    from crmlab import pyramid

    return {"contradictory": False, "tail_share": pyramid.long_tail_share(_value())}


def _mistakes_4_7_tail(want):
    customers = _customers()
    head = _top_share()
    n_head = math.ceil(0.2 * len(customers))
    ranked = customers.sort_values("amount", ascending=False)
    tail_profit = float(ranked["profit"].iloc[n_head:].sum() / customers["profit"].sum())
    return [
        (0.8,
         "0.8 is the tail's share of customers: the question asks for its share of "
         "revenue.",
         "0.8 是长尾的客户占比：题目要求它的收入占比。"),
        (tail_profit,
         "That is the tail's share of profit: the question asks for its share of revenue.",
         "这是长尾的利润占比：题目要求它的收入占比。"),
        (head,
         "That is the head's share (the top 20 %): the tail is everybody else.",
         "这是头部（前 20 %）的占比：长尾是其余所有客户。"),
    ]


# --------------------------------------------------------------------------- the records
TX = ("retail_transactions",)

EXERCISES = register(
    Exercise(
        "4.1", expected=_profit_ranked, data=TX, mistakes=_mistakes_4_1, ordered=False,
        before=[When(_one_per_order,
                     "One value per order: the question asks for one value per customer "
                     "(group by customer_id and sum).",
                     "这是每笔订单一个值：题目要求每位客户一个值（按 customer_id 分组求和）。")],
        after=descending((
            "Sorted from the smallest up: the most profitable customer comes first "
            "(sort_values(ascending=False)).",
            "排序方向反了：最赚钱的客户应排在最前（sort_values(ascending=False)）。")),
        task=Hint(
            "Compute every customer's profit and rank the customers from the most "
            "profitable down.",
            "计算每位客户的利润，并按从最赚钱到最不赚钱排列。"),
        hints=[Hint(
            "Profit is gross profit minus the cost to serve, added up over all of a "
            "customer's orders: one value per customer, the largest first.",
            "利润是毛利减去服务成本，按客户汇总所有订单：每位客户一个值，最大的排在最前。"),
            pointer("DataFrame.groupby", "Series.sort_values")],
    ),
    Exercise(
        "4.2", expected=_top_share, data=TX, mistakes=_mistakes_4_2,
        task=Hint(
            "Give the share of total revenue brought by the top fifth of customers, as a "
            "fraction.",
            "给出前五分之一客户带来的收入占总收入的比例（小数）。"),
        hints=[Hint(
            "Rank the customers by revenue; the top fifth is a whole number of customers, "
            "rounded up, and their revenue is divided by everyone's.",
            "按收入给客户排序；前五分之一按整数位客户计（向上取整），再用他们的收入除以全"
            "部收入。"),
            pointer("pyramid.top_share", "math.ceil")],
    ),
    Exercise(
        "4.3", expected=_ginis, data=(*TX, "cdnow", "cdnow_sample"),
        parts={"gini_retail": Part(mistakes=_mistakes_4_3_retail),
               "gini_cdnow": Part(mistakes=_mistakes_4_3_cdnow),
               "more_concentrated": Part(judge=_judge_concentrated)},
        task=Hint(
            "Compute the Gini coefficient of revenue per customer for both customer bases "
            "and name the more concentrated one.",
            "计算两个客户群按客户计的收入基尼系数，并指出哪个更集中。"),
        hints=[Hint(
            "A Gini needs one value per customer, so add up the orders first; the larger "
            "Gini is the more concentrated base.",
            "基尼系数需要每位客户一个值，所以先按客户汇总订单；基尼系数越大越集中。"),
            pointer("pyramid.gini", "DataFrame.groupby")],
    ),
    Exercise(
        "4.4", expected=_a_customers, data=TX,
        before=[When(_rules_swapped,
                     "The two counts are swapped: 'including' puts the customer who crosses "
                     "80 % into B, so it has one A customer fewer than 'before'.",
                     "两个数对调了：'including' 把跨过 80 % 的那位客户归入 B 类，"
                     "所以它的 A 类客户比 'before' 少一位。")],
        parts={rule: Part(mistakes=_mistakes_4_4(rule)) for rule in ("including", "before")},
        task=Hint(
            "Classify the customers into A, B and C under both boundary rules and count "
            "the A customers of each.",
            "按两种边界规则把客户分为 A、B、C 三类，并数出每种规则下的 A 类客户。"),
        hints=[Hint(
            "The two rules differ only in the customer who crosses the boundary: one puts "
            "that customer in A, the other in B.",
            "两种规则只在跨过边界的那位客户上不同：一种把他归入 A 类，另一种归入 B "
            "类。"),
            pointer("pyramid.abc_classes")],
    ),
    Exercise(
        "4.5", expected=_tier_sizes, data=TX, mistakes=_mistakes_4_5,
        task=Hint(
            "Count the customers in each tier of the textbook's pyramid, in pyramid "
            "order.",
            "数出教材客户金字塔每一层的客户数，按金字塔顺序排列。"),
        hints=[Hint(
            "Rank the customers by revenue and cut by the textbook's percentages; keep "
            "the tiers in pyramid order rather than by size.",
            "按收入给客户排序，再按教材的百分比切分；保持金字塔的层级顺序，而不是按人数排"
            "序。"),
            pointer("pyramid.pyramid_tiers", "Series.value_counts")],
    ),
    Exercise(
        "4.6", expected=_whale_numbers, data=TX,
        parts={"peak": Part(mistakes=_mistakes_4_6_peak),
               "losers": Part(mistakes=_mistakes_4_6_losers)},
        task=Hint(
            "Give the height of the whale curve's peak as a share of total profit, and "
            "count the customers who lose money.",
            "给出鲸鱼曲线峰值（占总利润的比例），并数出亏损的客户数。"),
        hints=[Hint(
            "The whale curve adds up profit from the most profitable customer down; its "
            "peak is the highest cumulative share, and losers have a profit below zero.",
            "鲸鱼曲线从最赚钱的客户开始累加利润；峰值是累计占比的最大值，亏损客户的利润小"
            "于零。"),
            pointer("pyramid.whale_curve", "pyramid.whale_summary")],
    ),
    Exercise(
        "4.7", expected=_long_tail, data=TX, decision="contradictory",
        parts={"tail_share": Part(mistakes=_mistakes_4_7_tail)},
        task=Hint(
            "Decide whether the pyramid and the long tail contradict each other and give "
            "the long tail's share of revenue.",
            "判断客户金字塔与长尾理论是否矛盾，并给出长尾的收入占比。"),
        hints=[Hint(
            "The long tail is everybody outside the top fifth: their share of revenue "
            "together, set beside what the pyramid says about each one.",
            "长尾是前五分之一以外的所有客户：看他们合计的收入占比，再对照金字塔对单个客户"
            "的结论。"),
            pointer("pyramid.long_tail_share")],
    ),
)

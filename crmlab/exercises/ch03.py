"""Checks for the chapter 03 exercises (solutions/03_rfm.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module). Every expected answer is computed with :mod:`crmlab.rfm` on the bundled
``retail_transactions`` log, the way the solution notebook computes it: the R/F/M table
counts distinct orders (``order="order_id"``), with the default analysis date (the day
after the last order, 2026-01-01) and returns netted out of monetary. This chapter's
answers are judged by the comparator alone (:data:`~crmlab.exercises._registry.COMPARE`),
whose feedback covers its typical mistakes (a share as a percentage, scores off by one,
the right values in the wrong order...).
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

from crmlab.exercises._variant import per_variant
from crmlab.exercises._compare import compare
from crmlab.exercises._judging import When, tell
from crmlab.exercises._registry import COMPARE, Exercise, Hint, Part, pointer, register
from crmlab.exercises._text import say

__all__ = ["EXERCISES", "expected"]

#: Customers whose R score 3.3 asks for: three from the top of the table and three with
#: recency 5, where rank-first and ties="value" disagree (5 versus 4).
R_SCORE_CUSTOMERS = ["C00001", "C00002", "C00003", "C00632", "C00670", "C00718"]

#: "Busy" in exercise 3.5: at least one order a week on average over the two years.
BUSY_ORDERS = 52

#: Exercise 3.7: the smallest number of customers a definition of "buys often" must cover.
MIN_FREQUENT_CUSTOMERS = 50

#: Exercise 3.7: the solution's "buys often", the top fifth by frequency (a quantile).
FREQUENT_QUANTILE_3_7 = 0.8


@per_variant
def _data() -> dict:
    import crmlab
    from crmlab import rfm

    tx = crmlab.load_data("retail_transactions")
    table = rfm.rfm_table(tx, order="order_id")
    return {
        "tx": tx,
        "table": table,
        "scored": rfm.rfm_scores(table),
        "profit": rfm.customer_profit(tx),
    }


def _is_number(value) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_))


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 03 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "3.1" to "3.7".

    Returns
    -------
    object
        A Series (3.2) or a dict of the parts (the others; the open question 3.7 also
        accepts other defensible thresholds). Cached: do not modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 03 does not have.

    Examples
    --------
    >>> expected("3.1")["n_customers"]
    4857
    >>> expected("3.5")["n_busy_losers"]
    223
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- 3.1
@per_variant
def _recency_summary() -> dict:
    table = _data()["table"]
    return {
        "n_customers": len(table),
        "mean_recency": float(table["recency"].mean()),
        "recent_share": float((table["recency"] <= 30).mean()),
    }


# --------------------------------------------------------------------------- 3.2
@per_variant
def _orders_per_customer():
    """Orders per customer, most first (ties by customer id); any order of ties passes."""
    return _data()["table"]["frequency"].sort_values(ascending=False, kind="stable")


def _mistakes_3_2(want):
    tx = _data()["tx"]
    return [(tx.groupby("customer_id").size(),
             "Returns were counted as orders: a row with a negative amount is a return, and "
             "a return is not an order.",
             "把退货也算成了订单：金额为负的行是退货，退货不是订单。")]


# --------------------------------------------------------------------------- 3.3
def _mistakes_3_3_r(want):
    from crmlab import rfm

    by_value = rfm.rfm_scores(_data()["table"], ties="value")
    return [(by_value.loc[R_SCORE_CUSTOMERS, "r_score"],
             "These scores break ties by value: keep the default, ties broken by rank "
             "('rank-first'), so tied customers are spread over the quintiles.",
             "这些分数按数值处理并列：请保持默认的按名次处理并列（'rank-first'），"
             "让并列的客户分布到各个五分位。")]


@per_variant
def _scores() -> dict:
    scored = _data()["scored"]
    return {
        "share_555": float((scored["rfm_code"] == "555").mean()),
        "r_scores": scored.loc[R_SCORE_CUSTOMERS, "r_score"],
    }


# --------------------------------------------------------------------------- 3.4
@per_variant
def _segments() -> dict:
    from crmlab import rfm

    table = _data()["table"]
    counts = rfm.rfm_segments(table, scheme="cn8", language="zh")["segment"].value_counts(
        sort=False)
    counts = pd.Series(counts.to_numpy(), index=pd.Index(counts.index.astype(str),
                                                         name="segment"), name="count")
    rf10 = rfm.rfm_segments(_data()["scored"])
    return {"cn8_counts": counts, "segment_c00002": str(rf10.loc["C00002", "segment"])}


def _mistakes_3_4_counts(want):
    from crmlab import rfm

    english = rfm.rfm_segments(_data()["table"], scheme="cn8")["segment"].value_counts()
    return [When(lambda answer, _: set(map(str, answer.index)) == set(map(str, english.index)),
                 "The segments carry their English names: the textbook's eight segments use "
                 "the Chinese names (language='zh').",
                 "细分用了英文名称：教材的八类细分使用中文名称（language='zh'）。")]


# --------------------------------------------------------------------------- 3.5
def _mistakes_3_5_share(want):
    data = _data()
    joined = data["table"].join(data["profit"]["profit"])
    busy = joined[joined["frequency"] >= BUSY_ORDERS]
    losers = busy[busy["profit"] < 0]
    return [(float(losers["frequency"].sum() / busy["frequency"].sum()),
             "That is a share of the busy customers' orders: the question asks for a share of "
             "the orders of all customers.",
             "这是占忙碌客户订单的比例：题目要求的是占全部客户订单的比例。"),
            When(lambda answer, _: _returns_counted(answer),
                 "Those order counts include the returns (the 'orders' of the profit table): "
                 "count the orders as the RFM table's frequency does.",
                 "这些订单数包含了退货（利润表中的 'orders'）：请按 RFM 表的 frequency "
                 "计算订单数。")]


def _returns_counted(answer) -> bool:
    data = _data()
    joined = data["table"].join(data["profit"][["orders", "profit"]])
    losers = joined[(joined["frequency"] >= BUSY_ORDERS) & (joined["profit"] < 0)]
    return math.isclose(float(answer), float(losers["orders"].sum() / joined["orders"].sum()),
                        rel_tol=1e-7)


@per_variant
def _busy_losers() -> dict:
    data = _data()
    joined = data["table"].join(data["profit"]["profit"])
    losers = joined[(joined["frequency"] >= BUSY_ORDERS) & (joined["profit"] < 0)]
    return {
        "n_busy_losers": len(losers),
        "busy_loser_order_share": float(losers["frequency"].sum() / joined["frequency"].sum()),
    }


# --------------------------------------------------------------------------- 3.6
@per_variant
def _due_soon() -> dict:
    from crmlab import rfm

    cycle = rfm.purchase_cycle(_data()["tx"], due_window=3)
    due = cycle.loc[cycle["status"] == "due soon", "days_until_due"].astype("int64")
    return {"due_soon": due, "cycle_c00010": float(cycle.loc["C00010", "median_interval"])}


def _mistakes_3_6_due(want):
    from crmlab import rfm

    week = rfm.purchase_cycle(_data()["tx"])
    return [(week.loc[week["status"] == "due soon", "days_until_due"],
             "That is the default window of a week: Wang Yongqing can deliver for the next "
             "3 days only (due_window=3).",
             "这是默认的一周窗口：王永庆只能在接下来 3 天内送米（due_window=3）。")]


def _mistakes_3_6_cycle(want):
    cycle = _cycle()
    return [(float(cycle.loc["C00010", "mean_interval"]),
             "That is the mean gap between purchases: the cycle is the median gap "
             "(median_interval), which one long pause does not pull up.",
             "这是购买间隔的平均数：购买周期是间隔的中位数（median_interval），"
             "不会被一次长时间的停顿拉高。")]


@per_variant
def _cycle():
    from crmlab import rfm

    return rfm.purchase_cycle(_data()["tx"], due_window=3)


# --------------------------------------------------------------------------- 3.7
def _frequent_losers(min_frequency: float) -> tuple[int, float]:
    data = _data()
    joined = data["table"].join(data["profit"]["profit"])
    frequent = joined[joined["frequency"] >= min_frequency]
    if frequent.empty:
        return 0, float("nan")
    return len(frequent), float((frequent["profit"] < 0).mean())


@per_variant
def _frequent_buyers() -> dict:
    """The solution's answer: the top fifth by frequency (other thresholds pass too)."""
    threshold = float(_data()["table"]["frequency"].quantile(FREQUENT_QUANTILE_3_7))
    _, share = _frequent_losers(threshold)
    return {"frequent_always_valuable": bool(share == 0), "min_frequency": threshold,
            "loser_share": share}


def _judge_3_7(answer, want) -> list[str]:
    """Any threshold from the median up that covers enough customers, with its share.

    The decision (``frequent_always_valuable``) is not judged here: the record's
    ``decision`` takes it out, and the instructor reads it with the reasoning cell.
    """
    keys = ("min_frequency", "loser_share")
    if not isinstance(answer, dict):
        return [say("want_type", want="dict", got=type(answer).__name__)]
    missing = [k for k in keys if k not in answer]
    if missing:
        return [say("missing_keys", keys=", ".join(missing))]
    if any(answer[k] is Ellipsis or answer[k] is None for k in keys):
        return [say("unanswered")]
    threshold, share = (answer[k] for k in keys)
    if not _is_number(threshold):
        kind = "text" if isinstance(threshold, str) else type(threshold).__name__
        return ["[min_frequency] " + say("want_type", want="number", got=kind)]
    median = float(_data()["table"]["frequency"].median())
    if threshold < median:
        return [tell(
            f"[min_frequency] {threshold:g} orders is not 'buys often': half of the customers "
            f"have {median:g} orders or more. Choose a threshold of at least {median:g}.",
            f"[min_frequency] {threshold:g} 单算不上“经常购买”：一半客户的订单数不少于 "
            f"{median:g}。请选择不低于 {median:g} 的门槛。")]
    n_frequent, expected = _frequent_losers(float(threshold))
    if n_frequent < MIN_FREQUENT_CUSTOMERS:
        return [tell(
            f"[min_frequency] Only {n_frequent} customers have {threshold:g} orders or more: "
            f"too few to say anything about frequent buyers in general. Choose a lower "
            f"threshold (at least {MIN_FREQUENT_CUSTOMERS} customers).",
            f"[min_frequency] 只有 {n_frequent} 个客户的订单数不少于 {threshold:g}：太少，"
            f"不足以说明经常购买的客户整体。请降低门槛（至少覆盖 "
            f"{MIN_FREQUENT_CUSTOMERS} 个客户）。")]
    return [f"[loser_share] {p}" for p in compare(share, expected)[:1]]


# --------------------------------------------------------------------------- the records
TX = ("retail_transactions",)

EXERCISES = register(
    Exercise(
        "3.1", expected=_recency_summary, data=TX, convention=COMPARE,
        task=Hint(
            "Read the RFM table: count its customers, give their mean recency and the "
            "share who bought recently.",
            "读懂 RFM 表：数出客户数，给出平均最近购买天数以及近期购买过的客户占比。"),
        hints=[Hint(
            "One row is one customer; a share of customers is a fraction between 0 and 1, "
            "the mean of a True/False condition.",
            "一行就是一位客户；客户占比是 0 到 1 之间的小数，即 True/Fals"
            "e 条件的平均值。"),
            pointer("len", "Series.mean")],
    ),
    Exercise(
        "3.2", expected=_orders_per_customer, data=TX, convention=COMPARE,
        ordered=False, mistakes=_mistakes_3_2,
        after=[When(lambda answer, want: not answer.is_monotonic_decreasing,
                    "The counts are right, but not sorted from most to fewest orders: "
                    "use .sort_values(ascending=False).",
                    "计数正确，但没有从多到少排序：请用 .sort_values(ascending=False)。")],
        task=Hint(
            "Count the orders of each customer yourself and sort from the most orders to "
            "the fewest.",
            "自己数出每位客户的订单数，并按从多到少排序。"),
        hints=[Hint(
            "A return is not an order: leave out the rows with a negative amount before "
            "counting, then count rows per customer.",
            "退货不是订单：计数前先去掉金额为负的行，再按客户数行数。"),
            pointer("DataFrame.groupby", "GroupBy.size", "Series.sort_values")],
    ),
    Exercise(
        "3.3", expected=_scores, data=TX, convention=COMPARE,
        parts={"r_scores": Part(mistakes=_mistakes_3_3_r)},
        task=Hint(
            "Score the table into quintiles with the defaults, give the share of "
            "top-scored customers and the R scores of the customers listed.",
            "用默认设置把表格按五分位打分，给出最高分客户的占比以及所列客户的 R 分。"),
        hints=[Hint(
            "Keep the default way of breaking ties; the most recent buyers get the "
            "highest R score, and an RFM code is text.",
            "保持默认的并列处理方式；最近购买的客户 R 分最高，RFM 代码是文本。"),
            pointer("rfm.rfm_scores", "DataFrame.loc")],
    ),
    Exercise(
        "3.4", expected=_segments, data=TX, convention=COMPARE, ordered=False,
        parts={"cn8_counts": Part(mistakes=_mistakes_3_4_counts)},
        task=Hint(
            "Count the customers in each of the textbook's eight segments, and name the "
            "RF segment of the customer given.",
            "数出教材八类细分中每类的客户数，并指出所给客户所在的 RF 细分。"),
        hints=[Hint(
            "The eight segments use the Chinese names; the ten RF segments need the "
            "quintile scores first and use the English names.",
            "八类细分使用中文名称；十类 RF 细分要先打五分位分数，并使用英文名称。"),
            pointer("rfm.rfm_segments", "rfm.rfm_scores", "Series.value_counts")],
    ),
    Exercise(
        "3.5", expected=_busy_losers, data=TX, convention=COMPARE,
        parts={"busy_loser_order_share": Part(mistakes=_mistakes_3_5_share)},
        task=Hint(
            "Count the busy customers who lose money and give their share of all orders.",
            "数出亏损的忙碌客户，并给出他们在全部订单中的占比。"),
        hints=[Hint(
            "Join the RFM table with each customer's profit; a share of orders sums their "
            "orders and divides by the orders of all customers.",
            "把 RFM 表与每位客户的利润连接；订单占比是这些客户的订单之和除以全部客户"
            "的订单之和。"),
            pointer("rfm.customer_profit", "DataFrame.join")],
    ),
    Exercise(
        "3.6", expected=_due_soon, data=TX, convention=COMPARE,
        parts={"due_soon": Part(mistakes=_mistakes_3_6_due),
               "cycle_c00010": Part(mistakes=_mistakes_3_6_cycle)},
        task=Hint(
            "List the days until the next purchase of the customers due soon, and give "
            "the purchase cycle asked.",
            "列出即将到期客户距下次购买的天数，并给出题目要求的购买周期。"),
        hints=[Hint(
            "The purchase cycle is the typical gap between two purchases (a median, not a "
            "mean); keep only the customers whose status is due soon.",
            "购买周期是两次购买之间的典型间隔（中位数，不是平均数）；只保留状态为即将到期"
            "的客户。"),
            pointer("rfm.purchase_cycle")],
    ),
    Exercise(
        "3.7", expected=_frequent_buyers, data=TX, judge=_judge_3_7,
        decision="frequent_always_valuable",
        task=Hint(
            "Choose your threshold for buying often and give the share of those customers "
            "who lose money.",
            "选定“经常购买”的门槛，并给出这些客户中亏损者的占比。"),
        hints=[Hint(
            "Frequent buyers are the customers at or above your threshold; compare their "
            "profit with zero and take the share.",
            "经常购买的客户是达到或超过门槛的客户；把他们的利润与零比较，再求占比。"),
            pointer("rfm.customer_profit", "Series.mean")],
    ),
)

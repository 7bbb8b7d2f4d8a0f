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
import numbers
from typing import Any

import numpy as np
import pandas as pd

from crmlab.exercises._compare import compare
from crmlab.exercises._judging import When, tell
from crmlab.exercises._registry import COMPARE, Exercise, Hint, Tolerance, register
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


@functools.cache
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
@functools.cache
def _recency_summary() -> dict:
    table = _data()["table"]
    return {
        "n_customers": len(table),
        "mean_recency": float(table["recency"].mean()),
        "recent_share": float((table["recency"] <= 30).mean()),
    }


# --------------------------------------------------------------------------- 3.2
@functools.cache
def _orders_per_customer():
    """Orders per customer, most first (ties by customer id); any order of ties passes."""
    return _data()["table"]["frequency"].sort_values(ascending=False, kind="stable")


# --------------------------------------------------------------------------- 3.3
@functools.cache
def _scores() -> dict:
    scored = _data()["scored"]
    return {
        "share_555": float((scored["rfm_code"] == "555").mean()),
        "r_scores": scored.loc[R_SCORE_CUSTOMERS, "r_score"],
    }


# --------------------------------------------------------------------------- 3.4
@functools.cache
def _segments() -> dict:
    from crmlab import rfm

    table = _data()["table"]
    counts = rfm.rfm_segments(table, scheme="cn8", language="zh")["segment"].value_counts(
        sort=False)
    counts = pd.Series(counts.to_numpy(), index=pd.Index(counts.index.astype(str),
                                                         name="segment"), name="count")
    rf10 = rfm.rfm_segments(_data()["scored"])
    return {"cn8_counts": counts, "segment_c00002": str(rf10.loc["C00002", "segment"])}


# --------------------------------------------------------------------------- 3.5
@functools.cache
def _busy_losers() -> dict:
    data = _data()
    joined = data["table"].join(data["profit"]["profit"])
    losers = joined[(joined["frequency"] >= BUSY_ORDERS) & (joined["profit"] < 0)]
    return {
        "n_busy_losers": len(losers),
        "busy_loser_order_share": float(losers["frequency"].sum() / joined["frequency"].sum()),
    }


# --------------------------------------------------------------------------- 3.6
@functools.cache
def _due_soon() -> dict:
    from crmlab import rfm

    cycle = rfm.purchase_cycle(_data()["tx"], due_window=3)
    due = cycle.loc[cycle["status"] == "due soon", "days_until_due"].astype("int64")
    return {"due_soon": due, "cycle_c00010": float(cycle.loc["C00010", "median_interval"])}


# --------------------------------------------------------------------------- 3.7
def _frequent_losers(min_frequency: float) -> tuple[int, float]:
    data = _data()
    joined = data["table"].join(data["profit"]["profit"])
    frequent = joined[joined["frequency"] >= min_frequency]
    if frequent.empty:
        return 0, float("nan")
    return len(frequent), float((frequent["profit"] < 0).mean())


@functools.cache
def _frequent_buyers() -> dict:
    """The solution's answer: the top fifth by frequency (other thresholds pass too)."""
    threshold = float(_data()["table"]["frequency"].quantile(FREQUENT_QUANTILE_3_7))
    _, share = _frequent_losers(threshold)
    return {"frequent_always_valuable": bool(share == 0), "min_frequency": threshold,
            "loser_share": share}


def _judge_3_7(answer, want) -> list[str]:
    """Any threshold from the median up that covers enough customers, with its share."""
    keys = ("frequent_always_valuable", "min_frequency", "loser_share")
    if not isinstance(answer, dict):
        return [say("want_type", want="dict", got=type(answer).__name__)]
    missing = [k for k in keys if k not in answer]
    if missing:
        return [say("missing_keys", keys=", ".join(missing))]
    if any(answer[k] is Ellipsis or answer[k] is None for k in keys):
        return [say("unanswered")]
    verdict, threshold, share = (answer[k] for k in keys)
    if not isinstance(verdict, (bool, np.bool_)):
        kind = "text" if isinstance(verdict, str) else type(verdict).__name__
        return ["[frequent_always_valuable] " + say("want_type", want="True or False", got=kind)]
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
    problems = compare(share, expected)
    if problems:
        return [f"[loser_share] {problems[0]}"]
    if bool(verdict) != (expected == 0):
        return [tell(
            f"[frequent_always_valuable] Look at your own number: {expected:.0%} of the "
            f"customers with {threshold:g}+ orders lose money.",
            f"[frequent_always_valuable] 看看你自己算出的数字：订单数不少于 {threshold:g} 的客户中"
            f"有 {expected:.0%} 在亏损。")]
    return []


# --------------------------------------------------------------------------- the records
TX = ("retail_transactions",)

EXERCISES = register(
    Exercise(
        "3.1", expected=_recency_summary, data=TX, convention=COMPARE,
        hints=[Hint(
            "len(table) counts the customers; table['recency'].mean() is the mean recency; "
            "(table['recency'] <= 30).mean() is the share of True values, a fraction.",
            "len(table) 是客户数；table['recency'].mean() 是平均最近购买天数；"
            "(table['recency'] <= 30).mean() 是 True 的占比（小数）。")],
    ),
    Exercise(
        "3.2", expected=_orders_per_customer, data=TX, convention=COMPARE,
        ordered=False,
        after=[When(lambda answer, want: not answer.is_monotonic_decreasing,
                    "The counts are right, but not sorted from most to fewest orders: "
                    "use .sort_values(ascending=False).",
                    "计数正确，但没有从多到少排序：请用 .sort_values(ascending=False)。")],
        hints=[Hint(
            "Keep the purchases (tx['amount'] >= 0; a return is not an order), group by "
            "'customer_id', count the rows with .size(), then .sort_values(ascending=False).",
            "先保留购买记录（tx['amount'] >= 0；退货不算订单），按 'customer_id' 分组，"
            "用 .size() 计数，再 .sort_values(ascending=False)。")],
    ),
    Exercise(
        "3.3", expected=_scores, data=TX, convention=COMPARE,
        hints=[Hint(
            "scored = rfm.rfm_scores(table) (quintiles, ties='rank-first', the defaults); "
            "compare scored['rfm_code'] with the text '555' and take the mean; select the R "
            "scores with scored.loc[customers, 'r_score']. The most recent buyers get R = 5.",
            "scored = rfm.rfm_scores(table)（默认：五分位、ties='rank-first'）；把 "
            "scored['rfm_code'] 与文本 '555' 比较后取平均；用 scored.loc[customers, 'r_score'] "
            "选出 R 分。最近购买的客户 R = 5。")],
    ),
    Exercise(
        "3.4", expected=_segments, data=TX, convention=COMPARE, ordered=False,
        hints=[Hint(
            "rfm.rfm_segments(table, scheme='cn8', language='zh') adds 'segment'; count it "
            "with .value_counts(). For the ten RF segments score first: "
            "rfm.rfm_segments(rfm.rfm_scores(table)), then .loc['C00002', 'segment'].",
            "rfm.rfm_segments(table, scheme='cn8', language='zh') 会添加 'segment' 列，用 "
            ".value_counts() 计数。十类 RF 细分要先打分：rfm.rfm_segments(rfm.rfm_scores(table))，"
            "再取 .loc['C00002', 'segment']。")],
    ),
    Exercise(
        "3.5", expected=_busy_losers, data=TX, convention=COMPARE,
        tolerance=Tolerance(atol=1e-3),
        hints=[Hint(
            "Join the RFM table with rfm.customer_profit(tx); busy = frequency >= 52, losing "
            "money = profit < 0. Share of orders = their frequency summed / the frequency of "
            "all customers summed (a fraction).",
            "把 RFM 表与 rfm.customer_profit(tx) 连接；忙碌 = frequency >= 52，"
            "亏损 = profit < 0。订单占比 = 这些客户的 frequency 之和 / "
            "全部客户的 frequency 之和（小数）。")],
    ),
    Exercise(
        "3.6", expected=_due_soon, data=TX, convention=COMPARE,
        hints=[Hint(
            "cycle = rfm.purchase_cycle(tx, due_window=3); keep the rows with status "
            "'due soon' and their column 'days_until_due' (a Series). The cycle is the column "
            "'median_interval' (the median, not the mean).",
            "cycle = rfm.purchase_cycle(tx, due_window=3)；保留 status 为 'due soon' 的行，"
            "取其 'days_until_due' 列（Series）。购买周期是 'median_interval' 列"
            "（中位数，不是平均数）。")],
    ),
    Exercise(
        "3.7", expected=_frequent_buyers, data=TX, judge=_judge_3_7,
        hints=[Hint(
            "Pick a threshold for 'buys often' (at least the median frequency), keep the "
            "customers of the RFM table with frequency >= it, join rfm.customer_profit(tx) "
            "and take the mean of profit < 0.",
            "为“经常购买”选一个门槛（不低于频次中位数），保留 RFM 表中 frequency >= 门槛的客户，"
            "连接 rfm.customer_profit(tx)，再对 profit < 0 取平均。")],
    ),
)

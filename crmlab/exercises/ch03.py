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

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

from crmlab.exercises._compare import compare
from crmlab.exercises._concept import concept_check
from crmlab.exercises._judging import When, tell
from crmlab.exercises._registry import COMPARE, Exercise, Finding, Hint, Part, pointer, register
from crmlab.exercises._text import say
from crmlab.exercises._variant import per_variant

__all__ = ["EXERCISES", "FINDINGS", "SERVE_FIXED_3_8", "expected", "own_seed"]

#: Exercise 3.3 asks for the R scores of the first three customers of the table and of the
#: last three (by id) who bought this many days before the analysis date: on the bundled
#: data rank-first and ties="value" give these three different scores (5 versus 4).
R_SCORE_RECENCY = 5

#: Exercise 3.4: "long ago" is a last purchase more than a year before the analysis date.
LAPSED_RECENCY_3_4 = 365

#: "Busy" in exercise 3.5: at least one order a week on average over the two years.
BUSY_ORDERS = 52

#: Exercise 3.7: the smallest number of customers a definition of "buys often" must cover.
MIN_FREQUENT_CUSTOMERS = 50

#: Exercise 3.7: the solution's "buys often", the top fifth by frequency (a quantile).
FREQUENT_QUANTILE_3_7 = 0.8

#: Exercise 3.8: every order served at the store's cost (yuan), whatever its channel.
SERVE_FIXED_3_8 = {"store": 3.0, "online": 3.0, "app": 3.0}


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
        "3.1" to "3.9".

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
@per_variant
def _r_score_customers() -> list[str]:
    """The customers of 3.3: the first three of the table, the last three with recency 5."""
    table = _data()["table"]
    tied = table.index[table["recency"] == R_SCORE_RECENCY]
    return [*table.index[:3], *tied[-3:]]


def _mistakes_3_3_r(want):
    from crmlab import rfm

    by_value = rfm.rfm_scores(_data()["table"], ties="value")
    return [(by_value.loc[_r_score_customers(), "r_score"],
             "These scores break ties by value: keep the default rule, which breaks ties by "
             "rank, so tied customers are spread over the quintiles.",
             "这些分数按数值处理并列：请保持默认规则，即按名次处理并列，"
             "让并列的客户分布到各个五分位。")]


@per_variant
def _scores() -> dict:
    scored = _data()["scored"]
    return {
        "share_555": float((scored["rfm_code"] == "555").mean()),
        "r_scores": scored.loc[_r_score_customers(), "r_score"],
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
    return {"cn8_counts": counts,
            "segment_lapsed_buyer": str(rf10.loc[_lapsed_buyer(), "segment"])}


@per_variant
def _lapsed_buyer() -> str:
    """3.4: the customer with the most orders among those who last bought over a year ago."""
    table = _data()["table"]
    lapsed = table[table["recency"] > LAPSED_RECENCY_3_4]
    return str(lapsed["frequency"].idxmax())


def _mistakes_3_4_counts(want):
    from crmlab import rfm

    english = rfm.rfm_segments(_data()["table"], scheme="cn8")["segment"].value_counts()
    return [When(lambda answer, _: set(map(str, answer.index)) == set(map(str, english.index)),
                 "The segments carry their English names: the textbook's eight segments use "
                 "the Chinese names, which the function gives when asked for Chinese.",
                 "细分用了英文名称：教材的八类细分使用中文名称，函数在要求中文时会给出。")]


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
                 "Those order counts include the returns (the orders column of the profit "
                 "table): count the orders as the RFM table's frequency does.",
                 "这些订单数包含了退货（利润表中的 orders 列）：请按 RFM 表的 frequency "
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
    return {"due_soon": due,
            "cycle_first_due": float(cycle.loc[due.index[0], "median_interval"])}


def _mistakes_3_6_due(want):
    from crmlab import rfm

    week = rfm.purchase_cycle(_data()["tx"])
    return [(week.loc[week["status"] == "due soon", "days_until_due"],
             "That is the default window of a week: Wang Yongqing can deliver for the next "
             "3 days only, so the window is 3 days.",
             "这是默认的一周窗口：王永庆只能在接下来 3 天内送米，所以窗口是 3 天。")]


def _mistakes_3_6_cycle(want):
    cycle = _cycle()
    first = _due_soon()["due_soon"].index[0]
    return [(float(cycle.loc[first, "mean_interval"]),
             "That is the mean gap between purchases: the cycle is the median gap, which "
             "one long pause does not pull up.",
             "这是购买间隔的平均数：购买周期是间隔的中位数，不会被一次长时间的停顿拉高。")]


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


# --------------------------------------------------------------------------- 3.8
def own_seed() -> int | None:
    """The generator seed of the student's own retail data (None: the bundled data).

    ``crmlab.datasets.simulate`` keeps the bundled file's seed unless given one; with this
    seed the simulated data differ from the student's ``tx`` by the changed setting only.

    Examples
    --------
    >>> own_seed() is None  # no variant set: the bundled data
    True
    """
    from crmlab import datasets

    variant = datasets.current_variant()
    return None if variant is None else datasets.variant_seed("retail_transactions", variant)


def _busy_counts(tx) -> dict:
    from crmlab import rfm

    table = rfm.rfm_table(tx, order="order_id")
    joined = table.join(rfm.customer_profit(tx)["profit"])
    busy = joined[joined["frequency"] >= BUSY_ORDERS]
    return {"n_busy_cheap": len(busy), "n_busy_losers_cheap": int((busy["profit"] < 0).sum())}


@per_variant
def _cheap_service() -> dict:
    from crmlab import datasets

    return _busy_counts(datasets.simulate("retail_transactions", seed=own_seed(),
                                          serve_fixed=SERVE_FIXED_3_8))


def _mistakes_3_8_losers(want):
    found = [(_busy_losers()["n_busy_losers"],
              "That is the count in your own data, with delivery as costly as before: count "
              "the busy customers who lose money in the simulated data.",
              "这是你自己数据中的人数，配送成本没有改变：请在模拟数据中数出亏损的忙碌客户。")]
    if own_seed() is not None:
        from crmlab import datasets

        bundled = _busy_counts(datasets.simulate("retail_transactions",
                                                 serve_fixed=SERVE_FIXED_3_8))
        found.append((bundled["n_busy_losers_cheap"],
                      "That is the bundled data made again, not your own: give the simulation "
                      "your own seed, so that only the cost to serve changes.",
                      "这是重新生成的随书数据，不是你自己的数据：请把你自己的种子交给模拟，"
                      "让唯一的变化是服务成本。"))
    return found


# --------------------------------------------------------------------------- FINDINGS
def _cheap_profit():
    """Each customer's profit had every purchase cost the store's cost to serve.

    The generator adds ``SERVE_FIXED`` of the order's channel to each purchase's cost
    (returns have their own cost), so this is what ``simulate(..., serve_fixed=...)`` gives,
    computed from the loaded data in milliseconds.
    """
    from crmlab import _synth

    tx = _data()["tx"]
    saving = tx["channel"].astype(str).map(
        {c: _synth.SERVE_FIXED[c] - SERVE_FIXED_3_8[c] for c in SERVE_FIXED_3_8})
    saving = saving.where(tx["amount"] >= 0, 0.0)
    return _data()["profit"]["profit"] + saving.groupby(tx["customer_id"]).sum()


def _busy_joined():
    data = _data()
    return data["table"].join(data["profit"]["profit"])


def _fewer_busy_losers_when_delivery_is_cheap() -> bool:
    busy = _busy_joined()["frequency"] >= BUSY_ORDERS
    cheap = _cheap_profit().reindex(busy.index)
    return bool(int((busy & (cheap < 0)).sum()) < _busy_losers()["n_busy_losers"])


def _frequent_lose_more_often() -> bool:
    joined = _busy_joined()
    _, share = _frequent_losers(float(joined["frequency"].quantile(FREQUENT_QUANTILE_3_7)))
    return bool(0 < share and share > (joined["profit"] < 0).mean())


def _busy_losers_order_share_above_customer_share() -> bool:
    joined = _busy_joined()
    losers = (joined["frequency"] >= BUSY_ORDERS) & (joined["profit"] < 0)
    return bool(losers.any()
                and losers.mean() < joined.loc[losers, "frequency"].sum()
                / joined["frequency"].sum())


#: The facts of the data the exercise texts and rubrics rely on, in every variant.
FINDINGS = (
    Finding("3.3: at least three customers bought exactly 5 days before the analysis date",
            lambda: bool((_data()["table"]["recency"] == R_SCORE_RECENCY).sum() >= 3)),
    Finding("3.4: some customers last bought more than a year before the analysis date",
            lambda: bool((_data()["table"]["recency"] > LAPSED_RECENCY_3_4).any())),
    Finding("3.5: some busy customers lose money, and they place a larger share of the "
            "orders than their share of the customers",
            _busy_losers_order_share_above_customer_share),
    Finding("3.6: some customers are due within the next 3 days",
            lambda: bool(len(_due_soon()["due_soon"]) > 0)),
    Finding("3.7: the top fifth by frequency lose money more often than customers overall",
            _frequent_lose_more_often),
    Finding("3.8: with every purchase served at the store's cost, fewer busy customers lose "
            "money", _fewer_busy_losers_when_delivery_is_cheap),
)


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
                    "The counts are right, but not sorted from the most orders to the "
                    "fewest: sort them in descending order.",
                    "计数正确，但没有从多到少排序：请按降序排列。")],
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
            "RF segment of the customer described.",
            "数出教材八类细分中每类的客户数，并指出题中所描述客户所在的 RF 细分。"),
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
               "cycle_first_due": Part(mistakes=_mistakes_3_6_cycle)},
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
    Exercise(
        "3.8", expected=_cheap_service, data=TX, convention=COMPARE,
        parts={"n_busy_losers_cheap": Part(mistakes=_mistakes_3_8_losers)},
        task=Hint(
            "Make the retailer's data again with every order as cheap to serve as a store "
            "order, and count the busy customers and those of them who lose money.",
            "在每笔订单的服务成本都与门店订单相同的设定下重新生成零售商数据，数出忙碌客户"
            "以及其中亏损的客户。"),
        hints=[Hint(
            "Change only the fixed cost to serve of each channel, keep your own seed, and "
            "count busy customers and losses exactly as in exercise 3.5.",
            "只改变各渠道的固定服务成本，保留你自己的种子，并按练习 3.5 的方法数出忙碌客户"
            "和亏损客户。"),
            pointer("crmlab.datasets.simulate", "crmlab.datasets.parameters",
                    "rfm.customer_profit")],
    ),
    concept_check(
        "3.9", "B", {
            "A": ("That option counts orders: a count of orders is F, frequency (消费频率), "
                  "not R. Recency is a time.",
                  "这个选项数的是订单：订单数是 F（消费频率），不是 R。最近一次消费是一段时间。"),
            "C": ("The time from the first to the last purchase is the recency of the BTYD "
                  "summary (chapter 09). RFM's R looks back from the analysis date, so it "
                  "says how long the customer has been silent.",
                  "从第一次到最后一次购买的时间是 BTYD 汇总中的 recency（第 09 章）。RFM 的 R "
                  "从分析日往回看，说明客户已经沉默了多久。"),
            "D": ("A 1-to-5 score of total spend is the M score (消费金额). R is measured in "
                  "days before it is scored, and it is about time, not money.",
                  "按消费总额打的 1 到 5 分是 M 分（消费金额）。R 先以天数计量再打分，它关乎"
                  "时间，而不是金额。"),
        },
        task=Hint("Choose the letter of the option that says what R measures.",
                  "选出说明 R 衡量什么的那个选项的字母。"),
        nudge=Hint("R, F and M each answer one question about a customer: how long ago, how "
                   "often, how much. Which one is R's?",
                   "R、F、M 各回答客户的一个问题：多久以前、多频繁、多少钱。R 回答的是哪一个？")),
)

"""Checks for the chapter 06 exercises (solutions/06_segmentation.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module). Every expected value is computed with :mod:`crmlab.segmentation` on the
bundled ``retail_transactions`` and ``retail_customers``, exactly as the solution
notebook does (:func:`expected`). Answers with several parts are checked as a dict built
in the check cell (``{"sizes": sizes, "revenue_share_0": revenue_share_0}``) and the
feedback names the part, e.g. ``[sizes] ...``. When an answer is wrong but equals a
known wrong answer, computed from the real data (the buyers instead of all members, the
default 180-day lapsed threshold, k-means without the log, the row label of the best k
instead of k, the chapter's value assessment instead of the income-based one, ...), the
feedback says so in one sentence instead of "too high". The wrong k-means answers are
fitted only when an answer is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from crmlab.exercises._concept import concept_check
from crmlab.exercises._judging import (
    CUSTOMER_SHARE_NOT_COUNT,
    TIGHT,
    Convention,
    Mistake,
    When,
    descending,
    matches,
)
from crmlab.exercises._registry import Exercise, Finding, Hint, Part, pointer, register
from crmlab.exercises._variant import per_variant
from crmlab.exercises.ch03 import own_seed

__all__ = ["EXERCISES", "FINDINGS", "expected", "COLUMNS", "LOGGED", "COLUMNS_6_4",
           "LOGGED_6_4", "LAPSED_DAYS_6_2", "TOP_6_6", "BASKET_6_7"]

#: The chapter's k-means features (exercise 6.3) and the skewed ones among them.
COLUMNS = ["orders", "mean_basket", "recency_days", "online_share", "categories"]
LOGGED = ["orders", "mean_basket", "recency_days"]
#: Exercise 6.4: how often, how recently and where customers buy.
COLUMNS_6_4 = ["orders", "recency_days", "online_share"]
LOGGED_6_4 = ["orders", "recency_days"]
#: Exercise 6.2: a customer has lapsed after a year without a purchase.
LAPSED_DAYS_6_2 = 365
#: Exercise 6.6: the biggest spenders, the top 20 % of the 5,000 members.
TOP_6_6 = 1000
#: Exercise 6.7: convenience shoppers' baskets made as large as the family-bulk buyers'.
BASKET_6_7 = {"price-sensitive": 0.75, "quality-seeker": 1.5, "convenience": 1.8,
              "family-bulk": 1.8}


# --------------------------------------------------------------------------- data
@per_variant
def _data():
    """(transactions, customers, features of all members, features of the buyers)."""
    import crmlab
    from crmlab import segmentation

    tx = crmlab.load_data("retail_transactions")
    customers = crmlab.load_data("retail_customers")
    features = segmentation.customer_features(tx, customers, order="order_id")
    return tx, customers, features, features[features["orders"] > 0]


def _features():
    return _data()[2]


def _buyers():
    return _data()[3]


@per_variant
def _kmeans(k: int = 4, logged: bool = True, scale: str | None = "standard"):
    from crmlab import segmentation

    return segmentation.kmeans_segments(_buyers(), columns=COLUMNS, k=k,
                                        log=LOGGED if logged else (), scale=scale)


@per_variant
def _choose(logged: bool = True, chapter: bool = False):
    """choose_k for k = 2..6 on the features of 6.4 (or, ``chapter=True``, of the chapter)."""
    from crmlab import segmentation

    columns, log = (COLUMNS, LOGGED) if chapter else (COLUMNS_6_4, LOGGED_6_4)
    return segmentation.choose_k(_buyers(), columns=columns, k_range=range(2, 7),
                                 log=log if logged else ())


@per_variant
def _valued(potential: str = "mean_basket", buyers_only: bool = False):
    from crmlab import segmentation

    return segmentation.value_assessment(_buyers() if buyers_only else _features(),
                                         potential=potential)


def _stages(data=None, **kwargs):
    from crmlab import segmentation

    data = _features() if data is None else data
    return segmentation.lifecycle_stage(data, **kwargs)["stage"].value_counts(sort=False)


def _top_spenders(data=None, n: int = TOP_6_6):
    data = _valued() if data is None else data
    return data.sort_values("spend", ascending=False, kind="stable").head(n)


def _plus(frame):
    """Exercise 6.1 asks about the plus members only (the chapter showed every member)."""
    return frame[frame["membership"] == "plus"]


@per_variant
def _mean_spend():
    return (_plus(_features()).groupby("lifestyle", observed=True)["spend"].mean()
            .sort_values(ascending=False))


@per_variant
def _stage_counts():
    return _stages(lapsed_days=LAPSED_DAYS_6_2)


@per_variant
def _segment_sizes() -> dict:
    from crmlab import segmentation

    segmented = _kmeans()
    profiles = segmentation.segment_profiles(segmented)
    return {"sizes": segmented["segment"].value_counts().sort_index(),
            "revenue_share_0": float(profiles.loc[0, "revenue_share"])}


@per_variant
def _best_k() -> dict:
    choice = _choose()
    best = int(choice.loc[choice["silhouette"].idxmax(), "k"])
    return {"best_k": best,
            "best_silhouette": float(choice.set_index("k").loc[best, "silhouette"])}


@per_variant
def _income_potential() -> dict:
    chapter, income = _valued(), _valued("income_band")
    high = income["value_class"] == "high"
    return {"high_losing": int((high & (income["profit"] < 0)).sum()),
            "left_high": int(((chapter["value_class"] == "high")
                              & (income["value_class"] != "high")).sum())}


@per_variant
def _top_spenders_losing() -> dict:
    return {"high_spend_is_high_value": False,
            "top_losing": int((_top_spenders()["profit"] < 0).sum())}


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 06 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "6.1" to "6.8".

    Returns
    -------
    object
        A Series (6.1, 6.2) or a dict of the parts, keyed by the variable names the
        check cell passes (6.3 to 6.6). Cached: do not modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 06 does not have.

    Examples
    --------
    >>> expected("6.5")
    {'high_losing': 24, 'left_high': 316}
    >>> expected("6.2").to_dict()
    {'prospect': 143, 'first-time': 234, 'repeat': 1755, 'loyal': 2070, 'lapsed': 798}
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- judging
#: The wrong answers come from groupbys and k-means fits: a known mistake is recognised in
#: any order.
CONVENTION = Convention(mistakes_in_any_order=True)

_SHARE_NOT_COUNT = (
    "These are shares of customers: the question asks for numbers of customers "
    "(counts, not shares normalised to 1).",
    "这是客户占比：题目要求客户人数（计数，而不是归一化为 1 的占比）。")


# --------------------------------------------------------------------------- 6.1
def _mistakes_6_1(want) -> list[Mistake]:
    tx, customers, everyone, _ = _data()
    features = _plus(everyone)
    buyers = features[features["orders"] > 0]
    by = features.groupby("lifestyle", observed=True)
    tx = tx[tx["customer_id"].isin(features.index)]
    per_order = tx.merge(customers[["customer_id", "lifestyle"]], on="customer_id")
    gross = tx["amount"].clip(lower=0).groupby(tx["customer_id"]).sum()
    gross = features.join(gross.rename("gross")).fillna({"gross": 0.0})
    return [
        (everyone.groupby("lifestyle", observed=True)["spend"].mean(),
         "That is the mean over every member, as in the chapter: the question asks for the "
         "plus members only.",
         "这是全部会员的均值（即本章的结果）：题目只问 plus 会员。"),
        (buyers.groupby("lifestyle", observed=True)["spend"].mean(),
         f"That is the mean over the {len(buyers):,} plus members who bought: the question "
         f"asks for all {len(features):,} plus members, a member who never bought counting "
         f"with spend 0.",
         f"这是 {len(buyers):,} 位有购买的 plus 会员的均值：题目要求全部 {len(features):,} 位 "
         f"plus 会员的均值，从未购买的会员按消费 0 计入。"),
        (by.size(),
         "These are numbers of members per lifestyle: the question asks for the mean net "
         "spend of a member in each lifestyle.",
         "这是各生活方式的会员人数：题目要求每种生活方式会员的平均净消费。"),
        (by["spend"].sum(),
         "These are total spends: divide by the number of members, i.e. take the mean.",
         "这是消费总额：还要除以会员人数，即取均值。"),
        (by["spend"].sum() / features["spend"].sum(),
         "These are shares of the total revenue: the question asks for the mean spend per "
         "member.",
         "这是占总收入的比例：题目要求每位会员的平均消费。"),
        (by["spend"].median(),
         "These are medians: the question asks for the mean.",
         "这是中位数：题目要求均值。"),
        (by["profit"].mean(),
         "These are mean profits: the question asks for the mean net spend (the spend "
         "feature).",
         "这是平均利润：题目要求平均净消费（spend 特征）。"),
        (per_order.groupby("lifestyle", observed=True)["amount"].mean(),
         "That is the mean amount per order: add up each member's orders first (spend), "
         "then average over the members.",
         "这是每笔订单的平均金额：请先汇总每位会员的订单（spend），再对会员求平均。"),
        (gross.groupby("lifestyle", observed=True)["gross"].mean(),
         "Returns are left out: net spend keeps the negative amounts (the spend feature).",
         "漏掉了退货：净消费要包含负的金额（即 spend 特征）。"),
    ]


# --------------------------------------------------------------------------- 6.2
def _hand_rolled(first_time_first: bool = False, at_least: bool = False):
    """Stage counts of a hand-written rule: the one-order rule before the lapsed rule,
    or 'lapsed' from 365 days on (>=) instead of after 365 days (>)."""
    import numpy as np
    import pandas as pd

    from crmlab.segmentation import LIFECYCLE_STAGES

    f = _features()
    n, r = f["orders"], f["recency_days"]
    lapsed = r >= LAPSED_DAYS_6_2 if at_least else r > LAPSED_DAYS_6_2
    loyal = (n >= 12) & (r <= 90)
    if first_time_first:
        rules = [n == 0, n == 1, lapsed, loyal]
        names = ["prospect", "first-time", "lapsed", "loyal"]
    else:
        rules = [n == 0, lapsed, loyal, n == 1]
        names = ["prospect", "lapsed", "loyal", "first-time"]
    stage = pd.Categorical(np.select(rules, names, default="repeat"),
                           categories=list(LIFECYCLE_STAGES))
    return pd.Series(stage).value_counts(sort=False)


_NO_PROSPECTS = (
    "The prospects are missing: stage all 5,000 members (features), including those who "
    "never bought.",
    "缺少潜在客户：请对全部 5,000 位会员（features）划分阶段，包括从未购买的会员。")


def _mistakes_6_2(want) -> list[Mistake]:
    buyers = _stages(_buyers(), lapsed_days=LAPSED_DAYS_6_2)
    return [
        (_stages(),
         "These are the default thresholds (lapsed after 180 days): here a customer has "
         "lapsed after a year without a purchase, so change the lapsed threshold.",
         "这是默认阈值（180 天未购买即流失）：本题规定一年未购买才算流失，"
         "所以要修改流失阈值。"),
        (_stages(lapsed_days=LAPSED_DAYS_6_2, active_days=LAPSED_DAYS_6_2),
         "You changed active_days too: only the lapsed threshold changes (loyal customers "
         "still bought within the last 90 days).",
         "你把 active_days 也改了：只改流失阈值（忠诚客户仍要求最近 90 天内有购买）。"),
        *[(counts, *_NO_PROSPECTS) for counts in (buyers, buyers.drop("prospect"))],
        (_stages(lapsed_days=LAPSED_DAYS_6_2, language="zh"),
         "The right counts with the Chinese stage names: keep the English names (the "
         "default language).",
         "人数正确但用了中文阶段名：请保留英文名（默认语言）。"),
        (want / want.sum(), *_SHARE_NOT_COUNT),
        (_hand_rolled(first_time_first=True),
         "A one-order customer who has not bought for over a year is lapsed, not "
         "first-time: apply the lapsed rule before the one-order rule (as lifecycle_stage "
         "does).",
         "只买过一次但超过一年未购买的客户属于流失客户，而不是新客户：应先判断流失，"
         "再判断是否只有一单（与 lifecycle_stage 相同）。"),
        (_hand_rolled(at_least=True),
         "'More than 365 days' leaves out a customer silent for exactly 365 days: she has "
         "not lapsed yet.",
         "“超过 365 天”不包括正好沉默 365 天的客户：她还不算流失。"),
    ]


# --------------------------------------------------------------------------- 6.3
def _sizes(segmented):
    return segmented["segment"].value_counts().sort_index()


def _mistakes_6_3_sizes(want) -> Iterator[Mistake]:
    yield (want / want.sum(), *_SHARE_NOT_COUNT)
    yield (_sizes(_kmeans(k=5)),
           "These are the chapter's 5 segments: this exercise asks for four.",
           "这是正文中的 5 个细分：本题要求 4 个。")
    yield (_sizes(_kmeans(logged=False)),
           "These are the segments without the log: the skewed orders, basket and recency "
           "are log-transformed before scaling.",
           "这是未做对数变换的分群：偏态的订单数、客单价和最近购买天数要先做对数变换"
           "再标准化。")
    yield (_sizes(_kmeans(scale=None)),
           "These are segments on unscaled features: keep the default standardisation "
           "(z-scores).",
           "这是未标准化的分群：请保留默认的标准化（z 分数）。")


def _mistakes_6_3_share(want) -> Iterator[Mistake]:
    from crmlab import segmentation

    profiles = segmentation.segment_profiles(_kmeans())
    yield (float(profiles.loc[0, "customer_share"]),
           "That is segment 0's share of the customers: the question asks for its share of "
           "the revenue (revenue_share).",
           "这是细分 0 的客户占比：题目要求它的收入占比（revenue_share）。")
    yield (float(profiles.loc[0, "profit_share"]),
           "That is segment 0's share of the profit: the question asks for its share of the "
           "revenue (revenue_share).",
           "这是细分 0 的利润占比：题目要求它的收入占比（revenue_share）。")
    yield (float(profiles["revenue_share"].iloc[-1]),
           "That is the last segment's revenue share: segment 0 is the one with the highest "
           "mean spend.",
           "这是最后一个细分的收入占比：细分 0 是平均消费最高的那一个。")
    yield (float(segmentation.segment_profiles(_kmeans(k=5)).loc[0, "revenue_share"]),
           "That is segment 0 of the chapter's five segments: use four.",
           "这是正文 5 个细分中细分 0 的数值：请用 4 个细分。")
    yield (float(segmentation.segment_profiles(_kmeans(logged=False)).loc[0, "revenue_share"]),
           "That is segment 0 without the log: log-transform the skewed features first.",
           "这是未做对数变换时的细分 0：请先对偏态特征做对数变换。")


# --------------------------------------------------------------------------- 6.4
def _silhouette_at(choice, k) -> float:
    return float(choice.set_index("k").loc[k, "silhouette"])


def _mistakes_6_4_k(want) -> list[Mistake]:
    choice = _choose()
    return [
        (int(choice["silhouette"].idxmax()),
         "That is the row label of the best row, not its k: read the k column of that "
         "row.",
         "这是最佳那一行的行标签，不是它的 k：请读取该行的 k 列。"),
        (int(choice["k"].max()),
         "6 is the largest k tried. The inertia always falls as k grows, so it cannot "
         "choose k; and without the log of orders and recency the silhouette may prefer "
         "many segments too. Take the k with the highest silhouette, on the logged "
         "features.",
         "6 是尝试的最大 k。惯性（inertia）随 k 增大总会下降，不能用来选 k；而不对订单数"
         "和最近购买天数取对数时，轮廓系数也可能偏向较多的细分。请在对数变换后的特征上取"
         "轮廓系数最高的 k。"),
    ]


def _mistakes_6_4_silhouette(want) -> Iterator[Mistake]:
    # a generator: each wrong fit is computed only if the earlier mistakes did not match
    yield (_silhouette_at(_choose(), 6),
           "That is the silhouette of the largest k (the smallest inertia): take the highest "
           "silhouette.",
           "这是最大 k（惯性最小）时的轮廓系数：请取最高的轮廓系数。")
    yield (float(_choose(logged=False)["silhouette"].max()),
           "That is the silhouette without the log: log-transform orders and recency first.",
           "这是未做对数变换时的轮廓系数：请先对订单数和最近购买天数做对数变换。")
    yield (float(_choose(chapter=True)["silhouette"].max()),
           "That is the best silhouette of the chapter's five features: cluster on orders, "
           "recency_days and online_share.",
           "这是正文五个特征的最佳轮廓系数：请在 orders、recency_days 和 online_share 上聚类。")


# --------------------------------------------------------------------------- 6.5
def _mistakes_6_5_losing(want) -> list[Mistake]:
    chapter, income = _valued(), _valued("income_band")
    high = income["value_class"] == "high"
    n_high = int(high.sum())
    losing = int((high & (income["profit"] < 0)).sum())
    return [
        (int(((chapter["value_class"] == "high") & (chapter["profit"] < 0)).sum()),
         "That is with the chapter's potential (mean_basket): measure the purchase potential "
         "by the income band instead.",
         "这是用正文的购买潜力（mean_basket）得到的结果：请改用收入档次衡量购买潜力。"),
        (n_high,
         "That counts every high-value customer: count only those among them who lose "
         "money.",
         "这是全部高价值客户的人数：请只数其中亏损的客户。"),
        (losing / n_high, *CUSTOMER_SHARE_NOT_COUNT),
    ]


def _mistakes_6_5_left(want) -> list[Mistake]:
    import pandas as pd

    chapter, income = _valued(), _valued("income_band")
    was_high = chapter["value_class"] == "high"
    table = pd.crosstab(chapter["value_class"], income["value_class"])
    left = int((was_high & (income["value_class"] != "high")).sum())
    return [
        (int((was_high & (income["value_class"] == "high")).sum()),
         "That counts those who stay high value: the question asks for those who are no "
         "longer high value.",
         "这是仍为高价值的客户人数：题目要求不再是高价值的客户人数。"),
        (int((chapter["value_class"] != income["value_class"]).sum()),
         "That counts everybody who changes class: count only the chapter's high-value "
         "customers who are not high value any more.",
         "这是所有类别发生变化的客户：只数正文中的高价值客户里不再是高价值的那些。"),
        (int(table.loc["high", "medium"]),
         "Those moved to medium only: also count the few who drop to low value (every "
         "class but high).",
         "这只是降到中价值的客户：降到低价值的少数客户也要算上（高价值以外的所有类别）。"),
        (left / int(was_high.sum()), *CUSTOMER_SHARE_NOT_COUNT),
    ]


# --------------------------------------------------------------------------- 6.6
def _mistakes_6_6(want) -> list[Mistake]:
    valued, buyers = _valued(), _valued(buyers_only=True)
    top = _top_spenders()
    losing = int((top["profit"] < 0).sum())
    third = _top_spenders(n=len(valued) // 3 + (len(valued) % 3 > 0))
    top_buyers = _top_spenders(buyers, n=math.ceil(0.2 * len(buyers)))
    return [
        (int((top["value_class"] != "high").sum()),
         "That counts the top spenders who are not high value: the question asks for those "
         "who lose money.",
         "这是非高价值的大额消费客户：题目要求其中亏损的客户。"),
        (int((top_buyers["profit"] < 0).sum()),
         f"That is the top 20 % of the buyers ({len(top_buyers)} customers): take the "
         f"{TOP_6_6:,} biggest spenders among all 5,000 members.",
         f"这是购买客户的前 20 %（{len(top_buyers)} 位）：请在全部 5,000 位会员中取消费最高的 "
         f"{TOP_6_6:,} 位。"),
        (int((third["profit"] < 0).sum()),
         "That is the top third of the spenders (the chapter's table): take the top 20 %, "
         f"the {TOP_6_6:,} biggest spenders.",
         f"这是消费最高的三分之一客户（正文中的表）：请取前 20 %，即消费最高的 {TOP_6_6:,} 位。"),
        (int((valued["profit"] < 0).sum()),
         "That counts every member who loses money: count only the top spenders.",
         "这是所有亏损的会员：只数消费最高的那些客户。"),
        (losing / TOP_6_6, *CUSTOMER_SHARE_NOT_COUNT),
        (int((_top_spenders(n=TOP_6_6 // 2)["profit"] < 0).sum()),
         f"That is the top 10 %: take the {TOP_6_6:,} biggest spenders (the top 20 %).",
         f"这是前 10 %：请取消费最高的 {TOP_6_6:,} 位（前 20 %）。"),
    ]


# --------------------------------------------------------------------------- 6.7
def _convenience(features) -> dict:
    from crmlab import segmentation

    row = segmentation.segment_by(features, by="lifestyle", profit="profit").loc["convenience"]
    return {"convenience_profit_share": float(row["profit_share"]),
            "convenience_mean_profit": float(row["mean_profit"])}


def _simulated_features(seed):
    from crmlab import datasets, segmentation

    tx = datasets.simulate("retail_transactions", seed=seed, lifestyle_basket=BASKET_6_7)
    return segmentation.customer_features(tx, _data()[1], order="order_id")


@per_variant
def _big_baskets() -> dict:
    return _convenience(_simulated_features(own_seed()))


def _mistakes_6_7(part: str):
    def mistakes(want) -> Iterator[Mistake]:
        yield (_convenience(_features())[part],
               "That is your own data, with the convenience shoppers' baskets unchanged: "
               "compute it on the simulated transactions.",
               "这是你自己的数据，便利型顾客的客单价没有改变：请在模拟的交易数据上计算。")
        if part == "convenience_mean_profit":
            from crmlab import segmentation

            simulated = _simulated_features(own_seed())
            buyers = simulated[simulated["orders"] > 0]
            yield (float(segmentation.segment_by(buyers, by="lifestyle", profit="profit")
                         .loc["convenience", "mean_profit"]),
                   "That is the mean over the buyers only: average over all members, a "
                   "member who never bought counting with profit 0.",
                   "这是只对购买客户求的平均：请对全部会员求平均，从未购买的会员按利润 0 计入。")
        if own_seed() is not None:
            yield (_convenience(_simulated_features(None))[part],
                   "That is the bundled data made again, not your own: give the simulation "
                   "your own seed, so that only the baskets change.",
                   "这是重新生成的随书数据，不是你自己的数据：请把你自己的种子交给模拟，"
                   "让唯一的变化是客单价。")
    return mistakes


# --------------------------------------------------------------------------- FINDINGS
def _convenience_earns_least() -> bool:
    from crmlab import segmentation

    by = segmentation.segment_by(_features(), by="lifestyle", profit="profit")
    return bool(by["mean_profit"].idxmin() == "convenience"
                and by.loc["convenience", "profit_share"] < by.loc["convenience",
                                                                   "customer_share"] / 4)


def _some_top_spenders_lose_money() -> bool:
    top = _top_spenders()
    return bool(0 < int((top["profit"] < 0).sum()) and (top["value_class"] != "high").any())


#: The facts of the data the exercise texts and rubrics rely on, in every variant.
FINDINGS = (
    Finding("6.2: some members lapsed between 180 and 365 days ago, so the one-year rule "
            "changes the counts",
            lambda: bool(_features()["recency_days"].between(181, LAPSED_DAYS_6_2).any())),
    Finding("6.6: some of the biggest spenders lose money, and some are not high value",
            _some_top_spenders_lose_money),
    Finding("6.7: convenience shoppers earn the least per member and bring less than a "
            "quarter of their share of the members in profit (the planted finding)",
            _convenience_earns_least),
)


# --------------------------------------------------------------------------- checks
def _not_in_lifecycle_order(answer, want) -> bool:
    return list(map(str, answer.index)) != list(map(str, want.index))


def _sizes_in_wrong_order(answer, want) -> bool:
    if not (isinstance(answer, dict) and set(want) <= set(answer)):
        return False
    sizes = answer["sizes"]
    return matches(sizes, want["sizes"], ordered=False, rtol=TIGHT) \
        and not matches(sizes, want["sizes"], rtol=TIGHT)


# --------------------------------------------------------------------------- the records
DATA = ("retail_transactions", "retail_customers")

EXERCISES = register(
    Exercise(
        "6.1", expected=_mean_spend, data=DATA, convention=CONVENTION, ordered=False,
        mistakes=_mistakes_6_1,
        after=descending((
            "Sorted from the smallest up: the lifestyle with the highest value comes first "
            "(descending order).",
            "排序方向反了：数值最高的生活方式应排在最前（降序）。")),
        task=Hint(
            "Give the mean net spend of a plus member in each lifestyle, from the highest "
            "down.",
            "给出每种生活方式 plus 会员的平均净消费，从高到低排列。"),
        hints=[Hint(
            "Average over all members, including those who never bought (their spend is "
            "zero), and sort from the largest mean down.",
            "对所有会员求平均，包括从未购买的会员（消费为零），再从大到小排序。"),
            pointer("DataFrame.groupby", "segmentation.segment_by", "Series.sort_values")],
    ),
    Exercise(
        "6.2", expected=_stage_counts, data=DATA, convention=CONVENTION, ordered=False,
        mistakes=_mistakes_6_2,
        after=[When(_not_in_lifecycle_order,
                    "The right counts in the wrong order: keep the lifecycle order, prospect "
                    "first and lapsed last (counting without sorting by size keeps it).",
                    "人数正确但顺序不对：请保持生命周期顺序，潜在客户在前、流失客户在后"
                    "（计数时不要按人数排序）。")],
        task=Hint(
            "Count the members in each lifecycle stage under the one-year lapse rule, in "
            "lifecycle order.",
            "按一年流失规则数出每个生命周期阶段的会员数，按生命周期顺序排列。"),
        hints=[Hint(
            "Only the lapse rule changes; keep the stages in their lifecycle order rather "
            "than sorting by size.",
            "只改变流失规则；保持生命周期阶段的顺序，而不是按人数排序。"),
            pointer("segmentation.lifecycle_stage", "Series.value_counts")],
    ),
    Exercise(
        "6.3", expected=_segment_sizes, data=DATA, convention=CONVENTION,
        before=[When(_sizes_in_wrong_order,
                     "[sizes] The right sizes in the wrong order: index them by segment, "
                     "0 to 3.",
                     "[sizes] 人数正确但顺序不对：请按细分编号 0 到 3 排列。")],
        parts={"sizes": Part(mistakes=_mistakes_6_3_sizes),
               "revenue_share_0": Part(mistakes=_mistakes_6_3_share)},
        task=Hint(
            "Cluster the buyers into four segments and give the segment sizes and their "
            "shares of revenue.",
            "把购买者聚成四个细分，并给出各细分的人数及收入占比。"),
        hints=[Hint(
            "Keep the chapter's features, logs, standardisation and seed; the segments "
            "are numbered by mean spend, the highest first.",
            "保持本章的特征、对数变换、标准化和随机种子；细分按平均消费编号，最高的排第一"
            "。"),
            pointer("segmentation.kmeans_segments", "segmentation.segment_profiles")],
    ),
    Exercise(
        "6.4", expected=_best_k, data=DATA, convention=CONVENTION,
        parts={"best_k": Part(mistakes=_mistakes_6_4_k),
               "best_silhouette": Part(mistakes=_mistakes_6_4_silhouette)},
        task=Hint(
            "Compare the numbers of segments on the three behavioural features and give "
            "the best one by silhouette.",
            "在三个行为特征上比较不同的细分数，并按轮廓系数给出最好的那个。"),
        hints=[Hint(
            "Use only the three features named, with logs on the two skewed ones; the "
            "best number of segments has the highest silhouette.",
            "只用题中的三个特征，并对两个偏态特征取对数；最好的细分数轮廓系数最高。"),
            pointer("segmentation.choose_k", "Series.idxmax")],
    ),
    Exercise(
        "6.5", expected=_income_potential, data=DATA, convention=CONVENTION,
        parts={"high_losing": Part(mistakes=_mistakes_6_5_losing),
               "left_high": Part(mistakes=_mistakes_6_5_left)},
        task=Hint(
            "Assess the members by behaviour and by income and say how the two "
            "assessments differ.",
            "分别按行为和按收入评估会员，并说明两种评估的差别。"),
        hints=[Hint(
            "Only the measure of purchase potential changes; compare the value classes of "
            "the two assessments customer by customer.",
            "只改变购买潜力的衡量方式；逐位客户比较两种评估得出的价值类别。"),
            pointer("segmentation.value_assessment")],
    ),
    Exercise(
        "6.6", expected=_top_spenders_losing, data=DATA, convention=CONVENTION,
        decision="high_spend_is_high_value",
        parts={"top_losing": Part(mistakes=_mistakes_6_6)},
        task=Hint(
            "Take the biggest spenders and say whether they are all high-value customers, "
            "with the count asked.",
            "取出消费最多的客户，判断他们是否都是高价值客户，并给出题目要求的人数。"),
        hints=[Hint(
            "Take the top fifth of members by spend; spending a lot is not the same as "
            "earning the firm money, so look at their profit.",
            "按消费取前五分之一的会员；消费多不等于为公司赚钱，所以要看他们的利润。"),
            pointer("DataFrame.nlargest", "segmentation.value_assessment")],
    ),
    Exercise(
        "6.7", expected=_big_baskets, data=DATA, convention=CONVENTION,
        parts={part: Part(mistakes=_mistakes_6_7(part))
               for part in ("convenience_profit_share", "convenience_mean_profit")},
        task=Hint(
            "Make the retailer's transactions again with the convenience shoppers' baskets "
            "as large as the family-bulk buyers', and give the convenience shoppers' share "
            "of the profit and their mean profit.",
            "在便利型顾客的客单价与家庭囤货型顾客一样大的设定下重新生成零售商的交易数据，"
            "并给出便利型顾客的利润占比和平均利润。"),
        hints=[Hint(
            "Change only the basket setting of the convenience lifestyle, keep your own "
            "seed and the members as they are, then build the features and compare the "
            "lifestyles as in the chapter.",
            "只改变便利型生活方式的客单价设定，保留你自己的种子和会员数据，然后像正文那样"
            "构建特征并比较各种生活方式。"),
            pointer("crmlab.datasets.simulate", "segmentation.customer_features",
                    "segmentation.segment_by")],
    ),
    concept_check(
        "6.8", "B", {
            "A": ("A silhouette of 0.25 or less means no substantial structure (Kaufman & "
                  "Rousseeuw's rule of thumb): customers sit almost as close to the next "
                  "segment as to their own, so the groups are not clearly separated.",
                  "轮廓系数不超过 0.25 表示没有实质性的结构（Kaufman 与 Rousseeuw 的经验"
                  "法则）：客户离相邻细分几乎和离自己的细分一样近，各组并没有明显分开。"),
            "C": ("Weak structure does not forbid a partition: segments can still help serve "
                  "customers differently, as long as nobody claims they are natural groups.",
                  "结构弱并不妨碍划分：只要不声称它们是天然的群体，细分仍然可以用来差异化"
                  "地服务客户。"),
            "D": ("The inertia falls with every extra segment whatever the data, so a "
                  "falling inertia says nothing about which k is best.",
                  "无论数据如何，惯性都会随细分数增加而下降，所以惯性下降并不能说明哪个 k "
                  "最好。"),
        },
        task=Hint("Choose the letter of the option that says what a silhouette of 0.23 "
                  "allows you to claim.",
                  "选出说明轮廓系数为 0.23 时可以得出什么结论的那个选项的字母。"),
        nudge=Hint("The silhouette runs from -1 to 1: how much closer each customer is to "
                   "its own segment than to the next one. Is 0.23 close to 1?",
                   "轮廓系数从 -1 到 1，衡量每位客户离自己的细分比离相邻细分近多少。0.23 接近 "
                   "1 吗？")),
)

"""Checks for the chapter 01 exercises (solutions/01_acquisition.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module): the expected answer, computed with :mod:`crmlab.acquisition` and pandas on
the bundled ``leads``, ``retail_customers`` and ``retail_transactions``; the known wrong
answers (the cost per lead for the cost per acquisition, the funnel counted from the
top, the buyers' mean spend for the members' mean spend...), each said in one sentence
instead of "too high"; and the hints. Answers with several parts are checked as a dict
built in the check cell (``{"budget_channel": ..., "budget_cpa": ...}``); feedback names
the part, e.g. ``[budget_cpa] ...``. The discussion exercise (1.6) accepts any channel
the data defend: one that beats the average lead on both cost per acquisition and ROI.
"""

from __future__ import annotations

import functools
from typing import Any

from crmlab.exercises._variant import per_variant
from crmlab.exercises._compare import compare
from crmlab.exercises._judging import TIGHT, When, choice, judge, matches, not_a_choice, tell
from crmlab.exercises._registry import Exercise, Hint, pointer, register

__all__ = ["EXERCISES", "expected"]

#: Members of exercise 1.5: signed up before this date, followed over this year.
MEMBERS_BEFORE = "2025-01-01"
FOLLOW_YEAR = 2025


# --------------------------------------------------------------------------- data
_DATASETS = {"leads": "leads", "customers": "retail_customers",
             "orders": "retail_transactions"}


@per_variant
def _table(name: str):
    """A bundled table, loaded once, on first use: "leads", "customers" or "orders"."""
    import crmlab

    return crmlab.load_data(_DATASETS[name])


@per_variant
def _channels():
    """channel_summary of the leads (sorted by ROI) and its total row, as plain floats."""
    from crmlab import acquisition

    table = acquisition.channel_summary(_table("leads"), total=True)
    table.index = table.index.astype(str)
    return table.drop(index="total"), table.loc["total"]


@per_variant
def _membership() -> dict:
    """Mean spend per membership tier under the right and the typical wrong conventions."""
    import pandas as pd

    customers, orders = _table("customers"), _table("orders")
    year = orders[orders["order_date"].dt.year == FOLLOW_YEAR]
    members = customers[customers["signup_date"] < MEMBERS_BEFORE]
    tier = members.set_index("customer_id")["membership"].astype(str)

    def mean_spend(spend: pd.Series, who: pd.Series, how: str = "mean") -> pd.Series:
        per = who.index.to_series().map(spend).fillna(0.0)
        out = per.groupby(who).agg(how)
        out.index.name = "membership"
        return out

    spend = year.groupby("customer_id")["amount"].sum()
    everyone = customers.set_index("customer_id")["membership"].astype(str)
    buyers = tier[tier.index.isin(spend.index)]
    return {
        "right": mean_spend(spend, tier),
        "buyers_only": mean_spend(spend, buyers),
        "all_members": mean_spend(spend, everyone),
        "both_years": mean_spend(orders.groupby("customer_id")["amount"].sum(), tier),
        "total": mean_spend(spend, tier, "sum"),
        "median": mean_spend(spend, tier, "median"),
        "no_returns": mean_spend(year["amount"].clip(lower=0).groupby(year["customer_id"])
                                 .sum(), tier),
    }


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 01 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "1.1" to "1.6".

    Returns
    -------
    object
        A float (1.1, 1.4), a Series (1.2, 1.3, 1.5) or a dict of the parts (1.6; the
        discussion exercise also accepts other defensible channels). Cached: do not
        modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 01 does not have.

    Examples
    --------
    >>> expected("1.1")
    0.116
    >>> expected("1.6")["budget_channel"]
    'website'
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- 1.1
@per_variant
def _conversion_rate() -> float:
    return float(_table("leads")["converted"].mean())


def _mistakes_1_1(want):
    leads = _table("leads")
    won = int(leads["converted"].sum())
    contacted = int((leads["funnel_stage"] >= "contacted").sum())
    return [
        (won,
         f"{won} is the number of customers won: a rate is a share of all the leads.",
         f"{won} 是成交客户数：比率是占全部线索的比例。"),
        (won / contacted,
         "That is the conversion of the contacted leads only: the rate is over all leads, "
         "including the ones never contacted.",
         "这是已接触线索的转化率：转化率的分母是全部线索，包括从未接触的线索。"),
        (float((leads["funnel_stage"] >= "proposal").mean()),
         "That is the share of leads that reached a proposal: converted means the stage "
         "'won'.",
         "这是到达提案阶段的线索占比：成交是指到达 'won' 阶段。"),
    ]


# --------------------------------------------------------------------------- 1.2
@per_variant
def _reached():
    from crmlab import acquisition

    return acquisition.lead_funnel(_table("leads"))["reached"]


def _funnel():
    from crmlab import acquisition

    return acquisition.lead_funnel(_table("leads"))


def _at_stage_sorted_by_count(answer, want) -> bool:
    at = _funnel()["at_stage"]
    return matches(answer, at, ordered=False, rtol=TIGHT) and not matches(answer, at, rtol=TIGHT)


def _mistakes_1_2(want):
    funnel = _funnel()
    at = funnel["at_stage"]
    return [
        (at,
         "These count the leads whose furthest stage is each stage: a lead that was won "
         "also passed every earlier stage, so add up from the bottom "
         "([::-1].cumsum()[::-1]).",
         "这是最远停留在各阶段的线索数：成交的线索也经过了之前所有阶段，"
         "所以要从底部向上累计（[::-1].cumsum()[::-1]）。"),
        (at.cumsum(),
         "Cumulated from the top: the number that reached a stage adds up the leads at "
         "that stage and every LATER one (sum from the bottom: [::-1].cumsum()[::-1]).",
         "累计方向反了：到达某阶段的线索数 = 该阶段及其之后各阶段的线索数之和"
         "（从底部向上累计：[::-1].cumsum()[::-1]）。"),
        (funnel["share_of_top"],
         "These are shares of all leads: the question asks for numbers of leads.",
         "这是占全部线索的比例：题目要求的是线索数量。"),
        When(_at_stage_sorted_by_count,
             "These count the leads whose furthest stage is each stage, sorted by "
             "count: the question asks for the number that reached at least each "
             "stage, in funnel order from 'new' to 'won'.",
             "这是最远停留在各阶段的线索数，并按数量排序了：题目要求到达（至少）"
             "各阶段的线索数，并按漏斗顺序从 'new' 到 'won' 排列。"),
        When(lambda answer, want: matches(answer, want, ordered=False),
             "The right counts in the wrong order: keep the funnel order, from 'new' "
             "at the top to 'won' at the bottom.",
             "数值正确但顺序不对：请保持漏斗顺序，从顶部的 'new' 到底部的 'won'。"),
    ]


# --------------------------------------------------------------------------- 1.3
@per_variant
def _cpa():
    return _channels()[0]["cost_per_acquisition"].sort_values()


def _mistakes_1_3(want):
    table = _channels()[0]
    leads = _table("leads")
    won_cost = leads[leads["converted"]].groupby("source_channel", observed=True)["cost"].mean()
    won_cost.index = won_cost.index.astype(str)
    return [
        (table["cost_per_lead"],
         "That is the cost per lead (total cost / leads): CPA divides the total cost by "
         "the customers won (conversions), not by the leads.",
         "这是单条线索成本（总成本 / 线索数）：CPA 是总成本除以成交客户数，而不是线索数。"),
        (won_cost,
         "That is the mean cost of the won leads only: CPA spreads the cost of ALL the "
         "channel's leads (the lost ones too) over the customers won.",
         "这只是成交线索的平均成本：CPA 要把该渠道全部线索（包括未成交的）的成本"
         "分摊到成交客户上。"),
        (1 / table["cost_per_acquisition"],
         "That is customers per yuan (conversions / cost): CPA is cost / conversions.",
         "这是每元带来的客户数（成交数 / 成本）：CPA 是成本 / 成交数。"),
        (table["roi"],
         "That is the ROI: the question asks for the cost per acquisition.",
         "这是 ROI：题目要求的是获客成本（CPA）。"),
        (table["revenue"] / table["conversions"],
         "That is the mean deal value per customer (revenue / conversions): CPA is cost / "
         "conversions.",
         "这是每位客户的平均成交额（收入 / 成交数）：CPA 是成本 / 成交数。"),
    ]


def _ascending(answer) -> bool:
    values = list(answer)
    return values == sorted(values)


_SORTED_1_3 = (
    When(lambda answer, want: not _ascending(answer)
         and list(answer) == sorted(answer, reverse=True),
         "Sorted from the most expensive down: put the cheapest channel first "
         "(sort_values(), ascending).",
         "排序方向反了：最便宜的渠道应排在最前（sort_values()，升序）。"),
    When(lambda answer, want: not _ascending(answer),
         "The values are right but not sorted: use .sort_values() so the cheapest "
         "channel comes first.",
         "数值正确但没有排序：请用 .sort_values()，让最便宜的渠道排在最前。"),
)


# --------------------------------------------------------------------------- 1.4
@per_variant
def _never_bought_share() -> float:
    customers, orders = _table("customers"), _table("orders")
    return float((~customers["customer_id"].isin(orders["customer_id"].unique())).mean())


def _mistakes_1_4(want):
    customers, orders = _table("customers"), _table("orders")
    never = int((~customers["customer_id"].isin(orders["customer_id"].unique())).sum())
    buyers = orders["customer_id"].nunique()
    no_2025 = float((~customers["customer_id"].isin(
        orders.loc[orders["order_date"].dt.year == FOLLOW_YEAR, "customer_id"].unique())).mean())
    return [
        (never,
         f"{never} is the number of members who never bought: the question asks for a "
         f"share of all members.",
         f"{never} 是从未购买的会员人数：题目要求的是占全部会员的比例。"),
        (never / buyers,
         "You divided by the members who bought: the share is over all members, "
         "buyers or not.",
         "你除以的是有购买的会员：占比的分母是全部会员，无论是否购买。"),
        (no_2025,
         f"That is the share with no order in {FOLLOW_YEAR}: the question asks for members "
         f"with no order at all (both years).",
         f"这是 {FOLLOW_YEAR} 年没有订单的会员占比：题目问的是从未下过任何订单的会员"
         f"（两年都算）。"),
    ]


# --------------------------------------------------------------------------- 1.5
def _mistakes_1_5(want):
    wrong = _membership()
    return [
        (wrong["buyers_only"],
         "That is the mean over the members who bought in 2025: a member without a 2025 "
         "order spent 0 and counts in the mean (fillna(0.0)).",
         "这是 2025 年有购买的会员的均值：没有 2025 年订单的会员消费为 0，也要计入均值"
         "（fillna(0.0)）。"),
        (wrong["all_members"],
         "That includes the members who joined during 2025 (only part of the year): keep "
         "those with signup_date before 2025-01-01.",
         "这包含了 2025 年内才加入的会员（只有部分年份）：请只保留 signup_date 早于 "
         "2025-01-01 的会员。"),
        (wrong["both_years"],
         "That is the spend over both years: keep only the 2025 orders.",
         "这是两年的消费：请只保留 2025 年的订单。"),
        (wrong["total"],
         "Those are total spends per tier: the question asks for the mean per member.",
         "这是每个等级的消费总额：题目要求每位会员的平均消费。"),
        (wrong["median"],
         "That is the median: the question asks for the mean.",
         "这是中位数：题目要求的是均值。"),
        (wrong["no_returns"],
         "Returns are left out: net spend keeps the negative amounts.",
         "漏掉了退货：净消费要包含负的金额。"),
    ]


# --------------------------------------------------------------------------- 1.6
@per_variant
def _cheapest_channel() -> dict:
    table = _channels()[0]
    best = str(table["cost_per_acquisition"].idxmin())
    return {"budget_channel": best,
            "budget_cpa": float(table.loc[best, "cost_per_acquisition"])}


def _strong_channels() -> list[str]:
    """Channels that beat the average lead on both CPA and ROI (the defensible choices)."""
    table, total = _channels()
    strong = table[(table["cost_per_acquisition"] < total["cost_per_acquisition"])
                   & (table["roi"] > total["roi"])]
    return list(strong.index)


def _judge_1_6_channel(answer) -> list[str]:
    table, total = _channels()
    choices = list(table.index)
    got = choice(answer, choices)
    if got is None:
        return not_a_choice(answer, choices, "one of the lead channels", "线索渠道之一")
    if got not in _strong_channels():
        row = table.loc[got]
        return [tell(
            f"The data do not back {got!r}: a customer from it costs "
            f"{row['cost_per_acquisition']:,.0f} yuan, more than the "
            f"{total['cost_per_acquisition']:,.0f} yuan of an average lead, and its ROI "
            f"({row['roi']:.0f}) is below the overall {total['roi']:.0f}, so moving budget "
            f"there lowers the return. Choose a channel that beats the average on both.",
            f"数据不支持 {got!r}：该渠道每获取一位客户要花 {row['cost_per_acquisition']:,.0f} 元，"
            f"高于全部线索平均的 {total['cost_per_acquisition']:,.0f} 元，且其 ROI"
            f"（{row['roi']:.0f}）低于整体的 {total['roi']:.0f}，把预算移过去会降低回报。"
            f"请选择在两方面都优于平均水平的渠道。")]
    return []


def _judge_1_6(answer, want) -> list[str]:
    """Any defensible channel passes, with the CPA of the channel chosen."""
    table, total = _channels()
    if not isinstance(answer, dict) or any(k not in answer for k in want):
        return compare(answer, want)
    problems = _judge_1_6_channel(answer["budget_channel"])
    if problems:
        return [f"[budget_channel] {problems[0]}"]
    chosen = choice(answer["budget_channel"], list(table.index))
    cpa = float(table.loc[chosen, "cost_per_acquisition"])
    mistakes = [
        (float(table.loc[chosen, "cost_per_lead"]),
         f"That is the cost per lead of {chosen!r}: CPA divides the cost by the customers "
         f"won, not by the leads.",
         f"这是 {chosen!r} 的单条线索成本：CPA 是成本除以成交客户数，而不是线索数。"),
        (float(total["cost_per_acquisition"]),
         "That is the CPA of all leads together: give the CPA of the channel you chose.",
         "这是全部线索合计的 CPA：请给出你所选渠道的 CPA。"),
        (float(table.loc[chosen, "roi"]),
         f"That is the ROI of {chosen!r}: the question asks for its cost per acquisition "
         f"in yuan.",
         f"这是 {chosen!r} 的 ROI：题目要求的是它的获客成本（元）。"),
    ] + [
        (float(table.loc[other, "cost_per_acquisition"]),
         f"That is the CPA of {other!r}, not of the channel you chose ({chosen!r}).",
         f"这是 {other!r} 的 CPA，而不是你所选渠道（{chosen!r}）的。")
        for other in table.index if other != chosen
    ]
    problems = judge(answer["budget_cpa"], cpa, mistakes)
    return [f"[budget_cpa] {problems[0]}"] if problems else []


# --------------------------------------------------------------------------- the records
EXERCISES = register(
    Exercise(
        "1.1", expected=_conversion_rate, data=("leads",), mistakes=_mistakes_1_1,
        task=Hint(
            "Give the share of all leads that became customers, as a fraction between 0 "
            "and 1.",
            "给出所有线索中成为客户的比例，用 0 到 1 之间的小数表示。"),
        hints=[Hint(
            "A conversion rate is a part over the whole: the leads won over all the "
            "leads. A True/False column can be averaged.",
            "转化率是部分除以整体：赢得的线索除以全部线索。True/False 列可以直"
            "接求平均。"),
            pointer("Series.mean")],
    ),
    Exercise(
        "1.2", expected=_reached, data=("leads",), mistakes=_mistakes_1_2,
        task=Hint(
            "For every funnel stage, count the leads that reached at least that stage, in "
            "funnel order.",
            "对漏斗的每个阶段，数出至少到达该阶段的线索数，按漏斗顺序排列。"),
        hints=[Hint(
            "A lead won has also passed every earlier stage: count each stage, then add "
            "up from the bottom of the funnel to the top.",
            "赢得的线索也经过了之前的每个阶段：先按阶段计数，再从漏斗底部向上累加。"),
            pointer("acquisition.lead_funnel", "Series.value_counts", "Series.cumsum")],
    ),
    Exercise(
        "1.3", expected=_cpa, data=("leads",), mistakes=_mistakes_1_3, ordered=False,
        after=_SORTED_1_3,
        task=Hint(
            "Compute every channel's cost per customer won and rank the channels from the "
            "cheapest to the dearest.",
            "计算每个渠道每赢得一位客户的成本，并按从便宜到昂贵排列渠道。"),
        hints=[Hint(
            "The cost counts every lead of the channel, won or not; divide it by the "
            "customers won, not by the leads.",
            "成本要算上该渠道的所有线索（无论是否赢得）；再除以赢得的客户数，而不是线索数"
            "。"),
            pointer("acquisition.channel_summary", "DataFrame.groupby", "Series.sort_values")],
    ),
    Exercise(
        "1.4", expected=_never_bought_share, data=("retail_customers", "retail_transactions"),
        mistakes=_mistakes_1_4,
        task=Hint(
            "Give the share of members who never placed an order, as a fraction between 0 "
            "and 1.",
            "给出从未下过订单的会员占比，用 0 到 1 之间的小数表示。"),
        hints=[Hint(
            "A member who never bought has no row in the orders table: look for the "
            "members whose id is absent there.",
            "从未购买的会员在订单表中没有记录：找出编号不在订单表中的会员。"),
            pointer("Series.isin", "Series.mean")],
    ),
    Exercise(
        "1.5", expected=lambda: _membership()["right"],
        data=("retail_customers", "retail_transactions"), mistakes=_mistakes_1_5,
        task=Hint(
            "Compare the mean spend of the year of plus and basic members who joined "
            "before that year, counting members who did not buy.",
            "比较当年之前入会的 plus 会员与 basic 会员当年的平均消费，没有购"
            "买的会员也要计入。"),
        hints=[Hint(
            "Keep only the members who were members all year; a member without an order "
            "that year spent nothing and still counts in the mean.",
            "只保留全年都是会员的人；当年没有订单的会员消费为零，但仍要计入平均值。"),
            pointer("Series.map", "Series.fillna", "DataFrame.groupby")],
    ),
    Exercise(
        "1.6", expected=_cheapest_channel, data=("leads",), judge=_judge_1_6,
        task=Hint(
            "Choose one lead channel for next year's budget and give the figure that "
            "backs your choice.",
            "为明年的预算选一个线索渠道，并给出支持你选择的数字。"),
        hints=[Hint(
            "A good channel wins customers more cheaply and pays back more than the firm "
            "does overall: compare each channel with the total on both.",
            "好渠道获客更便宜、回报也高于公司整体：把每个渠道在这两方面都与总体比较。"),
            pointer("acquisition.channel_summary")],
    ),
)

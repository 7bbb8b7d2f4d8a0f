"""Checks for the chapter 01 exercises (solutions/01_acquisition.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module): the expected answer, computed with :mod:`crmlab.acquisition` and pandas on
the student's ``leads``, ``retail_customers`` and ``retail_transactions``; the known
wrong answers, each said in one sentence instead of "too high"; and the hints. Every
exercise asks for something the chapter did not print: another stage, channel, half-year
or tier, a fee the data imply, the data made again with a generator setting changed
(1.7), a concept check (1.6). The discussion exercise (1.8) checks the numbers a budget
choice rests on; the channel chosen is recorded, never judged: the instructor reads it
with the reasoning cell.

:data:`FINDINGS` lists the facts of the data the exercise text relies on; they hold in
every student variant.
"""

from __future__ import annotations

from typing import Any

from crmlab.exercises._concept import letter_judge
from crmlab.exercises._judging import TIGHT, When, matches
from crmlab.exercises._registry import Exercise, Finding, Hint, Part, pointer, register
from crmlab.exercises._variant import per_variant

__all__ = ["EXERCISES", "FINDINGS", "expected"]

#: Members of exercise 1.5: signed up before this date, followed over this year.
MEMBERS_BEFORE = "2025-01-01"
FOLLOW_YEAR = 2025
#: Exercise 1.5: the share of the profit per member the fee makes at Costco (P46).
COSTCO_FEE_SHARE = 0.70
#: Exercise 1.1: the stage from which the win rate is counted.
FROM_STAGE = "meeting"
#: Exercise 1.2: the channel whose funnel is asked for.
FUNNEL_CHANNEL = "referral"
#: Exercise 1.3: leads created from this date on (the second half of the year).
SECOND_HALF = "2025-07-01"
#: Exercise 1.7: the median contact cost of a trade-show lead, changed from 900 yuan.
TRADE_SHOW_COST = 200.0
#: Exercise 1.8: the budget the customers are counted for.
BUDGET = 100_000


# --------------------------------------------------------------------------- data
_DATASETS = {"leads": "leads", "customers": "retail_customers",
             "orders": "retail_transactions"}


@per_variant
def _table(name: str):
    """A dataset of the active variant, loaded once: "leads", "customers" or "orders"."""
    import crmlab

    return crmlab.load_data(_DATASETS[name])


@per_variant
def _channels():
    """channel_summary of the leads (sorted by ROI) and its total row."""
    from crmlab import acquisition

    table = acquisition.channel_summary(_table("leads"), total=True)
    table.index = table.index.astype(str)
    return table.drop(index="total"), table.loc["total"]


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 01 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "1.1" to "1.8".

    Returns
    -------
    object
        A float (1.1), a Series (1.2 to 1.5), a letter (1.6) or a dict of the parts
        (1.7, 1.8). Cached: do not modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 01 does not have.

    Examples
    --------
    >>> round(expected("1.1"), 4)
    0.2986
    >>> expected("1.6")
    'D'
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- 1.1
def _stages():
    return _table("leads")["funnel_stage"]


@per_variant
def _meeting_win_rate() -> float:
    stage = _stages()
    return float((stage == "won").sum() / (stage >= FROM_STAGE).sum())


def _mistakes_1_1(want):
    stage = _stages()
    won = int((stage == "won").sum())
    return [
        (won / len(stage),
         "That is the conversion rate of all leads: the question asks only about the leads "
         "that got as far as a meeting.",
         "这是全部线索的转化率：题目只问走到会面阶段的线索。"),
        (won / int((stage >= "contacted").sum()),
         "That counts from the contacted leads: start from the leads that reached a "
         "meeting (or went further).",
         "这是从已接触的线索算起的：请从到达会面阶段（或更远）的线索算起。"),
        (won / int((stage >= "proposal").sum()),
         "That is the win rate of the leads that reached a proposal: start one stage "
         "earlier, at the meeting.",
         "这是到达提案阶段的线索的成交率：请从更早一个阶段，即会面阶段算起。"),
        (won / int((stage == FROM_STAGE).sum()),
         "You divided by the leads whose furthest stage is the meeting: a lead that went on "
         "to a proposal or was won also had a meeting.",
         "你除以的是最远停在会面阶段的线索：后来进入提案或成交的线索也经历过会面。"),
        (int((stage >= FROM_STAGE).sum()) / len(stage),
         "That is the share of all leads that reached a meeting: the question asks what "
         "share of those became customers.",
         "这是到达会面阶段的线索占全部线索的比例：题目问的是其中成交的比例。"),
    ]


# --------------------------------------------------------------------------- 1.2
def _funnel(channel: str | None = FUNNEL_CHANNEL):
    from crmlab import acquisition

    leads = _table("leads")
    if channel is not None:
        leads = leads[leads["source_channel"] == channel]
    return acquisition.lead_funnel(leads)


@per_variant
def _reached():
    return _funnel()["reached"]


def _at_stage_sorted_by_count(answer, want) -> bool:
    at = _funnel()["at_stage"]
    return matches(answer, at, ordered=False, rtol=TIGHT) and not matches(answer, at, rtol=TIGHT)


def _mistakes_1_2(want):
    funnel = _funnel()
    at = funnel["at_stage"]
    return [
        (at,
         "These count the leads whose furthest stage is each stage: a lead that was won "
         "also passed every earlier stage, so add up from the bottom of the funnel.",
         "这是最远停留在各阶段的线索数：成交的线索也经过了之前所有阶段，所以要从漏斗底部"
         "向上累计。"),
        (at.cumsum(),
         "Added up from the top: the number that reached a stage adds the leads at that "
         "stage and at every LATER one, so add up from the bottom.",
         "累计方向反了：到达某阶段的线索数 = 该阶段及其之后各阶段的线索数之和，"
         "所以要从底部向上累计。"),
        (funnel["share_of_top"],
         "These are shares of the channel's leads: the question asks for numbers of leads.",
         "这是占该渠道线索的比例：题目要求的是线索数量。"),
        (_funnel(None)["reached"],
         f"That is the funnel of all leads: keep only the leads from {FUNNEL_CHANNEL}.",
         f"这是全部线索的漏斗：请只保留来自 {FUNNEL_CHANNEL} 的线索。"),
        When(_at_stage_sorted_by_count,
             "These count the leads whose furthest stage is each stage, sorted by count: "
             "the question asks for the number that reached at least each stage, in "
             "funnel order from 'new' to 'won'.",
             "这是最远停留在各阶段的线索数，并按数量排序了：题目要求到达（至少）"
             "各阶段的线索数，并按漏斗顺序从 'new' 到 'won' 排列。"),
        When(lambda answer, want: matches(answer, want, ordered=False),
             "The right counts in the wrong order: keep the funnel order, from 'new' at the "
             "top to 'won' at the bottom.",
             "数值正确但顺序不对：请保持漏斗顺序，从顶部的 'new' 到底部的 'won'。"),
    ]


# --------------------------------------------------------------------------- 1.3
def _half(second: bool = True):
    leads = _table("leads")
    late = leads["created_date"] >= SECOND_HALF
    return leads[late if second else ~late]


def _cpa_of(leads):
    by = leads.groupby("source_channel", observed=True)
    cpa = by["cost"].sum() / by["converted"].sum()
    cpa.index = cpa.index.astype(str)
    return cpa


@per_variant
def _cpa_h2():
    return _cpa_of(_half()).sort_values()


def _mistakes_1_3(want):
    leads = _half()
    by = leads.groupby("source_channel", observed=True)
    per_lead = by["cost"].mean()
    won_cost = leads[leads["converted"]].groupby("source_channel", observed=True)["cost"].mean()
    for s in (per_lead, won_cost):
        s.index = s.index.astype(str)
    return [
        (per_lead,
         "That is the cost per lead (cost / leads): the cost per acquisition divides the "
         "cost by the customers won, not by the leads.",
         "这是单条线索成本（成本 / 线索数）：获客成本是成本除以成交客户数，而不是线索数。"),
        (won_cost,
         "That is the mean cost of the won leads only: the cost per acquisition spreads the "
         "cost of ALL the channel's leads (the lost ones too) over the customers won.",
         "这只是成交线索的平均成本：获客成本要把该渠道全部线索（包括未成交的）的成本"
         "分摊到成交客户上。"),
        (1 / want,
         "That is customers per yuan: the cost per acquisition is yuan per customer.",
         "这是每元带来的客户数：获客成本是每位客户花费的元数。"),
        (_cpa_of(_table("leads")),
         "That is the cost per acquisition of the whole year: keep the leads created in the "
         "second half (July to December).",
         "这是全年的获客成本：请只保留下半年（7 月至 12 月）产生的线索。"),
        (_cpa_of(_half(second=False)),
         "That is the first half of the year: keep the leads created from July on.",
         "这是上半年：请只保留 7 月起产生的线索。"),
    ]


def _ascending(answer) -> bool:
    values = list(answer)
    return values == sorted(values)


_SORTED_1_3 = (
    When(lambda answer, want: not _ascending(answer)
         and list(answer) == sorted(answer, reverse=True),
         "Sorted from the most expensive down: put the cheapest channel first.",
         "排序方向反了：最便宜的渠道应排在最前。"),
    When(lambda answer, want: not _ascending(answer),
         "The values are right but not sorted: the cheapest channel comes first.",
         "数值正确但没有排序：最便宜的渠道应排在最前。"),
)


# --------------------------------------------------------------------------- 1.4
def _never(customers=None):
    customers = _table("customers") if customers is None else customers
    return ~customers["customer_id"].isin(_table("orders")["customer_id"].unique())


def _by_tier(values):
    out = values.groupby(_table("customers")["membership"].astype(str)).mean()
    out.index.name = "membership"
    return out


@per_variant
def _never_by_tier():
    return _by_tier(_never())


def _mistakes_1_4(want):
    customers, orders = _table("customers"), _table("orders")
    never = _never()
    tier = customers["membership"].astype(str)
    counts = never.groupby(tier).sum()
    buyers = (~never).groupby(tier).sum()
    in_year = orders.loc[orders["order_date"].dt.year == FOLLOW_YEAR, "customer_id"].unique()
    return [
        (counts,
         "These are numbers of members: the question asks for the share of each tier's "
         "members.",
         "这是会员人数：题目要求的是各等级会员中的占比。"),
        (counts / buyers,
         "You divided by the members who bought: the share is over all the tier's members, "
         "buyers or not.",
         "你除以的是有购买的会员：占比的分母是该等级的全部会员，无论是否购买。"),
        (counts / len(customers),
         "These are shares of all 5,000 members: divide by the members of each tier.",
         "这是占全部会员的比例：请除以各等级自己的会员数。"),
        (_by_tier(~customers["customer_id"].isin(in_year)),
         f"That is the share with no order in {FOLLOW_YEAR}: the question asks for members "
         f"with no order at all (both years).",
         f"这是 {FOLLOW_YEAR} 年没有订单的会员占比：题目问的是从未下过任何订单的会员"
         f"（两年都算）。"),
        (1 - want,
         "That is the share of members who bought: the question asks for those who never "
         "did.",
         "这是有购买的会员占比：题目问的是从未购买的会员。"),
    ]


# --------------------------------------------------------------------------- 1.5
@per_variant
def _merch_profit() -> dict:
    """Mean 2025 merchandise profit per tier under the right and the typical wrong ways."""
    customers, orders = _table("customers"), _table("orders")
    members = customers[customers["signup_date"] < MEMBERS_BEFORE].set_index("customer_id")
    year = orders[orders["order_date"].dt.year == FOLLOW_YEAR]
    per = year.groupby("customer_id")[["gross_profit", "cost_to_serve", "amount"]].sum()
    tier = members["membership"].astype(str)

    def mean(values, who=None):
        who = tier if who is None else who
        out = who.index.to_series().map(values).fillna(0.0).groupby(who).mean()
        out.index.name = "membership"
        return out

    everyone = customers.set_index("customer_id")["membership"].astype(str)
    return {
        "right": mean(per["gross_profit"] - per["cost_to_serve"]),
        "gross": mean(per["gross_profit"]),
        "buyers_only": mean(per["gross_profit"] - per["cost_to_serve"],
                            tier[tier.index.isin(per.index)]),
        "all_members": mean(per["gross_profit"] - per["cost_to_serve"], everyone),
    }


def _fee_for(profit):
    return profit * COSTCO_FEE_SHARE / (1 - COSTCO_FEE_SHARE)


@per_variant
def _fee_for_70():
    return _fee_for(_merch_profit()["right"])


def _mistakes_1_5(want):
    profit = _merch_profit()
    right = profit["right"]
    return [
        (right,
         "That is the merchandise profit per member itself: the question asks for the fee "
         "that would be 70 % of the total profit (fee + merchandise profit).",
         "这是每位会员的商品利润本身：题目要求的是占总利润（会员费 + 商品利润）70 % 的会员费。"),
        (right * COSTCO_FEE_SHARE,
         "That makes the fee 70 % of the merchandise profit: it must be 70 % of the TOTAL "
         "profit, the fee included, so the merchandise profit is the other 30 %.",
         "这是让会员费等于商品利润的 70 %：会员费应占包括会员费在内的总利润的 70 %，"
         "商品利润是其余的 30 %。"),
        (right * (1 - COSTCO_FEE_SHARE) / COSTCO_FEE_SHARE,
         "The ratio is upside down: the fee is the 70 % part, the merchandise profit the "
         "30 % part.",
         "比例颠倒了：会员费是 70 % 的部分，商品利润是 30 % 的部分。"),
        (_fee_for(profit["gross"]),
         "That starts from the gross profit: the merchandise profit also subtracts the cost "
         "to serve.",
         "这是从毛利算起的：商品利润还要减去服务成本。"),
        (_fee_for(profit["buyers_only"]),
         "That is the mean over the members who bought in 2025: a member without a 2025 "
         "order brought no merchandise profit and counts in the mean.",
         "这是 2025 年有购买的会员的均值：没有 2025 年订单的会员商品利润为 0，也要计入均值。"),
        (_fee_for(profit["all_members"]),
         "That includes the members who joined during 2025: keep the members who joined "
         "before 2025.",
         "这包含了 2025 年内才加入的会员：请只保留 2025 年之前加入的会员。"),
    ]


# --------------------------------------------------------------------------- 1.6
_WHY_1_6 = {
    "A": ("A market survey is run by the firm itself and asks the customers directly: the "
          "answer key lists it among the direct channels.",
          "市场调查由企业自己进行、直接询问客户：参考答案把它列为直接渠道。"),
    "B": ("Customer service (service calls, complaints, registration) is the firm's own "
          "contact with its customers: a direct channel in the answer key.",
          "客户服务（服务电话、投诉、登记）是企业与客户的直接接触：参考答案把它列为直接渠道。"),
    "C": ("The firm's own website and online sales platforms collect the information "
          "first-hand: the answer key lists them among the direct channels.",
          "企业自己的网站和网络销售平台是第一手收集信息：参考答案把它们列为直接渠道。"),
}


# --------------------------------------------------------------------------- 1.7
def _simulated_cpa(cost: float | None = TRADE_SHOW_COST):
    from crmlab import acquisition, datasets

    changes = {}
    if cost is not None:
        from crmlab import _synth

        costs = list(datasets.parameters("leads")["lead_cost"])
        costs[_synth.LEAD_CHANNELS.index("trade_show")] = cost
        changes["lead_cost"] = costs
    table = acquisition.channel_summary(datasets.simulate("leads", **changes))
    table.index = table.index.astype(str)
    return table


@per_variant
def _trade_show_moved() -> dict:
    cpa = _simulated_cpa()["cost_per_acquisition"]
    return {"trade_show_cpa": float(cpa["trade_show"]),
            "trade_show_rank": int(cpa.rank()["trade_show"])}


def _mistakes_1_7_cpa(want):
    new, old = _simulated_cpa(), _simulated_cpa(None)
    return [
        (float(old.loc["trade_show", "cost_per_acquisition"]),
         "That is the trade shows' cost per acquisition in the data as generated: make the "
         "data again with the trade-show contact cost changed.",
         "这是原始数据中展会的获客成本：请改变展会的接触成本后重新生成数据。"),
        (float(new.loc["trade_show", "cost_per_lead"]),
         "That is the cost per lead of the trade shows: divide the cost by the customers "
         "won.",
         "这是展会的单条线索成本：请用成本除以成交客户数。"),
    ]


def _mistakes_1_7_rank(want):
    new, old = _simulated_cpa(), _simulated_cpa(None)
    n = len(new)
    return [
        (n + 1 - want,
         "That counts from the most expensive: rank 1 is the cheapest channel.",
         "这是从最贵的渠道数起的：第 1 名是最便宜的渠道。"),
        (int(old["cost_per_acquisition"].rank()["trade_show"]),
         "That is the rank in the data as generated: rank the channels in the data made "
         "again.",
         "这是原始数据中的名次：请在重新生成的数据中排名。"),
    ]


# --------------------------------------------------------------------------- 1.8
@per_variant
def _per_budget() -> dict:
    table = _channels()[0]
    return {"budget_channel": str(table["cost_per_acquisition"].idxmin()),
            "customers_per_100k": BUDGET / table["cost_per_acquisition"]}


def _mistakes_1_8(want):
    table, total = _channels()
    return [
        (table["cost_per_acquisition"],
         "That is the cost per acquisition (yuan per customer): the question asks how many "
         "customers the budget buys.",
         "这是获客成本（每位客户的元数）：题目问的是这笔预算能买到多少位客户。"),
        (BUDGET / table["cost_per_lead"],
         "That is the number of LEADS the budget buys: only some of them become customers.",
         "这是预算能买到的线索数：其中只有一部分会成交。"),
        (BUDGET * table["conversion_rate"],
         "That multiplies the budget by the conversion rate: divide the budget by what a "
         "customer costs in the channel.",
         "这是用预算乘以转化率：应该用预算除以该渠道每位客户的成本。"),
        (BUDGET / table["cost_per_acquisition"] / 1000,
         "That is in thousands of customers: give the number of customers.",
         "这是以千为单位的客户数：请给出客户人数。"),
    ]


# --------------------------------------------------------------------------- findings
def _trade_show_dearest() -> bool:
    cpa = _channels()[0]["cost_per_acquisition"]
    return bool(cpa.idxmax() == "trade_show")


def _trade_show_cheaper_when_cost_falls() -> bool:
    return bool(_trade_show_moved()["trade_show_cpa"]
                < _simulated_cpa(None).loc["trade_show", "cost_per_acquisition"])


def _every_channel_wins_in_each_half() -> bool:
    return all(bool((_half(h).groupby("source_channel", observed=True)["converted"].sum()
                     > 0).all()) and _half(h)["source_channel"].nunique() == 6
               for h in (True, False))


def _channels_beat_the_average() -> bool:
    table, total = _channels()
    both = (table["cost_per_acquisition"] < total["cost_per_acquisition"]) \
        & (table["roi"] > total["roi"])
    return bool(both.sum() >= 2)


def _some_members_never_buy() -> bool:
    share = _never_by_tier()
    return bool(((share > 0) & (share < 0.1)).all() and len(share) == 2)


def _fee_below_costco() -> bool:
    fees = _table("customers").groupby("membership", observed=True)["annual_fee"].first()
    fees.index = fees.index.astype(str)
    return bool((_fee_for_70() > fees).all())


#: The facts of the data the chapter's exercise text relies on (checked in every variant).
FINDINGS = (
    Finding("every lead channel wins customers in each half of the year (1.3: a finite "
            "cost per acquisition)", _every_channel_wins_in_each_half),
    Finding("a few members of each tier never buy (1.4)", _some_members_never_buy),
    Finding("at today's fees the fee is less than 70 % of the profit per member, so the "
            "Costco fee is higher than the fee paid (1.5)", _fee_below_costco),
    Finding("trade shows have the highest cost per acquisition (1.7)", _trade_show_dearest),
    Finding("cheaper trade-show contacts lower the trade shows' cost per acquisition (1.7)",
            _trade_show_cheaper_when_cost_falls),
    Finding("at least two channels beat the average lead on both cost per acquisition and "
            "ROI (1.8: several defensible choices)", _channels_beat_the_average),
)


# --------------------------------------------------------------------------- the records
EXERCISES = register(
    Exercise(
        "1.1", expected=_meeting_win_rate, data=("leads",), mistakes=_mistakes_1_1,
        task=Hint(
            "Give the share of the leads that got at least as far as a meeting that became "
            "customers, as a fraction between 0 and 1.",
            "给出至少走到会面阶段的线索中成为客户的比例，用 0 到 1 之间的小数表示。"),
        hints=[Hint(
            "The whole is every lead whose furthest stage is the meeting or a later one; "
            "the part is the leads won among them.",
            "整体是最远阶段为会面或更后阶段的全部线索；部分是其中成交的线索。"),
            pointer("acquisition.lead_funnel", "Series.sum")],
    ),
    Exercise(
        "1.2", expected=_reached, data=("leads",), mistakes=_mistakes_1_2,
        task=Hint(
            "For the leads of one channel, count for every funnel stage the leads that "
            "reached at least that stage, in funnel order.",
            "对一个渠道的线索，数出至少到达漏斗各阶段的线索数，按漏斗顺序排列。"),
        hints=[Hint(
            "Keep the channel's leads first. A lead won has also passed every earlier "
            "stage: count each stage, then add up from the bottom of the funnel to the top.",
            "先只保留该渠道的线索。成交的线索也经过了之前的每个阶段：先按阶段计数，"
            "再从漏斗底部向上累加。"),
            pointer("acquisition.lead_funnel")],
    ),
    Exercise(
        "1.3", expected=_cpa_h2, data=("leads",), mistakes=_mistakes_1_3, ordered=False,
        after=_SORTED_1_3,
        task=Hint(
            "For the leads of the second half of the year, compute every channel's cost per "
            "customer won and rank the channels from the cheapest to the dearest.",
            "对下半年的线索，计算每个渠道每赢得一位客户的成本，并按从便宜到昂贵排列渠道。"),
        hints=[Hint(
            "Keep the leads created from July on. The cost counts every lead of the channel, "
            "won or not; divide it by the customers won, not by the leads.",
            "只保留 7 月起产生的线索。成本要算上该渠道的所有线索（无论是否赢得）；"
            "再除以赢得的客户数，而不是线索数。"),
            pointer("acquisition.channel_summary", "DataFrame.groupby", "Series.sort_values")],
    ),
    Exercise(
        "1.4", expected=_never_by_tier, data=("retail_customers", "retail_transactions"),
        mistakes=_mistakes_1_4,
        task=Hint(
            "For each membership tier, give the share of its members who never placed an "
            "order.",
            "对每个会员等级，给出从未下过订单的会员占比。"),
        hints=[Hint(
            "A member who never bought has no row in the orders table; the share is taken "
            "within each tier, over all its members.",
            "从未购买的会员在订单表中没有记录；占比要在每个等级内、以该等级全部会员为分母"
            "计算。"),
            pointer("Series.isin", "DataFrame.groupby")],
    ),
    Exercise(
        "1.5", expected=_fee_for_70, data=("retail_customers", "retail_transactions"),
        mistakes=_mistakes_1_5,
        task=Hint(
            "For each tier, give the annual fee that would make the fee 70 % of the total "
            "profit per member, as at Costco.",
            "对每个会员等级，给出使会员费占每位会员总利润 70 %（如开市客）所需的年费。"),
        hints=[Hint(
            "Find the mean merchandise profit of a member of each tier first (members who "
            "did not buy count with nothing). If the fee is 70 % of the total, the "
            "merchandise profit is the other 30 %.",
            "先求每个等级会员的平均商品利润（没有购买的会员计为零）。如果会员费占总利润的 "
            "70 %，商品利润就是其余的 30 %。"),
            pointer("Series.map", "Series.fillna", "DataFrame.groupby")],
    ),
    Exercise(
        "1.6", expected=lambda: "D", judge=letter_judge("D", _WHY_1_6),
        task=Hint("Answer with one letter: which source of customer information is an "
                  "indirect channel?",
                  "用一个字母作答：哪一种客户信息来源属于间接渠道？"),
        hints=[Hint(
            "A direct channel is the firm's own contact with its customers; an indirect one "
            "is information someone else gathered and published.",
            "直接渠道是企业自己与客户的接触；间接渠道是别人收集并公开的信息。"),
            Hint("Reread the table of §1 of the chapter: the answer key's two kinds of "
                 "channel.",
                 "重读本章第 1 节的表格：参考答案中的两类渠道。")],
    ),
    Exercise(
        "1.7", expected=_trade_show_moved, data=("leads",),
        parts={"trade_show_cpa": Part(mistakes=_mistakes_1_7_cpa),
               "trade_show_rank": Part(mistakes=_mistakes_1_7_rank)},
        task=Hint(
            "Make the leads again with cheaper trade-show contacts, then give the trade "
            "shows' new cost per acquisition and its rank among the channels.",
            "用更便宜的展会接触成本重新生成线索数据，再给出展会新的获客成本及其在各渠道中的"
            "名次。"),
        hints=[Hint(
            "Change only the trade shows' contact cost (the generator lists one cost per "
            "channel), keep everything else, and recompute the channel table on the new "
            "data; rank 1 is the cheapest.",
            "只改展会的接触成本（生成器为每个渠道列出一个成本），其余不变，再在新数据上"
            "重新计算渠道表；第 1 名是最便宜的。"),
            pointer("datasets.parameters", "datasets.simulate", "acquisition.channel_summary",
                    "Series.rank")],
    ),
    Exercise(
        "1.8", expected=_per_budget, data=("leads",), decision="budget_channel",
        parts={"customers_per_100k": Part(mistakes=_mistakes_1_8)}, ordered=False,
        task=Hint(
            "Give, for every channel, how many customers a budget of 100,000 yuan buys at "
            "the channel's average cost per acquisition, and name the channel you would "
            "fund.",
            "给出每个渠道按其平均获客成本计算，10 万元预算能买到多少位客户，并写出你会投入"
            "预算的渠道。"),
        hints=[Hint(
            "A budget buys as many customers as it holds costs of one customer: divide the "
            "budget by what a customer costs in each channel.",
            "预算能买到的客户数 = 预算 / 每位客户的成本：用预算除以各渠道的获客成本。"),
            pointer("acquisition.channel_summary")],
    ),
)

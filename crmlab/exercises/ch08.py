"""Checks for the chapter 08 exercises (solutions/08_management_bias.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module): the expected answer (:func:`expected`, computed with :mod:`crmlab.bias` and
pandas on the bundled ``accounts``); the known wrong answers (the correlation with the
raw priority number, whose sign is flipped because rank 1 is the top; Pearson instead of
Spearman; the under-served accounts for the over-served; hours moved counted twice...),
each said in one sentence instead of "too high"; and the hints. Answers with several
parts are checked as a dict built in the check cell (``{"n_over": n_over,
"over_hours_share": over_hours_share}``); feedback names the part, e.g. ``[n_over] ...``.
"""

from __future__ import annotations

import functools
from typing import Any

from crmlab.exercises._variant import per_variant
from crmlab.exercises._compare import compare
from crmlab.exercises._judging import tell
from crmlab.exercises._registry import Exercise, Hint, Part, Tolerance, pointer, register

__all__ = ["CANDIDATES_8_5", "EXERCISES", "MIN_HOURS_8_4", "expected"]

#: Basic service hours every account keeps in the fair allocation of exercise 8.4.
MIN_HOURS_8_4 = 25
#: The attributes exercise 8.5 chooses among.
CANDIDATES_8_5 = ("tenure_years", "relationship", "profit")


# --------------------------------------------------------------------------- data
@per_variant
def _accounts():
    import crmlab

    return crmlab.load_data("accounts")


@per_variant
def _audit():
    from crmlab import bias

    return bias.priority_audit(_accounts())


@per_variant
def _fair(min_hours: float = MIN_HOURS_8_4, by: str = "score"):
    from crmlab import bias

    return bias.fair_allocation(_accounts(), min_hours=min_hours, by=by)


def _corr(column: str, method: str = "spearman", sign: int = -1) -> float:
    """Correlation of ``sign * manager_priority`` with a column (-1: the preference)."""
    a = _accounts()
    return float((sign * a["manager_priority"]).corr(a[column], method=method))


# --------------------------------------------------------------------------- the answer key
@per_variant
def _profit_correlation() -> float:
    from crmlab import bias

    return float(bias.priority_drivers(_accounts(), attributes=["profit"])
                 .loc["profit", "spearman"])


@per_variant
def _over_served() -> dict:
    from crmlab import bias
    summary = bias.audit_totals(_audit())
    return {"n_over": summary["over_served"],
            "over_hours_share": summary["hours_over_served_share"]}


@per_variant
def _loss_hours() -> dict:
    accounts = _accounts()
    loss = accounts["profit"] < 0
    hours = float(accounts.loc[loss, "resource_hours"].sum())
    return {"loss_hours": hours,
            "loss_share": hours / float(accounts["resource_hours"].sum())}


@per_variant
def _moved() -> dict:
    from crmlab import bias
    fair = _fair()
    totals = bias.allocation_totals(fair)
    return {"hours_moved": totals["hours_moved"], "gainers": totals["accounts_gain"]}


@per_variant
def _driver() -> dict:
    from crmlab import bias

    drivers = bias.priority_drivers(_accounts(), attributes=list(CANDIDATES_8_5))
    return {"driver": str(drivers["spearman"].idxmax()),
            "rho": float(drivers["spearman"].max())}


@per_variant
def _objective() -> dict:
    from crmlab import bias
    return {"fair_guide": False, "rho_objective": bias.audit_totals(_audit())["spearman"]}


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 08 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "8.1" to "8.6".

    Returns
    -------
    object
        A float (8.1) or a dict of the parts (8.2 to 8.6). Cached: do not modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 08 does not have.

    Examples
    --------
    >>> expected("8.2")["n_over"], expected("8.4")["gainers"]
    (75, 184)
    >>> expected("8.5")["driver"]
    'tenure_years'
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- judging
_SIGN = ("The sign is flipped: manager_priority is a rank, 1 = highest priority, so an "
         "attribute the manager favours has a NEGATIVE correlation with the rank number. "
         "Correlate the preference, -manager_priority (as bias.priority_drivers does).",
         "符号反了：manager_priority 是排名，1 = 最优先，所以经理偏爱的属性与排名数字是"
         "负相关。请用偏好 -manager_priority 计算相关（bias.priority_drivers 就是这样做的）。")
_PEARSON = ("That is Pearson's correlation (the default of .corr()): the question asks for "
            "Spearman's rank correlation, .corr(..., method='spearman').",
            "这是 Pearson 相关（.corr() 的默认方法）：题目要求 Spearman 等级相关，"
            ".corr(..., method='spearman')。")


# --------------------------------------------------------------------------- 8.1
def _mistakes_8_1(want):
    from crmlab import bias
    return [
        (_corr("profit", sign=1), *_SIGN),
        (_corr("profit", "pearson"), *_PEARSON),
        (_corr("profit", "pearson", sign=1),
         "That is Pearson's correlation with the raw rank number: use Spearman "
         "(method='spearman') and the preference, -manager_priority (rank 1 = top).",
         "这是与原始排名数字的 Pearson 相关：请用 Spearman（method='spearman'）和偏好 "
         "-manager_priority（排名 1 = 最优先）。"),
        (_corr("profit", "kendall"),
         "That is Kendall's tau: the question asks for Spearman's rank correlation.",
         "这是 Kendall 的 tau：题目要求 Spearman 等级相关。"),
        (_corr("revenue"),
         "That is the correlation with revenue: the question asks about profit.",
         "这是与收入的相关：题目问的是利润。"),
        (_corr("gross_margin"),
         "That is the correlation with the margin: the question asks about profit.",
         "这是与毛利率的相关：题目问的是利润。"),
        (bias.audit_totals(_audit())["spearman"],
         "That is the correlation with the objective rank (exercise 8.6): here, with profit.",
         "这是与客观排名的相关（练习 8.6）：本题要求与利润的相关。"),
    ]


# --------------------------------------------------------------------------- 8.2
def _mistakes_8_2_n(want):
    from crmlab import bias
    summary = bias.audit_totals(_audit())
    n = summary["accounts"]
    return [
        (summary["under_served"],
         "That is the number of under-served accounts (rank_gap < 0): over-served ones "
         "have a manager rank far above their objective rank (rank_gap > 0).",
         "这是服务不足的客户数（rank_gap < 0）：过度服务的客户经理排名远高于客观排名"
         "（rank_gap > 0）。"),
        (summary["aligned"],
         "That is the number of aligned accounts: count the status 'over-served'.",
         "这是排名一致的客户数：请数 status 为 'over-served' 的客户。"),
        (summary["loss_making_over_served"],
         "That counts only the over-served accounts that lose money: count all of them.",
         "这只数了亏损的过度服务客户：请数出全部过度服务客户。"),
        (summary["over_served"] / n,
         "That is a share of accounts, not a number of accounts: count them.",
         "这是客户占比，不是客户数：请计数。"),
    ]


def _mistakes_8_2_share(want):
    from crmlab import bias
    summary = bias.audit_totals(_audit())
    n = summary["accounts"]
    return [
        (summary["hours_over_served"],
         "That is the number of hours: divide by the total service hours for a share.",
         "这是小时数：请除以总服务小时得到占比。"),
        (summary["over_served"] / n,
         "That is the over-served share of accounts: the question asks for their share "
         "of the service hours.",
         "这是过度服务客户的数量占比：题目要求它们占服务小时的比例。"),
        (summary["hours_under_served"] / summary["hours_total"],
         "That is the under-served accounts' share of hours: take the over-served ones.",
         "这是服务不足客户的小时占比：请取过度服务的客户。"),
    ]


# --------------------------------------------------------------------------- 8.3
def _loss_numbers():
    accounts = _accounts()
    audit = _audit()
    loss = accounts["profit"] < 0
    total = float(accounts["resource_hours"].sum())
    over_loss = float(audit.loc[(audit["status"] == "over-served") & (audit["profit"] < 0),
                                "hours"].sum())
    return accounts, loss, total, over_loss


def _mistakes_8_3_hours(want):
    accounts, loss, total, over_loss = _loss_numbers()
    return [
        (int(loss.sum()),
         "That counts the loss-making accounts: the question asks for their service hours "
         "(sum resource_hours).",
         "这是亏损客户的数量：题目要求它们的服务小时（对 resource_hours 求和）。"),
        (over_loss,
         "Those are the hours of the over-served loss-making accounts only: take every "
         "account with profit < 0.",
         "这只是过度服务且亏损客户的小时：请取所有 profit < 0 的客户。"),
        (total - float(accounts.loc[loss, "resource_hours"].sum()),
         "Those are the hours of the profitable accounts: select profit < 0.",
         "这是盈利客户的小时：请选 profit < 0。"),
        (float(accounts.loc[loss, "profit"].sum()),
         "That is the loss in yuan: the question asks for the service hours.",
         "这是以元计的亏损：题目要求服务小时。"),
        (float(accounts.loc[loss, "cost_to_serve"].sum()),
         "That is the cost to serve in yuan: the question asks for resource_hours.",
         "这是以元计的服务成本：题目要求 resource_hours。"),
    ]


def _mistakes_8_3_share(want):
    accounts, loss, total, over_loss = _loss_numbers()
    return [
        (float(loss.mean()),
         "That is the share of accounts that lose money: the question asks for their share "
         "of the service hours.",
         "这是亏损客户的数量占比：题目要求它们占服务小时的比例。"),
        (over_loss / total,
         "That counts only the over-served loss-making accounts: take every account with "
         "profit < 0.",
         "这只算了过度服务且亏损的客户：请取所有 profit < 0 的客户。"),
    ]


# --------------------------------------------------------------------------- 8.4
def _mistakes_8_4_moved(want):
    from crmlab import bias
    fair, zero, tier = _fair(), _fair(0.0), _fair(by="tier")
    change = fair["change"]
    return [
        (float(change.abs().sum()),
         "Every moved hour is counted twice, once where it leaves and once where it "
         "arrives: sum the increases only (change > 0).",
         "每个移动的小时被算了两次（移出一次、移入一次）：只对增加的部分（change > 0）求和。"),
        (float(change.sum()),
         "The total stays the same, so the changes add up to 0: sum the increases only.",
         "总小时数不变，所以变化之和为 0：只对增加的部分求和。"),
        (bias.allocation_totals(zero)["hours_moved"],
         f"That is without the basic service: pass min_hours={MIN_HOURS_8_4}.",
         f"这是没有基本服务的结果：请传入 min_hours={MIN_HOURS_8_4}。"),
        (bias.allocation_totals(tier)["hours_moved"],
         "That is the allocation by tier: spread the hours by score (the default).",
         "这是按层级分配的结果：请按评分分配（默认）。"),
        (bias.allocation_totals(fair)["hours_moved"] / bias.allocation_totals(fair)["total_hours"],
         "That is a share of the hours: the question asks for the number of hours.",
         "这是小时的占比：题目要求小时数。"),
    ]


def _mistakes_8_4_gainers(want):
    from crmlab import bias
    fair, zero = _fair(), _fair(0.0)
    n = len(fair)
    return [
        (bias.allocation_totals(fair)["accounts_lose"],
         "Those are the accounts that lose hours: count those whose change is > 0.",
         "这是失去小时的客户：请数 change > 0 的客户。"),
        (bias.allocation_totals(zero)["accounts_gain"],
         f"That is without the basic service: pass min_hours={MIN_HOURS_8_4}.",
         f"这是没有基本服务的结果：请传入 min_hours={MIN_HOURS_8_4}。"),
        (bias.allocation_totals(fair)["accounts_gain"] / n,
         "That is a share of accounts, not a number of accounts: count them.",
         "这是客户占比，不是客户数：请计数。"),
    ]


# --------------------------------------------------------------------------- 8.5
def _judge_driver(answer, want) -> list[str]:
    if not isinstance(answer, str):
        return compare(answer, want)
    got = answer.strip().casefold()
    got = {"tenure": "tenure_years"}.get(got, got)
    if got == want:
        return []
    if got not in CANDIDATES_8_5:
        return [tell(f"{answer!r}: answer with one of the three column names: "
                     f"{', '.join(CANDIDATES_8_5)}.",
                     f"{answer!r}：请用三个列名之一作答：{', '.join(CANDIDATES_8_5)}。")]
    raw = {c: _corr(c, sign=1) for c in CANDIDATES_8_5}
    if got == max(raw, key=raw.get):
        return [tell(f"{got!r} has the largest correlation with the raw rank number, but rank "
                     f"1 = highest priority: the manager favours what correlates NEGATIVELY "
                     f"with the rank. Use -manager_priority (bias.priority_drivers).",
                     f"{got!r} 与原始排名数字的相关最大，但排名 1 = 最优先：经理偏爱的是与排名"
                     f"负相关的属性。请用 -manager_priority（bias.priority_drivers）。")]
    return [tell(f"{got!r} matters, but not the most: compare the three Spearman correlations.",
                 f"{got!r} 有影响，但不是最大的：请比较三个 Spearman 相关系数。")]


def _mistakes_8_5_rho(rho):
    return [
        (-rho, *_SIGN),
        (_corr("tenure_years", "pearson"), *_PEARSON),
        (_corr("relationship"),
         "That is the correlation with relationship: give the one of your driver.",
         "这是与 relationship 的相关：请给出你所选驱动因素的相关系数。"),
        (_corr("profit"),
         "That is the correlation with profit: give the one of your driver.",
         "这是与 profit 的相关：请给出你所选驱动因素的相关系数。"),
    ]


# --------------------------------------------------------------------------- 8.6
def _mistakes_8_6_rho(rho):
    from crmlab import bias

    accounts = _accounts()
    audit = _audit()
    priority = accounts.set_index("account_id")["manager_priority"].reindex(audit.index)
    sales_only = bias.audit_totals(bias.priority_audit(accounts, weights={"sales": 1}))["spearman"]
    return [
        (-rho,
         "The sign is flipped: a higher score is better but rank 1 is the top priority. "
         "Compare ranks with ranks (objective_rank with manager_rank), or use "
         "-manager_priority against the score.",
         "符号反了：评分越高越好，而排名 1 是最优先。请用排名对排名（objective_rank 与 "
         "manager_rank），或用 -manager_priority 对评分。"),
        (float(priority.corr(audit["score"], method="spearman")),
         "The sign is flipped: a higher score is better but rank 1 is the top priority; "
         "use -manager_priority against the score.",
         "符号反了：评分越高越好，而排名 1 是最优先；请用 -manager_priority 对评分。"),
        (float((-priority).corr(audit["score"])), *_PEARSON),
        (_profit_correlation(),
         "That is the correlation with profit (exercise 8.1): here, with the objective rank.",
         "这是与利润的相关（练习 8.1）：本题要求与客观排名的相关。"),
        (float(sales_only),
         "That is the scorecard on sales alone: use the default weights (sales, margin "
         "and potential equally).",
         "这是只按销售额评分的结果：请用默认权重（销售额、利润率、潜力各占三分之一）。"),
    ]


# --------------------------------------------------------------------------- the records
ACCOUNTS = ("accounts",)

EXERCISES = register(
    Exercise(
        "8.1", expected=_profit_correlation, data=ACCOUNTS, mistakes=_mistakes_8_1,
        task=Hint(
            "Measure with a rank correlation how closely the managers' priorities follow "
            "profit, positive when profitable accounts come first.",
            "用等级相关衡量经理的优先级与利润的一致程度，使赚钱的账户排前时为正。"),
        hints=[Hint(
            "A priority of one is the top, so a low number means high priority: turn the "
            "priority round before correlating ranks.",
            "优先级为一表示最高，数字越小优先级越高：先把优先级的方向反过来，再计算等级相"
            "关。"),
            pointer("bias.priority_drivers", "Series.corr")],
    ),
    Exercise(
        "8.2", expected=_over_served, data=ACCOUNTS,
        parts={"n_over": Part(mistakes=_mistakes_8_2_n),
               "over_hours_share": Part(mistakes=_mistakes_8_2_share)},
        task=Hint(
            "Run the chapter's priority audit, count the over-served accounts and give "
            "their share of all service hours.",
            "运行本章的优先级审计，数出过度服务的账户，并给出它们占全部服务工时的比例。"),
        hints=[Hint(
            "The audit flags every account by comparing its two ranks; the share divides "
            "the flagged accounts' hours by all the hours.",
            "审计通过比较两个名次标记每个账户；占比是被标记账户的工时除以全部工时。"),
            pointer("bias.priority_audit", "bias.audit_totals")],
    ),
    Exercise(
        "8.3", expected=_loss_hours, data=ACCOUNTS,
        parts={"loss_hours": Part(mistakes=_mistakes_8_3_hours),
               "loss_share": Part(mistakes=_mistakes_8_3_share)},
        task=Hint(
            "Give the service hours spent on the loss-making accounts and their share of "
            "all service hours.",
            "给出花在亏损账户上的服务工时，以及它们占全部服务工时的比例。"),
        hints=[Hint(
            "Select the accounts whose profit is below zero and add up their hours; the "
            "share divides by the hours of all accounts.",
            "选出利润小于零的账户并汇总其工时；占比要除以全部账户的工时。"),
            pointer("Series.sum")],
    ),
    Exercise(
        "8.4", expected=_moved, data=ACCOUNTS,
        parts={"hours_moved": Part(mistakes=_mistakes_8_4_moved),
               "gainers": Part(mistakes=_mistakes_8_4_gainers)},
        task=Hint(
            "Re-spread the hours fairly with the basic hours given, then give the hours "
            "moved and count the accounts that gain.",
            "在给定基本工时下公平地重新分配工时，再给出移动的工时数并数出获得工时的账户。"),
        hints=[Hint(
            "Every hour moved leaves one account and reaches another: count it once, on "
            "the side of the accounts that gain.",
            "每个移动的工时离开一个账户又到达另一个账户：只算一次，按获得工时的账户一侧计"
            "算。"),
            pointer("bias.fair_allocation", "bias.allocation_totals")],
    ),
    Exercise(
        "8.5", expected=_driver, data=ACCOUNTS,
        parts={"driver": Part(judge=_judge_driver), "rho": Part(mistakes=_mistakes_8_5_rho)},
        task=Hint(
            "Name the attribute the managers' priority follows most closely and give its "
            "rank correlation.",
            "指出经理的优先级最紧密跟随的属性，并给出其等级相关系数。"),
        hints=[Hint(
            "Orient the correlations as in the first exercise, positive when high values "
            "come first, and compare the three attributes.",
            "按第一题的方向计算相关（高值排前时为正），再比较三个属性。"),
            pointer("bias.priority_drivers")],
    ),
    Exercise(
        "8.6", expected=_objective, data=ACCOUNTS,
        # -spearman(priority, score) differs from rho in the 4th digit (ties in the score are
        # averaged instead of broken by id): accepted through a looser tolerance.
        decision="fair_guide",
        parts={"rho_objective": Part(mistakes=_mistakes_8_6_rho,
                                     tolerance=Tolerance(rtol=2e-3))},
        task=Hint(
            "Decide whether the managers' priorities are a fair guide for service hours, "
            "and give the rank correlation that backs it.",
            "判断经理的优先级是否是分配服务工时的公平依据，并给出支持你判断的等级相关系数"
            "。"),
        hints=[Hint(
            "Compare the managers' ranking with the objective ranking: a correlation near "
            "zero means the two have little in common.",
            "把经理的排名与客观排名比较：相关系数接近零说明两者几乎没有共同之处。"),
            pointer("bias.priority_audit", "bias.audit_totals")],
    ),
)

"""Checks for the chapter 08 exercises (solutions/08_management_bias.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module): the expected answer (:func:`expected`, computed with :mod:`crmlab.bias` and
pandas on the student's ``accounts`` variant, or for exercise 8.5 on the accounts made
again with another priority rule, :func:`crmlab.datasets.simulate`); the known wrong
answers (the correlation with the raw priority number, whose sign is flipped because rank
1 is the top; Pearson instead of Spearman; the chapter's settings instead of the ones
asked; the under-served accounts for the over-served; hours moved counted twice...),
each said in one sentence instead of "too high"; and the hints. Answers with several
parts are checked as a dict built in the check cell (``{"n_over": n_over,
"over_hours_share": over_hours_share}``); feedback names the part, e.g. ``[n_over] ...``.
"""

from __future__ import annotations

from typing import Any

from crmlab.exercises._compare import compare
from crmlab.exercises._concept import letter_judge
from crmlab.exercises._judging import tell
from crmlab.exercises._registry import (
    Exercise,
    Finding,
    Hint,
    Part,
    Tolerance,
    pointer,
    register,
)
from crmlab.exercises._variant import per_variant

__all__ = ["CANDIDATES_8_5", "EXERCISES", "FINDINGS", "MIN_HOURS_8_3", "MIN_HOURS_8_4",
           "PRIORITY_WEIGHTS_8_5", "THRESHOLD_8_2", "WEIGHTS_8_7", "expected"]

#: The stricter flag of exercise 8.2 (the chapter's audit flags at a quarter of the list).
THRESHOLD_8_2 = 0.15
#: Basic service hours every account keeps in the fair allocation of exercise 8.3 (the
#: chapter's) and of exercise 8.4 (a higher floor).
MIN_HOURS_8_3, MIN_HOURS_8_4 = 25, 50
#: Exercise 8.5: the generator's priority rule on revenue alone (the bundled accounts have
#: tenure 0.4, relationship 0.4, log revenue 0.6), and the attributes to choose among.
PRIORITY_WEIGHTS_8_5 = {"tenure": 0.0, "relationship": 0.0, "log_revenue": 1.0}
CANDIDATES_8_5 = ("tenure_years", "relationship", "revenue", "profit")
#: Exercise 8.7: the sales director's scorecard, sales and potential (no margin).
WEIGHTS_8_7 = {"sales": 1, "potential": 1}


# --------------------------------------------------------------------------- data
@per_variant
def _accounts():
    import crmlab

    return crmlab.load_data("accounts")


@per_variant
def _audit(threshold: float = 0.25, weights: tuple = ()):
    from crmlab import bias

    return bias.priority_audit(_accounts(), threshold=threshold,
                               weights=dict(weights) or None)


@per_variant
def _fair(min_hours: float = MIN_HOURS_8_4, by: str = "score"):
    from crmlab import bias

    return bias.fair_allocation(_accounts(), min_hours=min_hours, by=by)


def _per_hour():
    a = _accounts()
    return a["profit"] / a["resource_hours"]


def _corr(column, method: str = "spearman", sign: int = -1, frame=None) -> float:
    """Correlation of ``sign * manager_priority`` with a column (-1: the preference)."""
    a = _accounts() if frame is None else frame
    values = a[column] if isinstance(column, str) else column
    return float((sign * a["manager_priority"]).corr(values, method=method))


# --------------------------------------------------------------------------- the answer key
@per_variant
def _per_hour_correlation() -> float:
    return _corr(_per_hour())


@per_variant
def _over_served() -> dict:
    from crmlab import bias
    summary = bias.audit_totals(_audit(THRESHOLD_8_2))
    return {"n_over": summary["over_served"],
            "over_hours_share": summary["hours_over_served_share"]}


def _loss_shares(fair) -> dict:
    loss = (_accounts().set_index("account_id")["profit"] < 0).reindex(fair.index)
    return {"loss_share_today": float(fair.loc[loss, "current_hours"].sum()
                                      / fair["current_hours"].sum()),
            "loss_share_fair": float(fair.loc[loss, "fair_hours"].sum()
                                     / fair["fair_hours"].sum())}


@per_variant
def _loss_hours() -> dict:
    return _loss_shares(_fair(MIN_HOURS_8_3))


@per_variant
def _moved() -> dict:
    from crmlab import bias
    totals = bias.allocation_totals(_fair())
    return {"hours_moved": totals["hours_moved"], "gainers": totals["accounts_gain"]}


@per_variant
def _simulated(changed: bool):
    from crmlab.datasets import simulate

    return simulate("accounts", priority_weights=PRIORITY_WEIGHTS_8_5) if changed \
        else simulate("accounts")


def _drivers_of(frame):
    from crmlab import bias

    return bias.priority_drivers(frame, attributes=list(CANDIDATES_8_5))["spearman"]


@per_variant
def _driver() -> dict:
    from crmlab import bias

    after = _simulated(True)
    return {"driver_after": str(_drivers_of(after).idxmax()),
            "rho_objective_after": bias.audit_totals(bias.priority_audit(after))["spearman"]}


@per_variant
def _objective() -> dict:
    from crmlab import bias
    return {"fair_guide": False,
            "rho_objective": bias.audit_totals(_audit(0.25, tuple(WEIGHTS_8_7.items())))
            ["spearman"]}


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 08 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "8.1" to "8.7".

    Returns
    -------
    object
        A float (8.1), a letter (8.6) or a dict of the parts (the others). Cached: do not
        modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 08 does not have.

    Examples
    --------
    >>> expected("8.5")["driver_after"]
    'revenue'
    >>> expected("8.6")
    'B'
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- judging
_SIGN = ("The sign is flipped: manager_priority is a rank, 1 = highest priority, so an "
         "attribute the manager favours has a NEGATIVE correlation with the rank number. "
         "Turn the priority round first (minus the rank), as bias.priority_drivers does.",
         "符号反了：manager_priority 是排名，1 = 最优先，所以经理偏爱的属性与排名数字是"
         "负相关。请先把优先级反过来（取负的排名），bias.priority_drivers 就是这样做的。")
_PEARSON = ("That is Pearson's correlation (the default of a correlation in pandas): the "
            "question asks for Spearman's rank correlation.",
            "这是 Pearson 相关（pandas 计算相关的默认方法）：题目要求 Spearman 等级相关。")


# --------------------------------------------------------------------------- 8.1
def _mistakes_8_1(want):
    per_hour = _per_hour()
    a = _accounts()
    return [
        (_corr(per_hour, sign=1), *_SIGN),
        (_corr(per_hour, "pearson"), *_PEARSON),
        (_corr(per_hour, "kendall"),
         "That is Kendall's tau: the question asks for Spearman's rank correlation.",
         "这是 Kendall 的 tau：题目要求 Spearman 等级相关。"),
        (_corr("profit"),
         "That is the correlation with profit (the chapter's number): divide profit by "
         "the service hours first.",
         "这是与利润的相关（本章的数字）：请先把利润除以服务工时。"),
        (_corr(a["resource_hours"] / a["profit"]),
         "That is hours per yuan of profit, the ratio upside down: profit per service "
         "hour divides profit by the hours.",
         "这是每元利润的工时，比值倒过来了：每服务工时利润是利润除以工时。"),
        (_corr("resource_hours"),
         "That is the correlation with the service hours alone: divide profit by them.",
         "这只是与服务工时的相关：请用利润除以工时。"),
        (_corr(a["revenue"] / a["resource_hours"]),
         "That is revenue per service hour: the question asks for profit per hour.",
         "这是每服务工时收入：题目要求每工时利润。"),
    ]


# --------------------------------------------------------------------------- 8.2
def _mistakes_8_2_n(want):
    from crmlab import bias
    summary = bias.audit_totals(_audit(THRESHOLD_8_2))
    default = bias.audit_totals(_audit())
    return [
        (default["over_served"],
         "That is the count with the chapter's default flag (a quarter of the list): "
         "flag at the stricter threshold asked.",
         "这是本章默认标记（名单的四分之一）下的数目：请用题目给出的更严格门槛。"),
        (summary["under_served"],
         "That is the number of under-served accounts (rank_gap below 0): over-served ones "
         "have a manager rank far above their objective rank.",
         "这是服务不足的客户数（rank_gap 小于 0）：过度服务的客户经理排名远高于客观排名。"),
        (summary["loss_making_over_served"],
         "That counts only the over-served accounts that lose money: count all of them.",
         "这只数了亏损的过度服务客户：请数出全部过度服务客户。"),
        (summary["over_served"] / summary["accounts"],
         "That is a share of accounts, not a number of accounts: count them.",
         "这是客户占比，不是客户数：请计数。"),
    ]


def _mistakes_8_2_share(want):
    from crmlab import bias
    summary = bias.audit_totals(_audit(THRESHOLD_8_2))
    default = bias.audit_totals(_audit())
    return [
        (default["hours_over_served_share"],
         "That is the share with the chapter's default flag: flag at the stricter "
         "threshold asked.",
         "这是本章默认标记下的占比：请用题目给出的更严格门槛。"),
        (summary["hours_over_served"],
         "That is the number of hours: divide by the total service hours for a share.",
         "这是小时数：请除以总服务小时得到占比。"),
        (summary["over_served"] / summary["accounts"],
         "That is the over-served share of accounts: the question asks for their share "
         "of the service hours.",
         "这是过度服务客户的数量占比：题目要求它们占服务小时的比例。"),
        (summary["hours_under_served"] / summary["hours_total"],
         "That is the under-served accounts' share of hours: take the over-served ones.",
         "这是服务不足客户的小时占比：请取过度服务的客户。"),
    ]


# --------------------------------------------------------------------------- 8.3
def _mistakes_8_3_today(want):
    a = _accounts()
    loss = a["profit"] < 0
    return [
        (float(loss.mean()),
         "That is the share of accounts that lose money: the question asks for their share "
         "of the service hours.",
         "这是亏损客户的数量占比：题目要求它们占服务小时的比例。"),
        (float(a.loc[loss, "resource_hours"].sum()),
         "That is a number of hours: divide by all the service hours for a share.",
         "这是小时数：请除以全部服务工时得到占比。"),
        (1 - want,
         "That is the share of the profitable accounts: take those with a loss.",
         "这是盈利客户的占比：请取亏损的客户。"),
    ]


def _mistakes_8_3_fair(want):
    return [
        (_loss_shares(_fair(MIN_HOURS_8_4))["loss_share_fair"],
         f"That is the fair allocation with a basic {MIN_HOURS_8_4} hours: keep the "
         f"chapter's basic {MIN_HOURS_8_3} hours here.",
         f"这是基本工时为 {MIN_HOURS_8_4} 小时的公平分配：本题请保持本章的基本 "
         f"{MIN_HOURS_8_3} 小时。"),
        (_loss_shares(_fair(0.0))["loss_share_fair"],
         f"That is without the basic service: keep {MIN_HOURS_8_3} basic hours for every "
         f"account.",
         f"这是没有基本服务的结果：请给每个客户保留 {MIN_HOURS_8_3} 小时基本工时。"),
        (_loss_hours()["loss_share_today"],
         "That is today's share: take the hours of the fair allocation.",
         "这是现在的占比：请取公平分配后的工时。"),
    ]


# --------------------------------------------------------------------------- 8.4
def _mistakes_8_4_moved(want):
    from crmlab import bias
    fair, chapter, zero, tier = _fair(), _fair(MIN_HOURS_8_3), _fair(0.0), _fair(by="tier")
    change = fair["change"]
    return [
        (bias.allocation_totals(chapter)["hours_moved"],
         f"That is the chapter's allocation with a basic {MIN_HOURS_8_3} hours: raise the "
         f"floor to the {MIN_HOURS_8_4} hours asked.",
         f"这是本章基本工时为 {MIN_HOURS_8_3} 小时的分配：请把下限提高到题目要求的 "
         f"{MIN_HOURS_8_4} 小时。"),
        (float(change.abs().sum()),
         "Every moved hour is counted twice, once where it leaves and once where it "
         "arrives: sum the increases only.",
         "每个移动的小时被算了两次（移出一次、移入一次）：只对增加的部分求和。"),
        (float(change.sum()),
         "The total stays the same, so the changes add up to 0: sum the increases only.",
         "总小时数不变，所以变化之和为 0：只对增加的部分求和。"),
        (bias.allocation_totals(zero)["hours_moved"],
         f"That is without the basic service: keep {MIN_HOURS_8_4} basic hours.",
         f"这是没有基本服务的结果：请保留 {MIN_HOURS_8_4} 小时基本工时。"),
        (bias.allocation_totals(tier)["hours_moved"],
         "That is the allocation by tier: spread the hours by score (the default).",
         "这是按层级分配的结果：请按评分分配（默认）。"),
        (bias.allocation_totals(fair)["hours_moved"] / bias.allocation_totals(fair)["total_hours"],
         "That is a share of the hours: the question asks for the number of hours.",
         "这是小时的占比：题目要求小时数。"),
    ]


def _mistakes_8_4_gainers(want):
    from crmlab import bias
    fair, chapter = _fair(), _fair(MIN_HOURS_8_3)
    return [
        (bias.allocation_totals(chapter)["accounts_gain"],
         f"That is the chapter's allocation with a basic {MIN_HOURS_8_3} hours: raise the "
         f"floor to {MIN_HOURS_8_4}.",
         f"这是本章基本工时为 {MIN_HOURS_8_3} 小时的分配：请把下限提高到 {MIN_HOURS_8_4}。"),
        (bias.allocation_totals(fair)["accounts_lose"],
         "Those are the accounts that lose hours: count those whose change is above 0.",
         "这是失去小时的客户：请数变化大于 0 的客户。"),
        (bias.allocation_totals(fair)["accounts_gain"] / len(fair),
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
        return [tell(f"{answer!r}: answer with one of the column names: "
                     f"{', '.join(CANDIDATES_8_5)}.",
                     f"{answer!r}：请用以下列名之一作答：{', '.join(CANDIDATES_8_5)}。")]
    if got == str(_drivers_of(_simulated(False)).idxmax()):
        return [tell(f"{got!r} is what the priority follows in the bundled accounts: "
                     f"measure it in the accounts made again with the new rule.",
                     f"{got!r} 是原始数据中优先级跟随的属性：请在按新规则重新生成的数据中衡量。")]
    raw = _drivers_of(_simulated(True))
    if got == str((-raw).idxmax()):
        return [tell(f"{got!r} has the largest correlation with the raw rank number, but "
                     f"rank 1 = highest priority: the manager favours what correlates "
                     f"NEGATIVELY with the rank.",
                     f"{got!r} 与原始排名数字的相关最大，但排名 1 = 最优先：经理偏爱的是与"
                     f"排名负相关的属性。")]
    return [tell(f"{got!r} matters, but not the most: compare the Spearman correlations.",
                 f"{got!r} 有影响，但不是最大的：请比较各个 Spearman 相关系数。")]


def _mistakes_8_5_rho(rho):
    from crmlab import bias

    before, after = _simulated(False), _simulated(True)
    return [
        (bias.audit_totals(bias.priority_audit(before))["spearman"],
         "That is the agreement in the bundled accounts: audit the accounts made again "
         "with the new rule.",
         "这是原始数据中的一致程度：请审计按新规则重新生成的数据。"),
        (-rho,
         "The sign is flipped: compare ranks with ranks, positive when the two rankings "
         "agree.",
         "符号反了：请用排名对排名，两个排名一致时为正。"),
        (float(_drivers_of(after).max()),
         "That is the correlation of the priority with its driver: the question asks how "
         "far the priority agrees with the objective rank.",
         "这是优先级与其驱动因素的相关：题目问的是优先级与客观排名的一致程度。"),
    ]


# --------------------------------------------------------------------------- 8.6
#: Exercise 8.6's answer and, for each wrong letter, why that option is wrong.
CONCEPT_8_6 = ("B", {
    "A": ("Losing money is not what the audit flags: it compares two rankings, and many "
          "over-served accounts make a profit.",
          "审计标记的不是亏损：它比较两个排名，许多过度服务的客户也在盈利。"),
    "C": ("Hours above the average do not flag an account: a top account may deserve "
          "them. The audit compares the manager's rank with the objective rank.",
          "工时高于平均不会被标记：排名靠前的客户可能本该得到这些工时。审计比较的是经理"
          "排名与客观排名。"),
    "D": ("That is the other way round: an account ranked far higher by the scorecard "
          "than by its manager gets too little attention.",
          "方向反了：评分排名远高于经理排名的客户得到的关注太少。"),
})


# --------------------------------------------------------------------------- 8.7
def _mistakes_8_7_rho(rho):
    from crmlab import bias

    accounts = _accounts()
    audit = _audit(0.25, tuple(WEIGHTS_8_7.items()))
    priority = accounts.set_index("account_id")["manager_priority"].reindex(audit.index)
    return [
        (bias.audit_totals(_audit())["spearman"],
         "That is the chapter's scorecard (sales, margin and potential equally): use the "
         "director's, sales and potential only.",
         "这是本章的评分卡（销售额、利润率、潜力等权）：请用总监的评分卡，只看销售额和潜力"
         "。"),
        (-rho,
         "The sign is flipped: a higher score is better but rank 1 is the top priority. "
         "Compare ranks with ranks.",
         "符号反了：评分越高越好，而排名 1 是最优先。请用排名对排名。"),
        (float((-priority).corr(audit["score"])), *_PEARSON),
        (bias.audit_totals(_audit(0.25, (("sales", 1),)))["spearman"],
         "That is the scorecard on sales alone: add potential with the same weight.",
         "这是只按销售额评分的结果：请再加上同等权重的潜力。"),
        (bias.audit_totals(_audit(0.25, (("sales", 1), ("margin", 1))))["spearman"],
         "That is sales and margin: the director keeps sales and potential.",
         "这是销售额加利润率：总监保留的是销售额和潜力。"),
    ]


#: The facts of the accounts the exercise text relies on, in every student's variant.
FINDINGS = (
    Finding("the managers' priority agrees weakly with the director's scorecard "
            "(Spearman below 0.5)",
            lambda: bool(_objective()["rho_objective"] < 0.5)),
    Finding("the fair allocation gives the loss-making accounts a smaller share of the hours",
            lambda: bool(_loss_hours()["loss_share_fair"] < _loss_hours()["loss_share_today"])),
    Finding("a stricter flag still finds over-served accounts",
            lambda: bool(_over_served()["n_over"] > 0)),
)


# --------------------------------------------------------------------------- the records
ACCOUNTS = ("accounts",)

EXERCISES = register(
    Exercise(
        "8.1", expected=_per_hour_correlation, data=ACCOUNTS, mistakes=_mistakes_8_1,
        task=Hint(
            "Measure with a rank correlation how closely the managers' priorities follow "
            "the profit each account earns per service hour, positive when the accounts "
            "that earn more per hour come first.",
            "用等级相关衡量经理的优先级与每个客户每服务工时利润的一致程度，使每工时赚得多的"
            "客户排前时为正。"),
        hints=[Hint(
            "Divide each account's profit by its service hours first. A priority of one is "
            "the top, so a low number means high priority: turn the priority round before "
            "correlating ranks.",
            "先用每个客户的利润除以其服务工时。优先级为一表示最高，数字越小优先级越高：先把"
            "优先级的方向反过来，再计算等级相关。"),
            pointer("Series.corr")],
    ),
    Exercise(
        "8.2", expected=_over_served, data=ACCOUNTS,
        parts={"n_over": Part(mistakes=_mistakes_8_2_n),
               "over_hours_share": Part(mistakes=_mistakes_8_2_share)},
        task=Hint(
            "Run the priority audit with the stricter flag given, count the over-served "
            "accounts and give their share of all service hours.",
            "用题目给出的更严格标记运行优先级审计，数出过度服务的客户，并给出它们占全部服务"
            "工时的比例。"),
        hints=[Hint(
            "The audit flags an account when its two ranks are further apart than a share "
            "of the list; the share of hours divides the flagged accounts' hours by all "
            "the hours.",
            "当客户的两个名次相差超过名单的一定比例时，审计就标记它；工时占比是被标记客户的"
            "工时除以全部工时。"),
            pointer("bias.priority_audit", "bias.audit_totals")],
    ),
    Exercise(
        "8.3", expected=_loss_hours, data=ACCOUNTS,
        parts={"loss_share_today": Part(mistakes=_mistakes_8_3_today),
               "loss_share_fair": Part(mistakes=_mistakes_8_3_fair)},
        task=Hint(
            "Give the share of the service hours that goes to loss-making accounts today "
            "and in the chapter's fair allocation.",
            "给出亏损客户现在以及在本章公平分配下所得服务工时的占比。"),
        hints=[Hint(
            "Select the accounts whose profit is below zero; add up their hours, today's "
            "and the fair ones, and divide each by the total of its column.",
            "选出利润小于零的客户；分别汇总它们现在的工时和公平分配后的工时，再各自除以该列"
            "的总和。"),
            pointer("bias.fair_allocation", "Series.isin")],
    ),
    Exercise(
        "8.4", expected=_moved, data=ACCOUNTS,
        parts={"hours_moved": Part(mistakes=_mistakes_8_4_moved),
               "gainers": Part(mistakes=_mistakes_8_4_gainers)},
        task=Hint(
            "Re-spread the hours fairly with the higher basic hours given, then give the "
            "hours moved and count the accounts that gain.",
            "在题目给出的更高基本工时下公平地重新分配工时，再给出移动的工时数并数出获得工时"
            "的客户。"),
        hints=[Hint(
            "Every hour moved leaves one account and reaches another: count it once, on "
            "the side of the accounts that gain.",
            "每个移动的工时离开一个客户又到达另一个客户：只算一次，按获得工时的客户一侧计"
            "算。"),
            pointer("bias.fair_allocation", "bias.allocation_totals")],
    ),
    Exercise(
        "8.5", expected=_driver, data=ACCOUNTS,
        parts={"driver_after": Part(judge=_judge_driver),
               "rho_objective_after": Part(mistakes=_mistakes_8_5_rho)},
        task=Hint(
            "Make the accounts again with the priority rule the exercise gives, then name "
            "what the priority follows most and give how far it agrees with the objective "
            "rank.",
            "按题目给出的优先级规则重新生成客户数据，再指出优先级最紧密跟随的属性，并给出它"
            "与客观排名的一致程度。"),
        hints=[Hint(
            "Change only the priority weights setting; then correlate as in the chapter, "
            "positive when high values come first, and audit the new accounts with the "
            "chapter's defaults.",
            "只改变优先级权重这一项设置；再像本章那样计算相关（高值排前时为正），并用本章的"
            "默认设置审计新数据。"),
            pointer("crmlab.datasets.simulate", "bias.priority_drivers", "bias.audit_totals")],
    ),
    Exercise(
        "8.6", expected=lambda: CONCEPT_8_6[0], judge=letter_judge(*CONCEPT_8_6),
        task=Hint(
            "Choose the letter that says when the chapter's audit calls an account "
            "over-served.",
            "选出本章审计在什么情况下把客户称为过度服务，填入字母。"),
        hints=[Hint(
            "The audit puts two rankings side by side; over-served is about which of the "
            "two puts the account nearer the top.",
            "审计把两个排名并排比较；过度服务看的是两者中哪一个把客户排得更靠前。")],
    ),
    Exercise(
        "8.7", expected=_objective, data=ACCOUNTS,
        # -spearman(priority, score) differs from rho in the 4th digit (ties in the score are
        # averaged instead of broken by id): accepted through a looser tolerance.
        decision="fair_guide",
        parts={"rho_objective": Part(mistakes=_mistakes_8_7_rho,
                                     tolerance=Tolerance(rtol=2e-3))},
        task=Hint(
            "Decide whether the managers' priorities are a fair guide for service hours, "
            "and give the rank correlation with the director's scorecard that backs it.",
            "判断经理的优先级是否是分配服务工时的公平依据，并给出与总监评分卡的等级相关系数"
            "作为依据。"),
        hints=[Hint(
            "Score the accounts on sales and potential with equal weights, then compare "
            "the managers' ranking with that objective ranking: a correlation near zero "
            "means the two have little in common.",
            "按销售额和潜力等权评分，再把经理的排名与这一客观排名比较：相关系数接近零说明两"
            "者几乎没有共同之处。"),
            pointer("bias.priority_audit", "bias.audit_totals")],
    ),
)

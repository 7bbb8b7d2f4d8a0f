"""Checks for the chapter 05 exercises (solutions/05_key_accounts.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module). Every expected value is computed with crmlab on the bundled ``accounts``
table, exactly as the solution notebook does (5.5 and 5.6 are worked examples with the
numbers of the exercise). Most exercises ask for several variables; their check cell
passes them as a dict (keys = the variable names) and each one is judged on its own, so
the feedback names the variable that is wrong. Besides the generic feedback of
:func:`crmlab.exercises._compare.compare`, each exercise recognises the typical wrong
answers of the chapter (the revenue share for the profit share, the "begin" timing of
the CLV, a gain in million yuan, ...) and says what they are.
"""

from __future__ import annotations

import functools
import math

from crmlab.exercises._variant import per_variant
from crmlab.exercises._compare import _kind, compare
from crmlab.exercises._judging import Convention, When, matches, tell
from crmlab.exercises._registry import Exercise, Hint, Part, Tolerance, pointer, register
from crmlab.exercises._text import say

__all__ = ["EXERCISES", "expected"]

#: Weights of exercise 5.2.
WEIGHTS_5_2 = {"value": 0.2, "profit": 0.4, "growth": 0.3, "fit": 0.1}
#: Service-hour budget of exercise 5.4.
HOURS_5_4 = 30_000
#: Exercise 5.5: margin, retention, discount, acquisition cost.
CLV_5_5 = {"margin": 120.0, "retention": 0.8, "discount": 0.1, "acquisition_cost": 150.0}
#: Exercise 5.6: the student-card assumptions.
CARD_5_6 = {"student_margin": 30.0, "student_retention": 0.9, "student_years": 4,
            "career_margin": 500.0, "career_retention": 0.8, "growth": 0.04,
            "discount": 0.1, "acquisition_cost": 200.0}
#: Policies that serve accounts differently (exercise 5.7).
DIFFERENTIATED = ("by_tier", "by_score", "optimal")
#: The variable of the exercises whose check cell passes a single variable.
SINGLE_VARIABLE = {"5.2": "top10", "5.3": "key_profit_share"}

#: Every variable is judged on its own (every wrong one reported), and a known mistake is
#: matched at the answer's own tolerance (so a rounded computation of it is still
#: recognised).
#: Values in yuan may be given to the cent: rounded to 2 decimals or unrounded, both pass.
YUAN = Tolerance(decimals=2)

CONVENTION = Convention(mistake_rtol=None, name_rounding=False, every_part=True)


# --------------------------------------------------------------------------- data
@per_variant
def _accounts():
    import crmlab

    return crmlab.load_data("accounts")


@per_variant
def _plan():
    """The chapter's allocation table: default scorecard, top 20% flagged, current hours."""
    from crmlab import key_accounts

    accounts = _accounts()
    flagged = key_accounts.identify_key_accounts(key_accounts.scorecard(accounts), top=0.2)
    return flagged.join(accounts.set_index("account_id")[["resource_hours"]])


@per_variant
def _policies(total_hours: float):
    from crmlab import key_accounts

    return key_accounts.compare_policies(
        _plan(), total_hours=total_hours, policies=["equal", "by_tier", "by_score", "optimal"])


def _current_hours() -> float:
    return float(_plan()["resource_hours"].sum())


def _profit_share(key_ids) -> float:
    accounts = _accounts()
    return float(accounts.loc[accounts["account_id"].isin(set(key_ids)), "profit"].sum()
                 / accounts["profit"].sum())


def _card_parts(d):
    from crmlab import clv

    student = clv.simple_clv(d["student_margin"], d["student_retention"], d["discount"],
                             horizon=d["student_years"])
    career = clv.simple_clv(d["career_margin"], d["career_retention"], d["discount"],
                            growth=d["growth"])
    survive = d["student_retention"] ** d["student_years"]
    discount = (1 + d["discount"]) ** -d["student_years"]
    return student, career, survive, discount


def expected(qid: str) -> dict:
    """Return the right answers of a chapter 05 exercise, keyed by variable name.

    Parameters
    ----------
    qid : str
        ``"5.1"`` to ``"5.7"``.

    Returns
    -------
    dict
        Variable name -> expected value, as the check cell passes them (5.2 and 5.3
        pass a single variable: the dict has one key). For the open question 5.7 the
        reference answer (policy ``"by_score"``) is one of several accepted.

    Raises
    ------
    KeyError
        For a question id that chapter 05 does not have.

    Examples
    --------
    >>> expected("5.5")
    {'multiple': 2.666..., 'customer_clv': 170.0...}
    """
    want = EXERCISES[qid].expected()
    return {SINGLE_VARIABLE[qid]: want} if qid in SINGLE_VARIABLE else dict(want)


# --------------------------------------------------------------------------- the answer key
@per_variant
def _e51():
    accounts = _accounts()
    profit = (accounts["revenue"] * accounts["gross_margin"] - accounts["cost_to_serve"])
    profit.index = accounts["account_id"]
    return {"profit": profit, "n_loss": int((profit < 0).sum())}


@per_variant
def _e52():
    from crmlab import key_accounts

    scored = key_accounts.scorecard(_accounts(), weights=WEIGHTS_5_2)
    return list(scored.index[:10])


@per_variant
def _e53():
    from crmlab import key_accounts

    flagged = key_accounts.identify_key_accounts(key_accounts.scorecard(_accounts()), top=0.2)
    summary = key_accounts.key_account_summary(flagged)
    return float(summary.loc[key_accounts.KEY, "profit_share"])


@per_variant
def _e54():
    table = _policies(HOURS_5_4)
    three = table.loc[["equal", "by_tier", "by_score"], "profit"]
    return {"best_policy": str(three.idxmax()),
            "tier_gain": float(table.loc["by_tier", "profit"] - table.loc["equal", "profit"])}


@per_variant
def _e55():
    from crmlab import clv

    d = CLV_5_5
    return {"multiple": clv.margin_multiple(d["retention"], d["discount"]),
            "customer_clv": clv.simple_clv(d["margin"], d["retention"], d["discount"],
                                           acquisition_cost=d["acquisition_cost"])}


@per_variant
def _e56():
    from crmlab import clv

    d = CARD_5_6
    student, career, survive, discount = _card_parts(d)
    return {"today_clv": clv.simple_clv(d["student_margin"], d["student_retention"],
                                        d["discount"], acquisition_cost=d["acquisition_cost"]),
            "lifetime_clv": student + survive * discount * career - d["acquisition_cost"]}


@per_variant
def _e57():
    table = _policies(_current_hours())
    return {"treat_all_same": False, "policy": "by_score",
            "gain": float(table.loc["by_score", "uplift_vs_equal"])}


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) or (
        hasattr(x, "dtype") and getattr(x, "ndim", 1) == 0 and x.dtype.kind in "iuf")


# --------------------------------------------------------------------------- 5.1
def _mistakes_5_1_profit(want):
    accounts = _accounts().set_index("account_id")
    gross = accounts["revenue"] * accounts["gross_margin"]
    return [
        (gross, "This is the gross profit (revenue * gross_margin): subtract cost_to_serve.",
         "这是毛利（revenue * gross_margin）：还要减去 cost_to_serve。"),
        (accounts["revenue"] * (accounts["gross_margin"] - accounts["cost_to_serve"]),
         "Brackets: it is revenue * gross_margin, then minus cost_to_serve.",
         "括号位置不对：先算 revenue * gross_margin，再减去 cost_to_serve。"),
    ]


def _mistakes_5_1_loss(want):
    return [
        (len(_accounts()) - want,
         "That is the number of profitable accounts; count those with profit < 0.",
         "这是盈利客户的数量；请数出 profit < 0 的客户。"),
    ]


# --------------------------------------------------------------------------- 5.2
def _sorted_by_id(answer, want) -> bool:
    return not isinstance(answer, str) and matches(answer, sorted(want)) \
        and want != sorted(want)


def _mistakes_5_2(want):
    from crmlab import key_accounts

    accounts = _accounts()
    default = list(key_accounts.scorecard(accounts).index[:10])
    ranked = key_accounts.scorecard(accounts, weights=WEIGHTS_5_2)
    bottom = list(ranked.index[::-1][:10])
    by_rank = list(key_accounts.scorecard(accounts, weights=WEIGHTS_5_2,
                                          normalize="rank").index[:10])
    by_revenue = list(accounts.nlargest(10, "revenue")["account_id"])
    by_profit = list(accounts.nlargest(10, "profit")["account_id"])
    return [
        (by_revenue, "These are the 10 biggest accounts by revenue, not by score.",
         "这是收入最高的 10 个客户，而不是评分最高的。"),
        (by_profit, "These are the 10 most profitable accounts, not the 10 best scores.",
         "这是利润最高的 10 个客户，而不是评分最高的。"),
        (default, "These are the top 10 with the default weights: pass weights={...} as given.",
         "这是默认权重下的前 10 名：请按题目传入 weights={...}。"),
        (bottom, "These are the 10 lowest scores: rank 1 is the best account.",
         "这是评分最低的 10 个客户：排名 1 才是最好的客户。"),
        (by_rank, "These come from normalize='rank'; the exercise uses the default 'minmax'.",
         "这是 normalize='rank' 的结果；本题使用默认的 'minmax'。"),
    ]


# --------------------------------------------------------------------------- 5.3
def _mistakes_5_3(want):
    from crmlab import key_accounts

    summary = key_accounts.key_account_summary(
        key_accounts.identify_key_accounts(key_accounts.scorecard(_accounts()), top=0.2))
    accounts = _accounts()
    return [
        (float(summary.loc[key_accounts.KEY, "revenue_share"]),
         "That is the key accounts' share of revenue; the question asks for profit.",
         "这是关键客户的收入占比；题目问的是利润占比。"),
        (0.2, "That is the share of accounts (20 %); the question asks for profit.",
         "这是客户数量占比（20%）；题目问的是利润占比。"),
        (_profit_share(accounts.nlargest(60, "revenue")["account_id"]),
         "That is the profit share of the 60 biggest accounts by revenue; use the scorecard.",
         "这是收入最高的 60 个客户的利润占比；请用评分卡选出关键客户。"),
        (_profit_share(accounts.nlargest(60, "profit")["account_id"]),
         "That is the profit share of the 60 most profitable accounts; use the scorecard.",
         "这是利润最高的 60 个客户的利润占比；请用评分卡选出关键客户。"),
    ]


# --------------------------------------------------------------------------- 5.4
_MISTAKES_5_4_POLICY = [
    (name, f"{name!r} is not one of the three policies to compare "
           f"(equal, by_tier, by_score).",
     f"{name!r} 不在要比较的三种策略（equal、by_tier、by_score）之中。")
    for name in ("optimal", "current")
]


def _mistakes_5_4_gain(gain):
    current = _policies(_current_hours())
    table = _policies(HOURS_5_4)
    return [
        (gain / 1e6, "That looks like million yuan; give the gain in yuan.",
         "这看起来是以百万元为单位；请以元为单位。"),
        (-gain, "The sign is reversed: by_tier minus equal.",
         "符号反了：应是 by_tier 减去 equal。"),
        (float(current.loc["by_tier", "uplift_vs_equal"]),
         "That is the gain with today's hours; use total_hours=30000.",
         "这是按当前服务小时数算出的收益；请使用 total_hours=30000。"),
        (float(table.loc["by_score", "uplift_vs_equal"]),
         "That is the gain of by_score; the question asks for by_tier.",
         "这是 by_score 的收益；题目问的是 by_tier。"),
        (float(table.loc["by_tier", "profit"]),
         "That is the total profit under by_tier; subtract the profit under equal.",
         "这是 by_tier 下的总利润；还要减去 equal 下的利润。"),
    ]


# --------------------------------------------------------------------------- 5.5
def _mistakes_5_5_multiple(want):
    r, i = CLV_5_5["retention"], CLV_5_5["discount"]
    return [
        (1 / (1 - r), "1 / (1 - r) is the expected tenure in years, not discounted: "
                      "the multiple is r / (1 + i - r).",
         "1 / (1 - r) 是预期的留存年数，没有折现：利润乘数是 r / (1 + i - r)。"),
        (r / (1 - r), "You left out the discount rate: r / (1 + i - r).",
         "你漏掉了折现率：应为 r / (1 + i - r)。"),
        ((1 + i) / (1 + i - r), "That is the multiple with margins at the start of each "
                                "year (timing='begin'); use the default 'end'.",
         "这是每年年初获得边际的乘数（timing='begin'）；请使用默认的 'end'。"),
    ]


def _mistakes_5_5_clv(want):
    d = CLV_5_5
    r, i, m, cost = d["retention"], d["discount"], d["margin"], d["acquisition_cost"]
    return [
        (m * (1 + i) / (1 + i - r) - cost,
         "That is the value with timing='begin'; the exercise uses the default 'end'.",
         "这是 timing='begin' 的值；本题使用默认的 'end'。"),
        (m * r / (1 + i - r), "You forgot to subtract the acquisition cost.",
         "你忘了减去获客成本。"),
        (m / (1 - r) - cost, "m / (1 - r) ignores discounting: use simple_clv.",
         "m / (1 - r) 忽略了折现：请使用 simple_clv。"),
    ]


# --------------------------------------------------------------------------- 5.6
def _mistakes_5_6_today(want):
    return [
        (want + CARD_5_6["acquisition_cost"], "You forgot to subtract the acquisition cost.",
         "你忘了减去获客成本。"),
    ]


def _mistakes_5_6_lifetime(want):
    student, career, survive, discount = _card_parts(CARD_5_6)
    cost = CARD_5_6["acquisition_cost"]
    return [
        (student + survive * career - cost,
         "The career value is not discounted to today: multiply by (1 + i) ** -4 too.",
         "职业期的价值没有折现到今天：还要乘以 (1 + i) ** -4。"),
        (student + discount * career - cost,
         "Not every student is still a customer at graduation: multiply by 0.9 ** 4 too.",
         "并非每个学生毕业时仍是客户：还要乘以 0.9 ** 4。"),
        (student + career - cost,
         "The career value must be weighted by survival (0.9 ** 4) and discounted "
         "(1.1 ** -4) to today.",
         "职业期的价值要乘以留存概率（0.9 ** 4）并折现到今天（1.1 ** -4）。"),
        (want + cost, "You forgot to subtract the acquisition cost.",
         "你忘了减去获客成本。"),
    ]


# --------------------------------------------------------------------------- 5.7
def _judge_5_7(answer, reference) -> list[str]:
    """Any policy that serves accounts differently passes, with the gain of that policy.

    The decision (``treat_all_same``) is not judged here: the record's ``decision`` takes
    it out, and the instructor reads it with the reasoning cell.
    """
    if not isinstance(answer, dict):
        return [say("want_type", want="dict", got=_kind(answer))]
    missing = [k for k in ("policy", "gain") if k not in answer]
    if missing:
        return [say("missing_keys", keys=", ".join(missing))]
    table = _policies(_current_hours())
    gains = {p: float(table.loc[p, "uplift_vs_equal"]) for p in DIFFERENTIATED}
    problems = []
    policy, gain = answer["policy"], answer["gain"]
    if policy is Ellipsis or policy is None:
        problems.append("`policy`: " + say("unanswered"))
        policy = None
    elif not isinstance(policy, str):
        problems.append("`policy`: " + say("want_type", want="text (str)",
                                           got=_kind(policy)))
        policy = None
    else:
        policy = policy.strip().casefold()
        if policy == "equal":
            problems.append(tell(
                "`policy`: equal service is the baseline; recommend a policy that serves "
                "accounts differently (by_tier, by_score or optimal).",
                "`policy`：平等服务只是基准；请推荐一种区别对待客户的策略（by_tier、by_score "
                "或 optimal）。"))
            policy = None
        elif policy == "current":
            problems.append(tell(
                "`policy`: the managers' current allocation earns less than equal service; "
                "choose by_tier, by_score or optimal.",
                "`policy`：经理们当前的分配比平等服务赚得还少；请在 by_tier、by_score、optimal "
                "中选择。"))
            policy = None
        elif policy not in gains:
            problems.append(tell(f"`policy`: {answer['policy']!r} is not one of by_tier, "
                                 f"by_score, optimal.",
                                 f"`policy`：{answer['policy']!r} 不是 by_tier、by_score、"
                                 f"optimal 之一。"))
            policy = None
    if gain is Ellipsis or gain is None:
        problems.append("`gain`: " + say("unanswered"))
    elif not _is_number(gain) or not math.isfinite(float(gain)):
        problems += [f"`gain`: {p}" for p in compare(gain, 1.0)]
    elif policy is not None:
        want = gains[policy]
        others = [p for p in gains if p != policy and matches(gain, gains[p])]
        wrong_hours = _policies(HOURS_5_4)
        if matches(gain, want):
            pass
        elif others:
            problems.append(tell(f"`gain`: that is the gain of {others[0]}, not of {policy}: "
                                 f"make policy and gain agree.",
                                 f"`gain`：这是 {others[0]} 的收益，不是 {policy} 的："
                                 f"请让 policy 与 gain 一致。"))
        elif matches(gain, want / 1e6):
            problems.append(tell("`gain`: that looks like million yuan; give it in yuan.",
                                 "`gain`：这看起来是以百万元为单位；请以元为单位。"))
        elif matches(gain, -want):
            problems.append(tell(f"`gain`: the sign is reversed: {policy} minus equal.",
                                 f"`gain`：符号反了：应是 {policy} 减去 equal。"))
        elif matches(gain, float(wrong_hours.loc[policy, "uplift_vs_equal"])):
            problems.append(tell("`gain`: that is the gain with 30,000 hours (exercise 5.4); "
                                 "use today's hours, plan['resource_hours'].sum().",
                                 "`gain`：这是 30,000 小时下的收益（练习 5.4）；请使用当前的"
                                 "服务小时数 plan['resource_hours'].sum()。"))
        elif matches(gain, float(table.loc[policy, "profit"])):
            problems.append(tell("`gain`: that is the total profit; the gain is the "
                                 "difference with equal service.",
                                 "`gain`：这是总利润；收益是与平等服务之差。"))
        else:
            problems += [f"`gain`: {p}" for p in compare(gain, want)]
    return problems


# --------------------------------------------------------------------------- the records
ACCOUNTS = ("accounts",)

EXERCISES = register(
    Exercise(
        "5.1", expected=_e51, data=ACCOUNTS, convention=CONVENTION, ordered=False,
        parts={"profit": Part(mistakes=_mistakes_5_1_profit),
               "n_loss": Part(mistakes=_mistakes_5_1_loss)},
        task=Hint(
            "Compute every account's profit from its columns and count the accounts that "
            "lose money.",
            "用各列计算每个客户账户的利润，并数出亏损的账户数。"),
        hints=[Hint(
            "Profit is revenue times gross margin, minus the cost to serve, column by "
            "column; label each value by its account.",
            "利润是收入乘以毛利率再减去服务成本，逐列计算；每个值要用账户编号作标签。"),
            pointer("DataFrame.set_index", "Series.sum")],
    ),
    Exercise(
        "5.2", expected=_e52, data=ACCOUNTS, convention=CONVENTION, mistakes=_mistakes_5_2,
        before=[When(_sorted_by_id,
                     "The right 10 accounts, sorted by id: keep them in rank order (best "
                     "first).",
                     "10 个客户正确，但按编号排了序：请按排名顺序（最好的在前）给出。")],
        task=Hint(
            "Score the accounts with the weights given and list the best ten, best first.",
            "按给定权重为账户打分，并列出最好的十个（最好的在前）。"),
        hints=[Hint(
            "The weights say how much each criterion counts; the scored table is sorted "
            "by rank, and the answer is a list of account ids.",
            "权重表示每个标准的分量；打分后的表按名次排序，答案是账户编号的列表。"),
            pointer("key_accounts.scorecard")],
    ),
    Exercise(
        "5.3", expected=_e53, data=ACCOUNTS, convention=CONVENTION, mistakes=_mistakes_5_3,
        task=Hint(
            "Give the key accounts' share of total profit, as a fraction.",
            "给出关键客户占总利润的比例（小数）。"),
        hints=[Hint(
            "First flag the best accounts by rank, then divide their profit by the profit "
            "of all accounts.",
            "先按名次标出最好的账户，再用它们的利润除以全部账户的利润。"),
            pointer("key_accounts.identify_key_accounts", "key_accounts.key_account_summary")],
    ),
    Exercise(
        "5.4", expected=_e54, data=ACCOUNTS, convention=CONVENTION,
        parts={"best_policy": Part(mistakes=_MISTAKES_5_4_POLICY),
               "tier_gain": Part(mistakes=_mistakes_5_4_gain)},
        task=Hint(
            "Spread the smaller budget under the three policies, name the best one and "
            "give the gain asked.",
            "在三种政策下分配更少的预算，指出最好的政策并给出题目要求的收益差。"),
        hints=[Hint(
            "Compare the profit of each policy with the same total hours; a gain is a "
            "difference of two profits, in yuan.",
            "在相同总工时下比较每种政策的利润；收益差是两个利润之差，以元计。"),
            pointer("key_accounts.compare_policies", "Series.idxmax")],
    ),
    Exercise(
        "5.5", expected=_e55, convention=CONVENTION,
        parts={"multiple": Part(mistakes=_mistakes_5_5_multiple),
               "customer_clv": Part(mistakes=_mistakes_5_5_clv)},
        task=Hint(
            "Compute the margin multiple and the customer's lifetime value after the "
            "acquisition cost.",
            "计算利润乘数，以及扣除获客成本后的客户终身价值。"),
        hints=[Hint(
            "Rates are decimals, not percentages, and margins arrive at the end of each "
            "year; the acquisition cost is paid once, now.",
            "比率用小数而不是百分数，利润在每年年末到账；获客成本现在一次性支付。"),
            pointer("clv.margin_multiple", "clv.simple_clv")],
    ),
    Exercise(
        "5.6", expected=_e56, convention=CONVENTION,
        parts={"today_clv": Part(mistakes=_mistakes_5_6_today, tolerance=YUAN),
               "lifetime_clv": Part(mistakes=_mistakes_5_6_lifetime, tolerance=YUAN)},
        task=Hint(
            "Value the student card customer today's way and over the whole life, with "
            "the assumptions given.",
            "按给定假设，分别用“只看今天”的方式和“看整个生命周期”的方式评估学生卡客户"
            "的价值。"),
        hints=[Hint(
            "The lifetime value adds the student years and the career after them; the "
            "career value must be discounted back and weighted by the chance the customer "
            "is still there.",
            "终身价值是学生阶段与毕业后职业阶段之和；职业阶段的价值要折现回今天，并乘以客"
            "户届时仍在的概率。"),
            pointer("clv.simple_clv")],
    ),
    Exercise(
        "5.7", expected=_e57, data=ACCOUNTS, judge=_judge_5_7, decision="treat_all_same",
        task=Hint(
            "Decide whether every customer should be treated the same, and name a policy "
            "with its gain over equal service.",
            "判断是否应平等对待每位客户，并指出一种政策及其相对平均服务的收益。"),
        hints=[Hint(
            "Spread today's total hours under each policy and compare each one's profit "
            "with equal service.",
            "在各政策下分配今天的总工时，并把每种政策的利润与平均服务比较。"),
            pointer("key_accounts.compare_policies")],
    ),
)

"""Checks for the chapter 05 exercises (solutions/05_key_accounts.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module). Every expected value is computed with crmlab on the bundled ``accounts``
table, exactly as the solution notebook does (5.5 and 5.6 are worked examples with the
numbers of the exercise). Most exercises ask for several variables; their check cell
passes them as a dict (keys = the variable names) and each one is judged on its own, so
the feedback names the variable that is wrong. Besides the generic feedback of
:func:`crmlab.exercises._compare.compare`, each exercise recognises the typical wrong
answers of the chapter (the revenue share for the profit share, the "begin" timing of
the CLV, a gain in million yuan, ...) and says what they are, in words (never in code,
never with the expected value). 5.7 makes the accounts again with another generator
setting ("about these data"), 5.8 is a concept check, and in the discussion 5.9 the
check judges only the numbers: the decision and the recommended policy are read by
hand with the reasoning cell, against its rubric.

``FINDINGS`` lists the facts of the data the exercise text relies on (checked in every
variant by ``tests/test_variant_findings.py``).
"""

from __future__ import annotations

from crmlab.exercises._concept import letter_judge
from crmlab.exercises._judging import Convention, When, matches
from crmlab.exercises._registry import Exercise, Finding, Hint, Part, Tolerance, pointer, register
from crmlab.exercises._variant import per_variant

__all__ = ["EXERCISES", "FINDINGS", "expected"]

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
#: The policies whose gain over equal service exercise 5.9 asks for, and the variable of
#: each.
GAINS_5_9 = {"by_tier": "gain_tier", "by_score": "gain_score", "optimal": "gain_optimal",
             "current": "gain_current"}
#: Exercise 5.7: the managers rank by revenue alone (the bundled weights are 0.4 tenure,
#: 0.4 relationship, 0.6 log revenue), and an hour of service costs this much.
PRIORITY_5_7 = {"tenure": 0.0, "relationship": 0.0, "log_revenue": 1.0}
HOURLY_5_7 = 450.0
#: The variable of the exercises whose check cell passes a single variable.
SINGLE_VARIABLE = {"5.2": "top10", "5.3": "key_profit_share", "5.8": "concept_5"}

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


def _plan_of(accounts):
    from crmlab import key_accounts

    flagged = key_accounts.identify_key_accounts(key_accounts.scorecard(accounts), top=0.2)
    return flagged.join(accounts.set_index("account_id")[["resource_hours"]])


@per_variant
def _plan():
    """The chapter's allocation table: default scorecard, top 20% flagged, current hours."""
    return _plan_of(_accounts())


def _compare(plan, total_hours: float, **model):
    from crmlab import key_accounts

    return key_accounts.compare_policies(
        plan, total_hours=total_hours,
        policies=["equal", "by_tier", "by_score", "optimal", "current"], **model)


@per_variant
def _policies(total_hours: float, h0: float = 100.0):
    return _compare(_plan(), total_hours, h0=h0)


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
        ``"5.1"`` to ``"5.9"``.

    Returns
    -------
    dict
        Variable name -> expected value, as the check cell passes them (5.2 and 5.3
        pass a single variable: the dict has one key; 5.8 passes a letter,
        ``{"concept_5": ...}``). In the discussion 5.9 the decision ``treat_all_same``
        is recorded, never judged.

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


def _manager_facts(accounts) -> dict:
    """The current allocation's gain over equal service, and the overlap of the lists."""
    plan = _plan_of(accounts)
    table = _compare(plan, float(plan["resource_hours"].sum()))
    key = set(plan.index[plan["key_account"]])
    managers = set(accounts.nsmallest(len(key), "manager_priority")["account_id"])
    return {"current_gain": float(table.loc["current", "uplift_vs_equal"]),
            "overlap": len(key & managers)}


@per_variant
def _simulated(**changes):
    """The accounts made again from the student's own data's seed (simulate follows the variant)."""
    from crmlab import datasets

    settings = {k: dict(v) if isinstance(v, tuple) else v for k, v in changes.items()}
    return datasets.simulate("accounts", **settings)


@per_variant
def _e57():
    bundled = _manager_facts(_simulated())
    by_revenue = _manager_facts(_simulated(priority_weights=tuple(PRIORITY_5_7.items())))
    dearer = _simulated(hourly_cost=HOURLY_5_7)
    return {"current_bundled": bundled["current_gain"],
            "current_revenue": by_revenue["current_gain"],
            "overlap_revenue": by_revenue["overlap"],
            "loss_450": int((dearer["profit"] < 0).sum())}


@per_variant
def _e59():
    table = _policies(_current_hours())
    return {"treat_all_same": False,
            **{name: float(table.loc[policy, "uplift_vs_equal"])
               for policy, name in GAINS_5_9.items()}}


# --------------------------------------------------------------------------- 5.1
def _mistakes_5_1_profit(want):
    accounts = _accounts().set_index("account_id")
    gross = accounts["revenue"] * accounts["gross_margin"]
    return [
        (gross, "This is the gross profit (revenue times gross margin): subtract the cost "
                "to serve.",
         "这是毛利（收入乘以毛利率）：还要减去服务成本。"),
        (accounts["revenue"] * (accounts["gross_margin"] - accounts["cost_to_serve"]),
         "Brackets: multiply revenue by the gross margin first, then subtract the cost to "
         "serve.",
         "括号位置不对：先用收入乘以毛利率，再减去服务成本。"),
    ]


def _mistakes_5_1_loss(want):
    return [
        (len(_accounts()) - want,
         "That is the number of profitable accounts; count those whose profit is below "
         "zero.",
         "这是盈利客户的数量；请数出利润小于零的客户。"),
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
        (default, "These are the top 10 with the default weights: use the weights the "
                  "exercise gives.",
         "这是默认权重下的前 10 名：请使用题目给出的权重。"),
        (bottom, "These are the 10 lowest scores: rank 1 is the best account.",
         "这是评分最低的 10 个客户：排名 1 才是最好的客户。"),
        (by_rank, "These come from percentile-rank normalisation; the exercise uses the "
                  "default, min-max.",
         "这是按百分位排名标准化的结果；本题使用默认的最小-最大标准化。"),
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
         "That is the gain with today's hours; spread the smaller budget of the exercise.",
         "这是按当前服务小时数算出的收益；请分配本题给出的较小预算。"),
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
        (1 / (1 - r), "That is the expected tenure in years, not discounted: the multiple "
                      "discounts each year's margin.",
         "这是预期的保持年数，没有折现：利润乘数要对每年的利润折现。"),
        (r / (1 - r), "You left out the discount rate.",
         "你漏掉了折现率。"),
        ((1 + i) / (1 + i - r), "That is the multiple with margins at the start of each "
                                "year; margins arrive at the end of each year here.",
         "这是每年年初获得利润时的乘数；本题中利润在每年年末到账。"),
    ]


def _mistakes_5_5_clv(want):
    d = CLV_5_5
    r, i, m, cost = d["retention"], d["discount"], d["margin"], d["acquisition_cost"]
    return [
        (m * (1 + i) / (1 + i - r) - cost,
         "That is the value with margins at the start of each year; here they arrive at "
         "the end of each year.",
         "这是每年年初获得利润时的价值；本题中利润在每年年末到账。"),
        (m * r / (1 + i - r), "You forgot to subtract the acquisition cost.",
         "你忘了减去获客成本。"),
        (m / (1 - r) - cost, "That ignores discounting: a yuan next year is worth less "
                             "than a yuan today.",
         "这忽略了折现：明年的一元钱不如今天的一元钱值钱。"),
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
         "The career value is not discounted to today: it is valued at graduation, four "
         "years from now.",
         "职业期的价值没有折现到今天：它是按毕业时（四年后）估值的。"),
        (student + discount * career - cost,
         "Not every student is still a customer at graduation: weight the career by the "
         "chance of staying four student years.",
         "并非每个学生毕业时仍是客户：职业期的价值要乘以四个学生年都留下的概率。"),
        (student + career - cost,
         "The career value must be weighted by the chance of still being a customer at "
         "graduation and discounted four years to today.",
         "职业期的价值要乘以毕业时仍是客户的概率，并折现四年到今天。"),
        (want + cost, "You forgot to subtract the acquisition cost.",
         "你忘了减去获客成本。"),
    ]


# --------------------------------------------------------------------------- 5.7
def _mistakes_5_7(key: str):
    def mistakes(want):
        e = _e57()
        out = []
        if key == "current_revenue":
            out.append((e["current_bundled"],
                        "That is the gain with nothing changed: pass the managers' new "
                        "priority weights to the simulation.",
                        "这是什么都不改时的收益：请在模拟时传入经理们新的优先级权重。"))
        if key == "current_bundled":
            out.append((e["current_revenue"],
                        "That is the gain with the weights changed: the baseline is the "
                        "simulation with nothing changed.",
                        "这是改了权重后的收益：基准是什么都不改的模拟。"))
        if key.startswith("current"):
            out.append((want / 1e6, "That looks like million yuan; give the gain in yuan.",
                        "这看起来是以百万元为单位；请以元为单位。"))
            out.append((-want, "The sign is reversed: the current allocation minus equal "
                               "service.",
                        "符号反了：应是当前分配减去平等服务。"))
        if key == "overlap_revenue":
            out.append((_manager_facts(_simulated())["overlap"],
                        "That is the overlap with nothing changed: use the simulation with "
                        "the managers' new weights.",
                        "这是什么都不改时的重合数：请用经理们换了权重后的模拟。"))
        if key == "loss_450":
            out.append((int((_simulated()["profit"] < 0).sum()),
                        "That is the count at today's cost of an hour: simulate with the "
                        "dearer hour.",
                        "这是按当前每小时成本得到的数：请用更贵的小时成本来模拟。"))
            out.append((want / 300, "That is a share of accounts: count them.",
                        "这是客户占比：请数出个数。"))
        return out
    return mistakes


# --------------------------------------------------------------------------- 5.8
#: Exercise 5.8: the right letter and, for each wrong one, why it is wrong.
CONCEPT_5_8 = ("B", {
    "A": ("The 重要客户 (top 1 %) are only the top of the key accounts: the textbook counts "
          "the next tier, the 次要客户, among them too.",
          "重要客户（前 1 %）只是关键客户的最上层：教材把下一层次要客户也算作关键客户。"),
    "C": ("A positive profit is far more common than being a key account: most ordinary "
          "customers earn the firm something too.",
          "利润为正远比成为关键客户普遍：大多数普通客户也为企业带来利润。"),
    "D": ("Hours received show how managers treat accounts today (habit, rapport), not "
          "which ones matter most: this chapter found the two lists far apart.",
          "获得的服务小时反映的是经理们今天如何对待客户（习惯、关系），而不是哪些客户最重要："
          "本章发现两份名单相差很大。"),
})


# --------------------------------------------------------------------------- 5.9
def _mistakes_5_9(policy: str):
    def mistakes(want):
        table = _policies(_current_hours())
        smaller = _policies(HOURS_5_4)
        out = [
            (want / 1e6, "That looks like million yuan; give the gain in yuan.",
             "这看起来是以百万元为单位；请以元为单位。"),
            (-want, f"The sign is reversed: {policy} minus equal service.",
             f"符号反了：应是 {policy} 减去平等服务。"),
            (float(smaller.loc[policy, "uplift_vs_equal"]),
             "That is the gain with the smaller budget of exercise 5.4: use today's total "
             "hours.",
             "这是练习 5.4 较小预算下的收益：请使用当前的总服务小时数。"),
            (float(table.loc[policy, "profit"]),
             "That is the total profit; the gain is the difference with equal service.",
             "这是总利润；收益是与平等服务之差。"),
            (float(_policies(_current_hours(), h0=50.0).loc[policy, "uplift_vs_equal"]),
             "That is the gain when service saturates faster; use the chapter's default "
             "response model.",
             "这是服务更快饱和时的收益；请使用本章默认的响应模型。"),
        ]
        out += [(float(table.loc[other, "uplift_vs_equal"]),
                 f"That is the gain of {other}, not of {policy}.",
                 f"这是 {other} 的收益，不是 {policy} 的。")
                for other in GAINS_5_9 if other != policy]
        return out
    return mistakes

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
            "用各列计算每个客户的利润，并数出亏损的客户数。"),
        hints=[Hint(
            "Profit is revenue times gross margin, minus the cost to serve, column by "
            "column; label each value by its account.",
            "利润是收入乘以毛利率再减去服务成本，逐列计算；每个值要用客户编号作标签。"),
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
            "按给定权重为客户打分，并列出最好的十个（最好的在前）。"),
        hints=[Hint(
            "The weights say how much each criterion counts; the scored table is sorted "
            "by rank, and the answer is a list of account ids.",
            "权重表示每个标准的分量；打分后的表按名次排序，答案是客户编号的列表。"),
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
            "先按名次标出最好的客户，再用它们的利润除以全部客户的利润。"),
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
        "5.7", expected=_e57, convention=CONVENTION,
        parts={key: Part(mistakes=_mistakes_5_7(key),
                         tolerance=YUAN if key.startswith("current") else None)
               for key in ("current_bundled", "current_revenue", "overlap_revenue",
                           "loss_450")},
        task=Hint(
            "Make the accounts again with the managers ranking by revenue alone, and with "
            "a dearer service hour, and give the numbers asked for each.",
            "分别在经理们只按收入排序、以及服务小时更贵的设定下重新生成客户数据，并给出题目"
            "要求的各个数。"),
        hints=[Hint(
            "Each simulation keeps the bundled seed, so only the setting you change "
            "differs; then repeat the chapter's steps on the new table.",
            "每次模拟都保留原数据的随机种子，所以只有你改的那项设置不同；然后在新表上重复本"
            "章的步骤。"),
            pointer("datasets.simulate", "key_accounts.compare_policies")],
    ),
    Exercise(
        "5.8", expected=lambda: CONCEPT_5_8[0], judge=letter_judge(*CONCEPT_5_8),
        task=Hint("Choose the one letter that fits the definition.",
                  "选出符合定义的那一个字母。"),
        hints=[Hint(
            "Think of the customer pyramid: which tiers does the textbook call key "
            "accounts, and how large a share of the customers are they?",
            "想想客户金字塔：教材把哪几层称为关键客户？他们占客户的多大比例？"),
            Hint("Reread the introduction of the chapter.", "请重读本章开头的介绍。")],
    ),
    Exercise(
        "5.9", expected=_e59, data=ACCOUNTS, convention=CONVENTION,
        decision="treat_all_same",
        parts={name: Part(mistakes=_mistakes_5_9(policy), tolerance=YUAN)
               for policy, name in GAINS_5_9.items()},
        task=Hint(
            "Spread today's total hours under each policy and give each one's gain over "
            "equal service; your decision and the policy you recommend go in the "
            "reasoning.",
            "在各政策下分配当前的总服务小时，给出每种政策相对平等服务的收益；你的判断和推荐"
            "的政策写在理由中。"),
        hints=[Hint(
            "All policies spread the same total hours; a gain is a policy's profit minus "
            "the profit of equal service, in yuan.",
            "所有政策分配相同的总小时数；收益是某政策的利润减去平等服务的利润，以元计。"),
            pointer("key_accounts.compare_policies")],
    ),
)


# --------------------------------------------------------------------------- findings
FINDINGS = (
    # 5.4: "the policy with the highest profit" with the smaller budget is not equal service
    Finding("with 30,000 hours some policy earns more than equal service",
            lambda: _e54()["best_policy"] != "equal"),
    # 5.9 and its rubric: serving by value and potential beats equal service with today's
    # hours, and the managers' current allocation earns less than equal service
    Finding("by tier, by score and the optimum beat equal service with today's hours",
            lambda: bool(min(_e59()["gain_tier"], _e59()["gain_score"],
                             _e59()["gain_optimal"]) > 0)),
    Finding("the managers' current allocation earns less than equal service",
            lambda: bool(_e59()["gain_current"] < 0)),
    # 5.1: "count the accounts that lose money": some do
    Finding("some accounts lose money", lambda: bool(_e51()["n_loss"] > 0)),
    # the chapter and 5.7: the managers' priority list and the scorecard's share few accounts
    Finding("fewer than half of the key accounts are in the managers' top list",
            lambda: bool(_manager_facts(_accounts())["overlap"] < 30)),
)

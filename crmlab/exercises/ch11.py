"""Checks for the chapter 11 exercises (solutions/11_customer_needs.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module). Every expected answer is computed with :mod:`crmlab.needs` on the bundled
``retail_baskets`` and ``store_visits`` logs, the way the solution notebook computes it;
exercise 11.3 regenerates the baskets with the generator's seed and size and another
``pair_strength``, so a per-student variant of the seed changes its answer too. Wrong
answers are matched at a tight tolerance (the default
:class:`~crmlab.exercises._judging.Convention`), so two known mistakes close to each other
are told apart.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from crmlab.exercises._concept import letter_judge
from crmlab.exercises._judging import When, choice, not_a_choice, tell
from crmlab.exercises._registry import Exercise, Finding, Hint, Part, pointer, register
from crmlab.exercises._variant import per_variant

__all__ = ["EXERCISES", "FINDINGS", "expected"]

#: Exercise 11.1: the rule whose three measures are asked.
RULE_11_1 = ("yogurt", "milk")
#: Exercise 11.3: the planted pair and the two strengths tried.
PAIR_11_3 = ("hotpot base", "beef slices")
STRENGTHS_11_3 = (0.3, 0.9)
#: Exercise 11.5: the concept check's choices and its answer (the one feature that is not
#: in the textbook's list of 简答题2: 目的性, 可诱导性, 多样性, 层次性, 易变性).
CHOICES_11_5 = {"A": "目的性", "B": "可诱导性", "C": "稳定性", "D": "层次性"}
ANSWER_11_5 = "C"
#: Exercise 11.6: the pair a manager wants to bundle.
PAIR_11_6 = ("coffee beans", "rice")


@per_variant
def _data() -> dict:
    import crmlab
    from crmlab import needs

    lines = crmlab.load_data("retail_baskets")
    return {"lines": lines, "visits": crmlab.load_data("store_visits"),
            "rules": needs.association_rules(lines).set_index(["antecedent", "consequent"])}


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 11 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "11.1" to "11.6".

    Returns
    -------
    object
        A dict of the parts (11.1-11.4, 11.6) or a letter (11.5). Cached: do not modify it.

    Examples
    --------
    >>> round(expected("11.1")["lift"], 4)
    1.0033
    >>> expected("11.5")
    'C'
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- 11.1
@per_variant
def _rule() -> dict:
    rule = _data()["rules"].loc[RULE_11_1]
    return {"support": float(rule["support"]), "confidence": float(rule["confidence"]),
            "lift": float(rule["lift"])}


def _mistakes_11_1_support(want):
    lines = _data()["lines"]
    both = _data()["rules"].loc[RULE_11_1, "orders_both"]
    return [(float(both / len(lines)),
             "That divides by the number of rows: support is a share of the baskets (orders), "
             "and a basket has several rows, one per product.",
             "这是除以行数：支持度是占购物篮（订单）的比例，一个购物篮有多行，每种商品一行。")]


def _mistakes_11_1_confidence(want):
    reverse = _data()["rules"].loc[RULE_11_1[::-1], "confidence"]
    return [(float(reverse),
             "That is the confidence of the rule the other way round (milk -> yogurt): "
             "divide by the baskets holding the first product of the rule, yogurt.",
             "这是反方向规则（牛奶 -> 酸奶）的置信度：应除以含有规则前项（酸奶）的购物篮数。")]


def _mistakes_11_1_lift(want):
    rules = _data()["rules"]
    rule = rules.loc[RULE_11_1]
    n = len(_data()["lines"]["order_id"].unique())
    return [(float(rule["confidence"] / (rule["orders_antecedent"] / n)),
             "That divides the confidence by the share of baskets holding yogurt: lift divides "
             "it by the share holding the product the rule predicts.",
             "这是用置信度除以含酸奶的购物篮占比：提升度应除以含被预测商品的购物篮占比。")]


# --------------------------------------------------------------------------- 11.2
@per_variant
def _member_id() -> str:
    """Exercise 11.2's member: the one with the most baskets (ties: the first id)."""
    members = _data()["lines"].dropna(subset=["customer_id"])
    return str(members.groupby("customer_id", observed=True)["order_id"].nunique().idxmax())


@per_variant
def _member_counts() -> tuple:
    lines = _data()["lines"]
    mine = lines[lines["customer_id"] == _member_id()]
    baskets = mine.drop_duplicates("order_id")
    items = mine.drop_duplicates(["order_id", "product"]).groupby(
        "product", observed=True).size()
    return items, baskets["channel"].value_counts(), len(baskets)


def _tied(counts) -> list[str]:
    """The labels on top, in order (more than one when they tie)."""
    return sorted(str(k) for k in counts.index[counts == counts.max()])


@per_variant
def _member() -> dict:
    items, channels, n = _member_counts()
    return {"usual_item": _tied(items)[0], "usual_share": float(items.max() / n),
            "preferred_channel": _tied(channels)[0]}


def _mistakes_11_2_share(want):
    lines = _data()["lines"]
    mine = lines[lines["customer_id"] == _member_id()]
    item = _member()["usual_item"]
    return [(float((mine["product"] == item).mean()),
             "That is a share of the member's rows (one per product bought): the profile "
             "asks for the share of the member's baskets that hold the item.",
             "这是占该会员行数（每种商品一行）的比例：画像要求的是含该商品的购物篮占该会员"
             "购物篮的比例。")]


def _judge_channel(answer, want) -> list[str]:
    channels = ["store", "app"]
    got = choice(answer, channels)
    if got is None:
        return not_a_choice(answer, channels, "a channel", "渠道")
    if got not in _tied(_member_counts()[1]):  # a tie: either channel is right
        return [tell("Not that one: count the member's baskets (not rows) in each channel.",
                     "不是这个：按渠道数该会员的购物篮（不是行数）。")]
    return []


def _judge_item(answer, want) -> list[str]:
    if not isinstance(answer, str):
        return [tell("The usual item is a product name, as text.", "常买商品是商品名称（文本）。")]
    if answer.strip().casefold() not in _tied(_member_counts()[0]):  # a tie: either is right
        return [tell("Not the member's usual item: which product is in the largest share of "
                     "the member's baskets?",
                     "不是该会员的常买商品：哪种商品出现在该会员最多比例的购物篮里？")]
    return []


# --------------------------------------------------------------------------- 11.3
@per_variant
def _pair_at(strength: float) -> dict:
    """Lift and confidence of the hotpot pair in baskets regenerated at ``strength``."""
    from crmlab import datasets, needs

    lines = datasets.simulate("retail_baskets", pair_strength=strength)
    rule = needs.association_rules(lines).set_index(["antecedent", "consequent"]).loc[PAIR_11_3]
    return {"lift": float(rule["lift"]), "confidence": float(rule["confidence"])}


def _lift_at(strength: float) -> float:
    return _pair_at(strength)["lift"]


@per_variant
def _strengths() -> dict:
    weak, strong = STRENGTHS_11_3
    return {"lift_weak": _lift_at(weak), "lift_strong": _lift_at(strong)}


def _default_lift() -> float:
    return float(_data()["rules"].loc[PAIR_11_3, "lift"])


def _mistakes_11_3(part: str):
    def mistakes(want):
        strength = dict(zip(("lift_weak", "lift_strong"), STRENGTHS_11_3, strict=True))[part]
        confidence = _pair_at(strength)["confidence"]
        return [(_default_lift(),
                 "That is the lift in the bundled data (pair strength 0.6): regenerate the "
                 "baskets with the strength the exercise asks for.",
                 "这是自带数据中的提升度（配对强度 0.6）：请用题目要求的强度重新生成购物篮。"),
                (confidence,
                 "That is the confidence of the rule: the exercise asks for its lift.",
                 "这是规则的置信度：题目要求的是提升度。")]
    return mistakes


def _swapped_11_3(answer, want) -> bool:
    return (math.isclose(float(answer["lift_weak"]), want["lift_strong"], rel_tol=1e-6)
            and math.isclose(float(answer["lift_strong"]), want["lift_weak"], rel_tol=1e-6))


# --------------------------------------------------------------------------- 11.4
def _weekend_difference(visits):
    from crmlab import needs

    marked = visits.assign(bumped=visits["bumps"] > 0)
    return needs.rate_difference(marked, by="bumped", outcome="bought", groups=(False, True))


@per_variant
def _weekend() -> dict:
    visits = _data()["visits"]
    diff = _weekend_difference(visits[visits["weekend"]])
    return {"rate_not_bumped": float(diff["rate_1"]), "rate_bumped": float(diff["rate_2"]),
            "difference": float(diff["difference"]), "low": float(diff["low"])}


def _every_day() -> dict:
    diff = _weekend_difference(_data()["visits"])
    return {"rate_not_bumped": float(diff["rate_1"]), "rate_bumped": float(diff["rate_2"]),
            "difference": float(diff["difference"]), "low": float(diff["low"])}


def _weekdays() -> dict:
    visits = _data()["visits"]
    diff = _weekend_difference(visits[~visits["weekend"]])
    return {"rate_not_bumped": float(diff["rate_1"]), "rate_bumped": float(diff["rate_2"]),
            "difference": float(diff["difference"]), "low": float(diff["low"])}


def _wald_low() -> float:
    """The lower end of the Wald interval of the weekend difference (a known mistake)."""
    visits = _data()["visits"]
    weekend = visits[visits["weekend"]]
    bumped = weekend["bumps"] > 0
    p1, n1 = weekend.loc[~bumped, "bought"].mean(), int((~bumped).sum())
    p2, n2 = weekend.loc[bumped, "bought"].mean(), int(bumped.sum())
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return float(p1 - p2 - NormalDist().inv_cdf(0.975) * se)


_ALL_DAYS = ("These are the rates of all 14 days: keep only the weekend groups first.",
             "这是全部 14 天的比率：请先只保留周末的访客组。")
_WEEKDAYS = ("These are the weekday groups: the exercise asks for the weekend (the "
             "weekend column is True).",
             "这是工作日的访客组：题目要求的是周末（weekend 列为 True）。")


def _mistakes_11_4(key: str):
    def mistakes(want):
        found = [When(lambda a, w: math.isclose(float(a), _every_day()[key], rel_tol=1e-6),
                      *_ALL_DAYS),
                 When(lambda a, w: math.isclose(float(a), _weekdays()[key], rel_tol=1e-6),
                      *_WEEKDAYS)]
        if key == "low":
            found.append((_wald_low(),
                          "That is the lower end of the simple (Wald) interval, the difference "
                          "minus 1.96 standard errors: the exercise asks for Newcombe's interval, "
                          "built from the two Wilson intervals.",
                          "这是简单（Wald）区间的下限，即差值减去 1.96 个标准误："
                          "题目要求的是由两个 Wilson 区间合成的 Newcombe 区间。"))
        if key == "difference":
            found.append((-want,
                          "The sign is reversed: subtract the bumped groups' rate from the "
                          "not-bumped groups' rate.",
                          "符号反了：应当用未被碰撞组的比率减去被碰撞组的比率。"))
        return found
    return mistakes


# --------------------------------------------------------------------------- 11.5
#: Why each other option of 11.5 is wrong: it is one of the features the textbook lists.
WHY_11_5 = {
    letter: (f"{letter} ({term}) is one of the five features the textbook lists: the question "
             "asks for the one that is not.",
             f"{letter}（{term}）是教材列出的五个特征之一：题目问的是不属于其中的那一项。")
    for letter, term in CHOICES_11_5.items() if letter != ANSWER_11_5}


# --------------------------------------------------------------------------- 11.6
@per_variant
def _bundle() -> dict:
    from crmlab import needs

    interval = needs.lift_interval(_data()["lines"], *PAIR_11_6)
    return {"bundle": bool(interval["low"] > 1), "pair_lift": float(interval["lift"]),
            "pair_low": float(interval["low"]), "pair_high": float(interval["high"])}


def _mistakes_11_6_lift(want):
    rule = _data()["rules"].loc[PAIR_11_6]
    return [(float(rule["confidence"]),
             "That is the confidence of coffee beans -> rice: the exercise asks for the lift, "
             "the confidence divided by the share of baskets holding rice.",
             "这是咖啡豆 -> 大米的置信度：题目要求的是提升度，即置信度除以含大米的购物篮占比。")]


@per_variant
def _other_samples() -> dict:
    """The pair's interval with 2000 bootstrap samples instead of the default."""
    from crmlab import needs

    return needs.lift_interval(_data()["lines"], *PAIR_11_6, n_boot=2000).to_dict()


def _mistakes_11_6_bounds(part: str):
    def mistakes(want):
        other = _other_samples()
        return [When(lambda a, w: math.isclose(float(a), float(other[part]), rel_tol=1e-9),
                     "That interval used another number of bootstrap samples: keep the "
                     "function's defaults (its samples and seed), so everyone gets the same "
                     "interval.",
                     "这个区间用了另一个自助抽样次数：请保留函数的默认设置（抽样次数和种子），"
                     "这样每个人得到相同的区间。")]
    return mistakes


# --------------------------------------------------------------------------- the records
BASKETS = ("retail_baskets",)
VISITS = ("store_visits",)

def _weekend_groups() -> bool:
    visits = _data()["visits"]
    weekend = visits[visits["weekend"]]
    bumped = weekend["bumps"] > 0
    return bool(bumped.sum() >= 30 and (~bumped).sum() >= 30)


#: The facts of the baskets and the entrance log the exercise text relies on.
FINDINGS = (
    Finding("the rule yogurt -> milk exists (both are sold, together in some baskets)",
            lambda: bool(_rule()["support"] > 0)),
    Finding("the member of 11.2 (the most baskets) has at least 10 baskets",
            lambda: bool(_member_counts()[2] >= 10)),
    Finding("the planted hotpot pair is stronger at pair strength 0.9 than at 0.3, and "
            "above 1 at both", lambda: bool(1 < _strengths()["lift_weak"]
                                            < _strengths()["lift_strong"])),
    Finding("on weekends at least 30 groups were bumped and 30 were not",
            _weekend_groups),
    Finding("the pair of 11.6 is bought together in some baskets",
            lambda: bool(_bundle()["pair_lift"] > 0)),
)

EXERCISES = register(
    Exercise(
        "11.1", expected=_rule, data=BASKETS,
        parts={"support": Part(mistakes=_mistakes_11_1_support),
               "confidence": Part(mistakes=_mistakes_11_1_confidence),
               "lift": Part(mistakes=_mistakes_11_1_lift)},
        task=Hint(
            "Give the support, confidence and lift of the rule from yogurt to milk, over all "
            "baskets.",
            "给出从酸奶到牛奶这条规则的支持度、置信度和提升度（以全部购物篮计）。"),
        hints=[Hint(
            "Count baskets, not rows: first one True/False row per basket. Confidence divides "
            "by the baskets holding the rule's first product; lift compares it with how often "
            "the second product is bought anyway.",
            "数购物篮而不是行：先把每个购物篮变成一行 True/False。置信度除以含规则前项的"
            "购物篮数；提升度把它与后项本来的购买比例相比。"),
            pointer("needs.basket_table", "needs.association_rules")],
    ),
    Exercise(
        "11.2", expected=_member, data=BASKETS,
        parts={"usual_item": Part(judge=_judge_item),
               "usual_share": Part(mistakes=_mistakes_11_2_share),
               "preferred_channel": Part(judge=_judge_channel)},
        task=Hint(
            "Build the guest profile of the member with the most baskets: the usual item, the "
            "share of the member's baskets holding it, and the channel of most of the member's "
            "baskets.",
            "为购物篮最多的会员建立客户画像：常买商品、含该商品的购物篮占该会员购物篮的比例，以及该会员"
            "多数购物篮所用的渠道。"),
        hints=[Hint(
            "Keep the member's rows, then count baskets: a basket holds several products, so "
            "one basket must count once per product and once per channel.",
            "先保留该会员的行，再数购物篮：一个购物篮含多种商品，所以每个购物篮对每种商品、"
            "每个渠道只能算一次。"),
            pointer("needs.usual_items", "DataFrame.drop_duplicates", "Series.value_counts")],
    ),
    Exercise(
        "11.3", expected=_strengths, data=BASKETS,
        parts={"lift_weak": Part(mistakes=_mistakes_11_3("lift_weak")),
               "lift_strong": Part(mistakes=_mistakes_11_3("lift_strong"))},
        before=[When(_swapped_11_3,
                     "The two lifts are swapped: the weaker strength goes in lift_weak.",
                     "两个提升度放反了：较弱的强度对应 lift_weak。")],
        task=Hint(
            "Regenerate the baskets with the two pair strengths asked (same seed and size) "
            "and give the lift of the hotpot pair in each.",
            "用题目给出的两个配对强度重新生成购物篮（种子和数量不变），给出每种情况下火锅配对的"
            "提升度。"),
        hints=[Hint(
            "The generator takes the strength as a keyword; leave its seed and size as they "
            "are, then list the rules and pick the pair's row.",
            "生成器以关键字参数接收强度；种子和数量保持默认，再列出规则并取出该配对所在的行。"),
            pointer("datasets.simulate", "needs.association_rules")],
    ),
    Exercise(
        "11.4", expected=_weekend, data=VISITS,
        parts={key: Part(mistakes=_mistakes_11_4(key))
               for key in ("rate_not_bumped", "rate_bumped", "difference", "low")},
        task=Hint(
            "On the weekend groups only, give the purchase rates of the groups never bumped "
            "and of the bumped ones, their difference and the lower end of its interval.",
            "只看周末的访客组，给出从未被碰撞的组和被碰撞过的组的购买率、两者之差以及差值"
            "区间的下限。"),
        hints=[Hint(
            "A group is bumped when it was bumped at least once. The difference is the "
            "not-bumped rate minus the bumped rate; its interval combines the two groups' "
            "Wilson intervals.",
            "至少被碰撞一次的组算作被碰撞。差值是未被碰撞组的比率减去被碰撞组的比率；它的区间"
            "由两组的 Wilson 区间合成。"),
            pointer("needs.rate_difference", "DataFrame.assign")],
    ),
    Exercise(
        "11.5", expected=lambda: ANSWER_11_5, judge=letter_judge(ANSWER_11_5, WHY_11_5),
        task=Hint(
            "Choose the letter of the one feature that is not among the features of customer "
            "needs the textbook lists.",
            "选出不属于教材所列客户需求特征的那一项的字母。"),
        hints=[Hint(
            "Recall the five features of the short-answer question 2 and section 5's table; "
            "one choice says the opposite of a feature the chapter measured between the two "
            "halves of the year.",
            "回想简答题2的五个特征和第5节的表格；有一个选项与本章在上下半年之间测量的那个特征"
            "意思相反。"),
            Hint("Reread the table of section 5 (the features of customer needs).",
                 "重读第5节（客户需求的特征）的表格。")],
    ),
    Exercise(
        "11.6", expected=_bundle, data=BASKETS, decision="bundle",
        parts={"pair_lift": Part(mistakes=_mistakes_11_6_lift),
               "pair_low": Part(mistakes=_mistakes_11_6_bounds("low")),
               "pair_high": Part(mistakes=_mistakes_11_6_bounds("high"))},
        task=Hint(
            "Give the lift of the pair the manager wants to bundle, with the two ends of its "
            "bootstrap interval, and decide.",
            "给出经理想捆绑销售的那对商品的提升度及其自助法区间的两端，并作出决定。"),
        hints=[Hint(
            "Resample whole baskets and keep the function's default number of samples and "
            "seed; an interval that reaches 1 cannot rule out no association.",
            "对整个购物篮重抽样，并保留函数默认的抽样次数和种子；包含 1 的区间不能排除"
            "“没有关联”。"),
            pointer("needs.lift_interval")],
    ),
)

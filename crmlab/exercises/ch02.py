"""Checks for the chapter 02 exercises (solutions/02_man_rule.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module): the expected answer, computed with :mod:`crmlab.acquisition` on the
bundled ``leads``; the known wrong answers (the MAN code with upper and lower case
swapped, the classes in value_counts order, the share of conversions for the conversion
rate, threshold 6 instead of 7, ``>`` instead of ``>=``...), each said in one sentence;
and the hints. Answers with several parts are checked as a dict built in the check cell;
feedback names the part, e.g. ``[lift] ...``. MAN codes are compared case-sensitively:
the case IS the answer.
"""

from __future__ import annotations

import functools
from typing import Any

from crmlab.exercises._variant import per_variant
from crmlab.exercises._compare import compare
from crmlab.exercises._judging import When, choice, judge_parts, matches, not_a_choice, tell
from crmlab.exercises._registry import Exercise, Hint, Part, pointer, register

__all__ = ["EXERCISES", "expected"]

#: The leads whose MAN code exercise 2.1 asks for.
LEADS_2_1 = ["L0001", "L0002", "L0003", "L0004", "L0005"]
#: The stricter threshold of exercise 2.4 (on the 0-10 score columns).
STRICT_2_4 = 7
CRITERIA = ["money", "authority", "need"]
SCORES = {"money": "money_score", "authority": "authority_score", "need": "need_score"}


# --------------------------------------------------------------------------- data
@per_variant
def _leads():
    import crmlab

    return crmlab.load_data("leads")


@per_variant
def _qualified():
    from crmlab import acquisition

    return acquisition.man_qualify(_leads())


@per_variant
def _by_class():
    from crmlab import acquisition

    table = acquisition.man_conversion(_qualified())
    table.index = table.index.astype(str)
    return table


@per_variant
def _strict(threshold: float = STRICT_2_4, strict_inequality: bool = False) -> dict:
    """Qualified leads from the score columns: count and conversion rate."""
    leads = _leads()
    scores = leads[list(SCORES.values())]
    met = scores > threshold if strict_inequality else scores >= threshold
    n_met = met.sum(axis=1)
    top = n_met == 3
    return {"n": int(top.sum()), "rate": float(leads.loc[top, "converted"].mean()),
            "at_least_two": int((n_met >= 2).sum()),
            "share_of_conversions": float(leads.loc[top, "converted"].sum()
                                          / leads["converted"].sum())}


@per_variant
def _lifts() -> dict:
    """Per criterion: conversion rate when met and when not met."""
    leads = _leads()
    out = {}
    for crit in CRITERIA:
        rate = leads.groupby(crit)["converted"].mean()
        out[crit] = {"met": float(rate[True]), "not_met": float(rate[False])}
    return out


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 02 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "2.1" to "2.6".

    Returns
    -------
    object
        A Series (2.2) or a dict of the parts (the others). Cached: do not modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 02 does not have.

    Examples
    --------
    >>> expected("2.1")["codes"]
    {'L0001': 'MAN', 'L0002': 'MaN', 'L0003': 'man', 'L0004': 'mAn', 'L0005': 'MaN'}
    >>> expected("2.4")["n_strict"]
    104
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- 2.1
@per_variant
def _man_codes() -> dict:
    qualified = _qualified()
    codes = qualified.set_index("lead_id")["man_code"].astype(str)
    return {"codes": {lid: codes[lid] for lid in LEADS_2_1},
            "n_no_need": int((qualified["man_code"] == "MAn").sum())}


def _judge_codes(answer, want) -> list[str]:
    if not isinstance(answer, dict) or any(k not in answer for k in want):
        return compare(answer, want)
    for lid, code in want.items():
        got = answer[lid]
        if not isinstance(got, str):
            return [f"{lid}: " + compare(got, code)[0]]
        got = got.strip()
        if got == code:
            continue
        if got == code.swapcase():
            return [tell(f"{lid}: {got!r} has upper and lower case swapped: an UPPER-case "
                         f"letter marks a criterion that is met ('MAN' meets all three).",
                         f"{lid}：{got!r} 的大小写反了：大写字母表示满足该条件"
                         f"（'MAN' 三个条件都满足）。")]
        if got.casefold() == code.casefold():
            return [tell(f"{lid}: {got!r} is not this lead's code: the case of each letter "
                         f"says whether the criterion is met (upper case = met); look at the "
                         f"lead's money, authority and need flags.",
                         f"{lid}：{got!r} 不是这条线索的代码：每个字母的大小写表示该条件"
                         f"是否满足（大写 = 满足）；请查看它的 money、authority、need 标志。")]
        if len(got) == 3 and sorted(got.casefold()) == sorted("man"):
            return [tell(f"{lid}: {got!r}: the letters go in the order M (money), "
                         f"A (authority), N (need).",
                         f"{lid}：{got!r}：字母顺序应为 M（购买能力）、A（购买决定权）、"
                         f"N（购买需求）。")]
        return [tell(f"{lid}: {got!r} is not a MAN code: three letters, M or m, A or a, "
                     f"N or n, e.g. 'MaN'.",
                     f"{lid}：{got!r} 不是 MAN 代码：应为三个字母，M 或 m、A 或 a、N 或 n，"
                     f"例如 'MaN'。")]
    return []



def _mistakes_2_1(want):
    qualified, leads = _qualified(), _leads()
    code = qualified["man_code"].astype(str)
    n_ma = int((leads["money"] & leads["authority"]).sum())
    return [
        (int((code == "man").sum()),
         "That counts 'man' (no criterion met): the code with money and authority but "
         "no need is 'MAn'.",
         "这数的是 'man'（三个条件都不满足）：有购买能力和决定权但没有需求的代码是 'MAn'。"),
        (len(leads),
         "Every lead matches: a case-insensitive comparison (.str.lower(), casefold) "
         "makes all eight codes equal. Compare exactly with 'MAn'.",
         "每条线索都匹配了：不区分大小写的比较（.str.lower()、casefold）使八种代码都相等。"
         "请与 'MAn' 精确比较。"),
        (int((qualified["man_class"] == "prospect").sum()),
         "That counts every prospect (any two criteria met): only 'MAn' lacks the need.",
         "这数的是所有 prospect（满足任意两个条件）：只有 'MAn' 缺少需求。"),
        (n_ma,
         "That also counts the 'MAN' leads: need must NOT be met.",
         "这把 'MAN' 也数进去了：需求必须不满足。"),
        (int((~leads["need"]).sum()),
         "That counts every lead without a need, whatever its money and authority: "
         "'MAn' also needs money and authority met.",
         "这数的是所有没有需求的线索，不论购买能力和决定权：'MAn' 还要求满足 M 和 A。"),
        (int((code == "MAn").sum()) / len(leads),
         "That is a share of the leads: the question asks for the number of leads.",
         "这是线索占比：题目要求的是线索数量。"),
    ]


# --------------------------------------------------------------------------- 2.2
def _counts_per_code(answer, want) -> bool:
    import pandas as pd

    code_counts = _qualified()["man_code"].value_counts(sort=False)
    return isinstance(answer, pd.Series) and len(answer) == len(code_counts) \
        and set(map(str, answer.index)) == set(code_counts.index.astype(str))


def _counts_under_other_labels(answer, want) -> bool:
    import pandas as pd

    return isinstance(answer, pd.Series) and len(answer) == len(want) \
        and [float(v) for v in answer] == [float(v) for v in want] \
        and not set(map(str, answer.index)) & set(want.index)


def _mistakes_2_2(want):
    return [
        (want / want.sum(),
         "These are shares of the leads: the question asks for numbers of leads "
         "(value_counts without normalize=True).",
         "这是线索占比：题目要求的是线索数量（value_counts 不加 normalize=True）。"),
        When(_counts_per_code,
             "These are counts per MAN code (8 combinations): group by man_class "
             "(4 classes).",
             "这是每种 MAN 代码（8 种组合）的数量：请按 man_class（4 个等级）分组。"),
        When(lambda answer, want: matches(answer, want, ordered=False),
             "The right counts in the wrong order: keep the class order, from "
             "'non-target' to 'qualified' (value_counts(sort=False)).",
             "数值正确但顺序不对：请保持等级顺序，从 'non-target' 到 'qualified'"
             "（value_counts(sort=False)）。"),
        When(_counts_under_other_labels,
             "The right counts under other labels: label the rows with the class "
             "names ('non-target', 'lead', 'prospect', 'qualified').",
             "数量正确但行标签不对：请用等级名称作行标签"
             "（'non-target'、'lead'、'prospect'、'qualified'）。"),
    ]


# --------------------------------------------------------------------------- 2.3
@per_variant
def _rates_by_class() -> dict:
    by_class = _by_class()
    return {cls: float(by_class.loc[cls, "conversion_rate"])
            for cls in ("qualified", "prospect")}


def _rates_swapped(answer, want) -> bool:
    return isinstance(answer, dict) and set(want) <= set(answer) and not judge_parts(
        {"qualified": answer["prospect"], "prospect": answer["qualified"]}, want, {})


def _mistakes_2_3(cls: str):
    def mistakes(want):
        by_class = _by_class()
        found = [
            (float(by_class.loc[cls, "share_of_conversions"]),
             "That is the class's share of all conversions: the conversion rate divides "
             "its conversions by its own leads.",
             "这是该等级占全部成交的比例：转化率是该等级的成交数除以该等级自身的线索数。"),
            (float(by_class.loc[cls, "share_of_leads"]),
             "That is the class's share of the leads: the question asks for its conversion "
             "rate.",
             "这是该等级占全部线索的比例：题目要求的是它的转化率。"),
            (int(by_class.loc[cls, "conversions"]),
             "That is the number of conversions: divide by the class's leads.",
             "这是成交数：还要除以该等级的线索数。"),
        ]
        if cls == "prospect":
            leads = _leads()
            n_met = leads[CRITERIA].sum(axis=1)
            two_up = float(leads.loc[n_met >= 2, "converted"].mean())
            found.append(
                (two_up,
                 "That mixes in the qualified leads (two OR MORE criteria): a prospect meets "
                 "exactly two.",
                 "这把 qualified 线索也算进去了（满足两个及以上条件）：prospect 恰好满足两个。"))
        return found
    return mistakes


# --------------------------------------------------------------------------- 2.4
@per_variant
def _strict_counts() -> dict:
    strict = _strict()
    return {"n_strict": strict["n"], "rate_strict": strict["rate"]}


_THRESHOLD_6 = ("That is threshold 6 (the default, or the bool columns money/authority/"
                "need): use the score columns with threshold 7.",
                "这是阈值 6（默认值，或用了布尔列 money/authority/need）：请对分数列使用"
                "阈值 7。")
_STRICT = ("A score of exactly 7 counts as met: use >= (score >= 7), not >.",
           "分数恰好为 7 也算满足：请用 >=（score >= 7），而不是 >。")


def _mistakes_2_4_n(want):
    six, strict_gt, at_seven = _strict(6), _strict(STRICT_2_4, True), _strict()
    return [
        (six["n"], *_THRESHOLD_6),
        (strict_gt["n"], *_STRICT),
        (at_seven["at_least_two"],
         "That counts the leads meeting at least two criteria: 'qualified' means all "
         "three.",
         "这数的是满足至少两个条件的线索：'qualified' 要求三个条件都满足。"),
        (at_seven["n"] / len(_leads()),
         "That is a share of the leads: the question asks for the number of leads.",
         "这是线索占比：题目要求的是线索数量。"),
    ]


def _mistakes_2_4_rate(want):
    six, strict_gt, at_seven = _strict(6), _strict(STRICT_2_4, True), _strict()
    return [
        (six["rate"], *_THRESHOLD_6),
        (strict_gt["rate"], *_STRICT),
        (at_seven["share_of_conversions"],
         "That is the qualified leads' share of all conversions: the conversion rate "
         "divides their conversions by their own number.",
         "这是 qualified 线索占全部成交的比例：转化率是它们的成交数除以它们自身的数量。"),
    ]


# --------------------------------------------------------------------------- 2.5
@per_variant
def _best_lift() -> dict:
    lifts = {c: v["met"] / v["not_met"] for c, v in _lifts().items()}
    best = max(lifts, key=lifts.get)
    return {"best_criterion": best, "lift": lifts[best]}


def _judge_criterion(answer, want) -> list[str]:
    got = choice(answer, CRITERIA)
    if got is None and isinstance(answer, str):
        got = {"money_score": "money", "authority_score": "authority",
               "need_score": "need"}.get(answer.strip().casefold())
    if got is None:
        return not_a_choice(answer, CRITERIA, "a MAN criterion", "MAN 条件")
    if got != want:
        return [tell(f"Not {got!r}: compare the ratio (rate when met / rate when not met) of "
                     f"the three criteria; the largest ratio raises conversion most.",
                     f"不是 {got!r}：比较三个条件的比值（满足时的转化率 / 不满足时的转化率），"
                     f"比值最大的条件最能提高转化率。")]
    return []



def _mistakes_2_5_lift(want):
    lifts = _lifts()
    best = _best_lift()["best_criterion"]
    rates = lifts[best]
    others = [(v["met"] / v["not_met"],
               f"That is the lift of {crit!r}: give the lift of the criterion you chose.",
               f"这是 {crit!r} 的提升倍数：请给出你所选条件的提升倍数。")
              for crit, v in lifts.items() if crit != best]
    return [
        (rates["met"] - rates["not_met"],
         "That is the difference of the two rates: the lift is their ratio "
         "(rate when met / rate when not met).",
         "这是两个转化率之差：提升倍数是它们的比值（满足时 / 不满足时）。"),
        (rates["not_met"] / rates["met"],
         "The ratio is upside down: divide the rate when met by the rate when not met.",
         "比值颠倒了：应该用满足时的转化率除以不满足时的转化率。"),
        (rates["met"],
         "That is the conversion rate when the criterion is met: divide it by the rate "
         "when it is not met.",
         "这是满足该条件时的转化率：还要除以不满足时的转化率。"),
        *others,
    ]


# --------------------------------------------------------------------------- 2.6
@per_variant
def _drop_prospects() -> dict:
    return {"drop_prospects": False,
            "prospect_share": float(_by_class().loc["prospect", "share_of_conversions"])}


def _mistakes_2_6_share(want):
    by_class = _by_class()
    revenue_share = float(by_class.loc["prospect", "revenue"] / by_class["revenue"].sum())
    return [
        (float(by_class.loc["prospect", "share_of_leads"]),
         "That is the prospects' share of the leads: the question asks for their share "
         "of the conversions (customers won).",
         "这是 prospect 占线索的比例：题目要求的是它们占成交（赢得的客户）的比例。"),
        (float(by_class.loc["prospect", "conversion_rate"]),
         "That is the prospects' conversion rate: the question asks for their share of "
         "ALL conversions (their conversions / all conversions).",
         "这是 prospect 的转化率：题目要求的是它们占全部成交的比例"
         "（它们的成交数 / 全部成交数）。"),
        (int(by_class.loc["prospect", "conversions"]),
         "That is the number of conversions: divide by all conversions.",
         "这是成交数：还要除以全部成交数。"),
        (float(by_class.loc[["prospect", "qualified"], "share_of_conversions"].sum()),
         "That includes the qualified leads: a prospect meets exactly two criteria.",
         "这把 qualified 线索也算进去了：prospect 恰好满足两个条件。"),
        (revenue_share,
         "That is the prospects' share of the revenue: the question asks for their "
         "share of the conversions.",
         "这是 prospect 占收入的比例：题目要求的是它们占成交数的比例。"),
    ]


# --------------------------------------------------------------------------- the records
EXERCISES = register(
    Exercise(
        "2.1", expected=_man_codes, data=("leads",),
        parts={"codes": Part(judge=_judge_codes), "n_no_need": Part(mistakes=_mistakes_2_1)},
        task=Hint(
            "Write the MAN code of the leads shown and count the leads with money and "
            "authority but no need.",
            "写出所示线索的 MAN 代码，并数出有购买能力和决定权但没有需求的线索。"),
        hints=[Hint(
            "Each letter is upper case when its criterion is met, lower case when not, in "
            "the order money, authority, need; the case matters when you count.",
            "每个字母在条件满足时大写、不满足时小写，顺序为购买能力、决定权、需求；计数时"
            "大小写要区分。"),
            pointer("acquisition.man_qualify")],
    ),
    Exercise(
        "2.2", expected=lambda: _by_class()["leads"], data=("leads",),
        mistakes=_mistakes_2_2,
        task=Hint(
            "Count the leads in each MAN class, in class order.",
            "数出每个 MAN 类别的线索数，按类别顺序排列。"),
        hints=[Hint(
            "The classes have a natural order, from no criterion met to all three: keep "
            "that order rather than sorting by size.",
            "类别有自然顺序，从一个条件都不满足到三个都满足：保持这个顺序，而不是按人数排"
            "序。"),
            pointer("acquisition.man_qualify", "Series.value_counts")],
    ),
    Exercise(
        "2.3", expected=_rates_by_class, data=("leads",),
        before=[When(_rates_swapped,
                     "The two rates are swapped: qualified leads (all three criteria) "
                     "convert more often than prospects.",
                     "两个转化率对调了：qualified 线索（三个条件都满足）比 prospect 转化更高。")],
        parts={cls: Part(mistakes=_mistakes_2_3(cls)) for cls in ("qualified", "prospect")},
        task=Hint(
            "Give the conversion rate of the qualified leads and of the prospects.",
            "给出合格线索与潜在线索的转化率。"),
        hints=[Hint(
            "A conversion rate is computed within a class: the leads of that class won, "
            "over the leads of that class.",
            "转化率要在一个类别内计算：该类别中赢得的线索除以该类别的全部线索。"),
            pointer("acquisition.man_conversion", "DataFrame.groupby")],
    ),
    Exercise(
        "2.4", expected=_strict_counts, data=("leads",),
        parts={"n_strict": Part(mistakes=_mistakes_2_4_n),
               "rate_strict": Part(mistakes=_mistakes_2_4_rate)},
        task=Hint(
            "Qualify the leads again from the scores with the stricter threshold, then "
            "count the qualified leads and give their conversion rate.",
            "用更严格的门槛按分数重新判定线索，再数出合格线索并给出它们的转化率。"),
        hints=[Hint(
            "Work from the scores, not the True/False flags, and remember that a score "
            "equal to the threshold meets the criterion.",
            "要用分数而不是 True/False 标记来判断；分数等于门槛也算满足条件。"),
            pointer("acquisition.man_qualify")],
    ),
    Exercise(
        "2.5", expected=_best_lift, data=("leads",),
        parts={"best_criterion": Part(judge=_judge_criterion),
               "lift": Part(mistakes=_mistakes_2_5_lift)},
        task=Hint(
            "Name the criterion that raises conversion most and give its lift.",
            "指出最能提高转化的条件，并给出它的提升倍数。"),
        hints=[Hint(
            "For each criterion compare two conversion rates, leads that meet it against "
            "leads that do not; the lift is their ratio, met over not met.",
            "对每个条件比较两个转化率：满足它的线索与不满足的线索；提升倍数是两者之比（满"
            "足除以不满足）。"),
            pointer("DataFrame.groupby", "Series.mean")],
    ),
    Exercise(
        "2.6", expected=_drop_prospects, data=("leads",), decision="drop_prospects",
        parts={"prospect_share": Part(mistakes=_mistakes_2_6_share)},
        task=Hint(
            "Decide whether to drop the prospects and give their share of all "
            "conversions.",
            "判断是否应放弃潜在线索，并给出它们在全部转化中的占比。"),
        hints=[Hint(
            "Dropping a class loses the customers it would have brought: look at its "
            "share of the customers won, not at its conversion rate.",
            "放弃一个类别就会失去它带来的客户：看它在赢得客户中的占比，而不是它的转化率。"),
            pointer("acquisition.man_conversion")],
    ),
)

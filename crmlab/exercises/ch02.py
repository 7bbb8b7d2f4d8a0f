"""Checks for the chapter 02 exercises (solutions/02_man_rule.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module): the expected answer, computed with :mod:`crmlab.acquisition` on the
student's ``leads``; the known wrong answers (the MAN code with upper and lower case
swapped, the classes in size order, the whole data where a channel was asked, a threshold
applied to every criterion, "above" instead of "at least"...), each said in one sentence;
and the hints. Every exercise asks for something the chapter did not print: other leads,
one channel, another threshold, the data made again with need made irrelevant (2.7), a
concept check (2.6), and a sales team with limited calls (2.8, whose decision is read by
the instructor with the reasoning cell). MAN codes are compared case-sensitively: the
case IS the answer.

Words: every row of ``leads`` is a sales lead (销售线索); the MAN classes are those of the
answer key, 合格潜在客户 (qualified prospect, ``"qualified"``), 潜在客户 (prospect,
``"prospect"``), 线索 (one-criterion lead, ``"lead"``) and 非目标客户 (non-target,
``"non-target"``); :data:`crmlab.acquisition.MAN_CLASS_NAMES` maps the values to the names.

:data:`FINDINGS` lists the facts of the data the exercise text relies on; they hold in
every student variant.
"""

from __future__ import annotations

from typing import Any

from crmlab.exercises._compare import compare
from crmlab.exercises._concept import letter_judge
from crmlab.exercises._judging import When, choice, judge_parts, matches, not_a_choice, tell
from crmlab.exercises._registry import Exercise, Finding, Hint, Part, pointer, register
from crmlab.exercises._variant import per_variant

__all__ = ["EXERCISES", "FINDINGS", "expected"]

#: The leads whose MAN code exercise 2.1 asks for (not shown in the chapter).
LEADS_2_1 = ["L0101", "L0102", "L0103", "L0104", "L0105"]
#: The channel of exercises 2.1 (count) and 2.2.
CHANNEL_2_1, CHANNEL_2_2, CHANNEL_2_3 = "website", "cold_call", "trade_show"
#: Exercise 2.4: only the need threshold is raised, to this score.
NEED_2_4 = 7.5
#: Exercise 2.5: every criterion at this (looser) threshold on the scores.
LOOSE_2_5 = 5
#: Exercise 2.7: a conversion rate that depends on money and authority only.
NO_NEED = {"MAN": 0.30, "MAn": 0.30, "MaN": 0.12, "Man": 0.12, "mAN": 0.12, "mAn": 0.12,
           "maN": 0.03, "man": 0.03}
#: Exercise 2.8: the calls the sales team can make.
CALLS = 1000
CRITERIA = ["money", "authority", "need"]
SCORES = {"money": "money_score", "authority": "authority_score", "need": "need_score"}
TOP_DOWN = ["qualified", "prospect", "lead", "non-target"]


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


def _met(leads, thresholds: dict, strict_inequality: bool = False):
    """Whether each criterion is met on the scores (a DataFrame of booleans)."""
    import pandas as pd

    return pd.DataFrame({c: (leads[SCORES[c]] > t) if strict_inequality else
                         (leads[SCORES[c]] >= t) for c, t in thresholds.items()})


def _lift_table(leads, met=None) -> dict:
    """Per criterion: the lift (rate when met / rate when not met)."""
    met = leads[CRITERIA] if met is None else met
    return {c: float(leads.loc[met[c], "converted"].mean()
                     / leads.loc[~met[c], "converted"].mean()) for c in CRITERIA}


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 02 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "2.1" to "2.8".

    Returns
    -------
    object
        A Series (2.2), a letter (2.6) or a dict of the parts (the others). Cached: do not
        modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 02 does not have.

    Examples
    --------
    >>> expected("2.1")["codes"]["L0101"]
    'MaN'
    >>> expected("2.6")
    'B'
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- 2.1
@per_variant
def _man_codes() -> dict:
    qualified = _qualified()
    codes = qualified.set_index("lead_id")["man_code"].astype(str)
    web = qualified[qualified["source_channel"] == CHANNEL_2_1]
    return {"codes": {lid: codes[lid] for lid in LEADS_2_1},
            "n_no_need": int((web["man_code"] == "MAn").sum())}


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
                         f"letter marks a criterion that is met.",
                         f"{lid}：{got!r} 的大小写反了：大写字母表示满足该条件。")]
        if got.casefold() == code.casefold():
            return [tell(f"{lid}: {got!r} is not this lead's code: the case of each letter "
                         f"says whether the criterion is met (upper case = met); look at the "
                         f"lead's money, authority and need flags.",
                         f"{lid}：{got!r} 不是这条销售线索的代码：每个字母的大小写表示该条件"
                         f"是否满足（大写 = 满足）；请查看它的 money、authority、need 标志。")]
        if len(got) == 3 and sorted(got.casefold()) == sorted("man"):
            return [tell(f"{lid}: {got!r}: the letters go in the order M (money), "
                         f"A (authority), N (need).",
                         f"{lid}：{got!r}：字母顺序应为 M（购买能力）、A（购买决定权）、"
                         f"N（购买需求）。")]
        return [tell(f"{lid}: {got!r} is not a MAN code: three letters, M or m, A or a, "
                     f"N or n.",
                     f"{lid}：{got!r} 不是 MAN 代码：应为三个字母，M 或 m、A 或 a、N 或 n。")]
    return []


def _mistakes_2_1(want):
    qualified = _qualified()
    web = qualified[qualified["source_channel"] == CHANNEL_2_1]
    code = web["man_code"].astype(str)
    return [
        (int((qualified["man_code"] == "MAn").sum()),
         f"That counts the 'MAn' leads of every channel: keep the leads from "
         f"{CHANNEL_2_1} only.",
         f"这数的是所有渠道的 'MAn' 销售线索：请只保留来自 {CHANNEL_2_1} 的销售线索。"),
        (int((code == "man").sum()),
         "That counts 'man' (no criterion met): the code with money and authority but no "
         "need is 'MAn'.",
         "这数的是 'man'（三个条件都不满足）：有购买能力和决定权但没有需求的代码是 'MAn'。"),
        (len(web),
         "Every lead of the channel matches: a comparison that ignores case makes all eight "
         "codes equal. Compare the exact code.",
         "该渠道的每条销售线索都匹配了：不区分大小写的比较使八种代码都相等。请精确比较代码。"),
        (int((web["man_class"] == "prospect").sum()),
         "That counts every prospect (潜在客户, any two criteria met): only 'MAn' lacks the "
         "need.",
         "这数的是所有潜在客户（满足任意两个条件）：只有 'MAn' 缺少需求。"),
        (int((web["money"] & web["authority"]).sum()),
         "That also counts the 'MAN' leads: need must NOT be met.",
         "这把 'MAN' 也数进去了：需求必须不满足。"),
        (int((~web["need"]).sum()),
         "That counts every lead without a need, whatever its money and authority: 'MAn' "
         "also needs money and authority met.",
         "这数的是所有没有需求的销售线索，不论购买能力和决定权：'MAn' 还要求满足 M 和 A。"),
    ]


# --------------------------------------------------------------------------- 2.2
def _of_channel(channel: str):
    qualified = _qualified()
    return qualified[qualified["source_channel"] == channel]


@per_variant
def _class_sizes():
    out = _of_channel(CHANNEL_2_2)["man_class"].value_counts(sort=False)
    out.index = out.index.astype(str)
    return out


def _counts_per_code(answer, want) -> bool:
    import pandas as pd

    codes = _of_channel(CHANNEL_2_2)["man_code"].astype(str).unique()
    return isinstance(answer, pd.Series) and len(answer) > len(want) \
        and set(map(str, answer.index)) <= set(codes)


def _counts_under_other_labels(answer, want) -> bool:
    import pandas as pd

    return isinstance(answer, pd.Series) and len(answer) == len(want) \
        and [float(v) for v in answer] == [float(v) for v in want] \
        and not set(map(str, answer.index)) & set(want.index)


def _mistakes_2_2(want):
    everyone = _qualified()["man_class"].value_counts(sort=False)
    everyone.index = everyone.index.astype(str)
    return [
        (want / want.sum(),
         "These are shares of the channel's leads: the question asks for numbers of leads.",
         "这是占该渠道销售线索的比例：题目要求的是销售线索数量。"),
        (everyone,
         f"These are the classes of all leads: keep the leads from {CHANNEL_2_2} only.",
         f"这是全部销售线索的等级：请只保留来自 {CHANNEL_2_2} 的销售线索。"),
        When(_counts_per_code,
             "These are counts per MAN code (up to 8 combinations): count per MAN class "
             "(4 classes).",
             "这是每种 MAN 代码（最多 8 种组合）的数量：请按 MAN 等级（4 个等级）计数。"),
        When(lambda answer, want: matches(answer, want, ordered=False),
             "The right counts in the wrong order: keep the class order, from the "
             "non-targets to the qualified prospects, not the order of size.",
             "数值正确但顺序不对：请保持等级顺序，从非目标客户到合格潜在客户，而不是按人数排序。"),
        When(_counts_under_other_labels,
             "The right counts under other labels: label the rows with the class values of "
             "the data.",
             "数量正确但行标签不对：请用数据中的等级取值作行标签。"),
    ]


# --------------------------------------------------------------------------- 2.3
def _class_rates(leads) -> dict:
    rate = leads.groupby("man_class", observed=True)["converted"].mean()
    rate.index = rate.index.astype(str)
    return {cls: float(rate[cls]) for cls in ("qualified", "prospect")}


@per_variant
def _rates_by_class() -> dict:
    return _class_rates(_of_channel(CHANNEL_2_3))


def _rates_swapped(answer, want) -> bool:
    return isinstance(answer, dict) and set(want) <= set(answer) and not judge_parts(
        {"qualified": answer["prospect"], "prospect": answer["qualified"]}, want, {})


def _mistakes_2_3(cls: str):
    def mistakes(want):
        leads = _of_channel(CHANNEL_2_3)
        n_met = leads[CRITERIA].sum(axis=1)
        found = [
            (_class_rates(_qualified())[cls],
             f"That is the rate over the leads of every channel: keep the leads from "
             f"{CHANNEL_2_3} only.",
             f"这是全部渠道销售线索的转化率：请只保留来自 {CHANNEL_2_3} 的销售线索。"),
            (float(leads.loc[leads["man_class"] == cls, "converted"].sum()
                   / leads["converted"].sum()),
             "That is the class's share of the channel's conversions: the conversion rate "
             "divides its conversions by its own leads.",
             "这是该等级占该渠道成交的比例：转化率是该等级的成交数除以该等级自身的销售线索数。"),
            (int(leads.loc[leads["man_class"] == cls, "converted"].sum()),
             "That is the number of conversions: divide by the class's leads.",
             "这是成交数：还要除以该等级的销售线索数。"),
        ]
        if cls == "prospect":
            found.append(
                (float(leads.loc[n_met >= 2, "converted"].mean()),
                 "That mixes in the qualified prospects (two OR MORE criteria): a prospect "
                 "meets exactly two.",
                 "这把合格潜在客户也算进去了（满足两个及以上条件）：潜在客户恰好满足两个。"))
        return found
    return mistakes


# --------------------------------------------------------------------------- 2.4
def _top(met):
    leads = _leads()
    top = met.all(axis=1)
    return {"n": int(top.sum()), "rate": float(leads.loc[top, "converted"].mean()),
            "at_least_two": int((met.sum(axis=1) >= 2).sum())}


@per_variant
def _need_raised(strict_inequality: bool = False, everywhere: bool = False) -> dict:
    thresholds = dict.fromkeys(CRITERIA, NEED_2_4 if everywhere else 6.0)
    thresholds["need"] = NEED_2_4
    return _top(_met(_leads(), thresholds, strict_inequality))


@per_variant
def _strict_counts() -> dict:
    top = _need_raised()
    return {"n_strict": top["n"], "rate_strict": top["rate"]}


_EVERYWHERE = ("That raises all three thresholds: only the need threshold changes, money "
               "and authority stay at 6.",
               "这把三个门槛都提高了：只改变需求的门槛，购买能力和决定权仍为 6。")
_STRICT = ("A score equal to the threshold counts as met: at least the threshold, not above "
           "it.",
           "分数恰好等于门槛也算满足：是“至少达到”门槛，而不是“高于”门槛。")
_FLAGS = ("That is the chapter's qualification at 6 for every criterion: raise the need "
          "threshold on the need scores.",
          "这是本章所有条件都取 6 的判定：请在需求分数上提高需求的门槛。")


def _mistakes_2_4_n(want):
    top = _need_raised()
    return [
        (_need_raised(everywhere=True)["n"], *_EVERYWHERE),
        (_need_raised(strict_inequality=True)["n"], *_STRICT),
        (int((_qualified()["man_class"] == "qualified").sum()), *_FLAGS),
        (top["at_least_two"],
         "That counts the leads meeting at least two criteria: a qualified prospect meets "
         "all three.",
         "这数的是满足至少两个条件的销售线索：合格潜在客户要求三个条件都满足。"),
        (top["n"] / len(_leads()),
         "That is a share of the leads: the question asks for the number of leads.",
         "这是销售线索占比：题目要求的是销售线索数量。"),
    ]


def _mistakes_2_4_rate(want):
    return [
        (_need_raised(everywhere=True)["rate"], *_EVERYWHERE),
        (_need_raised(strict_inequality=True)["rate"], *_STRICT),
        (float(_by_class().loc["qualified", "conversion_rate"]), *_FLAGS),
    ]


# --------------------------------------------------------------------------- 2.5
@per_variant
def _loose_lifts(strict_inequality: bool = False) -> dict:
    leads = _leads()
    return _lift_table(leads, _met(leads, dict.fromkeys(CRITERIA, LOOSE_2_5),
                                   strict_inequality))


@per_variant
def _best_lift() -> dict:
    lifts = _loose_lifts()
    best = max(lifts, key=lifts.get)
    return {"best_criterion": best, "lift": lifts[best]}


def _criterion_judge(why_en: str, why_zh: str):
    """A judge of a criterion named as the answer: one of CRITERIA (or its score column)."""
    def judge(answer, want) -> list[str]:
        got = choice(answer, CRITERIA)
        if got is None and isinstance(answer, str):
            got = {"money_score": "money", "authority_score": "authority",
                   "need_score": "need"}.get(answer.strip().casefold())
        if got is None:
            return not_a_choice(answer, CRITERIA, "a MAN criterion", "MAN 条件")
        if got != want:
            return [tell(f"Not {got!r}: {why_en}", f"不是 {got!r}：{why_zh}")]
        return []
    return judge


_judge_criterion = _criterion_judge(
    "compare the lifts (rate when met / rate when not met) of the three criteria at the new "
    "threshold; the largest one wins.",
    "比较三个条件在新门槛下的提升倍数（满足时的转化率 / 不满足时的转化率），最大的那个胜出。")


def _mistakes_2_5_lift(want):
    loose, flags = _loose_lifts(), _lift_table(_leads())
    best = _best_lift()["best_criterion"]
    leads = _leads()
    met = _met(leads, dict.fromkeys(CRITERIA, LOOSE_2_5))[best]
    rate_met = float(leads.loc[met, "converted"].mean())
    rate_not = float(leads.loc[~met, "converted"].mean())
    return [
        (flags[best],
         "That is the lift at the chapter's threshold 6 (the True/False flags): qualify the "
         "scores again at the new threshold.",
         "这是本章门槛 6（True/False 标志）下的提升倍数：请在新门槛下用分数重新判定。"),
        (_loose_lifts(strict_inequality=True)[best], *_STRICT),
        (rate_met - rate_not,
         "That is the difference of the two rates: the lift is their ratio.",
         "这是两个转化率之差：提升倍数是它们的比值。"),
        (rate_not / rate_met,
         "The ratio is upside down: divide the rate when met by the rate when not met.",
         "比值颠倒了：应该用满足时的转化率除以不满足时的转化率。"),
        (rate_met,
         "That is the conversion rate when the criterion is met: divide it by the rate when "
         "it is not met.",
         "这是满足该条件时的转化率：还要除以不满足时的转化率。"),
        *[(value,
           f"That is the lift of {crit!r}: give the lift of the criterion you chose.",
           f"这是 {crit!r} 的提升倍数：请给出你所选条件的提升倍数。")
          for crit, value in loose.items() if crit != best],
    ]


# --------------------------------------------------------------------------- 2.6
_WHY_2_6 = {
    "A": ("A qualified prospect (合格潜在客户) meets all three criteria: this company's "
          "contact cannot decide the purchase.",
          "合格潜在客户要三个条件都满足：这家公司的联系人不能决定购买。"),
    "C": ("A one-criterion lead (线索) meets only one criterion: this company meets two, "
          "money and need.",
          "线索只满足一个条件：这家公司满足两个，购买能力和购买需求。"),
    "D": ("A non-target (非目标客户) meets no criterion at all: this company can pay and needs "
          "the product.",
          "非目标客户一个条件都不满足：这家公司有购买能力也有购买需求。"),
}


# --------------------------------------------------------------------------- 2.7
@per_variant
def _no_need_lifts() -> dict:
    from crmlab import datasets

    lifts = _lift_table(datasets.simulate("leads", conversion=NO_NEED))
    return {"need_lift": lifts["need"], "best_criterion": max(lifts, key=lifts.get)}


def _mistakes_2_7_lift(want):
    from crmlab import datasets

    flat = datasets.simulate("leads", conversion=NO_NEED)
    met = flat["need"]
    rate_met = float(flat.loc[met, "converted"].mean())
    rate_not = float(flat.loc[~met, "converted"].mean())
    return [
        (_lift_table(_leads())["need"],
         "That is need's lift in your data as generated: make the leads again with the "
         "conversion rates that ignore need.",
         "这是原始数据中需求的提升倍数：请用不考虑需求的转化率重新生成销售线索。"),
        (rate_not / rate_met,
         "The ratio is upside down: divide the rate when need is met by the rate when it "
         "is not.",
         "比值颠倒了：应该用满足需求时的转化率除以不满足时的转化率。"),
        (rate_met - rate_not,
         "That is the difference of the two rates: the lift is their ratio.",
         "这是两个转化率之差：提升倍数是它们的比值。"),
    ]


_judge_2_7_best = _criterion_judge(
    "compute the lift of all three criteria on the data made again, not only need's.",
    "请在重新生成的数据上计算全部三个条件的提升倍数，而不只是需求的。")


# --------------------------------------------------------------------------- 2.8
def _expected_customers(order: list[str], calls: int = CALLS) -> float:
    """Customers expected from ``calls`` calls made class by class in ``order``."""
    table = _by_class()
    left, total = calls, 0.0
    for cls in order:
        n = min(left, int(table.loc[cls, "leads"]))
        total += n * float(table.loc[cls, "conversion_rate"])
        left -= n
    return total


@per_variant
def _calls() -> dict:
    return {"drop_prospects": False,
            "customers_top_down": _expected_customers(TOP_DOWN),
            "customers_without_prospects": _expected_customers(
                [c for c in TOP_DOWN if c != "prospect"])}


def _mistakes_2_8(part: str):
    def mistakes(want):
        table = _by_class()
        order = TOP_DOWN if part == "customers_top_down" else \
            [c for c in TOP_DOWN if c != "prospect"]
        whole = float(table.loc[order, "conversions"].sum())
        return [
            (whole,
             "That counts the customers of every lead in those classes: the team makes only "
             "1,000 calls, so stop when the calls run out.",
             "这把这些等级全部销售线索的客户都算进去了：团队只能打 1,000 个电话，电话用完就停。"),
            (_expected_customers(order[::-1]),
             "That calls the classes from the bottom up: start with the qualified prospects "
             "(合格潜在客户).",
             "这是从最低的等级往上打电话：请从合格潜在客户开始。"),
            (_expected_customers(order) / float(table["conversions"].sum()),
             "That is a share of all customers won: the question asks for the number of "
             "customers expected.",
             "这是占全部成交客户的比例：题目要求的是预计的客户人数。"),
        ]
    return mistakes


# --------------------------------------------------------------------------- findings
def _classes_ranked() -> bool:
    rate = _by_class()["conversion_rate"]
    return bool(rate["qualified"] > rate["prospect"] > rate["lead"])


def _need_matters_most() -> bool:
    lifts = _lift_table(_leads())
    return max(lifts, key=lifts.get) == "need"


def _every_class_in_the_channels() -> bool:
    return all(_of_channel(ch)["man_class"].astype(str).nunique() == 4
               and bool((_of_channel(ch).groupby("man_class", observed=True).size()
                         >= 5).all())
               for ch in (CHANNEL_2_2, CHANNEL_2_3))


def _need_raise_shrinks() -> bool:
    return _strict_counts()["n_strict"] < int((_qualified()["man_class"] == "qualified").sum())


def _need_no_longer_best() -> bool:
    return _no_need_lifts()["best_criterion"] != "need" and _no_need_lifts()["need_lift"] < 1.5


def _calls_cover_the_top_two() -> bool:
    sizes = _by_class()["leads"]
    return bool(sizes["qualified"] + sizes["prospect"] <= CALLS
                and sizes.drop(index="prospect").sum() >= CALLS)


def _prospects_matter() -> bool:
    want = _calls()
    return want["customers_top_down"] > want["customers_without_prospects"]


#: The facts of the data the chapter's exercise text relies on (checked in every variant).
FINDINGS = (
    Finding("conversion ranks the classes: qualified > prospect > one-criterion lead",
            _classes_ranked),
    Finding("need has the largest lift of the three criteria (the chapter's finding)",
            _need_matters_most),
    Finding("every MAN class has at least 5 leads among the cold-call and the trade-show "
            "leads (2.2, 2.3)", _every_class_in_the_channels),
    Finding("raising only the need threshold to 7.5 shrinks the qualified class (2.4)",
            _need_raise_shrinks),
    Finding("with conversion rates that ignore need, need no longer has the largest lift "
            "(2.7)", _need_no_longer_best),
    Finding("1,000 calls reach every qualified prospect and prospect, and the classes "
            "without the prospects fill them (2.8)", _calls_cover_the_top_two),
    Finding("skipping the prospects loses customers for the same 1,000 calls (2.8)",
            _prospects_matter),
)


# --------------------------------------------------------------------------- the records
EXERCISES = register(
    Exercise(
        "2.1", expected=_man_codes, data=("leads",),
        parts={"codes": Part(judge=_judge_codes), "n_no_need": Part(mistakes=_mistakes_2_1)},
        task=Hint(
            "Write the MAN code of the five leads named, and count the leads of one channel "
            "with money and authority but no need.",
            "写出所列五条销售线索的 MAN 代码，并数出某一渠道中有购买能力和决定权但没有需求"
            "的销售线索。"),
        hints=[Hint(
            "Each letter is upper case when its criterion is met, lower case when not, in "
            "the order money, authority, need; the case matters when you count, and only "
            "the channel's leads count.",
            "每个字母在条件满足时大写、不满足时小写，顺序为购买能力、决定权、需求；计数时"
            "大小写要区分，而且只数该渠道的销售线索。"),
            pointer("acquisition.man_qualify")],
    ),
    Exercise(
        "2.2", expected=_class_sizes, data=("leads",), mistakes=_mistakes_2_2,
        task=Hint(
            "Count the leads of one channel in each MAN class, in class order.",
            "数出某一渠道的销售线索在每个 MAN 等级中的数量，按等级顺序排列。"),
        hints=[Hint(
            "Keep the channel's leads first. The classes have a natural order, from no "
            "criterion met to all three: keep that order rather than sorting by size.",
            "先只保留该渠道的销售线索。等级有自然顺序，从一个条件都不满足到三个都满足："
            "保持这个顺序，而不是按人数排序。"),
            pointer("acquisition.man_qualify", "Series.value_counts")],
    ),
    Exercise(
        "2.3", expected=_rates_by_class, data=("leads",),
        before=[When(_rates_swapped,
                     "The two rates are swapped: check which class each rate belongs to.",
                     "两个转化率对调了：请检查每个转化率属于哪个等级。")],
        parts={cls: Part(mistakes=_mistakes_2_3(cls)) for cls in ("qualified", "prospect")},
        task=Hint(
            "Among the leads of one channel, give the conversion rate of the qualified "
            "prospects and of the prospects.",
            "在某一渠道的销售线索中，给出合格潜在客户与潜在客户的转化率。"),
        hints=[Hint(
            "Keep the channel's leads; a conversion rate is computed within a class: the "
            "leads of that class won, over the leads of that class.",
            "只保留该渠道的销售线索；转化率要在一个等级内计算：该等级中赢得的销售线索除以"
            "该等级的全部销售线索。"),
            pointer("acquisition.man_conversion", "DataFrame.groupby")],
    ),
    Exercise(
        "2.4", expected=_strict_counts, data=("leads",),
        parts={"n_strict": Part(mistakes=_mistakes_2_4_n),
               "rate_strict": Part(mistakes=_mistakes_2_4_rate)},
        task=Hint(
            "Qualify the leads again from the scores with a stricter threshold for need "
            "only, then count the qualified prospects and give their conversion rate.",
            "只对需求采用更严格的门槛，按分数重新判定销售线索，再数出合格潜在客户并给出它们"
            "的转化率。"),
        hints=[Hint(
            "Work from the scores, not the True/False flags; give need its own threshold "
            "and keep the others; a score equal to the threshold meets the criterion.",
            "要用分数而不是 True/False 标志；给需求单独的门槛，其余不变；分数等于门槛也算"
            "满足条件。"),
            pointer("acquisition.man_qualify")],
    ),
    Exercise(
        "2.5", expected=_best_lift, data=("leads",),
        parts={"best_criterion": Part(judge=_judge_criterion),
               "lift": Part(mistakes=_mistakes_2_5_lift)},
        task=Hint(
            "At a looser threshold on the scores, name the criterion that raises conversion "
            "most and give its lift.",
            "在更宽松的分数门槛下，指出最能提高转化的条件，并给出它的提升倍数。"),
        hints=[Hint(
            "Decide from the scores whether each criterion is met at the new threshold, then "
            "compare two conversion rates per criterion, met against not met; the lift is "
            "their ratio.",
            "先按新门槛用分数判断每个条件是否满足，再对每个条件比较两个转化率：满足与不满足；"
            "提升倍数是两者之比。"),
            pointer("DataFrame.groupby", "Series.mean")],
    ),
    Exercise(
        "2.6", expected=lambda: "B", judge=letter_judge("B", _WHY_2_6),
        task=Hint("Answer with one letter: which class of the answer key does the company "
                  "belong to?",
                  "用一个字母作答：这家公司属于参考答案中的哪一类？"),
        hints=[Hint(
            "Count the criteria the company meets; the answer key names a class for three, "
            "two, one and none.",
            "数一数这家公司满足几个条件；参考答案为满足三个、两个、一个和零个条件各起了"
            "一个名称。"),
            Hint("Reread §1 of the chapter: the four classes and their Chinese names.",
                 "重读本章第 1 节：四个等级及其中文名称。")],
    ),
    Exercise(
        "2.7", expected=_no_need_lifts, data=("leads",),
        parts={"need_lift": Part(mistakes=_mistakes_2_7_lift),
               "best_criterion": Part(judge=_judge_2_7_best)},
        task=Hint(
            "Make the leads again with conversion rates that ignore need, then give need's "
            "lift and the criterion that now raises conversion most.",
            "用不考虑需求的转化率重新生成销售线索，再给出需求的提升倍数以及现在最能提高转化"
            "的条件。"),
        hints=[Hint(
            "Pass the given conversion rates to the generator and keep every other setting; "
            "then compute the lift of each criterion on the new data.",
            "把给定的转化率交给生成器，其余设置不变；然后在新数据上计算每个条件的提升倍数。"),
            pointer("datasets.simulate", "DataFrame.groupby")],
    ),
    Exercise(
        "2.8", expected=_calls, data=("leads",), decision="drop_prospects",
        parts={"customers_top_down": Part(mistakes=_mistakes_2_8("customers_top_down")),
               "customers_without_prospects": Part(
                   mistakes=_mistakes_2_8("customers_without_prospects"))},
        task=Hint(
            "With a limited number of calls, give the customers expected when the classes "
            "are called from the top, and when the prospects are skipped; then decide "
            "whether to drop the prospects.",
            "在电话数量有限时，给出从最高等级往下打电话的预计客户数，以及跳过潜在客户时的"
            "预计客户数；再判断是否应放弃潜在客户。"),
        hints=[Hint(
            "Call class by class, as many leads of each class as the calls left allow; each "
            "call brings the class's conversion rate in customers.",
            "按等级逐个打电话，每个等级打到剩余电话允许的数量为止；每个电话带来的客户数等于"
            "该等级的转化率。"),
            pointer("acquisition.man_conversion")],
    ),
)

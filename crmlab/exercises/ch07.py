"""Checks for the chapter 07 exercises (solutions/07_satisfaction.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module): the expected answer (:func:`expected`, computed with
:mod:`crmlab.satisfaction` on the bundled ``survey``, or on the worked example of
exercise 7.2); the known wrong answers (the NPS as a fraction, 7-8 counted as promoters,
the retention rate as end / start, the gap with its sign flipped, the largest
coefficient instead of the strongest one...), each said in one sentence instead of "too
high"; and the hints. Answers with several parts are checked as a dict built in
the check cell (``{"churn": churn, "retention": retention}``); feedback names the part,
e.g. ``[retention] ...``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from crmlab.exercises._variant import per_variant
from crmlab.exercises._compare import compare
from crmlab.exercises._judging import When, matches, tell
from crmlab.exercises._registry import Exercise, Hint, Part, pointer, register

__all__ = ["EXAMPLE_7_2", "EXERCISES", "expected"]

#: The worked example of exercise 7.2: customers at the start, lost, at the end, new.
EXAMPLE_7_2 = {"at_start": 1200, "lost": 150, "at_end": 1180, "new": 130}


# --------------------------------------------------------------------------- data
@per_variant
def _survey():
    import crmlab

    return crmlab.load_data("survey")


@per_variant
def _drivers():
    from crmlab import satisfaction

    return satisfaction.churn_drivers(_survey())


@per_variant
def _promises():
    from crmlab import satisfaction

    return satisfaction.promise_effect(_survey())


def _nps_with(promoter_min: int = 9, detractor_max: int = 6, column: str = "nps_score") -> float:
    x = _survey()[column]
    return float(100 * ((x >= promoter_min).mean() - (x <= detractor_max).mean()))


def _by_promise(column: str):
    return _survey().groupby("marketing_promise", observed=True)[column]


@per_variant
def _nps() -> float:
    from crmlab import satisfaction

    return satisfaction.nps(_survey()["nps_score"])


@per_variant
def _example_rates() -> dict:
    from crmlab import satisfaction

    e = EXAMPLE_7_2
    return {"churn": satisfaction.churn_rate(e["lost"], e["at_start"]),
            "retention": satisfaction.retention_rate(e["at_start"], e["at_end"], e["new"])}


@per_variant
def _gaps():
    from crmlab import satisfaction

    return satisfaction.gap_summary(_survey())["gap"]


@per_variant
def _shortfall_and_driver() -> dict:
    strongest = _drivers()["coef"].abs().idxmax()
    return {"largest_shortfall": str(_gaps().idxmin()),
            "churn_driver": str(strongest).removeprefix("gap_")}


@per_variant
def _promise_satisfaction() -> float:
    p = _promises()
    return float(p.loc["inflated", "satisfaction"] - p.loc["accurate", "satisfaction"])


@per_variant
def _promise_nps() -> dict:
    p = _promises()
    return {"promise_more": False,
            "nps_diff": float(p.loc["inflated", "nps"] - p.loc["accurate", "nps"])}


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 07 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "7.1" to "7.6".

    Returns
    -------
    object
        A float (7.1, 7.5), a Series (7.3) or a dict of the parts (7.2, 7.4, 7.6).
        Cached: do not modify it.

    Raises
    ------
    KeyError
        For a question id that chapter 07 does not have.

    Examples
    --------
    >>> expected("7.2")
    {'churn': 0.125, 'retention': 0.875}
    >>> expected("7.4")
    {'largest_shortfall': 'responsiveness', 'churn_driver': 'reliability'}
    """
    return EXERCISES[qid].expected()


# --------------------------------------------------------------------------- judging
def _dimension(answer) -> str | None:
    """The SERVQUAL dimension named by a text answer (English, gap_ prefix or Chinese)."""
    from crmlab.satisfaction import DIMENSION_NAMES, DIMENSIONS

    if not isinstance(answer, str):
        return None
    got = answer.strip().casefold().removeprefix("gap_")
    chinese = {zh: en for en, zh in DIMENSION_NAMES.items()}
    got = chinese.get(got, got)
    return got if got in DIMENSIONS else None


# --------------------------------------------------------------------------- 7.1
def _mistakes_7_1(want):
    x = _survey()["nps_score"]
    return [
        (want / 100,
         "That is the difference of the two shares: the NPS is a score from -100 to 100, "
         "so multiply it by 100.",
         "这是两个占比之差：NPS 是 -100 到 100 之间的分值，请再乘以 100。"),
        (-want,
         "The sign is flipped: NPS = % promoters - % detractors.",
         "符号反了：NPS = 推荐者占比 - 贬损者占比。"),
        (100 * float((x >= 9).mean()),
         "That is the share of promoters alone: subtract the share of detractors (0-6).",
         "这只是推荐者的占比：还要减去贬损者（0-6 分）的占比。"),
        (float((x >= 9).mean()),
         "That is the share of promoters alone: subtract the share of detractors (0-6), "
         "then multiply by 100.",
         "这只是推荐者的占比：要减去贬损者（0-6 分）的占比，再乘以 100。"),
        (_nps_with(promoter_min=7),
         "You counted the passives (7-8) as promoters: promoters answer 9 or 10 only.",
         "你把被动者（7-8 分）算作了推荐者：只有 9 或 10 分才是推荐者。"),
        (_nps_with(promoter_min=8),
         "You counted 8 as a promoter: promoters answer 9 or 10 only.",
         "你把 8 分算作了推荐者：只有 9 或 10 分才是推荐者。"),
        (_nps_with(detractor_max=5),
         "You left 6 out of the detractors: detractors answer 0 to 6.",
         "你没有把 6 分算作贬损者：贬损者是 0 到 6 分。"),
        (_nps_with(detractor_max=8),
         "You counted the passives (7-8) as detractors: passives count in the denominator "
         "only.",
         "你把被动者（7-8 分）算作了贬损者：被动者只计入分母。"),
        (_nps_with(promoter_min=10, detractor_max=5),
         "Strict inequalities (> 9 and < 6) drop the 9s and the 6s: promoters are >= 9, "
         "detractors <= 6.",
         "严格不等号（> 9 和 < 6）漏掉了 9 分和 6 分：推荐者是 >= 9，贬损者是 <= 6。"),
        (float((x >= 9).sum() - (x <= 6).sum()),
         "That is a difference of counts: divide by the number of answers and multiply by "
         "100.",
         "这是人数之差：请除以回答人数，再乘以 100。"),
        (_nps_with(column="satisfaction"),
         "That is computed on the satisfaction column: the NPS uses the 0-10 recommendation "
         "score, nps_score.",
         "这是用满意度列算的：NPS 用的是 0-10 分的推荐意愿 nps_score。"),
        (float(x.mean()),
         "That is the mean recommendation score: the NPS counts promoters and detractors.",
         "这是推荐意愿的平均分：NPS 要数推荐者和贬损者。"),
    ]


# --------------------------------------------------------------------------- 7.2
def _rates_swapped(answer, want) -> bool:
    return isinstance(answer, dict) and set(want) <= set(answer) and matches(
        {"churn": answer["retention"], "retention": answer["churn"]}, want)


def _mistakes_7_2_churn(want):
    e = EXAMPLE_7_2
    return [
        ((e["at_start"] - e["at_end"]) / e["at_start"],
         "That is the net loss of customers, (start - end) / start: new customers hide "
         "the lost ones. Churn = lost / start.",
         "这是客户数的净减少 (期初 - 期末) / 期初：新客户掩盖了流失的客户。"
         "流失率 = 流失客户数 / 期初客户数。"),
        (e["lost"] / e["at_end"],
         "You divided by the customers at the end: a rate of the period divides by the "
         "customers at the start.",
         "你除以了期末客户数：一期的比率应除以期初客户数。"),
        (e["lost"] / (e["at_start"] + e["new"]),
         "You divided by start + new: churn counts only the customers who were there at "
         "the start.",
         "你除以了 期初 + 新客户：流失率只看期初就在的客户。"),
    ]


def _mistakes_7_2_retention(want):
    e = EXAMPLE_7_2
    return [
        (e["at_end"] / e["at_start"],
         "end / start counts the new customers as retained: take them out first, "
         "(end - new) / start.",
         "期末 / 期初 把新客户也算作保持的客户：请先减去新客户，(期末 - 新客户) / 期初。"),
        ((e["at_end"] - e["new"]) / e["at_end"],
         "You divided by the customers at the end: retention divides by the customers at "
         "the start.",
         "你除以了期末客户数：保持率应除以期初客户数。"),
    ]


# --------------------------------------------------------------------------- 7.3
def _with_mean_gap(answer, want) -> bool:
    import pandas as pd

    return isinstance(answer, pd.Series) and "mean_gap" in [str(i) for i in answer.index]


def _labelled_gap_(answer, want) -> bool:
    import pandas as pd

    if not isinstance(answer, pd.Series):
        return False
    labels = [str(i) for i in answer.index]
    if len(labels) != len(want) or not all(lab.startswith("gap_") for lab in labels):
        return False
    return matches(answer.rename(lambda c: str(c).removeprefix("gap_")), want, ordered=False)


def _whole_table(answer, want) -> bool:
    import pandas as pd

    return isinstance(answer, pd.DataFrame) and "gap" in answer.columns \
        and answer.shape[1] > 1 and len(answer) == len(want)


def _one_per_customer(answer, want) -> bool:
    import pandas as pd

    return isinstance(answer, (pd.Series, pd.DataFrame)) and len(answer) == len(_survey())


_SHAPES_7_3 = (
    When(_with_mean_gap,
         "mean_gap is not a dimension: keep the five gap_<dim> values only "
         "(and name them by dimension).",
         "mean_gap 不是一个维度：只保留五个 gap_<维度> 的值（并以维度名作标签）。"),
    When(_labelled_gap_,
         "The values are right; label them by dimension ('tangibles', ...), "
         "not 'gap_tangibles': .rename(lambda c: c.removeprefix('gap_')).",
         "数值正确；请用维度名（'tangibles' 等）作标签，而不是 "
         "'gap_tangibles'：.rename(lambda c: c.removeprefix('gap_'))。"),
    When(_whole_table,
         "That is the whole table: the question asks for the gap column alone, "
         "a Series (['gap']).",
         "这是整张表：题目只要 gap 这一列，即一个序列（['gap']）。"),
    When(_one_per_customer,
         "One value per customer: the question asks for the mean gap of each "
         "dimension over all customers (.mean()).",
         "这是每位客户一个值：题目要求每个维度在所有客户上的平均差距（.mean()）。"),
)


def _mistakes_7_3(want):
    from crmlab import satisfaction

    survey = _survey()
    summary = satisfaction.gap_summary(survey)
    gaps = satisfaction.gap_scores(survey)
    dims = list(want.index)
    return [
        (-want,
         "The sign is flipped: the gap is perception minus expectation (negative = the "
         "customers got less than they expected).",
         "符号反了：差距 = 感知 - 期望（负值表示客户得到的少于期望）。"),
        (summary["expectation"],
         "Those are the mean expectations: the gap is perception minus expectation.",
         "这是期望的均值：差距 = 感知 - 期望。"),
        (summary["perception"],
         "Those are the mean perceptions: subtract the expectations.",
         "这是感知的均值：还要减去期望。"),
        (summary["negative_share"],
         "Those are the shares of customers let down (gap < 0): the question asks for the "
         "mean gap.",
         "这是感到失望（差距 < 0）的客户占比：题目要求平均差距。"),
        (gaps[[f"gap_{d}" for d in dims]].median().set_axis(dims),
         "Those are medians: take the mean gap (.mean()).",
         "这是中位数：请取平均差距（.mean()）。"),
    ]


# --------------------------------------------------------------------------- 7.4
def _choice(key: str) -> Callable:
    from crmlab.satisfaction import DIMENSIONS

    def judge_dimension(answer, want) -> list[str]:
        if not isinstance(answer, str):
            return compare(answer, want)
        got = _dimension(answer)
        if got is None:
            return [tell(f"{answer!r}: answer with one of the five dimension names: "
                         f"{', '.join(DIMENSIONS)}.",
                         f"{answer!r}：请用五个维度名之一作答：{', '.join(DIMENSIONS)}。")]
        if got == want:
            return []
        gaps = _gaps()
        coef = _drivers()["coef"].rename(lambda f: f.removeprefix("gap_"))
        other = _shortfall_and_driver()["churn_driver" if key == "largest_shortfall"
                                        else "largest_shortfall"]
        if got == other:
            return [tell(f"{got!r} is the answer to the other part: the largest shortfall is "
                         f"the most negative mean gap; the churn driver has the largest "
                         f"coefficient in size in churn_drivers.",
                         f"{got!r} 是另一问的答案：最大的不足是平均差距最负的维度；"
                         f"流失驱动因素是 churn_drivers 中系数绝对值最大的维度。")]
        if key == "largest_shortfall" and got == gaps.idxmax():
            return [tell(f"{got!r} has the largest gap, where the firm beats expectations "
                         f"most: the largest shortfall is the most negative gap (idxmin).",
                         f"{got!r} 的差距最大，是企业最超出期望的维度：最大的不足是最负的"
                         f"差距（idxmin）。")]
        if key == "churn_driver" and got == coef.idxmax():
            return [tell(f"{got!r} has the largest coefficient, but every coefficient is "
                         f"negative: the strongest driver is the largest in size (the most "
                         f"negative coefficient, the smallest odds ratio).",
                         f"{got!r} 的系数最大，但所有系数都是负的：最强的驱动因素是绝对值最大的"
                         f"（系数最负、优势比最小）。")]
        return [tell(f"{got!r} is not the answer: look at the numbers again.",
                     f"{got!r} 不是正确答案：请再看一下数据。")]

    return judge_dimension


def _answers_swapped(answer, want) -> bool:
    return isinstance(answer, dict) and set(want) <= set(answer) and all(
        isinstance(answer[k], str) for k in want) and \
        _dimension(answer["largest_shortfall"]) == want["churn_driver"] and \
        _dimension(answer["churn_driver"]) == want["largest_shortfall"]


# --------------------------------------------------------------------------- 7.5
def _mistakes_7_5(want):
    p = _promises()
    return [
        (-want,
         "The sign is flipped: inflated minus accurate (negative when inflated promises "
         "leave customers less satisfied).",
         "符号反了：应为 inflated 减去 accurate（若夸大承诺让客户更不满意，则为负）。"),
        (float(p.loc["inflated", "satisfaction"] - p.loc["modest", "satisfaction"]),
         "That compares inflated with modest promises: the question compares with accurate "
         "ones.",
         "这是夸大承诺与保守承诺的比较：题目要与准确承诺比较。"),
        (float(p.loc["accurate", "satisfaction"] - p.loc["modest", "satisfaction"]),
         "That is accurate minus modest: the question asks for inflated minus accurate.",
         "这是 accurate 减 modest：题目要求 inflated 减 accurate。"),
        (float(p.loc["inflated", "satisfaction"]),
         "That is the mean satisfaction of the inflated group alone: subtract the accurate "
         "group's.",
         "这只是夸大承诺组的平均满意度：还要减去准确承诺组的。"),
        (float(p.loc["inflated", "nps"] - p.loc["accurate", "nps"]),
         "That is the difference in NPS: the question asks for mean satisfaction (1-10).",
         "这是 NPS 之差：题目要求平均满意度（1-10 分）之差。"),
        (float(p.loc["inflated", "gap"] - p.loc["accurate", "gap"]),
         "That is the difference in the mean gap: the question asks for mean satisfaction.",
         "这是平均差距之差：题目要求平均满意度之差。"),
        (float(_by_promise("nps_score").mean()["inflated"]
               - _by_promise("nps_score").mean()["accurate"]),
         "That uses the recommendation score (nps_score): the question asks for the "
         "satisfaction column.",
         "这用的是推荐意愿（nps_score）：题目要求的是 satisfaction 列。"),
        (float(_by_promise("satisfaction").median()["inflated"]
               - _by_promise("satisfaction").median()["accurate"]),
         "Those are medians: compare the mean satisfaction.",
         "这是中位数之差：请比较平均满意度。"),
    ]


# --------------------------------------------------------------------------- 7.6
def _mistakes_7_6_diff(diff):
    p = _promises()
    nps_mean = _by_promise("nps_score").mean()
    return [
        (-diff,
         "The sign is flipped: inflated minus accurate.",
         "符号反了：应为 inflated 减去 accurate。"),
        (float(p.loc["inflated", "nps"] - p.loc["modest", "nps"]),
         "That compares inflated with modest promises: compare with accurate ones.",
         "这是夸大承诺与保守承诺的比较：请与准确承诺比较。"),
        (float(p.loc["inflated", "nps"]),
         "That is the NPS of the inflated group alone: subtract the accurate group's.",
         "这只是夸大承诺组的 NPS：还要减去准确承诺组的。"),
        (float(nps_mean["inflated"] - nps_mean["accurate"]),
         "That is the difference of the mean recommendation scores: compute each group's "
         "NPS (satisfaction.nps) and subtract.",
         "这是推荐意愿平均分之差：请分别计算各组的 NPS（satisfaction.nps）再相减。"),
        (float(p.loc["inflated", "satisfaction"] - p.loc["accurate", "satisfaction"]),
         "That is the difference in satisfaction (exercise 7.5): here, the NPS.",
         "这是满意度之差（练习 7.5）：本题要求 NPS 之差。"),
    ]


# --------------------------------------------------------------------------- the records
SURVEY = ("survey",)

EXERCISES = register(
    Exercise(
        "7.1", expected=_nps, data=SURVEY, mistakes=_mistakes_7_1,
        task=Hint(
            "Compute the Net Promoter Score of the whole survey.",
            "计算整个调查的净推荐值。"),
        hints=[Hint(
            "The score is the share of promoters minus the share of detractors, in points "
            "between minus a hundred and a hundred; passives count in the whole but in "
            "neither group.",
            "净推荐值是推荐者占比减去贬损者占比，以分值表示（负一百到一百之间）；被动者计"
            "入总数，但不属于任何一组。"),
            pointer("satisfaction.nps")],
    ),
    Exercise(
        "7.2", expected=_example_rates,
        before=[When(_rates_swapped,
                     "The two rates are swapped: churn is the share lost (the small one), "
                     "retention the share kept.",
                     "两个比率对调了：流失率是流失的比例（较小的那个），保持率是留下的比例。")],
        parts={"churn": Part(mistakes=_mistakes_7_2_churn),
               "retention": Part(mistakes=_mistakes_7_2_retention)},
        task=Hint(
            "Compute the year's churn rate and retention rate with the chapter's "
            "definitions.",
            "按本章的定义计算当年的客户流失率和客户保持率。"),
        hints=[Hint(
            "Both rates are over the customers at the start of the year; the new "
            "customers won during the year do not count as retained.",
            "两个比率的分母都是年初的客户数；年内新赢得的客户不算作保持的客户。"),
            pointer("satisfaction.churn_rate", "satisfaction.retention_rate")],
    ),
    Exercise(
        "7.3", expected=_gaps, data=SURVEY, mistakes=_mistakes_7_3, ordered=False,
        before=_SHAPES_7_3,
        task=Hint(
            "Give the mean SERVQUAL gap of each of the five dimensions.",
            "给出五个 SERVQUAL 维度各自的平均差距。"),
        hints=[Hint(
            "A gap is what was perceived minus what was expected; average it over all "
            "customers, one value per dimension, labelled by dimension.",
            "差距是感知减去期望；对所有客户求平均，每个维度一个值，并以维度名作标签。"),
            pointer("satisfaction.gap_summary")],
    ),
    Exercise(
        "7.4", expected=_shortfall_and_driver, data=SURVEY,
        before=[When(_answers_swapped,
                     "The two answers are swapped: the largest shortfall is the most negative "
                     "mean gap; the churn driver has the strongest coefficient.",
                     "两个答案对调了：最大的不足是平均差距最负的维度；流失驱动因素的系数最强。")],
        parts={key: Part(judge=_choice(key)) for key in ("largest_shortfall", "churn_driver")},
        task=Hint(
            "Name the dimension with the largest shortfall and the one that drives churn "
            "most, and say whether they are the same.",
            "指出差距最大的维度和最能驱动流失的维度，并说明两者是否相同。"),
        hints=[Hint(
            "The largest shortfall is the most negative mean gap; the strongest driver "
            "has the largest coefficient in size, whatever its sign.",
            "差距最大是平均差距最负的维度；最强的驱动因素是系数绝对值最大的维度，不论正负"
            "。"),
            pointer("satisfaction.gap_summary", "satisfaction.churn_drivers")],
    ),
    Exercise(
        "7.5", expected=_promise_satisfaction, data=SURVEY, mistakes=_mistakes_7_5,
        task=Hint(
            "Give how much the mean satisfaction after an inflated promise differs from "
            "that after an accurate one.",
            "给出听到夸大承诺的客户与听到准确承诺的客户在平均满意度上的差。"),
        hints=[Hint(
            "Compare the mean satisfaction of the two promise groups: the inflated group "
            "minus the accurate group.",
            "比较两个承诺组的平均满意度：夸大组减去准确组。"),
            pointer("satisfaction.promise_effect", "DataFrame.groupby")],
    ),
    Exercise(
        "7.6", expected=_promise_nps, data=SURVEY,
        decision="promise_more",
        parts={"nps_diff": Part(mistakes=_mistakes_7_6_diff)},
        task=Hint(
            "Decide whether marketing should promise more, and give the difference in NPS "
            "that backs it.",
            "判断营销是否应做出更大的承诺，并给出支持你判断的净推荐值之差。"),
        hints=[Hint(
            "Compare the NPS of the customers who heard an inflated promise with those "
            "who heard an accurate one, then judge whether promising more pays.",
            "比较听到夸大承诺与听到准确承诺的客户的净推荐值，再判断多承诺是否划算。"),
            pointer("satisfaction.promise_effect")],
    ),
)

"""Checks for the chapter 07 exercises (solutions/07_satisfaction.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module): the expected answer (:func:`expected`, computed with
:mod:`crmlab.satisfaction` on the student's ``survey`` variant, on the worked example of
exercise 7.2, or on the survey made again with another generator setting for exercise
7.6, :func:`crmlab.datasets.simulate`); the known wrong answers (the NPS as a fraction,
7-8 counted as promoters, the retention rate as end / start, the gap with its sign
flipped, the largest coefficient instead of the strongest one, the whole survey instead
of the segment asked...), each said in one sentence instead of "too
high"; and the hints. Answers with several parts are checked as a dict built in
the check cell (``{"churn": churn, "retention": retention}``); feedback names the part,
e.g. ``[retention] ...``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crmlab.exercises._compare import compare
from crmlab.exercises._concept import letter_judge
from crmlab.exercises._judging import When, matches, tell
from crmlab.exercises._registry import Exercise, Finding, Hint, Part, pointer, register
from crmlab.exercises._variant import per_variant

__all__ = ["EXAMPLE_7_2", "EXERCISES", "FINDINGS", "GAP_WEIGHTS_7_6", "SEGMENT_7_3",
           "SEGMENT_7_4", "SEGMENT_7_5", "SEGMENT_7_8", "expected"]

#: The worked example of exercise 7.2: customers at the start, lost, at the end, new.
EXAMPLE_7_2 = {"at_start": 1200, "lost": 150, "at_end": 1180, "new": 130}
#: The segments the exercises look at (the chapter shows the whole survey).
SEGMENT_7_3, SEGMENT_7_4, SEGMENT_7_5, SEGMENT_7_8 = "vip", "business", "retail", "business"
#: Exercise 7.6: the generator's gap weights with reliability and responsiveness swapped
#: (order of ``crmlab.satisfaction.DIMENSIONS``: tangibles, reliability, responsiveness,
#: assurance, empathy; the bundled survey has 0.10, 0.35, 0.22, 0.18, 0.15).
GAP_WEIGHTS_7_6 = (0.10, 0.22, 0.35, 0.18, 0.15)


# --------------------------------------------------------------------------- data
@per_variant
def _survey():
    import crmlab

    return crmlab.load_data("survey")


def _segment(name: str):
    survey = _survey()
    return survey[survey["segment"] == name]


@per_variant
def _drivers():
    from crmlab import satisfaction

    return satisfaction.churn_drivers(_survey())


@per_variant
def _segment_drivers():
    from crmlab import satisfaction

    return satisfaction.churn_drivers(_segment(SEGMENT_7_4))


@per_variant
def _promises():
    from crmlab import satisfaction

    return satisfaction.promise_effect(_survey())


@per_variant
def _segment_promises(name: str):
    from crmlab import satisfaction

    return satisfaction.promise_effect(_segment(name))


def _complainers():
    survey = _survey()
    return survey[survey["complaints"] > 0]


def _nps_with(promoter_min: int = 9, detractor_max: int = 6, column: str = "nps_score",
              frame=None) -> float:
    x = (_complainers() if frame is None else frame)[column]
    return float(100 * ((x >= promoter_min).mean() - (x <= detractor_max).mean()))


def _by_promise(column: str, frame=None):
    return (_survey() if frame is None else frame).groupby(
        "marketing_promise", observed=True)[column]


@per_variant
def _nps() -> float:
    from crmlab import satisfaction

    return satisfaction.nps(_complainers()["nps_score"])


@per_variant
def _example_rates() -> dict:
    from crmlab import satisfaction

    e = EXAMPLE_7_2
    return {"churn": satisfaction.churn_rate(e["lost"], e["at_start"]),
            "retention": satisfaction.retention_rate(e["at_start"], e["at_end"], e["new"])}


@per_variant
def _gaps():
    from crmlab import satisfaction

    return satisfaction.gap_summary(_segment(SEGMENT_7_3))["gap"]


@per_variant
def _segment_gaps():
    from crmlab import satisfaction

    return satisfaction.gap_summary(_segment(SEGMENT_7_4))["gap"]


def _strongest(drivers) -> str:
    return str(drivers["coef"].abs().idxmax()).removeprefix("gap_")


@per_variant
def _shortfall_and_driver() -> dict:
    return {"largest_shortfall": str(_segment_gaps().idxmin()),
            "churn_driver": _strongest(_segment_drivers())}


def _churn_counts(frame) -> tuple[int, int, int, int]:
    churned = _by_promise("churned", frame)
    k, n = churned.sum(), churned.size()
    return (int(k["inflated"]), int(n["inflated"]), int(k["accurate"]), int(n["accurate"]))


@per_variant
def _promise_churn() -> dict:
    from crmlab.uncertainty import difference_interval

    k1, n1, k2, n2 = _churn_counts(_segment(SEGMENT_7_5))
    low, high = difference_interval(k1, n1, k2, n2)
    return {"churn_diff": k1 / n1 - k2 / n2, "low": low, "high": high}


@per_variant
def _promise_nps() -> dict:
    p = _segment_promises(SEGMENT_7_8)
    return {"promise_more": False,
            "nps_diff": float(p.loc["inflated", "nps"] - p.loc["accurate", "nps"])}


# The survey made again by the generator: the same for every student (simulate keeps the
# bundled file's seed), so the difference is the setting alone.
@per_variant
def _simulated_drivers(swapped: bool):
    from crmlab import satisfaction
    from crmlab.datasets import simulate

    survey = simulate("survey", gap_weights=list(GAP_WEIGHTS_7_6)) if swapped \
        else simulate("survey")
    return satisfaction.churn_drivers(survey)


def _moved_driver() -> dict:
    after = _simulated_drivers(True)
    return {"driver_after": _strongest(after),
            "reliability_coef_after": float(after.loc["gap_reliability", "coef"])}


def expected(qid: str) -> Any:
    """Return the expected answer of a chapter 07 exercise (what the solution computes).

    Parameters
    ----------
    qid : str
        "7.1" to "7.8".

    Returns
    -------
    object
        A float (7.1), a Series (7.3), a letter (7.7) or a dict of the parts (the
        others). Cached: do not modify it.

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
    >>> expected("7.6")["driver_after"]
    'responsiveness'
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
    from crmlab import satisfaction

    x = _complainers()["nps_score"]
    survey = _survey()
    return [
        (satisfaction.nps(survey["nps_score"]),
         "That is the NPS of the whole survey: keep only the customers who complained at "
         "least once.",
         "这是整个调查的 NPS：只保留至少投诉过一次的客户。"),
        (satisfaction.nps(survey.loc[survey["complaints"] == 0, "nps_score"]),
         "That is the NPS of the customers who never complained: the question asks about "
         "those who complained at least once.",
         "这是从未投诉过的客户的 NPS：题目问的是至少投诉过一次的客户。"),
        (satisfaction.nps(survey.loc[survey["complaints"] > 1, "nps_score"]),
         "That keeps only the customers with two complaints or more: one complaint is "
         "enough.",
         "这只保留了投诉两次及以上的客户：投诉一次就算。"),
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
         "You counted the passives (7-8) as detractors: passives count in the whole only.",
         "你把被动者（7-8 分）算作了贬损者：被动者只计入总数。"),
        (_nps_with(promoter_min=10, detractor_max=5),
         "Strict inequalities drop the 9s and the 6s: a promoter answers at least 9, a "
         "detractor at most 6.",
         "严格不等号漏掉了 9 分和 6 分：推荐者至少 9 分，贬损者至多 6 分。"),
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

    return isinstance(answer, (pd.Series, pd.DataFrame)) and \
        len(answer) in (len(_survey()), len(_segment(SEGMENT_7_3)))


_SHAPES_7_3 = (
    When(_with_mean_gap,
         "The mean gap over the dimensions is not a dimension: keep the five dimensions "
         "only, labelled by their names.",
         "各维度的平均差距不是一个维度：只保留五个维度，并以维度名作标签。"),
    When(_labelled_gap_,
         "The values are right; label them by the dimension's own name (tangibles, ...), "
         "without the gap_ prefix.",
         "数值正确；请用维度本身的名称（tangibles 等）作标签，去掉 gap_ 前缀。"),
    When(_whole_table,
         "That is the whole table: the question asks for the gap column alone, a Series.",
         "这是整张表：题目只要差距这一列，即一个序列。"),
    When(_one_per_customer,
         "One value per customer: the question asks for the mean gap of each dimension "
         "over the customers of the segment.",
         "这是每位客户一个值：题目要求每个维度在该细分客户上的平均差距。"),
)


def _mistakes_7_3(want):
    from crmlab import satisfaction

    segment = _segment(SEGMENT_7_3)
    summary = satisfaction.gap_summary(segment)
    gaps = satisfaction.gap_scores(segment)
    dims = list(want.index)
    return [
        (satisfaction.gap_summary(_survey())["gap"],
         "Those are the gaps of the whole survey (the chapter's table): keep only the VIP "
         "customers.",
         "这是整个调查的差距（本章的表）：只保留 VIP 客户。"),
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
         "Those are the shares of customers let down (gap below 0): the question asks for "
         "the mean gap.",
         "这是感到失望（差距小于 0）的客户占比：题目要求平均差距。"),
        (gaps[[f"gap_{d}" for d in dims]].median().set_axis(dims),
         "Those are medians: take the mean gap.",
         "这是中位数：请取平均差距。"),
    ]


# --------------------------------------------------------------------------- 7.4
def _named(answer, want) -> tuple[str | None, list[str]]:
    """The dimension an answer names, or None and what is wrong with the answer."""
    from crmlab.satisfaction import DIMENSIONS

    if not isinstance(answer, str):
        return None, compare(answer, want)
    got = _dimension(answer)
    if got is None:
        return None, [tell(f"{answer!r}: answer with one of the five dimension names: "
                           f"{', '.join(DIMENSIONS)}.",
                           f"{answer!r}：请用五个维度名之一作答：{', '.join(DIMENSIONS)}。")]
    return got, []


def _choice(key: str) -> Callable:
    def judge_dimension(answer, want) -> list[str]:
        got, problems = _named(answer, want)
        if got is None or got == want:
            return problems
        gaps = _segment_gaps()
        coef = _segment_drivers()["coef"].rename(lambda f: f.removeprefix("gap_"))
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
                         f"most: the largest shortfall is the most negative gap.",
                         f"{got!r} 的差距最大，是企业最超出期望的维度：最大的不足是最负的"
                         f"差距。")]
        if key == "churn_driver" and got == coef.idxmax():
            return [tell(f"{got!r} has the largest coefficient, but every coefficient is "
                         f"negative: the strongest driver is the largest in size (the most "
                         f"negative coefficient, the smallest odds ratio).",
                         f"{got!r} 的系数最大，但所有系数都是负的：最强的驱动因素是绝对值最大的"
                         f"（系数最负、优势比最小）。")]
        from crmlab import satisfaction

        whole = (satisfaction.gap_summary(_survey())["gap"].idxmin()
                 if key == "largest_shortfall" else _strongest(_drivers()))
        if got == whole:
            return [tell(f"{got!r} is the answer for the whole survey: keep only the "
                         f"business customers, and fit the model on them alone.",
                         f"{got!r} 是整个调查的答案：只保留商务客户，并只用他们拟合模型。")]
        return [tell(f"{got!r} is not the answer: look at the numbers again.",
                     f"{got!r} 不是正确答案：请再看一下数据。")]

    return judge_dimension


def _answers_swapped(answer, want) -> bool:
    if want["largest_shortfall"] == want["churn_driver"]:  # one dimension answers both
        return False
    return isinstance(answer, dict) and set(want) <= set(answer) and all(
        isinstance(answer[k], str) for k in want) and \
        _dimension(answer["largest_shortfall"]) == want["churn_driver"] and \
        _dimension(answer["churn_driver"]) == want["largest_shortfall"]


# --------------------------------------------------------------------------- 7.5
def _churn_diff_mistakes(want):
    retail = _segment(SEGMENT_7_5)
    k1, n1, k2, n2 = _churn_counts(retail)
    k3, n3 = (int(v) for v in _by_promise("churned", retail).agg(["sum", "size"])
              .loc["modest"])
    whole = _churn_counts(_survey())
    return [
        (k2 / n2 - k1 / n1,
         "The sign is flipped: inflated minus accurate (positive when inflated promises "
         "lose more customers).",
         "符号反了：应为 inflated 减去 accurate（若夸大承诺流失更多客户，则为正）。"),
        (whole[0] / whole[1] - whole[2] / whole[3],
         "That is the difference in the whole survey: keep only the retail customers.",
         "这是整个调查的差：只保留零售客户。"),
        (k1 / n1 - k3 / n3,
         "That compares inflated with modest promises: compare with accurate ones.",
         "这是夸大承诺与保守承诺的比较：请与准确承诺比较。"),
        (k1 / n1,
         "That is the churn rate of the inflated group alone: subtract the accurate "
         "group's.",
         "这只是夸大承诺组的流失率：还要减去准确承诺组的。"),
    ]


def _interval_mistakes(end: str):
    def mistakes(want):
        from crmlab.uncertainty import difference_interval

        # Newcombe's interval of accurate minus inflated is this one negated

        k1, n1, k2, n2 = _churn_counts(_segment(SEGMENT_7_5))
        flipped = difference_interval(k2, n2, k1, n1)
        whole = difference_interval(*_churn_counts(_survey()))
        other = _promise_churn()["high" if end == "low" else "low"]
        return [
            (flipped[0] if end == "low" else flipped[1],
             "That end belongs to the interval the other way round: keep inflated minus "
             "accurate throughout.",
             "这一端属于反方向的区间：请始终用夸大减准确。"),
            (whole[0] if end == "low" else whole[1],
             "That is the interval for the whole survey: keep only the retail customers.",
             "这是整个调查的区间：只保留零售客户。"),
            (other,
             "The two ends are swapped: low is the smaller one.",
             "两端对调了：low 是较小的一端。"),
        ]

    return mistakes


# --------------------------------------------------------------------------- 7.8
def _mistakes_7_8_diff(diff):
    from crmlab import satisfaction

    business = _segment(SEGMENT_7_8)
    p = _segment_promises(SEGMENT_7_8)
    whole = _promises()
    nps_mean = _by_promise("nps_score", business).mean()
    return [
        (-diff,
         "The sign is flipped: inflated minus accurate.",
         "符号反了：应为 inflated 减去 accurate。"),
        (float(whole.loc["inflated", "nps"] - whole.loc["accurate", "nps"]),
         "That is the difference in the whole survey (the chapter's number): keep only the "
         "business customers.",
         "这是整个调查的差（本章的数字）：只保留商务客户。"),
        (float(p.loc["inflated", "nps"] - p.loc["modest", "nps"]),
         "That compares inflated with modest promises: compare with accurate ones.",
         "这是夸大承诺与保守承诺的比较：请与准确承诺比较。"),
        (float(p.loc["inflated", "nps"]),
         "That is the NPS of the inflated group alone: subtract the accurate group's.",
         "这只是夸大承诺组的 NPS：还要减去准确承诺组的。"),
        (float(nps_mean["inflated"] - nps_mean["accurate"]),
         "That is the difference of the mean recommendation scores: compute each group's "
         "NPS and subtract.",
         "这是推荐意愿平均分之差：请分别计算各组的 NPS 再相减。"),
        (float(satisfaction.nps(business["nps_score"])),
         "That is the NPS of all business customers: compare the two promise groups.",
         "这是全部商务客户的 NPS：请比较两个承诺组。"),
    ]


# --------------------------------------------------------------------------- 7.6
def _judge_driver_after(answer, want) -> list[str]:
    got, problems = _named(answer, want)
    if got is None or got == want:
        return problems
    if got == _strongest(_simulated_drivers(False)):
        return [tell(f"{got!r} drives churn in the bundled survey: fit the model on the "
                     f"survey made again with the weights swapped.",
                     f"{got!r} 是原始调查中的流失驱动因素：请在按交换后的权重重新生成的调查上"
                     f"拟合模型。")]
    return [tell(f"{got!r} is not the strongest driver after the change: compare the "
                 f"coefficients in size.",
                 f"{got!r} 不是改变设置后最强的驱动因素：请比较系数的绝对值。")]


def _mistakes_7_6_coef(want):
    before = _simulated_drivers(False)
    after = _simulated_drivers(True)
    return [
        (float(before.loc["gap_reliability", "coef"]),
         "That is the coefficient in the bundled survey: take it from the survey made "
         "again with the weights swapped.",
         "这是原始调查中的系数：请取按交换后的权重重新生成的调查中的系数。"),
        (float(after.loc["gap_reliability", "odds_ratio"]),
         "That is the odds ratio: the question asks for the coefficient (the log-odds).",
         "这是优势比：题目要求系数（对数优势）。"),
        (-want,
         "The sign is flipped: a larger reliability gap (better than expected) lowers "
         "churn, so the coefficient is negative.",
         "符号反了：可靠性差距越大（超出期望）流失越少，所以系数为负。"),
        (float(after.loc["gap_responsiveness", "coef"]),
         "That is the coefficient of responsiveness: the question asks for reliability's.",
         "这是响应性的系数：题目要求可靠性的系数。"),
    ]


# --------------------------------------------------------------------------- 7.7
#: Exercise 7.7's answer and, for each wrong letter, why that option is wrong.
CONCEPT_7_7 = ("B", {
    "A": ("A promoter answers 9 or 10: an 8 is just below.",
          "推荐者打 9 或 10 分：8 分还差一点。"),
    "C": ("A detractor answers 0 to 6: an 8 is well above.",
          "贬损者打 0 到 6 分：8 分远高于此。"),
    "D": ("Every answer counts in the whole the two shares are taken of, the 7s and 8s too.",
          "每个回答都计入求两个占比的总数，7 分和 8 分也一样。"),
})


#: The facts of the survey the exercise text relies on, in every student's variant.
FINDINGS = (
    Finding("inflated promises churn more than accurate ones among retail customers, "
            "and the 95 % interval of the difference excludes 0",
            lambda: bool(_promise_churn()["low"] > 0)),
    Finding("inflated promises have a lower NPS than accurate ones among business customers",
            lambda: bool(_promise_nps()["nps_diff"] < 0)),
    Finding("the complainers' NPS is negative",
            lambda: bool(_nps() < 0)),
)


# --------------------------------------------------------------------------- the records
SURVEY = ("survey",)

EXERCISES = register(
    Exercise(
        "7.1", expected=_nps, data=SURVEY, mistakes=_mistakes_7_1,
        task=Hint(
            "Compute the Net Promoter Score of the customers who complained at least once.",
            "计算至少投诉过一次的客户的净推荐值。"),
        hints=[Hint(
            "Keep the customers with one complaint or more; the score is then the share of "
            "promoters minus the share of detractors, in points between minus a hundred and "
            "a hundred; passives count in the whole but in neither group.",
            "先保留投诉过一次及以上的客户；净推荐值是推荐者占比减去贬损者占比，以分值表示"
            "（负一百到一百之间）；被动者计入总数，但不属于任何一组。"),
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
            "Give the mean SERVQUAL gap of each of the five dimensions among the VIP "
            "customers.",
            "给出 VIP 客户在五个 SERVQUAL 维度上各自的平均差距。"),
        hints=[Hint(
            "Keep the VIP customers first; a gap is what was perceived minus what was "
            "expected; average it over those customers, one value per dimension, labelled "
            "by dimension.",
            "先保留 VIP 客户；差距是感知减去期望；对这些客户求平均，每个维度一个值，并以维度"
            "名作标签。"),
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
            "Among the business customers, name the dimension with the largest shortfall "
            "and the one that drives churn most, and say whether they are the same.",
            "在商务客户中，指出差距最大的维度和最能驱动流失的维度，并说明两者是否相同。"),
        hints=[Hint(
            "Work on the business customers alone, the model too. The largest shortfall "
            "is the most negative mean gap; the strongest driver has the largest "
            "coefficient in size, whatever its sign.",
            "只用商务客户，模型也一样。差距最大是平均差距最负的维度；最强的驱动因素是系数"
            "绝对值最大的维度，不论正负。"),
            pointer("satisfaction.gap_summary", "satisfaction.churn_drivers")],
    ),
    Exercise(
        "7.5", expected=_promise_churn, data=SURVEY,
        parts={"churn_diff": Part(mistakes=_churn_diff_mistakes),
               "low": Part(mistakes=_interval_mistakes("low")),
               "high": Part(mistakes=_interval_mistakes("high"))},
        task=Hint(
            "Among the retail customers, give how much more often the customers who heard "
            "an inflated promise left than those who heard an accurate one, with its 95 % "
            "interval.",
            "在零售客户中，给出听到夸大承诺的客户比听到准确承诺的客户多流失多少，并给出 "
            "95% 区间。"),
        hints=[Hint(
            "Count the churned customers and the customers of each of the two promise "
            "groups; the difference of two shares has an interval built from the two "
            "counts and the two group sizes.",
            "数出两个承诺组各自的流失客户数和客户数；两个占比之差的区间由这两个计数和两个组"
            "的人数算出。"),
            pointer("crmlab.uncertainty.difference_interval", "DataFrame.groupby")],
    ),
    Exercise(
        "7.6", expected=_moved_driver, data=SURVEY,
        parts={"driver_after": Part(judge=_judge_driver_after),
               "reliability_coef_after": Part(mistakes=_mistakes_7_6_coef)},
        task=Hint(
            "Make the survey again with the two gap weights swapped as the exercise says, "
            "and give the dimension that then drives churn most and reliability's "
            "coefficient.",
            "按题目所说交换两个差距权重后重新生成调查，给出此时最能驱动流失的维度以及可靠性"
            "的系数。"),
        hints=[Hint(
            "Change only the gap weights setting, keep everything else as it is, and fit "
            "the churn model of section 6 on the new survey; the strongest driver has the "
            "largest coefficient in size.",
            "只改变差距权重这一项设置，其余不变，再在新调查上拟合第 6 节的流失模型；最强的"
            "驱动因素是系数绝对值最大的维度。"),
            pointer("crmlab.datasets.simulate", "satisfaction.churn_drivers")],
    ),
    Exercise(
        "7.7", expected=lambda: CONCEPT_7_7[0], judge=letter_judge(*CONCEPT_7_7),
        task=Hint(
            "Choose the letter of the group an answer of 8 belongs to in the NPS.",
            "选出 8 分的回答在净推荐值中属于哪一组，填入字母。"),
        hints=[Hint(
            "The NPS splits the 0-10 answers into three groups; look at where the "
            "boundaries between them fall.",
            "净推荐值把 0-10 分的回答分成三组；看看各组之间的分界在哪里。")],
    ),
    Exercise(
        "7.8", expected=_promise_nps, data=SURVEY,
        decision="promise_more",
        parts={"nps_diff": Part(mistakes=_mistakes_7_8_diff)},
        task=Hint(
            "Decide whether marketing should promise more, and give the difference in NPS "
            "among the business customers that backs it.",
            "判断营销是否应做出更大的承诺，并给出商务客户中支持你判断的净推荐值之差。"),
        hints=[Hint(
            "Among the business customers, compare the NPS of those who heard an inflated "
            "promise with those who heard an accurate one, then judge whether promising "
            "more pays.",
            "在商务客户中，比较听到夸大承诺与听到准确承诺的客户的净推荐值，再判断多承诺是否"
            "划算。"),
            pointer("satisfaction.promise_effect")],
    ),
)

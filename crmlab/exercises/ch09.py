"""Checks for the chapter 09 exercises (solutions/09_clv.ipynb).

One record per exercise (:class:`~crmlab.exercises._registry.Exercise`, at the end of
this module). Every expected value is computed with :mod:`crmlab.clv` exactly as the
solution notebook does: the margin multiple and :func:`~crmlab.clv.simple_clv` (9.1,
9.2), the Fader-Hardie summary of the real CDNOW sample (9.3), the BG/NBD model fitted
to it (9.4, 9.5, 9.7, with the holdout period for 9.7) and the shifted-beta-geometric
model on the published "regular" cohort (9.6). Each check cell passes its variables as a
dict (keys = the variable names) and each one is judged on its own, so the feedback
names the variable that is wrong. Besides the generic feedback of
:func:`crmlab.exercises._compare.compare`, each exercise recognises the typical wrong
answers of the chapter and says what they are: retention typed as 80, the "begin"
timing, a forgotten acquisition cost, an RFM-style frequency that counts the first
purchase, time in days instead of weeks, RFM recency (time since the last purchase)
passed as BTYD recency, the year before or after the one asked for, ...
"""

from __future__ import annotations

from crmlab.exercises._concept import concept_check
from crmlab.exercises._judging import Convention, When
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

__all__ = ["EXERCISES", "FINDINGS", "expected"]

#: Exercise 9.1: margin, retention, discount, acquisition cost.
CLV_9_1 = {"margin": 200.0, "retention": 0.8, "discount": 0.12, "acquisition_cost": 150.0}
#: Exercise 9.2: margin growth and the share of the infinite-horizon value to reach.
GROWTH_9_2 = 0.05
SHARE_9_2 = 0.9
#: The calibration period of Fader, Hardie & Lee (2005): 39 weeks to 1997-09-30.
CALIBRATION_END = "1997-09-30"
#: The end of their holdout period (another 39 weeks).
HOLDOUT_END = "1998-06-30"
#: Exercise 9.5: the customer (00004 of the sample, rounded as printed) and the horizon.
PROFILE_9_5 = {"frequency": 2, "recency": 30.43, "T": 38.86}
HORIZON_9_5 = 39
#: Exercise 9.6: the cohort, the retention year and the survival horizon.
COHORT_9_6 = "regular"
YEAR_9_6 = 10
SURVIVE_9_6 = 12
#: Exercise 9.6 fits the first five counts (years 0 to 4), as a manager would after four years.
YEARS_9_6 = 5
#: Exercise 9.7: a customer is "silent" after this many weeks without a purchase.
SILENT_9_7 = 20

#: The tolerance of the floats asked "rounded to 3 decimals": the rounded and the full
#: value both pass (rounding moves a value by at most 5e-4).
TOL3 = Tolerance(decimals=3)
#: The tolerance of the amounts in yuan, asked "rounded to 2 decimals".
TOL2 = Tolerance(decimals=2)

#: Every variable is judged on its own (every wrong one reported), and a known mistake is
#: matched at the answer's own tolerance (the expected values are rounded to 2 or 3
#: decimals: see TOL3).
CONVENTION = Convention(mistake_rtol=None, name_rounding=False, every_part=True)


# --------------------------------------------------------------------------- data
@per_variant
def _cdnow():
    import crmlab

    return crmlab.load_data("cdnow_sample")


@per_variant
def _summary(freq: str = "D", unit: str = "W", end: str | None = CALIBRATION_END):
    from crmlab import clv

    return clv.summary_from_transactions(_cdnow(), observation_end=end, freq=freq, unit=unit)


@per_variant
def _bg(freq: str = "D", unit: str = "W", end: str | None = CALIBRATION_END):
    from crmlab import clv

    return clv.BetaGeo().fit(_summary(freq, unit, end))


@per_variant
def _calhold():
    from crmlab import clv

    return clv.calibration_holdout(_cdnow(), calibration_end=CALIBRATION_END,
                                   observation_end=HOLDOUT_END, unit="W")


@per_variant
def _sbg(cohort: str, years: int | None = None):
    """The sBG model fitted to a published cohort (its first ``years`` counts, or all)."""
    from crmlab import clv

    counts = clv.SBG_COHORTS[cohort]
    return clv.ShiftedBetaGeometric().fit(counts if years is None else counts[:years])


@per_variant
def _order_lines():
    """Per customer in the calibration period: order lines and distinct purchase days."""
    cdnow = _cdnow()
    cal = cdnow[cdnow["order_date"] <= CALIBRATION_END]
    return cal.groupby("customer_id").size(), cal.groupby("customer_id")["order_date"].nunique()


def _silent(strict: bool = False, with_zero: bool = False):
    """The calibration-holdout rows of the customers silent for SILENT_9_7 weeks or more."""
    calhold = _calhold()
    gap = calhold["T"] - calhold["recency"]
    silent = gap > SILENT_9_7 if strict else gap >= SILENT_9_7
    if not with_zero:
        silent &= calhold["frequency"] > 0
    return calhold[silent]


def _silent_numbers(strict: bool = False, with_zero: bool = False) -> tuple[float, float]:
    rows = _silent(strict, with_zero)
    return (float(_bg().probability_alive(rows).mean()),
            float((rows["frequency_holdout"] > 0).mean()))


# --------------------------------------------------------------------------- expected
def expected(qid: str) -> dict:
    """Return the right answers of a chapter 09 exercise, keyed by variable name.

    Parameters
    ----------
    qid : str
        ``"9.1"`` to ``"9.8"``.

    Returns
    -------
    dict
        Variable name -> expected value, as the check cell passes them, rounded as the
        exercise asks (yuan to 2 decimals, other floats to 3) like the solution; the
        checks accept unrounded values too.

    Raises
    ------
    KeyError
        For a question id that chapter 09 does not have.

    Examples
    --------
    >>> expected("9.1")
    {'multiple': 2.5, 'customer_clv': 350.0}
    >>> expected("9.2")
    {'clv_growth': 571.43, 'years_90': 7}
    """
    return _rounded(EXERCISES[qid].expected())


#: Variables given in yuan, rounded to 2 decimals; other floats are rounded to 3.
_YUAN = {"customer_clv", "clv_growth"}


def _rounded(value, key=None):
    if isinstance(value, dict):
        return {k: _rounded(v, k if key is None else key) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, 2 if key in _YUAN else 3)
    return value


@per_variant
def _e91():
    from crmlab import clv

    d = CLV_9_1
    return {"multiple": clv.margin_multiple(d["retention"], d["discount"]),
            "customer_clv": clv.simple_clv(d["margin"], d["retention"], d["discount"],
                                           acquisition_cost=d["acquisition_cost"])}


def _years_to_reach(share: float, growth: float = 0.0) -> int:
    from crmlab import clv

    d = CLV_9_1
    args = (d["margin"], d["retention"], d["discount"])
    total = clv.simple_clv(*args, growth=growth)
    return next(years for years in range(1, 1000)
                if clv.simple_clv(*args, horizon=years, growth=growth) >= share * total)


@per_variant
def _e92():
    from crmlab import clv

    d = CLV_9_1
    return {"clv_growth": clv.simple_clv(d["margin"], d["retention"], d["discount"],
                                         growth=GROWTH_9_2),
            "years_90": _years_to_reach(SHARE_9_2)}


def _summary_numbers(summary) -> dict:
    return {"n_zero": int((summary["frequency"] == 0).sum()),
            "mean_frequency": float(summary["frequency"].mean()),
            "mean_T": float(summary["T"].mean())}


@per_variant
def _e93():
    return _summary_numbers(_summary())


def _bg_numbers(model) -> dict:
    p = model.params_
    return {"params": {"r": p["r"], "alpha": p["alpha"]},
            "dropout": p["a"] / (p["a"] + p["b"])}


@per_variant
def _e94():
    """The BG/NBD fit on all 78 weeks of the sample (the chapter fitted the first 39)."""
    return _bg_numbers(_bg("D", "W", None))


def _profile(model, *, t=HORIZON_9_5, **changes) -> dict:
    history = {**PROFILE_9_5, **changes}
    return {"next39": float(model.expected_purchases(t, **history)),
            "p_alive": float(model.probability_alive(**history))}


@per_variant
def _e95():
    return _profile(_bg())


def _sbg_numbers(model) -> dict:
    return {"sbg_params": dict(model.params_),
            "retention_10": float(model.retention_rate(YEAR_9_6)),
            "survive_12": float(model.survival(SURVIVE_9_6))}


@per_variant
def _e96():
    return _sbg_numbers(_sbg(COHORT_9_6, YEARS_9_6))


@per_variant
def _e97():
    p_alive, came_back = _silent_numbers()
    return {"necessarily_lost": bool(came_back == 0), "silent_p_alive": p_alive,
            "came_back": came_back}


# --------------------------------------------------------------------------- 9.1
def _mistakes_9_1(key: str):
    d = CLV_9_1
    r, i, m, cost = d["retention"], d["discount"], d["margin"], d["acquisition_cost"]
    as_percent = 100 * r / (1 + i - 100 * r)
    if key == "multiple":
        return [
            (as_percent, "Retention 80 is a percentage: the formula needs the decimal 0.8.",
             "保持率 80 是百分数：公式中要用小数 0.8。"),
            (1 / (1 - r), "1 / (1 - r) is the expected tenure in years, not discounted: "
                          "the multiple is r / (1 + i - r).",
             "1 / (1 - r) 是预期的保持年数，没有折现：利润乘数是 r / (1 + i - r)。"),
            (r / (1 - r), "You left out the discount rate: r / (1 + i - r).",
             "你漏掉了折现率：应为 r / (1 + i - r)。"),
            ((1 + i) / (1 + i - r), "That is the multiple with the margin at the start of each "
                                    "year; Gupta & Lehmann's convention receives it at the end.",
             "这是每年年初获得利润的乘数；Gupta 与 Lehmann 的约定是在每年年末获得利润。"),
        ]
    return [
        (m * as_percent - cost, "Retention 80 is a percentage: use the decimal 0.8.",
         "保持率 80 是百分数：请用小数 0.8。"),
        (m * (1 + i) / (1 + i - r) - cost,
         "That is the value with the margins at the start of each year; the exercise "
         "receives them at the end.",
         "这是每年年初获得利润时的价值；本题在每年年末获得利润。"),
        (m * r / (1 + i - r), "You forgot to subtract the acquisition cost.",
         "你忘了减去获客成本。"),
        (m * (1 + i) / (1 + i - r), "That is margins at the start of each year and no "
                                    "acquisition cost: take them at the end and subtract "
                                    "the cost.",
         "这是年初获得利润且没有减去获客成本的值：请在年末获得利润并减去获客成本。"),
        (m / (1 - r) - cost, "m / (1 - r) ignores discounting: use simple_clv.",
         "m / (1 - r) 忽略了折现：请使用 simple_clv。"),
        (m * r / (1 + i - r) + cost, "The acquisition cost is subtracted, not added.",
         "获客成本应当减去，而不是加上。"),
    ]


# --------------------------------------------------------------------------- 9.2
def _mistakes_9_2_growth(want):
    from crmlab import clv

    d = CLV_9_1
    r, i, m, cost, g = (d["retention"], d["discount"], d["margin"], d["acquisition_cost"],
                        GROWTH_9_2)
    return [
        (m * r / (1 + i - r), "That is the value without growth: let the margin grow by "
                              "5 % a year.",
         "这是没有增长的价值：请让利润每年增长 5 %。"),
        (want - cost, "This exercise has no acquisition cost: leave it out.",
         "本题没有获客成本：不要减去它。"),
        (clv.simple_clv(m, r, i, growth=g, timing="begin"),
         "That is the value with the margins at the start of each year; take them at the "
         "end.",
         "这是每年年初获得利润时的价值；请在每年年末获得利润。"),
        (m * (1 + g) * r / (1 + i - r * (1 + g)),
         "The first year's margin is 200; it grows from the second year on.",
         "第一年的利润是 200，从第二年起才增长。"),
        (m * r / (1 + i - g - r), "Growth is not subtracted from the discount rate: the "
                                  "denominator is 1 + i - r * (1 + g).",
         "增长率不能直接从折现率中减去：分母是 1 + i - r * (1 + g)。"),
    ]


def _mistakes_9_2_years(years):
    return [
        (years - 1, f"After {years - 1} years the value is still below 90% of the "
                    f"lifetime value: give the first horizon that reaches it.",
         f"{years - 1} 年时价值仍低于终身价值的 90%：请给出第一个达到 90% 的年限。"),
        (years + 1, f"{years + 1} years is more than needed: a shorter horizon already "
                    f"reaches 90%.",
         f"{years + 1} 年多了：更短的年限就已达到 90%。"),
        (_years_to_reach(SHARE_9_2, growth=GROWTH_9_2),
         "That is the horizon for the growing margin: this part keeps the margin constant.",
         "这是利润增长时的年限：这一问中利润保持不变。"),
    ]


_WHOLE_YEARS = When(lambda answer, want: not float(answer.get("years_90")).is_integer(),
                    "`years_90`: give a whole number of years.",
                    "`years_90`：请给出整数年数。")


# --------------------------------------------------------------------------- 9.3
def _mistakes_9_3(key: str):
    def mistakes(want):
        lines, days = _order_lines()
        by_week = _summary_numbers(_summary("W", "W"))
        whole = _summary_numbers(_summary("D", "W", None))
        week_msg = ("Those purchases were merged per week; the exercise merges them per "
                    "day and only measures time in weeks.",
                    "这些购买是按周合并的；本题按天合并，只是以周为时间单位。")
        whole_msg = ("That uses all the data: stop the summary at the end of the "
                     "calibration period, 1997-09-30.",
                     "这用了全部数据：汇总应截止到校准期末，即 1997-09-30。")
        common = [(by_week[key], *week_msg), (whole[key], *whole_msg)]
        if key == "n_zero":
            return [
                (0, "Nobody has 0 orders: in the BTYD summary frequency counts repeat "
                    "purchases only, so a one-time buyer has frequency 0.",
                 "没有人的订单数为 0：BTYD 汇总中的 frequency 只计重复购买，只买过一次的"
                 "客户 frequency 为 0。"),
                (int((lines == 1).sum()),
                 "That counts customers with a single order line; purchases on the same "
                 "day count as one purchase.",
                 "这数的是只有一条订单记录的客户；同一天的多次购买算作一次。"),
                (len(lines) - want,
                 "That is the number of customers with a repeat purchase.",
                 "这是有重复购买的客户人数。"),
                *common]
        if key == "mean_frequency":
            return [
                (want + 1, "Off by one: the BTYD frequency does not count the first "
                           "purchase (RFM frequency does).",
                 "差了 1：BTYD 的 frequency 不计第一次购买（RFM 的 frequency 才计）。"),
                (float(lines.mean()), "That is the RFM-style frequency: order lines "
                                      "including the first purchase. Count repeat purchase "
                                      "days only.",
                 "这是 RFM 式的频次：包括第一次购买在内的订单记录数。请只计重复购买的天数。"),
                (float(lines.mean()) - 1, "Purchases on the same day count as one "
                                          "purchase: merge them first.",
                 "同一天的多次购买算作一次：请先合并。"),
                *common]
        return [
            (7 * want, "That is T in days: measure time in weeks.",
             "这是以天为单位的 T：请以周为单位。"),
            (float(_summary()["recency"].mean()),
             "That is the mean recency (first to last purchase); T runs from the first "
             "purchase to the end of the calibration period.",
             "这是平均 recency（首次到最后一次购买）；T 是从首次购买到校准期末的时间。"),
            *common]
    return mistakes


# --------------------------------------------------------------------------- 9.4
_FIRST_39 = ("That is the chapter's fit on the calibration period (to 1997-09-30): the "
             "exercise fits all 78 weeks, to 1998-06-30.",
             "这是本章在校准期（到 1997-09-30）上的拟合结果：本题要用全部 78 周（到 1998-06-30）"
             "拟合。")


def _mistakes_9_4_params(want):
    return [
        (_bg_numbers(_bg("D", "D", None))["params"],
         "alpha is in days: fit on the summary in weeks; r is the same.",
         "alpha 是以天为单位的：请在以周为单位的汇总上拟合；r 不变。"),
        (_bg_numbers(_bg("W", "W", None))["params"],
         "That is the fit on purchases merged per week; merge them per day and measure "
         "time in weeks.",
         "这是按周合并购买后的拟合结果；请按天合并、以周计时。"),
        (_bg_numbers(_bg())["params"], *_FIRST_39),
    ]


def _mistakes_9_4_dropout(want):
    a, b = _bg("D", "W", None).params_["a"], _bg("D", "W", None).params_["b"]
    return [
        (_bg_numbers(_bg())["dropout"], *_FIRST_39),
        (b / (a + b), "b / (a + b) is the mean probability of staying after a purchase; "
                      "the dropout probability is a / (a + b).",
         "b / (a + b) 是购买后留下的平均概率；流失概率是 a / (a + b)。"),
        (a / b, "The mean of a Beta(a, b) is a / (a + b), not a / b.",
         "Beta(a, b) 分布的均值是 a / (a + b)，不是 a / b。"),
        (a, "a alone is not a probability: the mean of Beta(a, b) is a / (a + b).",
         "a 本身不是概率：Beta(a, b) 的均值是 a / (a + b)。"),
    ]


# --------------------------------------------------------------------------- 9.5
def _mistakes_9_5(key: str):
    def mistakes(want):
        bg = _bg()
        p = PROFILE_9_5
        gap = p["T"] - p["recency"]
        out = [
            (_profile(bg, recency=gap)[key],
             f"recency is the time from the first to the last purchase ({p['recency']} "
             f"weeks), not the time since the last purchase (RFM's recency).",
             f"recency 是从首次到最后一次购买的时间（{p['recency']} 周），而不是距最后一次"
             f"购买的时间（RFM 的 recency）。"),
            (_profile(bg, frequency=p["frequency"] + 1)[key],
             "frequency counts repeat purchases: 2, not 3 (the first is not counted).",
             "frequency 只计重复购买：是 2 而不是 3（第一次购买不计）。"),
        ]
        if key == "next39":
            out += [
                (_profile(bg, t=7 * HORIZON_9_5)[key],
                 "The model is in weeks: the horizon is 39 (weeks), not 273 days.",
                 "模型以周为单位：时间跨度是 39（周），而不是 273 天。"),
                (_profile(bg, t=52)[key], "The horizon is 39 weeks, not a year of 52.",
                 "时间跨度是 39 周，而不是一年 52 周。"),
                (float(bg.expected_purchases_new(HORIZON_9_5)),
                 "That is the expectation for a brand-new customer; use this customer's "
                 "history.",
                 "这是新客户的期望值；请使用该客户的购买历史。"),
            ]
        return out
    return mistakes


# --------------------------------------------------------------------------- 9.6
_HIGH_END = ("That is the 'high end' cohort; the exercise fits the 'regular' one.",
             "这是“high end”群组；本题拟合的是“regular”群组。")
_ALL_YEARS = ("That is the fit on all eight years of the cohort (the chapter's): the exercise "
              "fits the first five counts only, years 0 to 4.",
              "这是用群组全部八年数据拟合的结果（即本章的结果）：本题只用前五个数（第 0 到 4 年）"
              "拟合。")


def _short_numbers(cohort: str) -> dict:
    return _sbg_numbers(_sbg(cohort, YEARS_9_6))


def _first_year_retention() -> float:
    counts = _sbg("regular").published_cohorts[COHORT_9_6]
    return counts[1] / counts[0]


def _mistakes_9_6_params(want):
    return [(_short_numbers("high end")["sbg_params"], *_HIGH_END),
            (_sbg_numbers(_sbg(COHORT_9_6))["sbg_params"], *_ALL_YEARS)]


def _mistakes_9_6_retention(want):
    model = _sbg(COHORT_9_6, YEARS_9_6)
    counts = _sbg("regular").published_cohorts[COHORT_9_6][:YEARS_9_6]
    return [
        (float(model.retention_rate(YEAR_9_6 - 1)), "That is the retention of year 9.",
         "这是第 9 年的保持率。"),
        (float(model.retention_rate(YEAR_9_6 + 1)), "That is the retention of year 11.",
         "这是第 11 年的保持率。"),
        (float(model.survival(YEAR_9_6)), "That is the share of the cohort left after 10 "
                                          "years (survival); the retention rate of year 10 "
                                          "is S(10) / S(9).",
         "这是 10 年后剩余客户占群组的比例（survival）；第 10 年的保持率是 S(10) / S(9)。"),
        (_first_year_retention(),
         "That is the observed retention of year 1 (631 / 1000): in the sBG model "
         "retention rises with tenure, so project it with the fitted model.",
         "这是观测到的第 1 年保持率（631 / 1000）：sBG 模型中保持率随客户年限上升，"
         "请用拟合好的模型预测。"),
        (counts[-1] / counts[-2], "That is the observed retention of year 4, the last of the "
                                  "five counts; the question asks for the model's year 10.",
         "这是观测到的第 4 年保持率（五个数中的最后一年）；题目问的是模型预测的第 10 年。"),
        (_short_numbers("high end")["retention_10"], *_HIGH_END),
        (_sbg_numbers(_sbg(COHORT_9_6))["retention_10"], *_ALL_YEARS),
    ]


def _mistakes_9_6_survival(want):
    model = _sbg(COHORT_9_6, YEARS_9_6)
    return [
        (float(model.survival(SURVIVE_9_6 - 1)), "That is the share after 11 years.",
         "这是 11 年后的比例。"),
        (float(model.survival(SURVIVE_9_6 + 1)), "That is the share after 13 years.",
         "这是 13 年后的比例。"),
        (_first_year_retention() ** SURVIVE_9_6,
         "A constant retention of 0.631 a year loses far too many: "
         "in the sBG model retention rises with tenure, so take the model's survival.",
         "每年保持 0.631 的固定保持率会流失过多客户：sBG 模型中保持率随年限上升，"
         "请使用模型的存活率。"),
        (float(model.retention_rate(SURVIVE_9_6)), "That is the retention rate of year 12; "
                                                   "the question asks for the share of the "
                                                   "cohort left (survival).",
         "这是第 12 年的保持率；题目问的是群组中剩余客户的比例（survival）。"),
        (1000 * want, "Give a share of the cohort (a fraction), not a number "
                      "of customers out of 1,000.",
         "请给出占群组的比例（小数），而不是 1000 人中的人数。"),
        (_short_numbers("high end")["survive_12"], *_HIGH_END),
        (_sbg_numbers(_sbg(COHORT_9_6))["survive_12"], *_ALL_YEARS),
    ]


# --------------------------------------------------------------------------- 9.7
def _mistakes_9_7(i: int):
    def mistakes(want):
        strict = _silent_numbers(strict=True)
        zero = _silent_numbers(with_zero=True)
        calhold = _calhold()
        everyone = (float(_bg().probability_alive(calhold).mean()),
                    float((calhold["frequency_holdout"] > 0).mean()))
        out = [
            (strict[i], "'Not bought for 20 weeks or more' includes a silence of exactly "
                        "20 weeks.",
             "“20 周或更久没有购买”包括正好沉默 20 周的客户。"),
            (zero[i], "Leave out the customers without a repeat purchase (frequency 0): "
                      "the BG/NBD model gives them P(alive) = 1 whatever their silence.",
             "请排除没有重复购买的客户（frequency 为 0）：BG/NBD 模型无论他们沉默多久都给出 "
             "P(alive) = 1。"),
            (everyone[i], "That is for all customers; keep only the silent ones.",
             "这是所有客户的数值；请只保留沉默的客户。"),
        ]
        if i == 1:
            out.append((float(_silent()["frequency_holdout"].mean()),
                        "That is their mean number of holdout purchases; the question "
                        "asks for the share who bought at least once.",
                        "这是他们在验证期的平均购买次数；题目问的是至少购买一次的客户比例。"))
        return out
    return mistakes


# --------------------------------------------------------------------------- FINDINGS
def _model_agrees_with_holdout() -> bool:
    """9.7: silent repeat buyers exist, some came back, and P(alive) is near that share."""
    rows = _silent()
    p_alive, came_back = _silent_numbers()
    return bool(len(rows) >= 30 and 0 < came_back < 1 and abs(p_alive - came_back) < 0.1)


def _rates_uneven_dropout_minority() -> bool:
    """The chapter's reading of the BG/NBD fit: r < 1 (very uneven purchase rates) and a
    mean dropout probability after a purchase below one half."""
    p = _bg().params_
    return bool(p["r"] < 1 and p["a"] / (p["a"] + p["b"]) < 0.5)


#: The facts of the data the exercise texts and rubrics rely on, in every variant (CDNOW
#: is real: a variant is a seeded 80 % of its customers).
FINDINGS = (
    Finding("9.3: some customers made no repeat purchase in the calibration period, "
            "some did",
            lambda: bool(0 < (_summary()["frequency"] == 0).mean() < 1)),
    Finding("9.4: purchase rates are very uneven (r < 1) and the mean dropout "
            "probability after a purchase is below one half",
            _rates_uneven_dropout_minority),
    Finding("9.7: some silent repeat buyers came back, and the model's mean P(alive) for "
            "them is within 0.1 of the share who did",
            _model_agrees_with_holdout),
)


# --------------------------------------------------------------------------- the records
CDNOW = ("cdnow_sample",)

EXERCISES = register(
    Exercise(
        "9.1", expected=_e91, convention=CONVENTION,
        parts={key: Part(mistakes=_mistakes_9_1(key), tolerance=TOL2 if key in _YUAN else TOL3)
               for key in ("multiple", "customer_clv")},
        task=Hint(
            "Compute the margin multiple and the customer's lifetime value after the "
            "acquisition cost, with the numbers given.",
            "按给定数字计算利润乘数，以及扣除获客成本后的客户终身价值。"),
        hints=[Hint(
            "Rates are decimals, not percentages; margins arrive at the end of each year "
            "and the acquisition cost is paid now.",
            "比率用小数而不是百分数；利润在每年年末到账，获客成本现在支付。"),
            pointer("clv.margin_multiple", "clv.simple_clv")],
    ),
    Exercise(
        "9.2", expected=_e92, convention=CONVENTION, before=[_WHOLE_YEARS],
        parts={"clv_growth": Part(mistakes=_mistakes_9_2_growth, tolerance=TOL2),
               "years_90": Part(mistakes=_mistakes_9_2_years)},
        task=Hint(
            "Value the customer with a growing margin, and find the shortest horizon that "
            "reaches the share of the lifetime value asked.",
            "评估利润增长时的客户价值，并找出达到题目要求的终身价值比例所需的最短年限。"),
        hints=[Hint(
            "Growth raises each year's margin; for the horizon, try one year more at a "
            "time until the value reaches the share asked of the value without a horizon.",
            "增长会提高每年的利润；求年限时一年一年地增加，直到价值达到无期限价值的要求比"
            "例。"),
            pointer("clv.simple_clv")],
    ),
    Exercise(
        "9.3", expected=_e93, data=CDNOW, convention=CONVENTION,
        parts={"n_zero": Part(mistakes=_mistakes_9_3("n_zero")),
               "mean_frequency": Part(mistakes=_mistakes_9_3("mean_frequency"), tolerance=TOL3),
               "mean_T": Part(mistakes=_mistakes_9_3("mean_T"), tolerance=TOL3)},
        task=Hint(
            "Summarise the sample for the BTYD models and give the counts and means "
            "asked.",
            "为 BTYD 模型汇总样本，并给出题目要求的人数和平均值。"),
        hints=[Hint(
            "This is not an RFM table: frequency counts repeat purchases only, purchases "
            "on the same day are merged, and times are in weeks.",
            "这不是 RFM 表：频次只计重复购买，同一天的购买合并，时间以周计。"),
            pointer("clv.summary_from_transactions")],
    ),
    Exercise(
        "9.4", expected=_e94, data=CDNOW, convention=CONVENTION,
        parts={"params": Part(mistakes=_mistakes_9_4_params, tolerance=TOL3),
               "dropout": Part(mistakes=_mistakes_9_4_dropout, tolerance=TOL3)},
        task=Hint(
            "Fit the BG/NBD model to the summary of all 78 weeks and give the estimates and "
            "the mean dropout probability asked.",
            "用全部 78 周的汇总数据拟合 BG/NBD 模型，并给出题目要求的估计值和平均流失概率。"),
        hints=[Hint(
            "The dropout probability after a purchase follows a Beta distribution; its "
            "mean comes from the model's two Beta parameters.",
            "购买后的流失概率服从 Beta 分布；其均值由模型的两个 Beta 参数得出"
            "。"),
            pointer("clv.BetaGeo")],
    ),
    Exercise(
        "9.5", expected=_e95, data=CDNOW, convention=CONVENTION,
        parts={key: Part(mistakes=_mistakes_9_5(key), tolerance=TOL3)
               for key in ("next39", "p_alive")},
        task=Hint(
            "Predict the customer's purchases over the coming weeks and the probability "
            "she is still active.",
            "预测这位客户未来几周的购买次数，以及她仍然活跃的概率。"),
        hints=[Hint(
            "Use the fitted model with her three numbers: repeat purchases, the time of "
            "her last purchase since her first, and her age as a customer, all in weeks.",
            "用拟合好的模型和她的三个数：重复购买次数、最后一次购买距首次购买的时间、她作"
            "为客户的时长，均以周计。"),
            pointer("BetaGeo.expected_purchases", "BetaGeo.probability_alive")],
    ),
    Exercise(
        "9.6", expected=_e96, convention=CONVENTION,
        parts={"sbg_params": Part(mistakes=_mistakes_9_6_params, tolerance=TOL3),
               "retention_10": Part(mistakes=_mistakes_9_6_retention, tolerance=TOL3),
               "survive_12": Part(mistakes=_mistakes_9_6_survival, tolerance=TOL3)},
        task=Hint(
            "Fit the contractual retention model to the cohort's first five counts and give "
            "the parameters, the retention rate and the survival asked.",
            "用该队列的前五个数拟合合约型保留模型，并给出题目要求的参数、保持率和存活率。"),
        hints=[Hint(
            "A retention rate is the share of last year's survivors who renew; survival "
            "is the share of the whole cohort still there.",
            "保持率是上一年存活者中续约的比例；存活率是整个队列中仍然在的比例。"),
            pointer("clv.ShiftedBetaGeometric")],
    ),
    Exercise(
        "9.7", expected=_e97, data=CDNOW, convention=CONVENTION,
        decision="necessarily_lost",
        parts={"silent_p_alive": Part(mistakes=_mistakes_9_7(0), tolerance=TOL3),
               "came_back": Part(mistakes=_mistakes_9_7(1), tolerance=TOL3)},
        task=Hint(
            "Decide whether a silent customer is lost, with the mean probability alive "
            "and the share who came back.",
            "判断沉默客户是否已经流失，并给出平均存活概率以及回来购买的客户占比。"),
        hints=[Hint(
            "Keep the repeat buyers who have been silent for the weeks given; compare "
            "what the model predicts for them with what they did in the holdout period.",
            "保留已沉默了题中周数的重复购买客户；把模型对他们的预测与他们在检验期的实际行"
            "为比较。"),
            pointer("clv.calibration_holdout", "BetaGeo.probability_alive")],
    ),
    concept_check(
        "9.8", "B", {
            "A": ("Counting the margin of the current period, received today, is the "
                  "'beginning of period' convention: one margin more than the multiple, "
                  "which counts only future margins, each at the end of its period.",
                  "把本期利润计入并在今天收到，是“期初”约定：比利润乘数多一期利润；"
                  "利润乘数只计未来的利润，每期利润在期末到账。"),
            "C": ("1 / (1 − r) is an expected tenure, undiscounted and counting the current "
                  "period. The multiple discounts every future margin, and the customer may "
                  "leave in any period with probability 1 − r.",
                  "1 / (1 − r) 是预期的保持期数，没有折现，并且计入了本期。利润乘数对每一期"
                  "未来利润都折现，客户每一期都可能以 1 − r 的概率离开。"),
            "D": ("The multiple assumes one constant retention rate (客户保持率) for every "
                  "period. Retention rising with tenure is what the sBG model adds.",
                  "利润乘数假定每一期的客户保持率都相同。保持率随客户年限上升，是 sBG 模型"
                  "才加入的。"),
        },
        task=Hint("Choose the letter of the convention the margin multiple assumes.",
                  "选出利润乘数所采用的约定的字母。"),
        nudge=Hint("Write out the first terms of the sum the multiple adds up: when does the "
                   "first margin arrive, and by what is it multiplied?",
                   "写出利润乘数所加总的前几项：第一笔利润何时到账？乘以了什么？")),
)

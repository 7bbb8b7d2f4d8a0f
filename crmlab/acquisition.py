"""Customer acquisition: MAN qualification, channel economics and the lead funnel.

The textbook's MAN rule (MAN法则) qualifies a sales lead on three criteria:

* **M**\\ oney (购买能力): can the prospect pay?
* **A**\\ uthority (购买决定权): does our contact decide the purchase?
* **N**\\ eed (购买需求): does the prospect need what we sell?

:func:`man_qualify` writes each lead's combination as a three-letter code, upper case
for a criterion that is met (``"MAn"`` = money and authority, no need), puts it into a
priority class and looks up the textbook's recommended action (:data:`MAN_ACTIONS`).
:func:`man_conversion` checks whether the classes predict conversion,
:func:`channel_summary` computes conversion, cost per acquisition (获客成本) and ROI per
source channel, and :func:`lead_funnel` counts how far the leads got.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.uncertainty import share_interval
from crmlab.validation import renamed_keywords, require, show_rows

__all__ = [
    "MAN_ACTIONS",
    "MAN_CLASSES",
    "MAN_CLASS_NAMES",
    "MAN_CODES",
    "DEFAULT_THRESHOLD",
    "man_qualify",
    "man_conversion",
    "channel_summary",
    "lead_funnel",
]

#: Priority classes from 0, 1, 2 or 3 criteria met (an ordered categorical's order).
MAN_CLASSES = ["non-target", "lead", "prospect", "qualified"]

#: The names of the classes, in English and in the answer key's Chinese (P48), by the
#: value ``man_class`` holds. Every row of a leads table is a sales lead (销售线索); the
#: class value ``"lead"`` is the one-criterion lead (线索) only.
MAN_CLASS_NAMES = {
    "non-target": ("non-target", "非目标客户"),
    "lead": ("one-criterion lead", "线索"),
    "prospect": ("prospect", "潜在客户"),
    "qualified": ("qualified prospect", "合格潜在客户"),
}

#: The eight MAN codes, from all three criteria met to none (upper case = met).
MAN_CODES = ["MAN", "MAn", "MaN", "mAN", "Man", "mAn", "maN", "man"]

#: Score at or above which a graded criterion (0-10 scale) counts as met.
DEFAULT_THRESHOLD = 6.0

_CRITERIA = ("money", "authority", "need")

_ACTIONS_EN = {
    "MAN": "Ideal prospect: approach now",
    "MAn": "Contact; skilled selling may still win them",
    "MaN": "Contact, and find the person with authority",
    "mAN": "Contact; check business/credit, offer financing",
    "Man": "Contact; nurture until missing criteria are met",
    "mAn": "Contact; nurture until missing criteria are met",
    "maN": "Contact; nurture until missing criteria are met",
    "man": "Non-customer: stop contact",
}
_ACTIONS_ZH = {
    "MAN": "是有望客户，理想的销售对象",
    "MAn": "可以接触，配上熟练的销售技术，有成功的希望",
    "MaN": "可以接触，并设法找到具有A的人",
    "mAN": "可以接触，需调查其业务状况、信用条件等给予融资",
    "Man": "可以接触，应长期观察、培养，使之具备另一条件",
    "mAn": "可以接触，应长期观察、培养，使之具备另一条件",
    "maN": "可以接触，应长期观察、培养，使之具备另一条件",
    "man": "非客户，停止接触",
}


def _actions_table() -> pd.DataFrame:
    rows = []
    for code in MAN_CODES:
        met = [ch.isupper() for ch in code]
        rows.append({
            "man_code": code,
            "money": met[0],
            "authority": met[1],
            "need": met[2],
            "criteria_met": sum(met),
            "man_class": MAN_CLASSES[sum(met)],
            "action": _ACTIONS_EN[code],
            "action_zh": _ACTIONS_ZH[code],
        })
    table = pd.DataFrame(rows)
    table["man_class"] = pd.Categorical(table["man_class"], categories=MAN_CLASSES, ordered=True)
    return table


#: The textbook's eight MAN combinations: code, which criteria are met, the priority
#: class, and the recommended action in English (``action``) and in the textbook's
#: Chinese (``action_zh``). One row per code, in the order of :data:`MAN_CODES`.
MAN_ACTIONS: pd.DataFrame = _actions_table()


# --------------------------------------------------------------------------- MAN rule


def _thresholds(thresholds, columns: Mapping[str, str], caller: str) -> dict[str, float]:
    """Resolve ``thresholds`` (None, a number or a dict) to one number per criterion."""
    if thresholds is None:
        out = dict.fromkeys(_CRITERIA, DEFAULT_THRESHOLD)
    elif isinstance(thresholds, Mapping):
        out = dict.fromkeys(_CRITERIA, DEFAULT_THRESHOLD)
        by_column = {col: crit for crit, col in columns.items()}
        for key, value in thresholds.items():
            crit = key if key in _CRITERIA else by_column.get(key)
            if crit is None:
                raise CRMDataError(
                    f"{caller}: unknown key {key!r} in thresholds. Use the criteria "
                    f"'money', 'authority', 'need' (or their column names), e.g. "
                    f"thresholds={{'money': 6, 'authority': 5, 'need': 7}}."
                )
            out[crit] = value
    else:
        out = dict.fromkeys(_CRITERIA, thresholds)
    for crit, value in out.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                or not np.isfinite(value):
            raise CRMDataError(
                f"{caller}: the threshold for {crit!r} must be a finite number, got "
                f"{value!r}. Pass a number such as thresholds=6 or a dict of numbers."
            )
        out[crit] = float(value)
    return out


def _criterion_met(col: pd.Series, crit: str, threshold: float, caller: str,
                   param: str) -> pd.Series:
    """Turn one criterion column (bool flags or graded scores) into a bool Series."""
    name = col.name
    if pd.api.types.is_bool_dtype(col):
        if col.isna().any():
            bad = col.isna()
            raise CRMDataError(
                f"{caller}: column {name!r} ({crit}) has {bad.sum()} missing flags in "
                f"{show_rows(col.index[bad])}. Decide what a missing flag means, e.g. "
                f"df[{name!r}].fillna(False)."
            )
        return col.astype(bool)
    if col.dtype == object and col.map(lambda v: isinstance(v, (bool, np.bool_))).all():
        return col.astype(bool)
    if pd.api.types.is_numeric_dtype(col):
        bad = col.isna()
        if bad.any():
            raise CRMDataError(
                f"{caller}: column {name!r} ({crit}) has {bad.sum()} missing scores in "
                f"{show_rows(col.index[bad])}. Fill them (a lead without evidence could "
                f"score 0) or drop those rows."
            )
        if threshold > 1 and col.isin([0, 1]).all():
            raise CRMDataError(
                f"{caller}: column {name!r} ({crit}) holds only 0/1 values, which look "
                f"like yes/no flags, but numeric columns are graded scores compared with "
                f"the threshold {threshold:g}, so no lead would meet it. Pass flags as "
                f"df[{name!r}].astype(bool), or set thresholds={{{crit!r}: 1}}."
            )
        return col >= threshold
    bad = col.notna()
    raise CRMDataError(
        f"{caller}: column {name!r} ({crit}) must be True/False flags or numeric scores; "
        f"it has dtype {col.dtype} in {show_rows(col.index[bad], col[bad])}. Map text "
        f"first, for example df[{name!r}].map({{'yes': True, 'no': False}}), or pass "
        f"the right column with {param}='...'."
    )


def man_qualify(
    leads: pd.DataFrame,
    *,
    money: str = "money",
    authority: str = "authority",
    need: str = "need",
    thresholds: float | Mapping[str, float] | None = None,
    language: str = "en",
) -> pd.DataFrame:
    """Qualify leads with the MAN rule (MAN法则): code, priority class and action.

    Parameters
    ----------
    leads : DataFrame
        One row per lead. It is not modified.
    money, authority, need : str, default "money", "authority", "need"
        Columns with the evidence for each criterion: Money (购买能力, can they pay),
        Authority (购买决定权, does our contact decide), Need (购买需求). Each column is
        either True/False flags or graded numeric scores.
    thresholds : float or dict, optional
        For graded columns: a criterion is met when ``score >= threshold``. One number
        for all three, or a dict keyed by ``"money"``, ``"authority"``, ``"need"`` (or
        by the column names); missing keys keep the default ``DEFAULT_THRESHOLD`` = 6,
        meant for a 0-10 scale. Ignored for bool columns.
    language : {"en", "zh"}, default "en"
        Language of ``man_action``: English, or the textbook's Chinese original.

    Returns
    -------
    DataFrame
        The input's columns plus

        * ``man_code``: three letters, upper case where the criterion is met
          (``"MAN"``, ``"MAn"``, ... ``"man"``); a categorical in the order of
          :data:`MAN_CODES`;
        * ``man_class``: ordered categorical ``"non-target"`` < ``"lead"`` <
          ``"prospect"`` < ``"qualified"`` for 0, 1, 2, 3 criteria met;
        * ``man_action``: the textbook's recommended action (:data:`MAN_ACTIONS`).

        ``result.attrs["man_thresholds"]`` records the threshold used for each graded
        criterion.

    Raises
    ------
    CRMDataError
        If the table is empty or a column is missing; if a criterion column is neither
        bool nor numeric (e.g. text "yes"/"no"), has missing values, or is numeric with
        only 0/1 values while the threshold is above 1 (flags stored as numbers); if a
        threshold is not a finite number or a thresholds key is unknown; if
        ``language`` is not "en" or "zh".

    See Also
    --------
    MAN_ACTIONS : the eight combinations and their actions.
    man_conversion : conversion rate per code or class.

    Notes
    -----
    The class counts the criteria met: 3 = qualified (qualified prospect, 合格潜在客户),
    2 = prospect (潜在客户), 1 = lead (one-criterion lead, 线索), 0 = non-target
    (非目标客户); :data:`MAN_CLASS_NAMES` gives the names. Upper-case letters in
    ``man_code`` = criteria met.
    Bool flags are used as they are. Numeric columns are graded evidence and a score
    equal to the threshold counts as met.

    Examples
    --------
    >>> toy = pd.DataFrame({"money": [True, True, False],
    ...                     "authority": [True, False, False],
    ...                     "need": [True, True, False]})
    >>> man_qualify(toy)[["man_code", "man_class", "man_action"]]
      man_code   man_class                                         man_action
    0      MAN   qualified                 Ideal prospect: approach now
    1      MaN    prospect  Contact, and find the person with authority
    2      man  non-target                   Non-customer: stop contact
    >>> scores = pd.DataFrame({"m": [8.0, 6.0], "a": [2.5, 9.0], "n": [7.0, 5.9]})
    >>> man_qualify(scores, money="m", authority="a", need="n",
    ...             language="zh")[["man_code", "man_action"]]
      man_code                man_action
    0      MaN           可以接触，并设法找到具有A的人
    1      MAn  可以接触，配上熟练的销售技术，有成功的希望
    """
    caller = "man_qualify"
    if language not in ("en", "zh"):
        raise CRMDataError(f"{caller}: language must be 'en' or 'zh', got {language!r}.")
    columns = {"money": money, "authority": authority, "need": need}
    if len(set(columns.values())) < 3:
        raise CRMDataError(
            f"{caller}: money, authority and need must name three different columns, "
            f"got {money!r}, {authority!r}, {need!r}."
        )
    picked = require(leads, {col: "any" for col in columns.values()}, caller=caller,
                     params={col: crit for crit, col in columns.items()})
    limits = _thresholds(thresholds, columns, caller)
    met = {crit: _criterion_met(picked[col], crit, limits[crit], caller, crit)
           for crit, col in columns.items()}
    code = (np.where(met["money"], "M", "m").astype(object)
            + np.where(met["authority"], "A", "a").astype(object)
            + np.where(met["need"], "N", "n").astype(object))
    count = (met["money"].astype(int) + met["authority"].astype(int)
             + met["need"].astype(int)).to_numpy()
    actions = _ACTIONS_EN if language == "en" else _ACTIONS_ZH

    out = leads.copy()
    out["man_code"] = pd.Categorical(code.astype(str), categories=MAN_CODES)
    out["man_class"] = pd.Categorical.from_codes(
        count, categories=MAN_CLASSES, ordered=True)
    out["man_action"] = pd.Series([actions[c] for c in code], index=leads.index, dtype="str")
    out.attrs["man_thresholds"] = {
        crit: limits[crit] for crit, col in columns.items()
        if not pd.api.types.is_bool_dtype(picked[col]) and picked[col].dtype != object
    }
    return out


# --------------------------------------------------------------------------- intervals


def _check_nonnegative(col: pd.Series, caller: str, what: str) -> None:
    bad = col < 0
    if bad.any():
        raise CRMDataError(
            f"{caller}: column {col.name!r} ({what}) must not be negative; {bad.sum()} "
            f"values are, in {show_rows(col.index[bad], col[bad])}. Fix or drop those rows."
        )


@renamed_keywords(value="revenue")
def man_conversion(
    leads: pd.DataFrame,
    *,
    by: str = "man_class",
    converted: str = "converted",
    revenue: str | None = "deal_value",
    cost: str | None = "cost",
    confidence: float = 0.95,
    money: str = "money",
    authority: str = "authority",
    need: str = "need",
    thresholds: float | Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Compute the conversion rate per MAN class or code, with a Wilson interval.

    Answers "does the MAN class predict conversion?": one row per class (or per code),
    with counts, the conversion rate and its confidence interval, and, when the
    columns are given, the deal value and contact cost per lead.

    Parameters
    ----------
    leads : DataFrame
        One row per lead. If it has no ``man_code``/``man_class`` column yet,
        :func:`man_qualify` is applied first with ``money``, ``authority``, ``need``
        and ``thresholds``. Not modified.
    by : {"man_class", "man_code"}, default "man_class"
        Group by the four priority classes or by the eight combinations.
    converted : str, default "converted"
        Column of True/False (or 0/1) outcomes.
    revenue : str or None, default "deal_value"
        Column of deal values (revenue of a converted lead); None leaves the value
        columns out. Replaces ``value=``, which still works for one release with a
        ``FutureWarning``.
    cost : str or None, default "cost"
        Column of contact cost per lead; None leaves the cost columns out.
    confidence : float, default 0.95
        Confidence level of the interval, between 0 and 1.
    money, authority, need, thresholds
        Passed to :func:`man_qualify` when the table is not qualified yet.

    Returns
    -------
    DataFrame
        Indexed by ``by`` in its natural order (all four classes or all eight codes,
        including empty ones): ``leads``, ``conversions``, ``conversion_rate``,
        ``ci_low``, ``ci_high``, ``share_of_leads``, ``share_of_conversions``; with
        ``revenue``: ``revenue`` and ``value_per_lead`` (expected deal value of one
        lead); with ``cost``: ``cost_per_lead``; with both: ``profit_per_lead`` =
        value_per_lead - cost_per_lead. For ``by="man_code"`` also ``man_class``.

    Raises
    ------
    CRMDataError
        If a column is missing or of the wrong kind, the table is empty, ``by`` is not
        one of the two choices, ``confidence`` is not in (0, 1), or cost / revenue are
        negative.

    Notes
    -----
    The interval is Wilson's score interval without continuity correction (the same
    as ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``); it stays in
    [0, 1] and behaves at 0 or n successes. Groups without leads get NaN rates.
    Revenue counts the ``revenue`` column of converted leads only.

    Examples
    --------
    >>> toy = pd.DataFrame({"money": [True, True, True, False],
    ...                     "authority": [True, True, False, False],
    ...                     "need": [True, True, True, False],
    ...                     "converted": [True, False, True, False]})
    >>> man_conversion(toy, revenue=None, cost=None)[["leads", "conversions",
    ...                                               "conversion_rate", "ci_low"]]
                leads  conversions  conversion_rate  ci_low
    man_class
    non-target      1            0              0.0  0.0000
    lead            0            0              NaN     NaN
    prospect        1            1              1.0  0.2065
    qualified       2            1              0.5  0.0945
    """
    caller = "man_conversion"
    if by not in ("man_class", "man_code"):
        raise CRMDataError(f"{caller}: by must be 'man_class' or 'man_code', got {by!r}.")
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise CRMDataError(
            f"{caller}: confidence must be a fraction between 0 and 1 (e.g. 0.95), "
            f"got {confidence!r}."
        )
    if isinstance(leads, pd.DataFrame) and {"man_code", "man_class"} - set(leads.columns):
        leads = man_qualify(leads, money=money, authority=authority, need=need,
                            thresholds=thresholds)
    roles = {by: "category", converted: "bool"}
    if revenue is not None:
        roles[revenue] = "number"
    if cost is not None:
        roles[cost] = "number"
    df = require(leads, roles, caller=caller,
                 params={converted: "converted", revenue: "revenue", cost: "cost"})
    df[converted] = df[converted].astype(bool)
    for col, what in ((revenue, "deal value"), (cost, "contact cost")):
        if col is not None:
            _check_nonnegative(df[col], caller, what)
    levels = MAN_CLASSES if by == "man_class" else MAN_CODES
    key = pd.Categorical(df[by].astype(str), categories=levels,
                         ordered=by == "man_class")
    if pd.isna(key).any():
        bad = pd.isna(key) & df[by].notna().to_numpy()
        raise CRMDataError(
            f"{caller}: column {by!r} has values outside {levels} in "
            f"{show_rows(df.index[bad], df[by][bad])}. Recompute it with man_qualify."
        )
    grouped = df.assign(_key=key).groupby("_key", observed=False)
    out = pd.DataFrame(index=pd.CategoricalIndex(levels, categories=levels,
                                                 ordered=by == "man_class", name=by))
    out["leads"] = grouped.size().astype(int)
    out["conversions"] = grouped[converted].sum().astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["conversion_rate"] = out["conversions"] / out["leads"].where(out["leads"] > 0)
    low, high = share_interval(out["conversions"].to_numpy(), out["leads"].to_numpy(),
                               confidence=confidence)
    out["ci_low"] = low
    out["ci_high"] = high
    out["share_of_leads"] = out["leads"] / out["leads"].sum()
    total_conv = out["conversions"].sum()
    out["share_of_conversions"] = (out["conversions"] / total_conv) if total_conv else np.nan
    per_lead = out["leads"].where(out["leads"] > 0)
    if revenue is not None:
        won = df[revenue].where(df[converted], 0.0)
        out["revenue"] = won.groupby(key, observed=False).sum().to_numpy()
        out["value_per_lead"] = out["revenue"] / per_lead
    if cost is not None:
        out["cost_per_lead"] = df[cost].groupby(key, observed=False).sum().to_numpy() / per_lead
    if revenue is not None and cost is not None:
        out["profit_per_lead"] = out["value_per_lead"] - out["cost_per_lead"]
    if by == "man_code":
        out.insert(0, "man_class", MAN_ACTIONS.set_index("man_code")["man_class"]
                   .reindex(levels).to_numpy())
    out.attrs["confidence"] = confidence
    return out


# --------------------------------------------------------------------------- channels


@renamed_keywords(value="revenue")
def channel_summary(
    leads: pd.DataFrame,
    *,
    channel: str = "source_channel",
    cost: str = "cost",
    converted: str = "converted",
    revenue: str | None = "deal_value",
    sort_by: str | None = "auto",
    total: bool = False,
) -> pd.DataFrame:
    """Summarise acquisition economics per source channel: conversion, CPA, ROI.

    Parameters
    ----------
    leads : DataFrame
        One row per lead. Not modified.
    channel : str, default "source_channel"
        Column naming where the lead came from.
    cost : str, default "cost"
        Column of what the lead cost to find and contact (yuan, >= 0).
    converted : str, default "converted"
        Column of True/False (or 0/1): did the lead become a customer?
    revenue : str or None, default "deal_value"
        Column of the deal value of a converted lead; None leaves ``revenue`` and
        ``roi`` out. Replaces ``value=``, which still works for one release with a
        ``FutureWarning``.
    sort_by : str or None, default "auto"
        Output column to sort by, descending (NaN last). "auto" sorts by ``roi``, or
        by ``conversion_rate`` when ``revenue`` is None; None keeps the channels' own
        order (category order, else sorted names).
    total : bool, default False
        Add a last row ``"total"`` computed over all leads.

    Returns
    -------
    DataFrame
        One row per channel (index named after ``channel``) with ``leads``,
        ``conversions``, ``conversion_rate`` (fraction), ``total_cost``,
        ``cost_per_lead``, ``cost_per_acquisition`` (CPA, 获客成本 = total_cost /
        conversions), and with ``revenue``: ``revenue`` (sum of the deal values of
        converted leads) and ``roi`` = (revenue - total_cost) / total_cost.

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing, cost or revenue is not numeric or
        negative, ``converted`` is not True/False, or ``sort_by`` is not an output
        column.

    Notes
    -----
    A channel with no conversion has no cost per acquisition: ``cost_per_acquisition``
    is NaN there (not infinity), so sums and means skip it and plots leave it out;
    read it as "spent ``total_cost`` and acquired nobody". Likewise ``roi`` is NaN when
    a channel cost nothing. Channels of a categorical column with no leads are left
    out.

    Examples
    --------
    >>> toy = pd.DataFrame({"source_channel": ["fair", "fair", "web", "web", "web"],
    ...                     "cost": [300.0, 300.0, 20.0, 20.0, 20.0],
    ...                     "converted": [True, False, False, False, False],
    ...                     "deal_value": [1500.0, 0.0, 0.0, 0.0, 0.0]})
    >>> channel_summary(toy, total=True).T
    source_channel           fair   web   total
    leads                    2.00   3.0    5.00
    conversions              1.00   0.0    1.00
    conversion_rate          0.50   0.0    0.20
    total_cost             600.00  60.0  660.00
    cost_per_lead          300.00  20.0  132.00
    cost_per_acquisition   600.00   NaN  660.00
    revenue               1500.00   0.0 1500.00
    roi                      1.50  -1.0    1.27
    """
    caller = "channel_summary"
    roles = {channel: "category", cost: "number", converted: "bool"}
    if revenue is not None:
        roles[revenue] = "number"
    df = require(leads, roles, caller=caller,
                 params={channel: "channel", cost: "cost", converted: "converted",
                         revenue: "revenue"})
    df[converted] = df[converted].astype(bool)
    _check_nonnegative(df[cost], caller, "contact cost")
    if revenue is not None:
        _check_nonnegative(df[revenue], caller, "deal value")
    bad = df[channel].isna()
    if bad.any():
        raise CRMDataError(
            f"{caller}: column {channel!r} has {bad.sum()} missing channels in "
            f"{show_rows(df.index[bad])}. Fill them, e.g. df[{channel!r}].fillna('unknown')."
        )

    def summarise(part: pd.DataFrame) -> dict:
        n = len(part)
        conv = int(part[converted].sum())
        spent = float(part[cost].sum())
        row = {
            "leads": n,
            "conversions": conv,
            "conversion_rate": conv / n,
            "total_cost": spent,
            "cost_per_lead": spent / n,
            "cost_per_acquisition": spent / conv if conv else np.nan,
        }
        if revenue is not None:
            won = float(part[revenue].where(part[converted], 0.0).sum())
            row["revenue"] = won
            row["roi"] = (won - spent) / spent if spent else np.nan
        return row

    rows = {name: summarise(part)
            for name, part in df.groupby(channel, observed=True, sort=True)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = channel
    if sort_by == "auto":
        sort_by = "roi" if revenue is not None else "conversion_rate"
    if sort_by is not None:
        if sort_by not in out.columns:
            raise CRMDataError(
                f"{caller}: cannot sort by {sort_by!r}; choose one of "
                f"{', '.join(out.columns)} or None."
            )
        out = out.sort_values(sort_by, ascending=False, na_position="last", kind="stable")
    if total:
        out.index = out.index.astype(object)
        out.loc["total"] = summarise(df)
        out.index = out.index.astype("str")
        out.index.name = channel
    out["leads"] = out["leads"].astype(int)
    out["conversions"] = out["conversions"].astype(int)
    return out


# --------------------------------------------------------------------------- funnel


@renamed_keywords(order="stages")
def lead_funnel(
    leads: pd.DataFrame,
    *,
    stage: str = "funnel_stage",
    stages: Sequence | None = None,
) -> pd.DataFrame:
    """Count the leads that reached each funnel stage (销售漏斗).

    Parameters
    ----------
    leads : DataFrame
        One row per lead, with the furthest stage each lead reached. Not modified.
    stage : str, default "funnel_stage"
        Column of stages. Its order comes from ``stages`` or, if that is None, from
        the column's ordered categorical levels.
    stages : sequence, optional
        The stages from first to last. Required unless ``stage`` is an ordered
        categorical. Replaces ``order=``, which still works for one release with a
        ``FutureWarning``.

    Returns
    -------
    DataFrame
        One row per stage, in order (index named after ``stage``): ``at_stage``
        (leads whose furthest stage is this one), ``reached`` (leads that got at
        least this far: cumulative from the bottom), ``share_of_top`` (reached /
        leads at the top) and ``step_conversion`` (reached / reached at the previous
        stage; NaN for the first stage and after a stage nobody reached).

    Raises
    ------
    CRMDataError
        If the table is empty, the column is missing, a stage is missing or not in
        ``stages``, ``stages`` has duplicates, or no order can be found.

    Notes
    -----
    Each lead counts once, at its furthest stage, and is assumed to have passed
    through every earlier stage, so ``reached`` never increases down the funnel.

    Examples
    --------
    >>> toy = pd.DataFrame({"stage": ["new", "won", "contacted", "new", "contacted"]})
    >>> lead_funnel(toy, stage="stage", stages=["new", "contacted", "won"])
               at_stage  reached  share_of_top  step_conversion
    stage
    new               2        5           1.0              NaN
    contacted         2        3           0.6         0.600000
    won               1        1           0.2         0.333333
    """
    caller = "lead_funnel"
    df = require(leads, {stage: "category"}, caller=caller, params={stage: "stage"})
    col = df[stage]
    if stages is None:
        if isinstance(col.dtype, pd.CategoricalDtype) and col.cat.ordered:
            order = list(col.cat.categories)
        else:
            raise CRMDataError(
                f"{caller}: column {stage!r} is not an ordered categorical, so the stage "
                f"order is unknown. Pass stages=[first, ..., last], for example "
                f"stages={sorted(map(str, col.dropna().unique()))[:5]}."
            )
    else:
        order = list(stages)
    if len(order) == 0 or len(set(order)) != len(order):
        raise CRMDataError(f"{caller}: stages= must list each stage once, got {order!r}.")
    bad = col.isna()
    if bad.any():
        raise CRMDataError(
            f"{caller}: column {stage!r} has {bad.sum()} missing stages in "
            f"{show_rows(df.index[bad])}. Fill them with the first stage ({order[0]!r}) "
            f"if those leads were never worked, or drop them."
        )
    bad = ~col.astype(object).isin(order)
    if bad.any():
        raise CRMDataError(
            f"{caller}: column {stage!r} has stages not in the order {order} in "
            f"{show_rows(df.index[bad], col[bad])}. Add them to stages=... or fix the values."
        )
    at = col.astype(object).value_counts().reindex(order, fill_value=0).astype(int)
    reached = at[::-1].cumsum()[::-1]
    out = pd.DataFrame({"at_stage": at.to_numpy(), "reached": reached.to_numpy()},
                       index=pd.Index(order, name=stage))
    out["share_of_top"] = out["reached"] / out["reached"].iloc[0]
    prev = out["reached"].shift(1)
    out["step_conversion"] = out["reached"] / prev.where(prev > 0)
    return out

"""Customer expectations and satisfaction (客户期望与满意): gaps, NPS, complaints, churn.

The chapter's chain of ideas, one function each:

* **expectation vs. perception** (期望与感知): the SERVQUAL gap (服务质量差距) is
  perception minus expectation per service dimension; a negative gap is a
  disappointment (:func:`gap_scores`, :func:`gap_summary`);
* a **satisfaction index** (满意度指数) on 0-100 (:func:`satisfaction_index`);
* **Net Promoter Score** (净推荐值, :func:`nps`, :func:`nps_breakdown`);
* **complaints** (投诉率, :func:`complaint_rate`);
* **churn and retention rates** (客户流失率, 客户保持率: :func:`churn_rate`,
  :func:`retention_rate`, :func:`rates_by_period`, :func:`expected_lifetime`);
* **which gaps drive churn** (:func:`churn_drivers`, :func:`churn_by_quartile`,
  :func:`simulate_improvement`);
* **what over-promising does** (过度承诺, :func:`promise_effect`).

Survey tables hold one row per customer with ``expect_<dim>`` and ``perceive_<dim>``
columns (e.g. ``crmlab.load_data("survey")``); the dimensions are found from these
prefixes unless given. Rates are fractions in [0, 1]. Every function returns a new
object and never modifies its input.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlab import schema
from crmlab._errors import CRMDataError
from crmlab.schema import show_rows

__all__ = [
    "DIMENSIONS",
    "DIMENSION_NAMES",
    "nps",
    "nps_breakdown",
    "churn_rate",
    "retention_rate",
    "rates_by_period",
    "expected_lifetime",
    "gap_scores",
    "gap_summary",
    "satisfaction_index",
    "complaint_rate",
    "churn_drivers",
    "churn_by_quartile",
    "simulate_improvement",
    "promise_effect",
]

#: The five SERVQUAL dimensions (Parasuraman, Zeithaml & Berry), in the usual order.
DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
#: Chinese names of the SERVQUAL dimensions.
DIMENSION_NAMES = {"tangibles": "有形性", "reliability": "可靠性",
                   "responsiveness": "响应性", "assurance": "保证性", "empathy": "移情性"}

_GROUPS = ("detractors", "passives", "promoters")


# --------------------------------------------------------------------------- NPS
def _score_series(scores, caller: str) -> pd.Series:
    """Validate 0-10 recommendation scores; return them as an int Series."""
    if isinstance(scores, pd.DataFrame):
        cols = ", ".join(map(str, list(scores.columns)[:10]))
        raise CRMDataError(
            f"{caller}: expected one score per customer (a Series, array or list), got a "
            f"DataFrame with columns {cols}. Pass one column, e.g. survey['nps_score']."
        )
    if scores is None or np.isscalar(scores):
        raise CRMDataError(
            f"{caller}: expected one 0-10 score per customer (a Series, array or list), "
            f"got {type(scores).__name__} {scores!r}. Wrap a single score in a list."
        )
    if isinstance(scores, pd.Series):
        s = scores
    else:
        arr = np.asarray(scores, dtype=object) if not isinstance(scores, np.ndarray) else scores
        if arr.ndim != 1:
            raise CRMDataError(f"{caller}: expected a 1-D collection of scores, got shape "
                               f"{arr.shape}. Pass one column, e.g. arr.ravel().")
        s = pd.Series(list(arr)) if arr.dtype == object else pd.Series(arr)
    if len(s) == 0:
        raise CRMDataError(f"{caller}: no scores (the input is empty). Check the filter that "
                           f"made it.")
    if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
        parsed = pd.to_numeric(s, errors="coerce") if not pd.api.types.is_bool_dtype(s) \
            else pd.Series(np.nan, index=s.index)
        bad = (parsed.isna() & s.notna()).to_numpy()
        if bad.any() or pd.api.types.is_bool_dtype(s):
            raise CRMDataError(
                f"{caller}: scores must be whole numbers 0-10; {int(bad.sum())} of {len(s)} "
                f"are not numbers, in {show_rows(s.index[bad], s[bad])}. Convert with "
                f"pd.to_numeric(scores, errors='coerce') and drop what is not a score."
            )
        s = parsed
    x = s.to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(x)
    if bad.any():
        raise CRMDataError(
            f"{caller}: {int(bad.sum())} of {len(x)} scores are missing (NaN), in "
            f"{show_rows(s.index[bad])}. A customer who did not answer is not a detractor: "
            f"drop them first, e.g. scores.dropna(), and report how many did not answer."
        )
    bad = (x != np.round(x)) | (x < 0) | (x > 10)
    if bad.any():
        hint = (" It looks like a 0-100 scale: NPS uses the 0-10 'how likely are you to "
                "recommend us?' question." if (x > 10).mean() > 0.5 else "")
        raise CRMDataError(
            f"{caller}: scores must be whole numbers from 0 to 10; {int(bad.sum())} of "
            f"{len(x)} are not, in {show_rows(s.index[bad], x[bad])}.{hint} "
            f"Fix or drop those answers."
        )
    return pd.Series(x.astype(np.int64), index=s.index)


def nps(scores) -> float:
    """Compute the Net Promoter Score (净推荐值) of 0-10 recommendation scores.

    Parameters
    ----------
    scores : Series, array or list of int
        Answers to "how likely are you to recommend us?" on 0-10, one per customer.

    Returns
    -------
    float
        % promoters minus % detractors, in [-100, 100].

    Raises
    ------
    CRMDataError
        If ``scores`` is empty, a DataFrame, or holds values that are not whole
        numbers from 0 to 10 (the message names their positions) or are missing
        (drop non-answers with ``scores.dropna()`` first).

    See Also
    --------
    nps_breakdown : the three groups' shares, overall or by group.

    Notes
    -----
    Reichheld's convention: promoters (推荐者) answer 9-10, passives (被动者) 7-8,
    detractors (贬损者) 0-6. NPS = 100 * (promoters - detractors) / all answers;
    passives count in the denominator only. It is a score, not a percentage of
    anything: -100 means everyone is a detractor.

    Examples
    --------
    >>> nps([10, 9, 8, 7, 6, 0])
    0.0
    >>> nps([10, 10, 9, 3])
    50.0
    """
    x = _score_series(scores, "nps").to_numpy()
    return float(100.0 * ((x >= 9).sum() - (x <= 6).sum()) / len(x))


def nps_breakdown(survey, *, score: str = "nps_score", by: str | None = None) -> pd.DataFrame:
    """Tabulate the shares of detractors, passives and promoters and the NPS.

    Parameters
    ----------
    survey : DataFrame, Series, array or list
        A survey table with a ``score`` column, or the scores themselves (then ``by``
        must be None).
    score : str, default "nps_score"
        Column of 0-10 recommendation scores.
    by : str, optional
        Column to group by (e.g. ``"segment"``); one row per group. Default: one
        row ``"all"``.

    Returns
    -------
    DataFrame
        One row per group (in category order): ``customers``, ``detractors``,
        ``passives``, ``promoters`` (shares, summing to 1) and ``nps``.

    Raises
    ------
    CRMDataError
        As :func:`nps`, or if a column is missing or ``by`` is given with bare scores.

    Examples
    --------
    >>> nps_breakdown([10, 9, 8, 7, 6, 0]).round(3)
         customers  detractors  passives  promoters  nps
    all          6       0.333     0.333      0.333  0.0
    """
    caller = "nps_breakdown"
    if isinstance(survey, pd.DataFrame):
        cols = {score: "any"} | ({by: "any"} if by is not None else {})
        df = schema.require(survey, cols, caller=caller,
                            params={score: "score"} | ({by: "by"} if by else {}))
        scores = _score_series(df[score], caller)
        keys = df[by] if by is not None else None
    else:
        if by is not None:
            raise CRMDataError(f"{caller}: by={by!r} needs a DataFrame with that column; "
                               f"got bare scores.")
        scores = _score_series(survey, caller)
        keys = None
    groups = [("all", scores)] if keys is None else [
        (str(k), g) for k, g in scores.groupby(keys, observed=True, sort=True)]
    rows = {}
    for name, g in groups:
        x = g.to_numpy()
        shares = [(x <= 6).mean(), ((x >= 7) & (x <= 8)).mean(), (x >= 9).mean()]
        rows[name] = {"customers": len(x), **dict(zip(_GROUPS, map(float, shares), strict=True)),
                      "nps": float(100 * (shares[2] - shares[0]))}
    out = pd.DataFrame.from_dict(rows, orient="index")
    if by is not None:
        out.index.name = by
    return out


# --------------------------------------------------------------------------- rates
def _counts(caller: str, **named):
    """Validate counts of customers (numbers or Series/arrays); return arrays and an index."""
    index = None
    arrays = {}
    for name, v in named.items():
        if isinstance(v, pd.Series):
            if index is None:
                index = v.index
            elif not v.index.equals(index):
                raise CRMDataError(f"{caller}: the Series have different indexes; align them "
                                   f"first, e.g. {name}.reindex(at_start.index).")
    for name, v in named.items():
        if isinstance(v, bool) or v is None or isinstance(v, str | pd.DataFrame):
            raise CRMDataError(f"{caller}: {name} must be a count of customers (a number or "
                               f"a Series of numbers), got {v!r}.")
        if isinstance(v, pd.Series):
            if not pd.api.types.is_numeric_dtype(v) or pd.api.types.is_bool_dtype(v):
                raise CRMDataError(f"{caller}: {name} must hold numbers; it has dtype "
                                   f"{v.dtype}. Convert with pd.to_numeric(...).")
            x = v.to_numpy(dtype=float, na_value=np.nan)
        elif isinstance(v, numbers.Real):
            x = np.array([float(v)]) if index is None else np.full(len(index), float(v))
        else:
            try:
                x = np.asarray(v, dtype=float)
            except (TypeError, ValueError):
                raise CRMDataError(f"{caller}: {name} must be a count of customers, got "
                                   f"{v!r}.") from None
            if x.ndim != 1:
                raise CRMDataError(f"{caller}: {name} must be one count per period (1-D).")
            if index is None:
                index = pd.RangeIndex(len(x))
            elif len(x) != len(index):
                raise CRMDataError(f"{caller}: {name} has {len(x)} values, the others "
                                   f"{len(index)}; give one count per period.")
        arrays[name] = x
    if index is not None:
        for name, x in arrays.items():
            if len(x) == 1 and len(index) != 1:
                arrays[name] = np.full(len(index), x[0])
    labels = index if index is not None else pd.RangeIndex(1)
    if len(labels) == 0:
        raise CRMDataError(f"{caller}: no periods (the input is empty).")
    for name, x in arrays.items():
        bad = ~np.isfinite(x)
        if bad.any():
            raise CRMDataError(f"{caller}: {name} is missing or infinite in "
                               f"{show_rows(labels[bad])}. Fill or drop those periods.")
        bad = x < 0
        if bad.any():
            raise CRMDataError(
                f"{caller}: {name} must be a count of customers >= 0; it is negative in "
                f"{show_rows(labels[bad], x[bad])}.")
    return arrays, index


def _wrap(values: np.ndarray, index, name: str):
    return float(values[0]) if index is None else pd.Series(values, index=index, name=name)


def churn_rate(lost, at_start):
    """Compute the churn rate (客户流失率): customers lost over customers at the start.

    Parameters
    ----------
    lost : number or Series
        Customers present at the start of the period who left during it.
    at_start : number or Series
        Customers at the start of the period (> 0).

    Returns
    -------
    float or Series
        ``lost / at_start``, a fraction in [0, 1]. A Series (named ``churn_rate``)
        when an argument is a Series or list, one rate per period.

    Raises
    ------
    CRMDataError
        If a count is negative, missing or not a number, ``at_start`` is 0, Series
        are not aligned, or more customers are lost than were there at the start
        (rate above 1).

    See Also
    --------
    retention_rate : the complement for the customers who stayed.
    rates_by_period : both rates for a table of periods.

    Notes
    -----
    Only customers who were there at the start count as lost; a customer won and
    lost in the same period is in neither number. With that convention
    ``churn_rate + retention_rate == 1``.

    Examples
    --------
    >>> churn_rate(15, 100)
    0.15
    >>> churn_rate(pd.Series([15, 20], index=["2024", "2025"]), 100)
    2024    0.15
    2025    0.20
    Name: churn_rate, dtype: float64
    """
    caller = "churn_rate"
    x, index = _counts(caller, lost=lost, at_start=at_start)
    labels = index if index is not None else pd.RangeIndex(1)
    bad = x["at_start"] == 0
    if bad.any():
        raise CRMDataError(f"{caller}: at_start is 0 in {show_rows(labels[bad])}; a rate "
                           f"needs customers at the start.")
    bad = x["lost"] > x["at_start"]
    if bad.any():
        raise CRMDataError(
            f"{caller}: more customers lost than at the start (rate above 1) in "
            f"{show_rows(labels[bad], [f'{a:g} > {b:g}' for a, b in zip(x['lost'][bad], x['at_start'][bad], strict=True)])}. "  # noqa: E501
            f"Count as lost only customers who were there at the start; new customers "
            f"who left in the same period are in neither number.")
    return _wrap(x["lost"] / x["at_start"], index, "churn_rate")


def retention_rate(at_start, at_end, new):
    """Compute the retention rate (客户保持率): customers kept over customers at the start.

    Parameters
    ----------
    at_start : number or Series
        Customers at the start of the period (> 0).
    at_end : number or Series
        Customers at the end of the period, new ones included.
    new : number or Series
        Customers won during the period (and still there at the end).

    Returns
    -------
    float or Series
        ``(at_end - new) / at_start``, a fraction in [0, 1]; a Series named
        ``retention_rate`` when an argument is a Series or list.

    Raises
    ------
    CRMDataError
        If a count is negative, missing or not a number, ``at_start`` is 0, ``new``
        is larger than ``at_end``, or more customers are kept than were there at the
        start (rate above 1).

    Notes
    -----
    New customers are taken out of the end count: a growing customer base can hide
    a leaky one. ``at_start - (at_end - new)`` customers were lost, so
    ``retention_rate = 1 - churn_rate``.

    Examples
    --------
    >>> retention_rate(100, 95, 10)
    0.85
    >>> retention_rate(at_start=[100, 120], at_end=[120, 110], new=[30, 10])
    0    0.900000
    1    0.833333
    Name: retention_rate, dtype: float64
    """
    caller = "retention_rate"
    x, index = _counts(caller, at_start=at_start, at_end=at_end, new=new)
    labels = index if index is not None else pd.RangeIndex(1)
    bad = x["at_start"] == 0
    if bad.any():
        raise CRMDataError(f"{caller}: at_start is 0 in {show_rows(labels[bad])}; a rate "
                           f"needs customers at the start.")
    bad = x["new"] > x["at_end"]
    if bad.any():
        raise CRMDataError(
            f"{caller}: more new customers than customers at the end (new > at_end) in "
            f"{show_rows(labels[bad])}. at_end counts everyone at the end, new ones "
            f"included; new counts only those won during the period.")
    kept = x["at_end"] - x["new"]
    bad = kept > x["at_start"]
    if bad.any():
        raise CRMDataError(
            f"{caller}: at_end - new is larger than at_start (rate above 1) in "
            f"{show_rows(labels[bad])}: more customers kept than there were. Check that "
            f"new counts every customer won in the period.")
    return _wrap(kept / x["at_start"], index, "retention_rate")


def rates_by_period(
    table: pd.DataFrame,
    *,
    at_start: str = "at_start",
    at_end: str = "at_end",
    new: str = "new",
    lost: str | None = None,
) -> pd.DataFrame:
    """Add churn and retention rates to a table with one row per period.

    Parameters
    ----------
    table : DataFrame
        One row per period (e.g. indexed by year) with customer counts.
    at_start, at_end, new : str
        Columns of customers at the start, at the end (new ones included) and won
        during the period (defaults ``"at_start"``, ``"at_end"``, ``"new"``).
    lost : str, optional
        Column of customers lost. By default ``lost = at_start - (at_end - new)``.

    Returns
    -------
    DataFrame
        A copy of ``table`` with ``lost`` (when computed), ``churn_rate`` and
        ``retention_rate``.

    Raises
    ------
    CRMDataError
        If a column is missing or not numeric, or a row breaks the rules of
        :func:`churn_rate` / :func:`retention_rate`.

    Notes
    -----
    With a ``lost`` column the two rates need not add up to 1 (e.g. when lapsed
    customers come back and are not counted as new); without it they do.

    Examples
    --------
    >>> periods = pd.DataFrame({"at_start": [100, 95], "at_end": [95, 99],
    ...                         "new": [10, 14]}, index=["2024", "2025"])
    >>> rates_by_period(periods)
          at_start  at_end  new  lost  churn_rate  retention_rate
    2024       100      95   10    15    0.150000        0.850000
    2025        95      99   14    10    0.105263        0.894737
    """
    caller = "rates_by_period"
    cols = {at_start: "number", at_end: "number", new: "number"}
    params = {at_start: "at_start", at_end: "at_end", new: "new"}
    if lost is not None:
        cols[lost], params[lost] = "number", "lost"
    df = schema.require(table, cols, caller=caller, params=params)
    out = table.copy()
    keep = retention_rate(df[at_start], df[at_end], df[new])
    if lost is None:
        out["lost"] = df[at_start] - (df[at_end] - df[new])
        lost_values = out["lost"]
    else:
        lost_values = df[lost]
    out["churn_rate"] = churn_rate(lost_values, df[at_start])
    out["retention_rate"] = keep
    return out


def expected_lifetime(churn: float) -> float:
    """Compute the average customer lifetime implied by a constant churn rate.

    Parameters
    ----------
    churn : float
        Churn rate per period, a fraction in (0, 1] (0.15, not 15).

    Returns
    -------
    float
        ``1 / churn`` periods: the mean of a geometric lifetime.

    Raises
    ------
    CRMDataError
        If ``churn`` is not a number in (0, 1]; a percentage such as 15 is refused
        with the fraction to pass instead.

    Notes
    -----
    With a constant churn rate ``c`` a customer stays one period with probability
    ``1 - c``, so the number of periods until leaving is geometric with mean ``1/c``.
    Halving churn doubles the expected lifetime.

    Examples
    --------
    >>> expected_lifetime(0.2)
    5.0
    >>> expected_lifetime(20)
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: expected_lifetime: churn=20 must be a fraction in (0, 1]; pass 0.2, not 20.
    """  # noqa: E501
    caller = "expected_lifetime"
    if isinstance(churn, bool) or not isinstance(churn, numbers.Real) or math.isnan(churn) \
            or not 0 < churn <= 1:
        fix = f" pass {churn / 100:g}, not {churn:g}." if isinstance(churn, numbers.Real) \
            and not isinstance(churn, bool) and 1 < churn <= 100 else ""
        raise CRMDataError(f"{caller}: churn={churn!r} must be a fraction in (0, 1];{fix}")
    return 1.0 / float(churn)


# --------------------------------------------------------------------------- gaps
def _dimensions(survey, dimensions, expect: str, perceive: str, caller: str) -> list[str]:
    if not isinstance(survey, pd.DataFrame):
        raise CRMDataError(f"{caller}: expected a survey DataFrame, got "
                           f"{type(survey).__name__}.")
    cols = [str(c) for c in survey.columns]
    if dimensions is None:
        found = [c[len(expect):] for c in cols if c.startswith(expect) and len(c) > len(expect)]
        lonely = [d for d in found if f"{perceive}{d}" not in cols]
        if lonely:
            raise CRMDataError(
                f"{caller}: column(s) {', '.join(repr(expect + d) for d in lonely)} have no "
                f"matching {', '.join(repr(perceive + d) for d in lonely)}. Pass "
                f"dimensions=[...] to choose the dimensions to compare.")
        if not found:
            shown = ", ".join(cols[:20]) + (", ..." if len(cols) > 20 else "")
            raise CRMDataError(
                f"{caller}: no expectation columns starting with {expect!r}. Columns "
                f"present: {shown}. Pass the prefixes (expect='exp_', perceive='perc_') or "
                f"dimensions=[...].")
        return found
    if isinstance(dimensions, str) or not isinstance(dimensions, Sequence) \
            or len(dimensions) == 0:
        raise CRMDataError(f"{caller}: dimensions must be a non-empty list of names such as "
                           f"{list(DIMENSIONS[:2])}, got {dimensions!r}.")
    dims = [str(d) for d in dimensions]
    if len(set(dims)) != len(dims):
        raise CRMDataError(f"{caller}: dimensions {dims} repeat a name.")
    return dims


def _survey_values(survey, dims, expect, perceive, caller, *, perception_only=False):
    columns = {}
    for d in dims:
        if not perception_only:
            columns[f"{expect}{d}"] = "number"
        columns[f"{perceive}{d}"] = "number"
    return schema.require(survey, columns, caller=caller)


def gap_scores(
    survey: pd.DataFrame,
    *,
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.DataFrame:
    """Compute each customer's SERVQUAL gap (服务质量差距): perception minus expectation.

    Parameters
    ----------
    survey : DataFrame
        One row per customer with ``<expect><dim>`` and ``<perceive><dim>`` columns.
    dimensions : list of str, optional
        Dimensions to compare. Default: every ``<expect><dim>`` column (in column
        order); each must have its ``<perceive><dim>`` partner.
    expect, perceive : str, default "expect_", "perceive_"
        Column-name prefixes of expectations (期望) and perceptions (感知).

    Returns
    -------
    DataFrame
        Same index as ``survey`` (join it back with ``survey.join(gaps)``):
        ``gap_<dim>`` for each dimension and ``mean_gap`` (their unweighted mean).
        ``attrs["dimensions"]`` lists the dimensions.

    Raises
    ------
    CRMDataError
        If no dimensions are found, an expectation column has no perception
        partner, a column is missing, not numeric or has missing values, or the
        survey is empty.

    Notes
    -----
    Gap = perception - expectation: negative when the service fell short of what
    the customer expected (dissatisfaction), positive when it exceeded it
    (delight), 0 when it met it. Both are on the same scale (1-7 in SERVQUAL).

    Examples
    --------
    >>> s = pd.DataFrame({"expect_speed": [5, 6, 4], "perceive_speed": [6, 4, 4],
    ...                   "expect_care": [3, 7, 5], "perceive_care": [4, 5, 2]})
    >>> gap_scores(s)
       gap_speed  gap_care  mean_gap
    0          1         1       1.0
    1         -2        -2      -2.0
    2          0        -3      -1.5
    """
    caller = "gap_scores"
    dims = _dimensions(survey, dimensions, expect, perceive, caller)
    df = _survey_values(survey, dims, expect, perceive, caller)
    out = pd.DataFrame(index=df.index)
    for d in dims:
        out[f"gap_{d}"] = df[f"{perceive}{d}"] - df[f"{expect}{d}"]
    out["mean_gap"] = out[[f"gap_{d}" for d in dims]].mean(axis=1)
    out.attrs["dimensions"] = list(dims)
    return out


def gap_summary(
    survey: pd.DataFrame,
    *,
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.DataFrame:
    """Summarise expectation, perception and gap per SERVQUAL dimension.

    Parameters
    ----------
    survey : DataFrame
        As for :func:`gap_scores`.
    dimensions, expect, perceive
        As for :func:`gap_scores`.

    Returns
    -------
    DataFrame
        Index ``dimension`` (in the order found): ``expectation`` and
        ``perception`` (means), ``gap`` (mean perception - mean expectation) and
        ``negative_share`` (fraction of customers whose perception fell short of
        their expectation on that dimension).

    Raises
    ------
    CRMDataError
        As :func:`gap_scores`.

    Examples
    --------
    >>> s = pd.DataFrame({"expect_speed": [5, 6, 4], "perceive_speed": [6, 4, 4],
    ...                   "expect_care": [3, 7, 5], "perceive_care": [4, 5, 2]})
    >>> gap_summary(s).round(3)
               expectation  perception    gap  negative_share
    dimension
    speed            5.000       4.667 -0.333           0.333
    care             5.000       3.667 -1.333           0.667
    """
    caller = "gap_summary"
    dims = _dimensions(survey, dimensions, expect, perceive, caller)
    df = _survey_values(survey, dims, expect, perceive, caller)
    rows = {}
    for d in dims:
        e, p = df[f"{expect}{d}"].astype(float), df[f"{perceive}{d}"].astype(float)
        rows[d] = {"expectation": e.mean(), "perception": p.mean(), "gap": (p - e).mean(),
                   "negative_share": float((p < e).mean())}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dimension"
    return out


def _check_scale(scale, caller):
    ok = (isinstance(scale, Sequence) and len(scale) == 2
          and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in scale)
          and scale[0] < scale[1])
    if not ok:
        raise CRMDataError(f"{caller}: scale={scale!r} must be (lowest, highest), e.g. (1, 7).")
    return float(scale[0]), float(scale[1])


def satisfaction_index(
    survey: pd.DataFrame,
    *,
    weights: str | Mapping[str, float] | None = None,
    basis: str = "perception",
    scale: tuple[float, float] = (1, 7),
    target: str = "satisfaction",
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.Series:
    """Combine the dimensions into a weighted satisfaction index (满意度指数) on 0-100.

    Parameters
    ----------
    survey : DataFrame
        As for :func:`gap_scores`.
    weights : {None, "equal", "regression"} or dict, default None
        ``None``/``"equal"``: every dimension weighs the same. ``"regression"``:
        weights from the least-squares regression of ``target`` on the dimensions'
        ``basis`` values (negative coefficients set to 0), i.e. what actually moves
        stated satisfaction. A dict ``{dim: weight}`` (weights >= 0, missing
        dimensions weigh 0). Weights are normalised to sum to 1.
    basis : {"perception", "gap"}, default "perception"
        Index of perceptions alone, or of the gaps (perception - expectation).
    scale : (float, float), default (1, 7)
        Lowest and highest possible answer.
    target : str, default "satisfaction"
        Overall satisfaction column, only read for ``weights="regression"``.
    dimensions, expect, perceive
        As for :func:`gap_scores`.

    Returns
    -------
    Series
        ``satisfaction_index`` per customer, same index as ``survey``;
        ``attrs["weights"]`` and ``attrs["basis"]`` record the choices.

    Raises
    ------
    CRMDataError
        As :func:`gap_scores`; if an answer lies outside ``scale``, ``weights`` or
        ``basis`` is unknown, a weight is negative or all weights are 0 (also when
        every regression coefficient is negative).

    Notes
    -----
    ``basis="perception"``: ``100 * sum_d w_d (p_d - low) / (high - low)``, so 0 is
    the worst answer everywhere and 100 the best. ``basis="gap"``:
    ``100 * (sum_d w_d g_d + R) / (2 R)`` with ``R = high - low``, so 50 means "met
    expectations", 0 the largest possible shortfall, 100 the largest surplus. The
    regression includes an intercept and is fitted on this survey (descriptive
    "derived importance", not a causal claim).

    Examples
    --------
    >>> s = pd.DataFrame({"expect_speed": [5, 6], "perceive_speed": [7, 4],
    ...                   "expect_care": [3, 7], "perceive_care": [4, 1]})
    >>> satisfaction_index(s).tolist()     # (7-1)/6 = 1 and (4-1)/6 = 0.5 -> 75
    [75.0, 25.0]
    >>> satisfaction_index(s, basis="gap", weights={"speed": 3, "care": 1}).round(2).tolist()
    [64.58, 25.0]
    """
    caller = "satisfaction_index"
    if basis not in ("perception", "gap"):
        raise CRMDataError(f"{caller}: basis={basis!r}; use 'perception' or 'gap'.")
    low, high = _check_scale(scale, caller)
    dims = _dimensions(survey, dimensions, expect, perceive, caller)
    df = _survey_values(survey, dims, expect, perceive, caller,
                        perception_only=basis == "perception")
    for col in df.columns:
        bad = (df[col] < low) | (df[col] > high)
        if bad.any():
            raise CRMDataError(
                f"{caller}: column {col!r} has {int(bad.sum())} answers outside the scale "
                f"{low:g}-{high:g}, in {show_rows(df.index[bad], df.loc[bad, col])}. Fix them "
                f"or pass the right scale=(low, high).")
    span = high - low
    if basis == "perception":
        x = pd.DataFrame({d: (df[f"{perceive}{d}"] - low) / span for d in dims})
    else:
        x = pd.DataFrame({d: df[f"{perceive}{d}"] - df[f"{expect}{d}"] for d in dims})
    if weights is None or (isinstance(weights, str) and weights == "equal"):
        w = dict.fromkeys(dims, 1.0)
    elif isinstance(weights, str) and weights == "regression":
        y = schema.require(survey, {target: "number"}, caller=caller,
                           params={target: "target"})[target].to_numpy(dtype=float)
        design = np.column_stack([np.ones(len(x)), x.to_numpy(dtype=float)])
        coef = np.linalg.lstsq(design, y, rcond=None)[0][1:]
        w = {d: max(float(c), 0.0) for d, c in zip(dims, coef, strict=True)}
    elif isinstance(weights, Mapping):
        unknown = sorted(set(map(str, weights)) - set(dims))
        if unknown:
            raise CRMDataError(f"{caller}: weights for unknown dimension(s) {unknown}; the "
                               f"dimensions are {dims}.")
        w = {}
        for d in dims:
            v = weights.get(d, 0.0)
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v >= 0:
                raise CRMDataError(f"{caller}: weight {d!r}={v!r} must be a number >= 0.")
            w[d] = float(v)
    else:
        raise CRMDataError(f"{caller}: weights={weights!r}; use None, 'equal', "
                           f"'regression' or a dict {{dimension: weight}}.")
    total = sum(w.values())
    if not total > 0:
        raise CRMDataError(f"{caller}: all weights are 0 (with 'regression': no dimension "
                           f"raises {target!r}); give at least one a positive weight.")
    w = {d: v / total for d, v in w.items()}
    combined = sum(w[d] * x[d] for d in dims)
    index = 100 * combined if basis == "perception" else 100 * (combined + span) / (2 * span)
    out = pd.Series(index.to_numpy(dtype=float), index=df.index, name="satisfaction_index")
    out.attrs = {"weights": w, "basis": basis, "scale": (low, high)}
    return out


# --------------------------------------------------------------------------- complaints
def complaint_rate(
    survey: pd.DataFrame,
    *,
    complaints: str = "complaints",
    by: str | None = None,
) -> pd.DataFrame:
    """Tabulate the complaint rate (投诉率) and complaints per 100 customers.

    Parameters
    ----------
    survey : DataFrame
        One row per customer.
    complaints : str, default "complaints"
        Number of complaints each customer filed (whole numbers >= 0).
    by : str, optional
        Column to group by; one row per group plus ``"all"``.

    Returns
    -------
    DataFrame
        Rows per group and ``"all"``: ``customers``, ``complainants`` (customers
        with at least one complaint), ``complaint_rate`` (complainants / customers),
        ``complaints`` (total) and ``per_100`` (complaints per 100 customers).

    Raises
    ------
    CRMDataError
        If a column is missing, the survey is empty, or a complaint count is
        negative, missing or not a whole number.

    Notes
    -----
    The two measures differ: one angry customer who complains five times raises
    ``per_100`` but not ``complaint_rate``. Neither counts the dissatisfied
    customers who leave without complaining.

    Examples
    --------
    >>> s = pd.DataFrame({"complaints": [0, 0, 1, 3]})
    >>> complaint_rate(s)
         customers  complainants  complaint_rate  complaints  per_100
    all          4             2             0.5           4    100.0
    """
    caller = "complaint_rate"
    cols = {complaints: "number"} | ({by: "any"} if by is not None else {})
    df = schema.require(survey, cols, caller=caller,
                        params={complaints: "complaints"} | ({by: "by"} if by else {}))
    c = df[complaints]
    bad = (c < 0) | (c != np.round(c))
    if bad.any():
        raise CRMDataError(
            f"{caller}: column {complaints!r} must count complaints (whole numbers >= 0); "
            f"{int(bad.sum())} values are not, in {show_rows(df.index[bad], c[bad])}.")

    def row(x):
        n = len(x)
        return {"customers": n, "complainants": int((x > 0).sum()),
                "complaint_rate": float((x > 0).mean()), "complaints": int(x.sum()),
                "per_100": float(100 * x.sum() / n)}

    rows = {}
    if by is not None:
        for k, g in c.groupby(df[by], observed=True, sort=True):
            rows[str(k)] = row(g)
    rows["all"] = row(c)
    out = pd.DataFrame.from_dict(rows, orient="index")
    if by is not None:
        out.index.name = by
    return out


# --------------------------------------------------------------------------- churn drivers
def _feature_frame(survey, features, caller, dimensions, expect, perceive) -> pd.DataFrame:
    """The requested features as numbers; gap_<dim> / mean_gap are computed if absent."""
    if not isinstance(survey, pd.DataFrame):
        raise CRMDataError(f"{caller}: expected a survey DataFrame, got "
                           f"{type(survey).__name__}.")
    if features is None:
        gaps = gap_scores(survey, dimensions=dimensions, expect=expect, perceive=perceive)
        return gaps.drop(columns="mean_gap")
    if isinstance(features, str) or not isinstance(features, Sequence) or not features:
        raise CRMDataError(f"{caller}: features must be a non-empty list of column names, "
                           f"e.g. ['gap_reliability', 'complaints'], got {features!r}.")
    features = list(features)
    computed = [f for f in features if f not in survey.columns
                and (str(f).startswith("gap_") or f == "mean_gap")]
    pool = survey
    if computed:
        gaps = gap_scores(survey, dimensions=dimensions, expect=expect, perceive=perceive)
        missing = [f for f in computed if f not in gaps.columns]
        if missing:
            raise CRMDataError(f"{caller}: no gap {missing[0]!r}; the gaps are "
                               f"{list(gaps.columns)}.")
        pool = pd.concat([survey.drop(columns=[c for c in gaps.columns if c in survey]),
                          gaps[computed]], axis=1)
    return schema.require(pool, dict.fromkeys(features, "number"), caller=caller)


def _target(survey, target, caller) -> np.ndarray:
    y = schema.require(survey, {target: "bool"}, caller=caller,
                       params={target: "target"})[target].astype(bool).to_numpy()
    return y


def _quartile_codes(x: pd.Series, q: int) -> np.ndarray:
    """Equal-sized groups 0..q-1 by value; ties split by row order (rank 'first')."""
    ranks = x.rank(method="first").to_numpy()
    return np.minimum(((ranks - 1) * q // len(x)).astype(int), q - 1)


def churn_drivers(
    survey: pd.DataFrame,
    *,
    target: str = "churned",
    features: Sequence[str] | None = None,
    C: float = 1.0,
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.DataFrame:
    """Find which gaps drive churn with a logistic regression on standardised features.

    Parameters
    ----------
    survey : DataFrame
        One row per customer with the ``target`` flag.
    target : str, default "churned"
        True/False (or 0/1) column: did the customer leave?
    features : list of str, optional
        Columns to explain churn with. Default: the gap of every dimension
        (``gap_<dim>``, computed by :func:`gap_scores`). Names ``gap_<dim>`` and
        ``mean_gap`` not in the survey are computed; other columns (e.g.
        ``"complaints"``) are taken from it.
    C : float, default 1.0
        Inverse strength of the L2 penalty of scikit-learn's ``LogisticRegression``.
    dimensions, expect, perceive
        As for :func:`gap_scores`.

    Returns
    -------
    DataFrame
        Index ``feature``, sorted by the size of the effect (``|coef|``, largest
        first): ``coef`` (change in the log-odds of churn per standard deviation of
        the feature), ``odds_ratio`` (``exp(coef)``), ``mean`` and ``std`` (used to
        standardise), and the simple comparison without a model: ``churn_low`` and
        ``churn_high``, the churn rates of the quarter of customers with the lowest
        and highest values of the feature. ``attrs`` holds ``intercept``,
        ``target``, ``n``, ``churn_rate`` (observed) and ``C``.

    Raises
    ------
    CRMDataError
        If a column is missing or not numeric, the target is not True/False, only
        one outcome occurs, a feature is constant, ``C`` is not positive, or the
        survey is empty.

    See Also
    --------
    churn_by_quartile : churn rate in each quarter of one feature.
    simulate_improvement : predicted churn after improving one dimension.

    Notes
    -----
    Features are standardised ((x - mean) / std, population std) so the
    coefficients compare: a coefficient of -0.5 means one standard deviation more
    of the feature multiplies the odds of churning by ``exp(-0.5) = 0.61``. The
    model is ``LogisticRegression(C=C, solver="newton-cholesky", tol=1e-10)`` (L2
    penalty): Newton's method converges quadratically, so the coefficients are exact
    to about 1e-10, far below the 3 decimals printed, on every CPU and BLAS (lbfgs at
    its default tolerance stops about 1e-3 away from the optimum, which moves printed
    digits between machines). Quarters are equal-sized groups by
    rank; tied values are split by row order. Coefficients show association in this
    survey; with correlated gaps, read them together.

    Examples
    --------
    >>> s = pd.DataFrame({"gap_speed": [-3, -2, -2, -1, 0, 0, 1, 2] * 5,
    ...                   "gap_care": [0, 1, -1, 0, 1, -1, 0, 1] * 5,
    ...                   "churned": [True, True, False, True, False, False, False, False] * 5})
    >>> d = churn_drivers(s, features=["gap_speed", "gap_care"])
    >>> d.index.tolist(), bool(d.loc["gap_speed", "coef"] < 0)
    (['gap_speed', 'gap_care'], True)
    >>> d[["churn_low", "churn_high"]]
               churn_low  churn_high
    feature
    gap_speed        0.8         0.0
    gap_care         0.0         0.3
    """
    caller = "churn_drivers"
    if isinstance(C, bool) or not isinstance(C, numbers.Real) or not C > 0:
        raise CRMDataError(f"{caller}: C={C!r} must be a positive number.")
    X = _feature_frame(survey, features, caller, dimensions, expect, perceive)
    y = _target(survey, target, caller)
    if y.all() or not y.any():
        raise CRMDataError(
            f"{caller}: column {target!r} has only {'True' if y.all() else 'False'} values; "
            f"a model of churn needs customers who left and customers who stayed.")
    mean = X.mean()
    std = X.std(ddof=0)
    flat = std[~(std > 0)]
    if len(flat):
        raise CRMDataError(f"{caller}: feature(s) {list(flat.index)} are constant; they "
                           f"cannot explain churn. Drop them from features.")
    from sklearn.linear_model import LogisticRegression

    Z = ((X - mean) / std).to_numpy(dtype=float)
    model = LogisticRegression(C=float(C), solver="newton-cholesky", tol=1e-10, max_iter=100)
    model.fit(Z, y)
    coef = model.coef_[0]
    low, high = {}, {}
    for f in X.columns:
        codes = _quartile_codes(X[f], 4)
        low[f] = float(y[codes == 0].mean())
        high[f] = float(y[codes == 3].mean())
    out = pd.DataFrame({"coef": coef, "odds_ratio": np.exp(coef), "mean": mean.to_numpy(),
                        "std": std.to_numpy(), "churn_low": pd.Series(low).to_numpy(),
                        "churn_high": pd.Series(high).to_numpy()},
                       index=pd.Index(list(X.columns), name="feature"))
    order = np.argsort(-np.abs(np.round(coef, 12)), kind="stable")
    out = out.iloc[order]
    out.attrs = {"intercept": float(model.intercept_[0]), "target": target, "n": len(y),
                 "churn_rate": float(y.mean()), "C": float(C)}
    return out


def churn_by_quartile(
    survey: pd.DataFrame,
    *,
    feature: str = "mean_gap",
    target: str = "churned",
    q: int = 4,
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.DataFrame:
    """Tabulate the churn rate in equal-sized groups of one feature (a model-free check).

    Parameters
    ----------
    survey : DataFrame
        One row per customer.
    feature : str, default "mean_gap"
        Column to group by; ``gap_<dim>`` and ``mean_gap`` are computed when absent.
    target : str, default "churned"
        True/False churn flag.
    q : int, default 4
        Number of groups (4 = quartiles).
    dimensions, expect, perceive
        As for :func:`gap_scores`.

    Returns
    -------
    DataFrame
        Index ``group`` ``"Q1"`` (lowest values) .. ``"Q<q>"``: ``customers``,
        ``low`` and ``high`` (range of the feature in the group), ``mean`` and
        ``churn_rate``.

    Raises
    ------
    CRMDataError
        As :func:`churn_drivers`, or if ``q`` is not a whole number in [2, rows].

    Notes
    -----
    Groups are equal-sized by rank; tied values are split by row order, so two
    neighbouring groups can share a value.

    Examples
    --------
    >>> s = pd.DataFrame({"mean_gap": [-2.0, -1, 0, 1], "churned": [1, 1, 0, 0]})
    >>> churn_by_quartile(s, q=2)
           customers  low  high  mean  churn_rate
    group
    Q1             2 -2.0  -1.0  -1.5         1.0
    Q2             2  0.0   1.0   0.5         0.0
    """
    caller = "churn_by_quartile"
    X = _feature_frame(survey, [feature], caller, dimensions, expect, perceive)
    y = _target(survey, target, caller)
    if isinstance(q, bool) or not isinstance(q, numbers.Integral) or not 2 <= q <= len(y):
        raise CRMDataError(f"{caller}: q={q!r} must be a whole number between 2 and the "
                           f"number of customers ({len(y)}).")
    x = X[feature].astype(float)
    codes = _quartile_codes(x, int(q))
    frame = pd.DataFrame({"x": x.to_numpy(), "y": y, "g": codes})
    out = frame.groupby("g").agg(customers=("y", "size"), low=("x", "min"), high=("x", "max"),
                                 mean=("x", "mean"), churn_rate=("y", "mean"))
    out.index = pd.Index([f"Q{g + 1}" for g in out.index], name="group")
    out["churn_rate"] = out["churn_rate"].astype(float)
    return out


def _predict(drivers: pd.DataFrame, X: pd.DataFrame) -> np.ndarray:
    z = (X[drivers.index] - drivers["mean"]) / drivers["std"]
    # an explicit sum, not a BLAS matrix product, so the last digit is the same on every CPU
    terms = z.to_numpy(dtype=float) * drivers["coef"].to_numpy()
    logit = drivers.attrs["intercept"] + terms.sum(axis=1)
    return 1.0 / (1.0 + np.exp(-logit))


def simulate_improvement(
    survey: pd.DataFrame,
    drivers: pd.DataFrame,
    *,
    dimension: str,
    delta: float = 1.0,
    scale: tuple[float, float] = (1, 7),
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.Series:
    """Predict churn after raising every customer's perception of one dimension.

    Parameters
    ----------
    survey : DataFrame
        The survey the ``drivers`` model was fitted on (or another with the same
        columns).
    drivers : DataFrame
        Output of :func:`churn_drivers`.
    dimension : str
        Dimension to improve, e.g. ``"reliability"``.
    delta : float, default 1.0
        Points added to each customer's perception of it (capped at the top of
        ``scale``); negative values simulate a deterioration.
    scale : (float, float), default (1, 7)
        Lowest and highest possible answer.
    expect, perceive : str
        Column-name prefixes, as for :func:`gap_scores`.

    Returns
    -------
    Series
        Named ``dimension``: ``delta``, ``churn_before`` and ``churn_after`` (mean
        predicted churn probability), ``change`` (after - before) and
        ``customers_kept`` (``-change * customers``, expected customers not lost).

    Raises
    ------
    CRMDataError
        If ``drivers`` is not the output of :func:`churn_drivers`, the dimension
        has no perception column, or the features are missing from ``survey``.

    Notes
    -----
    The service improves and expectations stay where they are, so each gap of that
    dimension grows by ``delta`` (less where the perception hits the top of the
    scale); ``mean_gap`` moves with it. The prediction uses the fitted logistic
    model; it is a what-if under that model, not a promise.

    Examples
    --------
    >>> s = pd.DataFrame({"expect_speed": [6, 6, 5, 5, 4, 4] * 5,
    ...                   "perceive_speed": [3, 4, 4, 6, 5, 6] * 5,
    ...                   "churned": [True, True, False, False, True, False] * 5})
    >>> d = churn_drivers(s)
    >>> r = simulate_improvement(s, d, dimension="speed", delta=1)
    >>> bool(r["churn_after"] < r["churn_before"])
    True
    """
    caller = "simulate_improvement"
    need = {"coef", "mean", "std"}
    if not isinstance(drivers, pd.DataFrame) or not need <= set(drivers.columns) \
            or "intercept" not in drivers.attrs:
        raise CRMDataError(f"{caller}: drivers must be the output of churn_drivers(survey); "
                           f"fit it first.")
    if isinstance(delta, bool) or not isinstance(delta, numbers.Real) or not math.isfinite(delta):
        raise CRMDataError(f"{caller}: delta={delta!r} must be a number of scale points.")
    low, high = _check_scale(scale, caller)
    col = f"{perceive}{dimension}"
    if not isinstance(survey, pd.DataFrame) or col not in survey.columns:
        raise CRMDataError(f"{caller}: no column {col!r} for dimension {dimension!r}; pass a "
                           f"dimension whose perception is in the survey.")
    features = list(drivers.index)
    X0 = _feature_frame(survey, features, caller, None, expect, perceive)
    changed = survey.copy()
    p = schema.require(survey, {col: "number"}, caller=caller)[col].astype(float)
    changed[col] = p.where(p >= high, (p + delta).clip(low, high))
    X1 = _feature_frame(changed, features, caller, None, expect, perceive)
    before, after = float(_predict(drivers, X0).mean()), float(_predict(drivers, X1).mean())
    return pd.Series({"delta": float(delta), "churn_before": before, "churn_after": after,
                      "change": after - before, "customers_kept": (before - after) * len(X0)},
                     name=dimension)


# --------------------------------------------------------------------------- promises
def promise_effect(
    survey: pd.DataFrame,
    *,
    promise: str = "marketing_promise",
    satisfaction: str | None = "satisfaction",
    nps_score: str | None = "nps_score",
    churned: str | None = "churned",
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.DataFrame:
    """Compare expectations, perceptions, satisfaction and churn by marketing promise.

    Parameters
    ----------
    survey : DataFrame
        One row per customer.
    promise : str, default "marketing_promise"
        What marketing promised each customer (e.g. modest < accurate < inflated).
    satisfaction, nps_score, churned : str or None
        Overall satisfaction, 0-10 recommendation score and churn flag columns;
        None leaves that measure out.
    dimensions, expect, perceive
        As for :func:`gap_scores`.

    Returns
    -------
    DataFrame
        One row per promise level (category order, else sorted): ``customers``,
        ``expectation``, ``perception`` and ``gap`` (means over customers and
        dimensions), then ``satisfaction`` (mean), ``nps`` and ``churn_rate``.

    Raises
    ------
    CRMDataError
        As :func:`gap_scores` and :func:`nps`, or if a column is missing.

    Notes
    -----
    Over-promising (过度承诺) raises expectations. If the service (perception) is
    the same in every group, the gap, and with it satisfaction, falls as the
    promise grows: the customer compares what they get with what they were told.

    Examples
    --------
    >>> s = pd.DataFrame({"marketing_promise": ["modest", "inflated", "modest", "inflated"],
    ...                   "expect_speed": [4, 7, 4, 6], "perceive_speed": [5, 5, 5, 5],
    ...                   "satisfaction": [8, 5, 7, 6], "nps_score": [9, 6, 10, 8],
    ...                   "churned": [False, True, False, False]})
    >>> promise_effect(s)[["expectation", "gap", "satisfaction", "nps", "churn_rate"]]
                       expectation  gap  satisfaction    nps  churn_rate
    marketing_promise
    inflated                   6.5 -1.5           5.5  -50.0         0.5
    modest                     4.0  1.0           7.5  100.0         0.0
    """
    caller = "promise_effect"
    dims = _dimensions(survey, dimensions, expect, perceive, caller)
    values = _survey_values(survey, dims, expect, perceive, caller)
    cols = {promise: "any"}
    params = {promise: "promise"}
    for name, col, role in (("satisfaction", satisfaction, "number"),
                            ("nps_score", nps_score, "any"), ("churned", churned, "bool")):
        if col is not None:
            cols[col], params[col] = role, name
    df = schema.require(survey, cols, caller=caller, params=params)
    if df[promise].isna().any():
        bad = df[promise].isna()
        raise CRMDataError(f"{caller}: column {promise!r} is missing in "
                           f"{show_rows(df.index[bad])}; fill or drop those rows.")
    e = values[[f"{expect}{d}" for d in dims]].to_numpy(dtype=float).mean(axis=1)
    p = values[[f"{perceive}{d}" for d in dims]].to_numpy(dtype=float).mean(axis=1)
    if nps_score is not None:
        _score_series(df[nps_score], caller)
    rows = {}
    for level, idx in df.groupby(promise, observed=True, sort=True).indices.items():
        row = {"customers": len(idx), "expectation": e[idx].mean(), "perception": p[idx].mean(),
               "gap": (p[idx] - e[idx]).mean()}
        if satisfaction is not None:
            row["satisfaction"] = float(df[satisfaction].iloc[idx].mean())
        if nps_score is not None:
            row["nps"] = nps(df[nps_score].iloc[idx])
        if churned is not None:
            row["churn_rate"] = float(df[churned].iloc[idx].astype(bool).mean())
        rows[level] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    if isinstance(df[promise].dtype, pd.CategoricalDtype):
        out = out.loc[[c for c in df[promise].cat.categories if c in rows]]
    else:
        out = out.sort_index()
    out.index.name = promise
    return out

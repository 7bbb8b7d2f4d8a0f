"""Churn and retention rates (客户流失率, 客户保持率) and the expected customer lifetime."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import check_fraction, require, show_rows

__all__ = ["churn_rate", "retention_rate", "rates_by_period", "expected_lifetime"]

#: A count of customers: a number, or one number per period (a Series or a list).
Counts = float | pd.Series | Sequence[float] | np.ndarray


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
                raise CRMDataError(f"{caller}: {name} must be one count per period (1-D); "
                                   f"pass a list or a Series.")
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
        raise CRMDataError(f"{caller}: no periods (the input is empty). Check the filter "
                           f"that made it.")
    for name, x in arrays.items():
        bad = ~np.isfinite(x)
        if bad.any():
            raise CRMDataError(f"{caller}: {name} is missing or infinite in "
                               f"{show_rows(labels[bad])}. Fill or drop those periods.")
        bad = x < 0
        if bad.any():
            raise CRMDataError(
                f"{caller}: {name} must be a count of customers >= 0; it is negative in "
                f"{show_rows(labels[bad], x[bad])}. Fix the sign of those counts.")
    return arrays, index


def _wrap(values: np.ndarray, index, name: str):
    return float(values[0]) if index is None else pd.Series(values, index=index, name=name)


def churn_rate(lost: Counts, at_start: Counts) -> float | pd.Series:
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


def retention_rate(at_start: Counts, at_end: Counts, new: Counts) -> float | pd.Series:
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
    df = require(table, cols, caller=caller, params=params)
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
    crmlab._errors.CRMDataError: expected_lifetime: churn=20 looks like a percentage; rates are
    decimals in (0, 1]: pass 0.2, not 20.
    """
    churn = check_fraction(churn, name="churn", caller="expected_lifetime", low_open=True)
    return 1.0 / churn

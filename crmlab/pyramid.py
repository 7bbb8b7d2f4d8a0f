"""Customer pyramid and long tail: Pareto / ABC classes, Lorenz curve, Gini, tiers, whale curve.

Every function takes one value per customer (a pandas Series indexed by customer id,
a NumPy array or a list), never a transaction table: aggregate first, for example
``tx.groupby("customer_id")["amount"].sum()``. A Series keeps its index in the
per-customer outputs (:func:`abc_classes`, :func:`pyramid_tiers`); curves
(:func:`lorenz_curve`, :func:`whale_curve`) have one row per point, starting at 0.

Conventions (each is documented on its function and tested):

* ranking is by value, largest first; ties are broken by the index label (customer
  id), then by position, so results do not depend on the row order of the input;
* shares of value need a positive total; concentration measures (Gini, Lorenz,
  top and tail shares, ABC) need non-negative values: clip net revenue at 0 or use
  :func:`whale_curve` for profits, which may be negative;
* "the top 20 % of customers" of ``n`` customers is ``ceil(0.2 * n)`` customers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import renamed_keywords, show_rows

if TYPE_CHECKING:
    from crmlab._typing import ArrayLike, Source

__all__ = [
    "customer_values",
    "values_from_customers",
    "gini",
    "lorenz_curve",
    "top_share",
    "long_tail_share",
    "concentration_summary",
    "abc_classes",
    "pyramid_tiers",
    "tier_summary",
    "whale_curve",
    "whale_summary",
    "SCHEMES",
]

#: Built-in pyramid schemes: tier names (by language) and the share of customers per tier.
#: For ``"zeithaml"`` the shares split the customers with profit >= 0; every customer
#: with profit < 0 is "lead".
SCHEMES: dict[str, dict] = {
    "su": {
        "shares": (0.01, 0.19, 0.30, 0.50),
        "names": {
            "zh": ("重要客户", "次要客户", "普通客户", "小客户"),
            "en": ("vip", "major", "ordinary", "small"),
        },
        "language": "zh",
    },
    "curry": {
        "shares": (0.01, 0.04, 0.15, 0.80),
        "names": {
            "en": ("top", "big", "medium", "small"),
            "zh": ("顶端客户", "大客户", "中等客户", "小客户"),
        },
        "language": "en",
    },
    "zeithaml": {
        "shares": (0.05, 0.15, 0.80),
        "names": {
            "en": ("platinum", "gold", "iron", "lead"),
            "zh": ("铂金客户", "黄金客户", "铁质客户", "铅质客户"),  # as the answer key (讨论题)
        },
        "language": "en",
    },
}

# rounding tolerance for "share * n" and cumulative-share comparisons, so that
# 0.07 * 100 counts as 7 customers and 0.7 + 0.1 counts as 0.8
_TOL = 1e-9


# --------------------------------------------------------------------------- helpers
def _values(values, caller: str, *, negative: str = "ok") -> tuple[np.ndarray, pd.Index]:
    """Validate a 1-D collection of customer values; return floats and the index.

    ``negative``: "ok" (allowed) or "error" (concentration measures).
    """
    if isinstance(values, pd.DataFrame):
        cols = ", ".join(map(str, list(values.columns)[:10]))
        raise CRMDataError(
            f"{caller}: expected one value per customer (a Series, array or list), got a "
            f"DataFrame with columns {cols}. Pass one column, e.g. table['amount'], or "
            f"aggregate transactions first: tx.groupby('customer_id')['amount'].sum()."
        )
    if isinstance(values, pd.Series):
        series = values
    else:
        if np.isscalar(values) or values is None:
            raise CRMDataError(
                f"{caller}: expected one value per customer (a Series, array or list), "
                f"got {type(values).__name__} {values!r}. Wrap it in a list: [{values!r}]."
            )
        arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
        if arr.ndim != 1:
            raise CRMDataError(
                f"{caller}: expected a 1-D collection of customer values, got an array of "
                f"shape {arr.shape}. Pass one column, e.g. arr[:, 0] or arr.ravel()."
            )
        series = pd.Series(list(arr)) if arr.dtype == object else pd.Series(arr)
    if len(series) == 0:
        raise CRMDataError(
            f"{caller}: no customer values (the input is empty). Check the filter or the "
            f"groupby that made it."
        )
    if pd.api.types.is_bool_dtype(series):
        raise CRMDataError(
            f"{caller}: customer values must be numbers, got True/False flags. Pass the "
            f"value per customer (e.g. revenue), not a flag."
        )
    if not pd.api.types.is_numeric_dtype(series):
        parsed = pd.to_numeric(series, errors="coerce")
        bad = (parsed.isna() & series.notna()).to_numpy()
        where = f" in {show_rows(series.index[bad], series[bad])}" if bad.any() else ""
        raise CRMDataError(
            f"{caller}: customer values must be numbers; got dtype {series.dtype} with "
            f"{int(bad.sum())} non-numeric values{where}. Convert with "
            f"pd.to_numeric(values, errors='coerce') after removing currency symbols."
        )
    x = series.to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(x)
    if bad.any():
        raise CRMDataError(
            f"{caller}: {int(bad.sum())} of {len(x)} customer values are missing (NaN), in "
            f"{show_rows(series.index[bad])}. Fill them (values.fillna(0)) or drop them "
            f"(values.dropna()) first."
        )
    bad = ~np.isfinite(x)
    if bad.any():
        raise CRMDataError(
            f"{caller}: {int(bad.sum())} customer values are infinite, in "
            f"{show_rows(series.index[bad], x[bad])}. Replace them before the analysis."
        )
    if negative == "error":
        bad = x < 0
        if bad.any():
            raise CRMDataError(
                f"{caller}: {int(bad.sum())} of {len(x)} customer values are negative, in "
                f"{show_rows(series.index[bad], x[bad])}. Concentration measures need "
                f"values >= 0: use net revenue clipped at 0 (values.clip(lower=0)), or, "
                f"for profits that can be negative, use pyramid.whale_curve."
            )
    return x, series.index


def _positive_total(x: np.ndarray, caller: str) -> float:
    total = float(x.sum())
    if not total > 0:
        raise CRMDataError(
            f"{caller}: the total of the customer values is {total:g}, so shares of the "
            f"total are undefined. It needs a positive total (at least one customer with "
            f"value > 0)."
        )
    return total


def _order_desc(x: np.ndarray, index: pd.Index) -> np.ndarray:
    """Positions sorted by value descending, ties by index label, then by position."""
    pos = np.arange(len(x))
    try:
        label_rank = pd.Index(index).argsort(kind="stable")
        ranks = np.empty(len(x), dtype=np.int64)
        ranks[label_rank] = pos
    except TypeError:  # labels of mixed types cannot be sorted: keep input order
        ranks = pos
    return np.lexsort((pos, ranks, -x))


def _fraction(value, name: str, caller: str) -> float:
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise CRMDataError(f"{caller}: {name} must be a number in (0, 1], got {value!r}.") from None
    if not (0 < f <= 1) or math.isnan(f):
        hint = f" Write it as a fraction: {name}={f / 100:g}." if 1 < f <= 100 else ""
        raise CRMDataError(
            f"{caller}: {name} must be a fraction in (0, 1], got {value!r}.{hint}"
        )
    return f


def _count(fraction: float, n: int) -> int:
    """ceil(fraction * n) with a rounding tolerance, at least 1 and at most n."""
    return int(min(n, max(1, math.ceil(round(fraction * n, 6)))))


def _top_share(x: np.ndarray, total: float, fraction: float, method: str) -> float:
    desc = np.sort(x)[::-1]
    n = len(desc)
    if method == "ceil":
        k = _count(fraction, n)
        share = float(desc[:k].sum()) / total
    else:  # interpolate on the Lorenz curve read from the top
        cum = np.concatenate([[0.0], np.cumsum(desc)]) / total
        share = float(np.interp(fraction * n, np.arange(n + 1), cum))
    return min(share, 1.0)


def _check_method(method: str, caller: str) -> None:
    if method not in ("ceil", "interpolate"):
        raise CRMDataError(
            f"{caller}: method must be 'ceil' or 'interpolate', got {method!r}."
        )


# --------------------------------------------------------------------------- measures
def gini(values: ArrayLike) -> float:
    """
    Compute the Gini coefficient (基尼系数) of customer value.

    The mean absolute difference over all ordered pairs of customers divided by twice
    the mean, with no small-sample correction:
    ``G = sum_i sum_j |x_i - x_j| / (2 * n**2 * mean)``.

    Parameters
    ----------
    values : Series, array-like of float
        One non-negative value per customer (e.g. revenue).

    Returns
    -------
    float
        Between 0 (everybody has the same value) and ``(n - 1) / n`` (one customer
        has everything); a single customer gives 0.

    Raises
    ------
    CRMDataError
        If ``values`` is empty, not numeric, has missing or infinite values, has
        negative values (clip net revenue at 0, or use :func:`whale_curve` for
        profits), or sums to 0 (all zeros: no value to share).

    See Also
    --------
    lorenz_curve : the curve whose area gives the Gini coefficient.
    concentration_summary : Gini together with top and tail shares.

    Notes
    -----
    Computed in O(n log n) from the sorted values ``x_(1) <= ... <= x_(n)``:
    ``G = sum_i (2 i - n - 1) x_(i) / (n * sum x)``. This equals
    ``1 - 2 * (area under the Lorenz curve)`` with the trapezoid rule. Some
    software multiplies by ``n / (n - 1)`` (the unbiased version, which can reach 1);
    crmlab does not.

    Examples
    --------
    >>> gini([5, 5, 5, 5])
    0.0
    >>> gini([0, 0, 0, 10])
    0.75
    >>> gini([1, 2, 3, 4])
    0.25
    """
    x, _ = _values(values, "gini", negative="error")
    total = _positive_total(x, "gini")
    n = len(x)
    xs = np.sort(x)
    weights = 2 * np.arange(1, n + 1) - n - 1
    # math.fsum is exactly rounded: np.dot would go through BLAS and round per CPU
    g = math.fsum(weights * xs) / (n * total)
    if g <= 1e-12:  # all-equal values: exactly 0, never -0.0 or -1e-17
        return 0.0
    return min(g, 1.0)


def lorenz_curve(values: ArrayLike) -> pd.DataFrame:
    """
    Compute the Lorenz curve (洛伦兹曲线) of customer value.

    Customers are sorted from the smallest value to the largest; each row is a
    point: the share of customers so far and the share of the total value they hold.

    Parameters
    ----------
    values : Series, array-like of float
        One non-negative value per customer.

    Returns
    -------
    DataFrame
        ``n + 1`` rows with columns ``customer_share`` and ``value_share``, starting
        at (0, 0) and ending at (1, 1); both columns are non-decreasing and the curve
        lies on or below the diagonal. :func:`gini` gives the one number.

    Raises
    ------
    CRMDataError
        As :func:`gini`: empty, non-numeric, missing, negative or all-zero values.

    See Also
    --------
    gini : one number for the gap between the curve and the diagonal.

    Notes
    -----
    The curve is read from the poorest customer up; the top-``f`` share is
    ``1 - value_share`` at ``customer_share = 1 - f``.

    Examples
    --------
    >>> lorenz_curve([0, 0, 0, 10])
       customer_share  value_share
    0            0.00          0.0
    1            0.25          0.0
    2            0.50          0.0
    3            0.75          0.0
    4            1.00          1.0
    """
    x, _ = _values(values, "lorenz_curve", negative="error")
    total = _positive_total(x, "lorenz_curve")
    n = len(x)
    cum = np.concatenate([[0.0], np.cumsum(np.sort(x))]) / total
    cum = np.minimum(np.maximum.accumulate(cum), 1.0)
    cum[-1] = 1.0
    return pd.DataFrame({"customer_share": np.arange(n + 1) / n, "value_share": cum})


def top_share(values: ArrayLike, fraction: float, *, method: str = "ceil") -> float:
    """
    Compute the share of total value held by the top ``fraction`` of customers.

    ``top_share(values, 0.2)`` is the 80/20 check (二八法则): does the top 20 % of
    customers bring about 80 % of the value?

    Parameters
    ----------
    values : Series, array-like of float
        One non-negative value per customer.
    fraction : float
        Share of customers counted from the top, in (0, 1].
    method : {"ceil", "interpolate"}, default "ceil"
        ``"ceil"``: the top ``ceil(fraction * n)`` customers (at least one), which
        is what ``sort_values(ascending=False).head(k)`` gives. ``"interpolate"``:
        read the (linearly interpolated) Lorenz curve at ``1 - fraction``, so a
        fraction of a customer counts in part.

    Returns
    -------
    float
        A share in [0, 1], non-decreasing in ``fraction``; 1 at ``fraction=1``.

    Raises
    ------
    CRMDataError
        If ``fraction`` is outside (0, 1] (e.g. 20 meant as 20 %), ``method`` is
        unknown, or the values are invalid as for :func:`gini`.

    See Also
    --------
    long_tail_share : the share of everybody else.

    Notes
    -----
    ``fraction * n`` is rounded to 6 decimals before the ceiling, so 0.07 of 100
    customers is 7 customers, not 8.

    Examples
    --------
    >>> top_share([50, 20, 10, 10, 10], 0.2)
    0.5
    >>> top_share([50, 20, 10, 10, 10], 0.3)  # ceil(1.5) = 2 customers
    0.7
    >>> top_share([50, 20, 10, 10, 10], 0.3, method="interpolate")
    0.6
    """
    _check_method(method, "top_share")
    f = _fraction(fraction, "fraction", "top_share")
    x, _ = _values(values, "top_share", negative="error")
    total = _positive_total(x, "top_share")
    return _top_share(x, total, f, method)


def long_tail_share(values: ArrayLike, head: float = 0.2, *, method: str = "ceil") -> float:
    """
    Compute the long tail's (长尾) share of value: everybody outside the top ``head``.

    Parameters
    ----------
    values : Series, array-like of float
        One non-negative value per customer.
    head : float, default 0.2
        Share of customers in the head, in (0, 1]; the tail is the rest.
    method : {"ceil", "interpolate"}, default "ceil"
        How the head is counted, as in :func:`top_share`.

    Returns
    -------
    float
        ``1 - top_share(values, head)``, in [0, 1].

    Raises
    ------
    CRMDataError
        As :func:`top_share`.

    Examples
    --------
    >>> long_tail_share([50, 20, 10, 10, 10])
    0.5
    """
    _check_method(method, "long_tail_share")
    f = _fraction(head, "head", "long_tail_share")
    x, _ = _values(values, "long_tail_share", negative="error")
    total = _positive_total(x, "long_tail_share")
    return max(0.0, 1.0 - _top_share(x, total, f, method))


def concentration_summary(values: ArrayLike) -> pd.Series:
    """
    Summarise how concentrated customer value is, in one column.

    Parameters
    ----------
    values : Series, array-like of float
        One non-negative value per customer.

    Returns
    -------
    Series
        ``customers`` (count), ``gini``, ``top_1pct``, ``top_10pct``, ``top_20pct``
        (shares of value held by the top 1 / 10 / 20 % of customers, counted with
        ``ceil``) and ``tail_share`` (the other 80 %'s share).

    Raises
    ------
    CRMDataError
        As :func:`gini`.

    Examples
    --------
    >>> concentration_summary([50, 20, 10, 10, 10]).round(3)
    customers     5.00
    gini          0.36
    top_1pct      0.50
    top_10pct     0.50
    top_20pct     0.50
    tail_share    0.50
    dtype: float64
    """
    x, _ = _values(values, "concentration_summary", negative="error")
    total = _positive_total(x, "concentration_summary")
    top = {f"top_{p}pct": _top_share(x, total, p / 100, "ceil") for p in (1, 10, 20)}
    return pd.Series(
        {"customers": float(len(x)), "gini": gini(x), **top,
         "tail_share": max(0.0, 1.0 - top["top_20pct"])},
        dtype=float,
    )


# --------------------------------------------------------------------------- classes
def abc_classes(values: ArrayLike, a: float = 0.8, b: float = 0.95, *,
                rule: str = "including") -> pd.Series:
    """
    Classify customers A / B / C by their cumulative share of value (Pareto, ABC 分类).

    Customers are sorted by value, largest first, and the running share of the total
    decides the class.

    Parameters
    ----------
    values : Series, array-like of float
        One non-negative value per customer.
    a, b : float, default 0.8 and 0.95
        Cumulative shares closing class A and class B; ``0 < a < b <= 1``.
    rule : {"including", "before"}, default "including"
        ``"including"``: the cumulative share *including* the customer decides:
        A if it is ``<= a``, B if ``<= b``, else C; the customer who crosses ``a``
        is B. ``"before"``: the cumulative share of the customers *before* it
        decides: A if ``< a``, B if ``< b``, else C; the customer who crosses
        ``a`` is A (and the largest customer is always A).

    Returns
    -------
    Series
        Ordered categorical with categories ``["A", "B", "C"]``, named
        ``abc_class``, one row per customer in the input order (a Series keeps its
        index). ``attrs`` records ``a``, ``b`` and ``rule``.

    Raises
    ------
    CRMDataError
        If ``a``/``b`` are out of range or not increasing, ``rule`` is unknown, or
        the values are invalid as for :func:`gini`.

    Notes
    -----
    Ties are broken by the index label (customer id), then by position, so the
    classes do not depend on the row order. Comparisons allow a rounding tolerance
    of 1e-9. With ``rule="including"`` a customer that alone holds more than ``a``
    of the value gets no A at all (and more than ``b`` makes it C): class A can be
    empty in very concentrated data; ``"before"`` never leaves A empty.

    Examples
    --------
    >>> v = pd.Series([70, 15, 10, 5], index=["w", "x", "y", "z"])
    >>> abc_classes(v).tolist()
    ['A', 'B', 'B', 'C']
    >>> abc_classes(v, rule="before").tolist()
    ['A', 'A', 'B', 'C']
    """
    if rule not in ("including", "before"):
        raise CRMDataError(
            f"abc_classes: rule must be 'including' or 'before', got {rule!r}."
        )
    fa = _fraction(a, "a", "abc_classes")
    fb = _fraction(b, "b", "abc_classes")
    if not fa < fb:
        raise CRMDataError(
            f"abc_classes: need a < b (the cumulative share closing class A comes "
            f"before the one closing class B), got a={a!r}, b={b!r}."
        )
    x, index = _values(values, "abc_classes", negative="error")
    total = _positive_total(x, "abc_classes")
    order = _order_desc(x, index)
    cum = np.cumsum(x[order]) / total
    cum[-1] = 1.0
    if rule == "including":
        key = cum
        cls_sorted = np.where(key <= fa + _TOL, "A", np.where(key <= fb + _TOL, "B", "C"))
    else:
        key = np.concatenate([[0.0], cum[:-1]])
        cls_sorted = np.where(key < fa - _TOL, "A", np.where(key < fb - _TOL, "B", "C"))
    out = np.empty(len(x), dtype=object)
    out[order] = cls_sorted
    result = pd.Series(
        pd.Categorical(out, categories=["A", "B", "C"], ordered=True),
        index=index, name="abc_class",
    )
    result.attrs.update({"a": fa, "b": fb, "rule": rule})
    return result


def _scheme_names(scheme: str, language: str | None) -> tuple[str, ...]:
    spec = SCHEMES[scheme]
    lang = spec["language"] if language is None else language
    if lang not in spec["names"]:
        raise CRMDataError(
            f"pyramid_tiers: language must be 'zh' or 'en', got {language!r}."
        )
    return spec["names"][lang]


def _check_shares(shares, caller: str) -> tuple[float, ...]:
    try:
        s = tuple(float(v) for v in shares)
    except (TypeError, ValueError):
        raise CRMDataError(
            f"{caller}: shares must be a sequence of fractions, got {shares!r}."
        ) from None
    if len(s) < 2:
        raise CRMDataError(f"{caller}: shares needs at least two tiers, got {shares!r}.")
    if any(not (0 < v <= 1) for v in s):
        hint = " Write percentages as fractions (1 % = 0.01)." if any(v > 1 for v in s) else ""
        raise CRMDataError(
            f"{caller}: every share must be a fraction in (0, 1], got {shares!r}.{hint}"
        )
    if abs(sum(s) - 1) > 1e-6:
        raise CRMDataError(
            f"{caller}: shares must add up to 1, got {shares!r} (sum {sum(s):g})."
        )
    return s


def _split_by_shares(n: int, shares: Sequence[float]) -> np.ndarray:
    """Tier number (0 = top) for ranks 1..n: rank r is in the first tier whose
    cumulative share bound ceil(cum * n) reaches r."""
    bounds = np.array([math.ceil(round(c * n, 6)) for c in np.cumsum(shares)])
    bounds[-1] = n
    ranks = np.arange(1, n + 1)
    return np.searchsorted(bounds, ranks, side="left")


def pyramid_tiers(
    values: ArrayLike,
    scheme: str = "su",
    *,
    shares: Sequence[float] | None = None,
    names: Sequence[str] | None = None,
    language: str | None = None,
) -> pd.Series:
    """
    Assign each customer to a tier of the customer pyramid (客户金字塔).

    Parameters
    ----------
    values : Series, array-like of float
        One value per customer: revenue for ``"su"`` and ``"curry"``, **profit** for
        ``"zeithaml"``. Negative values are allowed (they rank last).
    scheme : {"su", "curry", "zeithaml"}, default "su"
        ``"su"`` (苏朝晖): top 1 % / next 19 % / next 30 % / the other 50 % ->
        重要客户, 次要客户, 普通客户, 小客户 (the first two together are the key
        accounts, 关键客户). ``"curry"`` (Curry's pyramid): 1 / 4 / 15 / 80 % ->
        top, big, medium, small. ``"zeithaml"`` (Zeithaml, Rust & Lemon's
        profitability tiers): every customer with profit < 0 is lead; the others
        are split by ``shares`` (default 5 / 15 / 80 % of them) into platinum, gold
        and iron.
    shares : sequence of float, optional
        Override the split: the share of customers in each tier, top first, adding
        up to 1. For ``"zeithaml"`` the shares split the customers with profit >= 0
        and there is one share fewer than names (lead takes the rest).
    names : sequence of str, optional
        Override the tier names, top first.
    language : {"zh", "en"}, optional
        Language of the built-in names; default Chinese for ``"su"`` and English for
        the others. ``"su"`` in English: vip, major, ordinary, small.

    Returns
    -------
    Series
        Ordered categorical of tier names, categories top tier first, named
        ``tier``, one row per customer in the input order (a Series keeps its
        index). ``attrs`` records ``scheme`` and ``shares``.

    Raises
    ------
    CRMDataError
        If ``scheme`` is unknown (the message lists the schemes), ``shares`` are
        not fractions adding up to 1, ``names`` has the wrong length, or the values
        are empty, non-numeric or missing.

    Notes
    -----
    Customers are ranked by value, largest first (ties by index label, then
    position). With cumulative shares ``c_1 < c_2 < ...``, the customer of rank
    ``r`` is in the first tier with ``r <= ceil(c_t * n)``. For ``n = 100`` the
    su sizes are exactly 1 / 19 / 30 / 50; for ``n = 7`` they are 1 / 1 / 2 / 3
    (ceil(0.07) = 1, ceil(1.4) = 2, ceil(3.5) = 4); a single customer is in the top
    tier, and small tiers can be empty (curry with ``n = 7``: 1 / 0 / 1 / 5).

    Examples
    --------
    >>> v = pd.Series([90, 5, 3, 1, 1], index=list("abcde"))
    >>> pyramid_tiers(v).tolist()
    ['重要客户', '普通客户', '普通客户', '小客户', '小客户']
    >>> pyramid_tiers(v, language="en").value_counts(sort=False).tolist()
    [1, 0, 2, 2]
    >>> profit = pd.Series([120, 40, -15, 0, 10])
    >>> pyramid_tiers(profit, "zeithaml", shares=(0.25, 0.25, 0.5)).tolist()
    ['platinum', 'gold', 'lead', 'iron', 'iron']
    """
    if scheme not in SCHEMES:
        raise CRMDataError(
            f"pyramid_tiers: unknown scheme {scheme!r}; choose one of "
            f"{', '.join(repr(s) for s in SCHEMES)}, or pass shares= and names= for your own."
        )
    if language is not None and language not in ("zh", "en"):
        raise CRMDataError(f"pyramid_tiers: language must be 'zh' or 'en', got {language!r}.")
    tier_shares = _check_shares(SCHEMES[scheme]["shares"] if shares is None else shares,
                                "pyramid_tiers")
    n_tiers = len(tier_shares) + (1 if scheme == "zeithaml" else 0)
    if names is None:
        tier_names = _scheme_names(scheme, language)
        if len(tier_names) != n_tiers:
            raise CRMDataError(
                f"pyramid_tiers: {len(tier_shares)} shares need {n_tiers} names, got "
                f"{len(tier_names)} ({', '.join(tier_names)}); pass names= with one name "
                f"per tier, top first."
            )
    else:
        tier_names = tuple(str(t) for t in names)
        if len(tier_names) != n_tiers or len(set(tier_names)) != n_tiers:
            extra = " (the last one is the loss-making tier)" if scheme == "zeithaml" else ""
            raise CRMDataError(
                f"pyramid_tiers: need {n_tiers} distinct names for {len(tier_shares)} "
                f"shares{extra}, got {list(names)!r}."
            )
    x, index = _values(values, "pyramid_tiers")
    order = _order_desc(x, index)
    tier_sorted = np.empty(len(x), dtype=np.int64)
    if scheme == "zeithaml":
        profitable = int((x >= 0).sum())  # sorted descending: they come first
        tier_sorted[profitable:] = n_tiers - 1
        if profitable:
            tier_sorted[:profitable] = _split_by_shares(profitable, tier_shares)
    else:
        tier_sorted[:] = _split_by_shares(len(x), tier_shares)
    codes = np.empty(len(x), dtype=np.int64)
    codes[order] = tier_sorted
    result = pd.Series(
        pd.Categorical.from_codes(codes, categories=list(tier_names), ordered=True),
        index=index, name="tier",
    )
    result.attrs.update({"scheme": scheme, "shares": tier_shares})
    return result


def tier_summary(values: ArrayLike, tiers: pd.Series | Sequence) -> pd.DataFrame:
    """
    Summarise customers and value per tier or class.

    Parameters
    ----------
    values : Series, array-like of float
        One value per customer, aligned with ``tiers`` by position.
    tiers : Series, array-like
        The tier or class of each customer, e.g. from :func:`pyramid_tiers` or
        :func:`abc_classes`. A categorical keeps its category order (empty tiers
        included); otherwise tiers appear in sorted order.

    Returns
    -------
    DataFrame
        One row per tier with ``customers``, ``customer_share``, ``value``,
        ``value_share`` and ``mean_value`` (0 for an empty tier). Shares add up
        to 1. ``value_share`` needs a non-zero total.

    Raises
    ------
    CRMDataError
        If the lengths differ, tiers are missing, or the values are invalid or add
        up to 0.

    Examples
    --------
    >>> v = pd.Series([70, 15, 10, 5])
    >>> tier_summary(v, abc_classes(v))
               customers  customer_share  value  value_share  mean_value
    abc_class
    A                  1            0.25   70.0         0.70        70.0
    B                  2            0.50   25.0         0.25        12.5
    C                  1            0.25    5.0         0.05         5.0
    """
    x, _ = _values(values, "tier_summary")
    t = tiers if isinstance(tiers, pd.Series) else pd.Series(tiers)
    if len(t) != len(x):
        raise CRMDataError(
            f"tier_summary: {len(x)} values but {len(t)} tiers; pass one tier per customer."
        )
    if t.isna().any():
        raise CRMDataError(
            f"tier_summary: {int(t.isna().sum())} customers have no tier, in "
            f"{show_rows(t.index[t.isna().to_numpy()])}."
        )
    total = float(x.sum())
    if total == 0:
        raise CRMDataError("tier_summary: the values add up to 0, so shares are undefined.")
    frame = pd.DataFrame({"tier": t.to_numpy(), "value": x})
    if isinstance(t.dtype, pd.CategoricalDtype):
        frame["tier"] = pd.Categorical(frame["tier"], categories=t.cat.categories,
                                       ordered=t.cat.ordered)
    grouped = frame.groupby("tier", observed=False, sort=True)["value"]
    out = pd.DataFrame({"customers": grouped.size(), "value": grouped.sum()})
    out["customer_share"] = out["customers"] / len(x)
    out["value_share"] = out["value"] / total
    out["mean_value"] = (out["value"] / out["customers"].where(out["customers"] > 0)).fillna(0.0)
    out.index.name = t.name if t.name is not None else "tier"
    return out[["customers", "customer_share", "value", "value_share", "mean_value"]]


# --------------------------------------------------------------------------- profit
def whale_curve(profits: ArrayLike) -> pd.DataFrame:
    """
    Compute the whale curve (鲸鱼曲线) of cumulative profit (Kaplan & Cooper).

    Customers are sorted by profit, most profitable first; the curve shows the
    cumulative profit as a share of the total profit. When some customers lose money
    it rises above 1 (100 %), peaks where the profitable customers end, and falls
    back to exactly 1 as the loss-makers are added.

    Parameters
    ----------
    profits : Series, array-like of float
        Profit per customer (e.g. gross profit minus cost to serve); may be
        negative.

    Returns
    -------
    DataFrame
        ``n + 1`` rows starting at 0 with columns ``customer_share``,
        ``cumulative_profit`` and ``cumulative_profit_share``;
        :func:`whale_summary` gives the peak and the loss-makers.

    Raises
    ------
    CRMDataError
        If the profits are empty, non-numeric or missing, or the total profit is not
        positive (then the shares are undefined; look at ``cumulative_profit``
        yourself with a groupby).

    Notes
    -----
    Ties are broken by the index label, then position; the peak is the first point
    reaching the maximum.

    Examples
    --------
    >>> w = whale_curve([60, 50, -10])
    >>> w
       customer_share  cumulative_profit  cumulative_profit_share
    0        0.000000                0.0                      0.0
    1        0.333333               60.0                      0.6
    2        0.666667              110.0                      1.1
    3        1.000000              100.0                      1.0
    """
    x, index = _values(profits, "whale_curve")
    total = float(x.sum())
    if not total > 0:
        raise CRMDataError(
            f"whale_curve: the total profit is {total:g}; the curve is drawn as a share "
            f"of a positive total profit. The customer base loses money overall: look at "
            f"the cumulative profit in money instead (profits.sort_values(ascending=False)"
            f".cumsum())."
        )
    n = len(x)
    order = _order_desc(x, index)
    cum = np.concatenate([[0.0], np.cumsum(x[order])])
    share = cum / total
    share[-1] = 1.0
    curve = pd.DataFrame({
        "customer_share": np.arange(n + 1) / n,
        "cumulative_profit": cum,
        "cumulative_profit_share": share,
    })
    return curve


def whale_summary(profits: ArrayLike) -> dict:
    """
    Sum up the whale curve (鲸鱼曲线): its peak, the total profit and the loss-makers.

    Parameters
    ----------
    profits : Series, array-like of float
        Profit per customer, as for :func:`whale_curve`.

    Returns
    -------
    dict
        ``peak_share`` (share of customers at the peak, most profitable first),
        ``peak_height`` (the peak as a share of total profit), ``total_profit``,
        ``losing_customers`` (profit < 0) and ``loss`` (their summed profit, <= 0).

    Raises
    ------
    CRMDataError
        As :func:`whale_curve`.

    Examples
    --------
    >>> whale_summary([60, 50, -10])
    {'peak_share': 0.6666666666666666, 'peak_height': 1.1, 'total_profit': 100.0, \
'losing_customers': 1, 'loss': -10.0}
    """
    curve = whale_curve(profits)
    x, _ = _values(profits, "whale_summary")
    share = curve["cumulative_profit_share"].to_numpy()
    peak = int(np.argmax(share))
    return {
        "peak_share": float(curve["customer_share"].iloc[peak]),
        "peak_height": float(share[peak]),
        "total_profit": float(curve["cumulative_profit"].iloc[-1]),
        "losing_customers": int((x < 0).sum()),
        "loss": math.fsum(x[x < 0]),
    }


# --------------------------------------------------------------------------- from transactions
@renamed_keywords(value="amount")
def customer_values(
    transactions: Source,
    *,
    customer: str = "customer_id",
    amount: str = "amount",
    cost: str | None = None,
    engine: str | None = None,
) -> pd.Series:
    """
    Compute the value of each customer from a transaction log, on any engine.

    The per-customer aggregate that :func:`pyramid_tiers`, :func:`gini`,
    :func:`abc_classes` and :func:`whale_curve` take: the total of ``amount`` per
    customer, minus the total of ``cost`` when given (profit = gross profit minus
    cost to serve). On a big file, the aggregation runs in DuckDB or Spark and only
    the small per-customer result (one number per customer) comes back to pandas,
    where the pyramid functions rank it.

    Parameters
    ----------
    transactions : DataFrame, str, Path or PySpark DataFrame
        The transaction log: in memory, a CSV or Parquet file (or a folder of
        Parquet files), or a Spark DataFrame. It is not modified.
    customer : str, default "customer_id"
        Customer id column; it becomes the index of the result.
    amount : str, default "amount"
        The column to add up per customer (negative rows, e.g. returns, count).
        (``value=`` is its old name, kept for one release.)
    cost : str, optional
        A column subtracted per customer, e.g. ``"cost_to_serve"`` with
        ``amount="gross_profit"``.
    engine : {None, "pandas", "duckdb", "spark"}, default None
        Where to aggregate (see :mod:`crmlab.engines`): ``None`` uses pandas for a
        DataFrame (DuckDB from 1M rows), Spark for a PySpark DataFrame, and for a
        file DuckDB when DuckDB is installed and the file's columns are plain (or it
        is larger than ``crmlab.engines.AUTO_DUCKDB_BYTES``), else pandas.

    Returns
    -------
    Series
        Float, named ``value``, indexed by customer (sorted), rounded to cents so
        that rankings (and ties, broken by customer id) are identical on every engine.

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing (the message lists the columns
        present) or not numeric, values are missing, the file cannot be read, or the
        engine is unknown.

    See Also
    --------
    pyramid_tiers : tiers from these values.
    gini : concentration of these values (needs values >= 0: clip net revenue at 0).

    Notes
    -----
    The sums come from the one per-customer table,
    :func:`crmlab.customers.customer_table` (on DuckDB and Spark one SQL query,
    ``crmlab.engines.CUSTOMERS_SQL``, the same text for both).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["b", "a", "b", "c"],
    ...                    "amount": [30.0, 100.0, -10.0, 5.0],
    ...                    "cost_to_serve": [1.0, 2.0, 0.5, 4.0]})
    >>> values = customer_values(tx)
    >>> values.to_dict()
    {'a': 100.0, 'b': 20.0, 'c': 5.0}
    >>> pyramid_tiers(values, language="en").tolist()
    ['vip', 'ordinary', 'small']
    >>> customer_values(tx, cost="cost_to_serve").to_dict()
    {'a': 98.0, 'b': 18.5, 'c': 1.0}
    """
    from crmlab.customers import customer_table

    caller = "customer_values"
    base = customer_table(transactions, customer=customer, date=None, amount=amount,
                          cost=cost, engine=engine, caller=caller,
                          params={customer: "customer", amount: "amount", cost: "cost"},
                          needs=("spend", "cost"))
    return values_from_customers(base, net_of_cost=cost is not None)


@renamed_keywords(cost="net_of_cost")
def values_from_customers(base: pd.DataFrame, *, net_of_cost: bool = False) -> pd.Series:
    """The value per customer from a per-customer table: spend (minus cost), to cents.

    Parameters
    ----------
    base : DataFrame
        From :func:`crmlab.customers.customer_table` with an amount (and a cost).
    net_of_cost : bool, default False
        Subtract the ``cost`` column. Replaces ``cost=`` (a flag here, while
        ``cost=`` names a cost column everywhere else), which still works for one
        release with a ``FutureWarning``.

    Returns
    -------
    Series
        As :func:`customer_values`.

    Examples
    --------
    >>> from crmlab.customers import customer_table
    >>> tx = pd.DataFrame({"customer_id": ["a", "a"], "amount": [5.0, -1.5]})
    >>> values_from_customers(customer_table(tx, date=None)).to_dict()
    {'a': 3.5}
    """
    total = base["spend"] - base["cost"] if net_of_cost else base["spend"]
    out = total.astype(float).round(2).rename("value")
    out.index.name = base.index.name
    return out

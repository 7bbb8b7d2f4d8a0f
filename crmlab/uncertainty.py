"""Intervals for the shares, rates and differences a chapter concludes from.

Three functions, one vocabulary: :func:`share_interval` (a proportion: Wilson's score
interval, the one ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``
gives, vectorised here so a table of rates gets its intervals in one call),
:func:`difference_interval` (two proportions: Newcombe's hybrid score interval, built
from the two Wilson intervals) and :func:`bootstrap_interval` (any statistic of a
sample, through ``scipy.stats.bootstrap`` with a fixed seed, so the printed interval is
the same on every machine). Hand-written only where scipy has no vectorised form
(Wilson for arrays, Newcombe).

Each returns plain numbers (or a DataFrame) and says nothing itself; the notebooks
print the interval next to the number and call evidence weak when the interval is wide
or crosses the line that matters.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from crmlab.validation import check_fraction

__all__ = ["share_interval", "difference_interval", "bootstrap_interval"]


def _z(confidence: float) -> float:
    check_fraction(confidence, name="confidence", caller="interval", low_open=True,
                   high_open=True)
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _wilson(successes, n, z: float):
    successes = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
    low = np.where(successes == 0, 0.0, low)
    high = np.where(successes == n, 1.0, high)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def _counts(successes, n) -> tuple[np.ndarray, np.ndarray]:
    from crmlab._errors import CRMDataError

    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    bad = ~np.isfinite(k) | ~np.isfinite(m) | (k < 0) | (k > m) | (k != np.round(k)) \
        | (m != np.round(m))
    if np.any(bad):
        raise CRMDataError("interval: successes must be whole numbers between 0 and n; "
                           f"got successes={successes!r}, n={n!r}. Fix: pass counts "
                           "(e.g. converted.sum() and len(leads)), not rates.")
    return k, m


def share_interval(successes: Any, n: Any, *, confidence: float = 0.95
                   ) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a share ``successes / n``.

    Parameters
    ----------
    successes, n : int or array-like of int
        Counts: how many have the property, out of how many.
    confidence : float
        Coverage of the interval (default 0.95).

    Returns
    -------
    tuple of float (low, high), or of arrays when the inputs are arrays.

    Examples
    --------
    >>> low, high = share_interval(45, 100)
    >>> round(low, 4), round(high, 4)
    (0.3561, 0.5475)
    >>> share_interval([0, 10], [20, 10])[0].round(6).tolist()  # as scipy's binomtest gives
    [0.0, 0.722467]
    """
    k, m = _counts(successes, n)
    low, high = _wilson(k, m, _z(confidence))
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


def difference_interval(successes_a: int, n_a: int, successes_b: int, n_b: int, *,
                        confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe's interval for the difference of two shares, ``a - b``.

    Built from the two Wilson intervals (Newcombe 1998, method 10); it stays inside
    [-1, 1] and behaves at 0 % and 100 %, where the textbook's normal interval does not.
    When it contains 0, the data cannot tell which share is larger.

    Examples
    --------
    Newcombe's own example, 56/70 against 48/80:

    >>> low, high = difference_interval(56, 70, 48, 80)
    >>> round(low, 4), round(high, 4)
    (0.0524, 0.3339)
    >>> low, high = difference_interval(12, 40, 10, 40)
    >>> low < 0 < high  # cannot tell these apart
    True
    """
    k1, m1 = _counts(successes_a, n_a)
    k2, m2 = _counts(successes_b, n_b)
    z = _z(confidence)
    l1, u1 = _wilson(k1, m1, z)
    l2, u2 = _wilson(k2, m2, z)
    p1, p2 = k1 / m1, k2 / m2
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(low), float(high)


def bootstrap_interval(data: Any, statistic: Callable[..., float], *, n_resamples: int = 2000,
                       confidence: float = 0.95, seed: int = 0,
                       method: str = "percentile") -> tuple[float, float]:
    """Bootstrap interval of ``statistic(data)`` with a fixed seed (same on every machine).

    Parameters
    ----------
    data : array-like, Series, or a tuple of them (resampled together, row by row)
    statistic : callable
        Takes the resampled arrays and returns one number, e.g. ``np.mean`` or
        ``lambda x: top_share(x, 0.2)``.
    n_resamples, confidence, seed
        The bootstrap's size, coverage and random seed.
    method : {"percentile", "basic", "BCa"}
        As in ``scipy.stats.bootstrap``.

    Examples
    --------
    >>> x = np.arange(1.0, 101.0)
    >>> low, high = bootstrap_interval(x, np.mean)
    >>> round(low, 1), round(high, 1)
    (44.9, 56.1)
    """
    from scipy import stats

    from crmlab.validation import check_option

    check_option(method, ("percentile", "basic", "BCa"), name="method",
                 caller="bootstrap_interval")
    _z(confidence)  # checks it
    samples = data if isinstance(data, tuple) else (data,)
    arrays = tuple(np.asarray(s.to_numpy() if isinstance(s, pd.Series) else s, dtype=float)
                   for s in samples)
    result = stats.bootstrap(arrays, statistic, n_resamples=n_resamples,
                             confidence_level=confidence,
                             method=method, paired=len(arrays) > 1, vectorized=False,
                             rng=np.random.default_rng(seed))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)

"""The BG/BB model of discrete-time repeat transactions (Fader, Hardie & Shang 2010).

Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time noncontractual
setting", *Marketing Science* 29(6): at each of ``n`` transaction opportunities (a yearly
fund drive, an annual event) a customer who is alive transacts with probability
p ~ Beta(alpha, beta), and before each opportunity she becomes inactive for good with
probability theta ~ Beta(gamma, delta). A customer is summarised by ``frequency`` x (the
opportunities she used), ``recency`` t_x (the last one she used) and ``periods`` n.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.clv._base import (
    _as_array,
    _finite,
    _Fitter,
    _horizon,
    _output,
    _rate,
    _summary_columns,
)
from crmlab.validation import check_number, require, show_rows

__all__ = ["BetaGeoBetaBinom"]


def _bgbb_terms(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, n: np.ndarray,
                ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """The log of each term of the likelihood (FHS 2010, eq. 5), one column each, and the
    beta-function arguments (m, g, d) of each: ``B(alpha + x, beta + m) / B(alpha, beta)
    * B(gamma + g, delta + d) / B(gamma, delta)``; absent terms are -inf."""
    from scipy.special import betaln

    alpha, beta, gamma, delta = params
    base = betaln(alpha, beta) + betaln(gamma, delta)
    args = [(n - x, np.zeros_like(x), n)]  # alive through all n opportunities
    for i in range(int(np.max(n - t_x)) if n.size else 0):
        # inactive from opportunity t_x + i + 1 on: alive (and silent) for i after t_x
        args.append((t_x - x + i, np.ones_like(x), t_x + i))
    logs = []
    for k, (m, g, d) in enumerate(args):
        value = betaln(alpha + x, beta + m) + betaln(gamma + g, delta + d) - base
        logs.append(value if k == 0 else np.where(k - 1 < n - t_x, value, -np.inf))
    return np.column_stack(logs), args


def _bgbb_loglik(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, n: np.ndarray,
                 gradient: bool = False) -> Any:
    """Per-pattern BG/BB log-likelihood; with ``gradient=True`` also its derivatives by
    (alpha, beta, gamma, delta), one row each."""
    from scipy.special import digamma, logsumexp

    alpha, beta, gamma, delta = params
    logs, args = _bgbb_terms(params, x, t_x, n)
    ll = logsumexp(logs, axis=1)
    if not gradient:
        return ll
    share = np.exp(logs - ll[:, None])  # each term's share of the likelihood
    ab, gd = digamma(alpha + beta), digamma(gamma + delta)
    grad = np.zeros((4, x.size))
    for k, (m, g, d) in enumerate(args):
        top = digamma(alpha + x + beta + m)
        low = digamma(gamma + g + delta + d)
        parts = (digamma(alpha + x) - top - digamma(alpha) + ab,
                 digamma(beta + m) - top - digamma(beta) + ab,
                 digamma(gamma + g) - low - digamma(gamma) + gd,
                 digamma(delta + d) - low - digamma(delta) + gd)
        for row, part in enumerate(parts):
            grad[row] += np.where(share[:, k] > 0, share[:, k] * part, 0.0)
    return ll, grad


def _bgbb_objective(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, n: np.ndarray,
                    weights: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood per customer and its gradient by log-parameters."""
    params = np.exp(log_params)
    with np.errstate(all="ignore"):
        ll, grad = _bgbb_loglik(params, x, t_x, n, gradient=True)
        total = np.sum(weights)
        value = -np.sum(ll * weights) / total
        jac = -np.sum(grad * weights, axis=1) / total * params
    return _finite(value, jac, log_params)


def _check_patterns(x: np.ndarray, t_x: np.ndarray, n: np.ndarray, index: pd.Index,
                    caller: str) -> None:
    problems = [
        ((x < 0) | (t_x < 0) | (n < 0), "frequency, recency and periods must be >= 0"),
        ((x != np.round(x)) | (t_x != np.round(t_x)) | (n != np.round(n)),
         "frequency, recency and periods must be whole numbers of transaction "
         "opportunities"),
        (x > t_x, "frequency cannot exceed recency (x transactions take at least x "
                  "opportunities, the last at recency)"),
        (t_x > n, "recency cannot exceed periods"),
        ((x == 0) & (t_x != 0), "a customer with frequency 0 must have recency 0"),
    ]
    for bad, what in problems:
        if np.any(bad):
            raise CRMDataError(
                f"{caller}: {what}; {int(np.sum(bad))} rows break this, in "
                f"{show_rows(index[bad])}. Count, per customer, the opportunities with a "
                f"transaction (frequency), the last one (recency) and all of them (periods).")


class BetaGeoBetaBinom(_Fitter):
    """BG/BB model of repeat transactions at discrete opportunities (Fader, Hardie & Shang 2010).

    At each opportunity a customer who is still alive transacts with her own probability
    p ~ Beta(alpha, beta); before each one she may become inactive for good with her own
    probability theta ~ Beta(gamma, delta). The counterpart of the BG/NBD when
    transactions can only happen at set times (a yearly fund drive, a conference).

    Attributes
    ----------
    params_ : dict
        ``alpha``, ``beta`` (transaction probability), ``gamma``, ``delta`` (drop-out
        probability).
    standard_errors_ : dict
        Standard errors from the inverse Hessian of the log-likelihood.
    log_likelihood_ : float
        The total log-likelihood at ``params_`` (comparable with published values).
    converged_ : bool
        Whether the search converged to ``FIT_TOLERANCE``.
    n_ : int
        Number of customers fitted (the sum of the counts).

    Examples
    --------
    >>> import crmlab
    >>> donations = crmlab.load_data("donations")
    >>> bgbb = BetaGeoBetaBinom().fit(donations, count="weights")
    >>> bgbb
    BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783; fitted on 11,104 customers)
    >>> round(bgbb.log_likelihood_, 1)
    -33225.6
    """

    _fit_arg = "data"
    _param_names = ("alpha", "beta", "gamma", "delta")
    _objective = staticmethod(_bgbb_objective)

    def fit(self, data: pd.DataFrame, *, count: str | None = None) -> BetaGeoBetaBinom:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        data : DataFrame
            Columns ``frequency`` (opportunities with a transaction), ``recency`` (the
            last such opportunity, 0 if none) and ``periods`` (opportunities observed);
            one row per customer, or per pattern with ``count``.
        count : str, optional
            Column counting the customers of each row (``"weights"`` in the
            ``donations`` data).

        Returns
        -------
        BetaGeoBetaBinom
            self, fitted.

        Raises
        ------
        CRMDataError
            If a column is missing or not numeric, a value is not a whole number or is
            out of order (frequency <= recency <= periods), a weight is negative, or the
            optimiser fails.

        Examples
        --------
        >>> d = pd.DataFrame({"frequency": [0, 2, 3], "recency": [0, 3, 2], "periods": 4})
        >>> BetaGeoBetaBinom().fit(d)
        Traceback (most recent call last):
        ...
        crmlab._errors.CRMDataError: BetaGeoBetaBinom.fit: frequency cannot exceed recency ...
        """
        caller = "BetaGeoBetaBinom.fit"
        x, t_x, n, index = self._patterns(data, caller)
        w = _counts(data, count, x, index, caller)
        if np.sum(w) <= 0:
            raise CRMDataError(f"{caller}: no customers to fit (the counts sum to 0).")
        params = self._estimate(
            [np.zeros(4), np.log([1.0, 1.0, 0.5, 3.0])], (x, t_x, n, w), n=float(np.sum(w)),
            caller=caller, causes=lambda: _bgbb_causes(x, n, w))
        self.log_likelihood_ = float(np.sum(w * _bgbb_loglik(params, x, t_x, n)))
        self.n_ = int(round(float(np.sum(w))))
        return self

    @staticmethod
    def _patterns(data: Any, caller: str) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                      pd.Index]:
        df = _summary_columns(data, caller, ("frequency", "recency", "periods"))
        x, t_x, n = (df[c].to_numpy(dtype=float) for c in ("frequency", "recency", "periods"))
        _check_patterns(x, t_x, n, df.index, caller)
        return x, t_x, n, df.index

    def _inputs(self, data: pd.DataFrame | None, frequency: Any, recency: Any, periods: Any,
                caller: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index | None]:
        self._check_fitted()
        if data is not None:
            x, t_x, n, index = self._patterns(data, caller)
            return x, t_x, n, index
        if frequency is None or recency is None or periods is None:
            raise CRMDataError(f"{caller}: pass the data, or all of frequency=, recency= and "
                               f"periods=.")
        x, t_x, n = np.broadcast_arrays(*(
            np.atleast_1d(_as_array(v, name, caller)) for v, name in
            ((frequency, "frequency"), (recency, "recency"), (periods, "periods"))))
        _check_patterns(x, t_x, n, pd.RangeIndex(x.size), caller)
        return x.astype(float), t_x.astype(float), n.astype(float), None

    def _params(self) -> np.ndarray:
        return np.array([self.params_[k] for k in self._param_names])

    @staticmethod
    def _scalar(values: np.ndarray, index: pd.Index | None, name: str,
                scalar: bool) -> Any:
        if index is None and scalar:
            return float(values[0])
        return _output(values, index, name)

    def probability_alive(self, data: pd.DataFrame | None = None, *, frequency: Any = None,
                          recency: Any = None, periods: Any = None,
                          ) -> pd.Series | float | np.ndarray:
        """Return the probability that each customer is alive at the next opportunity.

        P(alive at n + 1 | x, t_x, n) (Fader, Hardie & Shang 2010, eq. 11).

        Parameters
        ----------
        data : DataFrame, optional
            Customers (``frequency``, ``recency``, ``periods``); or pass the three
            values.
        frequency, recency, periods : int or array, optional
            One customer's (or arrays of customers') history.

        Returns
        -------
        Series (indexed like ``data``) or float / array, in [0, 1]

        Raises
        ------
        CRMDataError
            If the model is not fitted, or the history is invalid.

        Examples
        --------
        >>> bgbb = BetaGeoBetaBinom()
        >>> bgbb.params_ = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
        >>> [round(bgbb.probability_alive(frequency=x, recency=t, periods=6), 3)
        ...  for x, t in ((6, 6), (3, 3), (0, 0))]
        [0.93, 0.095, 0.108]
        """
        from scipy.special import betaln

        caller = "BetaGeoBetaBinom.probability_alive"
        scalar = data is None and np.ndim(frequency) == 0
        x, t_x, n, index = self._inputs(data, frequency, recency, periods, caller)
        params = self._params()
        alpha, beta, gamma, delta = params
        log_alive = (betaln(alpha + x, beta + n - x) - betaln(alpha, beta)
                     + betaln(gamma, delta + n + 1) - betaln(gamma, delta))
        value = np.exp(log_alive - _bgbb_loglik(params, x, t_x, n))
        return self._scalar(value, index, "probability_alive", scalar)

    def expected_purchases(self, t: Any, data: pd.DataFrame | None = None, *,
                           frequency: Any = None, recency: Any = None, periods: Any = None,
                           ) -> pd.Series | float | np.ndarray:
        """Return the expected number of transactions in the next ``t`` opportunities.

        E[X(n, n + t) | x, t_x, n] (Fader, Hardie & Shang 2010, eq. 13).

        Parameters
        ----------
        t : int or float
            Number of future opportunities.
        data : DataFrame, optional
            Customers; or pass ``frequency``, ``recency`` and ``periods``.
        frequency, recency, periods : int or array, optional
            One customer's (or arrays of customers') history.

        Returns
        -------
        Series (indexed like ``data``) or float / array

        Raises
        ------
        CRMDataError
            If the model is not fitted, ``t`` is negative, or the history is invalid.

        Examples
        --------
        >>> bgbb = BetaGeoBetaBinom()
        >>> bgbb.params_ = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
        >>> [round(bgbb.expected_purchases(5, frequency=x, recency=t, periods=6), 2)
        ...  for x, t in ((6, 6), (3, 3), (0, 0))]
        [3.75, 0.22, 0.07]
        """
        from scipy.special import betaln, gammaln

        caller = "BetaGeoBetaBinom.expected_purchases"
        t = float(check_number(t, name="t", caller=caller, low=0))
        scalar = data is None and np.ndim(frequency) == 0
        x, t_x, n, index = self._inputs(data, frequency, recency, periods, caller)
        params = self._params()
        alpha, beta, gamma, delta = params
        # (Gamma(1 + d + n) / Gamma(g + d + n) - same at n + t) / (g - 1), without 0/0
        now = gammaln(1 + delta + n) - gammaln(gamma + delta + n)
        later = gammaln(1 + delta + n + t) - gammaln(gamma + delta + n + t)
        with np.errstate(all="ignore"):
            span = -np.exp(now) * np.expm1(later - now) / (gamma - 1)
            log_head = (betaln(alpha + x + 1, beta + n - x) - betaln(alpha, beta)
                        + np.log(delta) + gammaln(gamma + delta) - gammaln(1 + delta))
            value = np.exp(log_head - _bgbb_loglik(params, x, t_x, n)) * span
        return self._scalar(value, index, "expected_purchases", scalar)

    def expected_purchases_new(self, t: Any) -> float | np.ndarray:
        """Return the expected transactions E[X(t)] of a new customer in ``t`` opportunities.

        ``alpha / (alpha + beta) * delta / (gamma - 1) * (1 - Gamma(gamma + delta)
        Gamma(1 + delta + t) / (Gamma(gamma + delta + t) Gamma(1 + delta)))``
        (Fader, Hardie & Shang 2010, eq. 9).

        Parameters
        ----------
        t : int, float or array
            Number of opportunities.

        Returns
        -------
        float or array

        Raises
        ------
        CRMDataError
            If the model is not fitted or ``t`` is negative.

        Examples
        --------
        >>> bgbb = BetaGeoBetaBinom()
        >>> bgbb.params_ = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
        >>> bgbb.expected_purchases_new([0, 6, 11]).round(2)
        array([0.  , 2.22, 3.39])
        """
        from scipy.special import gammaln

        self._check_fitted()
        alpha, beta, gamma, delta = self._params()
        t = _horizon(t, "BetaGeoBetaBinom.expected_purchases_new")
        with np.errstate(all="ignore"):
            ratio = ((gammaln(1 + delta + t) - gammaln(1 + delta))
                     - (gammaln(gamma + delta + t) - gammaln(gamma + delta)))
            value = alpha / (alpha + beta) * delta * -np.expm1(ratio) / (gamma - 1)
        return _output(value + 0.0, None, "expected_purchases_new")

    def _pmf(self, n: np.ndarray, x: np.ndarray) -> np.ndarray:
        """P(X(n) = x) for a new customer (Fader, Hardie & Shang 2010, eq. 7)."""
        from scipy.special import betaln, gammaln

        alpha, beta, gamma, delta = self._params()
        n, x = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(x, dtype=float))

        def log_choose(a, b):
            return gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)

        with np.errstate(all="ignore"):
            value = np.where(x <= n, np.exp(
                log_choose(n, x) + betaln(alpha + x, beta + n - x) - betaln(alpha, beta)
                + betaln(gamma, delta + n) - betaln(gamma, delta)), 0.0)
            for i in range(int(np.max(n)) if n.size else 0):
                term = np.exp(log_choose(i, x) + betaln(alpha + x, beta + i - x)
                              - betaln(alpha, beta) + betaln(gamma + 1, delta + i)
                              - betaln(gamma, delta))
                value = value + np.where((i >= x) & (i < n), term, 0.0)
        return value

    def period_transactions(self, data: pd.DataFrame, *,
                            count: str | None = None) -> pd.DataFrame:
        """Count customers by number of transactions: actual vs. the model's expectation.

        Parameters
        ----------
        data : DataFrame
            As for :meth:`fit` (``frequency``, ``periods``).
        count : str, optional
            Column counting the customers of each row.

        Returns
        -------
        DataFrame
            Indexed by ``repeat_purchases`` (0 .. the most periods); ``actual`` and
            ``expected`` numbers of customers. ``attrs``: ``model``.

        Raises
        ------
        CRMDataError
            If the model is not fitted or a column is missing.

        Examples
        --------
        >>> import crmlab
        >>> donations = crmlab.load_data("donations")
        >>> bgbb = BetaGeoBetaBinom().fit(donations, count="weights")
        >>> bgbb.period_transactions(donations, count="weights").round(0).T
        repeat_purchases       0       1       2       3       4       5       6
        actual            3464.0  1823.0  1430.0  1085.0  1036.0  1063.0  1203.0
        expected          3455.0  1889.0  1349.0  1113.0  1018.0  1027.0  1253.0
        """
        caller = "BetaGeoBetaBinom.period_transactions"
        self._check_fitted()
        x, _, n, index = self._patterns(data, caller)
        w = _counts(data, count, x, index, caller)
        top = int(np.max(n))
        xs = np.arange(top + 1, dtype=float)
        expected = np.zeros(top + 1)
        for periods in np.unique(n):
            count = float(np.sum(w[n == periods]))
            expected += count * self._pmf(np.full_like(xs, periods), xs)
        actual = np.bincount(x.astype(int), weights=w, minlength=top + 1)
        out = pd.DataFrame({"actual": actual, "expected": expected},
                           index=pd.Index([str(int(v)) for v in xs], name="repeat_purchases"))
        out.attrs = {"model": "BG/BB"}
        return out

    def dert(self, discount: float, data: pd.DataFrame | None = None, *,
             frequency: Any = None, recency: Any = None, periods: Any = None,
             ) -> pd.Series | float | np.ndarray:
        """Return the discounted expected residual transactions (DERT) of each customer.

        The present value, at ``discount`` per opportunity, of her transactions from the
        next opportunity on (Fader, Hardie & Shang 2010, eq. 14); times the value of a
        transaction it is her residual lifetime value.

        Parameters
        ----------
        discount : float
            Discount rate per opportunity, a decimal in (0, 1) (0.1 for 10%).
        data : DataFrame, optional
            Customers; or pass ``frequency``, ``recency`` and ``periods``.
        frequency, recency, periods : int or array, optional
            One customer's (or arrays of customers') history.

        Returns
        -------
        Series (indexed like ``data``) or float / array

        Raises
        ------
        CRMDataError
            If the model is not fitted, the rate is not in (0, 1), or the history is
            invalid.

        Examples
        --------
        >>> bgbb = BetaGeoBetaBinom()
        >>> bgbb.params_ = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
        >>> [round(bgbb.dert(0.1, frequency=x, recency=t, periods=6), 2)
        ...  for x, t in ((6, 6), (3, 3), (0, 0))]
        [5.91, 0.35, 0.11]
        """
        from scipy.special import betaln, hyp2f1

        caller = "BetaGeoBetaBinom.dert"
        d = _rate(discount, "discount", caller)
        if d <= 0:
            raise CRMDataError(f"{caller}: discount must be > 0 (the sum diverges at 0); for "
                               f"example discount=0.1.")
        scalar = data is None and np.ndim(frequency) == 0
        x, t_x, n, index = self._inputs(data, frequency, recency, periods, caller)
        params = self._params()
        alpha, beta, gamma, delta = params
        log_head = (betaln(alpha + x + 1, beta + n - x) - betaln(alpha, beta)
                    + betaln(gamma, delta + n + 1) - betaln(gamma, delta) - np.log1p(d))
        value = (np.exp(log_head - _bgbb_loglik(params, x, t_x, n))
                 * hyp2f1(1, delta + n + 1, gamma + delta + n + 1, 1 / (1 + d)))
        return self._scalar(value, index, "dert", scalar)


def _counts(data: pd.DataFrame, count: str | None, x: np.ndarray, index: pd.Index,
            caller: str) -> np.ndarray:
    """The number of customers of each row: the ``count`` column, or 1 each."""
    if count is None:
        return np.ones_like(x)
    w = require(data, {count: "number"}, caller=caller,
                params={count: "count"})[count].to_numpy(dtype=float)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise CRMDataError(
            f"{caller}: column {count!r} counts customers, so it must be finite and >= 0; "
            f"{int(bad.sum())} rows are not, in {show_rows(index[bad], w[bad])}.")
    return w


def _bgbb_causes(x: np.ndarray, n: np.ndarray, w: np.ndarray) -> list[str]:
    """What in the data makes the BG/BB fit run to a boundary (for the warning)."""
    causes = []
    repeat = float(np.sum(w[x > 0]))
    if repeat < 30:
        causes.append(f"too few repeat transactions: {repeat:,.0f} customers with one")
    if float(np.max(n)) < 3:
        causes.append("fewer than 3 opportunities observed, too few to tell transaction "
                      "from drop-out probabilities")
    return causes

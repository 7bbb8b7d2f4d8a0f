"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005a).

Fader, Hardie & Lee (2005a), "Counting your customers the easy way", *Marketing
Science* 24(2): while alive, a customer buys as a Poisson process; after each purchase
she drops out with some probability. The model is fitted to the summary of
:func:`crmlab.clv.summary_from_transactions` and predicts in its time unit.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from crmlab.clv import _evaluation
from crmlab.clv._base import (
    _by_count,
    _compress,
    _fit_unit,
    _horizon,
    _inputs,
    _nbd_at_least,
    _nbd_pmf,
    _neg_mean_loglik,
    _output,
    _PenalizedFitter,
    _summary_causes,
)
from crmlab.clv._evaluation import _PurchaseModel

__all__ = ["BetaGeo"]


def _bg_loglik(params, x, t_x, T, gradient=False):
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005a, eq. 6).

    With ``gradient=True`` also its derivatives by (r, alpha, a, b), one row each. The
    special functions depend on the frequency only, so they are computed once per
    distinct frequency (:func:`~crmlab.clv._base._by_count`).
    """
    from scipy.special import betaln, digamma, gammaln

    r, alpha, a, b = params
    log_at, log_atx = np.log(alpha + T), np.log(alpha + t_x)
    a1 = _by_count(gammaln, r, x) - gammaln(r) + r * np.log(alpha)
    a2 = _by_count(lambda v: betaln(a, v), b, x) - betaln(a, b) - (r + x) * log_at
    repeat = x > 0
    # betaln(a + 1, b + x - 1) is only used where x > 0; x = 0 looks up b - 1 (harmless)
    a3 = np.where(repeat, _by_count(lambda v: betaln(a + 1, np.maximum(v, 1e-300)), b - 1, x)
                  - betaln(a, b) - (r + x) * log_atx, -np.inf)
    mix = np.logaddexp(a2, a3)
    ll = a1 + mix
    if not gradient:
        return ll
    # weights of the two terms of the mixture: w3 = exp(a3) / (exp(a2) + exp(a3))
    w3 = np.exp(a3 - mix)
    w2 = 1.0 - w3
    d_ab = digamma(a + b) - _by_count(digamma, a + b, x)
    bx1 = np.where(repeat, b + x - 1, 1.0)  # b + x - 1 where w3 > 0
    grad = np.vstack([
        _by_count(digamma, r, x) - digamma(r) + np.log(alpha) - w2 * log_at - w3 * log_atx,
        r / alpha - (r + x) * (w2 / (alpha + T) + w3 / (alpha + t_x)),
        d_ab + w3 / a,
        d_ab - digamma(b) + _by_count(digamma, b, x) - w3 / bx1,
    ])
    return ll, grad


def _bg_objective(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                  penalizer: float, weights: np.ndarray | None = None,
                  ) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood (plus penalty) and its gradient by log-parameters."""
    return _neg_mean_loglik(_bg_loglik, log_params, (x, t_x, T), penalizer, weights)


class BetaGeo(_PurchaseModel, _PenalizedFitter):
    """BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005a).

    While alive, a customer buys as a Poisson process with rate lambda ~
    Gamma(r, alpha); after each purchase she drops out with probability p ~
    Beta(a, b). The model is fitted to a summary from
    :func:`~crmlab.clv.summary_from_transactions` and predicts in the summary's time
    unit, kept in ``unit_``.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty on the parameters, added like lifetimes' ``penalizer_coef``:
        the objective is the mean negative log-likelihood plus
        ``penalizer * (r**2 + alpha**2 + a**2 + b**2)``. 0 gives the maximum
        likelihood estimates.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha``, ``a``, ``b``.
    standard_errors_ : dict
        Standard errors from the inverse Hessian of the log-likelihood.
    log_likelihood_ : float
        The total log-likelihood at ``params_`` (comparable with published values).
    converged_ : bool
        Whether the search converged to ``FIT_TOLERANCE``.
    unit_ : {"D", "W"}
        The time unit of the fitted summary (days or weeks); ``alpha``, recency, T
        and the horizons of all predictions are in this unit.
    freq_ : str
        Deprecated alias of ``unit_`` (a ``FutureWarning``); it will be removed in
        the next release.
    n_ : int
        Number of customers fitted.

    Examples
    --------
    >>> import crmlab
    >>> from crmlab import clv
    >>> cdnow = crmlab.load_data("cdnow_sample")
    >>> s = clv.summary_from_transactions(cdnow, observation_end="1997-09-30", unit="W")
    >>> bg = BetaGeo().fit(s)
    >>> bg
    BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426; fitted on 2,357 customers)
    >>> round(bg.log_likelihood_, 1), bg.unit_
    (-9582.4, 'W')
    """

    _param_names = ("r", "alpha", "a", "b")
    _scale_params = ("alpha",)
    _label = "BG/NBD"
    _objective = staticmethod(_bg_objective)

    def fit(self, summary: pd.DataFrame, *, unit: str | None = None) -> BetaGeo:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        summary : DataFrame
            From :func:`~crmlab.clv.summary_from_transactions`: ``frequency`` (whole
            numbers), ``recency`` and ``T`` in one time unit, recorded in
            ``summary.attrs["unit"]``.
        unit : {"D", "W"}, optional
            The time unit of ``recency`` and ``T``, for a summary that does not record
            it (one built by hand). If the summary records a unit, ``unit`` must agree
            with it.

        Returns
        -------
        BetaGeo
            self, fitted.

        Raises
        ------
        CRMDataError
            If a column is missing or not numeric, a frequency is not a whole
            number, a value is negative, recency exceeds T, a customer without
            repeat purchases has a recency, the penalizer is negative, the time unit
            is unknown (neither ``attrs["unit"]`` nor ``unit=``) or disagrees with the
            summary's, or the optimiser fails.

        Examples
        --------
        >>> s = pd.DataFrame({"frequency": [0.0, 1, 2, 3], "recency": [0.0, 20, 30, 35],
        ...                   "T": [40.0, 40, 38, 36]})
        >>> BetaGeo().fit(s)
        Traceback (most recent call last):
        ...
        crmlab._errors.CRMDataError: BetaGeo.fit: the summary does not record its time unit ...
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:  # four customers are too few
        ...     warnings.simplefilter("always")
        ...     bg = BetaGeo().fit(s, unit="W")
        >>> bg.unit_, caught[0].category.__name__
        ('W', 'CRMFitWarning')
        """
        caller = "BetaGeo.fit"
        x, t_x, T, _ = _inputs(summary, None, None, None, caller)
        penalizer = self._checked_penalizer(caller)
        unit = _fit_unit(summary, unit, caller)
        # start: r, alpha from the mean purchase rate; a, b = 1
        rate = max(float(np.sum(x) / max(np.sum(T), 1e-9)), 1e-6)
        starts = [np.log([1.0, 1.0 / rate, 1.0, 1.0]), np.zeros(4)]
        (xs, ts, Ts), counts = _compress(x, t_x, T)
        params = self._estimate(
            starts, (xs, ts, Ts, penalizer, counts), n=len(x), caller=caller,
            advice=" Check the summary (units, outliers).",
            causes=lambda: _summary_causes(x, t_x, T, unit))
        self.log_likelihood_ = float(np.sum(_bg_loglik(params, x, t_x, T)))
        self.unit_ = unit
        self.n_ = int(len(x))
        self._note_extent(x, T)
        return self

    def _pmf(self, t: np.ndarray, x: np.ndarray) -> np.ndarray:
        """P(X(t) = x): x repeat purchases in a new customer's first t periods (FHL eq. 8)."""
        from scipy.special import betaln

        r, alpha, a, b = (self.params_[k] for k in ("r", "alpha", "a", "b"))
        x = np.asarray(x, dtype=float)
        alive = np.exp(betaln(a, b + x) - betaln(a, b)) * _nbd_pmf(r, alpha, t, x)
        gone = np.exp(betaln(a + 1, np.maximum(b + x - 1, 1e-300)) - betaln(a, b))
        return alive + np.where(x > 0, gone * _nbd_at_least(r, alpha, t, x), 0.0)

    @property
    def freq_(self) -> str:
        """Deprecated alias of ``unit_``: the model's time unit."""
        if "unit_" not in vars(self):
            raise AttributeError(f"{type(self).__name__} has no freq_ (deprecated: the time "
                                 f"unit is unit_, set by fit)")
        warnings.warn(f"{type(self).__name__}.freq_ is now unit_; freq_ will stop working in "
                      f"the next release.", FutureWarning, stacklevel=2)
        return self.unit_

    @freq_.setter
    def freq_(self, value: str) -> None:
        warnings.warn(f"{type(self).__name__}.freq_ is now unit_; freq_ will stop working in "
                      f"the next release.", FutureWarning, stacklevel=2)
        self.unit_ = value

    def __setstate__(self, state: dict[str, Any]) -> None:
        # a model pickled before unit_ existed kept its unit in freq_
        if "freq_" in state and "unit_" not in state:
            state = {**state, "unit_": state["freq_"]}
        state = {k: v for k, v in state.items() if k != "freq_"}
        self.__dict__.update(state)

    def expected_purchases(self, t: Any, summary: pd.DataFrame | None = None, *,
                           frequency: Any = None, recency: Any = None,
                           T: Any = None) -> pd.Series | float | np.ndarray:
        """Return the expected number of purchases in the next ``t`` periods, per customer.

        The conditional expectation E[Y(t) | x, t_x, T] of Fader, Hardie & Lee
        (2005a, eq. 10), given each customer's history.

        Parameters
        ----------
        t : float or array
            Horizon, in the model's time unit ``unit_`` (weeks if the summary was in
            weeks).
        summary : DataFrame, optional
            Customers to predict for; or pass ``frequency``, ``recency`` and ``T``.
        frequency, recency, T : float or array, optional
            One customer's (or arrays of customers') history, in ``unit_``.

        Returns
        -------
        Series (indexed like ``summary``) or float / array

        Raises
        ------
        CRMDataError
            If the model is not fitted, or the history is invalid.

        Examples
        --------
        >>> bg = BetaGeo()
        >>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
        >>> round(bg.expected_purchases(39, frequency=2, recency=30.43, T=38.86), 3)
        1.226
        """
        self._check_fitted()
        caller = "BetaGeo.expected_purchases"
        x, t_x, big_t, index = _inputs(summary, frequency, recency, T, caller)
        t = _horizon(t, caller)
        return _output(self._path(t, x, t_x, big_t), index, "expected_purchases")

    def _path(self, t: Any, x: Any, t_x: Any, T: Any) -> np.ndarray:
        """E[Y(t) | x, t_x, T] for broadcastable arrays (FHL 2005a, eq. 10)."""
        from scipy.special import hyp2f1

        r, alpha, a, b = (self.params_[k] for k in ("r", "alpha", "a", "b"))
        with np.errstate(all="ignore"):
            z = t / (alpha + T + t)
            head = (a + b + x - 1) / (a - 1)
            body = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(
                r + x, b + x, a + b + x - 1, z)
            return head * body / self._alive_denominator(x, t_x, T)

    def _alive_denominator(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        r, alpha, a, b = (self.params_[k] for k in ("r", "alpha", "a", "b"))
        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(
                x > 0,
                a / np.maximum(b + x - 1, 1e-300)
                * ((alpha + T) / (alpha + t_x)) ** (r + x),
                0.0,
            )
        return 1 + ratio

    def probability_alive(self, summary: pd.DataFrame | None = None, *, frequency: Any = None,
                          recency: Any = None, T: Any = None) -> pd.Series | float | np.ndarray:
        """Return the probability that each customer is still alive at the end of observation.

        P(alive | x, t_x, T) (Fader, Hardie & Lee 2005a, eq. 11). A customer with no
        repeat purchase (x = 0) is alive with probability 1 in this model: she can
        only drop out right after a purchase.

        Parameters
        ----------
        summary : DataFrame, optional
            Customers; or pass ``frequency``, ``recency`` and ``T`` (in ``unit_``).
        frequency, recency, T : float or array, optional
            One customer's (or arrays of customers') history.

        Returns
        -------
        Series (indexed like ``summary``) or float / array, in [0, 1]

        Raises
        ------
        CRMDataError
            If the model is not fitted, or the history is invalid.

        Examples
        --------
        >>> bg = BetaGeo()
        >>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
        >>> bg.probability_alive(frequency=0, recency=0, T=30)
        1.0
        >>> round(bg.probability_alive(frequency=4, recency=5, T=38), 3)
        0.011
        """
        self._check_fitted()
        caller = "BetaGeo.probability_alive"
        x, t_x, big_t, index = _inputs(summary, frequency, recency, T, caller)
        return _output(1 / self._alive_denominator(x, t_x, big_t), index, "probability_alive")

    def expected_purchases_new(self, t: Any) -> float | np.ndarray:
        """Return the expected purchases E[X(t)] of a new customer in her first ``t`` periods.

        The unconditional expectation (Fader, Hardie & Lee 2005a, eq. 9), repeat
        purchases only, ``t`` in the model's time unit ``unit_``.

        Parameters
        ----------
        t : float or array
            Time since the first purchase, in ``unit_``.

        Returns
        -------
        float or array

        Raises
        ------
        CRMDataError
            If the model is not fitted or ``t`` is negative.

        Examples
        --------
        >>> bg = BetaGeo()
        >>> bg.expected_purchases_new(10)
        Traceback (most recent call last):
        ...
        crmlab._errors.CRMDataError: BetaGeo is not fitted yet: call .fit(summary) first.
        >>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
        >>> bg.expected_purchases_new([0, 39, 78]).round(3)
        array([0.   , 1.197, 1.861])
        """
        self._check_fitted()
        from scipy.special import hyp2f1

        t = _horizon(t, "BetaGeo.expected_purchases_new")
        r, alpha, a, b = (self.params_[k] for k in ("r", "alpha", "a", "b"))
        value = (a + b - 1) / (a - 1) * (
            1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
        return _output(value + 0.0, None, "expected_purchases_new")  # + 0.0: no -0.0

    def holdout_comparison(self, calhold: pd.DataFrame, *,
                           max_frequency: int = 7) -> pd.DataFrame:
        """Compare predicted with actual holdout purchases, by calibration frequency.

        The check of Fader, Hardie & Lee (2005a, Figure 4): customers are grouped by
        their number of repeat purchases in the calibration period (0, 1, ...,
        ``max_frequency`` or more) and the mean actual purchases in the holdout
        period are set against the mean of the model's conditional expectations.

        Parameters
        ----------
        calhold : DataFrame
            From :func:`~crmlab.clv.calibration_holdout` (in the model's unit).
        max_frequency : int, default 7
            Last group, holding every frequency >= it (labelled "7+").

        Returns
        -------
        DataFrame
            Indexed by ``calibration_frequency`` ("0", "1", ..., "7+"), columns
            ``customers``, ``actual``, ``predicted`` (mean holdout purchases per
            customer). ``attrs``: ``unit`` and ``duration`` (the holdout's length).

        Raises
        ------
        CRMDataError
            If the model is not fitted, a column is missing, the units differ, or
            ``max_frequency`` is not a whole number >= 1.

        Examples
        --------
        >>> import crmlab
        >>> from crmlab import clv
        >>> calhold = clv.calibration_holdout(
        ...     crmlab.load_data("cdnow_sample"), calibration_end="1997-09-30",
        ...     observation_end="1998-06-30", unit="W")
        >>> bg = BetaGeo().fit(calhold)
        >>> bg.holdout_comparison(calhold, max_frequency=2).round(2)
                               customers  actual  predicted
        calibration_frequency
        0                           1411    0.24       0.23
        1                            439    0.70       0.52
        2+                           507    2.45       2.18
        """
        return _evaluation.holdout_comparison(self, calhold, max_frequency,
                                              "BetaGeo.holdout_comparison")

    def tracking(self, transactions: pd.DataFrame, *, observation_end: Any,
                 calibration_end: Any = None, customer: str = "customer_id",
                 date: str = "order_date") -> pd.DataFrame:
        """Track cumulative repeat purchases of a cohort, actual vs. model, period by period.

        The "tracking plot" of Fader, Hardie & Lee (2005a, Figure 2): for each period
        of the model's unit (days or weeks since the first date in the data), the
        cumulative number of repeat purchases (same-day purchases merged) against the
        model's prediction, the sum over customers of E[X(t - first purchase)].

        Parameters
        ----------
        transactions : DataFrame
            The cohort's purchases.
        observation_end : str or Timestamp
            Last day tracked.
        calibration_end : str or Timestamp, optional
            End of the calibration period, stored in ``attrs`` for the chart.
        customer, date : str
            Column names.

        Returns
        -------
        DataFrame
            Indexed by ``period`` (1, 2, ...), columns ``actual`` and ``predicted``
            (cumulative repeat purchases at the end of the period). ``attrs``:
            ``unit`` and ``calibration_end_period``.

        Raises
        ------
        CRMDataError
            If the model is not fitted or has no time unit, a column is missing, or a
            date is not a date.

        Examples
        --------
        >>> import crmlab
        >>> from crmlab import clv
        >>> cdnow = crmlab.load_data("cdnow_sample")
        >>> bg = BetaGeo().fit(clv.summary_from_transactions(
        ...     cdnow, observation_end="1997-09-30", unit="W"))
        >>> track = bg.tracking(cdnow, observation_end="1998-06-30",
        ...                     calibration_end="1997-09-30")
        >>> track.loc[[39, 78]].round(0)
                actual  predicted
        period
        39      2457.0     2494.0
        78      4339.0     4161.0
        """
        return _evaluation.tracking(self, transactions, observation_end, calibration_end,
                                    customer, date, "BetaGeo.tracking")

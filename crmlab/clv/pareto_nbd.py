"""The Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987).

While alive, a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha);
she stays alive for an exponential time with rate mu ~ Gamma(s, beta), independent of
her purchases (the BG/NBD's customers can only leave right after a purchase). The
likelihood of Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and
related expressions", is evaluated in a numerically stable form with its analytic
gradient (:mod:`crmlab.clv._pnbd_math`), so extreme customers (hundreds of purchases,
windows of thousands of periods) give finite, exact values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmlab.clv import _pnbd_math
from crmlab.clv._base import (
    _compress,
    _fit_unit,
    _horizon,
    _inputs,
    _nbd_pmf,
    _neg_mean_loglik,
    _output,
    _PenalizedFitter,
    _summary_causes,
)
from crmlab.clv._evaluation import _PurchaseModel

__all__ = ["ParetoNBD"]


def _pnbd_objective(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                    penalizer: float, weights: np.ndarray | None = None,
                    plan: tuple | None = None) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood (plus penalty) and its gradient by log-parameters."""
    plan = plan if plan is not None else _pnbd_math.plan(x, t_x, T)

    def loglik(params, x, t_x, T, gradient=False):
        return _pnbd_math.pnbd_loglik(params, x, t_x, T, gradient=gradient, plan_=plan)

    return _neg_mean_loglik(loglik, log_params, (x, t_x, T), penalizer, weights)


def _one_minus_power_over(u: np.ndarray, k: float) -> np.ndarray:
    """``(1 - exp(-k u)) / k``, and its limit ``u`` at k = 0, without cancellation."""
    if abs(k) < 1e-8:
        return u * (1 - k * u / 2)
    return -np.expm1(-k * u) / k


class ParetoNBD(_PurchaseModel, _PenalizedFitter):
    """Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987).

    While alive, a customer buys as a Poisson process with rate lambda ~ Gamma(r,
    alpha); her lifetime is exponential with rate mu ~ Gamma(s, beta), so she can leave
    at any time, not only after a purchase (as in :class:`~crmlab.clv.BetaGeo`). Fitted
    to a summary from :func:`~crmlab.clv.summary_from_transactions`, it predicts in
    the summary's time unit, kept in ``unit_``.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty on the parameters, as in :class:`~crmlab.clv.BetaGeo`.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha``, ``s``, ``beta``.
    standard_errors_ : dict
        Standard errors from the inverse Hessian of the log-likelihood.
    log_likelihood_ : float
        The total log-likelihood at ``params_`` (comparable with published values).
    converged_ : bool
        Whether the search converged to ``FIT_TOLERANCE``.
    unit_ : {"D", "W"}
        The time unit of the fitted summary.
    n_ : int
        Number of customers fitted.

    Notes
    -----
    The likelihood has a hypergeometric term that naive code evaluates as the
    difference of two huge numbers; crmlab sums it as a series of positive terms (or by
    the tanh-sinh rule when the series would be long), divided by the customer's own
    scale, so it is exact to about 1e-15 for any customer (see
    :mod:`crmlab.clv._pnbd_math`). Customers with the same history are fitted once,
    counted as often as they occur.

    Examples
    --------
    >>> import crmlab
    >>> from crmlab import clv
    >>> s = clv.summary_from_transactions(crmlab.load_data("cdnow_sample"),
    ...                                   observation_end="1997-09-30", unit="W")
    >>> pnbd = ParetoNBD().fit(s)
    >>> pnbd
    ParetoNBD(r=0.553, alpha=10.578, s=0.606, beta=11.669; fitted on 2,357 customers)
    >>> round(pnbd.log_likelihood_, 1)
    -9595.0
    """

    _param_names = ("r", "alpha", "s", "beta")
    _scale_params = ("alpha", "beta")
    _objective = staticmethod(_pnbd_objective)
    _label = "Pareto/NBD"

    def fit(self, summary: pd.DataFrame, *, unit: str | None = None) -> ParetoNBD:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        summary : DataFrame
            From :func:`~crmlab.clv.summary_from_transactions`: ``frequency``,
            ``recency`` and ``T`` in the unit recorded in ``summary.attrs["unit"]``.
        unit : {"D", "W"}, optional
            The time unit, for a summary that does not record it.

        Returns
        -------
        ParetoNBD
            self, fitted.

        Raises
        ------
        CRMDataError
            If the summary is invalid (see :meth:`BetaGeo.fit`), the unit is unknown,
            the penalizer is negative, or the optimiser fails.

        Examples
        --------
        >>> import crmlab
        >>> from crmlab import clv
        >>> s = clv.summary_from_transactions(crmlab.load_data("cdnow_sample"),
        ...                                   observation_end="1997-09-30", unit="W")
        >>> s.attrs = {}  # a summary that does not say its unit
        >>> ParetoNBD().fit(s)
        Traceback (most recent call last):
        ...
        crmlab._errors.CRMDataError: ParetoNBD.fit: the summary does not record its time unit ...
        >>> ParetoNBD().fit(s, unit="W").unit_
        'W'
        """
        caller = "ParetoNBD.fit"
        x, t_x, T, _ = _inputs(summary, None, None, None, caller)
        penalizer = self._checked_penalizer(caller)
        unit = _fit_unit(summary, unit, caller)
        rate = max(float(np.sum(x) / max(np.sum(T), 1e-9)), 1e-6)
        scale = max(float(np.mean(T)), 1e-6)
        starts = [np.log([1.0, 1.0 / rate, 1.0, scale]), np.log([1.0, scale, 1.0, scale])]
        (xs, ts, Ts), counts = _compress(x, t_x, T)
        plan = _pnbd_math.plan(xs, ts, Ts)
        params = self._estimate(
            starts, (xs, ts, Ts, penalizer, counts, plan), n=len(x), caller=caller,
            advice=" Check the summary (units, outliers).",
            causes=lambda: _summary_causes(x, t_x, T, unit))
        self.log_likelihood_ = float(np.sum(_pnbd_math.pnbd_loglik(params, x, t_x, T)))
        self.unit_ = unit
        self.n_ = int(len(x))
        self._note_extent(x, T)
        return self

    def _rasb(self) -> tuple[float, float, float, float]:
        self._check_fitted()
        return tuple(self.params_[k] for k in ("r", "alpha", "s", "beta"))

    def probability_alive(self, summary: pd.DataFrame | None = None, *, frequency: Any = None,
                          recency: Any = None, T: Any = None) -> pd.Series | float | np.ndarray:
        """Return the probability that each customer is still alive at the end of observation.

        P(alive | x, t_x, T) (Fader & Hardie 2005, eq. 37): the share of the
        likelihood in which she has not left by T. Unlike the BG/NBD, a customer
        without repeat purchases can have left too.

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
        >>> pnbd = ParetoNBD()
        >>> pnbd.params_ = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
        >>> round(pnbd.probability_alive(frequency=0, recency=0, T=39), 3)
        0.294
        >>> pnbd.probability_alive(frequency=500, recency=10000, T=10000)  # just bought
        1.0
        """
        self._check_fitted()
        caller = "ParetoNBD.probability_alive"
        x, t_x, big_t, index = _inputs(summary, frequency, recency, T, caller)
        return _output(self._alive(x, t_x, big_t), index, "probability_alive")

    def expected_purchases(self, t: Any, summary: pd.DataFrame | None = None, *,
                           frequency: Any = None, recency: Any = None,
                           T: Any = None) -> pd.Series | float | np.ndarray:
        """Return the expected number of purchases in the next ``t`` periods, per customer.

        E[Y(t) | x, t_x, T] (Fader & Hardie 2005, eq. 41): P(alive) times the
        expected purchases of a customer known to be alive, ``(r + x) / (alpha + T)`` per
        period, over her expected remaining lifetime within ``t``.

        Parameters
        ----------
        t : float or array
            Horizon, in the model's time unit ``unit_``.
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
        >>> pnbd = ParetoNBD()
        >>> pnbd.params_ = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
        >>> round(pnbd.expected_purchases(39, frequency=2, recency=30.43, T=38.86), 3)
        1.455
        """
        self._check_fitted()
        caller = "ParetoNBD.expected_purchases"
        x, t_x, big_t, index = _inputs(summary, frequency, recency, T, caller)
        t = _horizon(t, caller)
        return _output(self._path(t, x, t_x, big_t), index, "expected_purchases")

    def _alive(self, x: Any, t_x: Any, T: Any) -> np.ndarray:
        x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, t_x, T)))
        with np.errstate(all="ignore"):
            flat = _pnbd_math.pnbd_alive(self._rasb(), x.ravel(), t_x.ravel(), T.ravel())
        return flat.reshape(x.shape)

    def _path(self, t: Any, x: Any, t_x: Any, T: Any) -> np.ndarray:
        """E[Y(t) | x, t_x, T] for broadcastable arrays; P(alive) computed once."""
        r, alpha, s, beta = self._rasb()
        alive = self._alive(x, t_x, T)
        with np.errstate(all="ignore"):
            span = (beta + T) * _one_minus_power_over(np.log1p(t / (beta + T)), s - 1)
            return alive * (r + x) / (alpha + T) * span

    def expected_purchases_new(self, t: Any) -> float | np.ndarray:
        """Return the expected purchases E[X(t)] of a new customer in her first ``t`` periods.

        ``r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)]`` (Fader & Hardie
        2005, eq. 17), repeat purchases only, ``t`` in ``unit_``.

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
        >>> pnbd = ParetoNBD()
        >>> pnbd.params_ = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
        >>> pnbd.expected_purchases_new([0, 39, 78]).round(3)
        array([0.   , 1.213, 1.909])
        """
        r, alpha, s, beta = self._rasb()
        t = _horizon(t, "ParetoNBD.expected_purchases_new")
        value = r * beta / alpha * _one_minus_power_over(np.log1p(t / beta), s - 1)
        return _output(value + 0.0, None, "expected_purchases_new")

    def _pmf(self, t: np.ndarray, x: np.ndarray) -> np.ndarray:
        """P(X(t) = x) for a new customer: alive through t with an NBD count, or gone at
        tau < t after an NBD count by tau (64-point Gauss-Legendre rule over tau)."""
        r, alpha, s, beta = self._rasb()
        t, x = np.broadcast_arrays(np.asarray(t, dtype=float), np.asarray(x, dtype=float))
        nodes, weights = np.polynomial.legendre.leggauss(64)
        u = (nodes + 1) / 2  # tau = t u on [0, t]
        tau = t[..., None] * u
        dens = s * beta**s * (beta + tau) ** -(s + 1) * t[..., None]
        gone = np.sum(weights / 2 * dens * _nbd_pmf(r, alpha, tau, x[..., None]), axis=-1)
        return (beta / (beta + t)) ** s * _nbd_pmf(r, alpha, t, x) + gone

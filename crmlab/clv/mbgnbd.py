"""The MBG/NBD model of repeat purchasing (Batislam, Denizel & Filiztekin 2007).

Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of models
for customer base analysis", *International Journal of Research in Marketing* 24(3):
the BG/NBD with one change, a customer may also drop out right after her first
purchase, so a customer without repeat purchases is no longer surely alive (the
BG/NBD's known quirk). As in the BTYDplus package and lifetimes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

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

__all__ = ["ModifiedBetaGeo"]


def _mbg_loglik(params, x, t_x, T, gradient=False):
    """Per-customer MBG/NBD log-likelihood (Batislam et al. 2007, eq. 3).

    ``L = B(a, b + x + 1) / B(a, b) NBD(x, T) + B(a + 1, b + x) / B(a, b) NBD(x, t_x)``
    in logs; with ``gradient=True`` also its derivatives by (r, alpha, a, b).
    """
    from scipy.special import betaln, digamma, gammaln

    r, alpha, a, b = params
    log_at, log_atx = np.log(alpha + T), np.log(alpha + t_x)
    head = (_by_count(gammaln, r, x) - gammaln(r) + r * np.log(alpha)
            + _by_count(lambda v: betaln(a, v), b + 1, x) - betaln(a, b) - (r + x) * log_at)
    # the second term over the first: a / (b + x) * ((alpha + T) / (alpha + t_x))^(r + x)
    u = np.log(a) - np.log(b + x) + (r + x) * (log_at - log_atx)
    ll = head + np.logaddexp(0.0, u)
    if not gradient:
        return ll
    w = np.exp(u - np.logaddexp(0.0, u))  # share of the "left after the last purchase" term
    d_ab = digamma(a + b) - _by_count(digamma, a + b + 1, x)
    grad = np.vstack([
        _by_count(digamma, r, x) - digamma(r) + np.log(alpha)
        - (1 - w) * log_at - w * log_atx,
        r / alpha - (r + x) * ((1 - w) / (alpha + T) + w / (alpha + t_x)),
        d_ab + w / a,
        d_ab + _by_count(digamma, b + 1, x) - digamma(b) - w / (b + x),
    ])
    return ll, grad


def _mbg_objective(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                   penalizer: float, weights: np.ndarray | None = None,
                   ) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood (plus penalty) and its gradient by log-parameters."""
    return _neg_mean_loglik(_mbg_loglik, log_params, (x, t_x, T), penalizer, weights)


class ModifiedBetaGeo(_PurchaseModel, _PenalizedFitter):
    """MBG/NBD model of repeat purchasing (Batislam, Denizel & Filiztekin 2007).

    As :class:`~crmlab.clv.BetaGeo`, except that a customer may drop out at time 0
    (right after her first purchase) as well as after each repeat purchase: so P(alive)
    of a customer without repeat purchases falls with T, instead of staying at 1.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty on the parameters, as in :class:`~crmlab.clv.BetaGeo`.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha``, ``a``, ``b``.
    standard_errors_ : dict
        Standard errors from the inverse Hessian of the log-likelihood.
    log_likelihood_ : float
        The total log-likelihood at ``params_``.
    converged_ : bool
        Whether the search converged to ``FIT_TOLERANCE``.
    unit_ : {"D", "W"}
        The time unit of the fitted summary.
    n_ : int
        Number of customers fitted.

    Examples
    --------
    >>> import crmlab
    >>> from crmlab import clv
    >>> s = clv.summary_from_transactions(crmlab.load_data("cdnow_sample"),
    ...                                   observation_end="1997-09-30", unit="W")
    >>> ModifiedBetaGeo().fit(s)
    ModifiedBetaGeo(r=0.525, alpha=6.183, a=0.891, b=1.614; fitted on 2,357 customers)
    """

    _param_names = ("r", "alpha", "a", "b")
    _scale_params = ("alpha",)
    _objective = staticmethod(_mbg_objective)
    _label = "MBG/NBD"

    def fit(self, summary: pd.DataFrame, *, unit: str | None = None) -> ModifiedBetaGeo:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        summary : DataFrame
            From :func:`~crmlab.clv.summary_from_transactions` (``frequency``,
            ``recency``, ``T``, unit in ``attrs["unit"]``).
        unit : {"D", "W"}, optional
            The time unit, for a summary that does not record it.

        Returns
        -------
        ModifiedBetaGeo
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
        >>> ModifiedBetaGeo().fit(s)
        Traceback (most recent call last):
        ...
        crmlab._errors.CRMDataError: ModifiedBetaGeo.fit: the summary does not record its ...
        ...
        >>> ModifiedBetaGeo().fit(s, unit="W").unit_
        'W'
        """
        caller = "ModifiedBetaGeo.fit"
        x, t_x, T, _ = _inputs(summary, None, None, None, caller)
        penalizer = self._checked_penalizer(caller)
        unit = _fit_unit(summary, unit, caller)
        rate = max(float(np.sum(x) / max(np.sum(T), 1e-9)), 1e-6)
        starts = [np.log([1.0, 1.0 / rate, 1.0, 1.0]), np.zeros(4)]
        (xs, ts, Ts), counts = _compress(x, t_x, T)
        params = self._estimate(
            starts, (xs, ts, Ts, penalizer, counts), n=len(x), caller=caller,
            advice=" Check the summary (units, outliers).",
            causes=lambda: _summary_causes(x, t_x, T, unit))
        self.log_likelihood_ = float(np.sum(_mbg_loglik(params, x, t_x, T)))
        self.unit_ = unit
        self.n_ = int(len(x))
        self._note_extent(x, T)
        return self

    def _rab(self) -> tuple[float, float, float, float]:
        self._check_fitted()
        return tuple(self.params_[k] for k in ("r", "alpha", "a", "b"))

    def probability_alive(self, summary: pd.DataFrame | None = None, *, frequency: Any = None,
                          recency: Any = None, T: Any = None) -> pd.Series | float | np.ndarray:
        """Return the probability that each customer is still alive at the end of observation.

        ``1 / (1 + a / (b + x) ((alpha + T) / (alpha + t_x))^(r + x))``: below 1 also
        for customers without repeat purchases.

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
        >>> mbg = ModifiedBetaGeo()
        >>> mbg.params_ = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
        >>> round(mbg.probability_alive(frequency=0, recency=0, T=39), 3)
        0.389
        """
        self._check_fitted()
        caller = "ModifiedBetaGeo.probability_alive"
        x, t_x, big_t, index = _inputs(summary, frequency, recency, T, caller)
        return _output(self._alive(x, t_x, big_t), index, "probability_alive")

    def expected_purchases(self, t: Any, summary: pd.DataFrame | None = None, *,
                           frequency: Any = None, recency: Any = None,
                           T: Any = None) -> pd.Series | float | np.ndarray:
        """Return the expected number of purchases in the next ``t`` periods, per customer.

        ``(a + b + x) / (a - 1) [1 - ((alpha + T) / (alpha + T + t))^(r + x)
        2F1(r + x, b + x + 1; a + b + x; t / (alpha + T + t))] P(alive)``
        (Batislam et al. 2007, eq. 6).

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
        >>> mbg = ModifiedBetaGeo()
        >>> mbg.params_ = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
        >>> round(mbg.expected_purchases(39, frequency=2, recency=30.43, T=38.86), 3)
        1.263
        """
        self._check_fitted()
        caller = "ModifiedBetaGeo.expected_purchases"
        x, t_x, big_t, index = _inputs(summary, frequency, recency, T, caller)
        t = _horizon(t, caller)
        return _output(self._path(t, x, t_x, big_t), index, "expected_purchases")

    def _alive(self, x: Any, t_x: Any, T: Any) -> np.ndarray:
        r, alpha, a, b = self._rab()
        with np.errstate(all="ignore"):
            u = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
            return np.exp(-np.logaddexp(0.0, u))

    def _path(self, t: Any, x: Any, t_x: Any, T: Any) -> np.ndarray:
        """E[Y(t) | x, t_x, T] for broadcastable arrays."""
        from scipy.special import hyp2f1

        r, alpha, a, b = self._rab()
        with np.errstate(all="ignore"):
            body = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(
                r + x, b + x + 1, a + b + x, t / (alpha + T + t))
            return (a + b + x) / (a - 1) * body * self._alive(x, t_x, T)

    def expected_purchases_new(self, t: Any) -> float | np.ndarray:
        """Return the expected purchases E[X(t)] of a new customer in her first ``t`` periods.

        ``b / (a - 1) [1 - (alpha / (alpha + t))^r 2F1(r, b + 1; a + b; t / (alpha + t))]``
        (Batislam et al. 2007, eq. 5), repeat purchases only, ``t`` in ``unit_``.

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
        >>> mbg = ModifiedBetaGeo()
        >>> mbg.params_ = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
        >>> mbg.expected_purchases_new([0, 39, 78]).round(3)
        array([0.   , 1.183, 1.805])
        """
        from scipy.special import hyp2f1

        r, alpha, a, b = self._rab()
        t = _horizon(t, "ModifiedBetaGeo.expected_purchases_new")
        value = b / (a - 1) * (1 - (alpha / (alpha + t)) ** r
                               * hyp2f1(r, b + 1, a + b, t / (alpha + t)))
        return _output(value + 0.0, None, "expected_purchases_new")

    def _pmf(self, t: np.ndarray, x: np.ndarray) -> np.ndarray:
        """P(X(t) = x): alive after x purchases with an NBD count of x, or gone after
        the x-th (at time 0 when x = 0) with an NBD count of at least x."""
        from scipy.special import betaln

        r, alpha, a, b = self._rab()
        x = np.asarray(x, dtype=float)
        stay = np.exp(betaln(a, b + x + 1) - betaln(a, b)) * _nbd_pmf(r, alpha, t, x)
        gone = np.exp(betaln(a + 1, b + x) - betaln(a, b)) * _nbd_at_least(r, alpha, t, x)
        return stay + gone

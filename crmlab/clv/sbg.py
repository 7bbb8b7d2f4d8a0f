"""The shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007).

Fader & Hardie (2007), "How to project customer retention", *J. Interactive Marketing*
21(1), with the discounted expected residual lifetime of Fader & Hardie (2010),
*Marketing Science* 29(1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crmlab._errors import CRMDataError
from crmlab.clv._base import _finite, _Fitter, _horizon, _output, _rate
from crmlab.validation import check_number, show_rows

__all__ = ["SBG_COHORTS", "ShiftedBetaGeometric"]

#: Customers still active at the start of each year of two cohorts of 1,000 customers
#: who signed up in the same year (years 0 to 7), from Fader & Hardie (2007), "How to
#: project customer retention", *Journal of Interactive Marketing* 21(1), 76-90, Table 1
#: (published counts, not a dataset). Their sBG estimates on these 8 counts are
#: alpha = 0.668, beta = 3.806 ("high end") and alpha = 0.704, beta = 1.182 ("regular").
SBG_COHORTS: dict[str, tuple[int, ...]] = {
    "high end": (1000, 869, 743, 653, 593, 551, 517, 491),
    "regular": (1000, 631, 468, 382, 326, 289, 262, 241),
}


def _sbg_loglik(params: np.ndarray, survivors: np.ndarray, gradient: bool = False,
                ) -> float | tuple[float, np.ndarray]:
    """The cohort's sBG log-likelihood (and its derivatives by alpha, beta)."""
    from scipy.special import betaln, digamma

    alpha, beta = params
    n = len(survivors) - 1
    t = np.arange(1, n + 1)
    log_p = betaln(alpha + 1, beta + t - 1) - betaln(alpha, beta)  # churn in period t
    log_s = betaln(alpha, beta + n) - betaln(alpha, beta)  # still there after n
    lost = survivors[:-1] - survivors[1:]
    ll = float(np.sum(lost * log_p) + survivors[-1] * log_s)
    if not gradient:
        return ll
    base = digamma(alpha + beta)
    d_alpha = (np.sum(lost * (digamma(alpha + 1) - digamma(alpha + beta + t)
                              - digamma(alpha) + base))
               + survivors[-1] * (base - digamma(alpha + beta + n)))
    d_beta = (np.sum(lost * (digamma(beta + t - 1) - digamma(alpha + beta + t)
                             - digamma(beta) + base))
              + survivors[-1] * (digamma(beta + n) - digamma(alpha + beta + n)
                                 - digamma(beta) + base))
    return ll, np.array([d_alpha, d_beta])


def _sbg_objective(log_params: np.ndarray, survivors: np.ndarray) -> tuple[float, np.ndarray]:
    """Negative log-likelihood per customer of the cohort and its gradient by log-parameters.

    Not :func:`~crmlab.clv._base._neg_mean_loglik`: the data are counts per period, not
    one row per customer, so the likelihood is a weighted sum, divided by the cohort size.
    """
    params = np.exp(log_params)
    with np.errstate(all="ignore"):
        ll, grad = _sbg_loglik(params, survivors, gradient=True)
        value = -ll / survivors[0]
        jac = -grad * params / survivors[0]
    return _finite(value, jac, log_params)


def _sbg_causes(s: np.ndarray) -> list[str]:
    """What in a cohort's counts makes the sBG fit run to a boundary (for the warning)."""
    lost = s[:-1] - s[1:]
    if not lost.any():
        return ["nobody left the cohort, so nothing tells how fast customers leave"]
    if s[-1] == 0 and lost[0] == s[0]:
        return ["the whole cohort left in the first period"]
    kept = s[1:] / np.where(s[:-1] > 0, s[:-1], np.nan)
    if np.nanmax(kept) - np.nanmin(kept) < 0.02:
        return [f"the retention rate is the same every period ({np.nanmean(kept):.0%}): the "
                f"customers do not seem to differ in their churn, which a constant-retention "
                f"model (clv.simple_clv) describes; the sBG's alpha and beta then grow "
                f"without bound"]
    if s.size < 4:
        return [f"only {s.size - 1} periods observed, too few to tell the churn rates of "
                f"the customers apart"]
    return []


class ShiftedBetaGeometric(_Fitter):
    """Shifted beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007).

    Each customer renews at the end of every period with her own probability
    1 - theta, theta ~ Beta(alpha, beta) across customers; the cohort's retention
    rate rises over time because the customers most likely to leave leave first.
    Periods are those of the survivor counts (years, months, ...).

    Attributes
    ----------
    params_ : dict
        ``alpha``, ``beta``.
    standard_errors_ : dict
        Standard errors from the inverse Hessian of the log-likelihood (NaN when the
        search did not converge, e.g. a parameter running to 0 or infinity).
    log_likelihood_ : float
        The cohort's log-likelihood at ``params_``.
    converged_ : bool
        Whether the search converged to ``FIT_TOLERANCE``.
    n_ : int
        Size of the cohort (the first count).
    periods_ : int
        Number of periods observed (counts - 1).
    published_cohorts : dict
        Class attribute: :data:`SBG_COHORTS`, the two cohorts of Fader & Hardie (2007).

    See Also
    --------
    SBG_COHORTS : the two published cohorts of Fader & Hardie (2007).

    Examples
    --------
    >>> sbg = ShiftedBetaGeometric().fit(SBG_COHORTS["regular"])
    >>> sbg
    ShiftedBetaGeometric(alpha=0.704, beta=1.182; fitted on 1,000 customers)
    >>> sbg.survival([0, 1, 7]).round(3)
    array([1.   , 0.627, 0.239])
    """

    _fit_arg = "survivors"
    _param_names = ("alpha", "beta")
    _objective = staticmethod(_sbg_objective)
    published_cohorts = SBG_COHORTS

    def fit(self, survivors: Any) -> ShiftedBetaGeometric:
        """Fit alpha and beta by maximum likelihood to a cohort's survivor counts.

        Parameters
        ----------
        survivors : sequence or Series of numbers
            Customers still active at the start of period 0, 1, 2, ... (the first
            is the cohort size); non-increasing.

        Returns
        -------
        ShiftedBetaGeometric
            self, fitted.

        Raises
        ------
        CRMDataError
            If there are fewer than 2 counts, a count is negative or not finite, the
            first is 0, or a count is larger than the one before.

        Notes
        -----
        The likelihood (Fader & Hardie 2007, eq. 5) has one term per period for the
        customers lost in it, ``(n_{t-1} - n_t) log P(T = t)``, and one for those
        still active at the end, ``n_last log S(last)``, with
        ``P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)`` and
        ``S(t) = B(alpha, beta + t) / B(alpha, beta)``.

        Examples
        --------
        >>> sbg = ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326])
        >>> {k: round(v, 3) for k, v in sbg.params_.items()}, sbg.periods_
        ({'alpha': 0.764, 'beta': 1.296}, 4)
        >>> ShiftedBetaGeometric().fit([1000, 631, 700])
        Traceback (most recent call last):
        ...
        crmlab._errors.CRMDataError: ShiftedBetaGeometric.fit: survivor counts cannot grow ...
        """
        caller = "ShiftedBetaGeometric.fit"
        try:
            s = np.asarray(survivors, dtype=float).ravel()
        except (TypeError, ValueError) as exc:
            raise CRMDataError(
                f"{caller}: survivors must be numbers (customers active at the start of each "
                f"period), got {survivors!r}."
            ) from exc
        if s.size < 2:
            raise CRMDataError(
                f"{caller}: need at least 2 counts (the cohort size and the survivors after "
                f"one period), got {s.size}."
            )
        rows = np.arange(s.size)
        bad = ~np.isfinite(s) | (s < 0)
        if bad.any():
            raise CRMDataError(f"{caller}: survivor counts must be finite and >= 0; "
                               f"{show_rows(rows[bad], s[bad])} are not. Pass the number "
                               f"of customers still active at the start of each period.")
        if s[0] <= 0:
            raise CRMDataError(f"{caller}: the first count (cohort size) must be > 0, got "
                               f"{s[0]:g}; start the counts with the cohort's size.")
        bad = np.r_[False, s[1:] > s[:-1]]
        if bad.any():
            raise CRMDataError(
                f"{caller}: survivor counts cannot grow (a cohort only loses customers); "
                f"period {show_rows(rows[bad], s[bad])} is larger than the period before. "
                f"Pass the customers of one cohort still active, not a total customer count."
            )
        params = self._estimate([np.zeros(2), np.log([1.0, 3.0])], (s,), n=s[0],
                                 caller=caller, causes=lambda: _sbg_causes(s))
        self.log_likelihood_ = _sbg_loglik(params, s)
        self.n_ = int(round(s[0]))
        self.periods_ = int(s.size - 1)
        return self

    def _ab(self) -> tuple[float, float]:
        self._check_fitted()
        return self.params_["alpha"], self.params_["beta"]

    def survival(self, t: Any) -> float | np.ndarray:
        """Return the share of the cohort still active after ``t`` periods, S(t).

        Parameters
        ----------
        t : int or array of int
            Periods since acquisition (0 gives 1).

        Returns
        -------
        float or array

        Raises
        ------
        CRMDataError
            If not fitted or ``t`` is negative.

        Examples
        --------
        >>> sbg = ShiftedBetaGeometric()
        >>> sbg.params_ = {"alpha": 1.0, "beta": 1.0}
        >>> sbg.survival([0, 1, 3])  # 1 / (1 + t) when theta is uniform
        array([1.  , 0.5 , 0.25])
        """
        from scipy.special import betaln

        alpha, beta = self._ab()
        t = _horizon(t, "ShiftedBetaGeometric.survival")
        return _output(np.exp(betaln(alpha, beta + t) - betaln(alpha, beta)), None, "")

    def retention_rate(self, t: Any) -> float | np.ndarray:
        """Return the retention rate of period ``t``: r(t) = S(t) / S(t-1).

        ``(beta + t - 1) / (alpha + beta + t - 1)``, rising with ``t``.

        Parameters
        ----------
        t : int or array of int
            Period (>= 1).

        Returns
        -------
        float or array

        Raises
        ------
        CRMDataError
            If not fitted or ``t`` < 1.

        Examples
        --------
        >>> sbg = ShiftedBetaGeometric().fit(SBG_COHORTS["high end"])
        >>> sbg.retention_rate([1, 2, 10]).round(3)
        array([0.851, 0.878, 0.95 ])
        """
        alpha, beta = self._ab()
        t = _horizon(t, "ShiftedBetaGeometric.retention_rate")
        if np.any(t < 1):
            raise CRMDataError(
                f"ShiftedBetaGeometric.retention_rate: t must be >= 1, got {t!r}: the "
                f"first period with a renewal decision is 1 (r(t) = S(t) / S(t - 1)).")
        return _output((beta + t - 1) / (alpha + beta + t - 1), None, "")

    def expected_lifetime(self) -> float:
        """Return the expected number of periods a new customer stays, E[T].

        ``(alpha + beta - 1) / (alpha - 1)`` when alpha > 1, infinite otherwise
        (returned as ``inf``): with alpha <= 1 enough customers almost never leave
        that the mean lifetime diverges, which is why values are discounted
        (:meth:`discounted_expected_lifetime`).

        Returns
        -------
        float

        Raises
        ------
        CRMDataError
            If not fitted.

        Examples
        --------
        >>> sbg = ShiftedBetaGeometric()
        >>> sbg.params_ = {"alpha": 3.0, "beta": 2.0}
        >>> sbg.expected_lifetime()
        2.0
        """
        alpha, beta = self._ab()
        return float((alpha + beta - 1) / (alpha - 1)) if alpha > 1 else float("inf")

    def discounted_expected_lifetime(self, discount: float) -> float:
        """Return the discounted expected lifetime (DEL) of a new customer.

        ``DEL = sum_{t>=0} S(t) / (1 + d)**t = 2F1(1, beta; alpha + beta; 1 / (1 + d))``
        (Fader & Hardie 2010): the value of a customer who pays 1 at the start of each
        period she is active, the first payment now. Multiply by the margin per period
        to get the expected CLV.

        Parameters
        ----------
        discount : float
            Discount rate per period, a decimal in (0, 1).

        Returns
        -------
        float

        Raises
        ------
        CRMDataError
            If not fitted, or the discount rate is not in (0, 1).

        Examples
        --------
        >>> sbg = ShiftedBetaGeometric().fit(SBG_COHORTS["high end"])
        >>> round(sbg.discounted_expected_lifetime(0.10), 2)
        5.92
        """
        return self.derl(discount, renewals=None)

    def derl(self, discount: float, renewals: int | None = 0) -> float:
        """Return the discounted expected residual lifetime (DERL, Fader & Hardie 2010).

        For a customer who has renewed ``renewals`` times (she is active in period
        ``n = renewals + 1``) and is about to decide whether to renew at the end of
        period n:

        ``DERL = sum_{k>=0} S(n + k) / S(n - 1) / (1 + d)**k
        = (beta + n - 1) / (alpha + beta + n - 1) * 2F1(1, beta + n; alpha + beta + n;
        1 / (1 + d))``,

        i.e. the expected discounted number of future payments (one per renewal, the
        next one undiscounted). ``renewals=None`` gives the DEL of a new customer.

        Parameters
        ----------
        discount : float
            Discount rate per period, a decimal in (0, 1).
        renewals : int or None, default 0
            Number of renewals made so far.

        Returns
        -------
        float

        Raises
        ------
        CRMDataError
            If not fitted, the discount is not in (0, 1), or renewals is negative.

        Examples
        --------
        >>> sbg = ShiftedBetaGeometric().fit(SBG_COHORTS["regular"])
        >>> [round(sbg.derl(0.10, n), 2) for n in (0, 4)]
        [2.96, 5.89]
        """
        from scipy.special import hyp2f1

        alpha, beta = self._ab()
        caller = "ShiftedBetaGeometric.derl"
        d = _rate(discount, "discount", caller)
        if d <= 0:
            raise CRMDataError(f"{caller}: discount must be > 0 (the sum diverges at 0 "
                               f"when alpha <= 1); for example discount=0.1.")
        z = 1 / (1 + d)
        if renewals is None:
            return float(hyp2f1(1, beta, alpha + beta, z))
        n = check_number(renewals, name="renewals", caller=caller, low=0, integer=True) + 1
        return float((beta + n - 1) / (alpha + beta + n - 1)
                     * hyp2f1(1, beta + n, alpha + beta + n, z))


"""The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005b).

Fader, Hardie & Lee (2005b), "RFM and CLV: using iso-value curves", *J. Marketing
Research* 42(4), as written up in Fader & Hardie (2013), "The Gamma-Gamma model of
monetary value". The model is unit-free: it sees the number of repeat transactions and
their mean value, not when they happened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.clv._base import _by_count, _neg_mean_loglik, _PenalizedFitter, _summary_columns
from crmlab.validation import show_rows

__all__ = ["GammaGamma"]


def _gg_loglik(params: np.ndarray, x: np.ndarray, z: np.ndarray, gradient: bool = False,
               ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Per-customer Gamma-Gamma log-likelihood (and its derivatives by p, q, gamma).

    The special functions depend on the frequency only: computed once per distinct
    frequency (:func:`~crmlab.clv._base._by_count`).
    """
    from scipy.special import digamma, gammaln

    p, q, g = params
    px = p * x
    log_gxz = np.log(g + x * z)
    log_xz = np.log(x * z)
    ll = (_by_count(lambda k: gammaln(p * k + q) - gammaln(p * k), 0.0, x) - gammaln(q)
          + q * np.log(g) + px * log_xz - np.log(z) - (px + q) * log_gxz)
    if not gradient:
        return ll
    psi = _by_count(lambda k: digamma(p * k + q), 0.0, x)
    grad = np.vstack([
        x * (psi - _by_count(lambda k: digamma(p * k), 0.0, x) + log_xz - log_gxz),
        psi - digamma(q) + np.log(g) - log_gxz,
        q / g - (px + q) / (g + x * z),
    ])
    return ll, grad


def _gg_objective(log_params: np.ndarray, x: np.ndarray, z: np.ndarray,
                  penalizer: float) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood (plus penalty) and its gradient by log-parameters."""
    return _neg_mean_loglik(_gg_loglik, log_params, (x, z), penalizer)


def _gg_inputs(summary: pd.DataFrame, caller: str,
               fitting: bool) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    df = _summary_columns(summary, caller, ("frequency", "monetary_value"))
    x = df["frequency"].to_numpy(dtype=float)
    z = df["monetary_value"].to_numpy(dtype=float)
    bad = (x < 0) | (x != np.round(x))
    if bad.any():
        raise CRMDataError(
            f"{caller}: column 'frequency' must hold whole numbers >= 0; {bad.sum()} values "
            f"do not, in {show_rows(df.index[bad], x[bad])}. Rebuild the summary with "
            f"clv.summary_from_transactions."
        )
    bad = (x > 0) & (z <= 0)
    if bad.any():
        raise CRMDataError(
            f"{caller}: the Gamma-Gamma model needs a positive monetary_value for customers "
            f"with repeat purchases; {bad.sum()} have monetary_value <= 0, in "
            f"{show_rows(df.index[bad], z[bad])}. Remove returns (negative amounts) or "
            f"those customers first."
        )
    if fitting and not (x > 0).any():
        raise CRMDataError(
            f"{caller}: no customer has a repeat purchase (frequency > 0); the spend model "
            f"needs some."
        )
    return x, z, df.index


def _gg_causes(x: np.ndarray, z: np.ndarray) -> list[str]:
    """What in the spend data makes the Gamma-Gamma fit run to a boundary (for the warning)."""
    causes = []
    if len(x) < 30:
        causes.append(f"too few repeat buyers: {len(x)} customers with a repeat purchase")
    spread = np.std(np.log(z)) if len(z) > 1 else 0.0
    if spread < 1e-3:
        causes.append("every customer spends the same per purchase (no spread between "
                      "customers to describe)")
    if len(x) > 2 and np.std(x) > 0 and np.std(z) > 0:
        corr = float(np.corrcoef(x, z)[0, 1])
        if abs(corr) >= 0.15:
            causes.append(f"spend per purchase {'falls' if corr < 0 else 'rises'} with the "
                          f"number of purchases (correlation {corr:.2f}), while the model "
                          f"assumes the two are independent")
    ratio = float(np.max(z) / np.median(z))
    if ratio > 100:
        causes.append(f"an outlier: the largest monetary_value is {ratio:,.0f} times the "
                      f"median")
    return causes


class GammaGamma(_PenalizedFitter):
    """Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005b).

    A customer's transactions have values z ~ Gamma(p, nu) around her mean p / nu,
    with nu ~ Gamma(q, gamma) across customers. The model is fitted on the customers
    with at least one repeat purchase, from their number of repeat transactions x
    (``frequency``) and mean value z-bar (``monetary_value``); lifetimes calls
    ``gamma`` ``v``. It assumes spend and frequency are independent: check that they
    are nearly uncorrelated (``spend_frequency_correlation_``).

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty as in :class:`~crmlab.clv.BetaGeo`: the objective is the mean
        negative log-likelihood plus ``penalizer * (p**2 + q**2 + gamma**2)``.

    Attributes
    ----------
    params_ : dict
        ``p``, ``q``, ``gamma``.
    standard_errors_ : dict
        Standard errors from the inverse Hessian of the log-likelihood.
    log_likelihood_ : float
        Total log-likelihood.
    converged_ : bool
        Whether the search converged to ``FIT_TOLERANCE``.
    spend_frequency_correlation_ : float
        Pearson correlation of frequency and monetary value among the fitted customers.
    n_ : int
        Customers fitted (frequency > 0).

    Examples
    --------
    >>> import crmlab
    >>> cdnow = crmlab.load_data("cdnow_sample")
    >>> from crmlab import clv
    >>> s = clv.summary_from_transactions(cdnow, amount="amount",
    ...                                   observation_end="1997-09-30", unit="W")
    >>> gg = GammaGamma().fit(s)
    >>> {k: round(v, 2) for k, v in gg.params_.items()}, gg.n_
    ({'p': 6.25, 'q': 3.74, 'gamma': 15.44}, 946)
    """

    _what = "customers with repeat purchases"
    _param_names = ("p", "q", "gamma")
    _scale_params = ("gamma",)
    _objective = staticmethod(_gg_objective)

    def fit(self, summary: pd.DataFrame) -> GammaGamma:
        """Fit the model by maximum likelihood on customers with frequency > 0.

        Parameters
        ----------
        summary : DataFrame
            With ``frequency`` and ``monetary_value`` (from
            ``summary_from_transactions(..., amount=...)``).

        Returns
        -------
        GammaGamma
            self, fitted.

        Raises
        ------
        CRMDataError
            If a column is missing, frequency is not a whole number >= 0, a repeat
            buyer has monetary_value <= 0, no customer has a repeat purchase, the
            penalizer is negative, or the optimiser fails.

        Examples
        --------
        >>> s = pd.DataFrame({"frequency": [0.0, 1.0, 2.0],
        ...                   "monetary_value": [0.0, -5.0, 30.0]}, index=["a", "b", "c"])
        >>> GammaGamma().fit(s)
        Traceback (most recent call last):
        ...
        crmlab._errors.CRMDataError: GammaGamma.fit: the Gamma-Gamma model needs a positive
        monetary_value for customers with repeat purchases; 1 have monetary_value <= 0, in
        row b (-5.0). Remove returns (negative amounts) or those customers first.
        """
        caller = "GammaGamma.fit"
        x, z, _ = _gg_inputs(summary, caller, fitting=True)
        penalizer = self._checked_penalizer(caller)
        keep = x > 0
        x, z = x[keep], z[keep]
        mean = float(np.mean(z))
        starts = [np.log([1.0, 2.0, mean]), np.zeros(3)]
        params = self._estimate(
            starts, (x, z, penalizer), n=len(x), caller=caller,
            advice=" Check monetary_value for outliers.", causes=lambda: _gg_causes(x, z))
        self.log_likelihood_ = float(np.sum(_gg_loglik(params, x, z)))
        self.spend_frequency_correlation_ = (
            float(np.corrcoef(x, z)[0, 1]) if len(x) > 1 and np.std(x) > 0 and np.std(z) > 0
            else float("nan"))
        self.n_ = int(len(x))
        return self

    def conditional_expected_average_profit(self, summary: pd.DataFrame) -> pd.Series:
        """Return each customer's expected spend per transaction, given her history.

        E[Z | p, q, gamma, x, z-bar] = (gamma + x z-bar) p / (p x + q - 1): a weighted
        mean of the population mean ``p gamma / (q - 1)`` and her own mean z-bar, with
        weight ``p x / (p x + q - 1)`` on her own. A customer without repeat purchases
        gets the population mean. (lifetimes' name; it is spend, not profit, unless
        the amounts are margins.)

        Parameters
        ----------
        summary : DataFrame
            With ``frequency`` and ``monetary_value``.

        Returns
        -------
        Series
            Indexed like ``summary``, named ``expected_average_spend``.

        Raises
        ------
        CRMDataError
            If the model is not fitted, or the columns are invalid, or q <= 1 (the
            population mean is infinite).

        Examples
        --------
        >>> gg = GammaGamma()
        >>> gg.params_ = {"p": 6.25, "q": 3.74, "gamma": 15.44}
        >>> s = pd.DataFrame({"frequency": [0, 1, 10], "monetary_value": [0.0, 20.0, 20.0]})
        >>> gg.conditional_expected_average_profit(s).round(2).tolist()
        [35.22, 24.64, 20.64]
        """
        self._check_fitted()
        caller = "GammaGamma.conditional_expected_average_profit"
        x, z, index = _gg_inputs(summary, caller, fitting=False)
        p, q, g = (self.params_[k] for k in ("p", "q", "gamma"))
        if q <= 1:
            raise CRMDataError(
                f"{caller}: the fitted q={q:.3g} is <= 1, so the model's mean spend per "
                f"transaction is infinite. Look for extreme monetary_value outliers, or refit "
                f"with a small penalizer, e.g. GammaGamma(penalizer=0.001).")
        z = np.where(x > 0, z, 0.0)
        value = (g + x * z) * p / (p * x + q - 1)
        return pd.Series(value, index=index, name="expected_average_spend")

"""CLV per customer from a fitted purchase model and Gamma-Gamma, with bootstrap intervals."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError, CRMFitWarning
from crmlab.clv._base import _UNITS, _inputs, _model_unit, _rate, _same_unit, _summary_columns
from crmlab.clv.bgnbd import BetaGeo
from crmlab.clv.gamma_gamma import GammaGamma
from crmlab.clv.mbgnbd import ModifiedBetaGeo
from crmlab.clv.pareto_nbd import ParetoNBD
from crmlab.validation import (
    check_fraction,
    check_number,
    renamed_keywords,
    warn_at_caller,
)

__all__ = ["clv_intervals", "clv_table"]

#: Cells (histories x horizon steps) of one block of a CLV table's computation.
_CELLS = 2_000_000

#: The purchase models a CLV table can use.
_PURCHASE_MODELS = (BetaGeo, ModifiedBetaGeo, ParetoNBD)


def _check_models(bgnbd: Any, gammagamma: Any, caller: str) -> str:
    """Check the two models; return the purchase model's time unit."""
    if not isinstance(bgnbd, _PURCHASE_MODELS):
        raise CRMDataError(
            f"{caller}: bgnbd must be a fitted purchase model (BetaGeo, ModifiedBetaGeo or "
            f"ParetoNBD), got {type(bgnbd).__name__}. Fit one with "
            f"clv.BetaGeo().fit(summary).")
    if not isinstance(gammagamma, GammaGamma):
        raise CRMDataError(
            f"{caller}: gammagamma must be a fitted GammaGamma model, got "
            f"{type(gammagamma).__name__}. Fit one with clv.GammaGamma().fit(summary).")
    bgnbd._check_fitted()
    gammagamma._check_fitted()
    return _model_unit(bgnbd, caller)


def _clv_values(bgnbd: Any, gammagamma: GammaGamma, df: pd.DataFrame,
                history: tuple[np.ndarray, np.ndarray, np.ndarray], steps: np.ndarray,
                d: float, margin_rate: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected purchases over the horizon, expected spend and CLV of each customer."""
    spend = gammagamma.conditional_expected_average_profit(df).to_numpy()
    # the purchase model sees only (frequency, recency, T): compute once per distinct one
    rows, inverse = np.unique(np.column_stack(history), axis=0, return_inverse=True)
    discounting = (1 + d) ** steps
    total, discounted = np.empty(len(rows)), np.empty(len(rows))
    # in blocks of histories, so the (histories x steps) arrays stay small
    block = max(1, _CELLS // len(steps))
    for start in range(0, len(rows), block):
        x, t_x, big_t = (rows[start:start + block, [i]] for i in range(3))
        cumulative = bgnbd._path(steps[None, :], x, t_x, big_t)
        per_step = np.diff(cumulative, axis=1, prepend=0.0)
        total[start:start + block] = cumulative[:, -1]
        discounted[start:start + block] = (per_step / discounting).sum(axis=1)
    inverse = inverse.ravel()
    return total[inverse], spend, margin_rate * spend * discounted[inverse]


@renamed_keywords(time="horizon", discount_rate="discount", margin="margin_rate", freq="unit")
def clv_table(bgnbd: BetaGeo | ModifiedBetaGeo | ParetoNBD, gammagamma: GammaGamma,
              summary: pd.DataFrame, *,
              horizon: float = 12, discount: float = 0.01, unit: str | None = None,
              margin_rate: float = 1.0) -> pd.DataFrame:
    """Compute each customer's expected purchases, P(alive), spend and CLV over a horizon.

    CLV is the discounted sum, period by period, of the expected purchases in each
    period times the expected spend per purchase (times the margin rate):
    ``sum_{k=1..horizon} margin_rate * E[spend] * (E[Y(k)] - E[Y(k-1)]) / (1 + d)**k``,
    like lifetimes' ``customer_lifetime_value`` but in the model's own time unit.

    Parameters
    ----------
    bgnbd : BetaGeo, ModifiedBetaGeo or ParetoNBD
        Fitted purchase model; its time unit ``unit_`` is the unit of ``horizon`` and
        ``discount``.
    gammagamma : GammaGamma
        Fitted spend model.
    summary : DataFrame
        Customers (from ``summary_from_transactions(..., amount=...)``) in the same
        unit as the purchase model.
    horizon : float, default 12
        Horizon, in periods of the model's unit (12 weeks for a weekly model; pass
        ``horizon=52`` for a year). Replaces ``time=``.
    discount : float, default 0.01
        Discount rate **per period of the model's unit**, a decimal in [0, 1). A
        yearly rate of 10% is ``1.1 ** (1 / 52) - 1 = 0.00183`` per week. Replaces
        ``discount_rate=``.
    unit : {"D", "W"}, optional
        The unit you mean for ``horizon`` and ``discount``; default the model's.
        It must equal the model's unit: passing it is a check, not a conversion.
        Replaces ``freq=``.
    margin_rate : float, default 1.0
        Share of spend that is profit, a decimal in (0, 1]; 1 gives revenue.
        Replaces ``margin=``.

    Returns
    -------
    DataFrame
        Indexed like ``summary``: ``expected_purchases`` (over ``horizon``),
        ``probability_alive``, ``expected_average_spend``, ``clv``. ``attrs`` records
        how the values were made: ``horizon``, ``unit``, ``discount`` and
        ``margin_rate``.

    Raises
    ------
    CRMDataError
        If a model is not fitted (or is not a purchase model / GammaGamma), ``unit`` or the
        summary's unit differs from the model's, ``horizon`` is not a positive number,
        a rate is outside its range (90 meant as 90%), or the summary is invalid.

    Notes
    -----
    The keywords ``time=``, ``discount_rate=``, ``margin=`` and ``freq=`` still work
    in this release, with a ``FutureWarning``.

    Examples
    --------
    >>> bg, gg = BetaGeo(), GammaGamma()
    >>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> bg.unit_ = "W"
    >>> gg.params_ = {"p": 6.25, "q": 3.74, "gamma": 15.44}
    >>> s = pd.DataFrame({"frequency": [0.0, 2.0], "recency": [0.0, 30.43],
    ...                   "T": [38.86, 38.86], "monetary_value": [0.0, 22.0]})
    >>> clv_table(bg, gg, s, horizon=52, discount=0.002).round(2)
       expected_purchases  probability_alive  expected_average_spend    clv
    0                0.25               1.00                   35.22   8.44
    1                1.56               0.73                   24.38  36.19
    >>> clv_table(bg, gg, s, horizon=12, unit="D")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: clv_table: the BG/NBD model is in weeks (unit_='W') but ...
    """
    caller = "clv_table"
    model_unit = _check_models(bgnbd, gammagamma, caller)
    horizon, d, margin_rate, df, steps = _clv_settings(
        bgnbd, summary, horizon, discount, unit, margin_rate, model_unit, caller)
    x, t_x, big_t, _ = _inputs(df, None, None, None, caller)
    purchases, spend, value = _clv_values(bgnbd, gammagamma, df, (x, t_x, big_t), steps, d,
                                          margin_rate)
    out = pd.DataFrame(
        {
            "expected_purchases": purchases,
            "probability_alive": bgnbd.probability_alive(df).to_numpy(),
            "expected_average_spend": spend,
            "clv": value,
        },
        index=df.index,
    )
    out.attrs = {"horizon": horizon, "unit": model_unit, "discount": d,
                 "margin_rate": margin_rate}
    return out


def _clv_settings(bgnbd: Any, summary: Any, horizon: Any, discount: Any, unit: Any,
                  margin_rate: Any, model_unit: str, caller: str) -> tuple:
    """Check the settings of a CLV table; return them with the summary and the steps."""
    if unit is not None and unit != model_unit:
        name = _UNITS.get(model_unit, model_unit)
        raise CRMDataError(
            f"{caller}: the {bgnbd._label} model is in {name} (unit_={model_unit!r}) but "
            f"unit={unit!r}: horizon and discount must be per {name[:-1]}. Convert them "
            f"yourself (12 months is about 52 weeks or 365 days; a monthly rate i is "
            f"(1 + i) ** (12 / 52) - 1 per week), or refit on a summary in {unit!r}."
        )
    _same_unit(bgnbd, summary, caller)
    horizon = check_number(horizon, name="horizon", caller=caller, low=0, low_open=True)
    d = _rate(discount, "discount", caller)
    margin_rate = check_fraction(margin_rate, name="margin_rate", caller=caller,
                                 low_open=True)
    df = _summary_columns(summary, caller, ("frequency", "recency", "T", "monetary_value"))
    steps = np.unique(np.r_[np.arange(1, int(np.floor(horizon)) + 1, dtype=float), horizon])
    return horizon, d, margin_rate, df, steps


def clv_intervals(bgnbd: BetaGeo | ModifiedBetaGeo | ParetoNBD, gammagamma: GammaGamma,
                  summary: pd.DataFrame, *, horizon: float = 12, discount: float = 0.01,
                  unit: str | None = None, margin_rate: float = 1.0, level: float = 0.9,
                  draws: int = 200, seed: int = 0) -> pd.DataFrame:
    """Bootstrap intervals for each customer's CLV: how much the estimate could move.

    The method is the nonparametric (case-resampling) bootstrap with percentile
    intervals (Efron & Tibshirani 1993, ch. 13): ``draws`` times, the customers of
    ``summary`` are drawn with replacement (a numpy ``default_rng(seed)``, so the draws
    are the same on every machine), both models are refitted on the resample (from the
    fitted parameters, to :data:`~crmlab.clv._base.FIT_TOLERANCE`), and every original
    customer's CLV is recomputed with the refitted parameters, as in :func:`clv_table`.
    The interval is the middle ``level`` of those values. It measures the uncertainty of
    the *expected* CLV that comes from estimating the parameters on this many customers,
    not how much any one customer will actually spend (which varies far more).

    Parameters
    ----------
    bgnbd : BetaGeo, ModifiedBetaGeo or ParetoNBD
        Fitted purchase model (refitted with its own penalizer).
    gammagamma : GammaGamma
        Fitted spend model.
    summary : DataFrame
        The summary both models were fitted on.
    horizon, discount, unit, margin_rate
        As in :func:`clv_table`.
    level : float, default 0.9
        Coverage of the interval, a decimal in (0, 1).
    draws : int, default 200
        Bootstrap resamples (at least 20).
    seed : int, default 0
        Seed of the resampling.

    Returns
    -------
    DataFrame
        Indexed like ``summary``: ``clv`` (the point estimate, as in
        :func:`clv_table`), ``clv_low`` and ``clv_high`` (the interval). ``attrs``:
        ``method``, ``level``, ``draws`` (refits used), ``failed`` (refits that did not
        converge and were left out), ``seed``, and the settings of :func:`clv_table`.

    Raises
    ------
    CRMDataError
        As :func:`clv_table`, or if ``level`` is not in (0, 1) or ``draws`` < 20.

    Examples
    --------
    >>> import crmlab
    >>> from crmlab import clv
    >>> s = clv.summary_from_transactions(crmlab.load_data("cdnow_sample"), amount="amount",
    ...                                   observation_end="1997-09-30", unit="W")
    >>> bg, gg = clv.BetaGeo().fit(s), clv.GammaGamma().fit(s)
    >>> ci = clv_intervals(bg, gg, s, horizon=52, discount=0.002, draws=20, seed=1)
    >>> ci.loc[["00004", "00018"]].round(1)
                  clv  clv_low  clv_high
    customer_id
    00004        36.6     35.2      39.6
    00018         8.5      8.0       9.6
    >>> ci.attrs["draws"], ci.attrs["failed"]
    (20, 0)
    """
    caller = "clv_intervals"
    model_unit = _check_models(bgnbd, gammagamma, caller)
    level = check_fraction(level, name="level", caller=caller, low_open=True, high_open=True)
    draws = check_number(draws, name="draws", caller=caller, low=20, integer=True)
    seed = check_number(seed, name="seed", caller=caller, low=0, integer=True)
    horizon, d, margin_rate, df, steps = _clv_settings(
        bgnbd, summary, horizon, discount, unit, margin_rate, model_unit, caller)
    history = _inputs(df, None, None, None, caller)[:3]
    point = _clv_values(bgnbd, gammagamma, df, history, steps, d, margin_rate)[2]
    rng = np.random.default_rng(seed)
    values, failed = [], 0
    for _ in range(draws):
        resample = df.iloc[rng.integers(0, len(df), len(df))]
        resample.attrs = dict(summary.attrs)
        refit = []
        for model in (bgnbd, gammagamma):
            copy = type(model)(penalizer=model.penalizer)
            copy._warm_start = list(model.params_.values())
            refit.append(copy)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", CRMFitWarning)
                refit[0].fit(resample, unit=model_unit)
                refit[1].fit(resample)
        except (CRMFitWarning, CRMDataError):
            failed += 1
            continue
        values.append(_clv_values(refit[0], refit[1], df, history, steps, d, margin_rate)[2])
    if len(values) < max(10, draws // 2):
        raise CRMDataError(
            f"{caller}: {failed} of {draws} bootstrap refits did not converge, too many for "
            f"an interval; the fit itself is fragile (see the CRMFitWarning of a refit).")
    if failed > 0.05 * draws:
        warn_at_caller(f"{caller}: {failed} of {draws} bootstrap refits did not converge and "
                       f"were left out, so the intervals may be too narrow.", CRMFitWarning)
    low, high = np.quantile(np.vstack(values), [(1 - level) / 2, (1 + level) / 2], axis=0)
    out = pd.DataFrame({"clv": point, "clv_low": low, "clv_high": high}, index=df.index)
    out.attrs = {"method": "case-resampling bootstrap, percentile intervals", "level": level,
                 "draws": len(values), "failed": failed, "seed": seed, "horizon": horizon,
                 "unit": model_unit, "discount": d, "margin_rate": margin_rate}
    return out

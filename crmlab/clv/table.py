"""CLV per customer from a fitted BG/NBD and Gamma-Gamma model."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.clv._base import _UNITS, _model_unit, _rate, _same_unit, _summary_columns
from crmlab.clv.bgnbd import BetaGeo
from crmlab.clv.gamma_gamma import GammaGamma

__all__ = ["clv_table"]


# --------------------------------------------------------------------------------------
# CLV per customer
# --------------------------------------------------------------------------------------


def clv_table(bgnbd, gammagamma, summary, *, time: float = 12, discount_rate: float = 0.01,
              freq: str | None = None, margin: float = 1.0) -> pd.DataFrame:
    """Compute each customer's expected purchases, P(alive), spend and CLV over a horizon.

    CLV is the discounted sum, period by period, of the expected purchases in each
    period times the expected spend per purchase (times the margin):
    ``sum_{k=1..time} margin * E[spend] * (E[Y(k)] - E[Y(k-1)]) / (1 + d)**k``,
    like lifetimes' ``customer_lifetime_value`` but in the model's own time unit.

    Parameters
    ----------
    bgnbd : BetaGeo
        Fitted purchase model; its time unit ``unit_`` is the unit of ``time`` and
        ``discount_rate``.
    gammagamma : GammaGamma
        Fitted spend model.
    summary : DataFrame
        Customers (from ``summary_from_transactions(..., amount=...)``) in the same
        unit as the BG/NBD model.
    time : float, default 12
        Horizon, in periods of the model's unit (12 weeks for a weekly model; pass
        ``time=52`` for a year).
    discount_rate : float, default 0.01
        Discount rate **per period of the model's unit**, a decimal in [0, 1). A
        yearly rate of 10% is ``1.1 ** (1 / 52) - 1 = 0.00183`` per week.
    freq : {"D", "W"}, optional
        The unit you mean for ``time`` and ``discount_rate``; default the model's.
        It must equal the model's unit: passing it is a check, not a conversion.
    margin : float, default 1.0
        Share of spend that is profit, a decimal in (0, 1]; 1 gives revenue.

    Returns
    -------
    DataFrame
        Indexed like ``summary``: ``expected_purchases`` (over ``time``),
        ``probability_alive``, ``expected_average_spend``, ``clv``; ``attrs`` holds
        ``time``, ``unit`` and ``discount_rate``.

    Raises
    ------
    CRMDataError
        If a model is not fitted, ``freq`` or the summary's unit differs from the
        model's, ``time`` is not a positive number, a rate is outside its range (90
        meant as 90%), or the summary is invalid.

    Examples
    --------
    >>> bg, gg = BetaGeo(), GammaGamma()
    >>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> bg.unit_ = "W"
    >>> gg.params_ = {"p": 6.25, "q": 3.74, "gamma": 15.44}
    >>> s = pd.DataFrame({"frequency": [0.0, 2.0], "recency": [0.0, 30.43],
    ...                   "T": [38.86, 38.86], "monetary_value": [0.0, 22.0]})
    >>> clv_table(bg, gg, s, time=52, discount_rate=0.002).round(2)
       expected_purchases  probability_alive  expected_average_spend    clv
    0                0.25               1.00                   35.22   8.44
    1                1.56               0.73                   24.38  36.19
    >>> clv_table(bg, gg, s, time=12, freq="D")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: clv_table: the BG/NBD model is in weeks (unit_='W') but ...
    """
    caller = "clv_table"
    for model in (bgnbd, gammagamma):
        if not isinstance(model, (BetaGeo, GammaGamma)):
            raise CRMDataError(f"{caller}: expected fitted BetaGeo and GammaGamma models, got "
                               f"{type(model).__name__}.")
        model._check_fitted()
    unit = _model_unit(bgnbd, caller)
    if freq is not None and freq != unit:
        raise CRMDataError(
            f"{caller}: the BG/NBD model is in {_UNITS.get(unit, unit)} (unit_={unit!r}) but "
            f"freq={freq!r}: time and discount_rate must be per {_UNITS.get(unit, unit)[:-1]}. "
            f"Convert them yourself (12 months is about 52 weeks or 365 days; a monthly rate "
            f"i is (1 + i) ** (12 / 52) - 1 per week), or refit on a summary in {freq!r}."
        )
    _same_unit(bgnbd, summary, caller)
    if isinstance(time, bool) or not isinstance(time, numbers.Real) or not time > 0:
        raise CRMDataError(f"{caller}: time={time!r} must be a positive number of periods.")
    d = _rate(discount_rate, "discount_rate", caller)
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real) or not 0 < margin <= 1:
        raise CRMDataError(
            f"{caller}: margin={margin!r} must be a share of spend in (0, 1]"
            + (f"; pass {margin / 100:g}, not {margin:g}." if isinstance(margin, numbers.Real)
               and margin > 1 else ".")
        )
    df = _summary_columns(summary, caller, ("frequency", "recency", "T", "monetary_value"))
    spend = gammagamma.conditional_expected_average_profit(df)
    steps = np.unique(np.r_[np.arange(1, int(np.floor(time)) + 1, dtype=float), float(time)])
    cumulative = np.column_stack([bgnbd.expected_purchases(k, df).to_numpy() for k in steps])
    per_step = np.diff(np.column_stack([np.zeros(len(df)), cumulative]), axis=1)
    discount = (1 + d) ** steps
    value = margin * spend.to_numpy() * (per_step / discount).sum(axis=1)
    out = pd.DataFrame(
        {
            "expected_purchases": cumulative[:, -1],
            "probability_alive": bgnbd.probability_alive(df).to_numpy(),
            "expected_average_spend": spend.to_numpy(),
            "clv": value,
        },
        index=df.index,
    )
    out.attrs = {"time": float(time), "unit": unit, "discount_rate": d, "margin": float(margin)}
    return out

"""CLV per customer from a fitted BG/NBD and Gamma-Gamma model."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.clv._base import _UNITS, _model_unit, _rate, _same_unit, _summary_columns
from crmlab.clv.bgnbd import BetaGeo
from crmlab.clv.gamma_gamma import GammaGamma
from crmlab.validation import check_fraction, check_number, renamed_keywords

__all__ = ["clv_table"]


@renamed_keywords(time="horizon", discount_rate="discount", margin="margin_rate", freq="unit")
def clv_table(bgnbd: BetaGeo, gammagamma: GammaGamma, summary: pd.DataFrame, *,
              horizon: float = 12, discount: float = 0.01, unit: str | None = None,
              margin_rate: float = 1.0) -> pd.DataFrame:
    """Compute each customer's expected purchases, P(alive), spend and CLV over a horizon.

    CLV is the discounted sum, period by period, of the expected purchases in each
    period times the expected spend per purchase (times the margin rate):
    ``sum_{k=1..horizon} margin_rate * E[spend] * (E[Y(k)] - E[Y(k-1)]) / (1 + d)**k``,
    like lifetimes' ``customer_lifetime_value`` but in the model's own time unit.

    Parameters
    ----------
    bgnbd : BetaGeo
        Fitted purchase model; its time unit ``unit_`` is the unit of ``horizon`` and
        ``discount``.
    gammagamma : GammaGamma
        Fitted spend model.
    summary : DataFrame
        Customers (from ``summary_from_transactions(..., amount=...)``) in the same
        unit as the BG/NBD model.
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
        If a model is not fitted (or is not a BetaGeo / GammaGamma), ``unit`` or the
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
    for name, model, kind in (("bgnbd", bgnbd, BetaGeo), ("gammagamma", gammagamma, GammaGamma)):
        if not isinstance(model, kind):
            raise CRMDataError(
                f"{caller}: {name} must be a fitted {kind.__name__} model, got "
                f"{type(model).__name__}. Fit one with clv.{kind.__name__}().fit(summary).")
        model._check_fitted()
    model_unit = _model_unit(bgnbd, caller)
    if unit is not None and unit != model_unit:
        name = _UNITS.get(model_unit, model_unit)
        raise CRMDataError(
            f"{caller}: the BG/NBD model is in {name} (unit_={model_unit!r}) but "
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
    spend = gammagamma.conditional_expected_average_profit(df)
    steps = np.unique(np.r_[np.arange(1, int(np.floor(horizon)) + 1, dtype=float), horizon])
    cumulative = np.column_stack([bgnbd.expected_purchases(k, df).to_numpy() for k in steps])
    per_step = np.diff(np.column_stack([np.zeros(len(df)), cumulative]), axis=1)
    discounting = (1 + d) ** steps
    value = margin_rate * spend.to_numpy() * (per_step / discounting).sum(axis=1)
    out = pd.DataFrame(
        {
            "expected_purchases": cumulative[:, -1],
            "probability_alive": bgnbd.probability_alive(df).to_numpy(),
            "expected_average_spend": spend.to_numpy(),
            "clv": value,
        },
        index=df.index,
    )
    out.attrs = {"horizon": horizon, "unit": model_unit, "discount": d,
                 "margin_rate": margin_rate}
    return out

"""Customer lifetime value (客户终身价值) in closed form: the margin multiple.

This module holds the closed-form CLV of Gupta & Lehmann ("Customers as assets",
2003): a customer brings a margin ``m`` each period, stays from one period to the next
with probability ``r`` (retention) and money is discounted at rate ``i`` per period.
With margins at the end of each period and an infinite horizon,

    CLV = m * r / (1 + i - r) = m * margin_multiple(r, i).

:func:`margin_multiple` gives the multiple and :func:`simple_clv` the value, with the
usual variants as explicit parameters (margin timing, finite horizon, margin growth,
acquisition cost).

All rates are decimals: retention 0.9 and discount 0.12, not 90 and 12 (a public
calculator that mixes the two gets nonsense). A rate above 1 raises
:class:`crmlab.CRMDataError` with the fix.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from crmlab._errors import CRMDataError
from crmlab.validation import check_fraction, check_number, check_option

__all__ = ["margin_multiple", "simple_clv"]

#: When each period's margin arrives (``simple_clv(timing=...)``), and what that means.
_TIMINGS = {"end": "the margin arrives at the end of each period, if the customer is "
                   "still there",
            "begin": "at the start of each period, the first one for sure"}


def _check_rates(retention: Any, discount: Any, caller: str) -> tuple[float, float]:
    """Retention in [0, 1) and discount in [0, 1], decimals (90 is reported as 90%)."""
    check_number(retention, name="retention", caller=caller)
    check_number(discount, name="discount", caller=caller)
    if retention == 1:
        raise CRMDataError(
            f"{caller}: retention=1 means no customer ever leaves, so the margin multiple "
            f"does not describe a lifetime; use a retention below 1 (for example 0.95)."
        )
    r = check_fraction(retention, name="retention", caller=caller, high_open=True)
    i = check_fraction(discount, name="discount", caller=caller)
    return r, i


def margin_multiple(retention: float, discount: float) -> float:
    """Compute the margin multiple r / (1 + i - r) of Gupta & Lehmann.

    Multiply a constant per-period margin by this number to get the customer's
    lifetime value (infinite horizon, margins at the end of each period).

    Parameters
    ----------
    retention : float
        Retention rate r per period, a decimal in [0, 1) (0.8, not 80).
    discount : float
        Discount rate i per period, a decimal >= 0 (0.1, not 10).

    Returns
    -------
    float
        ``r / (1 + i - r)``.

    Raises
    ------
    CRMDataError
        If a rate is not a finite number, if retention is outside [0, 1) or the
        discount is negative, or if a rate is above 1 (a percentage passed by mistake).

    See Also
    --------
    simple_clv : the value itself, with timing, horizon, growth and acquisition cost.

    Notes
    -----
    The first margin arrives at the end of period 1 if the customer is still there
    (probability r); the margin of period t is received with probability r**t and
    discounted by (1 + i)**t. The sum of the geometric series
    ``sum_{t>=1} (r / (1 + i))**t`` is ``r / (1 + i - r)``. Gupta & Lehmann tabulate
    it: with r = 0.8 and i = 0.1 a customer is worth 2.67 years of margin, not the
    ``1 / (1 - r) = 5`` years of expected tenure.

    Examples
    --------
    >>> round(margin_multiple(0.8, 0.1), 4)
    2.6667
    >>> round(margin_multiple(0.9, 0.12), 2)
    4.09
    >>> margin_multiple(90, 0.12)
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: margin_multiple: retention=90 looks like a ... pass 0.9, not 90.
    """
    r, i = _check_rates(retention, discount, "margin_multiple")
    return r / (1 + i - r)


def simple_clv(
    margin: float,
    retention: float,
    discount: float,
    acquisition_cost: float = 0.0,
    timing: str = "end",
    horizon: int | None = None,
    growth: float = 0.0,
) -> float:
    """Compute a customer's lifetime value from margin, retention and discount rate.

    Parameters
    ----------
    margin : float
        Margin m per period (yuan) in the first period: revenue minus the cost of
        goods and of serving the customer. May be negative.
    retention : float
        Retention rate r per period, a decimal in [0, 1).
    discount : float
        Discount rate i per period, a decimal >= 0.
    acquisition_cost : float, default 0.0
        Cost of acquiring the customer, paid now (at time 0) and subtracted.
    timing : {"end", "begin"}, default "end"
        When each period's margin arrives. ``"end"``: at the end of the period, if
        the customer survived it (Gupta & Lehmann's convention). ``"begin"``: at the
        start of each period, the first one for sure (for example an annual fee paid
        on joining).
    horizon : int, optional
        Number of periods (margins) to count. None means an infinite horizon.
    growth : float, default 0.0
        Growth g of the margin per period, a decimal: the margin of period t is
        ``m * (1 + g)**(t - 1)``. Must be above -1.

    Returns
    -------
    float
        The expected discounted margin over the customer's lifetime, minus the
        acquisition cost.

    Raises
    ------
    CRMDataError
        If an argument is not a finite number; if retention is outside [0, 1), the
        discount negative or a rate above 1 (a percentage: pass 0.9, not 90); if
        growth is not above -1 or above 1; if ``acquisition_cost`` is negative;
        if ``timing`` is not "end" or "begin"; if ``horizon`` is not a positive
        whole number; or if the infinite-horizon sum diverges
        (``r * (1 + g) >= 1 + i``).

    See Also
    --------
    margin_multiple : the multiple r / (1 + i - r) alone.

    Notes
    -----
    Periods are numbered t = 1, 2, ... and all rates are per period (use annual
    margin with annual retention and an annual discount rate). Let
    ``q = r * (1 + g) / (1 + i)``.

    - ``timing="end"``: the margin of period t arrives at time t with probability
      ``r**t``, so CLV = ``sum_{t=1..T} m (1+g)**(t-1) r**t / (1+i)**t``. With an
      infinite horizon this is ``m * r / (1 + i - r * (1 + g))``, and with g = 0 the
      margin multiple ``m * r / (1 + i - r)``.
    - ``timing="begin"``: the margin of period t arrives at time t - 1 with
      probability ``r**(t-1)`` (the first one for sure), so CLV =
      ``sum_{t=1..T} m q**(t-1)``; infinite: ``m * (1 + i) / (1 + i - r * (1 + g))``,
      which is the "end" value times ``(1 + i) / r``.
    - ``horizon=T`` counts T margins, summed term by term; as T grows the sum
      approaches the infinite formula. The infinite horizon needs ``q < 1``.
    - ``acquisition_cost`` is paid at time 0 and not discounted.

    Examples
    --------
    >>> round(simple_clv(100, 0.8, 0.1), 2)
    266.67
    >>> round(simple_clv(100, 0.8, 0.1, timing="begin"), 2)
    366.67
    >>> round(simple_clv(100, 0.8, 0.1, horizon=3), 2)
    164.09
    >>> round(simple_clv(100, 0.8, 0.1, growth=0.05, acquisition_cost=50), 2)
    257.69
    >>> simple_clv(100, 0.8, 10)
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: simple_clv: discount=10 looks like ... pass 0.1, not 10.
    """
    caller = "simple_clv"
    m = check_number(margin, name="margin", caller=caller)
    r, i = _check_rates(retention, discount, caller)
    cost = check_number(acquisition_cost, name="acquisition_cost", caller=caller)
    if cost < 0:
        raise CRMDataError(
            f"{caller}: acquisition_cost={cost:g} is negative; pass the cost as a positive "
            f"amount (it is subtracted)."
        )
    g = check_number(growth, name="growth", caller=caller)
    if g > 1:
        raise CRMDataError(
            f"{caller}: growth={g:g} looks like a percentage; rates are decimals: "
            f"pass {g / 100:g}, not {g:g}."
        )
    if g <= -1:
        raise CRMDataError(f"{caller}: growth={g:g} must be above -1 (a margin cannot shrink "
                           f"by 100% or more per period).")
    try:
        check_option(timing, tuple(_TIMINGS), name="timing", caller=caller)
    except CRMDataError as exc:
        meaning = "; ".join(f"{k!r}: {v}" for k, v in _TIMINGS.items())
        raise CRMDataError(f"{exc} ({meaning}.)") from None
    q = r * (1 + g) / (1 + i)
    # value of the first margin: at time 1 with probability r, or at time 0 for sure
    first = m * r / (1 + i) if timing == "end" else m
    if horizon is None:
        if q >= 1:
            raise CRMDataError(
                f"{caller}: with retention={r:g}, growth={g:g} and discount={i:g} the "
                f"infinite sum diverges (r * (1 + g) = {r * (1 + g):.4g} >= 1 + i = "
                f"{1 + i:.4g}); pass a finite horizon=..., a lower growth or a higher discount."
            )
        value = first / (1 - q)
    else:
        if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral) or horizon < 1:
            raise CRMDataError(
                f"{caller}: horizon={horizon!r} must be a whole number of periods >= 1, "
                f"or None for an infinite horizon."
            )
        t = np.arange(int(horizon), dtype=float)
        value = float(first * np.sum(q**t))
    return float(value - cost)

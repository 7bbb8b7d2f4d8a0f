"""Buy-till-you-die (BTYD) models of customer lifetime value (客户终身价值).

Re-exported by :mod:`crmlab.clv` (``from crmlab import clv; clv.BetaGeo``); scipy is
imported inside the functions so that ``import crmlab.clv`` stays fast.

- :func:`summary_from_transactions` turns a transaction log into the Fader–Hardie
  summary ``frequency, recency, T [, monetary_value]``, identical to
  ``lifetimes.utils.summary_data_from_transaction_data``.
- :class:`BetaGeo` is the BG/NBD model of Fader, Hardie & Lee (2005a), "Counting your
  customers the easy way", *Marketing Science* 24(2).
- :class:`GammaGamma` is the spend model of Fader, Hardie & Lee (2005b), "RFM and CLV:
  using iso-value curves", *J. Marketing Research* 42(4), as written up in Fader &
  Hardie (2013), "The Gamma-Gamma model of monetary value".
- :class:`ShiftedBetaGeometric` is the sBG retention model of Fader & Hardie (2007),
  "How to project customer retention", *J. Interactive Marketing* 21(1), with the
  discounted expected residual lifetime of Fader & Hardie (2010), *Marketing Science*
  29(1).
- :func:`calibration_holdout` and :func:`clv_table` check and use the fitted models.

The BTYD summary is **not** an RFM table: its ``frequency`` counts *repeat* purchase
periods (the first purchase is not counted, purchases in the same day or week are
merged first), ``recency`` is the age of the customer at the last purchase (first to
last purchase, not "time since the last purchase" as in RFM), and ``T`` is the age at
the end of the observation window. All three are in the summary's time unit, recorded
in ``summary.attrs["unit"]``; the models remember it and predict in that unit.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.schema import require, show_rows

__all__ = [
    "BetaGeo",
    "GammaGamma",
    "SBG_COHORTS",
    "ShiftedBetaGeometric",
    "calibration_holdout",
    "clv_table",
    "summary_from_transactions",
]

#: Customers still active at the start of each year of two cohorts of 1,000 customers
#: who signed up in the same year (years 0 to 7), from Fader & Hardie (2007), "How to
#: project customer retention", *Journal of Interactive Marketing* 21(1), 76-90, Table 1
#: (published counts, not a dataset). Their sBG estimates on these 8 counts are
#: alpha = 0.668, beta = 3.806 ("high end") and alpha = 0.704, beta = 1.182 ("regular").
SBG_COHORTS = {
    "high end": (1000, 869, 743, 653, 593, 551, 517, 491),
    "regular": (1000, 631, 468, 382, 326, 289, 262, 241),
}

_UNITS = {"D": "days", "W": "weeks"}
_DAYS = {"D": 1, "W": 7}


# --------------------------------------------------------------------------------------
# The summary
# --------------------------------------------------------------------------------------


def _period_numbers(dates: pd.Series, freq: str) -> np.ndarray:
    """Number the calendar periods: days since 1970-01-01, or Monday-to-Sunday weeks."""
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)  # floors
    if freq == "W":
        return (days - 4) // 7  # 1970-01-05 (day 4) is a Monday: pandas' W-SUN periods
    return days


def _check_freq(freq, unit, caller):
    if freq not in _UNITS:
        raise CRMDataError(
            f"{caller}: freq={freq!r}; use 'D' (purchases merged per day) or 'W' "
            f"(per Monday-to-Sunday week)."
        )
    unit = freq if unit is None else unit
    if unit not in _UNITS:
        raise CRMDataError(f"{caller}: unit={unit!r}; use 'D' (days) or 'W' (weeks).")
    if freq == "W" and unit == "D":
        raise CRMDataError(
            f"{caller}: freq='W' with unit='D' would count weekly periods in days; use "
            f"unit='W', or freq='D' to merge per day."
        )
    return unit


def _end_period(observation_end, dates, freq, caller):
    if observation_end is None:
        end = dates.max()
    else:
        try:
            end = pd.Timestamp(observation_end)
        except (TypeError, ValueError) as exc:
            raise CRMDataError(
                f"{caller}: observation_end={observation_end!r} is not a date; pass "
                f"'YYYY-MM-DD' or a pandas Timestamp."
            ) from exc
    if end.tzinfo is not None:
        end = end.tz_localize(None)
    return end, int(_period_numbers(pd.Series([end]), freq)[0])


def _per_period(df, customer, date, amount, periods, keep):
    """One row per customer and purchase period (spend summed), sorted by customer, period.

    Spend is summed in lifetimes' order (by date, then amount) so that the float
    results agree to the last bit.
    """
    frame = pd.DataFrame({"c": df[customer].reset_index(drop=True), "p": periods})
    if amount is not None:
        frame["t"] = df[date].to_numpy()
        frame["m"] = df[amount].to_numpy(dtype=float)
    frame = frame.loc[keep]
    if amount is not None:
        frame = frame.sort_values(["c", "t", "m"], kind="stable")
        return frame.groupby(["c", "p"], sort=True)["m"].sum().reset_index()
    return frame.drop_duplicates(["c", "p"]).sort_values(["c", "p"], kind="stable")


def _summarise(df, customer, date, amount, periods, end_period, scale, keep=None):
    """Per-customer summary from period numbers (transactions up to end_period)."""
    keep = periods <= end_period if keep is None else keep
    per = _per_period(df, customer, date, amount, periods, keep)
    grouped = per.groupby("c", sort=True)
    first, last, count = grouped["p"].min(), grouped["p"].max(), grouped["p"].size()
    out = pd.DataFrame(
        {
            "frequency": (count - 1).astype(float),
            "recency": (last - first) / scale,
            "T": (end_period - first) / scale,
        }
    )
    if amount is not None:
        # mean over the repeat periods: the first period masked as NaN, as lifetimes
        # does (pandas' compensated group mean then agrees with it to the last bit)
        repeat = per["m"].where(grouped.cumcount() > 0)
        mean = repeat.groupby(per["c"], sort=True).mean().fillna(0.0)
        out["monetary_value"] = mean.reindex(out.index, fill_value=0.0)
    out.index.name = customer
    return out, int((~keep).sum())


def summary_from_transactions(
    transactions,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str | None = None,
    observation_end=None,
    freq: str = "D",
    unit: str | None = None,
    engine: str | None = None,
) -> pd.DataFrame:
    """Summarise a transaction log as frequency, recency, T (and monetary value) per customer.

    This is the input of the buy-till-you-die models (:class:`BetaGeo`,
    :class:`GammaGamma`), following Fader, Hardie & Lee (2005). It is not an RFM
    table: see Notes.

    Parameters
    ----------
    transactions : DataFrame, str, Path or PySpark DataFrame
        One row per purchase (or order line): in memory, a CSV or Parquet file (or a
        folder of Parquet files), or a Spark DataFrame. It is not modified.
    customer : str, default "customer_id"
        Customer id column.
    date : str, default "order_date"
        Purchase date column (datetime64; a time of day is ignored).
    amount : str, optional
        Spend column. When given, the summary has ``monetary_value``.
    observation_end : str or Timestamp, optional
        End of the observation window. Default: the last date in the data, which
        moves when new rows arrive, so pass it explicitly for reproducible results.
        The value used is stored in ``summary.attrs["observation_end"]``.
    freq : {"D", "W"}, default "D"
        Purchase period: purchases of a customer in the same day (``"D"``) or the same
        Monday-to-Sunday week (``"W"``) are merged into one transaction.
    unit : {"D", "W"}, optional
        Time unit of ``recency`` and ``T``; default ``freq``. ``freq="D", unit="W"``
        counts whole days and expresses them in weeks (days / 7), the convention of
        Fader, Hardie & Lee's CDNOW analysis (lifetimes' ``freq_multiplier=7``).
    engine : {None, "pandas", "duckdb", "spark"}, default None
        Where to compute (see :mod:`crmlab.engines`): ``None`` uses pandas for a
        DataFrame, Spark for a PySpark DataFrame, and for a file DuckDB when it is
        larger than ``crmlab.engines.AUTO_DUCKDB_BYTES`` (200 MiB), else pandas. On
        DuckDB and Spark one SQL query (``crmlab.engines.BTYD_SQL``, the same text
        for both) merges the periods and aggregates per customer; the small result
        is finished in pandas. All engines give the same summary (``monetary_value``
        equal after rounding to cents).

    Returns
    -------
    DataFrame
        Indexed by customer (sorted), float columns ``frequency``, ``recency``, ``T``
        and, with ``amount``, ``monetary_value``. ``attrs`` holds
        ``observation_end``, ``freq``, ``unit`` and ``dropped`` (purchases after the
        observation window, and customers whose first purchase is after it).

    Raises
    ------
    CRMDataError
        If a column is missing or has the wrong kind of values (see
        :func:`crmlab.schema.require`), if ``freq`` or ``unit`` is not "D" or "W"
        (or ``freq="W"`` with ``unit="D"``), if ``observation_end`` is not a date,
        if no purchase falls in the observation window, if ``engine`` is unknown,
        or if the file cannot be read or lacks a column.

    See Also
    --------
    calibration_holdout : a calibration summary plus the holdout purchases.
    crmlab.rfm.rfm_table : the RFM table (different definitions).

    Notes
    -----
    The definitions are lifetimes' (``summary_data_from_transaction_data``), and the
    result equals it on the CDNOW data. Time is cut into periods of ``freq``; each
    date is replaced by the start of its period (for weeks, the Monday). Then, per
    customer:

    - ``frequency`` = number of distinct periods with a purchase, minus one: the
      number of *repeat* purchases (RFM frequency counts all orders);
    - ``recency`` = last purchase period - first purchase period (the customer's age
      at the last purchase; RFM recency is the time *since* the last purchase);
    - ``T`` = the period of ``observation_end`` - first purchase period;
    - ``monetary_value`` = mean spend per repeat period (spend summed within each
      period, the first period excluded), 0 when ``frequency`` is 0.

    A purchase belongs to the window when its period is not after the period of
    ``observation_end``. With ``freq="W"`` the window therefore ends with the whole
    week that contains ``observation_end`` (as in lifetimes); the purchases that
    fall in later periods are counted in ``attrs["dropped"]``.

    Examples
    --------
    >>> log = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-08",
    ...                                   "2024-01-15", "2024-01-10"]),
    ...     "amount": [10.0, 5.0, 20.0, 40.0, 8.0]})
    >>> summary_from_transactions(log, amount="amount", observation_end="2024-01-31")
                 frequency  recency     T  monetary_value
    customer_id
    a                  2.0     14.0  30.0            30.0
    b                  0.0      0.0  21.0             0.0
    >>> s = summary_from_transactions(log, observation_end="2024-01-31", unit="W")
    >>> s.round(2).loc["a"].tolist(), s.attrs["unit"]
    ([2.0, 2.0, 4.29], 'W')
    """
    from crmlab import engines

    caller = "summary_from_transactions"
    engine = engines.choose_engine(transactions, engine, caller=caller)
    unit = _check_freq(freq, unit, caller)
    if engine != "pandas":
        return engines.btyd_sql(transactions, engine=engine, customer=customer, date=date,
                                amount=amount, observation_end=observation_end, freq=freq,
                                unit=unit, caller=caller)
    columns = {customer: "id", date: "datetime"}
    params = {customer: "customer", date: "date"}
    if amount is not None:
        columns[amount] = "number"
        params[amount] = "amount"
    if engines._as_path(transactions) is not None:
        transactions = engines.read_frame(transactions, columns, caller=caller,
                                          params=params)
    df = require(transactions, columns, caller=caller, params=params)
    end, end_period = _end_period(observation_end, df[date], freq, caller)
    periods = _period_numbers(df[date], freq)
    scale = _DAYS[unit] / _DAYS[freq]
    out, after = _summarise(df, customer, date, amount, periods, end_period, scale)
    if out.empty:
        raise CRMDataError(
            f"{caller}: no purchase on or before observation_end={end.date()} (the data "
            f"start on {df[date].min().date()}). Pass a later observation_end."
        )
    late_customers = df[customer].nunique() - len(out)
    out.attrs = {
        "observation_end": end.normalize(),
        "freq": freq,
        "unit": unit,
        "dropped": {
            "purchases after observation_end": after,
            "customers first seen after observation_end": int(late_customers),
        },
    }
    return out


def calibration_holdout(
    transactions,
    *,
    calibration_end,
    observation_end,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str | None = None,
    freq: str = "D",
    unit: str | None = None,
) -> pd.DataFrame:
    """Split a transaction log into a calibration summary and the holdout purchases.

    Fit a model on the calibration columns, predict purchases over
    ``duration_holdout`` and compare with ``frequency_holdout`` (the classic check of
    Fader, Hardie & Lee 2005, see :meth:`BetaGeo.holdout_comparison`).

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase.
    calibration_end : str or Timestamp
        Last day of the calibration period.
    observation_end : str or Timestamp
        Last day of the holdout period (after ``calibration_end``).
    customer, date, amount, freq, unit
        As in :func:`summary_from_transactions`.

    Returns
    -------
    DataFrame
        One row per customer with a purchase in the calibration period: the
        calibration summary (``frequency``, ``recency``, ``T`` [, ``monetary_value``],
        with the attrs of :func:`summary_from_transactions`), then
        ``frequency_holdout`` (number of periods with a purchase in the holdout),
        ``duration_holdout`` (length of the holdout in ``unit``) and, with ``amount``,
        ``monetary_value_holdout`` (mean spend per holdout period, 0 if none).

    Raises
    ------
    CRMDataError
        As :func:`summary_from_transactions`, and if ``observation_end`` is not after
        ``calibration_end``.

    Notes
    -----
    Like lifetimes' ``calibration_and_holdout_data``, the two windows are cut by
    date: the calibration summary uses the purchases on or before ``calibration_end``
    (its ``T`` runs to the period of ``calibration_end``), the holdout the purchases
    after it and on or before ``observation_end``, merged per ``freq`` period.
    ``duration_holdout`` is the number of periods from the period of
    ``calibration_end`` to that of ``observation_end`` (in ``unit``). Customers
    first seen in the holdout are left out (counted in ``attrs["dropped"]``).
    ``monetary_value_holdout`` is the mean spend per holdout *period*, as in the
    summary (lifetimes averages the raw rows instead, so the two differ when a
    customer buys twice on one day).

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-02-03",
    ...                                   "2024-02-10"])})
    >>> calibration_holdout(log, calibration_end="2024-01-31", observation_end="2024-02-29")
                 frequency  recency     T  frequency_holdout  duration_holdout
    customer_id
    a                  1.0      4.0  30.0                1.0              29.0
    """
    caller = "calibration_holdout"
    unit = _check_freq(freq, unit, caller)
    columns = {customer: "id", date: "datetime"}
    params = {customer: "customer", date: "date"}
    if amount is not None:
        columns[amount] = "number"
        params[amount] = "amount"
    df = require(transactions, columns, caller=caller, params=params)
    cal_end, cal_period = _end_period(calibration_end, df[date], freq, caller)
    obs_end, obs_period = _end_period(observation_end, df[date], freq, caller)
    if obs_period <= cal_period:
        raise CRMDataError(
            f"{caller}: observation_end={obs_end.date()} must be after "
            f"calibration_end={cal_end.date()} (in whole {_UNITS[freq]})."
        )
    periods = _period_numbers(df[date], freq)
    days = _period_numbers(df[date], "D")
    cal_day = int(_period_numbers(pd.Series([cal_end]), "D")[0])
    obs_day = int(_period_numbers(pd.Series([obs_end]), "D")[0])
    scale = _DAYS[unit] / _DAYS[freq]
    cal, _ = _summarise(df, customer, date, amount, periods, cal_period, scale,
                        keep=days <= cal_day)
    if cal.empty:
        raise CRMDataError(
            f"{caller}: no purchase on or before calibration_end={cal_end.date()}; pass a "
            f"later calibration_end."
        )
    hold = (days > cal_day) & (days <= obs_day)
    per = _per_period(df, customer, date, amount, periods, hold)
    counts = per.groupby("c")["p"].size()
    out = cal.copy()
    out["frequency_holdout"] = counts.reindex(out.index, fill_value=0).astype(float).to_numpy()
    out["duration_holdout"] = float((obs_period - cal_period) / scale)
    if amount is not None:
        mean = per.groupby("c")["m"].mean()
        out["monetary_value_holdout"] = mean.reindex(out.index, fill_value=0.0).to_numpy()
    in_cal = set(cal.index)
    new = per.loc[~per["c"].isin(in_cal), "c"].nunique()
    out.attrs = {
        "observation_end": cal_end.normalize(),
        "holdout_end": obs_end.normalize(),
        "freq": freq,
        "unit": unit,
        "dropped": {
            "purchases after observation_end": int((days > obs_day).sum()),
            "customers first seen in the holdout": int(new),
        },
    }
    return out


# --------------------------------------------------------------------------------------
# Validation shared by the models
# --------------------------------------------------------------------------------------


def _summary_columns(summary, caller, needed=("frequency", "recency", "T")):
    if isinstance(summary, pd.DataFrame):
        df = require(summary, {c: "number" for c in needed}, caller=caller)
    else:
        raise CRMDataError(
            f"{caller}: expected the summary DataFrame from "
            f"clv.summary_from_transactions(...), got {type(summary).__name__}."
        )
    return df


def _check_rfT(x, t_x, T, index, caller):
    """Validate frequency / recency / T arrays (already floats)."""
    bad = (x < 0) | (t_x < 0) | (T < 0)
    if bad.any():
        raise CRMDataError(
            f"{caller}: frequency, recency and T must be >= 0; {bad.sum()} customers have "
            f"negative values in {show_rows(index[bad])}. Rebuild the summary with "
            f"clv.summary_from_transactions."
        )
    bad = x != np.round(x)
    if bad.any():
        raise CRMDataError(
            f"{caller}: column 'frequency' must hold whole numbers of repeat purchases; "
            f"{bad.sum()} values are not, in {show_rows(index[bad], x[bad])}. A fractional "
            f"frequency is not rounded silently: rebuild the summary with "
            f"clv.summary_from_transactions."
        )
    bad = t_x > T * (1 + 1e-12)
    if bad.any():
        raise CRMDataError(
            f"{caller}: recency must not exceed T (the last purchase cannot come after the "
            f"end of observation); {bad.sum()} customers break this, in "
            f"{show_rows(index[bad], t_x[bad])}. Check that recency and T are in the same "
            f"unit and measured from the first purchase."
        )
    bad = (x == 0) & (t_x > 0)
    if bad.any():
        raise CRMDataError(
            f"{caller}: a customer with frequency 0 (no repeat purchase) must have "
            f"recency 0; {bad.sum()} do not, in {show_rows(index[bad], t_x[bad])}. Recency "
            f"is the time from the first to the last purchase, not the RFM recency."
        )


def _as_array(value, name, caller):
    arr = np.asarray(value, dtype=float) if not isinstance(value, pd.Series) else value.to_numpy(
        dtype=float)
    if not np.all(np.isfinite(arr)):
        raise CRMDataError(f"{caller}: {name} must be finite numbers, got {value!r}.")
    return arr


def _inputs(summary, frequency, recency, T, caller):
    """Return (x, t_x, T, index or None) from a summary or three arrays."""
    if summary is not None:
        df = _summary_columns(summary, caller)
        x, t_x, big_t = (df[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        index = df.index
    else:
        if frequency is None or recency is None or T is None:
            raise CRMDataError(
                f"{caller}: pass a summary, or all of frequency=, recency= and T=."
            )
        x = _as_array(frequency, "frequency", caller)
        t_x = _as_array(recency, "recency", caller)
        big_t = _as_array(T, "T", caller)
        x, t_x, big_t = np.broadcast_arrays(x, t_x, big_t)
        index = pd.RangeIndex(x.size) if x.ndim else pd.RangeIndex(1)
    _check_rfT(np.atleast_1d(x), np.atleast_1d(t_x), np.atleast_1d(big_t), index, caller)
    return x, t_x, big_t, (index if summary is not None else None)


def _output(values, index, name):
    if index is not None:
        return pd.Series(values, index=index, name=name)
    values = np.asarray(values, dtype=float)
    return float(values) if values.ndim == 0 else values


def _rate(value, name, caller):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise CRMDataError(f"{caller}: {name} must be a number, got {value!r}.")
    if value >= 1:
        raise CRMDataError(
            f"{caller}: {name}={value:g} looks like a percentage; rates are decimals in "
            f"[0, 1): pass {value / 100:g}, not {value:g}."
        )
    if value < 0:
        raise CRMDataError(f"{caller}: {name}={value:g} is negative; it must be in [0, 1).")
    return float(value)


def _horizon(t, caller):
    arr = _as_array(t, "t", caller)
    if np.any(arr < 0):
        raise CRMDataError(f"{caller}: the horizon t must be >= 0, got {t!r}.")
    return arr


#: Convergence of every BTYD fit: Newton steps on the log-parameters are taken until the
#: largest one is below this, i.e. every parameter is known to a relative 1e-11 or better,
#: far below the 3-6 significant digits the course prints. The gradient is analytic and
#: summed by numpy's pairwise sum (no BLAS call), so the optimum does not depend on the
#: CPU, the BLAS kernel or the thread count; only its last bits do.
FIT_TOLERANCE = 1e-11


def _minimize(objective, starts, args):
    """Minimise a smooth objective over log-parameters to :data:`FIT_TOLERANCE`.

    ``objective(log_params, *args)`` returns ``(value, gradient)``, both analytic. From
    each start (the next only when the previous failed): BFGS with the analytic
    gradient (a Nelder-Mead search first when BFGS cannot leave the start), then Newton
    polishing with a Hessian from central differences of the gradient, until the
    largest step is below ``FIT_TOLERANCE``. Returns scipy's ``OptimizeResult`` with
    ``x``, ``fun``, ``jac``, ``success``, ``message`` and ``hess`` (of the objective,
    at ``x``; None when not positive definite).
    """
    from scipy.optimize import minimize

    value = lambda v: objective(v, *args)[0]  # noqa: E731
    best = None
    for start in starts:
        start = np.asarray(start, dtype=float)
        res = minimize(objective, start, args=args, jac=True, method="BFGS",
                       options={"gtol": 1e-9, "maxiter": 2000})
        if not np.isfinite(res.fun) or res.fun >= 1e99:
            simplex = minimize(value, start, method="Nelder-Mead",
                               options={"xatol": 1e-9, "fatol": 1e-13, "maxiter": 20000})
            res = minimize(objective, simplex.x, args=args, jac=True, method="BFGS",
                           options={"gtol": 1e-9, "maxiter": 2000})
        res = _newton_polish(objective, res, args)
        if best is None or res.fun < best.fun:
            best = res
        if best.success and best.fun < 1e99:
            break
    return best


def _hessian(objective, x, args):
    """Hessian of the objective: central differences of its analytic gradient."""
    k = len(x)
    hess = np.empty((k, k))
    for i in range(k):
        h = 1e-5 * max(1.0, abs(x[i]))
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        hess[:, i] = (objective(up, *args)[1] - objective(down, *args)[1]) / (2 * h)
    return (hess + hess.T) / 2


def _newton_polish(objective, res, args, max_steps: int = 50):
    """Newton steps from a BFGS result until the largest step is below FIT_TOLERANCE."""
    x = np.asarray(res.x, dtype=float).copy()
    fun, grad = objective(x, *args)
    res.success, res.hess = False, None
    if not np.isfinite(fun) or fun >= 1e99:
        res.message = "the likelihood is not finite at the optimiser's last point"
        return res
    for _ in range(max_steps):
        hess = _hessian(objective, x, args)
        if not np.all(np.isfinite(hess)) or np.any(np.linalg.eigvalsh(hess) <= 0):
            res.message = ("the likelihood is flat or not concave here: a parameter may be "
                           "running to a boundary (0 or infinity)")
            break
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-6:  # backtrack if a full step does not decrease the objective
            trial = x - t * step
            f_new, g_new = objective(trial, *args)
            if np.isfinite(f_new) and f_new <= fun + 1e-12 * abs(fun):
                break
            t /= 2
        else:
            res.message = "Newton polishing could not decrease the objective"
            break
        x, fun, grad = trial, f_new, g_new
        if np.max(np.abs(t * step)) < FIT_TOLERANCE:
            res.success = True
            res.message = f"converged: largest Newton step below {FIT_TOLERANCE:g}"
            res.hess = hess
            break
    else:
        res.message = f"no convergence after {max_steps} Newton steps"
    res.x, res.fun, res.jac = x, float(fun), grad
    return res


def _standard_errors(hess_of_mean, log_params, n):
    """Standard errors of exp(log_params) from the Hessian of the mean negative
    log-likelihood over ``n`` customers (delta method)."""
    k = len(log_params)
    if hess_of_mean is None:
        return np.full(k, np.nan)
    try:
        cov = np.linalg.inv(hess_of_mean * n)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    var = np.diag(cov)
    se_log = np.sqrt(np.where(var > 0, var, np.nan))
    return np.exp(log_params) * se_log


class _Fitter:
    """Shared not-fitted check and repr."""

    _fit_arg = "summary"

    def _check_fitted(self):
        if not hasattr(self, "params_"):
            raise CRMDataError(
                f"{type(self).__name__} is not fitted yet: call .fit({self._fit_arg}) first."
            )

    def __repr__(self):
        name = type(self).__name__
        if not hasattr(self, "params_"):
            return f"{name}(not fitted)"
        shown = ", ".join(f"{k}={v:.3f}" for k, v in self.params_.items())
        return f"{name}({shown}; fitted on {self.n_:,} {self._what})"


# --------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------


def _bg_loglik(params, x, t_x, T, gradient=False):
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005a, eq. 6).

    With ``gradient=True`` also its derivatives by (r, alpha, a, b), one row each.
    """
    from scipy.special import betaln, digamma, gammaln

    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    a3 = np.full_like(x, -np.inf)
    xr = x[repeat]
    a3[repeat] = (betaln(a + 1, b + xr - 1) - betaln(a, b)
                  - (r + xr) * np.log(alpha + t_x[repeat]))
    mix = np.logaddexp(a2, a3)
    ll = a1 + mix
    if not gradient:
        return ll
    # weights of the two terms of the mixture: w3 = exp(a3) / (exp(a2) + exp(a3))
    w3 = np.exp(a3 - mix)
    w2 = 1.0 - w3
    d_ab = digamma(a + b) - digamma(a + b + x)
    bx1 = np.where(repeat, b + x - 1, 1.0)  # b + x - 1 where w3 > 0
    grad = np.vstack([
        digamma(r + x) - digamma(r) + np.log(alpha)
        - w2 * np.log(alpha + T) - w3 * np.log(alpha + t_x),
        r / alpha - (r + x) * (w2 / (alpha + T) + w3 / (alpha + t_x)),
        d_ab + w3 / a,
        d_ab - digamma(b) + digamma(b + x) - w3 / bx1,
    ])
    return ll, grad


def _bg_objective(log_params, x, t_x, T, penalizer):
    """Mean negative log-likelihood (plus penalty) and its gradient by log-parameters."""
    params = np.exp(log_params)
    with np.errstate(all="ignore"):
        ll, grad = _bg_loglik(params, x, t_x, T, gradient=True)
        value = -np.mean(ll) + penalizer * np.sum(params**2)
        jac = -np.mean(grad, axis=1) * params + 2 * penalizer * params**2
    if not (np.isfinite(value) and np.all(np.isfinite(jac))):
        return 1e100, np.zeros_like(log_params)
    return float(value), jac


class BetaGeo(_Fitter):
    """BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005a).

    While alive, a customer buys as a Poisson process with rate lambda ~
    Gamma(r, alpha); after each purchase she drops out with probability p ~
    Beta(a, b). The model is fitted to a summary from
    :func:`summary_from_transactions` and predicts in the summary's time unit.

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
    freq_ : str
        The time unit of the fitted summary ("D" days or "W" weeks); ``alpha``,
        recency, T and the horizons of all predictions are in this unit.
    n_ : int
        Number of customers fitted.

    Examples
    --------
    >>> import crmlab
    >>> cdnow = crmlab.load_data("cdnow_sample")
    >>> s = summary_from_transactions(cdnow, observation_end="1997-09-30", unit="W")
    >>> bg = BetaGeo().fit(s)
    >>> bg
    BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426; fitted on 2,357 customers)
    >>> round(bg.log_likelihood_, 1)
    -9582.4
    """

    _what = "customers"

    def __init__(self, penalizer: float = 0.0):
        self.penalizer = penalizer

    def fit(self, summary):
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        summary : DataFrame
            From :func:`summary_from_transactions`: ``frequency`` (whole numbers),
            ``recency`` and ``T`` in one time unit (read from ``attrs["unit"]``;
            "D" is assumed when the attrs are missing).

        Returns
        -------
        BetaGeo
            self, fitted.

        Raises
        ------
        CRMDataError
            If a column is missing or not numeric, a frequency is not a whole
            number, a value is negative, recency exceeds T, a customer without
            repeat purchases has a recency, or the optimiser fails.
        """
        caller = "BetaGeo.fit"
        x, t_x, T, _ = _inputs(summary, None, None, None, caller)
        pen = self.penalizer
        if isinstance(pen, bool) or not isinstance(pen, numbers.Real) or pen < 0:
            raise CRMDataError(f"{caller}: penalizer={pen!r} must be a number >= 0.")
        # start: r, alpha from the mean purchase rate; a, b = 1
        rate = max(float(np.sum(x) / max(np.sum(T), 1e-9)), 1e-6)
        starts = [np.log([1.0, 1.0 / rate, 1.0, 1.0]), np.zeros(4)]
        args = (x, t_x, T, float(pen))
        res = _minimize(_bg_objective, starts, args)
        if not np.isfinite(res.fun) or res.fun >= 1e99:
            raise CRMDataError(
                f"{caller}: the optimiser did not converge ({res.message}). Check the summary "
                f"(units, outliers) or pass a small penalizer, e.g. BetaGeo(penalizer=0.001)."
            )
        params = np.exp(res.x)
        names = ("r", "alpha", "a", "b")
        self.params_ = dict(zip(names, params.tolist(), strict=True))
        self.log_likelihood_ = float(np.sum(_bg_loglik(params, x, t_x, T)))
        se = _standard_errors(res.hess, res.x, len(x))
        self.converged_ = bool(res.success)
        self.standard_errors_ = dict(zip(names, se.tolist(), strict=True))
        self.freq_ = summary.attrs.get("unit", summary.attrs.get("freq", "D"))
        self.n_ = int(len(x))
        return self

    def expected_purchases(self, t, summary=None, *, frequency=None, recency=None, T=None):
        """Return the expected number of purchases in the next ``t`` periods, per customer.

        The conditional expectation E[Y(t) | x, t_x, T] of Fader, Hardie & Lee
        (2005a, eq. 10), given each customer's history.

        Parameters
        ----------
        t : float or array
            Horizon, in the model's time unit ``freq_`` (weeks if the summary was in
            weeks).
        summary : DataFrame, optional
            Customers to predict for; or pass ``frequency``, ``recency`` and ``T``.
        frequency, recency, T : float or array, optional
            One customer's (or arrays of customers') history, in ``freq_``.

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
        from scipy.special import hyp2f1

        caller = "BetaGeo.expected_purchases"
        x, t_x, big_t, index = _inputs(summary, frequency, recency, T, caller)
        t = _horizon(t, caller)
        r, alpha, a, b = (self.params_[k] for k in ("r", "alpha", "a", "b"))
        z = t / (alpha + big_t + t)
        head = (a + b + x - 1) / (a - 1)
        body = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(
            r + x, b + x, a + b + x - 1, z)
        value = head * body / self._alive_denominator(x, t_x, big_t)
        return _output(value, index, "expected_purchases")

    def _alive_denominator(self, x, t_x, T):
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

    def probability_alive(self, summary=None, *, frequency=None, recency=None, T=None):
        """Return the probability that each customer is still alive at the end of observation.

        P(alive | x, t_x, T) (Fader, Hardie & Lee 2005a, eq. 11). A customer with no
        repeat purchase (x = 0) is alive with probability 1 in this model: she can
        only drop out right after a purchase.

        Parameters
        ----------
        summary : DataFrame, optional
            Customers; or pass ``frequency``, ``recency`` and ``T`` (in ``freq_``).
        frequency, recency, T : float or array, optional

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

    def expected_purchases_new(self, t):
        """Return the expected purchases E[X(t)] of a new customer in her first ``t`` periods.

        The unconditional expectation (Fader, Hardie & Lee 2005a, eq. 9), repeat
        purchases only, ``t`` in the model's time unit ``freq_``.

        Parameters
        ----------
        t : float or array
            Time since the first purchase, in ``freq_``.

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

    def holdout_comparison(self, calhold, *, max_frequency: int = 7) -> pd.DataFrame:
        """Compare predicted with actual holdout purchases, by calibration frequency.

        The check of Fader, Hardie & Lee (2005a, Figure 4): customers are grouped by
        their number of repeat purchases in the calibration period (0, 1, ...,
        ``max_frequency`` or more) and the mean actual purchases in the holdout
        period are set against the mean of the model's conditional expectations.

        Parameters
        ----------
        calhold : DataFrame
            From :func:`calibration_holdout` (in the model's unit).
        max_frequency : int, default 7
            Last group, holding every frequency >= it (labelled "7+").

        Returns
        -------
        DataFrame
            Indexed by ``calibration_frequency`` ("0", "1", ..., "7+"), columns
            ``customers``, ``actual``, ``predicted`` (mean holdout purchases per
            customer).

        Raises
        ------
        CRMDataError
            If the model is not fitted, a column is missing, or the units differ.
        """
        self._check_fitted()
        caller = "BetaGeo.holdout_comparison"
        df = _summary_columns(calhold, caller, ("frequency", "recency", "T",
                                                "frequency_holdout", "duration_holdout"))
        _same_unit(self, calhold, caller)
        pred = self.expected_purchases(df["duration_holdout"].to_numpy(dtype=float), df)
        k = int(max_frequency)
        group = df["frequency"].clip(upper=k).astype(int)
        labels = [str(i) for i in range(k)] + [f"{k}+"]
        name = pd.Categorical.from_codes(group.to_numpy(), categories=labels, ordered=True)
        table = pd.DataFrame({"group": name, "actual": df["frequency_holdout"].to_numpy(),
                              "predicted": pred.to_numpy()})
        out = table.groupby("group", observed=False).agg(
            customers=("actual", "size"), actual=("actual", "mean"),
            predicted=("predicted", "mean"))
        out.index.name = "calibration_frequency"
        out.attrs = {"unit": self.freq_, "duration": float(df["duration_holdout"].iloc[0])}
        return out

    def tracking(self, transactions, *, observation_end, calibration_end=None,
                 customer: str = "customer_id", date: str = "order_date") -> pd.DataFrame:
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
            (cumulative repeat purchases at the end of the period).

        Raises
        ------
        CRMDataError
            If the model is not fitted or a column is missing.
        """
        self._check_fitted()
        caller = "BetaGeo.tracking"
        df = require(transactions, {customer: "id", date: "datetime"}, caller=caller,
                     params={customer: "customer", date: "date"})
        days = _period_numbers(df[date], "D")
        end_day = int(_period_numbers(pd.Series([pd.Timestamp(observation_end)]), "D")[0])
        start = int(days.min())
        per = pd.DataFrame({"c": df[customer].to_numpy(), "d": days}).drop_duplicates()
        per = per[per["d"] <= end_day]
        first = per.groupby("c")["d"].transform("min")
        repeat_days = per.loc[per["d"] > first, "d"].to_numpy() - start
        step = _DAYS[self.freq_]
        n = int(np.ceil((end_day - start + 1) / step))
        edges = np.arange(1, n + 1) * step  # end of each period, in days since start
        actual = np.searchsorted(np.sort(repeat_days), edges, side="left")
        firsts = per.groupby("c")["d"].min().to_numpy() - start
        uniq, counts = np.unique(firsts, return_counts=True)
        age = (edges[:, None] - uniq[None, :] - 1) / step
        expected = self.expected_purchases_new(np.clip(age, 0, None))
        predicted = (expected * counts[None, :]).sum(axis=1)
        out = pd.DataFrame({"actual": actual.astype(float), "predicted": predicted},
                           index=pd.RangeIndex(1, n + 1, name="period"))
        cal = None
        if calibration_end is not None:
            cal_day = int(_period_numbers(pd.Series([pd.Timestamp(calibration_end)]), "D")[0])
            cal = (cal_day - start + 1) / step
        out.attrs = {"unit": self.freq_, "calibration_end_period": cal}
        return out


def _same_unit(model, summary, caller):
    unit = summary.attrs.get("unit", summary.attrs.get("freq"))
    if unit is not None and unit != model.freq_:
        raise CRMDataError(
            f"{caller}: the model was fitted in {_UNITS.get(model.freq_, model.freq_)} "
            f"(freq_={model.freq_!r}) but this summary is in {_UNITS.get(unit, unit)} "
            f"(unit={unit!r}); rebuild the summary with unit={model.freq_!r}."
        )


# --------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------


def _gg_loglik(params, x, z, gradient=False):
    """Per-customer Gamma-Gamma log-likelihood (and its derivatives by p, q, gamma)."""
    from scipy.special import digamma, gammaln

    p, q, g = params
    px = p * x
    log_gxz = np.log(g + x * z)
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
          + (px - 1) * np.log(z) + px * np.log(x) - (px + q) * log_gxz)
    if not gradient:
        return ll
    psi = digamma(px + q)
    grad = np.vstack([
        x * (psi - digamma(px) + np.log(z) + np.log(x) - log_gxz),
        psi - digamma(q) + np.log(g) - log_gxz,
        q / g - (px + q) / (g + x * z),
    ])
    return ll, grad


def _gg_objective(log_params, x, z, penalizer):
    """Mean negative log-likelihood (plus penalty) and its gradient by log-parameters."""
    params = np.exp(log_params)
    with np.errstate(all="ignore"):
        ll, grad = _gg_loglik(params, x, z, gradient=True)
        value = -np.mean(ll) + penalizer * np.sum(params**2)
        jac = -np.mean(grad, axis=1) * params + 2 * penalizer * params**2
    if not (np.isfinite(value) and np.all(np.isfinite(jac))):
        return 1e100, np.zeros_like(log_params)
    return float(value), jac


def _gg_inputs(summary, caller, fitting):
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


class GammaGamma(_Fitter):
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
        L2 penalty as in :class:`BetaGeo`.

    Attributes
    ----------
    params_ : dict
        ``p``, ``q``, ``gamma``.
    standard_errors_ : dict
    log_likelihood_ : float
        Total log-likelihood.
    spend_frequency_correlation_ : float
        Pearson correlation of frequency and monetary value among the fitted customers.
    n_ : int
        Customers fitted (frequency > 0).

    Examples
    --------
    >>> import crmlab
    >>> cdnow = crmlab.load_data("cdnow_sample")
    >>> s = summary_from_transactions(cdnow, amount="amount", observation_end="1997-09-30",
    ...                               unit="W")
    >>> gg = GammaGamma().fit(s)
    >>> {k: round(v, 2) for k, v in gg.params_.items()}, gg.n_
    ({'p': 6.25, 'q': 3.74, 'gamma': 15.44}, 946)
    """

    _what = "customers with repeat purchases"

    def __init__(self, penalizer: float = 0.0):
        self.penalizer = penalizer

    def fit(self, summary):
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
            buyer has monetary_value <= 0, no customer has a repeat purchase, or the
            optimiser fails.
        """
        caller = "GammaGamma.fit"
        x, z, _ = _gg_inputs(summary, caller, fitting=True)
        pen = self.penalizer
        if isinstance(pen, bool) or not isinstance(pen, numbers.Real) or pen < 0:
            raise CRMDataError(f"{caller}: penalizer={pen!r} must be a number >= 0.")
        keep = x > 0
        x, z = x[keep], z[keep]
        mean = float(np.mean(z))
        starts = [np.log([1.0, 2.0, mean]), np.zeros(3)]
        args = (x, z, float(pen))
        res = _minimize(_gg_objective, starts, args)
        if not np.isfinite(res.fun) or res.fun >= 1e99:
            raise CRMDataError(f"{caller}: the optimiser did not converge ({res.message}).")
        params = np.exp(res.x)
        names = ("p", "q", "gamma")
        self.params_ = dict(zip(names, params.tolist(), strict=True))
        self.log_likelihood_ = float(np.sum(_gg_loglik(params, x, z)))
        self.converged_ = bool(res.success)
        self.standard_errors_ = dict(zip(names, _standard_errors(res.hess, res.x, len(x)).tolist(),
                                         strict=True))
        self.spend_frequency_correlation_ = (
            float(np.corrcoef(x, z)[0, 1]) if len(x) > 1 and np.std(x) > 0 and np.std(z) > 0
            else float("nan"))
        self.n_ = int(len(x))
        return self

    def conditional_expected_average_profit(self, summary) -> pd.Series:
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
            raise CRMDataError(f"{caller}: q={q:.3g} <= 1: the mean spend is infinite.")
        z = np.where(x > 0, z, 0.0)
        value = (g + x * z) * p / (p * x + q - 1)
        return pd.Series(value, index=index, name="expected_average_spend")


# --------------------------------------------------------------------------------------
# Shifted beta-geometric
# --------------------------------------------------------------------------------------


def _sbg_loglik(params, survivors, gradient=False):
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


def _sbg_objective(log_params, survivors):
    """Negative log-likelihood per customer of the cohort and its gradient."""
    params = np.exp(log_params)
    with np.errstate(all="ignore"):
        ll, grad = _sbg_loglik(params, survivors, gradient=True)
        value = -ll / survivors[0]
        jac = -grad * params / survivors[0]
    if not (np.isfinite(value) and np.all(np.isfinite(jac))):
        return 1e100, np.zeros_like(log_params)
    return float(value), jac


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
    log_likelihood_ : float
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

    _what = "customers"
    _fit_arg = "survivors"
    published_cohorts = SBG_COHORTS

    def fit(self, survivors):
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
                               f"{show_rows(rows[bad], s[bad])} are not.")
        if s[0] <= 0:
            raise CRMDataError(f"{caller}: the first count (cohort size) must be > 0.")
        bad = np.r_[False, s[1:] > s[:-1]]
        if bad.any():
            raise CRMDataError(
                f"{caller}: survivor counts cannot grow (a cohort only loses customers); "
                f"period {show_rows(rows[bad], s[bad])} is larger than the period before. "
                f"Pass the customers of one cohort still active, not a total customer count."
            )
        res = _minimize(_sbg_objective, [np.zeros(2), np.log([1.0, 3.0])], (s,))
        params = np.exp(res.x)
        self.params_ = {"alpha": float(params[0]), "beta": float(params[1])}
        self.log_likelihood_ = _sbg_loglik(params, s)
        self.converged_ = bool(res.success)
        self.n_ = int(round(s[0]))
        self.periods_ = int(s.size - 1)
        return self

    def _ab(self):
        self._check_fitted()
        return self.params_["alpha"], self.params_["beta"]

    def survival(self, t):
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
        """
        from scipy.special import betaln

        alpha, beta = self._ab()
        t = _horizon(t, "ShiftedBetaGeometric.survival")
        return _output(np.exp(betaln(alpha, beta + t) - betaln(alpha, beta)), None, "")

    def retention_rate(self, t):
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
            raise CRMDataError("ShiftedBetaGeometric.retention_rate: t must be >= 1.")
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
        if isinstance(renewals, bool) or not isinstance(renewals, numbers.Integral) or (
                renewals < 0):
            raise CRMDataError(f"{caller}: renewals={renewals!r} must be a whole number >= 0.")
        n = renewals + 1
        return float((beta + n - 1) / (alpha + beta + n - 1)
                     * hyp2f1(1, beta + n, alpha + beta + n, z))


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
        Fitted purchase model; its time unit ``freq_`` is the unit of ``time`` and
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
    >>> bg.freq_ = "W"
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
    crmlab._errors.CRMDataError: clv_table: the BG/NBD model is in weeks (freq_='W') but ...
    """
    caller = "clv_table"
    for model in (bgnbd, gammagamma):
        if not isinstance(model, (BetaGeo, GammaGamma)):
            raise CRMDataError(f"{caller}: expected fitted BetaGeo and GammaGamma models, got "
                               f"{type(model).__name__}.")
        model._check_fitted()
    unit = getattr(bgnbd, "freq_", "D")
    if freq is not None and freq != unit:
        raise CRMDataError(
            f"{caller}: the BG/NBD model is in {_UNITS.get(unit, unit)} (freq_={unit!r}) but "
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

"""The Fader-Hardie summary of a transaction log: the input of the buy-till-you-die models.

- :func:`summary_from_transactions` turns a transaction log into the Fader–Hardie
  summary ``frequency, recency, T [, monetary_value]``, identical to
  ``lifetimes.utils.summary_data_from_transaction_data``.
- :func:`calibration_holdout` splits a log into a calibration summary and the holdout
  purchases.

The BTYD summary is **not** an RFM table: its ``frequency`` counts *repeat* purchase
periods (the first purchase is not counted, purchases in the same day or week are
merged first), ``recency`` is the age of the customer at the last purchase (first to
last purchase, not "time since the last purchase" as in RFM), and ``T`` is the age at
the end of the observation window. All three are in the summary's time unit, recorded
in ``summary.attrs["unit"]``; the models remember it and predict in that unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.clv._base import _DAYS, _UNITS
from crmlab.validation import require

__all__ = ["DAYS_PER_UNIT", "calibration_holdout", "end_period", "summary_from_transactions"]


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
# Public helpers for the engines that compute the same summary in SQL (crmlab.engines)
# --------------------------------------------------------------------------------------

#: Days in one period of each time unit of a summary: ``"D"`` (day) 1, ``"W"`` (week) 7.
DAYS_PER_UNIT = _DAYS


def end_period(observation_end: str | pd.Timestamp | None, dates: pd.Series | None,
               freq: str, caller: str) -> tuple[pd.Timestamp, int]:
    """Return the end of the observation window and the number of its period.

    The rule of :func:`summary_from_transactions`, for :mod:`crmlab.engines`, which
    computes the same summary in SQL: periods are numbered as days since 1970-01-01
    (``freq="D"``) or Monday-to-Sunday weeks (``freq="W"``, week 0 starts on Monday
    1970-01-05), and a purchase is in the window when its period is not after this one.

    Parameters
    ----------
    observation_end : str, Timestamp or None
        The last day of the window; None means the last of ``dates``.
    dates : Series of datetime64, optional
        The purchase dates, used only when ``observation_end`` is None.
    freq : {"D", "W"}
        The purchase period.
    caller : str
        The public function's name, which starts an error message.

    Returns
    -------
    (Timestamp, int)
        The end (time zone removed) and the number of its period.

    Raises
    ------
    CRMDataError
        If ``observation_end`` is not a date.

    Examples
    --------
    >>> end_period("2024-01-31", None, "D", "demo")
    (Timestamp('2024-01-31 00:00:00'), 19753)
    >>> end_period("2024-01-31", None, "W", "demo")[1]
    2821
    >>> end_period("end of year", None, "D", "demo")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: demo: observation_end='end of year' is not a date; pass ...
    """
    return _end_period(observation_end, dates, freq, caller)

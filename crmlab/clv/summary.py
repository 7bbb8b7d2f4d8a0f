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

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.clv._base import _DAYS, _UNITS, end_date
from crmlab.validation import check_option, require

if TYPE_CHECKING:
    from crmlab._typing import DateLike, Source

__all__ = ["calibration_holdout", "summary_from_customers", "summary_from_transactions"]


# --------------------------------------------------------------------------------------
# The summary
# --------------------------------------------------------------------------------------


def _check_freq(freq, unit, caller):
    check_option(freq, tuple(_UNITS), name="freq", caller=caller)
    unit = freq if unit is None else unit
    check_option(unit, tuple(_UNITS), name="unit", caller=caller)
    if freq == "W" and unit == "D":
        raise CRMDataError(
            f"{caller}: freq='W' with unit='D' would count weekly periods in days; use "
            f"unit='W', or freq='D' to merge per day."
        )
    return unit


def _period_of(when: pd.Timestamp, freq: str) -> int:
    from crmlab.customers import day_number
    from crmlab.engines import period_numbers

    return int(period_numbers(np.array([day_number(when)]), freq)[0])


def summary_from_customers(base: pd.DataFrame, *, freq: str = "D", unit: str | None = None,
                           observation_end: DateLike | None = None,
                           caller: str = "summary_from_transactions") -> pd.DataFrame:
    """Finish the Fader-Hardie summary from a per-customer table with purchase periods.

    The one place the summary is defined (see :func:`summary_from_transactions`, which
    calls it; the analyst report calls it on the table it already has).

    Parameters
    ----------
    base : DataFrame
        From ``crmlab.customers.customer_table(..., period=freq, periods=True)``.
    freq, unit : {"D", "W"}
        The purchase period of ``base`` and the unit of recency and T.
    observation_end : date-like, optional
        The end of the window (T runs to its period); default ``base.attrs["end"]``.
    caller : str
        For messages.

    Returns
    -------
    DataFrame
        As :func:`summary_from_transactions`.

    Examples
    --------
    >>> from crmlab.customers import customer_table
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [5.0, 7.0, 3.0],
    ...                     "order_date": pd.to_datetime(["2024-01-01", "2024-01-08",
    ...                                                   "2024-01-02"])})
    >>> summary_from_customers(customer_table(log, periods=True))
                 frequency  recency    T  monetary_value
    customer_id
    a                  1.0      7.0  7.0             7.0
    b                  0.0      0.0  6.0             0.0
    """
    unit = _check_freq(freq, unit, caller)
    end = end_date(observation_end, caller) or base.attrs["end"]
    end_period = _period_of(end, freq)
    scale = _DAYS[unit] / _DAYS[freq]
    seen = base["purchase_periods"].to_numpy() > 0
    if not seen.any():
        raise CRMDataError(
            f"{caller}: no purchase on or before observation_end={end.date()} (the data "
            f"start on {base.attrs['first_date'].date()}). Pass a later observation_end."
        )
    bought = base.loc[seen]
    first = bought["first_period"].to_numpy(dtype=np.int64)
    last = bought["last_period"].to_numpy(dtype=np.int64)
    count = bought["purchase_periods"].to_numpy(dtype=np.int64)
    out = pd.DataFrame(
        {
            "frequency": (count - 1).astype(float),
            "recency": (last - first) / scale,
            "T": (end_period - first) / scale,
        },
        index=bought.index,
    )
    if "repeat_mean" in bought.columns:
        out["monetary_value"] = np.nan_to_num(bought["repeat_mean"].to_numpy(dtype=float),
                                              nan=0.0)
    dropped = {
        "purchases after observation_end": int(base.attrs.get("late_rows", 0)),
        "customers first seen after observation_end": int((base["rows"] == 0).sum()),
    }
    only_returns = int(((base["rows"] > 0) & ~seen).sum())
    if only_returns:
        dropped["customers with only returns in the window"] = only_returns
    out.attrs = {"observation_end": end.normalize(), "freq": freq, "unit": unit,
                 "dropped": dropped}
    return out


def summary_from_transactions(
    transactions: Source,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str | None = None,
    observation_end: DateLike | None = None,
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
        DataFrame (DuckDB from 1M rows), Spark for a PySpark DataFrame, and for a
        file DuckDB when DuckDB is installed and the file's columns are plain (or it
        is larger than ``crmlab.engines.AUTO_DUCKDB_BYTES``), else pandas. On
        DuckDB and Spark one SQL query (``crmlab.engines.CUSTOMER_PERIODS_SQL``, the
        same text for both) merges the periods and aggregates per customer in one
        pass over the log; the small result
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
    from crmlab.customers import customer_table

    caller = "summary_from_transactions"
    unit = _check_freq(freq, unit, caller)
    end = end_date(observation_end, caller)
    base = customer_table(transactions, customer=customer, date=date, amount=amount,
                          end=end, period=freq, periods=True, future="drop", engine=engine,
                          caller=caller, needs=("rows",))
    return summary_from_customers(base, freq=freq, unit=unit, observation_end=end,
                                  caller=caller)


def calibration_holdout(
    transactions: pd.DataFrame,
    *,
    calibration_end: DateLike,
    observation_end: DateLike,
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
    from crmlab.customers import customer_table, day_number

    caller = "calibration_holdout"
    unit = _check_freq(freq, unit, caller)
    columns = {customer: "id", date: "datetime"}
    params = {customer: "customer", date: "date"}
    if amount is not None:
        columns[amount] = "number"
        params[amount] = "amount"
    df = require(transactions, columns, caller=caller, params=params)
    cal_end = end_date(calibration_end, caller, "calibration_end")
    obs_end = end_date(observation_end, caller)
    if cal_end is None or obs_end is None:
        raise CRMDataError(f"{caller}: pass both calibration_end and observation_end.")
    cal_period, obs_period = _period_of(cal_end, freq), _period_of(obs_end, freq)
    if obs_period <= cal_period:
        raise CRMDataError(
            f"{caller}: observation_end={obs_end.date()} must be after "
            f"calibration_end={cal_end.date()} (in whole {_UNITS[freq]})."
        )
    # both windows are cut by date, as lifetimes does; purchases merge per freq period
    days = df[date].dt.tz_localize(None) if df[date].dt.tz is not None else df[date]
    days = days.to_numpy().astype("datetime64[D]").astype(np.int64)
    cal_day, obs_day = day_number(cal_end), day_number(obs_end)
    in_cal, in_hold = days <= cal_day, (days > cal_day) & (days <= obs_day)
    roles = {"customer": customer, "date": date, "amount": amount}
    cal_base = customer_table(df.loc[in_cal], **roles, period=freq, periods=True,
                              caller=caller, params=params) if in_cal.any() else None
    if cal_base is None or not (cal_base["purchase_periods"] > 0).any():
        raise CRMDataError(
            f"{caller}: no purchase on or before calibration_end={cal_end.date()}; pass a "
            f"later calibration_end."
        )
    cal = summary_from_customers(cal_base, freq=freq, unit=unit, observation_end=cal_end,
                                 caller=caller)
    out = cal.copy()
    out["frequency_holdout"] = 0.0
    out["duration_holdout"] = float((obs_period - cal_period) / (_DAYS[unit] / _DAYS[freq]))
    new = 0
    if in_hold.any():
        hold = customer_table(df.loc[in_hold], **roles, period=freq, periods=True,
                              caller=caller, params=params)
        counts = hold["purchase_periods"].reindex(out.index, fill_value=0)
        out["frequency_holdout"] = counts.astype(float).to_numpy()
        if amount is not None:
            mean = (hold["gross"] / hold["purchase_periods"]).where(hold["purchase_periods"] > 0)
            out["monetary_value_holdout"] = mean.reindex(out.index).fillna(0.0).to_numpy()
        bought = hold.index[hold["purchase_periods"] > 0]
        new = int((~bought.isin(out.index)).sum())
    elif amount is not None:
        out["monetary_value_holdout"] = 0.0
    out.attrs = {
        "observation_end": cal_end.normalize(),
        "holdout_end": obs_end.normalize(),
        "freq": freq,
        "unit": unit,
        "dropped": {
            "purchases after observation_end": int((days > obs_day).sum()),
            "customers first seen in the holdout": new,
        },
    }
    return out

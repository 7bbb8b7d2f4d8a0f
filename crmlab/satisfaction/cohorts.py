"""Cohort retention (同期群客户保持率): customers by first-purchase month × months since.

A cohort is the customers whose first purchase falls in one calendar month; the cell
(cohort, k) counts those of them who bought again in the k-th calendar month after it
(k = 0 is the first month itself, so its share is 1). Cells the data cannot have seen
yet (cohort month + k after the last month in the data) are missing, not 0: a young
cohort has not had the chance to come back.

The counting is the ``"cohorts"`` aggregate of :mod:`crmlab.engines`: one SQL text that
DuckDB and Spark run (on a DataFrame, a CSV/Parquet file or a Spark DataFrame) and its
pandas twin, with identical results; this module checks the input, accounts for every
row and lays the cells out as a table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmlab import engines
from crmlab._errors import CRMDataError
from crmlab.validation import require

if TYPE_CHECKING:
    from crmlab._typing import Source

__all__ = ["cohort_table"]


def _month_label(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def cohort_table(data: Source, *, customer: str = "customer_id",
                 date: str = "order_date", amount: str | None = "amount",
                 share: bool = True, engine: str | None = None,
                 validated: bool = False) -> pd.DataFrame:
    """Return the cohort retention table: first-purchase month × months since.

    Parameters
    ----------
    data : DataFrame, str, Path or PySpark DataFrame
        Transactions, one row each: in memory, a CSV/Parquet file (or a folder of
        Parquet files) or a Spark DataFrame. Not modified.
    customer : str, default "customer_id"
        Customer id column.
    date : str, default "order_date"
        Transaction date column (datetime64; with a time zone, months are local, on
        the pandas engine only: the SQL engines refuse a zone).
    amount : str or None, default "amount"
        Signed amount column: rows with a negative amount are returns, not purchases,
        and are left out (counted in ``attrs["dropped"]``). None: every row is a purchase.
    share : bool, default True
        Shares of each cohort (month 0 is 1.0); False gives customer counts (month 0 is
        the cohort's size).
    engine : {None, "pandas", "duckdb", "spark"}, default None
        Where to count (see :func:`crmlab.engines.choose_engine`); every engine gives
        the same table.
    validated : bool, default False
        The caller has just checked this DataFrame (it comes from
        :func:`crmlab.read_transactions`, or a pipeline validated it): skip the row
        checks, so a pipeline validates its input once.

    Returns
    -------
    DataFrame
        Index ``cohort`` (the first-purchase month, ``"YYYY-MM"``), one column per month
        since the first purchase (``0, 1, ...``); missing where the month lies after the
        last month in the data. ``attrs``: ``rows`` (rows in), ``used`` (purchase rows),
        ``dropped`` (``{"returns": n}`` when there are any), ``last_month``, ``share``.

    Raises
    ------
    CRMDataError
        If a column is missing or has the wrong type (dates not datetime64, missing
        ids, dates or amounts), or there is no purchase row; if ``engine`` is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "b", "c", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-01-20",
    ...                                   "2024-03-01", "2024-02-02", "2024-03-15"]),
    ...     "amount": [10.0, 5.0, 8.0, -8.0, 20.0, 7.0]})
    >>> cohort_table(t, share=False)
             0    1    2
    cohort
    2024-01  2    1    0
    2024-02  1    1  <NA>
    >>> cohort_table(t)
               0    1    2
    cohort
    2024-01  1.0  0.5  0.0
    2024-02  1.0  1.0  NaN
    >>> cohort_table(t).attrs["dropped"]
    {'returns': 1}
    >>> cohort_table(t.assign(order_date=t["order_date"].astype(str)))
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: cohort_table: column 'order_date' ...
    """
    caller = "cohort_table"
    if not isinstance(share, bool | np.bool_):
        raise CRMDataError(f"{caller}: share must be True (shares) or False (counts), got "
                           f"{share!r}.")
    columns = {customer: "id", date: "datetime"}
    params = {customer: "customer", date: "date"}
    roles = {"customer": customer, "date": date}
    if amount is not None:
        columns[amount] = "number"
        params[amount] = "amount"
        roles["amount"] = amount
    engine = engines.choose_engine(data, engine, caller=caller)
    source = data
    if engine == "pandas":
        if engines.as_path(data) is not None:
            source = engines.read_frame(data, columns, caller=caller, params=params)
        if not validated or not isinstance(source, pd.DataFrame) or any(
                c not in source.columns for c in columns):
            source = require(source, columns, caller=caller, params=params)
    elif (isinstance(source, pd.DataFrame) and date in source.columns
          and getattr(source[date].dtype, "tz", None) is not None):
        # SQL engines would read the months in their session time zone, not the data's
        raise CRMDataError(
            f"{caller}: column {date!r} carries a time zone ({source[date].dtype.tz}); "
            f"engine={engine!r} would count months in its own session time zone. Pass "
            f"engine='pandas' (local months), or drop the zone first: "
            f"df[{date!r}] = df[{date!r}].dt.tz_localize(None).")
    raw = engines.aggregate("cohorts", source, roles, engine=engine, caller=caller,
                            params=params)
    return _layout(raw, roles, share, caller)


def _layout(raw: pd.DataFrame, roles: dict, share: bool, caller: str) -> pd.DataFrame:
    """The raw cells of the cohorts aggregate -> the checked, accounted table."""
    totals = raw.iloc[0]
    rows = int(totals["n_rows"]) if pd.notna(totals["n_rows"]) else 0
    if rows == 0:
        raise CRMDataError(f"{caller}: the table has no rows. Check the filter or file that "
                           f"made it.")
    for key, role, fix in (("missing_ids", "customer", "drop those rows or fill the ids"),
                           ("missing_dates", "date", "fill the dates or drop those rows"),
                           ("missing_amounts", "amount", "fill the amounts or drop those rows")):
        missing = int(totals[key])
        if missing:
            raise CRMDataError(
                f"{caller}: column {roles[role]!r} has {missing} missing values; {fix}. "
                f"crmlab.read_transactions drops such rows and reports how many.")
    returns = int(totals["return_rows"])
    cells = raw.dropna(subset=["cohort"])
    if cells.empty:
        raise CRMDataError(f"{caller}: no purchase rows (every row has {roles['amount']} < 0); "
                           f"a cohort starts with a purchase.")
    last = int(totals["last_month"])
    counts = (cells.astype({"cohort": "int64", "since": "int64", "customers": "int64"})
              .pivot(index="cohort", columns="since", values="customers"))
    counts = counts.reindex(columns=range(last - int(counts.index.min()) + 1)).fillna(0)
    counts = counts.astype("int64")
    seen = counts.index.to_numpy()[:, None] + counts.columns.to_numpy()[None, :] <= last
    table = (counts.where(seen).div(counts[0], axis=0) if share
             else counts.astype("Int64").where(seen, pd.NA))
    table.index = pd.Index([_month_label(m) for m in counts.index], name="cohort")
    table.columns = pd.RangeIndex(len(table.columns))
    table.columns.name = None
    table.attrs = {"rows": rows, "used": rows - returns,
                   "dropped": {"returns": returns} if returns else {},
                   "last_month": _month_label(last), "share": share}
    return table

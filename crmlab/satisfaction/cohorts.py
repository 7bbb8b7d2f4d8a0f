"""Cohort retention (同期群留存): customers by the month of their first purchase × months since.

A cohort is the customers whose first purchase falls in one calendar month; the cell
(cohort, k) counts those of them who bought again in the k-th calendar month after it
(k = 0 is the first month itself, so its share is 1). Cells the data cannot have seen
yet (cohort month + k after the last month in the data) are missing, not 0: a young
cohort has not had the chance to come back.

Computed with pandas: the purchase rows' distinct (customer, month) pairs, one
group-by. The DuckDB and Spark engines (:mod:`crmlab.engines`) do not compute it yet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import require

__all__ = ["cohort_table"]


def cohort_table(data: pd.DataFrame, *, customer: str = "customer_id",
                 date: str = "order_date", amount: str | None = "amount",
                 share: bool = True) -> pd.DataFrame:
    """Return the cohort retention table: first-purchase month × months since.

    Parameters
    ----------
    data : DataFrame
        Transactions, one row each. Not modified.
    customer : str, default "customer_id"
        Customer id column.
    date : str, default "order_date"
        Transaction date column (datetime64; with a time zone, months are local).
    amount : str or None, default "amount"
        Signed amount column: rows with a negative amount are returns, not purchases,
        and are left out (counted in ``attrs["dropped"]``). None: every row is a purchase.
    share : bool, default True
        Shares of each cohort (month 0 is 1.0); False gives customer counts (month 0 is
        the cohort's size).

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
        ids or amounts), or there is no purchase row.

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
    """
    caller = "cohort_table"
    if not isinstance(share, bool | np.bool_):
        raise CRMDataError(f"{caller}: share must be True (shares) or False (counts), got "
                           f"{share!r}.")
    columns = {customer: "id", date: "datetime"}
    params = {customer: "customer", date: "date"}
    if amount is not None:
        columns[amount] = "number"
        params[amount] = "amount"
    df = require(data, columns, caller=caller, params=params)
    rows = len(df)
    dropped = {}
    if amount is not None:
        returns = df[amount].to_numpy() < 0
        if returns.any():
            dropped["returns"] = int(returns.sum())
            df = df.loc[~returns]
    if df.empty:
        raise CRMDataError(f"{caller}: no purchase rows (every row has {amount} < 0); a "
                           f"cohort starts with a purchase.")
    when = data[date]
    month_all = when.dt.year.to_numpy() * 12 + when.dt.month.to_numpy() - 1
    last = int(month_all.max())
    month = df[date].dt.year.to_numpy() * 12 + df[date].dt.month.to_numpy() - 1
    codes, _ = pd.factorize(df[customer])
    first = np.full(codes.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(first, codes, month)
    pairs = pd.DataFrame({"cohort": first[codes], "since": month - first[codes],
                          "c": codes}).drop_duplicates()
    counts = pairs.groupby(["cohort", "since"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=range(last - int(counts.index.min()) + 1), fill_value=0)
    seen = counts.index.to_numpy()[:, None] + counts.columns.to_numpy()[None, :] <= last
    table = (counts.where(seen).div(counts[0], axis=0) if share
             else counts.astype("Int64").where(seen, pd.NA))
    table.index = pd.Index([f"{m // 12:04d}-{m % 12 + 1:02d}" for m in counts.index],
                           name="cohort")
    table.columns = pd.RangeIndex(len(table.columns))
    table.columns.name = None
    table.attrs = {"rows": rows, "used": int(len(df)), "dropped": dropped,
                   "last_month": f"{last // 12:04d}-{last % 12 + 1:02d}", "share": share}
    return table

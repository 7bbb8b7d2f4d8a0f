"""Behavioural features per customer (one row per customer) from a transaction log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.dates import analysis_date_of, check_future, drop_future_rows
from crmlab.segmentation._common import optional_column as _optional
from crmlab.validation import require, show_rows

if TYPE_CHECKING:
    from crmlab._typing import DateLike

__all__ = ["customer_features"]

_ONLINE = ("online", "app")


def customer_features(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    order: str | None = None,
    channel: str | None = "channel",
    category: str | None = "category",
    gross_profit: str | None = "gross_profit",
    cost: str | None = "cost_to_serve",
    online: Sequence[str] = _ONLINE,
    analysis_date: DateLike | None = None,
    future: str = "error",
) -> pd.DataFrame:
    """Build one row of behavioural features per customer, joined with their attributes.

    Parameters
    ----------
    transactions : DataFrame
        One row per order (or order line) with a customer id, a datetime64 date and an
        amount (negative = a return). Not modified.
    customers : DataFrame, optional
        One row per customer with attributes (gender, age, region, lifestyle, ...) in a
        ``customer`` column. Its columns are joined to the features, and customers
        without any transaction are kept (see Returns). Not modified.
    customer : str, default "customer_id"
        Customer id column in both tables; the index of the result.
    date : str, default "order_date"
        Order date column (datetime64); times of day are ignored.
    amount : str, default "amount"
        Amount column; a negative amount is a return.
    order : str, optional
        Order id column. When given, orders count distinct ids (for logs with one row
        per order line); otherwise each purchase row is one order.
    channel : str or None, default "channel"
        Sales channel column; gives ``online_share``. Skipped when None, or when the
        default column is absent.
    category : str or None, default "category"
        Product category column; gives ``categories``. Skipped like ``channel``.
    gross_profit, cost : str or None, default "gross_profit", "cost_to_serve"
        Gross profit and cost-to-serve columns; give ``gross_profit``,
        ``cost_to_serve`` and ``profit``. Skipped like ``channel`` (both are needed).
    online : sequence of str, default ("online", "app")
        Channel values that count as online orders.
    analysis_date : date-like, optional
        The day recency and tenure are measured to. Default: the day after the last
        date in the log.
    future : {"error", "drop"}, default "error"
        Rows dated after ``analysis_date``: raise an error showing them, or leave them
        out and count them in ``attrs["dropped"]``. ``"raise"``, the old name of
        ``"error"``, still works for one release with a ``FutureWarning``.

    Returns
    -------
    DataFrame
        Indexed by customer (sorted), one row per customer:

        - ``orders`` (int): purchase orders; ``returns`` (int): return rows;
        - ``spend`` (float): total amount, net of returns (can be negative);
        - ``mean_basket`` (float): gross purchases / orders;
        - ``recency_days`` (float): days from the last purchase to the analysis date;
        - ``tenure_days`` (float): days from the first purchase to the analysis date;
        - ``online_share`` (float): share of orders in an ``online`` channel;
        - ``return_rate`` (float): returned amount / gross purchases (by value);
        - ``categories`` (int): distinct categories bought;
        - ``gross_profit``, ``cost_to_serve``, ``profit`` (float): sums over all rows,
          profit = gross profit - cost to serve;

        then the columns of ``customers``. Money is rounded to cents, shares to 4
        decimals. A customer with no purchase (a member who never bought, or one with
        only returns) has ``orders`` 0, ``categories`` 0, ``spend`` and profit sums
        over their rows (0 if none) and NaN for the per-order quantities
        (``mean_basket``, ``recency_days``, ``tenure_days``, ``online_share``,
        ``return_rate``). ``attrs``: ``analysis_date``, ``no_purchase`` (count of such
        customers), ``not_in_customers`` (customers in the log but not in
        ``customers``; their attributes are missing), ``skipped`` (optional features
        left out) and ``dropped`` (reason -> rows).

    Raises
    ------
    CRMDataError
        If a table is empty or lacks a column, a column has the wrong type, a
        customer id appears twice in ``customers``, a cost is negative, rows are dated
        after ``analysis_date`` (with ``future="error"``), or ``customers`` has a
        column with the same name as a feature.

    See Also
    --------
    crmlab.rfm.rfm_table : recency, frequency and monetary only.
    crmlab.rfm.customer_profit : revenue, gross profit and cost to serve.

    Notes
    -----
    ``orders`` equals the RFM frequency and ``spend`` the RFM monetary value of
    :func:`crmlab.rfm.rfm_table` (with the same ``order``); ``recency_days`` equals
    its recency.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-06",
    ...                                   "2024-01-09"]),
    ...     "amount": [100.0, 50.0, -30.0, 20.0],
    ...     "channel": ["store", "app", "store", "online"]})
    >>> f = customer_features(tx)
    >>> f[["orders", "spend", "mean_basket", "recency_days", "tenure_days"]]
                 orders  spend  mean_basket  recency_days  tenure_days
    customer_id
    a                 2  120.0         75.0           5.0          9.0
    b                 1   20.0         20.0           1.0          1.0
    >>> f["online_share"].tolist()
    [0.5, 1.0]
    >>> f["return_rate"].tolist(), f.attrs["skipped"]
    ([0.2, 0.0], ['categories', 'profit'])
    >>> members = pd.DataFrame({"customer_id": ["a", "b", "c"], "region": ["N", "S", "S"]})
    >>> g = customer_features(tx, members)
    >>> g[["orders", "spend", "recency_days", "region"]]
                 orders  spend  recency_days region
    customer_id
    a                 2  120.0           5.0      N
    b                 1   20.0           1.0      S
    c                 0    0.0           NaN      S
    >>> g.attrs["no_purchase"]
    1
    """
    caller = "customer_features"
    if future not in ("error", "drop", "raise"):
        raise CRMDataError(f"{caller}: future must be 'error' or 'drop', got {future!r}.")
    future = check_future(future, ("error", "drop"), caller=caller)
    if not isinstance(transactions, pd.DataFrame):
        require(transactions, {}, caller=caller)
    channel = _optional(transactions, channel, "channel")
    category = _optional(transactions, category, "category")
    gross_profit = _optional(transactions, gross_profit, "gross_profit")
    cost = _optional(transactions, cost, "cost_to_serve")
    skipped = []
    if channel is None:
        skipped.append("online_share")
    if category is None:
        skipped.append("categories")
    if gross_profit is None or cost is None:
        skipped.append("profit")
        gross_profit = cost = None
    columns = {customer: "id", date: "datetime", amount: "number"}
    params = {customer: "customer", date: "date", amount: "amount"}
    for name, role, param in ((order, "id", "order"), (channel, "any", "channel"),
                              (category, "any", "category"),
                              (gross_profit, "number", "gross_profit"),
                              (cost, "number", "cost")):
        if name is not None:
            columns[name] = role
            params[name] = param
    df = require(transactions, columns, caller=caller, params=params)
    if cost is not None and (df[cost] < 0).any():
        neg = df[cost] < 0
        raise CRMDataError(
            f"{caller}: column {cost!r} has {int(neg.sum())} negative costs in "
            f"{show_rows(df.index[neg], df.loc[neg, cost])}. A cost to serve is >= 0; fix "
            f"the sign or pass the right column with cost=..."
        )
    day = df[date].dt.normalize()
    when = analysis_date_of(day, analysis_date, caller=caller)
    dropped: dict[str, int] = {}
    df = drop_future_rows(df, day, when, date, future, caller, dropped)
    day = day.loc[df.index]

    ids = df[customer].astype("str")
    is_buy = df[amount] >= 0
    buys = df.loc[is_buy]
    buy_ids = ids.loc[is_buy]
    all_ids = pd.Index(sorted(ids.unique()), name=customer)
    if order is not None:
        n_orders = buys.groupby(buy_ids)[order].nunique()
    else:
        n_orders = buy_ids.value_counts()
    out = pd.DataFrame(index=all_ids)
    out["orders"] = n_orders.reindex(all_ids, fill_value=0).astype("int64")
    out["returns"] = (~is_buy).groupby(ids).sum().reindex(all_ids).astype("int64")
    out["spend"] = df[amount].groupby(ids).sum().reindex(all_ids).round(2)
    gross = buys[amount].groupby(buy_ids).sum().reindex(all_ids, fill_value=0.0)
    has = out["orders"] > 0
    out["mean_basket"] = (gross / out["orders"]).where(has).round(2)
    buy_day = day.loc[is_buy]
    last = buy_day.groupby(buy_ids).max().reindex(all_ids)
    first = buy_day.groupby(buy_ids).min().reindex(all_ids)
    out["recency_days"] = (when - last).dt.days.astype("float64")
    out["tenure_days"] = (when - first).dt.days.astype("float64")
    if channel is not None:
        is_online = buys[channel].astype("str").isin([str(v) for v in online])
        if order is not None:
            online_orders = buys.loc[is_online].groupby(buy_ids[is_online])[order].nunique()
        else:
            online_orders = is_online.groupby(buy_ids).sum()
        online_orders = online_orders.reindex(all_ids, fill_value=0)
        out["online_share"] = (online_orders / out["orders"]).where(has).round(4)
    returned = -df.loc[~is_buy, amount].groupby(ids.loc[~is_buy]).sum()
    returned = returned.reindex(all_ids, fill_value=0.0)
    out["return_rate"] = (returned / gross).where(has & (gross > 0)).round(4)
    if category is not None:
        cats = buys[category].groupby(buy_ids).nunique()
        out["categories"] = cats.reindex(all_ids, fill_value=0).astype("int64")
    if gross_profit is not None:
        out["gross_profit"] = df[gross_profit].groupby(ids).sum().reindex(all_ids).round(2)
        out["cost_to_serve"] = df[cost].groupby(ids).sum().reindex(all_ids).round(2)
        out["profit"] = (out["gross_profit"] - out["cost_to_serve"]).round(2)

    not_in_customers = 0
    if customers is not None:
        require(customers, {customer: "id"}, caller=caller, params={customer: "customer"})
        members = customers.copy()
        key = members[customer].astype("str")
        dup = key.duplicated(keep=False)
        if dup.any():
            raise CRMDataError(
                f"{caller}: customers has {int(key.duplicated().sum())} repeated ids in "
                f"column {customer!r}: {show_rows(members.index[dup], key[dup])}. Keep one "
                f"row per customer (drop_duplicates(subset={customer!r}))."
            )
        clash = [c for c in members.columns if c != customer and c in out.columns]
        if clash:
            raise CRMDataError(
                f"{caller}: customers has column(s) {clash} with the same name as a "
                f"feature. Rename them first (customers.rename(columns=...))."
            )
        attrs = members.drop(columns=customer).set_axis(pd.Index(key, name=customer))
        not_in_customers = int((~all_ids.isin(attrs.index)).sum())
        index = attrs.index.union(all_ids).sort_values()
        out = out.reindex(index)
        new = ~index.isin(all_ids)
        for c in ("orders", "returns", "categories"):
            if c in out.columns:
                out[c] = out[c].fillna(0).astype("int64")
        for c in ("spend", "gross_profit", "cost_to_serve", "profit"):
            if c in out.columns:
                out.loc[new, c] = 0.0
        out = out.join(attrs)
        out.index.name = customer
    out.attrs = {
        "analysis_date": when,
        "no_purchase": int((out["orders"] == 0).sum()),
        "not_in_customers": not_in_customers,
        "skipped": skipped,
        "dropped": dropped,
    }
    return out

"""Behavioural features per customer (one row per customer) from a transaction log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.dates import analysis_date_of, check_future
from crmlab.segmentation._common import optional_column as _optional
from crmlab.validation import require, show_rows

if TYPE_CHECKING:
    from crmlab._typing import DateLike

__all__ = ["customer_features", "features_from_customers"]

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
    from crmlab.customers import customer_table

    caller = "customer_features"
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
    when = None if analysis_date is None else analysis_date_of(
        pd.Series([], dtype="datetime64[ns]"), analysis_date, caller=caller)
    base = customer_table(transactions, customer=customer, date=date, amount=amount,
                          order=order, gross_profit=gross_profit, cost=cost,
                          channel=channel, category=category, online=online, end=when,
                          future=future, caller=caller)
    if when is None:
        when = base.attrs["last_date"] + pd.Timedelta(days=1)
    dropped: dict[str, int] = {}
    if base.attrs["late_rows"]:
        dropped["after analysis_date"] = int(base.attrs["late_rows"])
    # customers whose every row is after the analysis date are not customers yet
    out = features_from_customers(base.loc[base["rows"] > 0], when)
    out.index = pd.Index(out.index.astype("str"), name=customer)  # ids as text, as joined
    base_index = out.index
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
        not_in_customers = int((~base_index.isin(attrs.index)).sum())
        index = attrs.index.union(base_index).sort_values()
        out = out.reindex(index)
        new = ~index.isin(base_index)
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


def features_from_customers(base: pd.DataFrame, analysis_date: pd.Timestamp) -> pd.DataFrame:
    """Behavioural features from a per-customer table (:func:`crmlab.customers.customer_table`).

    The one definition of the features of :func:`customer_features`: orders and spend
    are the table's (the RFM frequency and monetary value), the rest derive from it.

    Parameters
    ----------
    base : DataFrame
        From ``customer_table`` with a date and an amount (and optionally channel,
        category, gross profit and cost).
    analysis_date : Timestamp
        The day recency and tenure are measured to.

    Returns
    -------
    DataFrame
        The feature columns of :func:`customer_features`, without customer attributes.

    Examples
    --------
    >>> from crmlab.customers import customer_table
    >>> tx = pd.DataFrame({"customer_id": ["a", "a"], "amount": [100.0, -20.0],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-03"])})
    >>> f = features_from_customers(customer_table(tx), pd.Timestamp("2024-01-05"))
    >>> f[["orders", "returns", "spend", "recency_days", "return_rate"]]
                 orders  returns  spend  recency_days  return_rate
    customer_id
    a                 1        1   80.0           4.0          0.2
    """
    out = pd.DataFrame(index=base.index)
    out["orders"] = base["orders"].astype("int64")
    out["returns"] = base["return_rows"].astype("int64")
    out["spend"] = base["spend"].round(2)
    has = out["orders"] > 0
    gross = base["gross"]
    out["mean_basket"] = (gross / out["orders"]).where(has).round(2)
    out["recency_days"] = (analysis_date - base["last_purchase"]).dt.days.astype("float64")
    out["tenure_days"] = (analysis_date - base["first_purchase"]).dt.days.astype("float64")
    if "online_orders" in base.columns:
        out["online_share"] = (base["online_orders"] / out["orders"]).where(has).round(4)
    out["return_rate"] = (base["returned"] / gross).where(has & (gross > 0)).round(4)
    if "categories" in base.columns:
        out["categories"] = base["categories"].astype("int64")
    if "profit" in base.columns:
        out["gross_profit"] = base["gross_profit"].round(2)
        out["cost_to_serve"] = base["cost"].round(2)
        out["profit"] = (out["gross_profit"] - out["cost_to_serve"]).round(2)
    return out

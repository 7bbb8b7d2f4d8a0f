"""Customer selection and differentiation (客户选择与差异化管理): features, segments, value.

Not every customer is a good customer (选择好客户). This module turns a transaction
log into one row of behavioural features per customer (:func:`customer_features`),
groups customers a priori by their attributes (:func:`segment_by`: demographic
人口统计, geographic 地理, psychographic 心理) or from their behaviour with k-means
(:func:`kmeans_segments`, :func:`choose_k`), describes and names the segments
(:func:`segment_profiles`, :func:`name_segments`), assesses each customer's value
(:func:`value_assessment`: purchase potential, loyalty, profitability -> 高/中/低价值
客户), places customers in their lifecycle stage (:func:`lifecycle_stage`: 潜在, 新,
重复, 忠诚, 流失) and turns all this into a differentiated service plan
(:func:`service_plan`, 差异化服务).

Conventions (each a parameter with a documented default):

* ``analysis_date`` defaults to the day after the last date in the log (as in
  :func:`crmlab.rfm.rfm_table`); recency and tenure are whole days.
* A purchase is a row with ``amount >= 0``; a negative amount is a return. Orders count
  purchases only; spend is net of returns; profit = gross profit - cost to serve over
  all rows (a return costs handling too, as in :func:`crmlab.rfm.customer_profit`).
* k-means runs on the chosen columns, optionally ``log1p``-transformed, then
  standardised (z-scores); segments are renumbered so that segment 0 has the highest
  mean spend. scikit-learn is imported inside the functions, so ``import crmlab`` stays
  fast.

Nothing is dropped silently: customers without a purchase are kept (with zeros and NaN,
see :func:`customer_features`) and counted in ``result.attrs``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.dates import analysis_date_of, drop_future_rows
from crmlab.schema import require, show_rows

__all__ = [
    "customer_features",
    "segment_by",
    "kmeans_segments",
    "choose_k",
    "segment_profiles",
    "name_segments",
    "value_assessment",
    "lifecycle_stage",
    "service_plan",
    "VALUE_CLASSES",
    "LIFECYCLE_STAGES",
    "VALUE_GUIDE",
    "NAMING_RULES",
]

#: Value classes of :func:`value_assessment`, lowest first, with their Chinese names.
VALUE_CLASSES = {"low": "低价值客户", "medium": "中价值客户", "high": "高价值客户"}

#: Lifecycle stages of :func:`lifecycle_stage`, in lifecycle order, with Chinese names.
LIFECYCLE_STAGES = {
    "prospect": "潜在客户",
    "first-time": "新客户",
    "repeat": "重复购买客户",
    "loyal": "忠诚客户",
    "lapsed": "流失客户",
}

#: Default thresholds of :func:`name_segments` (ratios are to the all-customer mean).
NAMING_RULES = {
    "lapsed_days": 120.0,  # mean recency above this: "lapsed"
    "active_days": 60.0,  # mean recency at most this (and orders ratio >= loyal): "loyal"
    "loyal": 1.0,  # orders ratio at or above which an active segment is "loyal"
    "high": 1.5,  # spend ratio at or above which spenders are "big"
    "low": 0.6,  # ratio at or below which a level is low
    "online": 0.6,  # mean online share at or above which a segment is "online"
}

#: The differentiated service guide per value class (差异化服务), used by
#: :func:`service_plan` with ``by="value_class"``.
VALUE_GUIDE = pd.DataFrame(
    {
        "value_class": ["high", "medium", "low"],
        "service_level": ["premium", "standard", "basic"],
        "action": [
            "personal account manager, priority service, invitations and early access; "
            "protect the relationship",
            "targeted offers to raise basket and frequency; upgrade the best to high value",
            "self-service and digital channels only; cut cost to serve (minimum order, "
            "pick-up in store)",
        ],
        "action_zh": [
            "专属客户经理、优先服务、邀请与抢先体验；重点保持关系",
            "有针对性的优惠，提高客单价与购买频率；把其中最好的升级为高价值客户",
            "以自助和数字渠道为主；降低服务成本（起送金额、到店自提）",
        ],
    }
)

_ONLINE = ("online", "app")


# --------------------------------------------------------------------------- helpers


def _optional(data: pd.DataFrame, name: str | None, default: str) -> str | None:
    """The optional column to use: None when not wanted or absent under its default name."""
    if name is None:
        return None
    if name not in data.columns and name == default:
        return None
    return name  # an explicitly named column that is missing fails in require()


def _numeric_columns(data: pd.DataFrame, columns, caller: str, *, allow_nan: bool = False,
                     param: str = "columns") -> list[str]:
    """Check that ``columns`` exist and are numeric (NaN only if allowed)."""
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    if not columns:
        raise CRMDataError(f"{caller}: {param} is empty; name at least one numeric column.")
    if len(set(columns)) != len(columns):
        raise CRMDataError(f"{caller}: {param} names a column twice: {columns}.")
    require(data, {c: "any" for c in columns}, caller=caller,
            params={c: param for c in columns}, allow_empty=True)
    for c in columns:
        col = data[c]
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            numeric = [str(n) for n in data.columns
                       if pd.api.types.is_numeric_dtype(data[n])
                       and not pd.api.types.is_bool_dtype(data[n])]
            raise CRMDataError(
                f"{caller}: column {c!r} in {param} is not numeric (dtype {col.dtype}, first "
                f"value {col.iloc[0]!r}). Use numeric features only, for example "
                f"{', '.join(numeric[:8]) or 'none present'}; turn a category into numbers "
                f"first (e.g. its .cat.codes) if you really mean it."
            )
        if not allow_nan:
            bad = col.isna()
            if bad.any():
                raise CRMDataError(
                    f"{caller}: column {c!r} has {int(bad.sum())} missing values in "
                    f"{show_rows(data.index[bad])}. Customers without a purchase have NaN "
                    f"recency, basket and shares: cluster the buyers "
                    f"(features[features['orders'] > 0]) or fill the gaps (fillna)."
                )
            bad = ~np.isfinite(col.to_numpy(dtype=float))
            if bad.any():
                raise CRMDataError(
                    f"{caller}: column {c!r} has {int(bad.sum())} infinite values in "
                    f"{show_rows(data.index[bad], col[bad])}. Replace them first."
                )
    return columns


def _rank01(col: pd.Series) -> pd.Series:
    """Percentile rank in [0, 1] (average ties); missing values rank lowest.

    Ordered categoricals rank by their category order; a single value ranks 0.5.
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        col = col.cat.codes.where(col.notna()).astype("float64")
    n = len(col)
    if n == 1:
        return pd.Series(0.5, index=col.index)
    rank = col.rank(method="average", na_option="top", ascending=True)
    return (rank - 1) / (n - 1)


def _check_k(k, n_distinct: int, n: int, caller: str, name: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise CRMDataError(f"{caller}: {name} must be a whole number, got {k!r}.")
    k = int(k)
    if k < 1:
        raise CRMDataError(f"{caller}: {name} must be at least 1, got {k}.")
    if k > n_distinct:
        raise CRMDataError(
            f"{caller}: {name}={k} is larger than the number of distinct customers "
            f"({n_distinct} distinct feature rows among {n} customers), so some segments "
            f"would be empty. Use {name} <= {n_distinct}, or add customers or features."
        )
    return k


def _prepare(features, columns, log, scale, caller: str):
    """Validate features for k-means and return (frame, columns, log, matrix, scaler)."""
    if not isinstance(features, pd.DataFrame):
        require(features, {}, caller=caller)  # raises the standard type error
    columns = _numeric_columns(features, columns, caller)
    if len(features) == 0:
        raise CRMDataError(
            f"{caller}: the feature table has no rows. Build it with "
            f"customer_features(transactions) and check any filter applied to it."
        )
    if log is None:
        log = []
    elif isinstance(log, str):
        log = [log]
    log = list(log)
    stray = [c for c in log if c not in columns]
    if stray:
        raise CRMDataError(
            f"{caller}: log names {stray}, which are not among columns {columns}. "
            f"List in log only columns you cluster on."
        )
    if scale not in ("standard", "minmax", None):
        raise CRMDataError(
            f"{caller}: scale must be 'standard', 'minmax' or None, got {scale!r}."
        )
    X = features[columns].to_numpy(dtype="float64", copy=True)
    for j, c in enumerate(columns):
        if c in log:
            neg = X[:, j] < 0
            if neg.any():
                rows = features.index[neg]
                raise CRMDataError(
                    f"{caller}: column {c!r} has {int(neg.sum())} negative values in "
                    f"{show_rows(rows, features.loc[neg, c])}, so log1p is not defined. "
                    f"Leave {c!r} out of log, or clip it first (.clip(lower=0))."
                )
            X[:, j] = np.log1p(X[:, j])
    if len(features) > 1:
        const = [c for j, c in enumerate(columns) if np.ptp(X[:, j]) == 0]
        if const:
            raise CRMDataError(
                f"{caller}: column(s) {const} have the same value for every customer, "
                f"so they cannot separate segments (and cannot be standardised). "
                f"Leave them out of columns."
            )
    scaler = None
    if scale is not None:
        from sklearn.preprocessing import MinMaxScaler, StandardScaler

        scaler = StandardScaler() if scale == "standard" else MinMaxScaler()
        X = scaler.fit_transform(X)
    return columns, log, X, scaler


def _distinct_rows(X: np.ndarray) -> int:
    return len(np.unique(np.round(X, 12), axis=0)) if len(X) else 0


def _threads(threads: int | None):
    """A context limiting scikit-learn's OpenMP / BLAS threads (None: no limit)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=threads)


def _silhouette(X: np.ndarray, labels: np.ndarray, sample_size: int | None,
                random_state: int, threads: int | None = 1) -> float:
    from sklearn.metrics import silhouette_score

    n_labels = len(np.unique(labels))
    if not 2 <= n_labels <= len(X) - 1:
        return float("nan")
    size = None if sample_size is None or sample_size >= len(X) else int(sample_size)
    if size is not None and size <= n_labels:
        size = None
    with _threads(threads):
        try:
            return float(silhouette_score(X, labels, sample_size=size,
                                          random_state=random_state))
        except ValueError:  # a sample that happened to hold a single label
            return float(silhouette_score(X, labels))


# --------------------------------------------------------------------------- features


def customer_features(
    transactions,
    customers=None,
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
    analysis_date=None,
    future: str = "raise",
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
    future : {"raise", "drop"}, default "raise"
        Rows dated after ``analysis_date``: raise, or leave them out and count them in
        ``attrs["dropped"]``.

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
        after ``analysis_date`` (with ``future="raise"``), or ``customers`` has a
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
    if future not in ("raise", "drop"):
        raise CRMDataError(f"{caller}: future must be 'raise' or 'drop', got {future!r}.")
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


# --------------------------------------------------------------------------- a priori


def segment_by(
    data,
    *,
    by,
    value: str = "spend",
    profit: str | None = None,
) -> pd.DataFrame:
    """Segment customers a priori by one or more attributes and compare the groups.

    Parameters
    ----------
    data : DataFrame
        One row per customer with the attribute columns and a value column, e.g. the
        output of ``customer_features(transactions, customers)``. Not modified.
    by : str or list of str
        Attribute column(s) to group by: demographic (gender, age band, income),
        geographic (region, city tier) or psychographic (lifestyle).
    value : str, default "spend"
        Value column summed and averaged per group.
    profit : str, optional
        Profit column, also summed and averaged per group (e.g. ``"profit"``).

    Returns
    -------
    DataFrame
        Indexed by the group(s) (category order kept, only groups that occur):
        ``customers``, ``customer_share``, ``mean_<value>``, ``<value>_share`` and,
        with ``profit``, ``mean_<profit>`` and ``<profit>_share``. Shares are
        fractions of the total (a share is NaN when the total is not positive).
        Customers with a missing attribute form no group and are counted in
        ``attrs["dropped"]``.

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing, or the value column is not
        numeric.

    Examples
    --------
    >>> d = pd.DataFrame({"region": ["N", "S", "S", "N"],
    ...                   "spend": [100.0, 50.0, 30.0, 20.0]})
    >>> segment_by(d, by="region")
            customers  customer_share  mean_spend  spend_share
    region
    N               2             0.5        60.0          0.6
    S               2             0.5        40.0          0.4
    """
    caller = "segment_by"
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise CRMDataError(f"{caller}: by is empty; name at least one attribute column.")
    columns = {c: "any" for c in by}
    columns[value] = "number"
    params = {c: "by" for c in by} | {value: "value"}
    if profit is not None:
        columns[profit] = "number"
        params[profit] = "profit"
    df = require(data, columns, caller=caller, params=params)
    missing = df[by].isna().any(axis=1)
    dropped = {"missing attribute": int(missing.sum())} if missing.any() else {}
    groups = df.loc[~missing].groupby(by if len(by) > 1 else by[0], observed=True, sort=True)
    out = pd.DataFrame({"customers": groups.size()})
    out["customer_share"] = out["customers"] / len(df)
    for col in [value] + ([profit] if profit is not None else []):
        total = df[col].sum()
        out[f"mean_{col}"] = groups[col].mean()
        out[f"{col}_share"] = groups[col].sum() / total if total > 0 else np.nan
    out.attrs = {"dropped": dropped}
    return out


# --------------------------------------------------------------------------- k-means


def kmeans_segments(
    features,
    *,
    columns,
    k: int = 4,
    log=(),
    scale: str | None = "standard",
    random_state: int = 0,
    n_init: int = 10,
    order_by: str | None = None,
    sample_size: int | None = 2000,
    segment: str = "segment",
    threads: int | None = 1,
) -> pd.DataFrame:
    """Segment customers with k-means on standardised features (K均值聚类).

    Parameters
    ----------
    features : DataFrame
        One row per customer, e.g. from :func:`customer_features` (keep the buyers:
        customers without a purchase have NaN features). Not modified.
    columns : list of str
        Numeric columns to cluster on (no missing values, none constant).
    k : int, default 4
        Number of segments; at most the number of distinct customers.
    log : list of str, default ()
        Columns (among ``columns``, values >= 0) to ``log1p``-transform first, so that a
        few huge values do not dominate the distances.
    scale : {"standard", "minmax", None}, default "standard"
        ``"standard"``: z-scores (scikit-learn's ``StandardScaler``); ``"minmax"``: each
        column to [0, 1]; None: raw units (the column with the largest numbers wins).
    random_state : int, default 0
        Seed of the k-means initialisation: the same seed gives the same segments.
    n_init : int, default 10
        Number of k-means runs with different starting centres (the best is kept).
    order_by : str, optional
        Column whose segment mean orders the segments, highest first (segment 0).
        Default: ``"spend"`` if present, else the first of ``columns``.
    sample_size : int or None, default 2000
        Customers sampled (with ``random_state``) for the silhouette score in
        ``attrs``; None uses all of them (slow above a few thousand).
    segment : str, default "segment"
        Name of the new column.
    threads : int or None, default 1
        Threads for scikit-learn (OpenMP / BLAS) while fitting; None uses them all.
        One thread is the fast choice for a few thousand customers: on a busy machine,
        idle-waiting OpenMP threads made one fit 50 times slower. The segments are the
        same either way.

    Returns
    -------
    DataFrame
        A copy of ``features`` with an int column ``segment`` in 0..k-1. ``attrs``:
        ``k``, ``columns``, ``log``, ``scale``, ``random_state``, ``order_by``,
        ``centers`` (dict column -> list of the k centres in original units, segment
        order; ``pd.DataFrame(result.attrs["centers"])``), ``centers_scaled`` (the
        same in the clustering units), ``inertia`` (within-segment sum of squares, in
        clustering units) and ``silhouette``.

    Raises
    ------
    CRMDataError
        If the table is empty; a column is missing, not numeric, has missing or
        infinite values, or is constant; a logged column has negative values; ``k``
        exceeds the number of distinct customers; or ``scale`` is unknown.

    See Also
    --------
    choose_k : inertia and silhouette for a range of k.
    segment_profiles : describe the segments.

    Notes
    -----
    Segments are renumbered after fitting: by decreasing mean of ``order_by``, ties
    by the position of their first customer in ``features``; so segment 0 is the
    most valuable one and the labels do not depend on k-means' internal numbering.
    Centres of logged columns are back-transformed with ``expm1``: a geometric-type
    mean, below the arithmetic mean of a skewed column.

    Examples
    --------
    >>> f = pd.DataFrame({"orders": [1, 2, 1, 30, 32, 29],
    ...                   "spend": [50.0, 80.0, 60.0, 3000.0, 2800.0, 3100.0]},
    ...                  index=list("abcdef"))
    >>> s = kmeans_segments(f, columns=["orders", "spend"], k=2)
    >>> s["segment"].tolist()
    [1, 1, 1, 0, 0, 0]
    >>> pd.DataFrame(s.attrs["centers"]).round(1)
       orders   spend
    0    30.3  2966.7
    1     1.3    63.3
    """
    caller = "kmeans_segments"
    columns, log, X, scaler = _prepare(features, columns, log, scale, caller)
    k = _check_k(k, _distinct_rows(X), len(X), caller)
    if order_by is None:
        order_by = "spend" if "spend" in features.columns else columns[0]
    _numeric_columns(features, [order_by], caller, param="order_by")
    if segment in features.columns:
        raise CRMDataError(
            f"{caller}: features already has a column {segment!r}. Drop it first or pass "
            f"segment='...' with a new name."
        )
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=k, n_init=n_init, random_state=random_state, tol=0.0)
    with _threads(threads):
        raw = model.fit_predict(X)
    key = features[order_by].to_numpy(dtype="float64")
    means = np.array([key[raw == j].mean() for j in range(k)])
    first = np.array([np.flatnonzero(raw == j)[0] for j in range(k)])
    order = np.lexsort((first, -means))  # old labels, best first
    relabel = np.empty(k, dtype=np.int64)
    relabel[order] = np.arange(k)
    labels = relabel[raw]
    centres_scaled = model.cluster_centers_[order]
    centres = scaler.inverse_transform(centres_scaled) if scaler is not None else centres_scaled
    centres = centres.copy()
    for j, c in enumerate(columns):
        if c in log:
            centres[:, j] = np.expm1(centres[:, j])
    out = features.copy()
    out[segment] = labels.astype("int64")
    out.attrs = {
        **{a: v for a, v in features.attrs.items() if a in ("analysis_date",)},
        "k": k,
        "columns": columns,
        "log": log,
        "scale": scale,
        "random_state": random_state,
        "order_by": order_by,
        "centers": {c: [float(v) for v in centres[:, j]] for j, c in enumerate(columns)},
        "centers_scaled": {c: [float(v) for v in centres_scaled[:, j]]
                           for j, c in enumerate(columns)},
        "inertia": float(model.inertia_),
        "silhouette": _silhouette(X, labels, sample_size, random_state, threads),
    }
    return out


def choose_k(
    features,
    *,
    columns,
    k_range=range(2, 9),
    log=(),
    scale: str | None = "standard",
    random_state: int = 0,
    n_init: int = 10,
    sample_size: int | None = 2000,
    threads: int | None = 1,
) -> pd.DataFrame:
    """Compare numbers of segments: inertia (elbow method) and silhouette per k.

    Parameters
    ----------
    features : DataFrame
        One row per customer (see :func:`kmeans_segments`). Not modified.
    columns : list of str
        Numeric columns to cluster on.
    k_range : iterable of int, default range(2, 9)
        The numbers of segments to try (each at least 2: the silhouette needs two
        segments).
    log, scale, random_state, n_init, threads :
        As in :func:`kmeans_segments`.
    sample_size : int or None, default 2000
        Customers sampled (with ``random_state``) for each silhouette score; None uses
        all.

    Returns
    -------
    DataFrame
        One row per k (index 0..), columns ``k``, ``inertia`` (within-segment sum of
        squares in the clustering units: always falls as k grows; look for the
        "elbow") and ``silhouette`` (from -1 to 1; higher = tighter, better separated
        segments). ``attrs["best_k"]`` is the k with the highest silhouette (the
        smallest such k on a tie).

    Raises
    ------
    CRMDataError
        As :func:`kmeans_segments`; also if ``k_range`` is empty or holds a k below 2.

    Notes
    -----
    Neither number decides alone: the elbow is often vague and the silhouette prefers
    few, well-separated groups. Choose k that is also useful (each segment big enough to
    serve differently and easy to describe).

    Examples
    --------
    >>> f = pd.DataFrame({"x": [0.0, 0.1, 0.2, 5.0, 5.1, 5.2, 10.0, 10.1, 10.2]})
    >>> c = choose_k(f, columns=["x"], k_range=[2, 3, 4])
    >>> c["k"].tolist(), c.attrs["best_k"]
    ([2, 3, 4], 3)
    >>> bool(c["inertia"].is_monotonic_decreasing)
    True
    """
    caller = "choose_k"
    columns, log, X, _ = _prepare(features, columns, log, scale, caller)
    ks = list(k_range)
    if not ks:
        raise CRMDataError(f"{caller}: k_range is empty; try k_range=range(2, 9).")
    distinct = _distinct_rows(X)
    for k in ks:
        _check_k(k, distinct, len(X), caller, name="k in k_range")
        if int(k) < 2:
            raise CRMDataError(
                f"{caller}: k_range holds {int(k)}; the silhouette needs at least 2 segments. "
                f"Start at 2, e.g. k_range=range(2, 9)."
            )
    from sklearn.cluster import KMeans

    rows = []
    for k in ks:
        model = KMeans(n_clusters=int(k), n_init=n_init, random_state=random_state, tol=0.0)
        with _threads(threads):
            labels = model.fit_predict(X)
        rows.append({"k": int(k), "inertia": float(model.inertia_),
                     "silhouette": _silhouette(X, labels, sample_size, random_state, threads)})
    out = pd.DataFrame(rows, columns=["k", "inertia", "silhouette"])
    sil = out["silhouette"]
    best = int(out.loc[sil.idxmax(), "k"]) if sil.notna().any() else None
    out.attrs = {"best_k": best, "columns": columns, "log": log, "scale": scale}
    return out


# --------------------------------------------------------------------------- profiles


def segment_profiles(
    segmented,
    *,
    segment: str = "segment",
    columns=None,
    stat: str = "mean",
    revenue: str | None = "spend",
    profit: str | None = "profit",
) -> pd.DataFrame:
    """Describe each segment: size, share, typical feature values, revenue and profit.

    Parameters
    ----------
    segmented : DataFrame
        One row per customer with a segment column (e.g. from :func:`kmeans_segments`).
        Not modified.
    segment : str, default "segment"
        Segment column; categorical order is kept.
    columns : list of str, optional
        Numeric columns to describe. Default: ``attrs["columns"]`` of a
        :func:`kmeans_segments` result, plus ``revenue`` and ``profit``; else every
        numeric column but the segment.
    stat : {"mean", "median", "z"}, default "mean"
        Per-segment mean or median of each column, or ``"z"``: the standardised mean,
        (segment mean - overall mean) / overall standard deviation, which puts every
        feature on one scale (used by the profile heat map).
    revenue, profit : str or None, default "spend", "profit"
        Columns whose segment totals are given as shares (skipped when None or absent).

    Returns
    -------
    DataFrame
        Indexed by segment: ``customers``, ``customer_share``, one column per feature
        (the chosen statistic), then ``revenue_share`` and ``profit_share`` (segment
        total / overall total; NaN when the overall total is not positive). Missing
        feature values are left out of the statistic.

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing or not numeric, or ``stat`` is
        unknown.

    Examples
    --------
    >>> s = pd.DataFrame({"segment": [0, 0, 1], "orders": [10, 20, 1],
    ...                   "spend": [300.0, 500.0, 200.0]})
    >>> segment_profiles(s)
             customers  customer_share  orders  spend  revenue_share
    segment
    0                2        0.666667    15.0  400.0            0.8
    1                1        0.333333     1.0  200.0            0.2
    """
    caller = "segment_profiles"
    if stat not in ("mean", "median", "z"):
        raise CRMDataError(f"{caller}: stat must be 'mean', 'median' or 'z', got {stat!r}.")
    require(segmented, {segment: "any"}, caller=caller, params={segment: "segment"})
    revenue = _optional(segmented, revenue, "spend")
    profit = _optional(segmented, profit, "profit")
    if columns is None:
        columns = list(segmented.attrs.get("columns", []))
        if columns:
            columns += [c for c in (revenue, profit) if c is not None and c not in columns]
        else:
            columns = [c for c in segmented.columns if c != segment
                       and pd.api.types.is_numeric_dtype(segmented[c])
                       and not pd.api.types.is_bool_dtype(segmented[c])]
    columns = _numeric_columns(segmented, columns, caller, allow_nan=True)
    for name, param in ((revenue, "revenue"), (profit, "profit")):
        if name is not None:
            require(segmented, {name: "number"}, caller=caller, params={name: param})
    df = segmented
    groups = df.groupby(segment, observed=False, sort=True)
    out = pd.DataFrame({"customers": groups.size()})
    out["customer_share"] = out["customers"] / len(df)
    if stat == "z":
        sd = df[columns].std(ddof=0).replace(0, np.nan)
        table = (groups[columns].mean() - df[columns].mean()) / sd
    else:
        table = getattr(groups[columns], stat)()
    out = out.join(table)
    for name, label in ((revenue, "revenue_share"), (profit, "profit_share")):
        if name is not None:
            total = df[name].sum()
            out[label] = groups[name].sum() / total if total > 0 else np.nan
    out.attrs = {"stat": stat, "columns": columns, "revenue": revenue, "profit": profit}
    return out


def name_segments(
    profiles,
    *,
    rules: dict | None = None,
    orders: str = "orders",
    spend: str = "spend",
    recency: str = "recency_days",
    online: str = "online_share",
    profit: str = "profit",
) -> pd.DataFrame:
    """Give each segment a readable persona name from its mean profile (客户画像).

    Parameters
    ----------
    profiles : DataFrame
        Output of :func:`segment_profiles` with ``stat="mean"`` (one row per segment,
        with ``customers`` and mean feature columns). Not modified.
    rules : dict, optional
        Thresholds overriding :data:`NAMING_RULES`: ``lapsed_days`` (120),
        ``active_days`` (60), ``loyal`` (1.0), ``high`` (1.5), ``low`` (0.6) and
        ``online`` (0.6).
    orders, spend, recency, online, profit : str
        The mean columns used; a column that is absent leaves its word out.

    Returns
    -------
    DataFrame
        A copy of ``profiles`` with ``status`` ("lapsed", "loyal", "occasional" or
        "regular"), ``spend_level`` ("big", "mid" or "small"), ``online`` (bool),
        ``loss_making`` (bool), ``persona`` (e.g. "loyal online big spenders") and
        ``persona_zh`` (e.g. "忠诚·线上·高消费客户").

    Raises
    ------
    CRMDataError
        If the profiles lack ``customers``, a rule is unknown, or a column is not
        numeric.

    Notes
    -----
    Each segment's mean is compared with the all-customer mean (the
    customer-weighted mean of the segment means) as a ratio:

    1. status: "lapsed" if mean recency > ``lapsed_days``; else "loyal" if the orders
       ratio >= ``loyal`` and mean recency <= ``active_days``; else "occasional" if the
       orders ratio is <= ``low``; else "regular";
    2. spend level: "big" if the spend ratio >= ``high``, "small" if <= ``low``,
       else "mid";
    3. "online" if the mean online share >= ``online``;
    4. "loss-making" if the mean profit is negative.

    The persona is "<status> [online] <level> spenders [(loss-making)]". Two segments
    with the same persona get their segment number appended, so names are unique.

    Examples
    --------
    >>> p = pd.DataFrame({"customers": [10, 30, 60], "orders": [40.0, 10.0, 2.0],
    ...                   "spend": [9000.0, 1500.0, 200.0],
    ...                   "recency_days": [5.0, 90.0, 300.0],
    ...                   "online_share": [0.8, 0.2, 0.1], "profit": [900.0, 150.0, -10.0]})
    >>> name_segments(p)[["persona", "persona_zh"]]
                                   persona    persona_zh
    0            loyal online big spenders   忠诚·线上·高消费客户
    1                 regular mid spenders      常规·中消费客户
    2  lapsed small spenders (loss-making)  流失·低消费客户（亏损）
    """
    caller = "name_segments"
    r = dict(NAMING_RULES)
    unknown = sorted(set(rules or {}) - set(r))
    if unknown:
        raise CRMDataError(
            f"{caller}: unknown rule(s) {unknown}; the rules are {sorted(r)}."
        )
    r.update(rules or {})
    df = require(profiles, {"customers": "number"}, caller=caller)
    present = [c for c in (orders, spend, recency, online, profit) if c in profiles.columns]
    _numeric_columns(profiles, present, caller, allow_nan=True, param="the profile columns")
    weights = df["customers"].to_numpy(dtype=float)

    def ratio(col):
        if col not in profiles.columns:
            return None
        x = profiles[col].to_numpy(dtype=float)
        ok = np.isfinite(x) & (weights > 0)
        overall = np.average(x[ok], weights=weights[ok]) if ok.any() else np.nan
        return x / overall if overall > 0 else np.full(len(x), np.nan)

    n = len(profiles)
    orders_r, spend_r = ratio(orders), ratio(spend)
    rec = profiles[recency].to_numpy(dtype=float) if recency in profiles.columns else None
    status, level, is_online, loss, en, zh = [], [], [], [], [], []
    for i in range(n):
        if rec is not None and rec[i] > r["lapsed_days"]:
            s = "lapsed"
        elif (orders_r is not None and orders_r[i] >= r["loyal"]
              and (rec is None or rec[i] <= r["active_days"])):
            s = "loyal"
        elif orders_r is not None and orders_r[i] <= r["low"]:
            s = "occasional"
        else:
            s = "regular"
        if spend_r is not None and spend_r[i] >= r["high"]:
            lv = "big"
        elif spend_r is not None and spend_r[i] <= r["low"]:
            lv = "small"
        else:
            lv = "mid"
        on = bool(online in profiles.columns and profiles[online].iloc[i] >= r["online"])
        lo = bool(profit in profiles.columns and profiles[profit].iloc[i] < 0)
        status.append(s)
        level.append(lv)
        is_online.append(on)
        loss.append(lo)
        en.append(f"{s}{' online' if on else ''} {lv} spenders"
                  + (" (loss-making)" if lo else ""))
        zh.append("·".join([_STATUS_ZH[s]] + (["线上"] if on else []) + [_LEVEL_ZH[lv]])
                  + ("（亏损）" if lo else ""))
    en_s, zh_s = pd.Series(en), pd.Series(zh)
    dup = en_s.duplicated(keep=False).to_numpy()
    labels = [str(v) for v in profiles.index]
    en = [f"{e} #{lab}" if d else e for e, d, lab in zip(en, dup, labels, strict=True)]
    zh = [f"{z} #{lab}" if d else z for z, d, lab in zip(zh_s, dup, labels, strict=True)]
    out = profiles.copy()
    out["status"] = status
    out["spend_level"] = level
    out["online"] = is_online
    out["loss_making"] = loss
    out["persona"] = en
    out["persona_zh"] = zh
    return out


_STATUS_ZH = {"lapsed": "流失", "loyal": "忠诚", "occasional": "偶尔", "regular": "常规"}
_LEVEL_ZH = {"big": "高消费客户", "mid": "中消费客户", "small": "低消费客户"}


# --------------------------------------------------------------------------- value


def value_assessment(
    features,
    *,
    potential: str | None = "mean_basket",
    loyalty: str | None = "orders",
    profitability: str | None = "profit",
    weights=(1.0, 1.0, 1.0),
    cuts=(1 / 3, 2 / 3),
    method: str = "quantile",
) -> pd.DataFrame:
    """Assess customer value (客户价值评估): purchase potential, loyalty, profitability.

    Parameters
    ----------
    features : DataFrame
        One row per customer (e.g. from :func:`customer_features`). Not modified.
    potential : str or None, default "mean_basket"
        Column measuring purchase potential (购买潜力), numeric or an ordered
        categorical such as ``income_band``. None leaves the dimension out.
    loyalty : str or None, default "orders"
        Column measuring loyalty (忠诚度), e.g. orders or tenure.
    profitability : str or None, default "profit"
        Column measuring profitability (盈利能力), e.g. profit after cost to serve.
    weights : sequence of 3 float, default (1, 1, 1)
        Weights of potential, loyalty and profitability in the value score
        (non-negative, not all 0).
    cuts : pair of float, default (1/3, 2/3)
        The two cut-offs between low / medium and medium / high, see ``method``.
    method : {"quantile", "score"}, default "quantile"
        ``"quantile"``: the cuts are quantiles of the value score, so with the
        defaults each class holds about a third of the customers. ``"score"``: the
        cuts are fixed values of the score itself (in [0, 1]).

    Returns
    -------
    DataFrame
        A copy of ``features`` with ``potential_score``, ``loyalty_score``,
        ``profitability_score`` (percentile ranks in [0, 1], only for the dimensions
        used), ``value_score`` (their weighted mean) and ``value_class`` (ordered
        categorical low < medium < high). ``attrs["cutoffs"]`` holds the two score
        cut-offs used.

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing or neither numeric nor ordered,
        no dimension is given, the weights are invalid, or the cuts are not two
        increasing fractions in [0, 1].

    Notes
    -----
    Each dimension becomes a percentile rank: (rank - 1) / (n - 1) with average ranks
    for ties, so the lowest customer gets 0 and the highest 1 (a single customer
    0.5); a missing value (e.g. the basket of a customer with no purchase) ranks
    lowest. A customer is "high" if value_score >= the upper cut-off, "low" if it is
    < the lower cut-off, else "medium".

    Examples
    --------
    >>> f = pd.DataFrame({"mean_basket": [200.0, 50.0, 80.0],
    ...                   "orders": [10, 2, 30], "profit": [500.0, -20.0, 100.0]},
    ...                  index=["a", "b", "c"])
    >>> v = value_assessment(f)
    >>> v[["potential_score", "loyalty_score", "profitability_score", "value_score"]]
       potential_score  loyalty_score  profitability_score  value_score
    a              1.0            0.5                  1.0     0.833333
    b              0.0            0.0                  0.0     0.000000
    c              0.5            1.0                  0.5     0.666667
    >>> v["value_class"].tolist()
    ['high', 'low', 'medium']
    """
    caller = "value_assessment"
    dims = {"potential": potential, "loyalty": loyalty, "profitability": profitability}
    try:
        w = [float(x) for x in weights]
    except (TypeError, ValueError) as err:
        raise CRMDataError(f"{caller}: weights must be 3 numbers, got {weights!r}.") from err
    if len(w) != 3 or any(x < 0 or not np.isfinite(x) for x in w):
        raise CRMDataError(
            f"{caller}: weights must be 3 non-negative numbers (potential, loyalty, "
            f"profitability), got {weights!r}."
        )
    used = {d: (c, wt) for (d, c), wt in zip(dims.items(), w, strict=True)
            if c is not None and wt > 0}
    if not used:
        raise CRMDataError(
            f"{caller}: no dimension to assess: give at least one of potential, loyalty, "
            f"profitability with a positive weight."
        )
    if method not in ("quantile", "score"):
        raise CRMDataError(f"{caller}: method must be 'quantile' or 'score', got {method!r}.")
    try:
        lo, hi = (float(c) for c in cuts)
    except (TypeError, ValueError) as err:
        raise CRMDataError(f"{caller}: cuts must be two fractions, got {cuts!r}.") from err
    if not 0 <= lo <= hi <= 1:
        raise CRMDataError(
            f"{caller}: cuts must be two increasing fractions in [0, 1], got {cuts!r} "
            f"(write 1/3, not 33)."
        )
    require(features, {c: "any" for c, _ in used.values()}, caller=caller,
            params={c: d for d, (c, _) in used.items()})
    out = features.copy()
    total = np.zeros(len(out))
    for d, (c, wt) in used.items():
        col = features[c]
        ordered = isinstance(col.dtype, pd.CategoricalDtype) and col.cat.ordered
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        if not (ordered or numeric):
            raise CRMDataError(
                f"{caller}: column {c!r} ({d}) must be numeric or an ordered categorical; "
                f"it has dtype {col.dtype}. Map its levels to numbers, or make it ordered "
                f"with pd.Categorical(..., categories=[low, ..., high], ordered=True)."
            )
        out[f"{d}_score"] = _rank01(col)
        total += wt * out[f"{d}_score"].to_numpy()
    score = total / sum(wt for _, wt in used.values())
    out["value_score"] = score
    if method == "quantile":
        cut_lo, cut_hi = (float(np.quantile(score, q)) for q in (lo, hi))
    else:
        cut_lo, cut_hi = lo, hi
    labels = np.where(score >= cut_hi, "high", np.where(score < cut_lo, "low", "medium"))
    out["value_class"] = pd.Categorical(labels, categories=list(VALUE_CLASSES), ordered=True)
    out.attrs = {**features.attrs, "cutoffs": (cut_lo, cut_hi), "method": method}
    return out


# --------------------------------------------------------------------------- lifecycle


def lifecycle_stage(
    features,
    *,
    orders: str = "orders",
    recency: str = "recency_days",
    loyal_orders: int = 12,
    active_days: int = 90,
    lapsed_days: int = 180,
    language: str = "en",
) -> pd.DataFrame:
    """Place every customer in one lifecycle stage (客户生命周期).

    Parameters
    ----------
    features : DataFrame
        One row per customer with an order count and the days since the last purchase
        (e.g. from :func:`customer_features`; recency may be NaN for customers with
        no purchase). Not modified.
    orders : str, default "orders"
        Number of purchase orders.
    recency : str, default "recency_days"
        Days from the last purchase to the analysis date.
    loyal_orders : int, default 12
        Orders needed to be "loyal" (12: about one a month over the two years of the
        course data).
    active_days : int, default 90
        A loyal customer bought within this many days.
    lapsed_days : int, default 180
        A customer with no purchase for more than this many days has lapsed.
    language : {"en", "zh"}, default "en"
        Stage names in English or Chinese (:data:`LIFECYCLE_STAGES`).

    Returns
    -------
    DataFrame
        A copy of ``features`` with ``stage``, an ordered categorical: prospect <
        first-time < repeat < loyal < lapsed (潜在客户 < 新客户 < 重复购买客户 <
        忠诚客户 < 流失客户).

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing or not numeric, orders are
        negative, recency is missing for a customer with orders, or the thresholds
        are inconsistent (``active_days > lapsed_days``, ``loyal_orders < 2``).

    Notes
    -----
    The rules are applied in order, so every customer gets exactly one stage:

    1. prospect (潜在客户): no order (a member who never bought);
    2. lapsed (流失客户): recency > ``lapsed_days``;
    3. loyal (忠诚客户): orders >= ``loyal_orders`` and recency <= ``active_days``;
    4. first-time (新客户): exactly one order;
    5. repeat (重复购买客户): everyone else (2+ orders, not lapsed, not loyal).

    Examples
    --------
    >>> f = pd.DataFrame({"orders": [0, 1, 3, 12, 12, 20],
    ...                   "recency_days": [None, 10, 30, 90, 91, 181]},
    ...                  index=list("abcdef"))
    >>> lifecycle_stage(f)["stage"].tolist()
    ['prospect', 'first-time', 'repeat', 'loyal', 'repeat', 'lapsed']
    >>> lifecycle_stage(f, language="zh")["stage"].tolist()[:3]
    ['潜在客户', '新客户', '重复购买客户']
    """
    caller = "lifecycle_stage"
    if language not in ("en", "zh"):
        raise CRMDataError(f"{caller}: language must be 'en' or 'zh', got {language!r}.")
    for name, v in (("loyal_orders", loyal_orders), ("active_days", active_days),
                    ("lapsed_days", lapsed_days)):
        if isinstance(v, bool) or not isinstance(v, int | float | np.number) or v < 0:
            raise CRMDataError(f"{caller}: {name} must be a non-negative number, got {v!r}.")
    if loyal_orders < 2:
        raise CRMDataError(
            f"{caller}: loyal_orders must be at least 2 (a loyal customer buys again), "
            f"got {loyal_orders}."
        )
    if active_days > lapsed_days:
        raise CRMDataError(
            f"{caller}: active_days ({active_days}) must not exceed lapsed_days "
            f"({lapsed_days}): a loyal customer cannot have lapsed."
        )
    df = require(features, {orders: "number", recency: "any"}, caller=caller,
                 params={orders: "orders", recency: "recency"})
    _numeric_columns(df, [recency], caller, allow_nan=True, param="recency")
    n, r = df[orders], df[recency]
    if (n < 0).any():
        bad = n < 0
        raise CRMDataError(
            f"{caller}: column {orders!r} has {int(bad.sum())} negative order counts in "
            f"{show_rows(df.index[bad], n[bad])}. Count orders, not net quantities."
        )
    gap = (n > 0) & r.isna()
    if gap.any():
        raise CRMDataError(
            f"{caller}: column {recency!r} is missing for {int(gap.sum())} customers with "
            f"orders, in {show_rows(df.index[gap])}. Recompute the features with "
            f"customer_features(transactions)."
        )
    stage = np.select(
        [n == 0, r > lapsed_days, (n >= loyal_orders) & (r <= active_days), n == 1],
        ["prospect", "lapsed", "loyal", "first-time"],
        default="repeat",
    )
    names = list(LIFECYCLE_STAGES)
    if language == "zh":
        stage = np.array([LIFECYCLE_STAGES[s] for s in stage], dtype=object)
        names = list(LIFECYCLE_STAGES.values())
    out = features.copy()
    out["stage"] = pd.Categorical(stage, categories=names, ordered=True)
    return out


# --------------------------------------------------------------------------- service


def _persona_service(status: str, level: str, online: bool, loss: bool) -> tuple[str, str, str]:
    """(service level, action, action_zh) for one named segment; see service_plan."""
    if loss:
        return ("cost-controlled",
                "keep them but cut the cost to serve: minimum order for free delivery, "
                "bundles that raise the basket, pick-up in store",
                "保留客户但降低服务成本：设置免运费起送金额、组合销售提高客单价、引导到店自提")
    if status == "lapsed":
        if level == "big":
            return ("win-back",
                    "personal win-back call and a tailored offer; ask why they left",
                    "客户经理亲自挽回并提供专属优惠；了解流失原因")
        if level == "mid":
            return ("targeted win-back",
                    "personalised reactivation offer based on past purchases; a short "
                    "survey on why they stopped",
                    "根据历史购买推送个性化的唤醒优惠；简短调查停止购买的原因")
        return ("low-cost win-back",
                "one automated reactivation message; stop spending if no response",
                "一次自动化的唤醒信息；无回应则停止投入")
    if level == "big":
        if status == "loyal":
            return ("VIP",
                    "VIP care: account manager, priority service, exclusive events, "
                    "thank-you gifts",
                    "VIP关怀：专属客户经理、优先服务、专属活动、感谢礼品")
        return ("priority",
                "priority service and personalised offers to deepen loyalty",
                "优先服务与个性化优惠，加深忠诚")
    if level == "mid":
        return ("develop",
                "cross-sell new categories and a membership upgrade to grow them",
                "交叉销售新品类、推荐会员升级，提升客户价值")
    if online:
        return ("digital self-service",
                "app and online self-service, automated offers; no personal contact",
                "以APP和线上自助服务为主，自动化推送优惠；不安排人工联系")
    return ("basic",
            "standard service at low cost; nudge to a bigger basket",
            "低成本的标准服务；引导提高每单金额")


def service_plan(
    data,
    *,
    by: str = "persona",
    value: str = "value_class",
    spend: str = "spend",
    profit: str | None = "profit",
) -> pd.DataFrame:
    """Recommend a differentiated service (差异化服务) per segment or value class.

    Parameters
    ----------
    data : DataFrame
        With ``by="persona"``: the output of :func:`name_segments` (one row per
        segment). With ``by="value_class"``: one row per customer with a value class
        (the output of :func:`value_assessment`). Not modified.
    by : {"persona", "value_class"}, default "persona"
        What the plan is for.
    value : str, default "value_class"
        Value class column (``by="value_class"``).
    spend, profit : str
        Revenue and profit columns summed per value class (``by="value_class"``);
        ``profit`` may be None.

    Returns
    -------
    DataFrame
        ``by="persona"``: indexed like ``data``, columns ``persona``, ``customers``,
        ``service_level``, ``action`` and ``action_zh``. ``by="value_class"``: indexed
        by value class (high first): ``customers``, ``customer_share``,
        ``revenue_share``, ``profit_share`` and ``mean_profit`` (with ``profit``),
        ``service_level``, ``action``, ``action_zh`` (from :data:`VALUE_GUIDE`).

    Raises
    ------
    CRMDataError
        If ``by`` is unknown or a needed column is missing.

    Notes
    -----
    ``by="persona"`` rules, first match wins: loss-making -> "cost-controlled";
    lapsed -> "win-back" (big spenders), "targeted win-back" (mid spenders) or
    "low-cost win-back" (small spenders); big spenders ->
    "VIP" (loyal) or "priority"; mid spenders -> "develop"; small online spenders ->
    "digital self-service"; else "basic".

    Examples
    --------
    >>> p = pd.DataFrame({"customers": [10, 30, 60], "orders": [40.0, 10.0, 2.0],
    ...                   "spend": [9000.0, 1500.0, 200.0],
    ...                   "recency_days": [5.0, 90.0, 300.0],
    ...                   "online_share": [0.8, 0.2, 0.1], "profit": [900.0, 150.0, -10.0]})
    >>> service_plan(name_segments(p))[["persona", "service_level"]]
                                   persona    service_level
    0            loyal online big spenders              VIP
    1                 regular mid spenders          develop
    2  lapsed small spenders (loss-making)  cost-controlled
    """
    caller = "service_plan"
    if by == "persona":
        need = ["persona", "customers", "status", "spend_level", "online", "loss_making"]
        missing = [c for c in need if c not in getattr(data, "columns", [])]
        if missing:
            raise CRMDataError(
                f"{caller}: by='persona' needs the output of name_segments(profiles); "
                f"column(s) {missing} are missing."
            )
        rows = [_persona_service(s, lv, bool(on), bool(lo)) for s, lv, on, lo in
                zip(data["status"], data["spend_level"], data["online"], data["loss_making"],
                    strict=True)]
        out = data[["persona", "customers"]].copy()
        out["service_level"] = [r[0] for r in rows]
        out["action"] = [r[1] for r in rows]
        out["action_zh"] = [r[2] for r in rows]
        return out
    if by != "value_class":
        raise CRMDataError(f"{caller}: by must be 'persona' or 'value_class', got {by!r}.")
    columns = {value: "any", spend: "number"}
    params = {value: "value", spend: "spend"}
    if profit is not None:
        columns[profit] = "number"
        params[profit] = "profit"
    df = require(data, columns, caller=caller, params=params)
    unknown = sorted(set(df[value].dropna().astype("str")) - set(VALUE_CLASSES))
    if unknown:
        raise CRMDataError(
            f"{caller}: column {value!r} has values {unknown[:5]}; expected "
            f"{list(VALUE_CLASSES)} (the output of value_assessment)."
        )
    key = df[value].astype("str")
    order = ["high", "medium", "low"]
    groups = df.groupby(key, sort=False)
    out = pd.DataFrame({"customers": groups.size()}).reindex(order, fill_value=0)
    out.index.name = value
    out["customer_share"] = out["customers"] / len(df)
    total = df[spend].sum()
    out["revenue_share"] = (groups[spend].sum().reindex(order, fill_value=0.0) / total
                            if total > 0 else np.nan)
    if profit is not None:
        total = df[profit].sum()
        sums = groups[profit].sum().reindex(order, fill_value=0.0)
        out["profit_share"] = sums / total if total > 0 else np.nan
        out["mean_profit"] = groups[profit].mean().reindex(order)
    guide = VALUE_GUIDE.set_index("value_class")
    return out.join(guide)

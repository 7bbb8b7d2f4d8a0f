"""RFM model (RFM模型): recency, frequency and monetary value from a transaction log.

R (最近一次消费, recency) is how many days ago a customer last bought, F (消费频率,
frequency) how many orders they placed, M (消费金额, monetary) how much they spent in
total. This module builds the R/F/M table from transactions (:func:`rfm_table`),
scores it (:func:`rfm_scores`: quintiles, mean split or fixed thresholds), names
segments (:func:`rfm_segments`: the ten English RF segments or the textbook's eight
Chinese value segments), and adds two textbook cases: the purchase cycle of
Wang Yongqing's rice shop (王永庆卖米, :func:`purchase_cycle`) and profit per customer for
Manager Zhang's busy-but-unprofitable customers (张经理的困惑, :func:`customer_profit`).

Conventions (each one a parameter with a documented default):

* ``analysis_date`` defaults to the day after the last date in the data; dates are
  normalised to days; recency is in whole days.
* Frequency is the number of orders (distinct ``order`` ids, or rows); monetary is the
  total spend (sum), net of returns by default.
* Quintile scores break ties by rank (``ties="rank-first"``, ties ordered by customer
  id) or keep equal values together (``ties="value"``, bins can collapse; reported in
  ``attrs["collapsed"]``).

Nothing is dropped silently: every function that leaves rows out counts them in
``result.attrs["dropped"]``.

These are RFM quantities, not the buy-till-you-die summaries of :mod:`crmlab.clv`
(there frequency counts *repeat* purchase periods and recency runs from the first to
the last purchase).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.customers import customer_table
from crmlab.dates import analysis_date_of, check_future, drop_future_rows
from crmlab.validation import check_option, require, show_rows

if TYPE_CHECKING:
    from crmlab._typing import DateLike, Source

__all__ = [
    "rfm_table",
    "rfm_from_customers",
    "rfm_scores",
    "rfm_segments",
    "segment_summary",
    "rf_grid",
    "purchase_cycle",
    "customer_profit",
    "profit_from_customers",
    "RF10_PATTERNS",
    "CN8_SEGMENTS",
    "SEGMENT_GUIDE",
]

# --------------------------------------------------------------------------- rfm_table


def rfm_table(
    transactions: Source,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    order: str | None = None,
    analysis_date: DateLike | None = None,
    returns: str = "net",
    future: str = "error",
    engine: str | None = None,
) -> pd.DataFrame:
    """Compute recency, frequency and monetary value per customer from transactions.

    Parameters
    ----------
    transactions : DataFrame, str, Path or PySpark DataFrame
        One row per order (or order line), with a customer id, a datetime64 date and
        an amount (negative = a return). It is not modified. A path to a CSV or
        Parquet file (or a folder of Parquet files) is read by the chosen engine;
        a PySpark DataFrame runs on Spark.
    customer : str, default "customer_id"
        Customer id column; it becomes the index of the result (same name).
    date : str, default "order_date"
        Order date column (datetime64); times of day are ignored.
    amount : str, default "amount"
        Amount column; a row with a negative amount is a return.
    order : str, optional
        Order id column. When given, frequency counts distinct order ids (use it
        when the log has one row per order *line*); otherwise it counts rows.
    analysis_date : date-like, optional
        The day recency is measured to. Default: the day after the last date in the
        data, so the most recent buyer has recency 1.
    returns : {"net", "ignore"}, default "net"
        ``"net"``: returns reduce monetary, but a return row is not an order and its
        date is not a purchase date. ``"ignore"``: return rows are left out entirely
        (monetary = gross sales) and counted in ``attrs["dropped"]["returns"]``.
    future : {"error", "drop"}, default "error"
        What to do with rows dated after ``analysis_date``: raise an error showing
        them, or leave them out and count them in
        ``attrs["dropped"]["after analysis_date"]``. ``"raise"``, the old name of
        ``"error"``, still works for one release with a ``FutureWarning``.
    engine : {None, "pandas", "duckdb", "spark"}, default None
        Where to compute (see :mod:`crmlab.engines`). ``None``: pandas for a
        DataFrame (DuckDB from 1M rows), Spark for a PySpark DataFrame, and for a
        file DuckDB when DuckDB is installed and the file's columns are plain (or it
        is larger than ``crmlab.engines.AUTO_DUCKDB_BYTES``), else pandas.
        ``"duckdb"`` reads the file directly (it never goes through pandas);
        ``"spark"`` runs Spark SQL (a local session unless one is active). All
        engines give the same table.

    Returns
    -------
    DataFrame
        Indexed by customer (sorted), with ``recency`` (int, days from the last
        purchase date to the analysis date), ``frequency`` (int, orders) and
        ``monetary`` (float, total spend rounded to cents, net of returns with
        ``returns="net"`` and so possibly negative). ``attrs`` holds
        ``analysis_date`` (Timestamp), ``returns`` (``{"mode", "rows", "amount"}``:
        the return rows seen and their total) and ``dropped`` (reason -> count,
        including ``"customers with only returns"``: they have no purchase date,
        hence no recency).

    Raises
    ------
    CRMDataError
        If the table is empty or a column is missing or of the wrong type; if rows
        are dated after ``analysis_date`` (with ``future="error"``); if no purchase
        is left; if ``returns``, ``future`` or ``engine`` is not a known option; if
        the file does not exist, cannot be read or lacks a column (the message lists
        the file's columns).

    See Also
    --------
    rfm_scores : score the table into 1..bins.
    crmlab.clv.summary_from_transactions : the buy-till-you-die summary (different F and R).

    Notes
    -----
    Dates are normalised to days. A purchase is a row with ``amount >= 0`` (a
    zero-amount order still counts as an order). Recency on the analysis date itself
    is 0; later rows are "future". Monetary is rounded to cents so that rankings are
    identical on every engine (float sums differ in the last bit).

    On DuckDB and Spark one SQL query (``crmlab.engines.RFM_SQL``, shared by both)
    aggregates the log to one row per customer; recency, rounding and ``attrs`` are
    then finished in pandas on that small table. In a CSV, ids are read as text and
    dates must be ISO (``YYYY-MM-DD``).

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "b", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-05",
    ...                                   "2024-01-08", "2024-01-09"]),
    ...     "amount": [100.0, 50.0, 80.0, -30.0, 20.0]})
    >>> table = rfm_table(tx)
    >>> table
                 recency  frequency  monetary
    customer_id
    a                  1          2     150.0
    b                  6          1      50.0
    c                  2          1      20.0
    >>> table.attrs["analysis_date"]
    Timestamp('2024-01-11 00:00:00')
    >>> table.attrs["returns"]
    {'mode': 'net', 'rows': 1, 'amount': -30.0}
    >>> rfm_table(tx, analysis_date="2024-01-09")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: rfm_table: 1 of 5 rows ... after the analysis date 2024-01-09: ...
    """
    caller = "rfm_table"
    check_option(returns, ("net", "ignore"), name="returns", caller=caller)
    future = check_future(future, ("error", "drop"), caller=caller)
    when = None
    if analysis_date is not None:
        when = analysis_date_of(pd.Series([], dtype="datetime64[ns]"), analysis_date,
                                caller=caller)
    base = customer_table(transactions, customer=customer, date=date, amount=amount,
                          order=order, end=when, future=future, engine=engine,
                          caller=caller,
                          needs=RFM_NEEDS + (("gross",) if returns == "ignore" else ()))
    return rfm_from_customers(base, when, returns=returns, amount=amount, caller=caller)


#: The columns of the per-customer table that :func:`rfm_from_customers` reads.
RFM_NEEDS = ("rows", "orders", "last_purchase", "return_rows", "returned", "spend")


def rfm_from_customers(base: pd.DataFrame, analysis_date: DateLike | None = None, *,
                       returns: str = "net",
                       amount: str = "amount", caller: str = "rfm_table") -> pd.DataFrame:
    """Finish the RFM table from a per-customer table (:func:`crmlab.customers.customer_table`).

    The one place RFM is defined: recency from the last purchase, frequency = orders,
    monetary = net (or gross) spend rounded to cents. :func:`rfm_table` and the
    analyst report call it, so a report builds its per-customer table once.

    Parameters
    ----------
    base : DataFrame
        From ``customer_table(..., date=..., amount=...)``; its window ends on the
        analysis date.
    analysis_date : Timestamp, optional
        The day recency is measured to; default the day after ``base.attrs["last_date"]``.
    returns : {"net", "ignore"}, default "net"
        As in :func:`rfm_table`.
    amount : str, default "amount"
        The amount column's name, for messages.
    caller : str
        For messages.

    Returns
    -------
    DataFrame
        As :func:`rfm_table`.

    Examples
    --------
    >>> from crmlab.customers import customer_table
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [10.0, 5.0],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-03"])})
    >>> rfm_from_customers(customer_table(tx))
                 recency  frequency  monetary
    customer_id
    a                  3          1      10.0
    b                  1          1       5.0
    """
    check_option(returns, ("net", "ignore"), name="returns", caller=caller)
    when = (base.attrs["last_date"] + pd.Timedelta(days=1) if analysis_date is None
            else pd.Timestamp(analysis_date).normalize())
    dropped: dict[str, int] = {}
    late = int(base.attrs.get("late_rows", 0))
    if late:
        dropped["after analysis_date"] = late
    report = {"mode": returns, "rows": int(base["return_rows"].sum()),
              "amount": round(0.0 - float(base["returned"].sum()), 2)}
    if returns == "ignore" and report["rows"]:
        dropped["returns"] = report["rows"]
    buyers = base["last_purchase"].notna().to_numpy()
    if not buyers.any():
        raise CRMDataError(
            f"{caller}: no purchases left (rows with {amount!r} >= 0 dated on or before "
            f"{when:%Y-%m-%d}). Check the sign of {amount!r} and the analysis_date."
        )
    money = "spend" if returns == "net" else "gross"
    bought = base.loc[buyers, ["last_purchase", "orders", money]]  # only what is read
    spend = bought[money]
    table = pd.DataFrame({
        "recency": (when - bought["last_purchase"]).dt.days.astype("int64"),
        "frequency": bought["orders"].astype("int64"),
        "monetary": spend.astype(float).round(2),
    })
    if returns == "net":
        only_returns = int(((base["rows"] > 0) & ~buyers).sum())
        if only_returns:
            dropped["customers with only returns"] = only_returns
    table.attrs = {"analysis_date": when, "returns": report, "dropped": dropped}
    return table


# --------------------------------------------------------------------------- rfm_scores

_DIMS = ("recency", "frequency", "monetary")
_SCORES = {"recency": "r_score", "frequency": "f_score", "monetary": "m_score"}


def _positions(goodness: np.ndarray, index: pd.Index) -> np.ndarray:
    """0-based position of each row when sorted by goodness, ties by index ascending."""
    keys = index.to_numpy()
    index_rank = np.empty(len(keys), dtype=np.int64)
    index_rank[np.argsort(keys, kind="stable")] = np.arange(len(keys))
    order = np.lexsort((index_rank, goodness))
    pos = np.empty(len(goodness), dtype=np.int64)
    pos[order] = np.arange(len(goodness))
    return pos


def _rank_first(goodness: np.ndarray, index: pd.Index, bins: int) -> np.ndarray:
    pos = _positions(goodness, index)
    n = len(goodness)
    return (np.floor((pos + 0.5) * bins / n) + 1).astype("int64")


def _value_bins(goodness: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray]:
    cuts = np.quantile(goodness, np.arange(1, bins) / bins)
    score = 1 + (goodness[:, None] > cuts[None, :]).sum(axis=1)
    return score.astype("int64"), cuts


def _threshold_bins(goodness: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    return (1 + (goodness[:, None] >= cuts[None, :]).sum(axis=1)).astype("int64")


def _check_thresholds(thresholds, caller: str) -> dict[str, np.ndarray]:
    if not isinstance(thresholds, dict) or set(thresholds) != set(_DIMS):
        got = sorted(thresholds) if isinstance(thresholds, dict) else type(thresholds).__name__
        raise CRMDataError(
            f"{caller}: thresholds must be a dict with the keys 'recency', 'frequency' and "
            f"'monetary', each a list of increasing cut-offs; got {got}. Example: "
            f"thresholds={{'recency': [30, 90, 180, 365], 'frequency': [2, 3, 5, 10], "
            f"'monetary': [500, 1000, 2000, 5000]}}."
        )
    out = {}
    for dim in _DIMS:
        cuts = np.asarray(thresholds[dim], dtype=float)
        if cuts.ndim != 1 or not 1 <= len(cuts) <= 8 or np.any(np.diff(cuts) <= 0):
            raise CRMDataError(
                f"{caller}: thresholds[{dim!r}] must be 1 to 8 strictly increasing "
                f"cut-offs, got {list(thresholds[dim])}."
            )
        out[dim] = cuts
    return out


def rfm_scores(
    table: pd.DataFrame,
    *,
    bins: int = 5,
    ties: str = "rank-first",
    method: str | None = None,
    thresholds: dict | None = None,
    recency: str = "recency",
    frequency: str = "frequency",
    monetary: str = "monetary",
) -> pd.DataFrame:
    """Score recency, frequency and monetary value into 1..bins (higher = better).

    Parameters
    ----------
    table : DataFrame
        One row per customer (the index is the customer id), as made by
        :func:`rfm_table`. It is not modified.
    bins : int, default 5
        Number of scores with ``method="quantile"`` (2 to 9; 5 = quintiles).
        Not used by the other methods.
    ties : {"rank-first", "value"}, default "rank-first"
        How ``method="quantile"`` treats equal values, see Notes.
    method : {"quantile", "mean", "thresholds"}, optional
        ``"quantile"`` (the default, equal-count bins), ``"mean"`` (split each
        column at its mean into scores 1 and 2, as in the textbook's eight segments)
        or ``"thresholds"`` (fixed cut-offs). Default: ``"thresholds"`` when
        ``thresholds`` is given, else ``"quantile"``.
    thresholds : dict, optional
        Fixed cut-offs ``{"recency": [...], "frequency": [...], "monetary": [...]}``,
        each 1 to 8 increasing numbers in the column's units; k cut-offs give scores
        1..k+1. A value equal to a cut-off gets the better score (recency 30 with
        cut-off 30 counts as "within 30 days").
    recency, frequency, monetary : str
        Column names, defaults ``"recency"``, ``"frequency"``, ``"monetary"``.

    Returns
    -------
    DataFrame
        A copy of ``table`` plus ``r_score``, ``f_score``, ``m_score`` (int; the most
        recent, most frequent, biggest spenders get the highest score), ``rfm_sum``
        (their sum) and ``rfm_code`` (str, e.g. ``"545"``). ``attrs`` adds
        ``method``, ``ties``, ``bins`` (levels per score), ``cutoffs`` (the cut-offs
        used, in the column's units; not for rank-first), ``collapsed`` (score ->
        number of distinct scores actually used, only for scores that use fewer than
        their levels) and ``notes`` (why).

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing or not numeric, or ``bins``,
        ``ties``, ``method`` or ``thresholds`` is not valid.

    See Also
    --------
    rfm_table : build the input table.
    rfm_segments : name segments from the scores.

    Notes
    -----
    Each column is turned into a "goodness" (``-recency``, ``frequency``,
    ``monetary``), so higher is always better.

    ``ties="rank-first"`` sorts customers by goodness, equal values by customer id
    (the index, ascending: the smaller id gets the lower score), so the result never
    depends on row order. The customer at position p (0 = worst) of n gets score
    ``1 + floor((p + 1/2) * bins / n)``: equal-count bins (every score has
    n/bins customers, give or take one; a single customer gets the middle score).
    When n is a multiple of ``bins`` this is exactly
    ``pd.qcut(goodness.rank(method="first"), bins, labels=False) + 1``. Equal values
    can get different scores.

    ``ties="value"`` keeps equal values together: the cut-offs are the
    ``bins - 1`` inner quantiles of the goodness (numpy's linear rule) and a
    customer's score is 1 + the number of cut-offs strictly below their goodness --
    the bins of ``pd.qcut`` (right-closed). When many customers share a value (half
    of them bought once), cut-offs coincide, the bins in between are empty, and
    fewer scores are used; the scores are not renumbered, so 5 still means the top
    fifth. ``attrs["collapsed"]`` reports it.

    ``method="mean"``: r_score 2 if recency <= mean recency, f_score 2 if frequency
    >= mean, m_score 2 if monetary >= mean, else 1.

    Examples
    --------
    >>> t = pd.DataFrame({"recency": [5, 40, 10, 300, 10],
    ...                   "frequency": [8, 1, 1, 1, 3],
    ...                   "monetary": [900.0, 50.0, 120.0, 30.0, 400.0]},
    ...                  index=pd.Index(["a", "b", "c", "d", "e"], name="customer_id"))
    >>> rfm_scores(t)[["r_score", "f_score", "m_score", "rfm_code"]]
                 r_score  f_score  m_score rfm_code
    customer_id
    a                  5        5        5      555
    b                  2        1        2      212
    c                  3        2        3      323
    d                  1        3        1      131
    e                  4        4        4      444
    >>> by_value = rfm_scores(t, ties="value")
    >>> by_value["f_score"].tolist(), by_value.attrs["collapsed"]
    ([5, 1, 1, 1, 4], {'r_score': 4, 'f_score': 3})
    >>> rfm_scores(t, method="mean")["rfm_code"].tolist()
    ['222', '211', '211', '111', '222']
    """
    caller = "rfm_scores"
    if method is None:
        method = "thresholds" if thresholds is not None else "quantile"
    if method not in ("quantile", "mean", "thresholds"):
        raise CRMDataError(
            f"{caller}: method must be 'quantile', 'mean' or 'thresholds', got {method!r}."
        )
    if method == "quantile":
        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not 2 <= bins <= 9:
            raise CRMDataError(f"{caller}: bins must be a whole number from 2 to 9, got {bins!r}.")
        if ties not in ("rank-first", "value"):
            raise CRMDataError(
                f"{caller}: ties must be 'rank-first' or 'value', got {ties!r}."
            )
    if method == "thresholds":
        if thresholds is None:
            raise CRMDataError(f"{caller}: method='thresholds' needs thresholds={{...}}.")
        cut_map = _check_thresholds(thresholds, caller)
    elif thresholds is not None:
        raise CRMDataError(
            f"{caller}: thresholds are only used with method='thresholds', not {method!r}."
        )
    cols = {"recency": recency, "frequency": frequency, "monetary": monetary}
    data = require(table, {c: "number" for c in cols.values()}, caller=caller,
                   params={recency: "recency", frequency: "frequency", monetary: "monetary"})
    out = table.copy()
    n = len(out)
    levels: dict[str, int] = {}
    cutoffs: dict[str, list] = {}
    means: dict[str, float] = {}
    for dim, col in cols.items():
        values = data[col].to_numpy(dtype=float)
        sign = -1.0 if dim == "recency" else 1.0
        goodness = sign * values
        name = _SCORES[dim]
        if method == "quantile":
            levels[name] = int(bins)
            if ties == "rank-first":
                score = _rank_first(goodness, out.index, int(bins))
            else:
                score, cuts = _value_bins(goodness, int(bins))
                cutoffs[dim] = sorted(round(float(c), 6) for c in sign * cuts)
        elif method == "mean":
            levels[name] = 2
            means[dim] = float(values.mean())
            score = _threshold_bins(goodness, np.array([sign * values.mean()]))
        else:
            cuts = cut_map[dim]
            levels[name] = len(cuts) + 1
            good_cuts = np.sort(sign * cuts)
            score = _threshold_bins(goodness, good_cuts)
            cutoffs[dim] = [float(c) for c in cuts]
        out[name] = score
    out["rfm_sum"] = out["r_score"] + out["f_score"] + out["m_score"]
    out["rfm_code"] = (out["r_score"].astype(str) + out["f_score"].astype(str)
                       + out["m_score"].astype(str))

    collapsed: dict[str, int] = {}
    notes: list[str] = []
    for dim, col in cols.items():
        name = _SCORES[dim]
        used = int(out[name].nunique())
        if used < levels[name]:
            collapsed[name] = used
            if n < levels[name] and method == "quantile" and ties == "rank-first":
                notes.append(f"{name} uses {used} of {levels[name]} scores: only {n} customers.")
            else:
                top = data[col].value_counts()
                notes.append(
                    f"{name} uses {used} of {levels[name]} scores: equal {col} values share "
                    f"a score, and {top.iloc[0] / n:.0%} of customers have {col} "
                    f"{_fmt(top.index[0])}."
                )
    attrs = dict(table.attrs)
    attrs.update({"method": method, "ties": ties if method == "quantile" else None,
                  "bins": levels, "cutoffs": cutoffs, "collapsed": collapsed, "notes": notes})
    if means:
        attrs["means"] = means
    out.attrs = attrs
    return out


def _fmt(x) -> str:
    x = float(x)
    return f"{x:g}" if x == round(x) else f"{x:.2f}"


# --------------------------------------------------------------------------- segments

#: The widely used 10-segment map over the R x F score grid (scores 1-5), as regular
#: expressions on the two-digit "RF" string. Every one of the 25 cells matches exactly one.
RF10_PATTERNS: dict[str, str] = {
    r"[1-2][1-2]": "Hibernating",
    r"[1-2][3-4]": "At Risk",
    r"[1-2]5": "Can't Lose Them",
    r"3[1-2]": "About to Sleep",
    r"33": "Need Attention",
    r"[3-4][4-5]": "Loyal Customers",
    r"41": "Promising",
    r"51": "New Customers",
    r"[4-5][2-3]": "Potential Loyalists",
    r"5[4-5]": "Champions",
}

_RF10_ORDER = ["Champions", "Loyal Customers", "Potential Loyalists", "New Customers",
               "Promising", "Need Attention", "About to Sleep", "At Risk",
               "Can't Lose Them", "Hibernating"]
_RF10_ZH = {"Champions": "冠军客户", "Loyal Customers": "忠诚客户",
            "Potential Loyalists": "潜在忠诚客户", "New Customers": "新客户",
            "Promising": "有潜力客户", "Need Attention": "需要关注客户",
            "About to Sleep": "即将沉睡客户", "At Risk": "流失风险客户",
            "Can't Lose Them": "不能失去的客户", "Hibernating": "沉睡客户"}

#: The textbook's eight value segments: (recent, high F, high M) -> (Chinese, English).
CN8_SEGMENTS: dict[tuple[bool, bool, bool], tuple[str, str]] = {
    (True, True, True): ("重要价值", "important value"),
    (False, True, True): ("重要保持", "important retention"),
    (True, False, True): ("重要发展", "important development"),
    (False, False, True): ("重要挽留", "important win-back"),
    (True, True, False): ("一般价值", "general value"),
    (False, True, False): ("一般保持", "general retention"),
    (True, False, False): ("一般发展", "general development"),
    (False, False, False): ("一般挽留", "general win-back"),
}


def _guide() -> pd.DataFrame:
    rf10 = [
        ("Champions", "R 5, F 4-5", "bought very recently and buy often",
         "reward them; early access to new products; ask for reviews and referrals"),
        ("Loyal Customers", "R 3-4, F 4-5", "buy often and fairly recently",
         "upsell higher-value products; loyalty programme; ask for feedback"),
        ("Potential Loyalists", "R 4-5, F 2-3", "recent customers with a few orders",
         "offer membership; recommend related products to build the habit"),
        ("New Customers", "R 5, F 1", "first purchase very recently",
         "onboarding; make the second purchase easy"),
        ("Promising", "R 4, F 1", "recent one-time buyers",
         "small incentives to come back; build awareness"),
        ("Need Attention", "R 3, F 3", "middling recency and frequency",
         "limited-time offers based on past purchases before they slip"),
        ("About to Sleep", "R 3, F 1-2", "few orders, fading",
         "reconnect with popular products and discounts"),
        ("At Risk", "R 1-2, F 3-4", "used to buy often, but not for a long time",
         "personalised win-back contact; find out what went wrong"),
        ("Can't Lose Them", "R 1-2, F 5", "made the most orders, but long ago",
         "win them back personally before a competitor does"),
        ("Hibernating", "R 1-2, F 1-2", "few orders, long ago",
         "low-cost reactivation at most; spend no retention budget"),
    ]
    cn8 = [
        ("R recent, F high, M high", "recent, frequent, big spenders: the core",
         "keep them: VIP service and personal care"),
        ("R not recent, F high, M high", "frequent big spenders who have not bought lately",
         "contact them proactively to keep them (回访)"),
        ("R recent, F low, M high", "recent big spenders with few orders",
         "raise their frequency: membership, cross-selling"),
        ("R not recent, F low, M high", "big spenders slipping away",
         "find out why and win them back"),
        ("R recent, F high, M low", "frequent small baskets",
         "raise the basket (bundles, upselling); check the cost to serve"),
        ("R not recent, F high, M low", "used to buy often, small baskets",
         "low-cost reminders"),
        ("R recent, F low, M low", "new or occasional small buyers",
         "low-cost promotions to develop them"),
        ("R not recent, F low, M low", "low value and lapsing",
         "automated reactivation at most"),
    ]
    rows = [{"scheme": "rf10", "segment": en, "segment_zh": _RF10_ZH[en], "rule": rule,
             "description": desc, "action": act} for en, rule, desc, act in rf10]
    for (zh, en), (rule, desc, act) in zip(CN8_SEGMENTS.values(), cn8, strict=True):
        rows.append({"scheme": "cn8", "segment": en, "segment_zh": zh, "rule": rule,
                     "description": desc, "action": act})
    return pd.DataFrame(rows)


#: Segment descriptions and recommended actions for both schemes (one row per segment:
#: scheme, segment (English), segment_zh, rule, description, action). Copy before editing.
SEGMENT_GUIDE: pd.DataFrame = _guide()


def _rf10_name(code: str) -> str:
    for pattern, name in RF10_PATTERNS.items():
        if re.fullmatch(pattern, code):
            return name
    raise AssertionError(code)  # pragma: no cover  (the map is a complete partition)


def rfm_segments(
    scored_or_table: pd.DataFrame,
    *,
    scheme: str = "rf10",
    language: str = "en",
    recency: str = "recency",
    frequency: str = "frequency",
    monetary: str = "monetary",
) -> pd.DataFrame:
    """Name a segment for every customer from RFM scores or the raw R/F/M table.

    Parameters
    ----------
    scored_or_table : DataFrame
        The output of :func:`rfm_scores` (for ``"rf10"``) or of :func:`rfm_table`
        (``"cn8"`` needs only the raw columns; ``"rf10"`` scores an unscored table
        first with ``rfm_scores(table)``, quintiles, rank-first). Not modified.
    scheme : {"rf10", "cn8"}, default "rf10"
        ``"rf10"``: the ten named segments over the 5 x 5 grid of R and F scores
        (:data:`RF10_PATTERNS`; needs scores 1-5). ``"cn8"``: the textbook's eight
        value segments from splitting R, F and M at their means
        (:data:`CN8_SEGMENTS`).
    language : {"en", "zh"}, default "en"
        Segment names in English or Chinese (``"zh"``: 冠军客户 ... for rf10,
        重要价值 ... for cn8).
    recency, frequency, monetary : str
        Column names used by ``"cn8"``.

    Returns
    -------
    DataFrame
        A copy with a categorical ``segment`` column (categories in a fixed order,
        best first). For ``"cn8"``, ``attrs["means"]`` holds the three means used.

    Raises
    ------
    CRMDataError
        If the scheme or language is unknown, a column is missing, or the scores for
        ``"rf10"`` are not on a 1-5 scale.

    See Also
    --------
    SEGMENT_GUIDE : what each segment means and what to do.

    Notes
    -----
    ``"cn8"``: recent means recency <= mean recency; high F means frequency >= mean
    frequency; high M means monetary >= mean monetary. Means are pulled up by a few
    heavy buyers, so most customers are "low" F and M.

    Examples
    --------
    >>> t = pd.DataFrame({"recency": [5, 40, 10, 300, 10],
    ...                   "frequency": [8, 1, 1, 1, 3],
    ...                   "monetary": [900.0, 50.0, 120.0, 30.0, 400.0]},
    ...                  index=pd.Index(["a", "b", "c", "d", "e"], name="customer_id"))
    >>> rfm_segments(rfm_scores(t))["segment"].tolist()
    ['Champions', 'Hibernating', 'About to Sleep', 'At Risk', 'Loyal Customers']
    >>> rfm_segments(t, scheme="cn8", language="zh")["segment"].tolist()
    ['重要价值', '一般发展', '一般发展', '一般挽留', '重要价值']
    """
    caller = "rfm_segments"
    if scheme not in ("rf10", "cn8"):
        raise CRMDataError(f"{caller}: scheme must be 'rf10' or 'cn8', got {scheme!r}.")
    if language not in ("en", "zh"):
        raise CRMDataError(f"{caller}: language must be 'en' or 'zh', got {language!r}.")
    if scheme == "rf10":
        frame = scored_or_table
        if isinstance(frame, pd.DataFrame) and not {"r_score", "f_score"} <= set(frame.columns):
            frame = rfm_scores(frame, recency=recency, frequency=frequency, monetary=monetary)
        scores = require(frame, {"r_score": "number", "f_score": "number"}, caller=caller)
        bins = frame.attrs.get("bins", {})
        wrong = {k: v for k, v in bins.items() if k in ("r_score", "f_score") and v != 5}
        outside = ~(scores.isin([1, 2, 3, 4, 5]).all(axis=1))
        if wrong or outside.any():
            detail = (f"the scores have {wrong} levels" if wrong else
                      f"{int(outside.sum())} customers have scores outside 1-5 in "
                      f"{show_rows(scores.index[outside])}")
            raise CRMDataError(
                f"{caller}: scheme='rf10' needs R and F scores on a 1-5 scale, but {detail}. "
                f"Score with rfm_scores(table, bins=5) (quantiles) or use scheme='cn8'."
            )
        code = scores["r_score"].astype(int).astype(str) + scores["f_score"].astype(int).astype(str)
        lookup = {f"{r}{f}": _rf10_name(f"{r}{f}") for r in range(1, 6) for f in range(1, 6)}
        names = code.map(lookup)
        order = _RF10_ORDER
        if language == "zh":
            names = names.map(_RF10_ZH)
            order = [_RF10_ZH[s] for s in _RF10_ORDER]
        out = frame.copy()
        out["segment"] = pd.Categorical(names, categories=order)
        return out

    data = require(scored_or_table, {recency: "number", frequency: "number",
                                     monetary: "number"}, caller=caller,
                   params={recency: "recency", frequency: "frequency", monetary: "monetary"})
    means = {dim: float(data[col].mean()) for dim, col in
             (("recency", recency), ("frequency", frequency), ("monetary", monetary))}
    recent = data[recency] <= means["recency"]
    high_f = data[frequency] >= means["frequency"]
    high_m = data[monetary] >= means["monetary"]
    pick = 0 if language == "zh" else 1
    lookup = {key: names[pick] for key, names in CN8_SEGMENTS.items()}
    keys = list(zip(recent, high_f, high_m, strict=True))
    out = scored_or_table.copy()
    out["segment"] = pd.Categorical([lookup[k] for k in keys],
                                    categories=list(lookup.values()))
    out.attrs = {**scored_or_table.attrs, "means": means}
    return out


def segment_summary(
    segmented: pd.DataFrame,
    *,
    segment: str = "segment",
    value: str = "monetary",
    recency: str = "recency",
    frequency: str = "frequency",
) -> pd.DataFrame:
    """Summarise customers and value per segment.

    Parameters
    ----------
    segmented : DataFrame
        One row per customer with a segment column (e.g. from :func:`rfm_segments`).
    segment : str, default "segment"
        Segment column; a categorical keeps its category order (empty segments
        included, with zeros).
    value : str, default "monetary"
        Value column summed per segment (revenue, profit, ...).
    recency, frequency : str
        Columns averaged per segment.

    Returns
    -------
    DataFrame
        Indexed by segment: ``customers``, ``customer_share``, ``value`` (sum),
        ``value_share`` (of the total value), ``mean_recency``, ``mean_frequency``,
        ``mean_value``. Shares are fractions and each sums to 1.

    Raises
    ------
    CRMDataError
        If a column is missing, the table is empty, or the total value is 0.

    Examples
    --------
    >>> seg = pd.DataFrame({"segment": ["x", "y", "x"], "recency": [1, 9, 3],
    ...                     "frequency": [5, 1, 3], "monetary": [300.0, 100.0, 100.0]})
    >>> segment_summary(seg)[["customers", "customer_share", "value", "value_share"]]
             customers  customer_share  value  value_share
    segment
    x                2        0.666667  400.0          0.8
    y                1        0.333333  100.0          0.2
    """
    caller = "segment_summary"
    data = require(segmented, {segment: "any", value: "number", recency: "number",
                               frequency: "number"}, caller=caller,
                   params={segment: "segment", value: "value", recency: "recency",
                           frequency: "frequency"})
    total = data[value].sum()
    if total == 0:
        raise CRMDataError(f"{caller}: the total of {value!r} is 0, so shares are undefined.")
    groups = data.groupby(segment, observed=False, sort=True)
    out = pd.DataFrame({
        "customers": groups.size(),
        "value": groups[value].sum(),
        "mean_recency": groups[recency].mean(),
        "mean_frequency": groups[frequency].mean(),
        "mean_value": groups[value].mean(),
    })
    out.insert(1, "customer_share", out["customers"] / len(data))
    out.insert(3, "value_share", out["value"] / total)
    out.index.name = segment
    return out


def rf_grid(
    scored: pd.DataFrame,
    *,
    value: str | None = "monetary",
    agg: str = "mean",
    r: str = "r_score",
    f: str = "f_score",
) -> pd.DataFrame:
    """Tabulate a value over the R score x F score grid.

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`rfm_scores`.
    value : str or None, default "monetary"
        Column to aggregate per cell; ``None`` counts customers.
    agg : str, default "mean"
        A pandas aggregation name (``"mean"``, ``"sum"``, ``"median"``, ...).
    r, f : str
        Score columns, defaults ``"r_score"`` and ``"f_score"``.

    Returns
    -------
    DataFrame
        Rows = R scores from high to low (most recent on top), columns = F scores
        from low to high; every level from 1 to the number of bins appears. Empty
        cells are NaN (0 when counting).

    Raises
    ------
    CRMDataError
        If a column is missing or the table is empty.

    Examples
    --------
    >>> s = pd.DataFrame({"r_score": [1, 2, 2], "f_score": [1, 2, 2],
    ...                   "monetary": [10.0, 20.0, 40.0]})
    >>> rf_grid(s)
    f_score     1     2
    r_score
    2         NaN  30.0
    1        10.0   NaN
    >>> rf_grid(s, value=None)
    f_score  1  2
    r_score
    2        0  2
    1        1  0
    """
    columns = {r: "number", f: "number"}
    if value is not None:
        columns[value] = "number"
    data = require(scored, columns, caller="rf_grid", params={r: "r", f: "f"})
    bins = scored.attrs.get("bins", {})
    n_r = int(bins.get(r, data[r].max()))
    n_f = int(bins.get(f, data[f].max()))
    if value is None:
        grid = data.groupby([r, f]).size().unstack(f, fill_value=0)
        fill = 0
    else:
        grid = data.groupby([r, f])[value].agg(agg).unstack(f)
        fill = np.nan
    grid = grid.reindex(index=range(n_r, 0, -1), columns=range(1, n_f + 1), fill_value=fill)
    if value is None:
        grid = grid.astype("int64")
    grid.index.name, grid.columns.name = r, f
    return grid


# --------------------------------------------------------------------------- purchase cycle

_STATUS = ["due soon", "overdue", "not due yet", "lapsed", "not enough history"]


def purchase_cycle(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str | None = "amount",
    analysis_date: DateLike | None = None,
    min_orders: int = 3,
    due_window: int = 7,
    lapsed_after: float = 3.0,
    future: str = "error",
) -> pd.DataFrame:
    """Estimate each customer's purchase cycle and when the next purchase is due.

    Wang Yongqing (王永庆卖米) noted how fast each household used up its rice and
    delivered a new bag just before it ran out; this is the same idea on a
    transaction log.

    Parameters
    ----------
    transactions : DataFrame
        Transaction log; not modified.
    customer : str, default "customer_id"
        Customer id column (the index of the result).
    date : str, default "order_date"
        Date column (datetime64); times of day are ignored.
    amount : str or None, default "amount"
        Amount column: rows with a negative amount (returns) are not purchases and
        are left out (counted in ``attrs["dropped"]["returns"]``). ``None``: every
        row is a purchase.
    analysis_date : date-like, optional
        "Today". Default: the day after the last date in the data.
    min_orders : int, default 3
        Fewest distinct purchase dates needed to estimate a cycle (3 dates = 2
        intervals); customers with fewer get status ``"not enough history"``.
    due_window : int, default 7
        A customer is ``"due soon"`` when the expected next purchase falls within
        ``due_window`` days from the analysis date (0 to ``due_window - 1`` days).
    lapsed_after : float, default 3.0
        A customer whose last purchase is more than ``lapsed_after`` median intervals
        ago is ``"lapsed"`` (probably gone), not merely overdue.
    future : {"error", "drop"}, default "error"
        Rows dated after ``analysis_date``: raise an error showing them, or drop and
        count them. ``"raise"``, the old name of ``"error"``, still works for one
        release with a ``FutureWarning``.

    Returns
    -------
    DataFrame
        Indexed by customer: ``purchase_dates`` (distinct days with a purchase),
        ``first_purchase``, ``last_purchase``, ``mean_interval`` and
        ``median_interval`` (days between consecutive purchase dates; NaN with one
        date), ``next_expected`` (last purchase + median interval, rounded half up
        to whole days), ``days_since_last``, ``days_until_due`` (next_expected -
        analysis date; negative = overdue; Int64, missing without a cycle) and
        ``status`` (categorical: due soon, overdue, not due yet, lapsed, not enough
        history). ``attrs``: ``analysis_date``, ``dropped``.

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing or of the wrong type, rows are
        dated after ``analysis_date`` (with ``future="error"``), or no purchase is
        left.

    Notes
    -----
    Purchases on the same day are merged into one purchase date, so a cycle is
    never 0 days. The status checks run in order: not enough history, lapsed
    (``days_since_last > lapsed_after * median_interval``), overdue
    (``days_until_due < 0``), due soon (``days_until_due < due_window``), not due yet.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "a", "b", "b", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-21",
    ...                                   "2024-01-21", "2024-01-01", "2024-01-08",
    ...                                   "2024-01-20"]),
    ...     "amount": [50.0, 60.0, 55.0, 5.0, 20.0, 30.0, 40.0]})
    >>> cycle = purchase_cycle(tx, min_orders=2, analysis_date="2024-01-25")
    >>> cycle[["median_interval", "days_until_due", "status"]]
                 median_interval  days_until_due              status
    customer_id
    a                       10.0               6            due soon
    b                        7.0             -10             overdue
    c                        NaN            <NA>  not enough history
    >>> cycle.loc["a", "next_expected"]
    Timestamp('2024-01-31 00:00:00')
    """
    caller = "purchase_cycle"
    future = check_future(future, ("error", "drop"), caller=caller)
    if isinstance(min_orders, bool) or not isinstance(min_orders, (int, np.integer)) \
            or min_orders < 2:
        raise CRMDataError(f"{caller}: min_orders must be a whole number >= 2, got {min_orders!r}.")
    if not due_window > 0 or not lapsed_after > 0:
        raise CRMDataError(f"{caller}: due_window and lapsed_after must be positive.")
    columns = {customer: "id", date: "datetime"}
    params = {customer: "customer", date: "date"}
    if amount is not None:
        columns[amount] = "number"
        params[amount] = "amount"
    df = require(transactions, columns, caller=caller, params=params)
    df[date] = df[date].dt.normalize()
    when = analysis_date_of(df[date], analysis_date, caller=caller)
    dropped: dict[str, int] = {}
    df = drop_future_rows(df, df[date], when, date, future, caller, dropped)
    if amount is not None:
        is_return = df[amount] < 0
        if is_return.any():
            dropped["returns"] = int(is_return.sum())
            df = df.loc[~is_return]
    if df.empty:
        raise CRMDataError(f"{caller}: no purchases left on or before {when:%Y-%m-%d}.")
    days = df[[customer, date]].drop_duplicates().sort_values([customer, date])
    gap = days.groupby(customer, sort=True)[date].diff().dt.days
    groups = days.assign(gap=gap).groupby(customer, sort=True)
    out = pd.DataFrame({
        "purchase_dates": groups.size().astype("int64"),
        "first_purchase": groups[date].min(),
        "last_purchase": groups[date].max(),
        "mean_interval": groups["gap"].mean(),
        "median_interval": groups["gap"].median(),
    })
    step = np.floor(out["median_interval"] + 0.5)
    out["next_expected"] = out["last_purchase"] + pd.to_timedelta(step, unit="D")
    out["days_since_last"] = (when - out["last_purchase"]).dt.days.astype("int64")
    out["days_until_due"] = (out["next_expected"] - when).dt.days.astype("Int64")
    short = out["purchase_dates"] < min_orders
    for col in ("next_expected", "days_until_due"):
        out[col] = out[col].mask(short)
    status = np.select(
        [short,
         out["days_since_last"] > lapsed_after * out["median_interval"],
         out["days_until_due"].fillna(0).to_numpy() < 0,
         out["days_until_due"].fillna(0).to_numpy() < due_window],
        ["not enough history", "lapsed", "overdue", "due soon"],
        default="not due yet",
    )
    out["status"] = pd.Categorical(status, categories=_STATUS)
    out.index.name = customer
    out.attrs = {"analysis_date": when, "dropped": dropped}
    return out


# --------------------------------------------------------------------------- profit


def customer_profit(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    order: str | None = None,
    revenue: str = "amount",
    gross_profit: str = "gross_profit",
    cost: str = "cost_to_serve",
) -> pd.DataFrame:
    """Add up revenue, gross profit and cost to serve per customer.

    Manager Zhang (张经理的困惑) saw his busiest customers order all the time and
    still lose money: many small orders each cost a delivery. Profit = gross profit
    - cost to serve, per customer.

    Parameters
    ----------
    transactions : DataFrame
        Transaction log with revenue, gross profit and cost-to-serve columns; not
        modified.
    customer : str, default "customer_id"
        Customer id column (the index of the result).
    order : str, optional
        Order id column; when given, ``orders`` counts distinct ids, else rows.
    revenue : str, default "amount"
        Revenue per row (negative = a return).
    gross_profit : str, default "gross_profit"
        Gross profit per row (negative for returns).
    cost : str, default "cost_to_serve"
        Handling / delivery cost per row (>= 0).

    Returns
    -------
    DataFrame
        Indexed by customer: ``orders`` (orders placed plus returns, since a return
        costs handling too), ``returns`` (rows with negative revenue), ``revenue``,
        ``gross_profit``, ``cost_to_serve``, ``profit`` (gross profit - cost to
        serve), ``profit_per_order`` and ``margin`` (profit / revenue; NaN when
        revenue <= 0). Money is rounded to cents.

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing or not numeric, or a cost is
        negative.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "amount": [40.0, 30.0, 35.0, 900.0],
    ...                    "gross_profit": [8.0, 6.0, 7.0, 90.0],
    ...                    "cost_to_serve": [26.0, 26.0, 26.0, 12.0]})
    >>> customer_profit(tx)[["orders", "revenue", "profit", "profit_per_order"]]
                 orders  revenue  profit  profit_per_order
    customer_id
    a                 3    105.0   -57.0             -19.0
    b                 1    900.0    78.0              78.0
    """
    caller = "customer_profit"
    params = {customer: "customer", revenue: "revenue", gross_profit: "gross_profit",
              cost: "cost", order: "order"}
    base = customer_table(transactions, customer=customer, date=None, amount=revenue,
                          order=order, gross_profit=gross_profit, cost=cost, caller=caller,
                          params=params)
    return profit_from_customers(base)


def profit_from_customers(base: pd.DataFrame) -> pd.DataFrame:
    """Finish :func:`customer_profit` from a per-customer table with profit columns.

    Parameters
    ----------
    base : DataFrame
        From :func:`crmlab.customers.customer_table` with ``amount`` (the revenue),
        ``gross_profit`` and ``cost``.

    Returns
    -------
    DataFrame
        As :func:`customer_profit`.

    Examples
    --------
    >>> from crmlab.customers import customer_table
    >>> tx = pd.DataFrame({"customer_id": ["a", "a"], "amount": [40.0, -10.0],
    ...                    "gross_profit": [8.0, -2.0], "cost_to_serve": [3.0, 3.0]})
    >>> base = customer_table(tx, date=None, gross_profit="gross_profit", cost="cost_to_serve")
    >>> profit_from_customers(base)[["orders", "returns", "revenue", "profit"]]
                 orders  returns  revenue  profit
    customer_id
    a                 2        1     30.0     0.0
    """
    out = pd.DataFrame({
        # a return is handled like an order, so both count (张经理's point)
        "orders": (base["orders"] + base["returns"]).astype("int64"),
        "returns": base["return_rows"].astype("int64"),
        "revenue": base["spend"].round(2),
        "gross_profit": base["gross_profit"].round(2),
        "cost_to_serve": base["cost"].round(2),
    })
    out["profit"] = (out["gross_profit"] - out["cost_to_serve"]).round(2)
    out["profit_per_order"] = (out["profit"] / out["orders"]).round(2)
    out["margin"] = (out["profit"] / out["revenue"]).where(out["revenue"] > 0)
    return out

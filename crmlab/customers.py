"""One per-customer table (客户汇总表), built once per input on any engine.

Every per-customer view in crmlab starts here: the RFM table, the pyramid's values, the
segmentation features, the profit table of 张经理's customers, the buy-till-you-die
summary and the analyst report each *select and rename* columns of
:func:`customer_table` instead of grouping the transaction log themselves. The log is
validated once (:func:`crmlab.validation.require`, or the SQL engines' type checks) and
aggregated once per window.

One definition of the words:

* a **purchase** is a row with ``amount >= 0`` (a zero-amount order is still an order);
  a **return** is a row with ``amount < 0``; without an amount every row is a purchase;
* an **order** is a distinct ``order`` id among the purchase rows, or a purchase row
  when no ``order`` column is given; a **return** (as a count) is a distinct ``order``
  id among the return rows, or a return row;
* the **window** ends with the last day ``end`` (or the whole week that contains it,
  with ``period="W"``); rows dated after it are *late*: ``future="error"`` stops with
  them shown, ``future="drop"`` leaves them out and counts them.

The aggregation itself is :func:`crmlab.engines.aggregate` (one SQL text for DuckDB and
Spark, its pandas twin for DataFrames); this module only checks, finishes and names.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmlab import engines
from crmlab._errors import CRMDataError
from crmlab.dates import check_future, to_date
from crmlab.validation import check_columns, check_option, require, show_rows, source_labels

if TYPE_CHECKING:
    from crmlab._typing import DateLike, Source

__all__ = ["MONEY_COLUMNS", "customer_table", "day_number", "from_day_number"]

_DAY0 = pd.Timestamp("1970-01-01")

#: Columns of :func:`customer_table` that hold money (rounded to cents by the topics).
MONEY_COLUMNS = ("spend", "gross", "returned", "gross_profit", "cost", "profit")


def day_number(when: pd.Timestamp) -> int:
    """Days from 1970-01-01 to ``when`` (its day).

    Examples
    --------
    >>> day_number(pd.Timestamp("1970-01-05 13:00"))
    4
    """
    return int((when.normalize() - _DAY0) // pd.Timedelta(days=1))


def from_day_number(day: int) -> pd.Timestamp:
    """The date ``day`` days after 1970-01-01.

    Examples
    --------
    >>> from_day_number(4)
    Timestamp('1970-01-05 00:00:00')
    """
    return _DAY0 + pd.Timedelta(days=int(day))


def _show(values, n: int = 5) -> str:
    values = list(values)
    more = f", ... ({len(values)} in all)" if len(values) > n else ""
    return ", ".join(map(str, values[:n])) + more


def _check_nulls(raw: pd.DataFrame, roles: dict, caller: str) -> None:
    """SQL engines: raise on missing ids (a NULL group) or values (count < rows)."""
    missing_ids = raw["c"].isna()
    if missing_ids.any():
        rows = int(raw.loc[missing_ids, "n_rows"].sum())
        raise CRMDataError(
            f"{caller}: column {roles['customer']!r} has {rows} missing ids. Drop those rows "
            f"or fill the ids; crmlab.read_transactions drops them and reports how many."
        )
    for count, role in (("n_dates", "date"), ("n_amounts", "amount"), ("n_orders", "order"),
                        ("n_gross_profit", "gross_profit"), ("n_cost", "cost")):
        if count not in raw.columns:
            continue
        short = raw["n_rows"] - raw[count]
        if short.any():
            raise CRMDataError(
                f"{caller}: column {roles[role]!r} has {int(short.sum())} missing values, for "
                f"customers {_show(raw.loc[short > 0, 'c'])}. Fill them or drop those rows."
            )


def _late_error(caller: str, late: int, total: int, end: pd.Timestamp, date: str,
                shown: str) -> CRMDataError:
    return CRMDataError(
        f"{caller}: {late} of {total} rows in column {date!r} are dated after the analysis "
        f"date {end:%Y-%m-%d}: {shown}. Pass a later analysis_date, filter those rows out, or "
        f"pass future='drop' to leave them out and count them in result.attrs['dropped']."
    )


def _negative_cost(caller: str, cost: str, n, shown: str) -> CRMDataError:
    return CRMDataError(
        f"{caller}: column {cost!r} has {n} negative costs in {shown}. A cost to serve is "
        f">= 0; fix the sign or pass the right column with cost=..."
    )


def customer_table(
    transactions: Source,
    *,
    customer: str = "customer_id",
    date: str | None = "order_date",
    amount: str | None = "amount",
    order: str | None = None,
    gross_profit: str | None = None,
    cost: str | None = None,
    channel: str | None = None,
    category: str | None = None,
    online: Sequence[str] = ("online", "app"),
    end: DateLike | None = None,
    period: str = "D",
    periods: bool = False,
    future: str = "drop",
    engine: str | None = None,
    validated: bool = False,
    caller: str = "customer_table",
    params: dict | None = None,
    needs: Collection[str] | None = None,
) -> pd.DataFrame:
    """Aggregate a transaction log to one row per customer, on any engine.

    Parameters
    ----------
    transactions : DataFrame, str, Path or PySpark DataFrame
        The log: in memory, a CSV/Parquet file (or a folder of Parquet files) or a
        Spark DataFrame. It is not modified.
    customer : str, default "customer_id"
        Customer id column; the index of the result (sorted).
    date : str or None, default "order_date"
        Date column (datetime64); None: no dates, no window.
    amount : str or None, default "amount"
        Signed amount column (negative = a return); None: every row is a purchase.
    order : str, optional
        Order id column (see the module's definition of an order).
    gross_profit, cost : str, optional
        Gross profit and cost columns, summed over the window.
    channel : str, optional
        Channel column; gives ``online_orders`` (orders in an ``online`` channel).
    category : str, optional
        Product category column; gives ``categories`` (distinct, among purchases).
    online : sequence of str, default ("online", "app")
        Channel values that count as online.
    end : date-like, optional
        Last day of the window. Default: the last date in the data (every row).
    period : {"D", "W"}, default "D"
        Unit of the window and of the purchase periods: with ``"W"`` the window ends
        with the whole Monday-to-Sunday week of ``end``.
    periods : bool, default False
        Also count the purchase periods (needs ``date``): ``purchase_periods``,
        ``first_period``, ``last_period`` and, with ``amount``, ``repeat_mean`` (the
        mean spend of the purchase periods after the first).
    future : {"drop", "error"}, default "drop"
        Rows after the window: leave them out (counted in ``attrs["late_rows"]``) or
        raise an error, showing them. ``"raise"``, the old name of ``"error"``, still
        works for one release with a ``FutureWarning``.
    engine : {None, "pandas", "duckdb", "spark"}, default None
        Where to aggregate (see :func:`crmlab.engines.choose_engine`).
    validated : bool, default False
        The caller has just checked this DataFrame against the roles (it comes
        straight from :func:`crmlab.read_transactions`, or an earlier call validated
        it): skip the row checks, so a pipeline validates its input once.
    caller, params : str, dict, optional
        The public function calling (for messages) and column name -> keyword (for
        "did you mean" messages).
    needs : collection of str, optional
        The columns the caller will read (``"rows"``, ``"orders"``, ``"spend"``, ...):
        only their aggregates are computed and the other columns may be left out, so
        an RFM table or a pyramid does not pay for the columns it does not use.
        None: every column. The period columns follow ``periods``; ``rows`` and the
        ``attrs`` are always there.

    Returns
    -------
    DataFrame
        One row per customer with any row in the log, sorted by id: ``rows`` (rows in
        the window), ``orders``, ``returns``; with ``date``: ``first_purchase``,
        ``last_purchase`` (Timestamps, NaT without a purchase); with ``amount``:
        ``return_rows``, ``spend`` (net), ``gross`` (purchases), ``returned`` (the
        returned amount, >= 0); with the optional roles: ``gross_profit``, ``cost``,
        ``profit`` (= gross_profit - cost, when both), ``online_orders``,
        ``categories``; with ``periods``: the period columns. Sums are not rounded (the
        topic modules round money to cents); a sum over no row is 0, a date NaT.
        ``attrs`` holds provenance: ``engine``, ``end`` (last day of the window),
        ``period``, ``first_date`` and ``last_date`` (the first and last dates in the
        log), ``rows`` (rows read) and ``late_rows`` (rows after the window).

    Raises
    ------
    CRMDataError
        If the log is empty or a column is missing, of the wrong kind or has missing
        values; if a cost is negative (a cost to serve is >= 0); if rows are late and
        ``future="error"``; if an option is unknown.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "b", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-05",
    ...                                   "2024-01-08", "2024-01-09"]),
    ...     "amount": [100.0, 50.0, 80.0, -30.0, -20.0]})
    >>> t = customer_table(tx)
    >>> t[["rows", "orders", "returns", "spend", "gross", "returned"]]
                 rows  orders  returns  spend  gross  returned
    customer_id
    a               2       2        0  150.0  150.0       0.0
    b               2       1        1   50.0   80.0      30.0
    c               1       0        1  -20.0    0.0      20.0
    >>> t["last_purchase"].dt.strftime("%m-%d").tolist()
    ['01-10', '01-05', nan]
    >>> customer_table(tx, end="2024-01-06").attrs["late_rows"]
    3
    """
    check_option(period, ("D", "W"), name="period", caller=caller)
    future = check_future(future, ("drop", "error"), caller=caller)
    roles = {"customer": customer, "date": date, "amount": amount, "order": order,
             "gross_profit": gross_profit, "cost": cost, "channel": channel,
             "category": category}
    roles = {r: c for r, c in roles.items() if c is not None}
    if periods and date is None:
        raise CRMDataError(f"{caller}: purchase periods need a date column (date=...).")
    if params is None:
        params = {c: r for r, c in roles.items()}
    kinds = {c: engines.ROLE_KINDS[r] for r, c in roles.items()}
    engine = engines.choose_engine(transactions, engine, caller=caller, columns=kinds)
    end_ts = to_date(end, name="end", caller=caller)
    end_period = None
    if end_ts is not None:
        end_period = int(engines.period_numbers(np.array([day_number(end_ts)]), period)[0])
    source = transactions
    # a DataFrame is checked here, in one vectorised pass per column and without a copy,
    # whichever engine aggregates it: the same messages (with the rows) on every engine
    checked = isinstance(source, pd.DataFrame) or engine == "pandas"
    if checked:
        if engines.as_path(transactions) is not None:
            source = engines.read_frame(transactions, kinds, caller=caller, params=params)
        if not validated or not isinstance(source, pd.DataFrame):
            source = check_columns(source, kinds, caller=caller, params=params)
        else:
            missing = [c for c in kinds if c not in source.columns]
            if missing:
                source = require(source, kinds, caller=caller, params=params)  # raises
        if cost is not None and (source[cost] < 0).any():
            neg = source[cost] < 0
            raise _negative_cost(caller, cost, int(neg.sum()),
                                 show_rows(source.index[neg], source.loc[neg, cost]))
        if future == "error" and end_period is not None:
            days = engines.period_numbers(engines.day_numbers(source[date]), period)
            late = days > end_period
            if late.any():
                labels = source_labels(source)  # file rows of a table as read
                where = " of " + str(source.attrs["report"]["source"]) if (
                    labels is not source.index and "report" in source.attrs) else ""
                shown = show_rows(labels[np.asarray(late)],
                                  source.loc[late, date].dt.strftime("%Y-%m-%d")) + where
                raise _late_error(caller, int(late.sum()), len(source), end_ts, date, shown)
    # the buy-till-you-die summary on a SQL engine: counts and periods in one pass over
    # the log (a file is read once, not twice)
    together = (periods and engine != "pandas" and needs is not None
                and engines._raw_needs(needs) <= {"rows_in"})
    raw = engines.aggregate("customer_periods" if together else "customers", source, roles,
                            engine=engine, caller=caller, params=params, online=online,
                            period=period, end_period=end_period, needs=needs,
                            checked=checked)
    if raw.empty:
        raise CRMDataError(f"{caller}: the table has no rows. Check the filter or file that "
                           f"made it.")
    if engine != "pandas":
        _check_nulls(raw, roles, caller)
        if cost is not None and (raw["min_cost"] < 0).any():
            bad = raw.loc[raw["min_cost"] < 0, "c"]
            raise _negative_cost(caller, cost, "some", f"rows of customers {_show(bad)}")
        late = int(raw["late_rows"].sum())
        if late and future == "error":
            bad = raw.loc[raw["late_rows"] > 0, "c"]
            raise _late_error(caller, late, int(raw["n_rows"].sum()), end_ts, date,
                              f"rows of customers {_show(bad)}")
    table = _finish(raw, roles, end_ts)
    if periods:
        if together:  # the same rows in the same order
            per = raw
        else:
            per = engines.aggregate("periods", source, roles, engine=engine, caller=caller,
                                    params=params, period=period, end_period=end_period)
            per = per.set_index("c").reindex(table.index)
        table["purchase_periods"] = per["periods"].fillna(0).astype("int64").to_numpy()
        table["first_period"] = per["first_period"].astype("Int64").to_numpy()
        table["last_period"] = per["last_period"].astype("Int64").to_numpy()
        if amount is not None:
            table["repeat_mean"] = per["repeat_mean"].to_numpy(dtype=float, na_value=np.nan)
    last = int(raw["max_day"].max()) if "max_day" in raw.columns else None
    first = int(raw["min_day"].min()) if "min_day" in raw.columns else None
    if date is not None and "max_day" not in raw.columns:  # a checked DataFrame: no NaT
        dates = source[date]
        first, last = (day_number(pd.Timestamp(dates.min()).tz_localize(None)),
                       day_number(pd.Timestamp(dates.max()).tz_localize(None)))
    table.attrs = {
        "engine": engine,
        "end": end_ts.normalize() if end_ts is not None else (
            from_day_number(last) if last is not None else None),
        "period": period,
        "first_date": from_day_number(first) if first is not None else None,
        "last_date": from_day_number(last) if last is not None else None,
        "rows": int(raw["n_rows"].sum()),
        "late_rows": int(raw["late_rows"].sum()),
    }
    return table


def _days(values: pd.Series) -> pd.Series:
    """Day numbers (float with NaN, or nullable ints) -> Timestamps (NaT)."""
    days = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(days)
    nat = np.datetime64("NaT", "ns").astype(np.int64)
    ns = np.where(ok, np.where(ok, days, 0).astype(np.int64) * 86_400_000_000_000, nat)
    return pd.Series(ns.view("datetime64[ns]"))


def _finish(raw: pd.DataFrame, roles: dict, end_ts) -> pd.DataFrame:
    """The raw aggregate -> the documented columns (the same for every engine); a
    column whose raw aggregate was not asked for (``needs``) is left out."""
    ids = raw["c"]
    # pandas' string ids stay as they are (no round trip through Python objects)
    index = pd.Index(ids if isinstance(ids.dtype, pd.StringDtype) else ids.to_numpy(),
                     name=roles["customer"])

    def count(name: str) -> np.ndarray:
        return raw[name].fillna(0).astype("int64").to_numpy()

    def money(name: str) -> np.ndarray:
        return np.nan_to_num(raw[name].to_numpy(dtype=float, na_value=np.nan), nan=0.0)

    table = pd.DataFrame({"rows": count("rows_in")}, index=index)
    for name in ("orders", "returns"):
        if name in raw.columns:
            table[name] = count(name)
    if "date" in roles:
        for name in ("first_purchase", "last_purchase"):
            if name in raw.columns:
                table[name] = _days(raw[name]).to_numpy()
    if "amount" in roles:
        if "return_rows" in raw.columns:
            table["return_rows"] = count("return_rows")
        elif "orders" in raw.columns and "order" not in roles:  # left to be derived
            table["return_rows"] = table["rows"].to_numpy() - table["orders"].to_numpy()
        for name in ("spend", "gross"):
            if name in raw.columns:
                table[name] = money(name)
        if "return_amount" in raw.columns:
            table["returned"] = -money("return_amount") + 0.0
    for name in ("gross_profit", "cost"):
        if name in roles and name in raw.columns:
            table[name] = money(name)
    if "gross_profit" in table.columns and "cost" in table.columns:
        table["profit"] = table["gross_profit"] - table["cost"]
    if "online_orders" in raw.columns:
        table["online_orders"] = count("online_orders")
    if "categories" in raw.columns:
        table["categories"] = count("categories")
    return table

"""Analyst pipelines: the course's analyses on a company file, one call each (分析流程).

:func:`rfm_customers`, :func:`pyramid_customers` (with :func:`pyramid_overview`) and
:func:`clv_customers` (with :func:`clv_fit`, which also keeps the fitted models) each
turn a transaction table into one row per customer by calling the topic modules
(:mod:`crmlab.rfm`, :mod:`crmlab.pyramid`, :mod:`crmlab.key_accounts`, :mod:`crmlab.clv`).
:func:`analyse` runs them all on one per-customer table
(:func:`crmlab.customers.customer_table`): the log is validated once and aggregated
once per window, which is what the HTML report (:mod:`crmlab.report`) and the ``crmlab``
command use. :class:`Progress` is the progress bar they show.

Conventions:

* **Value** of a customer is the net revenue (sum of ``amount``, returns subtract);
  **profit** is gross profit minus cost to serve, when those columns exist.
* Concentration measures (Gini, Lorenz, top shares, ABC classes) need values >= 0:
  a customer whose returns exceed the purchases counts as 0 there (reported).
* The buy-till-you-die models (BG/NBD, Gamma-Gamma) see *purchases* only (rows with
  amount >= 0, as everywhere in crmlab); customers whose repeat purchases cost nothing
  cannot enter the spend model and are counted in ``attrs["dropped"]``.

``attrs`` of a returned table hold provenance only (the settings used, the rows left
out and why); structured results live on result objects (:class:`CLVFit`,
:class:`Analysis`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from crmlab._errors import CRMDataError, CRMFitWarning
from crmlab.validation import check_option, renamed_keywords, require

if TYPE_CHECKING:
    from crmlab._typing import DateLike, PathLike, Source

__all__ = ["KEY_ACCOUNT_SHARE", "MIN_REPEAT_BUYERS", "REPORT_COHORTS", "REPORT_COHORT_MONTHS",
           "Analysis", "CLVFit",
           "Progress", "account_of", "analyse", "clv_customers", "clv_fit", "cohort_summary",
           "purchase_rules",
           "pyramid_customers", "pyramid_overview", "rfm_customers", "segment_list"]

#: Fewest customers with a repeat purchase for :func:`clv_customers` to fit the models.
MIN_REPEAT_BUYERS = 10

#: Cohorts (first-purchase months) shown in the report's cohort section, oldest first.
REPORT_COHORTS = 12

#: Months since the first purchase shown in the report's cohort table.
REPORT_COHORT_MONTHS = (1, 2, 3, 6, 12)


class Progress:
    """A tqdm bar over named steps, on stderr; silent when ``progress`` is False.

    Examples
    --------
    >>> bar = Progress(["read", "rfm"], progress=False, desc="demo")
    >>> bar("read"); bar.done(); bar.close()
    """

    def __init__(self, names: Sequence[str], progress: bool, desc: str) -> None:
        from tqdm.auto import tqdm

        self.bar = tqdm(total=len(names), desc=desc, disable=not progress, unit="step",
                        leave=False)

    def __call__(self, name: str) -> None:
        self.bar.set_postfix_str(name, refresh=True)

    def done(self) -> None:
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def rfm_customers(
    transactions: Source,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    order: str | None = None,
    analysis_date: DateLike | None = None,
    scheme: str = "rf10",
    bins: int = 5,
    ties: str = "rank-first",
    language: str | None = None,
    engine: str | None = None,
) -> pd.DataFrame:
    """Build the RFM table, scores and segment of every customer in one call.

    Parameters
    ----------
    transactions : DataFrame
        One row per order, e.g. from :func:`crmlab.read_transactions`; not modified.
    customer, date, amount, order : str
        Column names, as in :func:`crmlab.rfm.rfm_table`.
    analysis_date : date-like, optional
        Recency is measured to this day; default the day after the last date.
    scheme : {"rf10", "cn8"}, default "rf10"
        Segment scheme of :func:`crmlab.rfm.rfm_segments`; ``"rf10"`` needs ``bins=5``.
    bins : int, default 5
        Score levels (quantiles) of :func:`crmlab.rfm.rfm_scores`.
    ties : {"rank-first", "value"}, default "rank-first"
        Tie rule of the quantile scores.
    language : {"en", "zh"}, optional
        Segment names; default English for ``"rf10"``, Chinese for ``"cn8"``.
    engine : {None, "pandas", "duckdb", "spark"}, optional
        Where :func:`crmlab.rfm.rfm_table` computes; same result on every engine.

    Returns
    -------
    DataFrame
        Indexed by customer: ``recency``, ``frequency``, ``monetary``, ``r_score``,
        ``f_score``, ``m_score``, ``rfm_sum``, ``rfm_code``, ``segment``. ``attrs``
        keeps those of :func:`crmlab.rfm.rfm_table` (analysis date, returns, dropped).

    Raises
    ------
    CRMDataError
        As the rfm functions, and if ``scheme="rf10"`` with ``bins`` other than 5
        (raised before any work).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-10",
    ...                                                  "2024-01-05", "2024-01-09"]),
    ...                    "amount": [100.0, 50.0, 80.0, 20.0]})
    >>> rfm_customers(tx, scheme="cn8")[["recency", "frequency", "monetary", "segment"]]
                 recency  frequency  monetary segment
    customer_id
    a                  1          2     150.0    重要价值
    b                  6          1      80.0    一般挽留
    c                  2          1      20.0    一般发展
    """
    from crmlab.customers import customer_table
    from crmlab.dates import analysis_date_of

    caller = "rfm_customers"
    _check_rfm_options(scheme, bins, caller)
    when = None if analysis_date is None else analysis_date_of(
        pd.Series([], dtype="datetime64[ns]"), analysis_date, caller=caller)
    base = customer_table(transactions, customer=customer, date=date, amount=amount,
                          order=order, end=when, future="error", engine=engine,
                          caller="rfm_table")
    return _rfm_segments(base, when, scheme=scheme, bins=bins, ties=ties, language=language)


def _check_rfm_options(scheme: str, bins: int, caller: str) -> None:
    check_option(scheme, ("rf10", "cn8"), name="scheme", caller=caller)
    if scheme == "rf10" and bins != 5:
        raise CRMDataError(
            f"{caller}: scheme='rf10' names segments on the 5 x 5 grid of R and F "
            f"scores, so it needs bins=5 (got bins={bins}). Use bins=5, or scheme='cn8' "
            f"(the eight value segments split at the means)."
        )


def _rfm_segments(base: pd.DataFrame, analysis_date, *, scheme: str, bins: int, ties: str,
                  language: str | None) -> pd.DataFrame:
    from crmlab import rfm

    table = rfm.rfm_from_customers(base, analysis_date)
    scored = rfm.rfm_scores(table, bins=bins, ties=ties)
    lang = language or ("zh" if scheme == "cn8" else "en")
    out = rfm.rfm_segments(scored, scheme=scheme, language=lang)
    out.attrs = {**table.attrs, **out.attrs, "scheme": scheme}
    return out


def pyramid_customers(
    transactions: Source,
    *,
    customer: str = "customer_id",
    amount: str = "amount",
    gross_profit: str | None = "gross_profit",
    cost: str | None = "cost_to_serve",
    scheme: str = "su",
    language: str | None = None,
    a: float = 0.8,
    b: float = 0.95,
    engine: str | None = None,
) -> pd.DataFrame:
    """Compute each customer's value, profit, pyramid tier and ABC class.

    Parameters
    ----------
    transactions : DataFrame
        One row per order; not modified.
    customer, amount : str
        Customer id and amount columns.
    gross_profit, cost : str or None, default "gross_profit", "cost_to_serve"
        Profit columns; profit = gross profit - cost to serve. When either column is
        absent (or None), there is no ``profit`` column.
    scheme : {"su", "curry", "zeithaml"}, default "su"
        Pyramid of :func:`crmlab.pyramid.pyramid_tiers`; ``"su"`` and ``"curry"``
        rank by value, ``"zeithaml"`` by profit (it needs the profit columns).
    language : {"zh", "en"}, optional
        Tier names; the scheme's default language when None.
    a, b : float, default 0.8 and 0.95
        ABC thresholds of :func:`crmlab.pyramid.abc_classes`.
    engine : {None, "pandas", "duckdb", "spark"}, optional
        Where :func:`crmlab.pyramid.customer_values` aggregates.

    Returns
    -------
    DataFrame
        Indexed by customer, sorted by value (largest first, ties by id): ``value``
        (net revenue), ``profit`` (if available), ``tier`` and ``abc_class``
        (ordered categoricals). ``attrs``: ``scheme``, ``negative_values`` (customers
        with value < 0, counted as 0 for ABC) and ``has_profit``.

    Raises
    ------
    CRMDataError
        If a column is missing, the total value is not positive, or
        ``scheme="zeithaml"`` without profit columns.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "b", "c"],
    ...                    "amount": [900.0, 60.0, 40.0, 5.0]})
    >>> pyramid_customers(tx, scheme="curry")
                 value   tier abc_class
    customer_id
    a            900.0    top         B
    b            100.0  small         C
    c              5.0  small         C
    """
    from crmlab.customers import customer_table

    caller = "pyramid_customers"
    has_profit = _has_profit(transactions, gross_profit, cost)
    _check_profit_scheme(scheme, has_profit, transactions, gross_profit, cost, caller)
    base = customer_table(transactions, customer=customer, date=None, amount=amount,
                          gross_profit=gross_profit if has_profit else None,
                          cost=cost if has_profit else None, engine=engine,
                          caller="customer_values")
    return _pyramid_table(base, scheme=scheme, language=language, a=a, b=b)


def _columns_of(transactions) -> set:
    """The columns of a DataFrame or of a Parquet file (else none known)."""
    if isinstance(transactions, pd.DataFrame):
        return set(transactions.columns)
    from crmlab.engines import as_path

    path = as_path(transactions)
    if path is not None and path.is_file() and path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        return set(pq.read_schema(path).names)
    return set()


def _has_profit(transactions, gross_profit, cost) -> bool:
    present = _columns_of(transactions)
    return gross_profit is not None and cost is not None and {gross_profit, cost} <= present


def _check_profit_scheme(scheme, has_profit, transactions, gross_profit, cost, caller):
    check_option(scheme, ("su", "curry", "zeithaml"), name="scheme", caller=caller)
    if scheme == "zeithaml" and not has_profit:
        present = (", ".join(map(str, transactions.columns))
                   if isinstance(transactions, pd.DataFrame) else "unknown")
        raise CRMDataError(
            f"{caller}: scheme='zeithaml' ranks customers by profit, but the table has no "
            f"columns {gross_profit!r} and {cost!r} (columns present: {present}). Name them "
            f"with gross_profit= and cost=, or use scheme='su' or 'curry' (ranked by revenue)."
        )


def _pyramid_table(base: pd.DataFrame, *, scheme: str, language: str | None, a: float,
                   b: float) -> pd.DataFrame:
    from crmlab import pyramid

    out = pd.DataFrame({"value": pyramid.values_from_customers(base)})
    has_profit = "profit" in base.columns
    if has_profit:
        out["profit"] = pyramid.values_from_customers(
            base.assign(spend=base["gross_profit"]), net_of_cost=True)
    ranked = out["profit"] if scheme == "zeithaml" else out["value"]
    out["tier"] = pyramid.pyramid_tiers(ranked, scheme, language=language)
    out["abc_class"] = pyramid.abc_classes(out["value"].clip(lower=0), a, b)
    out = out.sort_index().sort_values("value", ascending=False, kind="stable")
    out.index.name = base.index.name
    out.attrs = {"scheme": scheme, "has_profit": bool(has_profit),
                 "negative_values": int((out["value"] < 0).sum())}
    return out


def pyramid_overview(table: pd.DataFrame) -> dict:
    """Summarise a :func:`pyramid_customers` table: concentration, tiers, ABC, profit.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`pyramid_customers`.

    Returns
    -------
    dict
        ``customers``; ``concentration`` (Series from
        :func:`crmlab.pyramid.concentration_summary` of the values clipped at 0:
        gini, top 1/10/20 % shares, tail share); ``tiers`` and ``abc`` (tables from
        :func:`crmlab.pyramid.tier_summary`); with profit also ``losing_customers``,
        ``loss`` and ``total_profit``; ``notes`` (list of str).

    Raises
    ------
    CRMDataError
        If the total value is not positive.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": list("abcd"), "amount": [70.0, 15, 10, 5]})
    >>> ov = pyramid_overview(pyramid_customers(tx))
    >>> round(float(ov["concentration"]["gini"]), 3), ov["tiers"]["customers"].tolist()
    (0.5, [1, 0, 1, 2])
    """
    from crmlab import pyramid

    caller = "pyramid_overview"
    data = require(table, {"value": "number", "tier": "any", "abc_class": "any"}, caller=caller)
    clipped = data["value"].clip(lower=0)
    notes = []
    if (data["value"] < 0).any():
        notes.append(f"{int((data['value'] < 0).sum())} customers returned more than they "
                     f"bought (net value < 0); they count as 0 for Gini, shares and ABC.")
    out = {
        "customers": len(data),
        "concentration": pyramid.concentration_summary(clipped),
        "tiers": pyramid.tier_summary(data["value"], data["tier"]),
        "abc": pyramid.tier_summary(clipped, data["abc_class"]),
        "notes": notes,
    }
    if "profit" in table.columns:
        profit = table["profit"]
        out["total_profit"] = float(profit.sum())
        out["losing_customers"] = int((profit < 0).sum())
        out["loss"] = float(profit[profit < 0].sum())
    return out


def _per_year(rate: float, unit: str) -> float:
    return (1 + rate) ** (1 / (365 if unit == "D" else 52)) - 1


@renamed_keywords(margin="margin_rate")
def clv_fit(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    observation_end: DateLike | None = None,
    unit: str = "W",
    horizon: float | None = None,
    discount: float | None = None,
    margin_rate: float = 1.0,
    engine: str | None = None,
) -> CLVFit:
    """Fit BG/NBD and Gamma-Gamma on a transaction log: the models and each customer's CLV.

    Parameters
    ----------
    transactions : DataFrame
        One row per order; not modified. Returns (``amount < 0``) are not purchases
        and are left out (counted in ``attrs``), as everywhere in crmlab.
    customer, date, amount : str
        Column names.
    observation_end : date-like, optional
        End of the calibration (observation) window; later purchases are ignored.
        Default: the last date in the data.
    unit : {"W", "D"}, default "W"
        Time unit of recency, T, the horizon and the discount rate (purchases are
        merged per day either way; weeks = days / 7, as Fader & Hardie do).
    horizon : float, optional
        CLV horizon in periods of ``unit``; default one year (52 weeks or 365 days).
    discount : float, optional
        Discount rate per period of ``unit``, a decimal; default 10 % a year
        converted to the unit (``1.1 ** (1 / 52) - 1`` per week).
    margin_rate : float, default 1.0
        Share of spend that is profit, in (0, 1]; 1 gives revenue. Replaces
        ``margin=``, which still works for one release with a ``FutureWarning``.
    engine : {None, "pandas", "duckdb", "spark"}, optional
        Where :func:`crmlab.clv.summary_from_transactions` computes.

    Returns
    -------
    CLVFit
        ``table`` (as :func:`clv_customers` returns it), ``bgnbd`` and ``gammagamma``
        (the fitted :class:`crmlab.clv.BetaGeo` and :class:`crmlab.clv.GammaGamma`)
        and ``repeat_buyers``.

    Raises
    ------
    CRMDataError
        If a column is missing or invalid, no purchase is left, fewer than
        :data:`MIN_REPEAT_BUYERS` customers bought again in the window (the models
        cannot be fitted), a rate is out of range, or the optimiser fails.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [10.0, 5.0],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    >>> clv_fit(tx)
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: clv_fit: only 0 of 2 customers bought again ...
    """
    return _fit_log(transactions, customer=customer, date=date, amount=amount,
                    observation_end=observation_end, unit=unit, horizon=horizon,
                    discount=discount, margin_rate=margin_rate, engine=engine, caller="clv_fit")


@renamed_keywords(margin="margin_rate")
def clv_customers(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    observation_end: DateLike | None = None,
    unit: str = "W",
    horizon: float | None = None,
    discount: float | None = None,
    margin_rate: float = 1.0,
    engine: str | None = None,
) -> pd.DataFrame:
    """Fit BG/NBD and Gamma-Gamma on a transaction log and compute each customer's CLV.

    The same as ``clv_fit(...).table``; :func:`clv_fit` also returns the fitted models.

    Parameters
    ----------
    transactions, customer, date, amount, observation_end, unit, horizon, discount, \
margin_rate, engine
        As :func:`clv_fit`.

    Returns
    -------
    DataFrame
        Indexed by customer: ``frequency``, ``recency``, ``T``, ``monetary_value``
        (the Fader-Hardie summary), ``expected_purchases`` (over the horizon),
        ``probability_alive``, ``expected_average_spend`` and ``clv``. ``attrs``
        (provenance): ``observation_end``, ``unit``, ``horizon``, ``discount``,
        ``margin_rate`` and ``dropped`` (reason -> rows or customers).

    Raises
    ------
    CRMDataError
        As :func:`clv_fit`.

    Examples
    --------
    >>> import crmlab
    >>> table = clv_customers(crmlab.load_data("retail_transactions").head(2000))
    >>> len(table), table.columns.tolist()[4:]
    (496, ['expected_purchases', 'probability_alive', 'expected_average_spend', 'clv'])
    """
    return _fit_log(transactions, customer=customer, date=date, amount=amount,
                    observation_end=observation_end, unit=unit, horizon=horizon,
                    discount=discount, margin_rate=margin_rate, engine=engine,
                    caller="clv_customers").table


def _fit_log(transactions, *, customer, date, amount, observation_end, unit, horizon,
             discount, margin_rate, engine, caller) -> CLVFit:
    from crmlab.clv.summary import end_date
    from crmlab.customers import customer_table

    check_option(unit, ("D", "W"), name="unit", caller=caller)
    end = end_date(observation_end, caller)
    base = customer_table(transactions, customer=customer, date=date, amount=amount, end=end,
                          period="D", periods=True, future="drop", engine=engine,
                          caller=caller)
    return _clv_fit(base, observation_end=end, unit=unit, horizon=horizon,
                    discount=discount, margin_rate=margin_rate, caller=caller)


class CLVFit:
    """The CLV of each customer and the two fitted models behind it (:func:`clv_fit`).

    Attributes
    ----------
    table : DataFrame
        One row per customer (see :func:`clv_customers`).
    bgnbd : crmlab.clv.BetaGeo
        The fitted purchase model (``params_``, ``log_likelihood_``, ...).
    gammagamma : crmlab.clv.GammaGamma
        The fitted spend model (``params_``, ``spend_frequency_correlation_``, ...).
    repeat_buyers : int
        Customers with at least one repeat purchase in the window (what the models
        learn from).

    Examples
    --------
    >>> import crmlab
    >>> fit = clv_fit(crmlab.load_data("retail_transactions").head(2000))
    >>> fit.repeat_buyers, round(fit.bgnbd.params_["r"], 4)
    (318, 1.2536)
    """

    def __init__(self, table: pd.DataFrame, bgnbd: Any, gammagamma: Any,
                 repeat_buyers: int) -> None:
        self.table, self.bgnbd, self.gammagamma = table, bgnbd, gammagamma
        self.repeat_buyers = repeat_buyers

    def __repr__(self) -> str:
        return (f"CLVFit({len(self.table):,} customers, {self.repeat_buyers:,} repeat "
                f"buyers, total CLV {float(self.table['clv'].sum()):,.2f})")


def _clv_fit(base: pd.DataFrame, *, observation_end, unit: str, horizon, discount,
             margin_rate: float, caller: str = "clv_fit") -> CLVFit:
    """Fit BG/NBD and Gamma-Gamma on the summary of a per-customer table; CLV per customer."""
    from crmlab import clv

    summary = clv.summary_from_customers(base, freq="D", unit=unit,
                                         observation_end=observation_end, caller=caller)
    dropped = {"return rows (amount < 0), not purchases": int(base["return_rows"].sum())}
    dropped.update(summary.attrs.get("dropped", {}))
    free = (summary["frequency"] > 0) & (summary["monetary_value"] <= 0)
    if free.any():  # the spend model needs a positive spend per repeat purchase
        dropped["customers whose repeat purchases cost nothing"] = int(free.sum())
        summary = summary.loc[~free]
    repeat = int((summary["frequency"] > 0).sum())
    if repeat < MIN_REPEAT_BUYERS:
        raise CRMDataError(
            f"{caller}: only {repeat} of {len(summary)} customers bought again in the "
            f"observation window (up to {summary.attrs['observation_end']:%Y-%m-%d}); the "
            f"BG/NBD and Gamma-Gamma models learn from repeat purchases and need at least "
            f"{MIN_REPEAT_BUYERS} repeat buyers. Use a longer window (a later "
            f"observation_end) or more customers."
        )
    horizon = (52 if unit == "W" else 365) if horizon is None else horizon
    discount = _per_year(0.10, unit) if discount is None else discount
    bg = clv.BetaGeo().fit(summary)
    gg = clv.GammaGamma().fit(summary)
    values = clv.clv_table(bg, gg, summary, horizon=horizon, discount=discount,
                           margin_rate=margin_rate)
    out = summary.join(values)
    out.attrs = {  # provenance: the settings used and what was left out
        "observation_end": summary.attrs["observation_end"], "unit": unit,
        "horizon": float(horizon), "discount": float(discount),
        "margin_rate": float(margin_rate), "dropped": dropped,
    }
    return CLVFit(out, bg, gg, repeat)


class Analysis:
    """Everything the report shows, computed from one per-customer table.

    Attributes
    ----------
    transactions : DataFrame or crmlab.io.large.LargeRead
        The transactions as read (canonical column names), or the file read in chunks.
    read_report : dict or None
        The account of :func:`crmlab.read_transactions` (rows in, dropped, cleaned).
    base : DataFrame
        The per-customer table (:func:`crmlab.customers.customer_table`).
    rfm : DataFrame
        RFM table, scores and the eight value segments (cn8).
    pyramid : DataFrame
        Value, profit, tier and ABC class per customer.
    overview : dict
        :func:`pyramid_overview` of ``pyramid``.
    key_accounts : DataFrame
        ``pyramid`` with ``key_account`` (see :func:`analyse`).
    clv : DataFrame or None
        :func:`clv_customers`' table, or None when the models could not be fitted.
    clv_fit : CLVFit or None
        The same table with the fitted models (:func:`clv_fit`).
    clv_error : str or None
        Why the models could not be fitted.
    rules : dict
        :func:`purchase_rules`: which rows counted as purchases, for the report's top.
    cohorts : DataFrame
        Cohort retention shares (:func:`crmlab.satisfaction.cohort_table`): first-purchase
        month × months since.
    cohort_summary : DataFrame
        :func:`cohort_summary` of the first :data:`REPORT_COHORTS` cohorts.
    clv_warnings : list of str
        The models' :class:`~crmlab.CRMFitWarning` messages (a fit on a boundary or
        not converged), shown in the report instead of being raised.
    """

    def __init__(self, **parts: Any) -> None:
        self.__dict__.update(parts)


#: The share of customers (by revenue) that are key accounts in the report: the top
#: two tiers of 苏朝晖's pyramid (1 % + 19 %), as :func:`crmlab.key_accounts.identify_key_accounts`
#: selects them with ``top=0.2`` on a revenue score.
KEY_ACCOUNT_SHARE = 0.2


def analyse(transactions: pd.DataFrame | PathLike, *, customer: str | None = None,
            date: str | None = None, amount: str | None = None, order: str | None = None,
            gross_profit: str = "gross_profit", cost: str = "cost_to_serve",
            analysis_date: DateLike | None = None, observation_end: DateLike | None = None,
            progress: Progress | None = None, engine: str | None = None,
            **read_kwargs: Any) -> Analysis:
    """Run every analysis of the report on one validation and one per-customer table.

    Parameters
    ----------
    transactions : str, Path, DataFrame or crmlab.io.large.LargeRead
        A file (read here with :func:`crmlab.read_transactions`, which validates and
        cleans it: the only validation of the run), or a DataFrame, which is validated
        once when it is aggregated (a table from ``read_transactions`` keeps its
        canonical column names; any other is read through it first with the column
        names given), or a file read in chunks (:func:`crmlab.io.large.read_large`),
        whose cleaned rows every section reads from its Parquet file with DuckDB.
    customer, date, amount, order : str, optional
        Column names of a raw file or DataFrame (default: the preset's, else
        "customer_id", "order_date", "amount"; see :func:`crmlab.read_transactions`).
    gross_profit, cost : str
        Profit column names.
    analysis_date, observation_end : date-like, optional
        RFM analysis date and end of the CLV observation window (defaults: the day
        after the last date, and the last date). When both are the defaults one
        per-customer table serves every section; otherwise the CLV window gets its own.
    progress : Progress, optional
        A progress bar to move.
    engine : {None, "pandas", "duckdb", "spark"}, optional
        Where the per-customer and cohort tables are computed (default: pandas, and
        DuckDB for a file read in chunks); the same tables on every engine.
    **read_kwargs
        Passed to :func:`crmlab.read_transactions` (``preset``, ``keep``, ``exclude``,
        ``to_currency``, ``sheet``, ``encoding``, ...).

    Returns
    -------
    Analysis
        ``read_report`` accounts for exactly the rows analysed: a table from
        ``read_transactions`` that was filtered or changed after reading gets a fresh
        account of its own rows (the file's figures no longer describe it; a note says
        so). ``rules`` lists the purchase rules applied, in words.

    Examples
    --------
    >>> import crmlab
    >>> tx = crmlab.load_data("retail_transactions").head(400)
    >>> result = analyse(tx, order="order_id")
    >>> len(result.base), result.rfm["segment"].notna().all(), result.clv is not None
    (162, np.True_, True)
    """
    from crmlab import key_accounts, satisfaction
    from crmlab.clv.summary import end_date
    from crmlab.customers import customer_table
    from crmlab.dates import analysis_date_of
    from crmlab.io import read_transactions
    from crmlab.io.large import LargeRead

    step = progress or Progress([], progress=False, desc="")
    validated = False
    rep = transactions.attrs.get("report") if isinstance(transactions, pd.DataFrame) else None
    if isinstance(transactions, LargeRead):  # its cleaned rows, in a Parquet file
        rep, validated, engine = transactions.report, True, engine or "duckdb"
        source = str(transactions.path)
    elif rep is None:
        transactions = read_transactions(transactions, customer=customer, date=date,
                                         amount=amount, order=order, warn=False,
                                         **read_kwargs)
        rep = transactions.attrs["report"]
        validated = True  # read_transactions just checked and cleaned every row
    else:
        rep = account_of(transactions)
    tx = transactions
    if not isinstance(tx, LargeRead):
        source = tx
    cols = {"customer": "customer_id", "date": "order_date", "amount": "amount",
            "order": "order_id" if "order_id" in tx.columns else None}
    has_profit = _has_profit(source, gross_profit, cost)
    when = None if analysis_date is None else analysis_date_of(
        pd.Series([], dtype="datetime64[ns]"), analysis_date, caller="build_report")
    obs_end = end_date(observation_end, "build_report")
    step("overview")
    base = customer_table(source, **cols, gross_profit=gross_profit if has_profit else None,
                          cost=cost if has_profit else None, end=when, future="error",
                          periods=True, validated=validated, engine=engine,
                          caller="build_report")
    step.done()
    step("rfm")
    seg = _rfm_segments(base, when, scheme="cn8", bins=5, ties="rank-first", language="zh")
    step.done()
    step("pyramid")
    table = _pyramid_table(base, scheme="su", language=None, a=0.8, b=0.95)
    step.done()
    step("concentration")
    overview = pyramid_overview(table)
    step.done()
    step("key accounts")
    scored = key_accounts.scorecard(table.reset_index(), weights={"value": 1.0},
                                    normalize="rank", revenue="value",
                                    account=base.index.name)
    flagged = key_accounts.identify_key_accounts(scored, top=KEY_ACCOUNT_SHARE)
    keyed = table.assign(key_account=flagged["key_account"].reindex(table.index))
    step.done()
    step("clv")
    clv_base = base
    if when is not None or obs_end is not None:  # another window: its own table
        clv_base = customer_table(source, **cols, end=obs_end, period="D", periods=True,
                                  future="drop", validated=True, engine=engine,
                                  caller="clv_customers")
    fit, clv_error, clv_warnings = None, None, []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CRMFitWarning)
            fit = _clv_fit(clv_base, observation_end=obs_end, unit="W", horizon=None,
                           discount=None, margin_rate=1.0, caller="clv_customers")
    except CRMDataError as err:
        clv_error = str(err)
    for w in caught:  # a doubtful fit goes into the report; any other warning on its way
        if issubclass(w.category, CRMFitWarning):
            clv_warnings.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    step.done()
    step("cohorts")
    # the table was validated by the per-customer table above: count, do not re-check
    cohorts = satisfaction.cohort_table(source, customer=cols["customer"], date=cols["date"],
                                        amount=cols["amount"], share=False,
                                        engine=engine or "pandas", validated=True)
    summary = cohort_summary(cohorts)
    shares = cohorts.astype(float).div(cohorts[0].astype(float), axis=0)
    shares.attrs = {**cohorts.attrs, "share": True}
    step.done()
    return Analysis(transactions=tx, read_report=rep, base=base, rfm=seg, pyramid=table,
                    overview=overview, key_accounts=keyed, clv=None if fit is None else fit.table,
                    clv_fit=fit, clv_error=clv_error, clv_warnings=clv_warnings,
                    rules=purchase_rules(rep, base), cohorts=shares, cohort_summary=summary)


def cohort_summary(counts: pd.DataFrame, *, cohorts: int = REPORT_COHORTS,
                   months: Sequence[int] = REPORT_COHORT_MONTHS) -> pd.DataFrame:
    """The first cohorts' sizes and the shares who bought in chosen months since.

    Parameters
    ----------
    counts : DataFrame
        :func:`crmlab.satisfaction.cohort_table` with ``share=False``.
    cohorts : int, default REPORT_COHORTS
        How many cohorts, oldest first.
    months : sequence of int, default (1, 2, 3, 6, 12)
        Months since the first purchase to show (those the table reaches).

    Returns
    -------
    DataFrame
        Index ``cohort``; ``customers`` (the cohort's size) and one column ``month k``
        per month: the share of the cohort that bought in it (missing where the data
        end before).

    Raises
    ------
    CRMDataError
        If ``counts`` holds shares, not counts.

    Examples
    --------
    >>> from crmlab import satisfaction
    >>> t = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...                   "order_date": pd.to_datetime(["2024-01-05", "2024-02-10",
    ...                                                 "2024-01-20", "2024-02-02"]),
    ...                   "amount": [10.0, 5.0, 8.0, 20.0]})
    >>> cohort_summary(satisfaction.cohort_table(t, share=False))
             customers  month 1
    cohort
    2024-01          2      0.5
    2024-02          1      NaN
    """
    if counts.attrs.get("share", True):
        raise CRMDataError("cohort_summary: expected customer counts; pass "
                           "satisfaction.cohort_table(transactions, share=False).")
    first = counts.iloc[:cohorts]
    size = first[0].astype("int64")
    out = pd.DataFrame({"customers": size})
    for k in months:
        if k in first.columns:
            out[f"month {k}"] = (first[k].astype(float) / size).to_numpy()
    return out


def account_of(transactions: pd.DataFrame) -> dict | None:
    """The read account that describes exactly the rows of ``transactions``.

    A table straight from :func:`crmlab.read_transactions` keeps its account. pandas
    carries ``attrs`` through filters, so a table filtered or changed after reading
    still holds the file's account, which no longer describes it: it gets a fresh one
    (rows in = its rows, nothing dropped by the reader) with a note.

    Examples
    --------
    >>> import crmlab
    >>> tx = crmlab.read_transactions(pd.DataFrame({"customer_id": ["a", "b", "c"],
    ...     "order_date": ["2024-01-01"] * 3, "amount": [1.0, 2.0, 3.0]}), warn=False)
    >>> account_of(tx)["rows_in"], account_of(tx[tx["amount"] > 1])["rows_in"]
    (3, 2)
    >>> print(account_of(tx[tx["amount"] > 1])["notes"][0])
    this table holds 2 of the 3 rows read from the DataFrame (3 rows in the file): it was
    filtered or changed after reading, so the counts here are its own
    """
    from crmlab.validation import fingerprint

    rep = transactions.attrs.get("report")
    if rep is None:
        return None
    rows = transactions.attrs.get("source_rows", {})
    if len(transactions) == rep["rows_out"] and rows.get("fingerprint") == fingerprint(
            transactions):
        return rep
    amounts = transactions["amount"] if "amount" in transactions.columns else pd.Series([])
    flagged = {"negative amount (return)": int((amounts < 0).sum()),
               "zero amount": int((amounts == 0).sum())}
    note = (f"this table holds {len(transactions):,} of the {rep['rows_out']:,} rows read "
            f"from {rep['source']} ({rep['rows_in']:,} rows in the file): it was filtered or "
            f"changed after reading, so the counts here are its own")
    return {"source": f"{rep['source']} (filtered after reading)",
            "rows_in": len(transactions), "rows_out": len(transactions), "dropped": {},
            "dropped_rows": {}, "cleaned": {},
            "flagged": {k: v for k, v in flagged.items() if v}, "notes": [note],
            "columns": rep.get("columns", {}),
            "rules": [*rep.get("rules", []),
                      f"filtered after reading: {rep['rows_out'] - len(transactions):,} of the "
                      f"rows read are not in this table"],
            "encoding": rep.get("encoding"), "as_of": rep.get("as_of"),
            "future": rep.get("future"), "preset": rep.get("preset")}


def purchase_rules(rep: dict | None, base: pd.DataFrame) -> list[str]:
    """The purchase rules an analysis applied, in words (for the top of a report).

    Examples
    --------
    >>> from crmlab.customers import customer_table
    >>> base = customer_table(pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
    ...     "amount": [5.0, -2.0, -1.0]}))
    >>> print(purchase_rules(None, base)[-1])
    1 customers with only returns have no purchase: no RFM segment or CLV; they keep
    their (negative) net revenue in the pyramid
    """
    rules = ["a purchase is a row with amount >= 0 (a zero amount is still an order); a "
             "return (amount < 0) reduces net spend and never counts as a purchase"]
    if rep is not None:
        if rep.get("preset"):
            rules.append(f"read with preset {rep['preset']!r}")
        rules += list(rep.get("rules", []))
        if rep.get("future") == "drop" and "future order_date" in rep.get("dropped", {}):
            rules.append(f"rows dated after {rep['as_of']:%Y-%m-%d} left out: "
                         f"{rep['dropped']['future order_date']:,} rows")
    if "return_rows" in base.columns:
        rules.append(f"returns: {int(base['return_rows'].sum()):,} rows, "
                     f"{float(base['returned'].sum()):,.2f} in all")
    only = int(base["last_purchase"].isna().sum()) if "last_purchase" in base.columns else 0
    if only:
        rules.append(f"{only:,} customers with only returns have no purchase: no RFM segment "
                     f"or CLV; they keep their (negative) net revenue in the pyramid")
    return rules


def segment_list(result: Analysis) -> pd.DataFrame:
    """One row per customer, ready to import back into the CRM the file came from.

    Columns: the export's own customer id column (its header as in the file) and name
    column (when the preset or ``name=`` names one), ``RFM segment`` (the textbook's
    eight, cn8), ``Recommended action`` (from :data:`crmlab.rfm.SEGMENT_GUIDE`),
    ``Pyramid tier``, ``Net revenue`` and ``CLV`` (next year, when the models could be
    fitted). Customers with only returns are listed with the segment
    ``(only returns)``.

    Examples
    --------
    >>> import crmlab
    >>> tx = crmlab.load_data("retail_transactions").head(400)
    >>> lst = segment_list(analyse(tx, order="order_id"))
    >>> list(lst.columns)
    ['customer_id', 'RFM segment', 'Recommended action', 'Pyramid tier', 'Net revenue', 'CLV']
    """
    from crmlab import rfm

    base, rep = result.base, result.read_report or {}
    columns = rep.get("columns", {})
    id_col = columns.get("customer_id", base.index.name or "customer_id")
    guide = rfm.SEGMENT_GUIDE
    action = dict(zip(guide.loc[guide["scheme"] == "cn8", "segment_zh"],
                      guide.loc[guide["scheme"] == "cn8", "action"], strict=True))
    seg = result.rfm["segment"].astype(str).reindex(base.index)
    out = pd.DataFrame({id_col: base.index.to_numpy()})
    name_col = columns.get("name")
    tx = result.transactions
    if name_col and name_col != id_col and name_col in tx.columns:
        if isinstance(tx, pd.DataFrame):
            names = (tx.dropna(subset=[name_col]).drop_duplicates("customer_id")
                     .set_index("customer_id")[name_col])
        else:  # a file read in chunks (crmlab.io.large.LargeRead)
            names = tx.first_values(name_col)
        out[name_col] = names.reindex(base.index).to_numpy()
    out["RFM segment"] = seg.fillna("(only returns)").to_numpy()
    out["Recommended action"] = seg.map(action).fillna(
        "no purchase yet, only returns: check the returns before any campaign").to_numpy()
    out["Pyramid tier"] = result.pyramid["tier"].astype(str).reindex(base.index).to_numpy()
    out["Net revenue"] = base["spend"].round(2).to_numpy()
    if result.clv is not None:
        out["CLV"] = result.clv["clv"].reindex(base.index).round(2).to_numpy()
    return out

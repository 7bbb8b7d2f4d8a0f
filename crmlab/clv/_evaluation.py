"""Model checks shared by the purchase models (BG/NBD, MBG/NBD, Pareto/NBD).

Private to :mod:`crmlab.clv`: each model's public method (``holdout_comparison``,
``tracking``, ``period_transactions``, ``probability_alive_matrix``,
``frequency_recency_matrix``) documents itself and calls the function here, which only
needs the model's own predictions (``expected_purchases``, ``expected_purchases_new``,
``probability_alive`` and ``_pmf``, the probability of ``x`` repeat purchases in the
first ``t`` periods). The plots in :mod:`crmlab.plots` draw the tables made here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmlab.clv._base import _DAYS, _model_unit, _same_unit, _summary_columns, end_date
from crmlab.validation import check_number, require


def _groups(frequency: pd.Series, k: int) -> tuple[np.ndarray, list[str]]:
    labels = [str(i) for i in range(k)] + [f"{k}+"]
    return frequency.clip(upper=k).astype(int).to_numpy(), labels


def holdout_comparison(model: Any, calhold: pd.DataFrame, max_frequency: int,
                       caller: str) -> pd.DataFrame:
    """Mean actual vs. predicted holdout purchases, by calibration frequency."""
    model._check_fitted()
    k = check_number(max_frequency, name="max_frequency", caller=caller, low=1,
                     integer=True)
    df = _summary_columns(calhold, caller, ("frequency", "recency", "T",
                                            "frequency_holdout", "duration_holdout"))
    _same_unit(model, calhold, caller)
    pred = model.expected_purchases(df["duration_holdout"].to_numpy(dtype=float), df)
    group, labels = _groups(df["frequency"], k)
    name = pd.Categorical.from_codes(group, categories=labels, ordered=True)
    table = pd.DataFrame({"group": name, "actual": df["frequency_holdout"].to_numpy(),
                          "predicted": pred.to_numpy()})
    out = table.groupby("group", observed=False).agg(
        customers=("actual", "size"), actual=("actual", "mean"),
        predicted=("predicted", "mean"))
    out.index.name = "calibration_frequency"
    out.attrs = {"unit": model.unit_, "duration": float(df["duration_holdout"].iloc[0]),
                 "model": model._label}
    return out


def tracking(model: Any, transactions: pd.DataFrame, observation_end: Any,
             calibration_end: Any, customer: str, date: str, caller: str) -> pd.DataFrame:
    """Cumulative repeat purchases per period, actual vs. the model's expectation."""
    model._check_fitted()
    step = _DAYS[_model_unit(model, caller)]
    df = require(transactions, {customer: "id", date: "datetime"}, caller=caller,
                 params={customer: "customer", date: "date"})
    from crmlab.customers import day_number
    from crmlab.engines import day_numbers

    days = day_numbers(df[date])
    end_day = day_number(end_date(observation_end, caller))
    start = int(days.min())
    per = pd.DataFrame({"c": df[customer].to_numpy(), "d": days}).drop_duplicates()
    per = per[per["d"] <= end_day]
    first = per.groupby("c")["d"].transform("min")
    repeat_days = per.loc[per["d"] > first, "d"].to_numpy() - start
    n = int(np.ceil((end_day - start + 1) / step))
    edges = np.arange(1, n + 1) * step  # end of each period, in days since start
    actual = np.searchsorted(np.sort(repeat_days), edges, side="left")
    firsts = per.groupby("c")["d"].min().to_numpy() - start
    uniq, counts = np.unique(firsts, return_counts=True)
    age = (edges[:, None] - uniq[None, :] - 1) / step
    expected = model.expected_purchases_new(np.clip(age, 0, None))
    predicted = (expected * counts[None, :]).sum(axis=1)
    out = pd.DataFrame({"actual": actual.astype(float), "predicted": predicted},
                       index=pd.RangeIndex(1, n + 1, name="period"))
    cal = None
    if calibration_end is not None:
        cal_day = day_number(end_date(calibration_end, caller, "calibration_end"))
        cal = (cal_day - start + 1) / step
    out.attrs = {"unit": model.unit_, "calibration_end_period": cal, "model": model._label}
    return out


def period_transactions(model: Any, summary: pd.DataFrame, max_frequency: int,
                        caller: str) -> pd.DataFrame:
    """Customers by number of repeat purchases in their window: actual vs. expected.

    The expected number of customers with ``x`` repeat purchases is the sum over
    customers of P(X(T) = x) at each one's own T (exact, no simulation); the last group
    holds ``max_frequency`` or more.
    """
    model._check_fitted()
    k = check_number(max_frequency, name="max_frequency", caller=caller, low=1,
                     integer=True)
    df = _summary_columns(summary, caller, ("frequency", "T"))
    _same_unit(model, summary, caller)
    big_t, counts = np.unique(df["T"].to_numpy(dtype=float), return_counts=True)
    xs = np.arange(k)
    with np.errstate(all="ignore"):
        pmf = model._pmf(big_t[:, None], xs[None, :])  # (distinct T) x (0 .. k - 1)
    expected = np.sum(counts[:, None] * pmf, axis=0)
    expected = np.append(expected, len(df) - expected.sum())
    group, labels = _groups(df["frequency"], k)
    actual = np.bincount(group, minlength=k + 1)
    out = pd.DataFrame({"actual": actual.astype(float), "expected": expected},
                       index=pd.Index(labels, name="repeat_purchases"))
    out.attrs = {"unit": model.unit_, "model": model._label}
    return out


def alive_grid(model: Any, T: float | None, max_frequency: int | None,
               max_recency: float | None, caller: str) -> tuple[np.ndarray, np.ndarray, float]:
    """The frequency x recency grid of a matrix plot, for a customer observed for T."""
    model._check_fitted()
    fitted = getattr(model, "_fit_extent", None) or (40.0, 10)
    big_t = float(fitted[0] if T is None else check_number(T, name="T", caller=caller,
                                                           low=0, low_open=True))
    top = int(fitted[1] if max_frequency is None else check_number(
        max_frequency, name="max_frequency", caller=caller, low=1, integer=True))
    last = big_t if max_recency is None else float(check_number(
        max_recency, name="max_recency", caller=caller, low=0, low_open=True))
    recency = np.linspace(0.0, min(last, big_t), 41)
    return np.arange(top + 1, dtype=float), recency, big_t


def matrix(model: Any, values: Any, frequency: np.ndarray, recency: np.ndarray,
           big_t: float, what: str, **attrs: Any) -> pd.DataFrame:
    """A frequency (rows) x recency (columns) table; a customer without repeat purchases
    has recency 0 only, so the rest of her row is empty (NaN)."""
    out = pd.DataFrame(values, index=pd.Index(frequency.astype(int), name="frequency"),
                       columns=pd.Index(np.round(recency, 10), name="recency"))
    out.iloc[0, 1:] = np.nan
    out.attrs = {"unit": model.unit_, "T": big_t, "what": what, "model": model._label,
                 **attrs}
    return out


def probability_alive_matrix(model: Any, T: float | None, max_frequency: int | None,
                             max_recency: float | None, caller: str) -> pd.DataFrame:
    frequency, recency, big_t = alive_grid(model, T, max_frequency, max_recency, caller)
    x, t_x = np.meshgrid(frequency, recency, indexing="ij")
    t_x = np.where(x == 0, 0.0, t_x)
    alive = model.probability_alive(frequency=x.ravel(), recency=t_x.ravel(), T=big_t)
    return matrix(model, alive.reshape(x.shape), frequency, recency, big_t,
                  "probability alive")


def frequency_recency_matrix(model: Any, t: float, T: float | None,
                             max_frequency: int | None, max_recency: float | None,
                             caller: str) -> pd.DataFrame:
    t = check_number(t, name="t", caller=caller, low=0, low_open=True)
    frequency, recency, big_t = alive_grid(model, T, max_frequency, max_recency, caller)
    x, t_x = np.meshgrid(frequency, recency, indexing="ij")
    t_x = np.where(x == 0, 0.0, t_x)
    values = model.expected_purchases(t, frequency=x.ravel(), recency=t_x.ravel(), T=big_t)
    return matrix(model, values.reshape(x.shape), frequency, recency, big_t,
                  "expected purchases", horizon=float(t))


class _PurchaseModel:
    """The checks every purchase model offers (mixed into BetaGeo, ModifiedBetaGeo,
    ParetoNBD). A model supplies ``expected_purchases``, ``expected_purchases_new``,
    ``probability_alive``, ``_pmf(t, x)`` and ``_label``."""

    _label: str = "model"
    _fit_extent: tuple[float, int] | None = None

    def _note_extent(self, x: np.ndarray, T: np.ndarray) -> None:
        """Remember the data's reach, the default extent of the matrix plots."""
        top = int(np.ceil(np.quantile(x, 0.99))) if x.size else 1
        self._fit_extent = (float(np.max(T)) if T.size else 1.0, max(top, 1))

    def holdout_comparison(self, calhold: pd.DataFrame, *,
                           max_frequency: int = 7) -> pd.DataFrame:
        """Compare predicted with actual holdout purchases, by calibration frequency.

        Customers are grouped by their number of repeat purchases in the calibration
        period (0, 1, ..., ``max_frequency`` or more) and the mean of their actual
        holdout purchases is set against the mean of the model's conditional
        expectations (Fader, Hardie & Lee 2005a, Figure 4).

        Parameters
        ----------
        calhold : DataFrame
            From :func:`~crmlab.clv.calibration_holdout` (in the model's unit).
        max_frequency : int, default 7
            Last group, holding every frequency >= it.

        Returns
        -------
        DataFrame
            Indexed by ``calibration_frequency``; ``customers``, ``actual``,
            ``predicted``. ``attrs``: ``unit``, ``duration``, ``model``.

        Raises
        ------
        CRMDataError
            If the model is not fitted, a column is missing or the units differ.

        Examples
        --------
        >>> import crmlab
        >>> from crmlab import clv
        >>> calhold = clv.calibration_holdout(
        ...     crmlab.load_data("cdnow_sample"), calibration_end="1997-09-30",
        ...     observation_end="1998-06-30", unit="W")
        >>> clv.ParetoNBD().fit(calhold).holdout_comparison(calhold, max_frequency=2).round(2)
                               customers  actual  predicted
        calibration_frequency
        0                           1411    0.24       0.14
        1                            439    0.70       0.60
        2+                           507    2.45       2.38
        """
        return holdout_comparison(self, calhold, max_frequency,
                                  f"{type(self).__name__}.holdout_comparison")

    def tracking(self, transactions: pd.DataFrame, *, observation_end: Any,
                 calibration_end: Any = None, customer: str = "customer_id",
                 date: str = "order_date") -> pd.DataFrame:
        """Track cumulative repeat purchases of a cohort, actual vs. model, period by period.

        For each period of the model's unit since the first date in the data, the
        cumulative number of repeat purchases (same-day purchases merged) against the
        sum over customers of the expected purchases of a new customer of that age.

        Parameters
        ----------
        transactions : DataFrame
            The cohort's purchases.
        observation_end : str or Timestamp
            Last day tracked.
        calibration_end : str or Timestamp, optional
            End of the calibration period, stored in ``attrs`` for the chart.
        customer, date : str
            Column names.

        Returns
        -------
        DataFrame
            Indexed by ``period``; ``actual`` and ``predicted``. ``attrs``: ``unit``,
            ``calibration_end_period``, ``model``.

        Raises
        ------
        CRMDataError
            If the model is not fitted or has no unit, a column is missing, or a date
            is not a date.

        Examples
        --------
        >>> import crmlab
        >>> from crmlab import clv
        >>> cdnow = crmlab.load_data("cdnow_sample")
        >>> model = clv.ParetoNBD().fit(clv.summary_from_transactions(
        ...     cdnow, observation_end="1997-09-30", unit="W"))
        >>> model.tracking(cdnow, observation_end="1998-06-30").loc[[39, 78]].round(0)
                actual  predicted
        period
        39      2457.0     2525.0
        78      4339.0     4270.0
        """
        return tracking(self, transactions, observation_end, calibration_end, customer,
                        date, f"{type(self).__name__}.tracking")

    def period_transactions(self, summary: pd.DataFrame, *,
                            max_frequency: int = 7) -> pd.DataFrame:
        """Count customers by repeat purchases in their window: actual vs. the model.

        The model's expected number of customers with ``x`` repeat purchases is the
        sum over customers of the probability of ``x`` repeat purchases in each one's
        own window ``T`` (computed exactly, no simulation). A model that fits the
        calibration data well reproduces the histogram.

        Parameters
        ----------
        summary : DataFrame
            The summary the model was fitted on (``frequency``, ``T``).
        max_frequency : int, default 7
            Last group, holding every frequency >= it.

        Returns
        -------
        DataFrame
            Indexed by ``repeat_purchases`` ("0", ..., "7+"); ``actual`` and
            ``expected`` numbers of customers. ``attrs``: ``unit``, ``model``.

        Raises
        ------
        CRMDataError
            If the model is not fitted, a column is missing or the units differ.

        Examples
        --------
        >>> import crmlab
        >>> from crmlab import clv
        >>> s = clv.summary_from_transactions(crmlab.load_data("cdnow_sample"),
        ...                                   observation_end="1997-09-30", unit="W")
        >>> clv.BetaGeo().fit(s).period_transactions(s, max_frequency=3).round(1)
                          actual  expected
        repeat_purchases
        0                 1411.0    1407.7
        1                  439.0     460.3
        2                  214.0     192.5
        3+                 293.0     296.5
        """
        return period_transactions(self, summary, max_frequency,
                                   f"{type(self).__name__}.period_transactions")

    def probability_alive_matrix(self, *, T: float | None = None,
                                 max_frequency: int | None = None,
                                 max_recency: float | None = None) -> pd.DataFrame:
        """P(alive) over a grid of frequency (rows) and recency (columns), for one T.

        The picture of Fader, Hardie & Lee (2005a, Figure 5): a customer with many
        purchases who has not bought for a long time has probably left. A customer
        without repeat purchases has recency 0 only, so her row is empty after the
        first column.

        Parameters
        ----------
        T : float, optional
            The customers' window (age), in the model's unit; default the longest in
            the fitted summary.
        max_frequency : int, optional
            Last row; default the 99th percentile of the fitted frequencies.
        max_recency : float, optional
            Last column; default ``T``. 41 recencies from 0 are shown.

        Returns
        -------
        DataFrame
            Indexed by ``frequency``, columns ``recency``. ``attrs``: ``unit``,
            ``T``, ``what``, ``model``.

        Raises
        ------
        CRMDataError
            If the model is not fitted or an argument is out of range.

        Examples
        --------
        >>> import crmlab
        >>> from crmlab import clv
        >>> s = clv.summary_from_transactions(crmlab.load_data("cdnow_sample"),
        ...                                   observation_end="1997-09-30", unit="W")
        >>> m = clv.BetaGeo().fit(s).probability_alive_matrix(T=39, max_frequency=5)
        >>> m.iloc[[1, 5], [1, 20, 40]].round(2)
        recency    0.975   19.500  39.000
        frequency
        1            0.19    0.59    0.75
        5            0.00    0.26    0.89
        """
        return probability_alive_matrix(self, T, max_frequency, max_recency,
                                        f"{type(self).__name__}.probability_alive_matrix")

    def frequency_recency_matrix(self, t: float = 1.0, *, T: float | None = None,
                                 max_frequency: int | None = None,
                                 max_recency: float | None = None) -> pd.DataFrame:
        """Expected purchases in the next ``t`` periods over a frequency x recency grid.

        Like :meth:`probability_alive_matrix`, with the conditional expectation of
        purchases instead of P(alive).

        Parameters
        ----------
        t : float, default 1
            Horizon, in the model's unit.
        T, max_frequency, max_recency
            As in :meth:`probability_alive_matrix`.

        Returns
        -------
        DataFrame
            Indexed by ``frequency``, columns ``recency``. ``attrs``: ``unit``,
            ``T``, ``what``, ``horizon``, ``model``.

        Raises
        ------
        CRMDataError
            If the model is not fitted or an argument is out of range.

        Examples
        --------
        >>> import crmlab
        >>> from crmlab import clv
        >>> s = clv.summary_from_transactions(crmlab.load_data("cdnow_sample"),
        ...                                   observation_end="1997-09-30", unit="W")
        >>> m = clv.BetaGeo().fit(s).frequency_recency_matrix(39, T=39, max_frequency=5)
        >>> m.iloc[[0, 5], [0, 40]].round(2)
        recency    0.0   39.0
        frequency
        0          0.19   NaN
        5          0.00  3.38
        """
        return frequency_recency_matrix(self, t, T, max_frequency, max_recency,
                                        f"{type(self).__name__}.frequency_recency_matrix")

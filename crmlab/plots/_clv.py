"""Plots for the customer lifetime value chapter (客户终身价值): BTYD model checks, CLV."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from crmlab.clv import ShiftedBetaGeometric

__all__ = ["calibration_holdout_chart", "clv_distribution", "clv_intervals_chart",
           "frequency_recency_matrix", "period_transactions_chart", "probability_alive_matrix",
           "retention_curve", "tracking_chart"]

_UNIT_NAMES = {"W": "weeks", "D": "days"}


def calibration_holdout_chart(result: pd.DataFrame, *, ax: Axes | None = None,
                              actual: bool = True, **kwargs: Any) -> Axes:
    """Draw actual vs. predicted holdout purchases by calibration frequency.

    The model check of Fader, Hardie & Lee (2005, Figure 4).

    Parameters
    ----------
    result : DataFrame
        Output of a model's ``holdout_comparison`` (columns ``actual`` and
        ``predicted``, indexed by calibration frequency; ``attrs["model"]`` names the
        model in the legend, default BG/NBD).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    actual : bool, default True
        Draw the actual line; pass False when adding a second model to the same Axes.
    **kwargs
        Passed to the ``ax.plot`` of the predicted line.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"actual": [0.2, 0.7, 1.4], "predicted": [0.2, 0.5, 1.0]},
    ...                  index=pd.Index(["0", "1", "2+"], name="calibration_frequency"))
    >>> ax = calibration_holdout_chart(r)
    >>> [line.get_label() for line in ax.lines]
    ['actual', 'BG/NBD prediction']
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    labels = [str(i) for i in result.index]
    x = np.arange(len(labels))
    if actual:
        ax.plot(x, result["actual"].to_numpy(), marker="o", color="black", label="actual")
    kwargs.setdefault("linestyle", "--")
    kwargs.setdefault("marker", "s")
    kwargs.setdefault("label", f"{result.attrs.get('model', 'BG/NBD')} prediction")
    ax.plot(x, result["predicted"].to_numpy(), **kwargs)
    ax.set_xticks(x, labels)
    unit = {"W": "weeks", "D": "days"}.get(result.attrs.get("unit"), "periods")
    duration = result.attrs.get("duration")
    span = f" ({duration:g} {unit})" if duration else ""
    ax.set(xlabel="repeat purchases in calibration period (校准期购买次数)",
           ylabel=f"mean purchases in holdout{span}",
           title="calibration vs. holdout (校准期 vs 验证期)")
    ax.legend()
    return ax


def tracking_chart(tracking: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw cumulative repeat purchases, actual vs. model, period by period.

    The tracking plot of Fader, Hardie & Lee (2005, Figure 2); a dotted line marks
    the end of the calibration period.

    Parameters
    ----------
    tracking : DataFrame
        Output of :meth:`crmlab.clv.BetaGeo.tracking`.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to the ``ax.plot`` of the predicted line.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"actual": [0.0, 5, 12], "predicted": [1.0, 6, 11]},
    ...                  index=pd.RangeIndex(1, 4, name="period"))
    >>> t.attrs = {"unit": "W", "calibration_end_period": 2}
    >>> ax = tracking_chart(t)
    >>> len(ax.lines), ax.get_xlabel()
    (3, 'week (周)')
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    ax.plot(tracking.index, tracking["actual"], color="black", label="actual")
    kwargs.setdefault("linestyle", "--")
    kwargs.setdefault("label", f"{tracking.attrs.get('model', 'BG/NBD')} prediction")
    ax.plot(tracking.index, tracking["predicted"], **kwargs)
    cal = tracking.attrs.get("calibration_end_period")
    if cal is not None:
        ax.axvline(cal, color="grey", linestyle=":", label="end of calibration")
    unit = tracking.attrs.get("unit")
    ax.set(xlabel={"W": "week (周)", "D": "day (天)"}.get(unit, "period"),
           ylabel="cumulative repeat purchases (累计重复购买)",
           title="tracking cumulative repeat purchases")
    ax.legend()
    return ax


def retention_curve(sbg: ShiftedBetaGeometric, survivors: Sequence[float], *,
                    periods: int | None = None, ax: Axes | None = None,
                    **kwargs: Any) -> Axes:
    """Draw a cohort's actual survival against the fitted sBG survival curve.

    Parameters
    ----------
    sbg : ShiftedBetaGeometric
        A fitted model (:class:`crmlab.clv.ShiftedBetaGeometric`).
    survivors : sequence of numbers
        The cohort's active customers at the start of each period.
    periods : int, optional
        Last period of the fitted curve; default 5 periods beyond the data (a
        projection).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to the ``ax.plot`` of the fitted curve (e.g. ``label=``, ``color=``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from crmlab import clv
    >>> counts = clv.ShiftedBetaGeometric.published_cohorts["regular"]
    >>> sbg = clv.ShiftedBetaGeometric().fit(counts)
    >>> ax = retention_curve(sbg, counts)
    >>> len(ax.lines[1].get_xdata())
    13
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    s = np.asarray(survivors, dtype=float)
    last = len(s) - 1 + 5 if periods is None else int(periods)
    t = np.arange(last + 1)
    label = kwargs.pop("label", "sBG fit")
    points = ax.plot(np.arange(len(s)), s / s[0], marker="o", linestyle="none",
                     label=f"actual ({label})" if label != "sBG fit" else "actual")
    kwargs.setdefault("color", points[0].get_color())
    ax.plot(t, sbg.survival(t), label=label, **kwargs)
    ax.axvspan(len(s) - 1, last, color="grey", alpha=0.08)
    ax.set(xlabel="period since acquisition (获取后的期数)",
           ylabel="share still a customer (客户保持率)", ylim=(0, 1.05),
           title="retention curve (客户保持曲线): shaded = projection")
    ax.legend()
    return ax


def clv_distribution(table: pd.DataFrame, *, column: str = "clv", bins: int = 40,
                     ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw the distribution of customer lifetime value, with its mean and median.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`crmlab.clv.clv_table` (or any table with ``column``).
    column : str, default "clv"
    bins : int, default 40
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``ax.hist``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> ax = clv_distribution(pd.DataFrame({"clv": [1.0, 2.0, 2.0, 30.0]}), bins=5)
    >>> len(ax.patches), [line.get_label() for line in ax.lines]
    (5, ['mean 8.75', 'median 2.00'])
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    values = table[column].to_numpy(dtype=float)
    kwargs.setdefault("color", "#4c72b0")
    ax.hist(values, bins=bins, **kwargs)
    mean, median = float(np.mean(values)), float(np.median(values))
    ax.axvline(mean, color="crimson", label=f"mean {mean:,.2f}")
    ax.axvline(median, color="orange", linestyle="--", label=f"median {median:,.2f}")
    ax.set(xlabel=f"{column} per customer (客户终身价值)", ylabel="customers (客户数)",
           title="distribution of customer lifetime value")
    ax.legend()
    return ax


def _matrix(matrix: pd.DataFrame, ax: Axes | None, title: str, label: str,
            kwargs: dict) -> Axes:
    ax = plt.gca() if ax is None else ax
    values = np.ma.masked_invalid(matrix.to_numpy(dtype=float))
    recency = matrix.columns.to_numpy(dtype=float)
    frequency = matrix.index.to_numpy(dtype=float)
    half = (recency[1] - recency[0]) / 2 if len(recency) > 1 else 0.5
    kwargs.setdefault("cmap", "viridis")
    image = ax.imshow(values, origin="lower", aspect="auto", interpolation="nearest",
                      extent=(recency[0] - half, recency[-1] + half,
                              frequency[0] - 0.5, frequency[-1] + 0.5), **kwargs)
    ax.figure.colorbar(image, ax=ax, label=label)
    unit = _UNIT_NAMES.get(matrix.attrs.get("unit"), "periods")
    big_t = matrix.attrs.get("T")
    span = f" (T = {big_t:g} {unit})" if big_t is not None else ""
    model = matrix.attrs.get("model", "model")
    ax.set(xlabel=f"recency: age at the last purchase, {unit} (最近一次购买时的客龄)",
           ylabel="repeat purchases (重复购买次数)", title=f"{title}{span}, {model}")
    return ax


def probability_alive_matrix(matrix: pd.DataFrame, *, ax: Axes | None = None,
                             **kwargs: Any) -> Axes:
    """Draw P(alive) over frequency and recency as a heat map.

    Parameters
    ----------
    matrix : DataFrame
        Output of a purchase model's ``probability_alive_matrix`` (frequency rows,
        recency columns, NaN where no customer can be).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``ax.imshow`` (e.g. ``cmap=``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame([[1.0, float("nan")], [0.2, 0.9]],
    ...                  index=pd.Index([0, 1], name="frequency"),
    ...                  columns=pd.Index([0.0, 10.0], name="recency"))
    >>> m.attrs = {"unit": "W", "T": 10.0, "model": "BG/NBD"}
    >>> ax = probability_alive_matrix(m)
    >>> ax.get_title()
    'P(alive) (T = 10 weeks), BG/NBD'
    >>> plt.close("all")
    """
    kwargs.setdefault("vmin", 0.0)
    kwargs.setdefault("vmax", 1.0)
    return _matrix(matrix, ax, "P(alive)", "probability alive (存活概率)", kwargs)


def frequency_recency_matrix(matrix: pd.DataFrame, *, ax: Axes | None = None,
                             **kwargs: Any) -> Axes:
    """Draw the expected purchases over frequency and recency as a heat map.

    Parameters
    ----------
    matrix : DataFrame
        Output of a purchase model's ``frequency_recency_matrix``.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``ax.imshow``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import crmlab
    >>> from crmlab import clv
    >>> s = clv.summary_from_transactions(crmlab.load_data("cdnow_sample"),
    ...                                   observation_end="1997-09-30", unit="W")
    >>> m = clv.ParetoNBD().fit(s).frequency_recency_matrix(39, T=39, max_frequency=8)
    >>> ax = frequency_recency_matrix(m)
    >>> ax.get_title()
    'expected purchases in the next 39 weeks (T = 39 weeks), Pareto/NBD'
    >>> plt.close("all")
    """
    unit = _UNIT_NAMES.get(matrix.attrs.get("unit"), "periods")
    horizon = matrix.attrs.get("horizon")
    title = ("expected purchases" if horizon is None
             else f"expected purchases in the next {horizon:g} {unit}")
    return _matrix(matrix, ax, title, "expected purchases (预期购买次数)", kwargs)


def period_transactions_chart(table: pd.DataFrame, *, ax: Axes | None = None,
                              **kwargs: Any) -> Axes:
    """Draw the number of customers by repeat purchases, actual vs. the model.

    Parameters
    ----------
    table : DataFrame
        Output of a model's ``period_transactions`` (columns ``actual`` and
        ``expected``).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to the ``ax.bar`` of the model's bars.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"actual": [10.0, 5, 2], "expected": [9.5, 5.5, 2.0]},
    ...                  index=pd.Index(["0", "1", "2+"], name="repeat_purchases"))
    >>> ax = period_transactions_chart(t)
    >>> len(ax.patches)
    6
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["actual"].to_numpy(), width=0.4, color="black", label="actual")
    kwargs.setdefault("color", "#4c72b0")
    kwargs.setdefault("label", table.attrs.get("model", "model"))
    ax.bar(x + 0.2, table["expected"].to_numpy(), width=0.4, **kwargs)
    ax.set_xticks(x, [str(i) for i in table.index])
    ax.set(xlabel="repeat purchases in the calibration period (校准期重复购买次数)",
           ylabel="customers (客户数)", title="customers by number of repeat purchases")
    ax.legend()
    return ax


def clv_intervals_chart(intervals: pd.DataFrame, *, top: int = 20, ax: Axes | None = None,
                        **kwargs: Any) -> Axes:
    """Draw the CLV of the most valuable customers with their bootstrap intervals.

    Parameters
    ----------
    intervals : DataFrame
        Output of :func:`crmlab.clv.clv_intervals` (``clv``, ``clv_low``,
        ``clv_high``).
    top : int, default 20
        How many customers, highest CLV first.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``ax.errorbar``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> ci = pd.DataFrame({"clv": [5.0, 9.0, 1.0], "clv_low": [4.0, 7.0, 0.5],
    ...                    "clv_high": [6.5, 11.0, 1.5]}, index=["a", "b", "c"])
    >>> ci.attrs = {"level": 0.9}
    >>> ax = clv_intervals_chart(ci, top=2)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['b', 'a']
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    rows = intervals.sort_values("clv", ascending=False, kind="stable").head(int(top))
    y = np.arange(len(rows))[::-1]
    err = np.vstack([rows["clv"] - rows["clv_low"], rows["clv_high"] - rows["clv"]])
    kwargs.setdefault("fmt", "o")
    kwargs.setdefault("capsize", 3)
    ax.errorbar(rows["clv"].to_numpy(), y, xerr=err, **kwargs)
    ax.set_yticks(y, [str(i) for i in rows.index])
    level = intervals.attrs.get("level")
    shown = f"{level:.0%} " if level is not None else ""
    ax.set(xlabel=f"CLV with {shown}bootstrap interval (客户终身价值及区间)",
           ylabel="customer (客户)", title=f"the {len(rows)} customers of highest CLV")
    return ax

"""Plots for the customer lifetime value chapter (客户终身价值): BTYD model checks, CLV."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmlab.language import localized
from crmlab.plots._words import column_name, unit_name

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from crmlab.clv import ShiftedBetaGeometric

__all__ = ["calibration_holdout_chart", "clv_distribution", "clv_intervals_chart",
           "frequency_recency_matrix", "period_transactions_chart", "probability_alive_matrix",
           "retention_curve", "tracking_chart"]

_ACTUAL = ("actual", "实际")


def _prediction(attrs: dict) -> str:
    model = attrs.get("model", "BG/NBD")
    return localized(f"{model} prediction", f"{model} 预测")


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
        ax.plot(x, result["actual"].to_numpy(), marker="o", color="black",
                label=localized(*_ACTUAL))
    kwargs.setdefault("linestyle", "--")
    kwargs.setdefault("marker", "s")
    kwargs.setdefault("label", _prediction(result.attrs))
    ax.plot(x, result["predicted"].to_numpy(), **kwargs)
    ax.set_xticks(x, labels)
    unit = unit_name(result.attrs.get("unit"))
    duration = result.attrs.get("duration")
    span = localized(f" ({duration:g} {unit})", f"（{duration:g} {unit}）") if duration else ""
    ax.set(xlabel=localized("repeat purchases in calibration period (校准期购买次数)",
                            "校准期重复购买次数"),
           ylabel=localized(f"mean purchases in holdout{span}", f"验证期平均购买次数{span}"),
           title=localized("calibration vs. holdout (校准期 vs 验证期)", "校准期与验证期"))
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
    ax.plot(tracking.index, tracking["actual"], color="black", label=localized(*_ACTUAL))
    kwargs.setdefault("linestyle", "--")
    kwargs.setdefault("label", _prediction(tracking.attrs))
    ax.plot(tracking.index, tracking["predicted"], **kwargs)
    cal = tracking.attrs.get("calibration_end_period")
    if cal is not None:
        ax.axvline(cal, color="grey", linestyle=":",
                   label=localized("end of calibration", "校准期结束"))
    unit = tracking.attrs.get("unit")
    ax.set(xlabel=localized(*{"W": ("week (周)", "周"), "D": ("day (天)", "天")}.get(
               unit, ("period", "期"))),
           ylabel=localized("cumulative repeat purchases (累计重复购买)", "累计重复购买次数"),
           title=localized("tracking cumulative repeat purchases", "累计重复购买次数的跟踪"))
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
    fit = localized("sBG fit", "sBG 拟合")
    label = kwargs.pop("label", fit)
    actual = localized(*_ACTUAL)
    points = ax.plot(np.arange(len(s)), s / s[0], marker="o", linestyle="none",
                     label=localized(f"actual ({label})", f"实际（{label}）")
                     if label != fit else actual)
    kwargs.setdefault("color", points[0].get_color())
    ax.plot(t, sbg.survival(t), label=label, **kwargs)
    ax.axvspan(len(s) - 1, last, color="grey", alpha=0.08)
    ax.set(xlabel=localized("period since acquisition (获取后的期数)", "获取后的期数"),
           ylabel=localized("share still a customer (客户保持率)", "客户保持率"), ylim=(0, 1.05),
           title=localized("retention curve (客户保持曲线): shaded = projection",
                           "客户保持曲线：阴影部分为预测"))
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
    ax.axvline(mean, color="crimson", label=localized("mean", "均值") + f" {mean:,.2f}")
    ax.axvline(median, color="orange", linestyle="--",
               label=localized("median", "中位数") + f" {median:,.2f}")
    ax.set(xlabel=localized(f"{column} per customer (客户终身价值)",
                            f"每位客户的{column_name(column)}"),
           ylabel=localized("customers (客户数)", "客户数"),
           title=localized("distribution of customer lifetime value", "客户终身价值的分布"))
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
    unit = unit_name(matrix.attrs.get("unit"))
    big_t = matrix.attrs.get("T")
    span = (localized(f" (T = {big_t:g} {unit})", f"（T = {big_t:g} {unit}）")
            if big_t is not None else "")
    model = matrix.attrs.get("model", localized("model", "模型"))
    ax.set(xlabel=localized(f"recency: age at the last purchase, {unit} (最近一次购买时的客龄)",
                            f"最近一次消费：最后一次购买时的客龄（{unit}）"),
           ylabel=localized("repeat purchases (重复购买次数)", "重复购买次数"),
           title=localized(f"{title}{span}, {model}", f"{title}{span}，{model}"))
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
    return _matrix(matrix, ax, localized("P(alive)", "存活概率"),
                   localized("probability alive (存活概率)", "存活概率"), kwargs)


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
    unit = unit_name(matrix.attrs.get("unit"))
    horizon = matrix.attrs.get("horizon")
    title = (localized("expected purchases", "预期购买次数") if horizon is None
             else localized(f"expected purchases in the next {horizon:g} {unit}",
                            f"未来 {horizon:g} {unit}的预期购买次数"))
    return _matrix(matrix, ax, title,
                   localized("expected purchases (预期购买次数)", "预期购买次数"), kwargs)


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
    ax.bar(x - 0.2, table["actual"].to_numpy(), width=0.4, color="black",
           label=localized(*_ACTUAL))
    kwargs.setdefault("color", "#4c72b0")
    kwargs.setdefault("label", table.attrs.get("model", localized("model", "模型")))
    ax.bar(x + 0.2, table["expected"].to_numpy(), width=0.4, **kwargs)
    ax.set_xticks(x, [str(i) for i in table.index])
    ax.set(xlabel=localized("repeat purchases in the calibration period (校准期重复购买次数)",
                            "校准期重复购买次数"),
           ylabel=localized("customers (客户数)", "客户数"),
           title=localized("customers by number of repeat purchases", "按重复购买次数统计的客户数"))
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
    ax.set(xlabel=localized(f"CLV with {shown}bootstrap interval (客户终身价值及区间)",
                            f"客户终身价值及其 {shown}自助法区间"),
           ylabel=localized("customer (客户)", "客户"),
           title=localized(f"the {len(rows)} customers of highest CLV",
                           f"客户终身价值最高的 {len(rows)} 位客户"))
    return ax

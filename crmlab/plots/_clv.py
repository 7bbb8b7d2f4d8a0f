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

__all__ = ["calibration_holdout_chart", "clv_distribution", "retention_curve", "tracking_chart"]


def calibration_holdout_chart(result: pd.DataFrame, *, ax: Axes | None = None,
                              **kwargs: Any) -> Axes:
    """Draw actual vs. predicted holdout purchases by calibration frequency.

    The model check of Fader, Hardie & Lee (2005, Figure 4).

    Parameters
    ----------
    result : DataFrame
        Output of :meth:`crmlab.clv.BetaGeo.holdout_comparison` (columns ``actual`` and
        ``predicted``, indexed by calibration frequency).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
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
    ax.plot(x, result["actual"].to_numpy(), marker="o", color="black", label="actual")
    kwargs.setdefault("linestyle", "--")
    kwargs.setdefault("marker", "s")
    ax.plot(x, result["predicted"].to_numpy(), label="BG/NBD prediction", **kwargs)
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
    ax.plot(tracking.index, tracking["predicted"], label="BG/NBD prediction", **kwargs)
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
           ylabel="share still a customer (留存比例)", ylim=(0, 1.05),
           title="retention curve (留存曲线): shaded = projection")
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
